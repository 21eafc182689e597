"""Stored classifier versions: every trained model is kept with what it was trained on
and how it scored, so the active one can be seen, compared and rolled back."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClassifierVersion(models.Model):
    """One trained model of a classifier (`purpose`, e.g. the feedback hub's fields). The
    model itself is a file under the data folder's `models/`."""

    purpose = models.SlugField(_("purpose"), max_length=40)
    created_at = models.DateTimeField(_("trained"), auto_now_add=True)
    file = models.CharField(_("model file"), max_length=300)
    labels = models.JSONField(_("labels"), default=list)
    # Training data: how many examples, per label, from where.
    summary = models.JSONField(_("training data"), default=dict)
    # On examples held out of training: accuracy, macro-F1, per label, confusion.
    evaluation = models.JSONField(_("evaluation"), default=dict)
    is_active = models.BooleanField(_("active"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    trained_by = models.CharField(_("trained by"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("classifier version")
        verbose_name_plural = _("classifier versions")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose"],
                condition=models.Q(is_active=True),
                name="one_active_classifier_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"

    @property
    def macro_f1(self) -> float | None:
        return self.evaluation.get("macro_f1")
