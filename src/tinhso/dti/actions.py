"""Every write of the DTI app, each with its audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.access import AccessDenied
from tinhso.core.actions import changed, record, snapshot
from tinhso.core.actors import Actor
from tinhso.dti import access
from tinhso.dti.access import require_framework_admin, require_results_importer
from tinhso.dti.models import (
    Assessment,
    AssessmentValue,
    Component,
    Feed,
    Framework,
    MainIndex,
    Pillar,
    PublishedResult,
    ValueStatus,
)
from tinhso.ioc.models import Indicator
from tinhso.units.models import LegacyProvince, Province

FRAMEWORK_FIELDS = (
    "decision", "issuer", "title_vi", "title_en", "first_year", "last_year", "status",
    "method", "total_points", "component_count", "weights_editable", "note", "sources",
)  # fmt: skip


def _decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


@transaction.atomic
def install_framework(
    actor: Actor, data: dict[str, Any], *, shipped: bool = False, digest: str = ""
) -> Framework:
    """Create or update a framework from its data (the shipped JSON's shape, which the XLSX
    import also produces). Weights an administrator entered for a framework whose weights
    are `weights_editable` are kept when the data has none."""
    if not actor.is_system:
        require_framework_admin(actor)
    framework = Framework.objects.filter(code=data["code"]).first()
    before = snapshot(framework) if framework is not None else None
    if framework is None:
        framework = Framework(code=data["code"])
    for name in FRAMEWORK_FIELDS:
        setattr(framework, name, data.get(name, getattr(framework, name)))
    raw_date = data.get("decision_date")
    framework.decision_date = dt.date.fromisoformat(raw_date) if raw_date else None
    framework.shipped = shipped
    framework.shipped_digest = digest
    framework.save()

    pillars: dict[str, Pillar] = {}
    for order, item in enumerate(data.get("pillars", [])):
        pillar, _ = Pillar.objects.update_or_create(
            framework=framework,
            code=item["code"],
            defaults={
                "key": item["key"],
                "name_vi": item["name_vi"],
                "name_en": item.get("name_en", ""),
                "weight": _decimal(item.get("weight")),
                "max_points": item.get("max_points"),
                "order": order,
            },
        )
        pillars[pillar.code] = pillar
    framework.pillars.exclude(code__in=pillars).delete()

    codes = []
    for order, item in enumerate(data.get("main_indices", [])):
        existing = MainIndex.objects.filter(framework=framework, code=item["code"]).first()
        weight = _decimal(item.get("weight"))
        if weight is None and framework.weights_editable and existing is not None:
            weight = existing.weight
        index, _ = MainIndex.objects.update_or_create(
            framework=framework,
            code=item["code"],
            defaults={
                "short_code": item.get("short_code", ""),
                "name_vi": item["name_vi"],
                "name_en": item.get("name_en", ""),
                "group": item.get("group", ""),
                "max_points": item.get("max_points"),
                "weight": weight,
                "scored": item.get("scored", True),
                "component_count": item.get("component_count"),
                "note": item.get("note", ""),
                "order": order,
            },
        )
        index.pillars.set([pillars[code] for code in item.get("pillars", [])])
        _install_components(index, item.get("components", []))
        codes.append(index.code)
    framework.main_indices.exclude(code__in=codes).delete()

    after = snapshot(framework)
    if before is None:
        record(actor, "dti.framework.install", framework, after=after)
    else:
        old, new = changed(before, after)
        record(actor, "dti.framework.update", framework, before=old, after=new)
    return framework


def _install_components(index: MainIndex, items: Iterable[dict[str, Any]]) -> None:
    codes = []
    for order, item in enumerate(items):
        Component.objects.update_or_create(
            main_index=index,
            code=item["code"],
            defaults={
                "name_vi": item["name_vi"],
                "name_en": item.get("name_en", ""),
                "max_points": _decimal(item.get("max_points")),
                "order": order,
            },
        )
        codes.append(item["code"])
    index.components.exclude(code__in=codes).delete()


@transaction.atomic
def set_weights(actor: Actor, framework: Framework, weights: dict[str, Decimal]) -> Framework:
    """Enter the published weights of a framework's main indices (405/QĐ-BKHCN's were not
    published with the decision)."""
    require_framework_admin(actor)
    indices = {i.code: i for i in framework.main_indices.all()}
    before = {code: indices[code].weight for code in weights}
    for code, weight in weights.items():
        indices[code].weight = weight
        indices[code].save(update_fields=["weight"])
    record(actor, "dti.framework.weights", framework, before=before, after=dict(weights))
    return framework


@dataclass(frozen=True)
class ResultRow:
    """One province's published result, parsed from a file."""

    province: Province | None
    legacy_province: LegacyProvince | None
    rank: int | None
    dti: Decimal | None
    pillars: dict[str, Decimal]
    main_indices: dict[str, Decimal]
    source: str


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def import_results(
    actor: Actor, framework: Framework, year: int, rows: Iterable[ResultRow]
) -> ImportOutcome:
    """Store a year's published national results, one per province (replacing what an
    earlier import of the same year held for that province)."""
    require_results_importer(actor)
    created = updated = unchanged = 0
    for row in rows:
        key: dict[str, Province | LegacyProvince | None] = (
            {"province": row.province}
            if row.province is not None
            else {"legacy_province": row.legacy_province}
        )
        result = PublishedResult.objects.filter(year=year, **key).first()
        before = snapshot(result) if result is not None else None
        if result is None:
            result = PublishedResult(year=year, **key)
        result.framework = framework
        result.rank = row.rank
        result.dti = row.dti
        result.cqs = row.pillars.get("CQS")
        result.kts = row.pillars.get("KTS")
        result.xhs = row.pillars.get("XHS")
        result.main_indices = {code: str(value) for code, value in row.main_indices.items()}
        result.source = row.source
        result.save()
        after = snapshot(result, _RESULT_FIELDS)
        if before is None:
            created += 1
            record(actor, "dti.result.import", result, after=after)
        else:
            old, new = changed({k: before[k] for k in _RESULT_FIELDS}, after)
            if not new:
                unchanged += 1
                continue
            updated += 1
            record(actor, "dti.result.update", result, before=old, after=new)
    return ImportOutcome(created, updated, unchanged)


