"""Where indicator values come from: a registry of source kinds.

Each kind is two functions: `validate(config)` (raises SourceError with a sentence for the
person configuring it) and `compute(indicator, start, end)` → a `Result` (points and the
provenance that explains them). The built-in kinds register themselves below; a new kind
(the sensors' readings, say) is one `register` call with its two functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.ioc import periods


class SourceError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Point:
    period: dt.datetime
    commune: str | None  # a commune code, or None for the whole province
    value: float


@dataclass
class Result:
    points: list[Point]
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    kind: str
    validate: Callable[[dict], None]
    compute: Callable[[Any, dt.datetime, dt.datetime], Result]


SOURCES: dict[str, Source] = {}


def register(kind: str, validate: Callable, compute: Callable) -> None:
    SOURCES[kind] = Source(kind, validate, compute)


def validate(kind: str, config: dict) -> None:
    source = SOURCES.get(kind)
    if source is None:
        raise SourceError(_("This kind of source is not connected yet."))
    source.validate(config or {})


def compute(indicator, start: dt.datetime, end: dt.datetime) -> Result:
    source = SOURCES.get(indicator.source_kind)
    if source is None:
        raise SourceError(_("This kind of source is not connected yet."))
    return source.compute(indicator, start, end)


# --- SQL over the warehouse -------------------------------------------------------------

SQL_COLUMNS = ("period", "commune", "value")
ACTOR = Actor.system("operations centre")


def _sql(config: dict) -> str:
    sql = (config.get("sql") or "").strip().rstrip(";")
    if not sql:
        raise SourceError(_("Write the query that gives the values."))
    return sql


def datasets_named(sql: str) -> dict[str, dict]:
    """The warehouse datasets the query reads, each with its current version."""
    from sqlglot import exp

    from tinhso.warehouse import access, sandbox

    names = {t.name for t in sandbox.check(sql).find_all(exp.Table)}
    found = {}
    for dataset in access.readable_datasets(ACTOR).filter(slug__in=names):
        current = dataset.current
        found[dataset.slug] = {
            "title": dataset.title,
            "version": current.number if current else None,
            "version_id": current.pk if current else None,
        }
    return found


def validate_sql(config: dict) -> None:
    from tinhso.warehouse import sandbox

    sql = _sql(config)
    try:
        answer = sandbox.run(ACTOR, f"SELECT * FROM ({sql}) AS q LIMIT 0")  # noqa: S608
    except sandbox.QueryRefused as exc:
        raise SourceError(exc.message) from exc
    missing = [c for c in SQL_COLUMNS if c not in answer.columns]
    if missing:
        raise SourceError(
            _("The query must give the columns period, commune and value; missing: %(cols)s")
            % {"cols": ", ".join(missing)}
        )
    if not datasets_named(sql):
        raise SourceError(_("The query reads no dataset of the warehouse."))


def compute_sql(indicator, start: dt.datetime, end: dt.datetime) -> Result:
    """Every row the query gives (its own WHERE decides the span: a yearly census has
    one row a year); rows whose value is empty are skipped."""

    return _run_sql(indicator, _sql(indicator.source_config))


def _run_sql(indicator, sql: str) -> Result:
    from tinhso.warehouse import sandbox

    try:
        answer = sandbox.run(ACTOR, sql)
    except sandbox.QueryRefused as exc:
        raise SourceError(exc.message) from exc
    index = {name: i for i, name in enumerate(answer.columns)}
    points = []
    for row in answer.rows:
        value = row[index["value"]]
        if value is None:
            continue
        commune = row[index["commune"]]
        points.append(
            Point(
                periods.parse(row[index["period"]], indicator.period),
                str(commune) if commune not in (None, "") else None,
                float(value),
            )
        )
    return Result(
        points,
        {
            "kind": "sql",
            "sql": sql,
            "datasets": datasets_named(sql),
            "rows": len(answer.rows),
            "truncated": answer.truncated,
        },
    )


# --- the feedback hub -------------------------------------------------------------------

FEEDBACK_MEASURES = ("received", "on_time_rate", "satisfaction", "overdue")


def validate_feedback(config: dict) -> None:
    if config.get("measure") not in FEEDBACK_MEASURES:
        raise SourceError(
            _("Choose the measure: %(choices)s") % {"choices": ", ".join(FEEDBACK_MEASURES)}
        )


def compute_feedback(indicator, start: dt.datetime, end: dt.datetime) -> Result:
    from tinhso.feedback import stats

    config = indicator.source_config
    measure = config["measure"]
    narrow = {"field": config.get("field", ""), "agency": config.get("agency", "")}
    by_commune = bool(config.get("by_commune", True))
    points: list[Point] = []
    if measure == "overdue":
        # A count of now: it belongs to the current period.
        now_period = periods.floor(dt.datetime.now(dt.UTC), indicator.period)
        counts = stats.overdue(by_commune=by_commune, **narrow)
        points = [Point(now_period, code, float(n)) for code, n in counts.items()]
    else:
        tallies = stats.tallies(start, end, period=indicator.period, **narrow)
        if by_commune:
            tallies += stats.tallies(start, end, period=indicator.period, by_commune=True, **narrow)
        for tally in tallies:
            value = getattr(tally, measure)
            if value is not None:
                points.append(Point(periods.floor(tally.period, indicator.period),
                                    tally.commune, float(value)))  # fmt: skip
    return Result(
        points,
        {
            "kind": "feedback",
            "measure": measure,
            "filters": {k: v for k, v in narrow.items() if v},
            "from": start.isoformat(),
            "to": end.isoformat(),
        },
    )


# --- entered by hand --------------------------------------------------------------------


def validate_manual(config: dict) -> None:
    return None


def compute_manual(indicator, start: dt.datetime, end: dt.datetime) -> Result:
    """The approved entries, the newest approval of a period and place winning."""
    from tinhso.ioc.models import EntryStatus

    chosen: dict[tuple, Any] = {}
    entries = indicator.manual_entries.filter(status=EntryStatus.APPROVED).select_related("commune")
    for entry in entries.order_by("decided_at", "id"):
        chosen[(entry.period_start, entry.commune_id)] = entry
    points = [
        Point(e.period_start, e.commune.code if e.commune else None, e.value)
        for e in chosen.values()
    ]
    return Result(
        points,
        {
            "kind": "manual",
            "entries": [
                {
                    "id": e.pk,
                    "period": e.period_start.isoformat(),
                    "commune": e.commune.code if e.commune else None,
                    "evidence_link": e.evidence_link,
                    "evidence_file": e.evidence_file.name if e.evidence_file else "",
                    "approved_at": e.decided_at.isoformat() if e.decided_at else None,
                }
                for e in chosen.values()
            ],
        },
    )


# --- sensors ----------------------------------------------------------------------------

SENSOR_MEASURES = ("aqi",)


def validate_sensors(config: dict) -> None:
    if config.get("measure") not in SENSOR_MEASURES:
        raise SourceError(
            _("Choose the measure: %(choices)s") % {"choices": ", ".join(SENSOR_MEASURES)}
        )


def compute_sensors(indicator, start: dt.datetime, end: dt.datetime) -> Result:
    """The daily VN_AQI of the air-quality stations (1459/QĐ-TCMT, from their hourly
    roll-ups): each commune's worst station, and the province's worst, per local day."""
    from tinhso.sensors import readings

    stations = readings.stations("air_quality")
    days = readings.days_with_readings("air_quality", start, end)
    worst: dict[tuple[dt.datetime, str | None], float] = {}
    read: dict[str, list[str]] = {}
    for day in days:
        period = periods.floor(day, "day")
        for station in stations:
            index = readings.aqi_day(station.device_id, day)
            if index is None:
                continue
            read.setdefault(station.device_id, []).append(day.isoformat())
            for place in (station.commune_code, None):
                key = (period, place)
                worst[key] = max(worst.get(key, float(index.value)), float(index.value))
    points = [Point(period, place, value) for (period, place), value in worst.items()]
    return Result(
        points,
        {
            "kind": "sensors",
            "measure": "aqi",
            "method": "1459/QĐ-TCMT daily VN_AQI; the worst station of each place",
            "stations": {device: len(read[device]) for device in sorted(read)},
            "from": start.isoformat(),
            "to": end.isoformat(),
        },
    )


# --- the public-service index (766/QĐ-TTg) ------------------------------------------------


def validate_services(config: dict) -> None:
    from tinhso.ioc import services766

    if config.get("component", "total") not in services766.COMPONENTS:
        raise SourceError(
            _("Choose the component: %(choices)s") % {"choices": ", ".join(services766.COMPONENTS)}
        )
    validate_sql({"sql": services766.query(config)})


def compute_services(indicator, start: dt.datetime, end: dt.datetime) -> Result:
    """The 766 index (or one of its groups) by month, as SQL over the dossiers dataset."""
    from tinhso.ioc import services766

    config = indicator.source_config
    sql = services766.query(config)
    result = _run_sql(indicator, sql)
    result.provenance["measure"] = "766/QĐ-TTg: " + config.get("component", "total")
    return result


def query_of(indicator) -> str:
    """The SQL an indicator runs over the warehouse ("" when its source is not SQL)."""
    from tinhso.ioc import services766

    if indicator.source_kind == "sql":
        return indicator.source_config.get("sql", "")
    if indicator.source_kind == "services766":
        return services766.query(indicator.source_config)
    return ""


register("sql", validate_sql, compute_sql)
register("services766", validate_services, compute_services)
register("feedback", validate_feedback, compute_feedback)
register("manual", validate_manual, compute_manual)
register("sensors", validate_sensors, compute_sensors)
