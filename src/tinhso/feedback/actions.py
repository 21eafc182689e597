"""Every write to a report: intake, the workflow's transitions, ratings. Each records a
timeline event and an audit entry in the same transaction, and emits its event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.agencies.models import Agency
from tinhso.core.actions import changed, record
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.feedback.calendar import deadline_for
from tinhso.feedback.models import (
    OPEN_STATUSES,
    Channel,
    Field,
    LabelledExample,
    Report,
    ReportEvent,
    Resolution,
    Status,
    Track,
)
from tinhso.feedback.routing import responsible_agency
from tinhso.units.models import Commune

MAX_TEXT = 4000
REOPEN_DAYS = 30
AUDITED = (
    "status",
    "resolution",
    "field_id",
    "agency_id",
    "assignee_id",
    "deadline",
    "track",
    "commune_id",
    "rating",
    "duplicate_of_id",
)


class WorkflowError(ValueError):
    """A transition that is not allowed now; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _state(report: Report) -> dict[str, Any]:
    from tinhso.core.actions import snapshot

    return snapshot(report, AUDITED)


def _event(
    report: Report, actor: Actor, kind: str, *, before: str, message: str = "", public: bool = True
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        from_status=before,
        to_status=report.status,
        agency=report.agency,
        actor_label=actor.label[:200],
        message=message,
        public=public,
    )


def _save(
    actor: Actor,
    report: Report,
    kind: str,
    before: dict[str, Any],
    *,
    message: str = "",
    public: bool = True,
) -> Report:
    report.save()
    _event(report, actor, kind, before=before["status"], message=message, public=public)
    old, new = changed(before, _state(report))
    record(actor, f"feedback.{kind}", report, before=old, after=new)
    emit(f"report.{kind}", actor=actor, report_id=report.pk)
    return report


def _require(report: Report, allowed: tuple[str, ...], doing: str) -> None:
    if report.status not in allowed:
        raise WorkflowError(
            _("Cannot %(doing)s a report that is “%(status)s”.")
            % {"doing": doing, "status": report.get_status_display()}
        )


# --- intake ---------------------------------------------------------------------------


def submit_report(
    actor: Actor,
    *,
    text: str,
    channel: str,
    field: Field | None = None,
    field_confirmed: bool = False,
    track: str = Track.ORDINARY,
    commune: Commune | None = None,
    lat: float | None = None,
    lon: float | None = None,
    place: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    show_name: bool = False,
    idempotency_key: str | None = None,
    external_id: str | None = None,
    is_demo: bool = False,
    received_at: dt.datetime | None = None,
    photos: list | None = None,
) -> tuple[Report, bool]:
    """Store a report durably and queue its processing. Returns (report, created); a
    repeated `idempotency_key` (or gateway message id) returns the first report.

    The report and its processing task are committed in one transaction: once this
    returns, the report exists, and classification, routing and notification failures
    cannot lose it."""
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("Please describe what happened."))
    if len(text) > MAX_TEXT:
        raise WorkflowError(
            _("The description is too long (%(n)s characters; at most %(max)s).")
            % {"n": len(text), "max": MAX_TEXT}
        )
    if field is not None and field.requires_contact and not (reporter_phone or reporter_email):
        raise WorkflowError(
            _(
                "Reports about “%(field)s” need a phone number or an email so the agency can "
                "contact you."
            )
            % {"field": field.name}
        )
    if channel not in Channel.values:
        raise WorkflowError(_("Unknown channel."))
    # Keys are scoped by channel (and token) so two clients cannot collide.
    if idempotency_key:
        idempotency_key = f"{channel}:{actor.token_id or ''}:{idempotency_key}"[:100]
    # No look-up first: a repeated key is rare, and the unique constraints catch it.
    if commune is None and lat is not None and lon is not None:
        commune = _commune_at(lat, lon)
    try:
        report = _store(
            actor,
            text=text,
            channel=channel,
            field=field,
            field_confirmed=field_confirmed,
            track=track,
            commune=commune,
            lat=lat,
            lon=lon,
            place=place,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            reporter_email=reporter_email,
            show_name=show_name,
            idempotency_key=idempotency_key,
            external_id=external_id,
            is_demo=is_demo,
            received_at=received_at,
            photos=photos or [],
        )
    except IntegrityError:
        # The key (or the gateway's message id) was seen before, perhaps by a concurrent
        # retry: answer with the first report.
        existing = _existing(idempotency_key, channel, external_id)
        if existing is None:
            raise
        return existing, False
    emit("report.received", actor=actor, report_id=report.pk)
    return report, True