_RESULT_FIELDS = [
    "year", "framework_id", "province_id", "legacy_province_id", "rank", "dti", "cqs", "kts",
    "xhs", "main_indices", "source",
]  # fmt: skip


# --- the assessment ----------------------------------------------------------------------


class AssessmentError(ValueError):
    """A write the assessment's rules refuse; `message` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def open_assessment(
    actor: Actor, province: Province, year: int, framework: Framework | None = None
) -> Assessment:
    """Open the province's assessment of `year` (once per year) under the published
    framework of that year, or the one given."""
    access.require_assessment_opener(actor)
    if framework is None:
        framework = Framework.published_for(year)
        if framework is None:
            raise AssessmentError(
                _("No published framework covers the year %(year)s.") % {"year": year}
            )
    if Assessment.objects.filter(year=year, province=province).exists():
        raise AssessmentError(
            _("The %(year)s assessment of %(province)s is already open.")
            % {"year": year, "province": province.name}
        )
    assessment = Assessment.objects.create(framework=framework, year=year, province=province)
    record(actor, "dti.assessment.open", assessment, after=snapshot(assessment))
    return assessment


@transaction.atomic
def enter_value(
    actor: Actor,
    assessment: Assessment,
    main_index: MainIndex,
    value: Decimal,
    *,
    component: Component | None = None,
    evidence_file=None,
    evidence_link: str = "",
    note: str = "",
    fed_from: list[dict] | None = None,
) -> AssessmentValue:
    """Enter (or correct) a value with its evidence: a main index on 0–1, or a component's
    points up to its maximum. It waits for a reviewer; a corrected value waits again.
    `fed_from` says which of the platform's indicators gave it (`feed_assessment`); a value
    entered by a person has none, and the platform's feeds then leave it alone."""
    access.require_enterer(actor)
    if main_index.framework_id != assessment.framework_id or (
        component is not None and component.main_index_id != main_index.pk
    ):
        raise AssessmentError(_("This index is not part of the assessment's framework."))
    if not evidence_file and not evidence_link:
        raise AssessmentError(_("Attach the evidence: a file or a link."))
    # A main index is entered on 0–1; a component in its points (unbounded above only
    # where the framework gives no maximum).
    ceiling = Decimal(1) if component is None else component.max_points
    if value < 0 or (ceiling is not None and value > ceiling):
        raise AssessmentError(
            _("The value must be between 0 and %(max)s.") % {"max": ceiling or "∞"}
        )
    entry = AssessmentValue.objects.filter(
        assessment=assessment, main_index=main_index, component=component
    ).first()
    before = snapshot(entry, _VALUE_FIELDS) if entry is not None else None
    if entry is None:
        entry = AssessmentValue(assessment=assessment, main_index=main_index, component=component)
    entry.value = value
    entry.evidence_link = evidence_link
    entry.note = note
    entry.fed_from = fed_from or []
    entry.status = ValueStatus.PENDING
    entry.entered_by = actor.user
    entry.reviewed_by = None
    entry.reviewed_at = None
    entry.review_note = ""
    if evidence_file:
        entry.evidence_file.save(evidence_file.name, evidence_file, save=False)
    entry.save()
    after = snapshot(entry, _VALUE_FIELDS)
    if before is None:
        record(actor, "dti.value.enter", entry, after=after)
    else:
        old, new = changed(before, after)
        record(actor, "dti.value.correct", entry, before=old, after=new)
    return entry


