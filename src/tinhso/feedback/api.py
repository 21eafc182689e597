"""JSON API of the feedback hub: intake (with Idempotency-Key), public tracking, fields,
proposals, and the signed inbound webhook for message gateways."""

import hashlib
import hmac
import json

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from tinhso.agencies.auth import reader
from tinhso.core.access import NotFound
from tinhso.core.actors import Actor, actor_from_request, client_ip
from tinhso.core.api import ErrorOut
from tinhso.feedback import access, actions, photos, privacy
from tinhso.feedback.classify import proposer
from tinhso.feedback.models import Channel, Field, InboundChannel, Report, Track
from tinhso.units import province as home_province
from tinhso.units.models import Commune

router = Router()
MAX_INBOUND_BYTES = 64 * 1024


class FieldOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None
    tier: str
    requires_contact: bool

    @staticmethod
    def resolve_parent(obj: Field) -> str | None:
        return obj.parent.code if obj.parent_id else None


class ReportIn(Schema):
    text: str = SchemaField(..., min_length=1, max_length=4000)
    field: str | None = SchemaField(None, description="Field code; proposed when omitted")
    track: Track = Track.ORDINARY
    commune: str | None = SchemaField(None, description="Commune code")
    lat: float | None = SchemaField(None, ge=-90, le=90)
    lon: float | None = SchemaField(None, ge=-180, le=180)
    place: str = SchemaField("", max_length=300)
    name: str = SchemaField("", max_length=150)
    phone: str = SchemaField("", max_length=40)
    email: str = SchemaField("", max_length=254)
    show_name: bool = False


class ReportOut(Schema):
    code: str
    status: str
    status_label: str
    field: str | None
    agency: str | None
    commune: str | None
    text: str
    answer: str
    answer_media: list[str] = SchemaField(
        default_factory=list,
        description="Photos (without EXIF) and PDF documents sent with the answer",
    )
    received_at: str
    deadline: str | None
    tracking_url: str


class ProposalIn(Schema):
    text: str = SchemaField(..., max_length=4000)


class ProposalOut(Schema):
    field: str
    name: str
    confidence: float


class InboundIn(Schema):
    message_id: str = SchemaField(..., min_length=1, max_length=200)
    text: str = SchemaField(..., min_length=1, max_length=4000)
    sender: str = SchemaField("", max_length=254, description="Phone number or email address")
    name: str = SchemaField("", max_length=150)
    commune: str | None = None
    lat: float | None = SchemaField(None, ge=-90, le=90)
    lon: float | None = SchemaField(None, ge=-180, le=180)


def _out(request: HttpRequest, report: Report, *, private: bool = False) -> dict:
    """The report as its tracker sees it; `private` for the reporter, whose link carries
    the key."""
    path = (
        f"/feedback/r/{report.code}/{report.citizen_key}/"
        if private
        else f"/feedback/track/?code={report.code}"
    )
    return {
        "code": report.code,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "field": report.field.code if report.field else None,
        "agency": report.agency.name if report.agency else None,
        "commune": report.commune.code if report.commune else None,
        "text": privacy.public_text(report),
        "answer": privacy.public_answer(report),
        "answer_media": [
            request.build_absolute_uri(u) for u in photos.answer_media(report, private)
        ],
        "received_at": report.received_at.isoformat(),
        "deadline": report.deadline.isoformat() if report.deadline else None,
        "tracking_url": request.build_absolute_uri(path),
    }


def _commune(code: str | None) -> Commune | None:
    if not code:
        return None
    commune = Commune.objects.filter(
        code=code.zfill(5), province__code=home_province.code()
    ).first()
    if commune is None:
        raise HttpError(
            422, _("No commune of this province has the code “%(code)s”.") % {"code": code}
        )
    return commune


def _field(code: str | None) -> Field | None:
    if not code:
        return None
    field = Field.objects.filter(code=code, is_active=True).first()
    if field is None:
        raise HttpError(422, _("Unknown field “%(code)s”.") % {"code": code})
    return field


