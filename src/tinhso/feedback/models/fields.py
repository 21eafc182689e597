"""The fields (lĩnh vực) reports are classified into, their urgency tiers and routing
rules, and the working-day calendar deadlines are counted on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    SIMPLE = "simple", _("Simple, checkable at once")
    STANDARD = "standard", _("Standard")


class Routing(models.TextChoices):
    AGENCY = "agency", _("A fixed agency")
    COMMUNE = "commune", _("The People's Committee of the commune where it happened")


class Field(models.Model):
    """A field (lĩnh vực) reports are classified into: its urgency tier and who handles it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    tier = models.CharField(
        _("urgency tier"), max_length=12, choices=Tier.choices, default=Tier.STANDARD
    )
    routing = models.CharField(
        _("routing"), max_length=10, choices=Routing.choices, default=Routing.COMMUNE
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("responsible agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fields",
        help_text=_("For fixed routing: the department or utility that handles it."),
    )
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (m)"), default=250)
    requires_contact = models.BooleanField(
        _("requires contact"),
        default=False,
        help_text=_("Reports in this field need the reporter's phone or email."),
    )
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Comma-separated words that suggest this field (used until a trained "
            "classifier is active)."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class TierDeadline(models.Model):
    """Working days allowed for each urgency tier (operator setting, edited in the admin)."""

    tier = models.CharField(_("urgency tier"), max_length=12, choices=Tier.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("working days"))

    class Meta:
        verbose_name = _("deadline by tier")
        verbose_name_plural = _("deadlines by tier")

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: {self.working_days}"


class CalendarDay(models.Model):
    """A day the province adds to the national calendar: an extra day off, or a Saturday
    or Sunday worked in exchange for a bridged holiday."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"), default=False)
    label = models.CharField(_("label"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date}: {self.label}"
