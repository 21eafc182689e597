"""The workflow's transitions: accept, refuse, transfer, change the field, start,
answer (with its photos and documents), close, reopen, rate; and photo moderation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.agencies.models import Agency
from tinhso.core.actions import record
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.feedback.actions.common import WorkflowError, event, label, require, save, state
from tinhso.feedback.calendar import deadline_for
from tinhso.feedback.models import Complexity, Field, Report, Resolution, Status, Track
from tinhso.feedback.photos import CheckedDocument, CheckedPhoto, store, store_documents
from tinhso.feedback.routing import responsible_agency

REOPEN_DAYS = 30


def _decision_deadline(report: Report, start: dt.datetime) -> dt.datetime:
    """The deadline once accepted, counted from `start`: receipt for ordinary reports,
    acceptance (or reopening) for complaints and denunciations."""
    tier = report.field.tier if report.field else None
    return deadline_for(
        report.track,
        tier,
        start,
        accepted=True,
        complexity=report.complexity,
        remote=report.remote_area,
    )


@transaction.atomic
def accept_report(
    actor: Actor, report: Report, *, field: Field | None = None, agency: Agency | None = None
) -> Report:
    """Confirm the field (the confirmation is kept as a labelled example), and send the
    report to the responsible agency: the one the field's rule gives, or `agency`."""
    require(report, (Status.RECEIVED,), _("accept"))
    before = state(report)
    field = field or report.field
    if field is None:
        raise WorkflowError(_("Choose the field before accepting the report."))
    label(actor, report, field)
    report.field, report.field_confirmed = field, True
    report.agency = agency or responsible_agency(field, report.commune)
    if report.agency is None:
        raise WorkflowError(_("No agency is responsible yet: choose the commune or the agency."))
    report.status = Status.ASSIGNED
    # The decision's period counts from acceptance (thụ lý), not from receipt.
    report.accepted_at = timezone.now()
    ordinary = report.track == Track.ORDINARY
    report.deadline = _decision_deadline(
        report, report.received_at if ordinary else report.accepted_at
    )
    return save(
        actor,
        report,
        "accepted",
        before,
        message=_("Accepted and sent to %(agency)s.") % {"agency": report.agency.name},
    )


@transaction.atomic
def refuse_report(actor: Actor, report: Report, *, reason: str) -> Report:
    """Refuse with a reason the citizen sees (spam, not enough detail, not a report)."""
    require(report, (Status.RECEIVED, Status.ACCEPTED), _("refuse"))
    if not reason.strip():
        raise WorkflowError(_("Give the reason for refusing; the citizen will see it."))
    before = state(report)
    report.status = Status.REFUSED
    report.refusal_reason = reason.strip()
    report.closed_at = timezone.now()
    return save(actor, report, "refused", before, message=report.refusal_reason)


@transaction.atomic
def transfer_report(actor: Actor, report: Report, *, agency: Agency, reason: str) -> Report:
    """Not ours: send it to the right agency instead of closing it. The deadline stays."""
    require(report, (Status.ASSIGNED, Status.IN_PROGRESS), _("transfer"))
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the transfer."))
    if agency == report.agency:
        raise WorkflowError(_("The report is already with %(agency)s.") % {"agency": agency.name})
    before = state(report)
    previous = report.agency
    report.agency, report.assignee, report.status = agency, None, Status.ASSIGNED
    return save(
        actor,
        report,
        "transferred",
        before,
        message=_("Transferred from %(old)s to %(new)s: %(reason)s")
        % {"old": previous.name if previous else "—", "new": agency.name, "reason": reason.strip()},
    )


