"""The roadmap's writes: each checked, each with its audit entry, each refused to those
who may not make it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.roadmap.conftest import as_user
from tinhso.core.access import AccessDenied
from tinhso.core.models import AuditEntry
from tinhso.ioc.models import Indicator
from tinhso.roadmap import actions
from tinhso.roadmap.models import ProgressReport, ReportState, Task, TaskStatus
from tinhso.units.models import Commune

NOW = dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)
JUNE, MAY = dt.date(2026, 6, 1), dt.date(2026, 5, 1)


def audits(action: str, obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
    )


def test_create_task_records_its_links(system, plan, sxd):
    communes = list(Commune.objects.filter(province__code="80").order_by("code")[:2])
    fibre = Indicator.objects.get(code="ho-cap-quang")
    task = actions.create_task(
        system,
        plan,
        title="Cáp quang",
        owner=sxd,
        communes=communes,
        indicators=[fibre],
        start=dt.date(2026, 2, 1),
        due=dt.date(2026, 9, 30),
        budget=1_500_000_000,
    )
    (entry,) = audits("roadmap.create_task", task)
    assert entry.after["communes"] == sorted(c.pk for c in communes)
    assert entry.after["indicators"] == [fibre.pk]
    assert entry.after["budget"] in ("1500000000", 1500000000)
    assert list(fibre.roadmap_tasks.filter(plan=plan)) == [task]


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "  "},
        {"due": dt.date(2025, 12, 31)},  # before the start
        {"progress": 101},
        {"status": "abandoned"},
        {"budget": -1},
    ],
)
def test_a_task_that_does_not_hold_is_refused(make_task, fields):
    with pytest.raises(ValueError):
        make_task(**fields)
    assert not Task.objects.filter(plan__name="Kế hoạch thử").exists()


def test_only_the_secretariat_creates_tasks(plan, sxd):
    with pytest.raises(AccessDenied):
        actions.create_task(
            as_user("demo.handler"),
            plan,
            title="x",
            owner=sxd,
            start=dt.date(2026, 1, 1),
            due=dt.date(2026, 2, 1),
        )


def test_the_owner_agency_updates_its_task_and_another_agency_cannot(make_task):
    task = make_task()
    actions.update_task(as_user("demo.handler"), task, status=TaskStatus.IN_PROGRESS)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    (entry,) = audits("roadmap.update_task", task)
    assert (entry.before["status"], entry.after["status"]) == ("not_started", "in_progress")
    with pytest.raises(AccessDenied):
        actions.update_task(as_user("demo.steward"), task, status=TaskStatus.DONE)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS


def test_the_owner_agency_cannot_move_its_due_day_or_set_its_progress(make_task):
    task = make_task()
    handler = as_user("demo.handler")
    with pytest.raises(AccessDenied):
        actions.update_task(handler, task, due=dt.date(2027, 12, 31))
    with pytest.raises(AccessDenied):
        actions.update_task(handler, task, progress=90)
    actions.update_task(as_user("demo.supervisor"), task, due=dt.date(2027, 12, 31))
    task.refresh_from_db()
    assert task.due == dt.date(2027, 12, 31)


def test_only_the_secretariat_hands_a_task_to_another_agency(make_task):
    from tinhso.agencies.models import Agency

    task = make_task()
    skhcn = Agency.objects.get(code="SKHCN")
    with pytest.raises(AccessDenied):
        actions.update_task(as_user("demo.handler"), task, owner=skhcn)
    actions.update_task(as_user("demo.supervisor"), task, owner=skhcn)
    task.refresh_from_db()
    assert task.owner == skhcn


def test_a_report_is_sent_by_the_owner_agency_with_its_audit_entry(make_task):
    task = make_task()
    report = actions.submit_report(
        as_user("demo.handler"), task, month=dt.date(2026, 6, 20), progress=40, text="Xong 40%",
        now=NOW,
    )  # fmt: skip
    assert (report.month, report.state) == (JUNE, ReportState.SUBMITTED)
    assert report.submitted_by.username == "demo.handler"
    (entry,) = audits("roadmap.submit_report", report)
    assert entry.after["progress"] == 40
    task.refresh_from_db()
    assert task.progress == 0  # not until the secretariat approves


def test_another_agency_cannot_report_on_a_task(make_task):
    task = make_task()
    for username in ("demo.steward", "demo.commune", "demo.leader", "demo.operator"):
        with pytest.raises(AccessDenied):
            actions.submit_report(
                as_user(username), task, month=JUNE, progress=10, text="x", now=NOW
            )
    assert not ProgressReport.objects.filter(task=task).exists()


@pytest.mark.parametrize(
    "month, progress, text",
    [
        (dt.date(2026, 7, 1), 10, "next month"),
        (dt.date(2025, 12, 1), 10, "before the start"),
        (JUNE, 101, "too much"),
        (JUNE, -1, "too little"),
        (JUNE, 10, "   "),
    ],
)
def test_a_report_that_does_not_hold_is_refused(make_task, month, progress, text):
    task = make_task()
    with pytest.raises(ValueError):
        actions.submit_report(
            as_user("demo.handler"), task, month=month, progress=progress, text=text, now=NOW
        )
    assert not ProgressReport.objects.filter(task=task).exists()


def test_one_report_a_month_unless_it_was_returned(make_task):
    task = make_task()
    handler, secretariat = as_user("demo.handler"), as_user("demo.supervisor")
    first = actions.submit_report(handler, task, month=JUNE, progress=10, text="a", now=NOW)
    with pytest.raises(ValueError):
        actions.submit_report(handler, task, month=JUNE, progress=20, text="b", now=NOW)
    actions.decide_report(secretariat, first, approve=False, note="Thiếu minh chứng")
    again = actions.submit_report(handler, task, month=JUNE, progress=20, text="c", now=NOW)
    assert again.pk != first.pk
    assert task.reports.count() == 2


def test_the_secretariat_approves_and_the_task_follows(make_task):
    task = make_task()
    report = actions.submit_report(
        as_user("demo.handler"), task, month=JUNE, progress=45, text="a", now=NOW
    )
    with pytest.raises(AccessDenied):
        actions.decide_report(as_user("demo.handler"), report, approve=True)
    with pytest.raises(AccessDenied):
        actions.decide_report(as_user("demo.leader"), report, approve=True)
    actions.decide_report(as_user("demo.supervisor"), report, approve=True)
    report.refresh_from_db()
    task.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert report.decided_by.username == "demo.supervisor"
    assert (task.progress, task.status) == (45, TaskStatus.IN_PROGRESS)
    (decided,) = audits("roadmap.decide_report", report)
    assert (decided.before["state"], decided.after["state"]) == ("submitted", "approved")
    (followed,) = audits("roadmap.follow_report", task)
    assert (followed.before["progress"], followed.after["progress"]) == (0, 45)
    with pytest.raises(ValueError):  # decided once only
        actions.decide_report(as_user("demo.supervisor"), report, approve=False, note="x")


def test_returning_needs_a_note_and_leaves_the_task(make_task):
    task = make_task()
    report = actions.submit_report(
        as_user("demo.handler"), task, month=JUNE, progress=45, text="a", now=NOW
    )
    with pytest.raises(ValueError):
        actions.decide_report(as_user("demo.supervisor"), report, approve=False, note=" ")
    actions.decide_report(as_user("demo.supervisor"), report, approve=False, note="Bổ sung ảnh")
    report.refresh_from_db()
    task.refresh_from_db()
    assert (report.state, report.note) == (ReportState.RETURNED, "Bổ sung ảnh")
    assert task.progress == 0
    assert audits("roadmap.follow_report", task) == []


def test_a_full_report_finishes_the_task_with_its_evidence(make_task):
    task = make_task()
    report = actions.submit_report(
        as_user("demo.handler"), task, month=JUNE, progress=100, text="Hoàn thành",
        evidence_link="https://example.org/nghiem-thu", now=NOW,
    )  # fmt: skip
    actions.decide_report(as_user("demo.supervisor"), report, approve=True)
    task.refresh_from_db()
    assert (task.progress, task.status) == (100, TaskStatus.DONE)
    assert task.evidence_url == "https://example.org/nghiem-thu"


def test_an_older_month_approved_late_does_not_roll_the_task_back(make_task):
    task = make_task()
    handler, secretariat = as_user("demo.handler"), as_user("demo.supervisor")
    may = actions.submit_report(handler, task, month=MAY, progress=30, text="a", now=NOW)
    june = actions.submit_report(handler, task, month=JUNE, progress=50, text="b", now=NOW)
    actions.decide_report(secretariat, june, approve=True)
    actions.decide_report(secretariat, may, approve=True)
    task.refresh_from_db()
    assert task.progress == 50
