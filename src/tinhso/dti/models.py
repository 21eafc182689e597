"""The Digital Transformation Index: frameworks as data (one per national decision) and the
published national results.

A framework (`Framework`) holds its main indices (`MainIndex`), their components
(`Component`, only where their texts are known) and its pillars (`Pillar`), with the
weights and maximum points the decision publishes; `tinhso.dti.scoring` forms the scores
from them. The three national frameworks ship with the app (`dti/frameworks/*.json`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tinhso.units.models import LegacyProvince, Province


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("framework status", "Published")


class ScoringMethod(models.TextChoices):
    MAIN_INDICES = "main_indices", _("Weighted main indices")
    PILLARS = "pillars", _("Weighted pillars")


class IndexGroup(models.TextChoices):
    FOUNDATION = "foundation", _("Foundation")
    ACTIVITY = "activity", _("Activity")


class Framework(models.Model):
    """A DTI framework as one decision defines it, e.g. 922/QĐ-BTTTT for 2021–2023."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    decision = models.CharField(_("decision"), max_length=40)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year assessed"))
    last_year = models.PositiveSmallIntegerField(_("last year assessed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    method = models.CharField(_("how scores form"), max_length=20, choices=ScoringMethod.choices)
    total_points = models.PositiveIntegerField(_("total points"), null=True, blank=True)
    component_count = models.PositiveIntegerField(
        _("published number of components"), null=True, blank=True
    )
    weights_editable = models.BooleanField(
        _("weights entered by an administrator"),
        default=False,
        help_text=_("The decision's weights were not published with it; enter them here."),
    )
    note = models.TextField(_("note"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    shipped = models.BooleanField(_("shipped with the platform"), default=False, editable=False)
    shipped_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["first_year", "code"]
        verbose_name = _("DTI framework")
        verbose_name_plural = _("DTI frameworks")

    def __str__(self) -> str:
        return self.decision

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    @classmethod
    def published_for(cls, year: int) -> Framework | None:
        """The published framework a year is assessed with: of those covering it, the
        latest decision (a new one supersedes an open-ended one such as 405)."""
        covering = [
            f for f in cls.objects.filter(status=FrameworkStatus.PUBLISHED) if f.covers(year)
        ]
        return max(covering, key=lambda f: (f.first_year, f.pk), default=None)


class Pillar(models.Model):
    """Digital government (CQS), economy (KTS) or society (XHS) within a framework."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(_("code"), max_length=10)
    key = models.SlugField(_("column name"), max_length=40)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    weight = models.DecimalField(
        _("weight in the DTI"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    max_points = models.PositiveIntegerField(_("maximum points"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("DTI pillar")
        verbose_name_plural = _("DTI pillars")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="dti_pillar_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} {self.code}"


class MainIndex(models.Model):
    """A main index (chỉ số chính), published on 0–1. `scored` is False for an index the
    framework shows but does not count (smart city under 922)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="main_indices")
    code = models.SlugField(_("code"), max_length=60)
    short_code = models.CharField(_("abbreviation"), max_length=10, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    group = models.CharField(_("group"), max_length=12, choices=IndexGroup.choices, blank=True)
    pillars = models.ManyToManyField(
        Pillar, verbose_name=_("pillars"), related_name="main_indices", blank=True
    )
    max_points = models.PositiveIntegerField(_("maximum points"), null=True, blank=True)
    weight = models.DecimalField(
        _("weight in the DTI"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    scored = models.BooleanField(_("counts in the DTI"), default=True)
    component_count = models.PositiveIntegerField(
        _("published number of components"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("DTI main index")
        verbose_name_plural = _("DTI main indices")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="dti_main_index_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} {self.name_vi}"


class Component(models.Model):
    """A component index (chỉ số thành phần) of a main index. Only components whose texts
    are known are stored; the shipped frameworks have none (see docs/dti.md)."""

    main_index = models.ForeignKey(MainIndex, on_delete=models.CASCADE, related_name="components")
    code = models.SlugField(_("code"), max_length=60)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["main_index", "order"]
        verbose_name = _("DTI component")
        verbose_name_plural = _("DTI components")
        constraints = [
            models.UniqueConstraint(fields=["main_index", "code"], name="dti_component_unique"),
        ]

    def __str__(self) -> str:
        return self.name_vi


class PublishedResult(models.Model):
    """A province's published national result for a year: rank, DTI, pillars and, where
    published, main indices. The province is one of the 34 (results of merged units, 2024
    onward) or one of the 63 former provinces."""

    year = models.PositiveSmallIntegerField(_("year"))
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="results"
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legacy_province = models.ForeignKey(
        LegacyProvince,
        verbose_name=_("province before 2025"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    dti = models.DecimalField("DTI", max_digits=5, decimal_places=4, null=True, blank=True)
    cqs = models.DecimalField(
        _("digital government"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    kts = models.DecimalField(
        _("digital economy"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    xhs = models.DecimalField(
        _("digital society"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    main_indices = models.JSONField(_("main indices"), default=dict, blank=True)
    source = models.TextField(_("source"), blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        ordering = ["-year", "rank"]
        verbose_name = _("published DTI result")
        verbose_name_plural = _("published DTI results")
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=False, legacy_province__isnull=True)
                | Q(province__isnull=True, legacy_province__isnull=False),
                name="dti_result_one_province",
            ),
            models.UniqueConstraint(
                fields=["year", "province"],
                condition=Q(province__isnull=False),
                name="dti_result_unique_province",
            ),
            models.UniqueConstraint(
                fields=["year", "legacy_province"],
                condition=Q(legacy_province__isnull=False),
                name="dti_result_unique_legacy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_name}"

    @property
    def unit_name(self) -> str:
        unit = self.province or self.legacy_province
        return unit.name if unit is not None else ""


class Assessment(models.Model):
    """A province's own DTI assessment for a year, under the framework of that year."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("DTI assessment")
        verbose_name_plural = _("DTI assessments")
        constraints = [
            models.UniqueConstraint(fields=["year", "province"], name="dti_assessment_unique"),
        ]

    def __str__(self) -> str:
        return f"DTI {self.year} {self.province}"


class ValueStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")


def evidence_path(instance, filename: str) -> str:
    return f"dti/evidence/{instance.assessment_id}/{filename}"


class AssessmentValue(models.Model):
    """One value of an assessment with its evidence: a main index on 0–1, or a component's
    points where the framework has the component. It counts once a reviewer approves it;
    entering it again sends it back for review."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="values")
    main_index = models.ForeignKey(
        MainIndex, verbose_name=_("main index"), on_delete=models.PROTECT, related_name="+"
    )
    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=4)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.PENDING
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    entered_at = models.DateTimeField(_("entered"), auto_now=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    # Filled when the platform fed the value from its own data (actions.feed_assessment):
    # each indicator read, its value for the year, the period and what it contributed.
    fed_from = models.JSONField(_("fed from"), default=list, blank=True)

    class Meta:
        ordering = ["assessment", "main_index__order", "component__order"]
        verbose_name = _("DTI assessment value")
        verbose_name_plural = _("DTI assessment values")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "main_index"],
                condition=Q(component__isnull=True),
                name="dti_value_unique_index",
            ),
            models.UniqueConstraint(
                fields=["assessment", "component"],
                condition=Q(component__isnull=False),
                name="dti_value_unique_component",
            ),
        ]

    def __str__(self) -> str:
        part = self.component or self.main_index
        return f"{self.assessment} · {part}: {self.value}"


class Feed(models.Model):
    """Where the platform's own data measures part of the DTI: an operations-centre
    indicator (itself computed from the feedback hub, sensors, or a query over warehouse
    datasets) whose province value for the year, scaled linearly from `zero_at` (0) to
    `full_at` (the full mark: 1 for a main index, its maximum points for a component),
    feeds a main index or a component. Several feeds of one target are averaged by weight."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="feeds"
    )
    main_index = models.ForeignKey(
        MainIndex, verbose_name=_("main index"), on_delete=models.CASCADE, related_name="+"
    )
    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "ioc.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    zero_at = models.FloatField(_("value scoring nothing"))
    full_at = models.FloatField(_("value scoring the full mark"))
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=Decimal(1))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["framework", "main_index__order", "component__order", "pk"]
        verbose_name = _("DTI feed")
        verbose_name_plural = _("DTI feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "main_index", "component", "indicator"],
                name="dti_feed_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} → {self.component or self.main_index}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.main_index_id and self.main_index.framework_id != self.framework_id:
            raise ValidationError(_("The main index is not part of this framework."))
        if self.component is not None and self.component.main_index_id != self.main_index_id:
            raise ValidationError(_("This component is not part of the main index."))
        if self.zero_at is not None and self.zero_at == self.full_at:
            raise ValidationError(_("The value scoring nothing and the full mark must differ."))
