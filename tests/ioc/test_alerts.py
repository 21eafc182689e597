"""Alert rules of each kind, one live alert per rule and place, and every transition:
open → acknowledged → resolved, and escalation when nobody acknowledges in time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhso.agencies.models import User
from tinhso.core.access import AccessDenied
from tinhso.core.actors import Actor
from tinhso.core.events import event
from tinhso.core.models import AuditEntry
from tinhso.feedback import actions as feedback_actions
from tinhso.feedback.models import Field, Report
from tinhso.ioc import actions, alerts
from tinhso.ioc.computation import compute
from tinhso.ioc.models import Alert, AlertRule, AlertState
from tinhso.units.models import Commune

pytestmark = pytest.mark.django_db


def rule(kind, indicator=None, **params):
    return AlertRule.objects.create(
        name=f"rule {kind}",
        kind=kind,
        indicator=indicator,
        params=params,
        severity="critical",
        sop="Gọi trực ban Sở.",
        escalate_after_minutes=15,
        escalate_to_role="leader",
    )


def test_threshold_opens_an_alert_where_the_value_is_bad(fibre_indicator):
    compute(fibre_indicator)
    threshold = rule("threshold", fibre_indicator)
    opened = alerts.evaluate(rules=[threshold])
    # 2025: 27712 at 72 % (good), the other commune at 50 % (bad), the province 62 % (watch)
    assert [a.commune.code for a in opened] == [
        Commune.objects.filter(province__code="80").exclude(code="27712").order_by("code")[0].code
    ]
    assert opened[0].evidence["value"] == 50.0
    assert opened[0].state == AlertState.OPEN


def test_one_live_alert_per_rule_and_place(fibre_indicator):
    compute(fibre_indicator)
    threshold = rule("threshold", fibre_indicator)
    first = alerts.evaluate(rules=[threshold])
    assert alerts.evaluate(rules=[threshold]) == []
    assert Alert.objects.filter(rule=threshold).count() == 1
    # Once resolved, the next occurrence is a new alert.
    actions.resolve_alert(Actor.system("t"), first[0], resolution="Đã xử lý")
    assert len(alerts.evaluate(rules=[threshold])) == 1
    assert Alert.objects.filter(rule=threshold).count() == 2


def test_off_the_targets_path(system, fibre_indicator):
    compute(fibre_indicator)
    actions.set_target(
        system,
        fibre_indicator,
        value=90,
        deadline=dt.date(2026, 12, 31),
        baseline=40,
        baseline_date=dt.date(2023, 1, 1),
    )
    trajectory = rule("trajectory", fibre_indicator, tolerance=2)
    opened = alerts.evaluate(rules=[trajectory])
    assert len(opened) == 1 and opened[0].commune is None
    assert opened[0].evidence["expected"] > opened[0].evidence["value"]
    # A gentler target is on track.
    AlertRule.objects.all().delete()
    fibre_indicator.targets.update(value=60)
    assert alerts.evaluate(rules=[rule("trajectory", fibre_indicator, tolerance=2)]) == []


def _reports(n, commune, field, days_ago=0):
    made = []
    for _i in range(n):
        draft = feedback_actions.ReportDraft(
            text="Ngập nước sau mưa lớn trên đường.", channel="web", commune=commune, field=field
        )
        made.append(feedback_actions.submit_report(Actor.citizen(), draft)[0])
    if days_ago:
        at = timezone.now() - dt.timedelta(days=days_ago)
        Report.objects.filter(pk__in=[r.pk for r in made]).update(received_at=at)
    return made


def test_a_spike_of_reports_in_one_commune(no_reports):
    commune = Commune.objects.get(code="27712")
    field = Field.objects.get(code="giao-thong")
    _reports(2, commune, field, days_ago=10)  # the usual: 2 in 28 days
    spike = rule("feedback_spike", factor=3, min_reports=4)
    _reports(3, commune, field)
    assert alerts.evaluate(rules=[spike]) == []  # under the minimum
    _reports(2, commune, field)
    opened = alerts.evaluate(rules=[spike])
    assert len(opened) == 1
    assert opened[0].commune == commune
    assert opened[0].evidence["reports"] == 5 and opened[0].evidence["field"] == "giao-thong"


def test_too_many_overdue_reports(no_reports):
    commune = Commune.objects.get(code="27712")
    made = _reports(3, commune, Field.objects.get(code="giao-thong"))
    Report.objects.filter(pk__in=[r.pk for r in made]).update(
        deadline=timezone.now() - dt.timedelta(hours=2)
    )
    assert alerts.evaluate(rules=[rule("overdue", limit=3)]) == []
    opened = alerts.evaluate(rules=[rule("overdue", limit=2)])
    assert len(opened) == 1 and opened[0].evidence["overdue"] == 3


def test_a_rule_whose_parameters_do_not_fit_its_kind_is_not_evaluated():
    assert alerts.evaluate(rules=[rule("overdue", limit="many")]) == []


@pytest.fixture
def alert(fibre_indicator):
    compute(fibre_indicator)
    return alerts.evaluate(rules=[rule("threshold", fibre_indicator)])[0]


def test_acknowledge_then_resolve_with_who_and_when(alert):
    operator = Actor.for_user(User.objects.get(username="demo.operator"))
    acknowledged = actions.acknowledge_alert(operator, alert)
    assert acknowledged.state == AlertState.ACKNOWLEDGED
    assert acknowledged.acknowledged_by == "demo.operator" and acknowledged.acknowledged_at
    with pytest.raises(ValueError):
        actions.acknowledge_alert(operator, alert)
    resolved = actions.resolve_alert(operator, alert, resolution="Đã gọi Sở")
    assert resolved.state == AlertState.RESOLVED and resolved.resolved_by == "demo.operator"
    with pytest.raises(ValueError):
        actions.resolve_alert(operator, alert)
    audited = set(
        AuditEntry.objects.filter(object_id=str(alert.pk), object_type="ioc.alert").values_list(
            "action", flat=True
        )
    )
    assert audited == {"ioc.raise_alert", "ioc.acknowledge_alert", "ioc.resolve_alert"}


def test_a_leader_watches_but_does_not_acknowledge(alert):
    leader = Actor.for_user(User.objects.get(username="demo.leader"))
    with pytest.raises(AccessDenied):
        actions.acknowledge_alert(leader, alert)


def test_an_alert_not_acknowledged_in_time_is_escalated_once(alert):
    told = []

    def listen(sender, payload=None, **kwargs):
        if sender == "ioc.notify_role":
            told.append(payload)

    event.connect(listen)
    try:
        later = alert.opened_at + dt.timedelta(minutes=14)
        assert alert.pk not in [a.pk for a in alerts.escalate(later)]
        escalated = alerts.escalate(alert.opened_at + dt.timedelta(minutes=16))
        assert alert.pk in [a.pk for a in escalated]
        later = alert.opened_at + dt.timedelta(minutes=30)
        assert alert.pk not in [a.pk for a in alerts.escalate(later)]
    finally:
        event.disconnect(listen)
    alert.refresh_from_db()
    assert alert.escalated
    assert {"role": "leader", "alert_id": alert.pk, "title": alert.title} in told
    assert AuditEntry.objects.filter(action="ioc.escalate_alert", object_id=str(alert.pk))


def test_an_acknowledged_alert_is_not_escalated(alert):
    actions.acknowledge_alert(Actor.system("t"), alert)
    later = alert.opened_at + dt.timedelta(hours=2)
    assert alert.pk not in [a.pk for a in alerts.escalate(later)]
