"""What a scheduled report says, built once as plain data and then drawn as PDF and XLSX
(`report_files`): for a period (a week Monday–Sunday or a calendar month, in the
province's time) and a scope (the leader: every key indicator, the alerts, the feedback
hub and the air; or one sector: its indicators and alerts).

An indicator's value in a report is the latest province-wide value known at the end of
the period (its own period may be an hour, a day, a month or a year); the previous value
is the one known at the end of the period before.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.ioc.models import (
    LEADER_SCOPE,
    Alert,
    Indicator,
    IndicatorValue,
    ReportFrequency,
    Sector,
    Severity,
    SourceKind,
    Status,
    Target,
    report_scopes,
)

RELEASE_HOUR = 7  # reports go out at 07:00 on the Monday, or on the 1st
CHART_POINTS = 24
LISTED_ALERTS = 50


@dataclass(frozen=True)
class ReportPeriod:
    """[start, end) in local days: Monday to the next Monday, or the 1st to the next 1st."""

    frequency: str
    start: dt.date
    end: dt.date

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.frequency == ReportFrequency.WEEK:
            return _("Week %(week)s, %(start)s – %(end)s") % {
                "week": self.start.isocalendar().week,
                "start": f"{self.start:%d/%m}",
                "end": f"{self.last_day:%d/%m/%Y}",
            }
        return _("Month %(month)s") % {"month": f"{self.start:%m/%Y}"}

    def moment(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())

    @property
    def start_at(self) -> dt.datetime:
        return self.moment(self.start)

    @property
    def end_at(self) -> dt.datetime:
        return self.moment(self.end)

    @property
    def release_at(self) -> dt.datetime:
        """When the scheduled report of this period goes out: 07:00 the day after it."""
        return self.end_at.replace(hour=RELEASE_HOUR)

    def previous(self) -> ReportPeriod:
        return period_of(self.frequency, self.start - dt.timedelta(days=1))


def period_of(frequency: str, day: dt.date) -> ReportPeriod:
    """The week (Monday–Sunday) or calendar month holding `day`."""
    if frequency == ReportFrequency.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return ReportPeriod(frequency, start, start + dt.timedelta(days=7))
    if frequency == ReportFrequency.MONTH:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return ReportPeriod(frequency, start, end)
    raise ValueError(f"unknown frequency {frequency!r}")


def last_released(frequency: str, now: dt.datetime | None = None) -> ReportPeriod:
    """The latest period whose report is due by `now` (its release time has passed)."""
    local = timezone.localtime(now or timezone.now())
    period = period_of(frequency, local.date()).previous()
    return period if period.release_at <= local else period.previous()


def scope_label(scope: str) -> str:
    return str(dict(report_scopes()).get(scope, scope))


def check_scope(scope: str) -> None:
    if scope != LEADER_SCOPE and scope not in Sector.values:
        raise ValueError(
            _("Unknown scope “%(scope)s”: choose leader or a sector (%(sectors)s).")
            % {"scope": scope, "sectors": ", ".join(Sector.values)}
        )


# --- the content ------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    code: str
    name: str
    sector: str
    sector_label: str
    unit: str
    value: float | None
    value_period: dt.date | None
    previous: float | None
    target: float | None
    target_deadline: dt.date | None
    status: str
    status_label: str
    good: float | None
    bad: float | None
    series: list[tuple[dt.date, float]] = field(default_factory=list)
    targets: list[tuple[dt.date, float]] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class AlertLine:
    title: str
    severity: str
    severity_label: str
    place: str
    opened_at: dt.datetime
    state_label: str
    resolved_at: dt.datetime | None


@dataclass
class AlertFigures:
    """Alerts of the period: how many were opened, acknowledged and resolved in it, in
    all and by severity, and the ones opened."""

    opened: int = 0
    acknowledged: int = 0
    resolved: int = 0
    by_severity: list[tuple[str, str, int, int, int]] = field(default_factory=list)
    lines: list[AlertLine] = field(default_factory=list)


@dataclass
class FeedbackFigures:
    received: int
    previous_received: int
    answered: int
    on_time: int
    on_time_rate: float | None
    satisfaction: float | None
    open_now: int
    overdue_now: int


@dataclass
class AirLine:
    name: str
    days: int
    mean: float | None
    worst: float | None
    worst_day: dt.date | None
    days_poor: int  # VN_AQI from 101 (poor or worse)


@dataclass
class ReportContent:
    scope: str
    scope_label: str
    period: ReportPeriod
    previous: ReportPeriod
    province: str
    generated_at: dt.datetime
    partial: bool  # the period had not ended when the report was made
    indicators: list[IndicatorRow]
    alerts: AlertFigures
    feedback: FeedbackFigures | None = None
    air: list[AirLine] | None = None

    @property
    def file_stem(self) -> str:
        return f"bao-cao-{self.scope}-{self.period.frequency}-{self.period.start:%Y-%m-%d}"


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _indicators(scope: str) -> list[Indicator]:
    chosen = Indicator.objects.prefetch_related("targets").order_by("sector", "order", "code")
    chosen = chosen.filter(key=True) if scope == LEADER_SCOPE else chosen.filter(sector=scope)
    return list(chosen)


def _target(targets: list[Target], on: dt.date) -> Target | None:
    ahead = sorted((t for t in targets if t.deadline >= on), key=lambda t: t.deadline)
    if ahead:
        return ahead[0]
    return max(targets, key=lambda t: t.deadline) if targets else None


def indicator_rows(indicators: list[Indicator], period: ReportPeriod) -> list[IndicatorRow]:
    """Each indicator's value at the end of the period and of the one before, its target
    and its recent province-wide series, read in one query."""
    series: dict[int, list[IndicatorValue]] = {i.pk: [] for i in indicators}
    for value in IndicatorValue.objects.filter(
        indicator__in=indicators, commune__isnull=True, period_start__lt=period.end_at
    ).order_by("indicator_id", "period_start"):
        series[value.indicator_id].append(value)
    previous_end = period.previous().end_at
    sectors = dict(Sector.choices)
    rows = []
    for indicator in indicators:
        values = series[indicator.pk]
        latest = values[-1] if values else None
        before = [v for v in values if v.period_start < previous_end]
        target = _target(list(indicator.targets.all()), period.last_day)
        status = indicator.status(latest.value if latest else None)
        rows.append(
            IndicatorRow(
                code=indicator.code,
                name=indicator.name_vi,
                sector=indicator.sector,
                sector_label=str(sectors.get(indicator.sector, indicator.sector)),
                unit=indicator.unit,
                value=latest.value if latest else None,
                value_period=_local_day(latest.period_start) if latest else None,
                previous=before[-1].value if before else None,
                target=target.value if target else None,
                target_deadline=target.deadline if target else None,
                status=status,
                status_label=str(Status(status).label),
                good=indicator.good,
                bad=indicator.bad,
                series=[(_local_day(v.period_start), v.value) for v in values[-CHART_POINTS:]],
                targets=[(t.deadline, t.value) for t in indicator.targets.all()],
            )
        )
    return rows


def alert_figures(scope: str, period: ReportPeriod) -> AlertFigures:
    alerts = Alert.objects.select_related("commune")
    if scope != LEADER_SCOPE:
        alerts = alerts.filter(rule__indicator__sector=scope)
    start, end = period.start_at, period.end_at
    opened = alerts.filter(opened_at__gte=start, opened_at__lt=end)
    acknowledged = alerts.filter(acknowledged_at__gte=start, acknowledged_at__lt=end)
    resolved = alerts.filter(resolved_at__gte=start, resolved_at__lt=end)
    counts = {
        name: Counter(rows.values_list("severity", flat=True))
        for name, rows in (("o", opened), ("a", acknowledged), ("r", resolved))
    }
    whole = _("The whole province")
    return AlertFigures(
        opened=sum(counts["o"].values()),
        acknowledged=sum(counts["a"].values()),
        resolved=sum(counts["r"].values()),
        by_severity=[
            (value, str(label), counts["o"][value], counts["a"][value], counts["r"][value])
            for value, label in reversed(Severity.choices)
        ],
        lines=[
            AlertLine(
                title=a.title,
                severity=a.severity,
                severity_label=str(a.get_severity_display()),
                place=a.commune.name if a.commune else str(whole),
                opened_at=timezone.localtime(a.opened_at),
                state_label=str(a.get_state_display()),
                resolved_at=timezone.localtime(a.resolved_at) if a.resolved_at else None,
            )
            for a in opened.order_by("opened_at", "id")[:LISTED_ALERTS]
        ],
    )


def feedback_figures(period: ReportPeriod, now: dt.datetime) -> FeedbackFigures:
    from tinhso.feedback import stats

    def tally(p: ReportPeriod):
        return stats.tallies(p.start_at, p.end_at, period="year")

    current = tally(period)
    answered = sum(t.answered for t in current)
    on_time = sum(t.on_time for t in current)
    ratings = sum(t.ratings for t in current)
    situation = stats.situation(now)
    return FeedbackFigures(
        received=sum(t.received for t in current),
        previous_received=sum(t.received for t in tally(period.previous())),
        answered=answered,
        on_time=on_time,
        on_time_rate=round(100 * on_time / answered, 1) if answered else None,
        satisfaction=(round(sum(t.rating_sum for t in current) / ratings, 2) if ratings else None),
        open_now=situation["open"],
        overdue_now=situation["overdue"],
    )


POOR_AQI = 101


def air_figures(period: ReportPeriod) -> list[AirLine]:
    """The daily VN_AQI indicators fed by the stations (the province's worst station each
    day): days measured, mean, worst day, days poor or worse."""
    lines = []
    for indicator in Indicator.objects.filter(source_kind=SourceKind.SENSORS).order_by("code"):
        values = list(
            IndicatorValue.objects.filter(
                indicator=indicator,
                commune__isnull=True,
                period_start__gte=period.start_at,
                period_start__lt=period.end_at,
            ).order_by("period_start")
        )
        worst = max(values, key=lambda v: v.value) if values else None
        lines.append(
            AirLine(
                name=indicator.name_vi,
                days=len(values),
                mean=round(sum(v.value for v in values) / len(values), 1) if values else None,
                worst=worst.value if worst else None,
                worst_day=_local_day(worst.period_start) if worst else None,
                days_poor=sum(1 for v in values if v.value >= POOR_AQI),
            )
        )
    return lines


def build(scope: str, period: ReportPeriod, now: dt.datetime | None = None) -> ReportContent:
    """The report's content, read from the database once."""
    from tinhso.units import province as home_province

    check_scope(scope)
    now = now or timezone.now()
    leader = scope == LEADER_SCOPE
    place = home_province.home()
    return ReportContent(
        scope=scope,
        scope_label=scope_label(scope),
        period=period,
        previous=period.previous(),
        province=place.name if place else "",
        generated_at=timezone.localtime(now),
        partial=period.end_at > now,
        indicators=indicator_rows(_indicators(scope), period),
        alerts=alert_figures(scope, period),
        feedback=feedback_figures(period, now) if leader else None,
        air=air_figures(period) if leader else None,
    )
