"""The channels reports arrive through and the messages sent to citizens and staff."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.feedback.models.reports import Channel, Report


class InboundChannel(models.Model):
    """A message gateway (email, SMS, Zalo) allowed to post reports to
    /api/feedback/inbound/<channel>, signing each body with its secret (HMAC-SHA256)."""

    sensitive_fields = ("secret",)  # never in the audit log (core.actions.snapshot)

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, unique=True)
    secret = models.CharField(_("signing secret"), max_length=128)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inbound gateway")
        verbose_name_plural = _("inbound gateways")

    def __str__(self) -> str:
        return self.get_channel_display()


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")


class OutboundGateway(models.Model):
    """Where SMS or Zalo messages are handed over: the gateway's URL and the secret that
    signs each request (header X-Tinhso-Signature, HMAC-SHA256 of the body)."""

    sensitive_fields = ("secret",)  # never in the audit log (core.actions.snapshot)

    channel = models.CharField(
        _("channel"),
        max_length=10,
        unique=True,
        choices=[(Channel.SMS, _("SMS")), (Channel.ZALO, _("Zalo"))],
    )
    url = models.URLField(_("gateway URL"))
    secret = models.CharField(_("signing secret"), max_length=128)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("outbound gateway")
        verbose_name_plural = _("outbound gateways")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.url}"


class Message(models.Model):
    """A notification to a citizen or a member of staff, with its delivery state. Created in
    the same transaction as the change it announces; sent by a task, retried with
    back-off."""

    sensitive_fields = ("recipient",)  # a citizen's phone number or e-mail address

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(_("channel"), max_length=10)
    recipient = models.CharField(_("recipient"), max_length=254)
    to_staff = models.BooleanField(_("to staff"), default=False)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"


class MessageAttempt(models.Model):
    """One delivery attempt and what came of it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {'ok' if self.ok else 'failed'}"