def _store(
    actor: Actor,
    *,
    text,
    channel,
    field,
    field_confirmed,
    track,
    commune,
    lat,
    lon,
    place,
    reporter_name,
    reporter_phone,
    reporter_email,
    show_name,
    idempotency_key,
    external_id,
    is_demo,
    received_at,
    photos,
) -> Report:
    from tinhso.feedback.tasks import process_report

    with transaction.atomic():
        report = Report.objects.create(
            text=text,
            channel=channel,
            field=field,
            field_confirmed=field_confirmed and bool(field),
            track=track,
            commune=commune,
            lat=lat,
            lon=lon,
            place=place[:300],
            reporter_name=reporter_name[:150],
            reporter_phone=reporter_phone[:40],
            reporter_email=reporter_email,
            show_name=show_name and bool(reporter_name),
            idempotency_key=idempotency_key,
            external_id=external_id,
            is_demo=is_demo,
            source_token_id=actor.token_id,
        )
        year = (received_at or report.received_at).astimezone(timezone.get_current_timezone()).year
        report.code = f"PA-{year}-{report.pk:06d}"
        updates = ["code"]
        if received_at is not None:  # demo history and imports keep their real dates
            report.received_at = received_at
            updates.append("received_at")
        report.deadline = deadline_for(
            report.track, field.tier if field else None, report.received_at
        )
        updates.append("deadline")
        report.save(update_fields=updates)
        _event(
            report,
            actor,
            "received",
            before="",
            message=_("Received through %(channel)s.") % {"channel": report.get_channel_display()},
        )
        record(
            actor, "feedback.submit_report", report, after=_state(report) | {"code": report.code}
        )
        if photos:
            from tinhso.feedback.photos import store

            store(report, photos)
        process_report.enqueue(report.pk)
    return report


def _existing(idempotency_key: str | None, channel: str, external_id: str | None) -> Report | None:
    if idempotency_key:
        found = Report.objects.filter(idempotency_key=idempotency_key).first()
        if found:
            return found
    if external_id:
        return Report.objects.filter(channel=channel, external_id=external_id).first()
    return None


def _commune_at(lat: float, lon: float) -> Commune | None:
    from tinhso.units import province as home_province
    from tinhso.units.geo import locator

    province = home_province.home()
    cell = locator(province).locate(lat, lon) if province else None
    return Commune.objects.filter(pk=cell.commune_id).first() if cell else None


# --- the workflow --------------------------------------------------------------------


@transaction.atomic
def accept_report(
    actor: Actor, report: Report, *, field: Field | None = None, agency: Agency | None = None
) -> Report:
    """Confirm the field (the confirmation is kept as a labelled example), and send the
    report to the responsible agency: the one the field's rule gives, or `agency`."""
    _require(report, (Status.RECEIVED,), _("accept"))
    before = _state(report)
    field = field or report.field
    if field is None:
        raise WorkflowError(_("Choose the field before accepting the report."))
    _label(actor, report, field)
    report.field, report.field_confirmed = field, True
    report.agency = agency or responsible_agency(field, report.commune)
    if report.agency is None:
        raise WorkflowError(_("No agency is responsible yet: choose the commune or the agency."))
    report.status = Status.ASSIGNED
    report.deadline = deadline_for(report.track, field.tier, report.received_at, accepted=True)
    return _save(
        actor,
        report,
        "accepted",
        before,
        message=_("Accepted and sent to %(agency)s.") % {"agency": report.agency.name},
    )


@transaction.atomic
def refuse_report(actor: Actor, report: Report, *, reason: str) -> Report:
    """Refuse with a reason the citizen sees (spam, not enough detail, not a report)."""
    _require(report, (Status.RECEIVED, Status.ACCEPTED), _("refuse"))
    if not reason.strip():
        raise WorkflowError(_("Give the reason for refusing; the citizen will see it."))
    before = _state(report)
    report.status = Status.REFUSED
    report.refusal_reason = reason.strip()
    report.closed_at = timezone.now()
    return _save(actor, report, "refused", before, message=report.refusal_reason)


