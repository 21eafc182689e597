"""The sensors' read interface for the rest of the platform (the operations centre's
dashboards, indicators and alerts): latest values, series, the air-quality index now and
devices gone quiet. Everything here is open data; nothing reveals a token or a contact.

Other apps import this module only (pyproject's `domain-apps` contract lists it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Max, Q
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.sensors import aqi
from tinhso.sensors.models import Device, DeviceKind, Observation, Period, Rollup, RollupCursor
from tinhso.sensors.payloads import MODELS

DEVICE_TYPES = DeviceKind
# The unit each stored property is kept in (payloads convert to it), for labels and charts.
UNITS = {
    **dict.fromkeys(("pm25", "pm10", "pm1", "o3", "no2", "co", "so2"), "µg/m³"),
    **dict.fromkeys(("waterLevel", "height", "currentLevel", "measuredDistance"), "m"),
    "referenceLevel": "m",
    "precipitation": "mm",
    "temperature": "°C",
    "windSpeed": "m/s",
    "averageVehicleSpeed": "km/h",
    "averageHeadwayTime": "s",
    **dict.fromkeys(("LAeq", "LAmax", "LAS", "LAeq_d"), "dB(A)"),
}
LABELS = {
    "pm25": "PM2.5",
    "pm10": "PM10",
    "pm1": "PM1",
    "waterLevel": _("Water level"),
    "currentLevel": _("Water level"),
    "precipitation": _("Rainfall"),
    "LAeq": _("Noise (LAeq)"),
    "intensity": _("Traffic flow"),
}

OFFLINE_AFTER_INTERVALS = 3  # a station is offline after three missed expected intervals
# How far back `latest` looks: a bounded range of the (device, time) index instead of
# every raw row; a station silent for longer is offline and shows no latest values.
LATEST_WINDOW = dt.timedelta(days=2)


@dataclass(frozen=True)
class Station:
    """A device as anyone may see it."""

    device_id: str
    name: str
    kind: str
    lat: float
    lon: float
    commune_code: str | None
    commune_name: str | None
    owner_code: str
    expected_interval: int
    last_seen_at: dt.datetime | None
    online: bool

    @classmethod
    def of(cls, device: Device, now: dt.datetime) -> Station:
        commune = device.commune
        return cls(
            device.device_id,
            device.name,
            device.kind,
            device.lat,
            device.lon,
            commune.code if commune else None,
            commune.name if commune else None,
            device.owner.code,
            device.expected_interval,
            device.last_seen_at,
            is_online(device, now),
        )


@dataclass(frozen=True)
class Latest:
    """A station and the last value of each property it sent."""

    station: Station
    observed_at: dt.datetime | None
    values: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Point:
    """One point of a series: a raw value (min = max = mean, count 1) or a roll-up."""

    start: dt.datetime
    mean: float
    minimum: float
    maximum: float
    count: int


@dataclass(frozen=True)
class StationAQI:
    """The hourly VN_AQI of one air-quality station."""

    station: Station
    value: int
    level: str
    label: str
    colour: str
    pollutant: str
    sub_indices: dict[str, int]
    hour: dt.datetime


def is_online(device: Device, now: dt.datetime | None = None) -> bool:
    if device.last_seen_at is None:
        return False
    now = now or timezone.now()
    grace = dt.timedelta(seconds=device.expected_interval * OFFLINE_AFTER_INTERVALS)
    return device.last_seen_at >= now - grace


def _devices(device_type: str | None = None):
    devices = Device.objects.filter(is_active=True).select_related("commune", "owner")
    return devices.filter(kind=device_type) if device_type else devices


def properties(device_type: str) -> list[str]:
    """The properties a station of `device_type` can send (its FIWARE models' measured
    attributes), for a rule or a chart to name."""
    names: dict[str, None] = {}
    for kinds, measured in MODELS.values():
        if device_type in kinds:
            names.update(dict.fromkeys(measured))
    return list(names)


def station(device_id: str, now: dt.datetime | None = None) -> Station | None:
    """One active station by its id, or None."""
    device = _devices().filter(device_id=device_id).first()
    return Station.of(device, now or timezone.now()) if device else None


def stations(device_type: str | None = None, now: dt.datetime | None = None) -> list[Station]:
    now = now or timezone.now()
    return [Station.of(d, now) for d in _devices(device_type)]


def latest(device_type: str | None = None, now: dt.datetime | None = None) -> list[Latest]:
    """Each active station (of a type) with the latest value of each of its properties
    sent within `LATEST_WINDOW`."""
    now = now or timezone.now()
    devices = list(_devices(device_type))
    lasts = (
        Observation.objects.filter(device__in=devices, observed_at__gte=now - LATEST_WINDOW)
        .values("device_id", "property")
        .annotate(at=Max("observed_at"))
    )
    pairs = Q()
    for row in lasts:
        pairs |= Q(device_id=row["device_id"], property=row["property"], observed_at=row["at"])
    values: dict[int, dict[str, float]] = defaultdict(dict)
    times: dict[int, dt.datetime] = {}
    if pairs:
        for obs in Observation.objects.filter(pairs).values(
            "device_id", "property", "value", "observed_at"
        ):
            values[obs["device_id"]][obs["property"]] = obs["value"]
            seen = times.get(obs["device_id"])
            times[obs["device_id"]] = max(seen, obs["observed_at"]) if seen else obs["observed_at"]
    return [Latest(Station.of(d, now), times.get(d.pk), dict(values[d.pk])) for d in devices]


def series(
    device: Device | str,
    prop: str,
    start: dt.datetime,
    end: dt.datetime,
    period: str = "hour",
) -> list[Point]:
    """Values of one property between `start` and `end`: `raw` readings, or the `hour` or
    `day` roll-ups (kept after the raw rows are deleted)."""
    device_id = device if isinstance(device, str) else device.device_id
    if period == "raw":
        rows = Observation.objects.filter(
            device__device_id=device_id, property=prop, observed_at__gte=start, observed_at__lt=end
        ).order_by("observed_at")
        return [Point(r.observed_at, r.value, r.value, r.value, 1) for r in rows]
    if period not in Period.values:
        raise ValueError(f"unknown period {period!r}")
    rollups = Rollup.objects.filter(
        device__device_id=device_id, property=prop, period=period, start__gte=start, start__lt=end
    ).order_by("start")
    return [Point(r.start, r.mean, r.minimum, r.maximum, r.count) for r in rollups]


@dataclass(frozen=True)
class Trace:
    """The raw readings of one property of one station over a span, oldest first."""

    station: Station
    times: list[dt.datetime]
    values: list[float]


def traces(
    prop: str,
    start: dt.datetime,
    end: dt.datetime,
    device_type: str | None = None,
    device: str | None = None,
    before_intervals: float = 0,
) -> list[Trace]:
    """Raw readings of `prop` in [start, end] of the active stations of `device_type` (or
    of the one `device`), one trace per station that sent any; with `before_intervals`,
    also each station's readings up to that many of its expected intervals before
    `start` (to know the reading in effect at `start`). One query, a bounded range of the
    (device, property, observed_at) index per station."""
    devices = {d.pk: d for d in _devices(device_type)}
    if device:
        devices = {pk: d for pk, d in devices.items() if d.device_id == device}
    if not devices:
        return []
    since = {
        pk: start - dt.timedelta(seconds=d.expected_interval * before_intervals)
        for pk, d in devices.items()
    }
    rows = (
        Observation.objects.filter(
            device_id__in=list(devices),
            property=prop,
            observed_at__gte=min(since.values()),
            observed_at__lte=end,
        )
        .order_by("device_id", "observed_at")
        .values_list("device_id", "observed_at", "value")
    )
    by_device: dict[int, tuple[list[dt.datetime], list[float]]] = {}
    for pk, at, value in rows:
        if at < since[pk]:
            continue
        times, values = by_device.setdefault(pk, ([], []))
        times.append(at)
        values.append(value)
    return [
        Trace(Station.of(devices[pk], end), times, values)
        for pk, (times, values) in by_device.items()
    ]


def _hour(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment).replace(minute=0, second=0, microsecond=0)


def _rolled_up_until() -> dt.datetime | None:
    """The start of the first hour the roll-ups may not hold whole yet: every hour before
    it has been folded in (readings received later than the roll-up's last run are not)."""
    cursor = RollupCursor.objects.filter(pk=1).values_list("read_until", flat=True).first()
    return _hour(cursor) if cursor else None


def aqi_now(now: dt.datetime | None = None) -> dict[str, StationAQI]:
    """device id → the hourly VN_AQI of each air-quality station that has one (PM2.5 or
    PM10 NowCast over the last 12 hours, O3/NO2/SO2/CO from the current hour). The hours
    the roll-up has already folded in are read from the hourly roll-ups, the later ones
    (the current hour at least) from the raw readings, so a station's tens of readings
    an hour are not averaged again at every page view."""
    now = now or timezone.now()
    current = _hour(now)
    since = current - dt.timedelta(hours=11)
    devices = {d.pk: d for d in _devices(DeviceKind.AIR_QUALITY)}
    means: dict[int, dict[str, dict[dt.datetime, float]]] = defaultdict(lambda: defaultdict(dict))
    rolled = _rolled_up_until()
    raw_since = min(max(since, rolled), current) if rolled else since
    if raw_since > since:
        for row in Rollup.objects.filter(
            device_id__in=list(devices),
            property__in=aqi.POLLUTANTS,
            period=Period.HOUR,
            start__gte=since,
            start__lt=raw_since,
        ).values_list("device_id", "property", "start", "mean"):
            means[row[0]][row[1]][_hour(row[2])] = row[3]
    rows = (
        Observation.objects.filter(
            device_id__in=list(devices),
            property__in=aqi.POLLUTANTS,
            observed_at__gte=raw_since,
            observed_at__lte=now,
        )
        .annotate(hour=TruncHour("observed_at"))
        .values("device_id", "property", "hour")
        .annotate(mean=Avg("value"))
    )
    for row in rows:
        means[row["device_id"]][row["property"]][_hour(row["hour"])] = row["mean"]
    hours = [current - dt.timedelta(hours=i) for i in range(12)]
    result = {}
    for pk, by_property in means.items():
        device = devices[pk]
        present = {
            name: by_property[name][current]
            for name in ("o3", "no2", "so2", "co")
            if current in by_property.get(name, {})
        }
        pm = {
            name: [by_property[name].get(h) for h in hours]
            for name in ("pm25", "pm10")
            if name in by_property
        }
        index = aqi.hourly(present, pm)
        if index is None:
            continue
        result[device.device_id] = StationAQI(
            Station.of(device, now),
            index.value,
            index.band.level,
            str(index.band.label),
            index.band.colour,
            index.pollutant,
            index.sub_indices,
            current,
        )
    return result


def aqi_day(device: Device | str, day: dt.date) -> aqi.AQI | None:
    """The daily VN_AQI of a station for a local day, from the hourly roll-ups: PM as the
    24-hour mean, O3/NO2/SO2/CO as the day's highest hourly mean, O3 also as its highest
    8-hour mean (each 8-hour mean ends at an hour of the day)."""
    device_id = device if isinstance(device, str) else device.device_id
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    end = start + dt.timedelta(days=1)
    hourly: dict[str, dict[dt.datetime, float]] = defaultdict(dict)
    for r in Rollup.objects.filter(
        device__device_id=device_id,
        period=Period.HOUR,
        property__in=aqi.POLLUTANTS,
        start__gte=start - dt.timedelta(hours=7),
        start__lt=end,
    ):
        hourly[r.property][timezone.localtime(r.start)] = r.mean
    in_day = {p: {h: v for h, v in hs.items() if h >= start} for p, hs in hourly.items()}
    pm_means = {
        p: sum(v.values()) / len(v) for p, v in in_day.items() if p in {"pm25", "pm10"} and v
    }
    max_hourly = {p: max(v.values()) for p, v in in_day.items() if p not in {"pm25", "pm10"} and v}
    o3_8h = None
    if hourly.get("o3"):
        means = []
        for h in in_day.get("o3", {}):
            window = [hourly["o3"].get(h - dt.timedelta(hours=i)) for i in range(8)]
            if all(v is not None for v in window):
                means.append(sum(window) / 8)
        o3_8h = max(means) if means else None
    return aqi.daily(pm_means=pm_means, max_hourly=max_hourly, o3_max_8h=o3_8h)


def days_with_readings(
    device_type: str | None, start: dt.datetime, end: dt.datetime
) -> list[dt.date]:
    """The local days in [start, end) on which stations of `device_type` have hourly
    roll-ups: what a daily figure can be computed for."""
    tz = timezone.get_current_timezone()
    rows = Rollup.objects.filter(period=Period.HOUR, start__gte=start, start__lt=end)
    if device_type:
        rows = rows.filter(device__kind=device_type)
    first = rows.order_by("start").values_list("start", flat=True).first()
    last = rows.order_by("-start").values_list("start", flat=True).first()
    if first is None or last is None:
        return []
    day, until = timezone.localtime(first, tz).date(), timezone.localtime(last, tz).date()
    days = []
    while day <= until:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def offline_devices(now: dt.datetime | None = None) -> list[Station]:
    """Active stations silent for three expected intervals (or never heard from)."""
    now = now or timezone.now()
    return [s for s in stations(now=now) if not s.online]


def months_to_archive(now: dt.datetime | None = None) -> list[dt.date]:
    """Closed local months whose raw readings no archive holds whole (`archive.py`)."""
    from tinhso.sensors.archive import to_archive

    return [state.month for state in to_archive(now)]


def keeper() -> tuple[str | None, bool]:
    """The code of the agency that owns the most devices (the archive's keeper), and
    whether every device is a demo one."""
    from django.db.models import Count

    owners = (
        Device.objects.values("owner__code").annotate(n=Count("id")).order_by("-n", "owner__code")
    )
    first = owners.first()
    demo = not Device.objects.filter(is_demo=False).exists()
    return (first["owner__code"] if first else None), demo