@transaction.atomic
def review_value(
    actor: Actor, entry: AssessmentValue, *, approve: bool, note: str = ""
) -> AssessmentValue:
    """A reviewer approves a value (it counts from now) or returns it for correction, with
    a note. Nobody reviews a value they entered."""
    access.require_reviewer(actor)
    entry = AssessmentValue.objects.select_for_update().get(pk=entry.pk)
    if entry.status != ValueStatus.PENDING:
        raise AssessmentError(_("This value has already been reviewed."))
    if actor.user is not None and entry.entered_by_id == actor.user.pk:
        raise AccessDenied(_("A value is reviewed by someone other than who entered it."))
    if not approve and not note.strip():
        raise AssessmentError(_("Say what to correct when returning a value."))
    before = snapshot(entry, ["status"])
    entry.status = ValueStatus.APPROVED if approve else ValueStatus.RETURNED
    entry.reviewed_by = actor.user
    entry.reviewed_at = timezone.now()
    entry.review_note = note
    entry.save()
    record(
        actor,
        "dti.value.approve" if approve else "dti.value.return",
        entry,
        before=before,
        after=snapshot(entry, ["status", "review_note"]),
    )
    return entry


_VALUE_FIELDS = [
    "value", "evidence_link", "evidence_file", "note", "status", "entered_by_id", "fed_from",
]  # fmt: skip


@dataclass
class Fed:
    """What `feed_assessment` did, target by target (main index or component codes)."""

    entered: list[str]
    unchanged: list[str]
    kept: list[str]  # entered by a person: left as they are
    missing: dict[str, list[str]]  # target -> indicators without a value for the year


@transaction.atomic
def feed_assessment(actor: Actor, assessment: Assessment) -> Fed:
    """Enter every value the platform's own data gives the assessment (`feeds.proposals`),
    each waiting for review like any other, its indicators named in `fed_from` and its
    evidence the operations centre's explanation of the value read. A value a person
    entered is kept; a fed value that has not changed is not entered again (its review
    stands); a target whose feeds lack a value for the year is left as it is."""
    from tinhso.dti.feeds import proposals

    access.require_enterer(actor)
    done = Fed([], [], [], {})
    for proposal in proposals(assessment):
        target = proposal.component.code if proposal.component else proposal.main_index.code
        value = proposal.value
        if value is None:
            done.missing[target] = proposal.missing
            continue
        entry = AssessmentValue.objects.filter(
            assessment=assessment, main_index=proposal.main_index, component=proposal.component
        ).first()
        if entry is not None and not entry.fed_from:
            done.kept.append(target)
            continue
        if entry is not None and entry.value == value:
            done.unchanged.append(target)
            continue
        # Written in Vietnamese, as staff write notes: a decimal comma.
        parts = "; ".join(
            f"{p.name_vi} = {p.value:g}".replace(".", ",") + (f" {p.unit}" if p.unit else "")
            for p in proposal.parts
        )
        enter_value(
            actor,
            assessment,
            proposal.main_index,
            value,
            component=proposal.component,
            evidence_link=proposal.evidence_link,
            note=f"Tự động từ dữ liệu của nền tảng, năm {assessment.year}: {parts}",
            fed_from=[p.as_json() for p in proposal.parts],
        )
        done.entered.append(target)
    return done


@transaction.atomic
def set_feed(
    actor: Actor,
    main_index: MainIndex,
    indicator: Indicator,
    *,
    zero_at: float,
    full_at: float,
    weight: Decimal = Decimal(1),
    component: Component | None = None,
    note: str = "",
) -> Feed:
    """Say that `indicator` measures a main index (or one of its components), scaled from
    `zero_at` (nothing) to `full_at` (the full mark); set again, it is updated."""
    require_framework_admin(actor)
    if component is not None and component.main_index_id != main_index.pk:
        raise AssessmentError(_("This component is not part of the main index."))
    if zero_at == full_at:
        raise AssessmentError(_("The value scoring nothing and the full mark must differ."))
    if weight <= 0:
        raise AssessmentError(_("The weight must be above 0."))
    feed = Feed.objects.filter(
        framework=main_index.framework, main_index=main_index, component=component,
        indicator=indicator,
    ).first()  # fmt: skip
    before = snapshot(feed) if feed is not None else None
    if feed is None:
        feed = Feed(
            framework=main_index.framework,
            main_index=main_index,
            component=component,
            indicator=indicator,
        )
    feed.zero_at, feed.full_at, feed.weight, feed.note = zero_at, full_at, weight, note
    feed.save()
    after = snapshot(feed)
    if before is None:
        record(actor, "dti.feed.set", feed, after=after)
    else:
        old, new = changed(before, after)
        if new:
            record(actor, "dti.feed.change", feed, before=old, after=new)
    return feed