@transaction.atomic
def transfer_report(actor: Actor, report: Report, *, agency: Agency, reason: str) -> Report:
    """Not ours: send it to the right agency instead of closing it. The deadline stays."""
    _require(report, (Status.ASSIGNED, Status.IN_PROGRESS), _("transfer"))
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the transfer."))
    if agency == report.agency:
        raise WorkflowError(_("The report is already with %(agency)s.") % {"agency": agency.name})
    before = _state(report)
    previous = report.agency
    report.agency, report.assignee, report.status = agency, None, Status.ASSIGNED
    return _save(
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
    before = _state(report)
    _label(actor, report, field)
    report.field, report.field_confirmed = field, True
    message = _("Field changed to %(field)s.") % {"field": field.name}
    if report.status in (Status.ASSIGNED, Status.IN_PROGRESS):
        agency = responsible_agency(field, report.commune)
        if agency is not None and agency != report.agency:
            report.agency, report.assignee, report.status = agency, None, Status.ASSIGNED
            message += " " + _("Sent to %(agency)s.") % {"agency": agency.name}
    return _save(actor, report, "field_changed", before, message=message)


@transaction.atomic
def start_report(actor: Actor, report: Report) -> Report:
    _require(report, (Status.ASSIGNED,), _("start"))
    before = _state(report)
    report.status = Status.IN_PROGRESS
    if actor.user is not None and report.assignee_id is None:
        report.assignee = actor.user
    return _save(actor, report, "started", before, message=_("Being handled."))


@transaction.atomic
def answer_report(actor: Actor, report: Report, *, answer: str) -> Report:
    """The agency's public answer."""
    _require(report, (Status.ASSIGNED, Status.IN_PROGRESS), _("answer"))
    if not answer.strip():
        raise WorkflowError(_("Write the answer the citizen will read."))
    before = _state(report)
    report.status, report.answer, report.answered_at = (
        Status.ANSWERED,
        answer.strip(),
        timezone.now(),
    )
    return _save(actor, report, "answered", before, message=report.answer)


@transaction.atomic
def close_report(actor: Actor, report: Report, *, resolution: str, reason: str = "") -> Report:
    """Close as fixed, or as not fixed with the reason."""
    _require(report, (Status.ANSWERED,), _("close"))
    if resolution not in (Resolution.FIXED, Resolution.NOT_FIXED):
        raise WorkflowError(_("Close as fixed or not fixed."))
    if resolution == Resolution.NOT_FIXED and not reason.strip():
        raise WorkflowError(_("Say why it could not be fixed."))
    before = _state(report)
    report.status, report.resolution, report.closed_at = Status.CLOSED, resolution, timezone.now()
    return _save(actor, report, "closed", before, message=reason.strip())


@transaction.atomic
def reopen_report(actor: Actor, report: Report, *, reason: str) -> Report:
    """The citizen says it is not fixed: back to the same agency, within REOPEN_DAYS."""
    _require(report, (Status.ANSWERED, Status.CLOSED), _("reopen"))
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
    before = _state(report)
    report.status, report.resolution, report.closed_at = Status.ASSIGNED, "", None
    report.deadline = deadline_for(
        report.track, report.field.tier if report.field else None, timezone.now(), accepted=True
    )
    return _save(actor, report, "reopened", before, message=reason.strip())


@transaction.atomic
def rate_report(actor: Actor, report: Report, *, rating: int) -> Report:
    _require(report, (Status.ANSWERED, Status.CLOSED), _("rate"))
    if rating not in range(1, 6):
        raise WorkflowError(_("A rating is from 1 to 5."))
    before = _state(report)
    report.rating = rating
    return _save(actor, report, "rated", before, message=f"{rating}/5")


@transaction.atomic
def merge_duplicate(actor: Actor, report: Report, *, into: Report) -> Report:
    """Close `report` as a duplicate of `into`; its reporter follows `into` from now on."""
    if report.pk == into.pk:
        raise WorkflowError(_("A report cannot duplicate itself."))
    if not report.is_open or not into.is_open and into.status != Status.ANSWERED:
        raise WorkflowError(_("Only open reports can be merged."))
    if into.duplicate_of_id:
        into = into.duplicate_of
    before = _state(report)
    report.status, report.resolution, report.duplicate_of = (
        Status.CLOSED,
        Resolution.DUPLICATE,
        into,
    )
    report.closed_at = timezone.now()
    _save(
        actor,
        report,
        "merged",
        before,
        message=_("Same problem as %(code)s; followed there.") % {"code": into.code},
    )
    _event(
        into,
        actor,
        "duplicate_added",
        before=into.status,
        message=_("Another person reported the same problem (%(code)s).") % {"code": report.code},
    )
    return report


MAX_EXTENSION_DAYS = 30


@transaction.atomic
def request_extension(actor: Actor, report: Report, *, working_days: int, reason: str):
    """The handler asks for more time, with the reason; a supervisor decides."""
    from tinhso.feedback.models import ExtensionRequest, ExtensionStatus

    _require(report, (Status.ASSIGNED, Status.IN_PROGRESS), _("extend"))
    if not 1 <= working_days <= MAX_EXTENSION_DAYS:
        raise WorkflowError(_("Ask for 1 to %(max)s working days.") % {"max": MAX_EXTENSION_DAYS})
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the extension."))
    if report.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise WorkflowError(_("An extension request is already waiting for a decision."))
    request = ExtensionRequest.objects.create(
        report=report,
        working_days=working_days,
        reason=reason.strip(),
        requested_by_id=actor.user.pk if actor.user else None,
    )
    _event(
        report,
        actor,
        "extension_requested",
        before=report.status,
        public=False,
        message=_("%(days)s more working days asked: %(reason)s")
        % {"days": working_days, "reason": request.reason},
    )
    record(
        actor,
        "feedback.request_extension",
        request,
        after={"report": report.code, "working_days": working_days},
    )
    emit("report.extension_requested", actor=actor, report_id=report.pk)
    return request


@transaction.atomic
def decide_extension(actor: Actor, request, *, approve: bool):
    """Approve (the deadline moves by the working days asked) or reject."""
    from tinhso.feedback.calendar import WorkingCalendar
    from tinhso.feedback.models import ExtensionStatus

    if request.status != ExtensionStatus.PENDING:
        raise WorkflowError(_("This request has already been decided."))
    report = request.report
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by_id = actor.user.pk if actor.user else None
    request.decided_at = timezone.now()
    request.save()
    record(actor, "feedback.decide_extension", request, after={"status": request.status})
    if approve:
        before = _state(report)
        report.deadline = WorkingCalendar().add_working_days(
            report.deadline or timezone.now(), request.working_days
        )
        return _save(
            actor,
            report,
            "extended",
            before,
            message=_("Deadline extended by %(days)s working days: %(reason)s")
            % {"days": request.working_days, "reason": request.reason},
        )
    _event(
        report,
        actor,
        "extension_rejected",
        before=report.status,
        public=False,
        message=_("Extension rejected."),
    )
    return report


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
    _event(
        photo.report, actor, kind, before=photo.report.status, message=reason.strip(), public=False
    )
    record(actor, f"feedback.{kind}", photo, before=before, after={"hidden": hidden})
    emit(f"report.{kind}", actor=actor, report_id=photo.report_id)
    return photo


def _label(actor: Actor, report: Report, field: Field) -> None:
    LabelledExample.objects.create(
        report=report,
        text=report.text,
        field=field,
        proposed=report.field,
        labelled_by_id=actor.user.pk if actor.user else None,
    )


@transaction.atomic
def apply_processing(actor: Actor, report: Report, *, proposed: Field | None) -> Report:
    """What the background processing found: a proposed field (not confirmed), the
    agency its rule gives, and the deadline."""
    if report.status not in OPEN_STATUSES:
        return report
    before = _state(report)
    if report.field is None and proposed is not None:
        report.field = proposed
    if report.agency is None:
        report.agency = responsible_agency(report.field, report.commune)
    report.deadline = deadline_for(
        report.track, report.field.tier if report.field else None, report.received_at
    )
    old, new = changed(before, _state(report))
    if new:
        report.save()
        _event(
            report,
            actor,
            "processed",
            before=report.status,
            public=False,
            message=_("Proposed field: %(field)s; proposed agency: %(agency)s.")
            % {"field": report.field or "—", "agency": report.agency or "—"},
        )
        record(actor, "feedback.apply_processing", report, before=old, after=new)
    return report
