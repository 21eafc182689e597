"""The score sheet of an assessment: each main index from its approved values, what each
contributes, the pillars and the DTI, formed exactly as the framework says.

A main index with components in the framework is its approved components' points over the
index's maximum points; one without (the shipped frameworks, whose component texts are not
public) is entered directly on 0–1. Only approved values count; the sheet says which
indices still lack one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tinhso.dti import frameworks
from tinhso.dti.models import Assessment, AssessmentValue, ValueStatus
from tinhso.dti.scoring import PILLARS, Score, score


@dataclass
class Sheet:
    assessment: Assessment
    main_indices: dict[str, Decimal] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    pending: int = 0
    score: Score | None = None


def build(assessment: Assessment) -> Sheet:
    """The sheet as it stands: scored once every scored input has an approved value."""
    framework = assessment.framework
    scheme = frameworks.scheme(framework)
    values = list(
        AssessmentValue.objects.filter(assessment=assessment).select_related("main_index")
    )
    sheet = Sheet(assessment, pending=sum(v.status == ValueStatus.PENDING for v in values))
    approved = [v for v in values if v.status == ValueStatus.APPROVED]
    direct = {v.main_index.code: v.value for v in approved if v.component_id is None}
    points: dict[str, Decimal] = {}
    for v in approved:
        if v.component_id is not None:
            points[v.main_index.code] = points.get(v.main_index.code, Decimal(0)) + v.value
    indices = {i.code: i for i in framework.main_indices.prefetch_related("components")}
    for code, index in indices.items():
        components = list(index.components.all())
        if components and index.max_points:
            counted = {v.component_id for v in approved if v.main_index_id == index.pk}
            if all(c.pk in counted for c in components):
                sheet.main_indices[code] = points.get(code, Decimal(0)) / index.max_points
        elif code in direct:
            sheet.main_indices[code] = direct[code]
    if scheme.method == PILLARS:
        # 1726's main-index weights are not known, so its pillars cannot be formed from
        # entered main indices: such an assessment stays unscored (only 2020 used 1726).
        sheet.missing = [p.name for p in scheme.inputs]
        return sheet
    sheet.missing = [p.name for p in scheme.scored_inputs if p.code not in sheet.main_indices]
    if not sheet.missing:
        sheet.score = score(scheme, assessment.province.name, sheet.main_indices)
    return sheet