@router.get("/fields", response=list[FieldOut], summary="Fields (lĩnh vực)")
def list_fields(request: HttpRequest):
    return Field.objects.filter(is_active=True).select_related("parent")


@router.post("/propose", response=list[ProposalOut], summary="Propose fields for a text")
def propose(request: HttpRequest, payload: ProposalIn):
    return [
        {"field": p.field.code, "name": p.field.name, "confidence": p.confidence}
        for p in proposer().propose(payload.text, k=3)
    ]


@router.post("/reports", response={200: ReportOut, 201: ReportOut}, summary="Submit a report")
def submit(request: HttpRequest, payload: ReportIn):
    """Stored and committed before the answer. Send an `Idempotency-Key` header: a retry
    with the same key answers 200 with the same report instead of creating another."""
    actor = actor_from_request(request)
    if payload.commune is None and payload.lat is None and not payload.place:
        raise HttpError(
            422, _("Say where it is: pick the commune, type an address, or use your location.")
        )
    try:
        draft = actions.ReportDraft(
            text=payload.text,
            channel=Channel.WEB,
            field=_field(payload.field),
            track=payload.track,
            commune=_commune(payload.commune),
            lat=payload.lat,
            lon=payload.lon,
            place=payload.place,
            reporter_name=payload.name,
            reporter_phone=payload.phone,
            reporter_email=payload.email,
            show_name=payload.show_name,
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        report, created = actions.submit_report(actor, draft)
    except actions.WorkflowError as exc:
        raise HttpError(422, exc.message) from exc
    return Status(201 if created else 200, _out(request, report, private=True))


@router.get("/reports/{code}", response=ReportOut, summary="Track a report")
def track(request: HttpRequest, code: str, key: str = ""):
    """A public report by its code; the reporter's own in any status with `key` (the
    private key of its tracking link, returned when it was sent); staff's with a token."""
    report = access.report_for_tracking(reader(request), code, key)
    return _out(request, report, private=bool(key))


@router.post(
    "/inbound/{channel}",
    response={200: ReportOut, 201: ReportOut, 413: ErrorOut},
    summary="Inbound message gateway (signed)",
)
def inbound(request: HttpRequest, channel: str):
    """For email, SMS and Zalo gateways. Sign the raw body with the channel's secret:
    header `X-Tinhso-Signature: sha256=<hex HMAC-SHA256>`. Idempotent by `message_id`."""
    gateway = InboundChannel.objects.filter(channel=channel, is_active=True).first()
    if gateway is None:
        raise NotFound(_("No active gateway for channel “%(channel)s”.") % {"channel": channel})
    body = request.body
    if len(body) > MAX_INBOUND_BYTES:
        raise HttpError(413, _("The message is too large."))
    signature = request.headers.get("X-Tinhso-Signature", "")
    expected = "sha256=" + hmac.new(gateway.secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, expected):
        raise HttpError(403, _("The signature does not match this gateway's secret."))
    try:
        payload = InboundIn(**json.loads(body))
    except (ValueError, TypeError) as exc:
        raise HttpError(422, _("The body must be JSON with message_id and text.")) from exc
    sender = payload.sender.strip()
    is_email = "@" in sender
    try:
        draft = actions.ReportDraft(
            text=payload.text,
            channel=channel,
            commune=_commune(payload.commune),
            lat=payload.lat,
            lon=payload.lon,
            reporter_name=payload.name,
            reporter_phone="" if is_email else sender,
            reporter_email=sender if is_email else "",
            external_id=payload.message_id,
        )
        gateway_actor = Actor(
            kind="system", ip=client_ip(request), label_override=f"gateway {channel}"
        )
        report, created = actions.submit_report(gateway_actor, draft)
    except actions.WorkflowError as exc:
        raise HttpError(422, exc.message) from exc
    return Status(201 if created else 200, _out(request, report, private=True))
