"""Alert rules over live sensor readings, read through `tinhso.sensors.readings`.

- `sensor_threshold`: a property of the stations of a type (or of one station) beyond a
  value *continuously* for `minutes`: the reading in effect when the window began and
  every reading since are beyond it, and the readings cover the window — none of them
  further apart than one and a half expected intervals, the last one no older than that.
  A station that stopped sending is the offline rule's business, not a smog's.
- `sensor_rise`: the latest reading at least `rise` above the lowest of the readings in
  the `minutes` before it (a river up 0.5 m within the hour).
- `sensor_offline`: stations silent for three expected intervals (`readings.offline_devices`).

A finding's place is the station's commune; stations of one commune that fire together
make one alert, with every station and the series that triggered it in the evidence
(at most `MAX_POINTS` per station), which the alert's chart draws.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.ioc.alerts import Finding, RuleError, evaluator, number
from tinhso.ioc.models import AlertKind, AlertRule
from tinhso.sensors import readings

MAX_POINTS = 120  # per station in an alert's evidence: enough for a chart, small in JSON
GAP_INTERVALS = 1.5  # readings further apart than this many expected intervals: a hole
LONGEST_MINUTES = 7 * 24 * 60


# --- parameters ------------------------------------------------------------------------


def _station_params(params: dict, *, needs_type: bool = True, needs_property: bool = True):
    device_type = params.get("device_type") or ""
    device = params.get("device") or ""
    if device_type and device_type not in readings.DEVICE_TYPES.values:
        raise RuleError(
            _("“%(type)s” is not a device type. Use one of: %(types)s.")
            % {"type": device_type, "types": ", ".join(readings.DEVICE_TYPES.values)}
        )
    if needs_type and not device_type:
        raise RuleError(
            _("Say which stations: “device_type”, one of %(types)s.")
            % {"types": ", ".join(readings.DEVICE_TYPES.values)}
        )
    if device:
        station = readings.station(str(device))
        if station is None:
            raise RuleError(_("No active station “%(device)s”.") % {"device": device})
        if device_type and station.kind != device_type:
            raise RuleError(
                _("Station “%(device)s” is not of type “%(type)s”.")
                % {"device": device, "type": device_type}
            )
    if needs_property:
        prop = params.get("property") or ""
        known = readings.properties(device_type)
        if prop not in known:
            raise RuleError(
                _("Say which reading: “property”, one of %(properties)s.")
                % {"properties": ", ".join(known)}
            )


def _minutes(params: dict) -> None:
    minutes = number(params, "minutes", least=5, whole=True)
    if minutes is None:
        raise RuleError(_("Say over how many minutes: “minutes” (at least 5)."))
    if minutes > LONGEST_MINUTES:
        raise RuleError(
            _("“minutes” must be at most %(most)s (a week).") % {"most": LONGEST_MINUTES}
        )


def check_threshold(params: dict) -> None:
    _station_params(params)
    above = number(params, "above")
    below = number(params, "below")
    if (above is None) == (below is None):
        raise RuleError(_("Give one limit: “above” or “below”, not both."))
    _minutes(params)


def check_rise(params: dict) -> None:
    _station_params(params)
    if number(params, "rise") is None or float(params["rise"]) <= 0:
        raise RuleError(_("Say by how much the reading rises: “rise”, a positive number."))
    _minutes(params)


def check_offline(params: dict) -> None:
    _station_params(params, needs_type=False, needs_property=False)


# --- evidence --------------------------------------------------------------------------


def _label(prop: str) -> str:
    return readings.LABELS.get(prop, prop)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _sample(trace: readings.Trace, keep: tuple[int, ...] = ()) -> dict:
    """The trace as evidence: times (ISO) and values, evenly thinned to MAX_POINTS,
    always keeping the last reading and the indices in `keep`."""
    n = len(trace.times)
    chosen = set(range(0, n, max(1, -(-n // MAX_POINTS)))) | {n - 1, *keep}
    chosen = set(sorted(chosen)[-MAX_POINTS:]) | {n - 1}
    return {
        "device": trace.station.device_id,
        "name": trace.station.name,
        "t": [trace.times[i].isoformat() for i in sorted(chosen)],
        "v": [trace.values[i] for i in sorted(chosen)],
    }


def _by_place(hits: list[tuple[readings.Station, dict]]) -> dict[str | None, list]:
    places: dict[str | None, list] = defaultdict(list)
    for station, detail in hits:
        places[station.commune_code].append((station, detail))
    return places


def _gap(station: readings.Station) -> dt.timedelta:
    return dt.timedelta(seconds=station.expected_interval * GAP_INTERVALS)


def _traces(rule: AlertRule, start: dt.datetime, now: dt.datetime) -> list[readings.Trace]:
    """The rule's stations' readings since `start`, and, per station, those up to one
    allowed gap before it (the reading in effect when the window began)."""
    params = rule.params
    return readings.traces(
        params["property"],
        start,
        now,
        device_type=params.get("device_type") or None,
        device=params.get("device") or None,
        before_intervals=GAP_INTERVALS,
    )


# --- the rules ---------------------------------------------------------------------------


def _continuous(trace: readings.Trace, start: dt.datetime, now: dt.datetime, beyond) -> bool:
    """Every reading in effect from `start` to `now` is beyond, and they cover it."""
    times, values = trace.times, trace.values
    at_start = max((i for i, t in enumerate(times) if t <= start), default=None)
    if at_start is None:
        return False  # the window began before the station's first reading we hold
    gap = _gap(trace.station)
    if now - times[-1] > gap:
        return False
    if any(b - a > gap for a, b in zip(times[at_start:], times[at_start + 1 :], strict=False)):
        return False
    return all(beyond(v) for v in values[at_start:])


@evaluator(AlertKind.SENSOR_THRESHOLD, check_threshold)
def sensor_threshold(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    params = rule.params
    minutes = int(params["minutes"])
    above = params.get("above") not in (None, "")
    limit = float(params["above"] if above else params["below"])

    def beyond(value: float) -> bool:
        return value > limit if above else value < limit

    start = now - dt.timedelta(minutes=minutes)
    hits = [
        (t.station, _sample(t))
        for t in _traces(rule, start, now)
        if _continuous(t, start, now, beyond)
    ]
    prop = params["property"]
    unit = readings.UNITS.get(prop, "")
    findings = []
    for place, found in _by_place(hits).items():
        worst = (max if above else min)(d["v"][-1] for _s, d in found)
        text = (
            _("%(property)s above %(limit)s for %(minutes)s minutes at %(stations)s: now %(value)s")
            if above
            else _(
                "%(property)s below %(limit)s for %(minutes)s minutes at %(stations)s: "  # one
                "now %(value)s"
            )
        )
        title = text % {
            "property": _label(prop),
            "limit": f"{_number(limit)} {unit}".strip(),
            "minutes": minutes,
            "stations": ", ".join(s.name for s, _d in found),
            "value": f"{_number(worst)} {unit}".strip(),
        }
        findings.append(
            Finding(
                place,
                title,
                {
                    "property": prop,
                    "unit": unit,
                    "above" if above else "below": limit,
                    "minutes": minutes,
                    "devices": [s.device_id for s, _d in found],
                    "latest": worst,
                    "series": [d for _s, d in found],
                    "limit": limit,
                },
            )
        )
    return findings


@evaluator(AlertKind.SENSOR_RISE, check_rise)
def sensor_rise(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    params = rule.params
    minutes = int(params["minutes"])
    least = float(params["rise"])
    span = dt.timedelta(minutes=minutes)
    hits = []
    for trace in _traces(rule, now - span, now):
        times, values = trace.times, trace.values
        if now - times[-1] > _gap(trace.station):
            continue  # not current: the offline rule speaks for a silent station
        before = [i for i, t in enumerate(times[:-1]) if t >= times[-1] - span]
        if not before:
            continue
        low = min(before, key=lambda i: values[i])
        rise = values[-1] - values[low]
        if rise >= least:
            detail = _sample(trace, keep=(low,))
            detail |= {"rise": round(rise, 3), "from": times[low].isoformat()}
            hits.append((trace.station, detail))
    prop = params["property"]
    unit = readings.UNITS.get(prop, "")
    findings = []
    for place, found in _by_place(hits).items():
        most = max(d["rise"] for _s, d in found)
        title = _("%(property)s up %(rise)s within %(minutes)s minutes at %(stations)s") % {
            "property": _label(prop),
            "rise": f"{_number(most)} {unit}".strip(),
            "minutes": minutes,
            "stations": ", ".join(s.name for s, _d in found),
        }
        findings.append(
            Finding(
                place,
                title,
                {
                    "property": prop,
                    "unit": unit,
                    "rise_at_least": least,
                    "minutes": minutes,
                    "devices": [s.device_id for s, _d in found],
                    "rise": most,
                    "series": [d for _s, d in found],
                },
            )
        )
    return findings


@evaluator(AlertKind.SENSOR_OFFLINE, check_offline)
def sensor_offline(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    device_type = rule.params.get("device_type") or ""
    device = rule.params.get("device") or ""
    quiet = [
        s
        for s in readings.offline_devices(now)
        if (not device_type or s.kind == device_type) and (not device or s.device_id == device)
    ]
    findings = []
    for place, found in _by_place([(s, {}) for s in quiet]).items():
        stations = [s for s, _d in found]
        seen = [s.last_seen_at for s in stations if s.last_seen_at]
        since = timezone.localtime(min(seen)).strftime("%d/%m/%Y %H:%M") if seen else _("never")
        findings.append(
            Finding(
                place,
                _("%(stations)s silent since %(since)s")
                % {"stations": ", ".join(s.name for s in stations), "since": since},
                {
                    "devices": [s.device_id for s in stations],
                    "last_seen": {
                        s.device_id: s.last_seen_at.isoformat() if s.last_seen_at else None
                        for s in stations
                    },
                    "expected_interval_s": {s.device_id: s.expected_interval for s in stations},
                },
            )
        )
    return findings
