"""Notifications: the outbox, email, a real HTTP gateway, retries with back-off."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django_tasks_db.models import DBTaskResult

from tinhso.agencies.models import User
from tinhso.feedback.models import Message, MessageStatus, OutboundGateway, Report
from tinhso.feedback.notify import remind_due_soon
from tinhso.feedback.tasks import deliver_message, process_report

pytestmark = pytest.mark.django_db


def test_a_citizen_with_email_gets_the_tracking_code(
    client, tan_an, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/feedback/new/",
            {
                "text": "Cống thoát nước bị nghẹt, mưa là ngập.",
                "commune": tan_an.pk,
                "reporter_email": "dan@example.vn",
                "track": "ordinary",
            },
        )
    code = response["Location"].split("/")[3]
    assert not Message.objects.filter(report__code=code).exists()  # not on the intake path
    report = Report.objects.get(code=code)
    with django_capture_on_commit_callbacks(execute=True):
        process_report.call(report.pk)
        process_report.call(report.pk)  # a task run twice messages once
    message = Message.objects.get(report__code=code, channel="email")
    assert message.recipient == "dan@example.vn"
    deliver_message.call(message.pk)
    assert len(mailoutbox) == 1
    assert code in mailoutbox[0].subject and code in mailoutbox[0].body
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempt_log.filter(ok=True).count() == 1


def test_handlers_hear_of_new_assignments(
    operator, new_report, commune_field, django_capture_on_commit_callbacks
):
    handler = User.objects.get(username="demo.commune")
    handler.email = "xa@example.gov.vn"
    handler.save()
    report = new_report(commune=handler.agency.commune)
    with django_capture_on_commit_callbacks(execute=True):
        operator.post(f"/feedback/staff/{report.code}/accept/", {"field": commune_field.pk})
    assert Message.objects.filter(
        report=report, recipient="xa@example.gov.vn", to_staff=True
    ).exists()


class Gateway(BaseHTTPRequestHandler):
    received: list = []
    secret = "khóa-cổng-sms"
    fail = False

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(self.headers.get("X-Tinhso-Signature", ""), expected)
        Gateway.received.append((ok, json.loads(body)))
        self.send_response(500 if Gateway.fail else (200 if ok else 403))
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received, Gateway.fail = [], False
    OutboundGateway.objects.create(
        channel="sms", secret=Gateway.secret, url=f"http://127.0.0.1:{server.server_port}/send"
    )
    yield Gateway
    server.shutdown()
    server.server_close()


def test_sms_goes_through_the_signed_gateway(
    gateway, new_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report(reporter_phone="0901234567")
        process_report.call(report.pk)
    message = Message.objects.get(report=report, channel="sms")
    deliver_message.call(message.pk)
    assert gateway.received == [
        (True, {"to": "0901234567", "text": message.body, "id": message.pk})
    ]
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_failures_are_logged_and_retried_with_backoff(
    gateway, new_report, django_capture_on_commit_callbacks
):
    gateway.fail = True
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report(reporter_phone="0901234567")
        process_report.call(report.pk)
    message = Message.objects.get(report=report, channel="sms")
    assert deliver_message.call(message.pk) == "retry in 1 min"
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    assert "500" in message.attempt_log.get().detail
    retry = DBTaskResult.objects.filter(
        task_path="tinhso.feedback.tasks.deliver_message", run_after__isnull=False
    ).latest("enqueued_at")
    assert retry.args_kwargs["args"] == [message.pk]
    for _ in range(5):
        deliver_message.call(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempt_log.count() == 6


def test_demo_reports_message_nobody(new_report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report(reporter_email="x@example.vn", is_demo=True)
        process_report.call(report.pk)
    assert not Message.objects.filter(report=report).exists()


def test_deadline_reminders_go_out_once(new_report, field, system):
    from django.utils import timezone

    from tinhso.feedback.actions import accept_report

    handler = User.objects.get(username="demo.handler")
    handler.email = "sxd@example.gov.vn"
    handler.save()
    report = accept_report(system, new_report(field=field), field=field)
    report.deadline = timezone.now() + timezone.timedelta(hours=3)
    report.save()
    assert remind_due_soon() >= 1
    assert remind_due_soon() == 0
    assert (
        Message.objects.filter(
            report=report, recipient="sxd@example.gov.vn", subject__contains=report.code
        ).count()
        == 2
    )  # assign + due


def test_message_log_is_for_supervisors(supervisor, handler_client):
    assert supervisor.get("/feedback/messages/").status_code == 200
    assert handler_client.get("/feedback/messages/").status_code == 403


def test_links_in_messages_are_absolute_on_the_site_address(
    new_report, settings, django_capture_on_commit_callbacks
):
    settings.TINHSO_SITE_URL = "https://phananh.tayninh.gov.vn"
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report(reporter_email="dan@example.vn")
        process_report.call(report.pk)
    body = Message.objects.get(report=report, channel="email").body
    assert f"https://phananh.tayninh.gov.vn/feedback/r/{report.code}/{report.citizen_key}/" in body


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://phananh.tayninh.gov.vn", True),
        ("http://127.0.0.1:8000/", True),
        ("phananh.tayninh.gov.vn", False),
        ("https://example.gov.vn/tinhso", False),
        ("", False),
    ],
)
def test_the_site_address_is_checked_at_start_up(settings, url, ok):
    from tinhso.core.links import check_site_url

    settings.TINHSO_SITE_URL = url
    assert (check_site_url() == []) is ok


def test_a_zalo_report_is_answered_on_zalo_and_staff_hear_by_sms(
    gateway, new_report, operator, commune_field, django_capture_on_commit_callbacks
):
    OutboundGateway.objects.create(  # the province's Zalo OA, same signed shape as SMS
        channel="zalo", secret=Gateway.secret, url=OutboundGateway.objects.get().url
    )
    handler = User.objects.get(username="demo.commune")
    handler.phone = "0911000111"
    handler.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report(
            channel="zalo", reporter_phone="zalo-user-8842", commune=handler.agency.commune
        )
        process_report.call(report.pk)
    told = Message.objects.get(report=report, to_staff=False)
    assert (told.channel, told.recipient) == ("zalo", "zalo-user-8842")
    deliver_message.call(told.pk)
    assert gateway.received[-1] == (
        True,
        {"to": "zalo-user-8842", "text": told.body, "id": told.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        operator.post(f"/feedback/staff/{report.code}/accept/", {"field": commune_field.pk})
    assert Message.objects.filter(
        report=report, to_staff=True, channel="sms", recipient="0911000111"
    ).exists()
