"""Alerts reach people: when an alert opens (if its rule says so) and when it is escalated,
the members of the rule's role hear of it by e-mail and, when the province has an SMS
gateway, by SMS — the channels the feedback hub already uses (Django's mail backends and
`feedback.notify.post_to_gateway`).

Who: active users holding the role. Staff of a commune's agency (a commune People's
Committee, or an agency serving listed communes) hear only of alerts in their communes;
staff of provincial agencies hear of all. Demo rules message nobody, like demo reports.

Each message is an `AlertNotice` row (the outbox), written by `actions.notify_role` with
its audit entry and sent by the `deliver_notice` task, retried with back-off.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tinhso.core.events import event
from tinhso.core.links import absolute
from tinhso.ioc.models import Alert, AlertNotice, NoticeReason, NoticeStatus

EMAIL, SMS = "email", "sms"
BACKOFF_MINUTES = [1, 5, 30, 120, 360]


def recipients(role: str, commune) -> list[tuple]:
    """(user, channel, address) for each member of `role` who should hear of an alert at
    `commune` (None: the province)."""
    from tinhso.agencies.models import User
    from tinhso.feedback.notify import gateway_ready

    holders = User.objects.filter(is_active=True, role_assignments__role=role).select_related(
        "agency"
    )
    commune_level = Q(agency__commune__isnull=False) | Q(agency__communes_served__isnull=False)
    provincial = holders.exclude(commune_level)
    if commune is not None:
        local = holders.filter(Q(agency__commune=commune) | Q(agency__communes_served=commune))
        people = list({u.pk: u for u in [*provincial, *local]}.values())
    else:
        people = list(provincial.distinct())
    sms = gateway_ready(SMS)
    found = []
    for user in sorted(people, key=lambda u: u.pk):
        if user.email:
            found.append((user, EMAIL, user.email))
        if sms and user.phone:
            found.append((user, SMS, user.phone))
    return found


def text(alert: Alert, reason: str, channel: str) -> tuple[str, str]:
    """The message's subject and body, in the platform's language: the alert's title,
    place, severity, what happened and a link to the alert."""
    with override(settings.LANGUAGE_CODE):
        place = alert.commune.name if alert.commune else _("The whole province")
        severity = alert.get_severity_display()
        link = absolute(reverse("ioc_alert", args=[alert.pk]))
        subject = _("[%(severity)s] %(title)s") % {"severity": severity, "title": alert.title}
        if reason == NoticeReason.ESCALATED:
            what = _("Nobody acknowledged this alert within %(minutes)s minutes.") % {
                "minutes": alert.rule.escalate_after_minutes
            }
        else:
            what = _("Opened at %(at)s.") % {
                "at": timezone.localtime(alert.opened_at).strftime("%H:%M %d/%m/%Y")
            }
        if channel == SMS:
            return subject, f"{subject} — {place}. {what} {link}"
        lines = [
            _("Alert: %(title)s") % {"title": alert.title},
            _("Place: %(place)s") % {"place": place},
            _("Severity: %(severity)s") % {"severity": severity},
            what,
        ]
        if alert.rule.sop:
            lines += ["", _("What to do:"), alert.rule.sop]
        lines += ["", _("See the alert: %(link)s") % {"link": link}]
        return subject, "\n".join(lines)


def deliver(notice: AlertNotice) -> bool:
    """One attempt. Returns True when sent; counts the attempt either way."""
    from tinhso.feedback.notify import post_to_gateway

    try:
        if notice.channel == EMAIL:
            send_mail(
                notice.subject,
                notice.body,
                settings.DEFAULT_FROM_EMAIL,
                [notice.recipient],
                fail_silently=False,
            )
        else:
            post_to_gateway(notice.channel, notice.recipient, notice.body, f"ioc-{notice.pk}")
    except Exception as exc:  # noqa: BLE001 - any failure is kept and retried
        notice.attempts += 1
        notice.last_error = f"{exc.__class__.__name__}: {exc}"[:1000]
        if notice.attempts > len(BACKOFF_MINUTES):
            notice.status = NoticeStatus.FAILED
        notice.save(update_fields=["attempts", "last_error", "status"])
        return False
    notice.attempts += 1
    notice.status, notice.sent_at = NoticeStatus.SENT, timezone.now()
    notice.save(update_fields=["attempts", "status", "sent_at"])
    return True


@receiver(event)
def on_alert_event(sender: str, actor, payload: dict, **kwargs) -> None:
    """An alert opened (when its rule tells on opening) or escalated: tell the role."""
    if sender not in ("ioc.alert_raised", "ioc.notify_role"):
        return
    from tinhso.ioc import actions

    alert = Alert.objects.select_related("rule", "commune").filter(pk=payload["alert_id"]).first()
    if alert is None or alert.rule.is_demo:
        return
    if sender == "ioc.alert_raised":
        if alert.rule.notifies_on_open:
            actions.notify_role(actor, alert, reason=NoticeReason.OPENED)
    else:
        actions.notify_role(actor, alert, reason=NoticeReason.ESCALATED)