@transaction.atomic
def change_field(actor: Actor, report: Report, *, field: Field) -> Report:
    """A corrected field is a labelled example; an assigned report is re-routed."""
    if not report.is_open:
        raise WorkflowError(_("The report is no longer open."))
    before = state(report)
    label(actor, report, field)
    report.field, report.field_confirmed = field, True
    message = _("Field changed to %(field)s.") % {"field": field.name}
    if report.status in (Status.ASSIGNED, Status.IN_PROGRESS):
        agency = responsible_agency(field, report.commune)
        if agency is not None and agency != report.agency:
            report.agency, report.assignee, report.status = agency, None, Status.ASSIGNED
            message += " " + _("Sent to %(agency)s.") % {"agency": agency.name}
    return save(actor, report, "field_changed", before, message=message)


@transaction.atomic
def start_report(actor: Actor, report: Report) -> Report:
    require(report, (Status.ASSIGNED,), _("start"))
    before = state(report)
    report.status = Status.IN_PROGRESS
    if actor.user is not None and report.assignee_id is None:
        report.assignee = actor.user
    return save(actor, report, "started", before, message=_("Being handled."))


@transaction.atomic
def answer_report(
    actor: Actor,
    report: Report,
    *,
    answer: str,
    photos: Sequence[CheckedPhoto] = (),
    documents: Sequence[CheckedDocument] = (),
) -> Report:
    """The agency's public answer, with photos of the work done (public copies without
    EXIF) and PDF documents (the reply letter), checked by `photos.check_answer_files`."""
    require(report, (Status.ASSIGNED, Status.IN_PROGRESS), _("answer"))
    if not answer.strip():
        raise WorkflowError(_("Write the answer the citizen will read."))
    before = state(report)
    report.status, report.answer, report.answered_at = (
        Status.ANSWERED,
        answer.strip(),
        timezone.now(),
    )
    saved = save(actor, report, "answered", before, message=report.answer)
    if photos:
        store(report, list(photos), by_agency=True)
    if documents:
        store_documents(report, list(documents))
    if photos or documents:
        record(
            actor,
            "feedback.answer_attachments",
            report,
            after={"photos": len(photos), "documents": [d.name for d in documents]},
        )
    return saved


@transaction.atomic
def close_report(actor: Actor, report: Report, *, resolution: str, reason: str = "") -> Report:
    """Close as fixed, or as not fixed with the reason."""
    require(report, (Status.ANSWERED,), _("close"))
    if resolution not in (Resolution.FIXED, Resolution.NOT_FIXED, Resolution.NOT_COMPETENT):
        raise WorkflowError(_("Close as fixed, not fixed, or not within competence."))
    if resolution != Resolution.FIXED and not reason.strip():
        raise WorkflowError(_("Say why it could not be fixed, or whose competence it is."))
    before = state(report)
    report.status, report.resolution, report.closed_at = Status.CLOSED, resolution, timezone.now()
    return save(actor, report, "closed", before, message=reason.strip())


@transaction.atomic
def reopen_report(actor: Actor, report: Report, *, reason: str) -> Report:
    """The citizen says it is not fixed: back to the same agency, within REOPEN_DAYS."""
    require(report, (Status.ANSWERED, Status.CLOSED), _("reopen"))
    if report.resolution == Resolution.DUPLICATE:
        raise WorkflowError(_("A duplicate is followed on the report it was merged into."))
    answered = report.answered_at or report.closed_at
    if answered and timezone.now() - answered > dt.timedelta(days=REOPEN_DAYS):
        raise WorkflowError(
            _("It is more than %(days)s days since the answer; please send a new report.")
            % {"days": REOPEN_DAYS}
        )
    if not reason.strip():
        raise WorkflowError(_("Tell us what is still wrong."))
    before = state(report)
    report.status, report.resolution, report.closed_at = Status.ASSIGNED, "", None
    report.deadline = _decision_deadline(report, timezone.now())
    return save(actor, report, "reopened", before, message=reason.strip())


@transaction.atomic
def rate_report(actor: Actor, report: Report, *, rating: int) -> Report:
    require(report, (Status.ANSWERED, Status.CLOSED), _("rate"))
    if rating not in range(1, 6):
        raise WorkflowError(_("A rating is from 1 to 5."))
    before = state(report)
    report.rating = rating
    return save(actor, report, "rated", before, message=f"{rating}/5")


