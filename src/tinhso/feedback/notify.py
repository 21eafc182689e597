"""Notifications: citizens who left an email or phone hear of every public step of their
report; handlers hear of new assignments and of deadlines about to pass.

Subscribers listen to the workflow's events and write `Message` rows (the outbox); the
`deliver_message` task sends each one by email (Django's mail backends) or through an
outbound SMS/Zalo gateway, and retries with back-off. Every attempt is logged."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tinhso.core.events import event
from tinhso.core.links import absolute
from tinhso.feedback.models import (
    Channel,
    Message,
    MessageAttempt,
    MessageStatus,
    OutboundGateway,
    Report,
)

# Minutes to wait before each retry; after the last, the message is marked failed.
BACKOFF_MINUTES = [1, 5, 30, 120, 360]
CITIZEN_EVENTS = {
    "received",
    "accepted",
    "refused",
    "transferred",
    "answered",
    "closed",
    "reopened",
    "merged",
}
ASSIGNMENT_EVENTS = {"accepted", "transferred", "field_changed", "reopened"}


def _citizen_text(report: Report, kind: str, about: Report | None = None) -> tuple[str, str]:
    """The message to the citizen who sent `report`, about its own step or, for a report
    merged as a duplicate, about the step of the report it follows (`about`)."""
    link = absolute(f"/feedback/r/{report.code}/{report.citizen_key}/")
    subject_of = about or report
    status = subject_of.get_status_display()
    subject = _("Your report %(code)s: %(status)s") % {"code": report.code, "status": status}
    lines = [subject]
    if about is not None:
        lines.append(_("The same problem is handled as report %(code)s.") % {"code": about.code})
    last = subject_of.events.filter(public=True).order_by("-id").first()
    if last and last.message and kind != "received":
        lines.append(last.message)
    if kind == "received":
        lines.append(_("Tracking code: %(code)s.") % {"code": report.code})
    lines.append(_("Follow it here: %(link)s") % {"link": link})
    return subject, "\n".join(lines)


def queue_message(
    report: Report, channel: str, recipient: str, subject: str, body: str, *, to_staff: bool = False
) -> Message:
    from tinhso.feedback.tasks import deliver_message

    message = Message.objects.create(
        report=report,
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        to_staff=to_staff,
    )
    transaction.on_commit(lambda: deliver_message.enqueue(message.pk))
    return message


@receiver(event)
def on_report_event(sender: str, actor, payload: dict, **kwargs) -> None:
    if not sender.startswith("report."):
        return
    kind = sender.split(".", 1)[1]
    if kind == "received":
        return  # told by the processing task, off the intake's critical path
    report = Report.objects.select_related("agency").filter(pk=payload.get("report_id")).first()
    if report is None or report.is_demo:
        return  # demo reports never message anyone
    with override(settings.LANGUAGE_CODE):
        if kind in CITIZEN_EVENTS:
            _tell_citizen(report, kind)
            # Everyone who reported the same problem hears of its progress.
            for follower in report.duplicates.filter(is_demo=False):
                _tell_citizen(follower, kind, about=report)
        if kind in ASSIGNMENT_EVENTS and report.agency_id:
            _tell_handlers(
                report,
                _("New report for %(agency)s: %(code)s")
                % {"agency": report.agency.name, "code": report.code},
            )


@transaction.atomic
def tell_received(report: Report) -> None:
    """The tracking code, to a citizen who left an email or a phone number. Run by the
    processing task; a task run twice does not message twice."""
    if report.is_demo or Message.objects.filter(report=report, to_staff=False).exists():
        return
    with override(settings.LANGUAGE_CODE):
        _tell_citizen(report, "received")


def gateway_ready(channel: str) -> bool:
    """An active outbound gateway (SMS, Zalo) takes messages of `channel`."""
    return OutboundGateway.objects.filter(channel=channel, is_active=True).exists()


def _tell_citizen(report: Report, kind: str, about: Report | None = None) -> None:
    """By e-mail when the citizen left one; by the channel they wrote in on when it can
    answer (a Zalo message is answered on Zalo, through the province's Zalo OA gateway);
    else by SMS to the phone they left."""
    phone_channel = None
    if report.reporter_phone:
        if report.channel == Channel.ZALO and gateway_ready(Channel.ZALO):
            phone_channel = Channel.ZALO
        elif gateway_ready(Channel.SMS):
            phone_channel = Channel.SMS
    if not (report.reporter_email or phone_channel):
        return
    subject, body = _citizen_text(report, kind, about)
    if report.reporter_email:
        queue_message(report, Channel.EMAIL, report.reporter_email, subject, body)
    if phone_channel:
        queue_message(report, phone_channel, report.reporter_phone, subject, body)


def _tell_handlers(report: Report, subject: str) -> None:
    from tinhso.agencies.models import User

    body = "\n".join(
        [
            subject,
            report.text[:500],
            _("Due by %(deadline)s.")
            % {
                "deadline": timezone.localtime(report.deadline).strftime("%d/%m/%Y %H:%M")
                if report.deadline
                else "—"
            },
            absolute(f"/feedback/staff/{report.code}/"),
        ]
    )
    handlers = User.objects.filter(
        agency_id=report.agency_id, is_active=True, role_assignments__role="handler"
    ).distinct()
    sms = gateway_ready(Channel.SMS)
    for user in handlers:
        if user.email:
            queue_message(report, Channel.EMAIL, user.email, subject, body, to_staff=True)
        if sms and user.phone:  # staff on the move hear by SMS too
            queue_message(report, Channel.SMS, user.phone, subject, body, to_staff=True)


def remind_due_soon(
    now: dt.datetime | None = None, within: dt.timedelta = dt.timedelta(hours=24)
) -> int:
    """Tell handlers once about each open report due within `within`."""

    now = now or timezone.now()
    count = 0
    due = Report.objects.filter(
        open_deadline__gt=now,
        open_deadline__lte=now + within,
        reminded_at__isnull=True,
        agency__isnull=False,
        is_demo=False,
    )
    for report in due.select_related("agency"):
        with transaction.atomic(), override(settings.LANGUAGE_CODE):
            _tell_handlers(report, _("Due soon: %(code)s") % {"code": report.code})
            Report.objects.filter(pk=report.pk).update(reminded_at=now)
        count += 1
    return count


def deliver(message: Message) -> bool:
    """One attempt. Returns True when sent; records the attempt either way."""
    try:
        if message.channel == Channel.EMAIL:
            send_mail(
                message.subject,
                message.body,
                settings.DEFAULT_FROM_EMAIL,
                [message.recipient],
                fail_silently=False,
            )
        else:
            _post_to_gateway(message)
    except Exception as exc:  # noqa: BLE001 - any failure is logged and retried
        detail = f"{exc.__class__.__name__}: {exc}"[:1000]
        MessageAttempt.objects.create(message=message, ok=False, detail=detail)
        message.attempts += 1
        message.last_error = detail
        if message.attempts > len(BACKOFF_MINUTES):
            message.status = MessageStatus.FAILED
        message.save(update_fields=["attempts", "last_error", "status"])
        return False
    MessageAttempt.objects.create(message=message, ok=True)
    message.attempts += 1
    message.status, message.sent_at = MessageStatus.SENT, timezone.now()
    message.save(update_fields=["attempts", "status", "sent_at"])
    return True


def _post_to_gateway(message: Message) -> None:
    post_to_gateway(message.channel, message.recipient, message.body, message.pk)


def post_to_gateway(channel: str, recipient: str, text: str, ref: int | str) -> None:
    """Hand one text to the channel's outbound gateway, signed; raises when it is not
    taken (no active gateway, a network error, an answer of 300 or more). `ref` lets
    the gateway tell messages apart. Other apps' notifications (the operations centre's
    alerts) go out through it too."""
    gateway = OutboundGateway.objects.filter(channel=channel, is_active=True).first()
    if gateway is None:
        raise RuntimeError(f"no active {channel} gateway")
    body = json.dumps({"to": recipient, "text": text, "id": ref}).encode()
    signature = hmac.new(gateway.secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(  # noqa: S310 - the URL is the province's own gateway
        gateway.url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Tinhso-Signature": f"sha256={signature}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        status = exc.code
    if status >= 300:
        raise RuntimeError(f"gateway answered {status}")
