"""Intake: a citizen's report stored durably, whatever the door it came through.

Every entry point — the web form, the JSON API, Open311, the messaging gateways, the
hotline, the demo and imports — builds a `ReportDraft` and hands it to `submit_report`;
the checks and the storing live here once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.actions import changed, record
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.feedback.actions.common import WorkflowError, event, state
from tinhso.feedback.actions.merging import merge_duplicate
from tinhso.feedback.actions.workflow import accept_report
from tinhso.feedback.calendar import deadline_for
from tinhso.feedback.models import OPEN_STATUSES, Channel, Field, Report, Track
from tinhso.feedback.photos import CheckedPhoto
from tinhso.feedback.routing import responsible_agency
from tinhso.units.models import Commune

MAX_TEXT = 4000


@dataclass(frozen=True, kw_only=True)
class ReportDraft:
    """What a person reported, before it is a report: built at each entry point from its
    own input (form, API payload, Open311 fields, gateway message, the operator's call).
    Lengths are cut to the columns' sizes when stored; `submit_report` checks the rest."""

    text: str
    channel: str
    field: Field | None = None
    field_confirmed: bool = False  # set by staff who chose the field themselves
    track: str = Track.ORDINARY
    commune: Commune | None = None
    lat: float | None = None
    lon: float | None = None
    place: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    show_name: bool = False
    idempotency_key: str | None = None  # a client's retry key, scoped by channel and token
    external_id: str | None = None  # a gateway's message id
    is_demo: bool = False
    received_at: dt.datetime | None = None  # demo history and imports keep their dates
    photos: Sequence[CheckedPhoto] = ()

    def checked(self) -> ReportDraft:
        """The draft with its text trimmed, or WorkflowError saying what to fix."""
        text = (self.text or "").strip()
        if not text:
            raise WorkflowError(_("Please describe what happened."))
        if len(text) > MAX_TEXT:
            raise WorkflowError(
                _("The description is too long (%(n)s characters; at most %(max)s).")
                % {"n": len(text), "max": MAX_TEXT}
            )
        field = self.field
        if (
            field is not None
            and field.requires_contact
            and not (self.reporter_phone or self.reporter_email)
        ):
            raise WorkflowError(
                _(
                    "Reports about “%(field)s” need a phone number or an email so the agency "
                    "can contact you."
                )
                % {"field": field.name}
            )
        if self.channel not in Channel.values:
            raise WorkflowError(_("Unknown channel."))
        return dataclasses.replace(self, text=text)


def submit_report(actor: Actor, draft: ReportDraft) -> tuple[Report, bool]:
    """Store a report durably and queue its processing. Returns (report, created); a
    repeated `idempotency_key` (or gateway message id) returns the first report.

    The report and its processing task are committed in one transaction: once this
    returns, the report exists, and classification, routing and notification failures
    cannot lose it."""
    draft = draft.checked()
    key = draft.idempotency_key
    # Keys are scoped by channel (and token) so two clients cannot collide.
    if key:
        key = f"{draft.channel}:{actor.token_id or ''}:{key}"[:100]
    commune = draft.commune
    if commune is None and draft.lat is not None and draft.lon is not None:
        commune = _commune_at(draft.lat, draft.lon)
    draft = dataclasses.replace(draft, idempotency_key=key, commune=commune)
    # No look-up first: a repeated key is rare, and the unique constraints catch it.
    try:
        report = _store(actor, draft)
    except IntegrityError:
        # The key (or the gateway's message id) was seen before, perhaps by a concurrent
        # retry: answer with the first report.
        existing = _existing(draft)
        if existing is None:
            raise
        return existing, False
    emit("report.received", actor=actor, report_id=report.pk)
    return report, True


@transaction.atomic
def take_call(actor: Actor, draft: ReportDraft, *, duplicate_of: Report | None = None) -> Report:
    """The hotline: store what the caller said, then either merge it into the report it
    repeats, or — when a rule gives the agency — accept it with the operator's field."""
    report, _created = submit_report(actor, draft)
    if duplicate_of is not None:
        return merge_duplicate(actor, report, into=duplicate_of)
    if draft.field is not None and responsible_agency(draft.field, report.commune) is not None:
        report = accept_report(actor, report, field=draft.field)
    return report


def _store(actor: Actor, draft: ReportDraft) -> Report:
    from tinhso.feedback.photos import store
    from tinhso.feedback.tasks import process_report

    field = draft.field
    with transaction.atomic():
        report = Report.objects.create(
            text=draft.text,
            channel=draft.channel,
            field=field,
            field_confirmed=draft.field_confirmed and bool(field),
            track=draft.track,
            commune=draft.commune,
            lat=draft.lat,
            lon=draft.lon,
            place=draft.place[:300],
            reporter_name=draft.reporter_name[:150],
            reporter_phone=draft.reporter_phone[:40],
            reporter_email=draft.reporter_email,
            show_name=draft.show_name and bool(draft.reporter_name),
            idempotency_key=draft.idempotency_key,
            external_id=draft.external_id,
            is_demo=draft.is_demo,
            source_token_id=actor.token_id,
        )
        received_at = draft.received_at
        year = (received_at or report.received_at).astimezone(timezone.get_current_timezone()).year
        report.code = f"PA-{year}-{report.pk:06d}"
        updates = ["code"]
        if received_at is not None:
            report.received_at = received_at
            updates.append("received_at")
        report.deadline = deadline_for(
            report.track, field.tier if field else None, report.received_at
        )
        updates.append("deadline")
        report.save(update_fields=updates)
        event(
            report,
            actor,
            "received",
            before="",
            message=_("Received through %(channel)s.") % {"channel": report.get_channel_display()},
        )
        record(actor, "feedback.submit_report", report, after=state(report) | {"code": report.code})
        if draft.photos:
            store(report, list(draft.photos))
        process_report.enqueue(report.pk)
    return report


def _existing(draft: ReportDraft) -> Report | None:
    if draft.idempotency_key:
        found = Report.objects.filter(idempotency_key=draft.idempotency_key).first()
        if found:
            return found
    if draft.external_id:
        return Report.objects.filter(channel=draft.channel, external_id=draft.external_id).first()
    return None


def _commune_at(lat: float, lon: float) -> Commune | None:
    from tinhso.units import province as home_province
    from tinhso.units.geo import locator

    province = home_province.home()
    cell = locator(province).locate(lat, lon) if province else None
    return Commune.objects.filter(pk=cell.commune_id).first() if cell else None


@transaction.atomic
def apply_processing(actor: Actor, report: Report, *, proposed: Field | None) -> Report:
    """What the background processing found: a proposed field (not confirmed), the
    agency its rule gives, and the deadline."""
    if report.status not in OPEN_STATUSES:
        return report
    before = state(report)
    if report.field is None and proposed is not None:
        report.field = proposed
    if report.agency is None:
        report.agency = responsible_agency(report.field, report.commune)
    report.deadline = deadline_for(
        report.track, report.field.tier if report.field else None, report.received_at
    )
    old, new = changed(before, state(report))
    if new:
        report.save()
        event(
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
