"""Daily rollups behind the scorecards: one row per day received, grouping (agency, commune
or field) and member of that grouping. They are derived data, rebuilt from the reports
for any day whose reports changed, so a scorecard over a year reads a few thousand rows
instead of every report."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grouping(models.TextChoices):
    AGENCY = "agency", _("Agency")
    COMMUNE = "commune", _("Commune")
    FIELD = "field", _("Field")


class ScorecardDay(models.Model):
    """What the reports received on one (local) day add to one agency's, commune's or
    field's scorecard. Refused reports and merged duplicates are not counted."""

    day = models.DateField()
    grouping = models.CharField(max_length=8, choices=Grouping.choices)
    # The agency, commune or field id; NULL for reports that have none yet.
    member = models.BigIntegerField(null=True)
    received = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    handling_seconds = models.FloatField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["grouping", "day"])]
        verbose_name = _("scorecard day")
        verbose_name_plural = _("scorecard days")

    def __str__(self) -> str:
        return f"{self.day} {self.grouping} {self.member}"


class RollupState(models.Model):
    """Up to when the rollups have taken report changes into account."""

    name = models.CharField(max_length=40, unique=True)
    # Reports changed at or after this moment (less a safety margin) are looked at again.
    refreshed_from = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name
