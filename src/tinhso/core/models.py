"""The append-only audit log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002 - refuse every bulk rewrite
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One write, as it happened: who, what, when, and the object before and after.

    Rows are never updated or deleted: the model refuses it, and a database trigger
    (see the migration) refuses UPDATE for anything that bypasses the model.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor_kind = models.CharField(_("actor kind"), max_length=16)
    # Plain ids rather than foreign keys: an audit row must survive what it refers to.
    actor_user_id = models.BigIntegerField(_("actor user id"), null=True, blank=True, db_index=True)
    actor_token_id = models.BigIntegerField(_("actor token id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=200)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=100, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class ScheduledRun(models.Model):
    """When a periodic task was last enqueued. Kept in the database so a restarted worker
    does not run every task again, and so that of several workers only one enqueues each
    run (the one whose conditional update claims it)."""

    task = models.CharField(_("task"), max_length=200, unique=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return self.task
