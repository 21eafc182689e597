"""Evaluating alert rules and escalating alerts nobody acknowledged.

Each kind of rule is one function `(rule, now) → findings`; a finding names a place (a
commune code, or None for the province), a title and its evidence. Evaluation opens an
alert for each finding, or refreshes the one still live there (one per rule and place).
The sensors' kinds (a reading beyond a value for a while, a fast rise, a station gone
quiet) live in `sensor_rules`, over the sensors' read interface.

`validate` checks a rule's parameters before it is saved (the admin's form) and before it
is evaluated, so a rule typed wrong says what is wrong instead of failing every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.ioc import actions
from tinhso.ioc.models import (
    Alert,
    AlertKind,
    AlertRule,
    AlertState,
    Direction,
    IndicatorValue,
    Status,
)

ACTOR = Actor.system("operations centre")
BASELINE_DAYS = 28


class RuleError(Exception):
    """A rule that cannot be evaluated as written; `field` is the form field to fix."""

    def __init__(self, message: str, field: str = "params"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Finding:
    commune: str | None
    title: str
    evidence: dict


EVALUATORS: dict[str, Callable[[AlertRule, dt.datetime], list[Finding]]] = {}
# kind -> a function (params) raising RuleError when they do not fit the kind.
VALIDATORS: dict[str, Callable[[dict], None]] = {}
NEEDS_INDICATOR = (AlertKind.THRESHOLD, AlertKind.TRAJECTORY)


def evaluator(kind: str, validator: Callable[[dict], None] | None = None):
    def wrap(fn):
        EVALUATORS[kind] = fn
        if validator is not None:
            VALIDATORS[kind] = validator
        return fn

    return wrap


def number(params: dict, name: str, *, least: float | None = None, whole: bool = False):
    """`params[name]` as a number (None when absent), at least `least`."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        value = "?"
    try:
        parsed = int(value) if whole else float(value)
    except ValueError:
        parsed = None
    if parsed is None or (whole and float(value) != parsed):
        message = (
            _("“%(name)s” must be a whole number.") if whole else _("“%(name)s” must be a number.")
        )
        raise RuleError(message % {"name": name})
    if least is not None and parsed < least:
        raise RuleError(
            _("“%(name)s” must be at least %(least)s.") % {"name": name, "least": f"{least:g}"}
        )
    return parsed


def _numbers(**spec: tuple[float, bool]) -> Callable[[dict], None]:
    def check(params: dict) -> None:
        for name, (least, whole) in spec.items():
            number(params, name, least=least, whole=whole)

    return check