@transaction.atomic
def hide_photo(actor: Actor, photo, *, reason: str, hidden: bool = True):
    """Moderation: take a photo off the public pages (a face, a licence plate, something
    that should not be public), or put it back. Staff still see the original."""
    if hidden and not reason.strip():
        raise WorkflowError(_("Give the reason for hiding the photo."))
    before = {"hidden": photo.hidden}
    photo.hidden = hidden
    photo.save(update_fields=["hidden"])
    kind = "photo_hidden" if hidden else "photo_shown"
    event(
        photo.report, actor, kind, before=photo.report.status, message=reason.strip(), public=False
    )
    record(actor, f"feedback.{kind}", photo, before=before, after={"hidden": hidden})
    emit(f"report.{kind}", actor=actor, report_id=photo.report_id)
    return photo


MAX_COMMENT = 2000


@transaction.atomic
def comment_report(actor: Actor, report: Report, *, comment: str) -> Report:
    """The reporter adds something (a detail, "still not fixed"), without changing the
    report's status; staff see it on the timeline, the public masked."""
    comment = comment.strip()
    if not comment:
        raise WorkflowError(_("Write the comment."))
    if len(comment) > MAX_COMMENT:
        raise WorkflowError(
            _("The comment is too long (at most %(max)s characters).") % {"max": MAX_COMMENT}
        )
    if report.status == Status.REFUSED or report.resolution == Resolution.DUPLICATE:
        raise WorkflowError(_("This report is no longer followed; please send a new report."))
    event(report, actor, "commented", before=report.status, message=comment)
    record(actor, "feedback.comment_report", report, after={"comment": len(comment)})
    emit("report.commented", actor=actor, report_id=report.pk)
    return report


@transaction.atomic
def set_complexity(
    actor: Actor, report: Report, *, complexity: str, reason: str, remote: bool = False
) -> Report:
    """A complaint or denunciation judged complex (or in a remote area) gets the longer
    statutory period, counted from its acceptance; the reason is public, as the citizen
    is told when the decision will come."""
    require(report, (Status.ASSIGNED, Status.IN_PROGRESS), _("change the period of"))
    if report.track == Track.ORDINARY:
        raise WorkflowError(
            _("Only complaints and denunciations have statutory periods; ask for more time.")
        )
    if complexity not in Complexity.values:
        raise WorkflowError(_("Choose ordinary, complex or especially complex."))
    if not reason.strip():
        raise WorkflowError(_("Give the reason; the citizen will see it."))
    before = state(report)
    report.complexity, report.remote_area = complexity, remote
    report.deadline = _decision_deadline(report, report.accepted_at or report.received_at)
    return save(
        actor,
        report,
        "period_set",
        before,
        message=_("Statutory period: %(kind)s%(remote)s, decision due %(due)s. %(reason)s")
        % {
            "kind": Complexity(complexity).label,
            "remote": _(", remote area") if remote else "",
            "due": timezone.localtime(report.deadline).date().isoformat(),
            "reason": reason.strip(),
        },
    )


@transaction.atomic
def assign_report(actor: Actor, report: Report, *, officer) -> Report:
    """Give the report to a named officer of its agency (a handler there), who finds it
    under "Mine"; the agency stays responsible."""
    require(report, (Status.ASSIGNED, Status.IN_PROGRESS), _("assign"))
    if (
        officer is None
        or not officer.is_active
        or officer.agency_id != report.agency_id
        or "handler" not in officer.role_codes
    ):
        raise WorkflowError(_("Choose an officer who handles reports at the responsible agency."))
    before = state(report)
    report.assignee = officer
    return save(
        actor,
        report,
        "assigned_to",
        before,
        public=False,
        message=_("Assigned to %(name)s.") % {"name": officer.get_full_name() or officer},
    )
