"""The reminder before a month's progress report is due: by e-mail to the owner
agency's staff, for tasks in progress without a report, once a task and month."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhso.agencies.models import User
from tinhso.core.models import AuditEntry
from tinhso.roadmap import actions
from tinhso.roadmap.models import ReminderNotice, TaskStatus
from tinhso.roadmap.reminders import reminding, send_reminders

pytestmark = pytest.mark.django_db

LATE_JUNE = dt.date(2026, 6, 26)  # 30 June minus 5 days, the default
NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def staff(sxd):
    User.objects.filter(agency=sxd).update(email="")
    one = User.objects.create(username="t.sxd1", email="mot@sxd.example.gov.vn", agency=sxd)
    User.objects.create(username="t.sxd2", email="hai@sxd.example.gov.vn", agency=sxd)
    User.objects.create(username="t.gone", email="nghi@sxd.example.gov.vn", agency=sxd,
                        is_active=False)  # fmt: skip
    return one


@pytest.fixture
def tasks(make_task, system, staff):
    silent = make_task(title="Chưa báo cáo", status=TaskStatus.IN_PROGRESS)
    reported = make_task(title="Đã báo cáo", status=TaskStatus.IN_PROGRESS)
    actions.submit_report(
        system, reported, month=dt.date(2026, 6, 1), progress=10, text="x", now=NOW
    )
    make_task(title="Tạm dừng", status=TaskStatus.PAUSED)
    make_task(title="Chưa bắt đầu", status=TaskStatus.IN_PROGRESS, start=dt.date(2026, 7, 1))
    return silent


def test_reminders_go_out_only_in_the_last_days(settings):
    settings.TINHSO_ROADMAP_REMINDER_DAYS = 5
    assert not reminding(dt.date(2026, 6, 24))
    assert reminding(dt.date(2026, 6, 25)) and reminding(dt.date(2026, 6, 30))
    settings.TINHSO_ROADMAP_REMINDER_DAYS = 0
    assert not reminding(dt.date(2026, 6, 30))


def test_the_owner_agency_hears_of_a_missing_report_once(system, tasks, mailoutbox):
    assert send_reminders(system, dt.date(2026, 6, 20)) == (0, 0)
    assert mailoutbox == []
    assert send_reminders(system, LATE_JUNE) == (1, 2)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "hai@sxd.example.gov.vn",
        "mot@sxd.example.gov.vn",
    ]
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert "Chưa báo cáo" in mailoutbox[0].subject
    assert f"/roadmap/tasks/{tasks.pk}/" in mailoutbox[0].body
    assert "30/06/2026" in mailoutbox[0].body
    notice = ReminderNotice.objects.get()
    assert (notice.task, notice.month, notice.recipients) == (tasks, dt.date(2026, 6, 1), 2)
    entry = AuditEntry.objects.filter(action="roadmap.remind").get()
    assert entry.after["recipients"] == 2
    assert "sxd.example.gov.vn" not in str(entry.after) + str(entry.before)
    # The next day's run sends nothing more for June; July is a new month, where the
    # task reported in June and the one starting in July are due too.
    assert send_reminders(system, LATE_JUNE + dt.timedelta(days=1)) == (0, 0)
    assert len(mailoutbox) == 2
    assert send_reminders(system, dt.date(2026, 7, 27)) == (3, 6)


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")


def test_a_mail_that_fails_is_tried_again_on_the_next_run(system, tasks, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.roadmap.test_reminders.FailingBackend"
    with pytest.raises(ConnectionError):
        send_reminders(system, LATE_JUNE)
    assert not ReminderNotice.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_reminders(system, LATE_JUNE + dt.timedelta(days=1)) == (1, 2)


def test_demo_plans_remind_nobody(system, mailoutbox):
    assert send_reminders(system, LATE_JUNE) == (0, 0)
    assert mailoutbox == []


def test_only_the_platform_records_a_reminder(tasks):
    from tests.roadmap.conftest import as_user

    with pytest.raises(PermissionError):
        actions.record_reminder(
            as_user("demo.admin"), tasks, month=dt.date(2026, 6, 1), recipients=1
        )


def test_the_job_is_scheduled_daily():
    from tinhso.core.schedule import PERIODIC

    assert PERIODIC["tinhso.roadmap.tasks.remind_progress_reports"] == 24 * 60