def validate(kind: str, params: dict, indicator=None, role: str | None = None) -> None:
    """Raise RuleError when a rule of `kind` with these parameters (and indicator, and
    escalation role) cannot be evaluated."""
    from tinhso.agencies.models import Role

    if kind not in EVALUATORS:
        raise RuleError(_("Unknown kind of rule “%(kind)s”.") % {"kind": kind}, "kind")
    if not isinstance(params, dict):
        raise RuleError(_('The parameters must be a JSON object, like {"minutes": 60}.'))
    if kind in NEEDS_INDICATOR and indicator is None:
        raise RuleError(_("This kind of rule follows an indicator: choose one."), "indicator")
    if role is not None and role not in Role.values:
        raise RuleError(
            _("“%(role)s” is not a role. Use one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            "escalate_to_role",
        )
    check = VALIDATORS.get(kind)
    if check is not None:
        check(params)


def _latest(indicator) -> list[IndicatorValue]:
    """The latest value of each place (the province and each commune)."""
    values = IndicatorValue.objects.filter(indicator=indicator).select_related("commune")
    latest = values.order_by("-period_start").values_list("period_start", flat=True).first()
    if latest is None:
        return []
    return list(values.filter(period_start=latest))


@evaluator(AlertKind.THRESHOLD)
def crosses_threshold(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    indicator = rule.indicator
    findings = []
    for value in _latest(indicator):
        if indicator.status(value.value) != Status.BAD:
            continue
        place = value.commune.name if value.commune else _("the province")
        findings.append(
            Finding(
                value.commune.code if value.commune else None,
                _("%(indicator)s in %(place)s: %(value)s %(unit)s (bad from %(bad)s)")
                % {
                    "indicator": indicator.name_vi,
                    "place": place,
                    "value": f"{value.value:g}",
                    "unit": indicator.unit,
                    "bad": f"{indicator.bad:g}",
                },
                {
                    "indicator": indicator.code,
                    "value": value.value,
                    "bad": indicator.bad,
                    "period": value.period_start.isoformat(),
                    "value_id": value.pk,
                },
            )
        )
    return findings


@evaluator(AlertKind.TRAJECTORY, _numbers(tolerance=(0, False)))
def off_trajectory(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    indicator = rule.indicator
    value = next((v for v in _latest(indicator) if v.commune_id is None), None)
    targets = list(indicator.targets.all())
    if value is None or not targets:
        return []
    today = timezone.localdate(now)
    target = next((t for t in targets if t.deadline >= today), targets[-1])
    expected = target.expected(timezone.localdate(value.period_start))
    if expected is None:
        return []
    tolerance = float(rule.params.get("tolerance", 0))
    gap = value.value - expected
    behind = gap < -tolerance if indicator.direction == Direction.HIGHER else gap > tolerance
    if not behind:
        return []
    return [
        Finding(
            None,
            _(
                "%(indicator)s is off the path to %(target)s by %(deadline)s: "  # split: one msgid
                "%(value)s, expected %(expected)s"
            )
            % {
                "indicator": indicator.name_vi,
                "target": f"{target.value:g}",
                "deadline": target.deadline.isoformat(),
                "value": f"{value.value:g}",
                "expected": f"{expected:.1f}",
            },
            {
                "indicator": indicator.code,
                "value": value.value,
                "expected": round(expected, 2),
                "target": target.value,
                "deadline": target.deadline.isoformat(),
                "value_id": value.pk,
            },
        )
    ]


@evaluator(
    AlertKind.FEEDBACK_SPIKE,
    _numbers(days=(1, True), factor=(0, False), min_reports=(1, True)),
)
def feedback_spike(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    """A field's reports in one commune over the last `days` (1) at least `factor` (3)
    times what its own previous 28 days give for as long, and at least `min_reports`."""
    from tinhso.feedback import stats

    days = int(rule.params.get("days", 1))
    factor = float(rule.params.get("factor", 3))
    least = int(rule.params.get("min_reports", 5))
    only = rule.params.get("field", "")
    start = now - dt.timedelta(days=days)
    recent = stats.received_by_field_and_commune(start, now)
    base = stats.received_by_field_and_commune(start - dt.timedelta(days=BASELINE_DAYS), start)
    names = stats.field_names()
    findings = []
    for (field, commune), n in sorted(recent.items()):
        if only and field != only:
            continue
        expected = base.get((field, commune), 0) * days / BASELINE_DAYS
        if n >= least and n >= factor * expected:
            findings.append(
                Finding(
                    commune,
                    _("%(n)s reports on %(field)s in %(days)s day(s), against %(expected)s usually")
                    % {
                        "n": n,
                        "field": names.get(field, field),
                        "days": days,
                        "expected": f"{expected:.1f}",
                    },
                    {
                        "field": field,
                        "reports": n,
                        "baseline_per_period": round(expected, 2),
                        "baseline_days": BASELINE_DAYS,
                        "days": days,
                    },
                )
            )
    return findings


@evaluator(AlertKind.OVERDUE, _numbers(limit=(0, True)))
def too_many_overdue(rule: AlertRule, now: dt.datetime) -> list[Finding]:
    from tinhso.feedback import stats

    limit = int(rule.params.get("limit", 10))
    narrow = {k: rule.params.get(k, "") for k in ("field", "agency")}
    n = stats.overdue(now=now, **narrow)[None]
    if n <= limit:
        return []
    return [
        Finding(
            None,
            _("%(n)s reports are overdue (more than %(limit)s)") % {"n": n, "limit": limit},
            {"overdue": n, "limit": limit, **{k: v for k, v in narrow.items() if v}},
        )
    ]


def evaluate(now: dt.datetime | None = None, rules=None) -> list[Alert]:
    """Evaluate every active rule whose kind is connected; returns the alerts opened."""
    from tinhso.units.models import Commune

    now = now or timezone.now()
    opened = []
    chosen = rules if rules is not None else AlertRule.objects.filter(is_active=True)
    for rule in chosen.select_related("indicator") if rules is None else chosen:
        evaluate_one = EVALUATORS.get(rule.kind)
        try:
            validate(rule.kind, rule.params, rule.indicator)
        except RuleError:
            continue  # the admin's form says what is wrong; nothing to evaluate
        assert evaluate_one is not None
        for finding in evaluate_one(rule, now):
            commune = (
                Commune.objects.filter(code=finding.commune).first() if finding.commune else None
            )
            alert, created = actions.raise_alert(
                ACTOR,
                rule,
                commune=commune,
                title=finding.title,
                evidence=finding.evidence,
                now=now,
            )
            if created:
                opened.append(alert)
    return opened


def escalate(now: dt.datetime | None = None) -> list[Alert]:
    """Open alerts not acknowledged within their rule's minutes: escalated once."""
    now = now or timezone.now()
    due = [
        alert
        for alert in Alert.objects.filter(state=AlertState.OPEN, escalated_at__isnull=True)
        .select_related("rule")
        .annotate(minutes=F("rule__escalate_after_minutes"))
        if alert.opened_at + dt.timedelta(minutes=alert.minutes) <= now
    ]
    return [actions.escalate_alert(ACTOR, alert, now) for alert in due]


# The sensors' kinds register themselves on import (they use `evaluator` and `Finding`).
from tinhso.ioc import sensor_rules  # noqa: E402, F401
