"""Who may change the DTI frameworks and import the national results."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tinhso.core.access import NotFound, require_role
from tinhso.core.actors import Actor
from tinhso.dti.models import Assessment, AssessmentValue, ValueStatus

# Frameworks are reference data of the whole platform: administrators only (who hold every
# role; the platform itself installs the shipped ones).
FRAMEWORK_ADMINS = ("administrator",)
# The national results are public figures that the digital-transformation staff import.
RESULTS_IMPORTERS = ("supervisor", "data_steward")


def require_framework_admin(actor: Actor) -> None:
    require_role(actor, *FRAMEWORK_ADMINS)


def can_edit_frameworks(actor: Actor) -> bool:
    return actor.has_role(*FRAMEWORK_ADMINS)


def require_results_importer(actor: Actor) -> None:
    require_role(actor, *RESULTS_IMPORTERS)


# The assessment: agency staff enter values with their evidence, a supervisor reviews them
# (never their own), and the centre's viewers read the score sheet.
ENTERERS = ("handler", "data_steward", "supervisor")
REVIEWERS = ("supervisor",)
VIEWERS = ("leader", "supervisor", "operator", "handler", "data_steward")


def require_assessment_opener(actor: Actor) -> None:
    require_role(actor, *REVIEWERS)


def require_enterer(actor: Actor) -> None:
    require_role(actor, *ENTERERS)


def require_reviewer(actor: Actor) -> None:
    require_role(actor, *REVIEWERS)


def can_view_assessments(actor: Actor) -> bool:
    return actor.has_role(*VIEWERS)


def assessment_for_viewer(actor: Actor, assessment_id: int) -> Assessment:
    require_role(actor, *VIEWERS)
    assessment = (
        Assessment.objects.select_related("framework", "province").filter(pk=assessment_id).first()
    )
    if assessment is None:
        raise NotFound(_("No such assessment."))
    return assessment


def require_viewer(actor: Actor) -> None:
    require_role(actor, *VIEWERS)


def can_enter(actor: Actor) -> bool:
    return actor.has_role(*ENTERERS)


def can_review(actor: Actor, entry: AssessmentValue) -> bool:
    """A reviewer, on a value waiting for review that someone else entered."""
    return (
        actor.has_role(*REVIEWERS)
        and entry.status == ValueStatus.PENDING
        and (actor.user is None or entry.entered_by_id != actor.user.pk)
    )


def assessment_of_year(actor: Actor, province, year: int) -> Assessment:
    """The province's assessment of `year`, for the centre's viewers."""
    require_role(actor, *VIEWERS)
    assessment = (
        Assessment.objects.select_related("framework", "province")
        .filter(province=province, year=year)
        .first()
    )
    if assessment is None:
        raise NotFound(_("No such assessment."))
    return assessment


def value_for_reviewer(actor: Actor, value_id: int) -> AssessmentValue:
    require_role(actor, *REVIEWERS)
    entry = AssessmentValue.objects.select_related("assessment").filter(pk=value_id).first()
    if entry is None:
        raise NotFound(_("No such value."))
    return entry
