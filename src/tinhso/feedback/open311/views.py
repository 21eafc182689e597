"""The Open311 GeoReport v2 endpoints (the package's docstring says what they serve and
hide): discovery, services, requests, tokens and `servicerequestupdates`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tinhso.agencies.auth import actor_for_token
from tinhso.core.actors import client_ip
from tinhso.feedback import access, actions, photos
from tinhso.feedback.models import Channel, Field, Report, ReportEvent, Resolution, Status, Track
from tinhso.feedback.open311.formats import Open311Error, endpoint, render, timestamp
from tinhso.feedback.privacy import mask_personal_data, public_place, public_text

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000
MAX_WINDOW = dt.timedelta(days=90)
CHANGESET = "2026-11-22T00:00:00+07:00"
EXTENDED_STATUS = {
    Status.RECEIVED: "OPEN",
    Status.ACCEPTED: "OPEN",
    Status.ASSIGNED: "ACTION_SCHEDULED",
    Status.IN_PROGRESS: "IN_PROGRESS",
    Status.ANSWERED: "CLOSED",
    Status.REFUSED: "CLOSED",
}
CLOSED_STATUS = {
    Resolution.FIXED: "FIXED",
    Resolution.NOT_FIXED: "NO_FURTHER_ACTION",
    Resolution.DUPLICATE: "DUPLICATE",
}


# --- data -------------------------------------------------------------------------------


def _service(field: Field) -> dict[str, Any]:
    return {
        "service_code": field.code,
        "service_name": field.name,
        "description": field.description or field.name_en,
        "metadata": True,
        "type": "realtime",
        "keywords": field.keywords,
        "group": field.parent.name if field.parent_id else field.name,
    }


def _status(report: Report) -> str:
    return "open" if report.is_open else "closed"


def _media_url(request: HttpRequest, report: Report) -> str | None:
    """The first public photo (the copy stripped of EXIF), as FixMyStreet's clients show it;
    the photos come prefetched (`_with_photos`)."""
    shown = [p for p in report.photos.all() if not p.hidden]
    if not shown:
        return None
    return request.build_absolute_uri(reverse("feedback_photo", args=[shown[0].pk]))


def _with_photos(reports: QuerySet[Report]) -> QuerySet[Report]:
    return reports.prefetch_related("photos")


def _request(request: HttpRequest, report: Report) -> dict[str, Any]:
    notes = report.answer or report.refusal_reason
    return {
        "service_request_id": report.code,
        "status": _status(report),
        "status_notes": mask_personal_data(notes, [report.reporter_name]) if notes else None,
        "service_name": report.field.name if report.field else None,
        "service_code": report.field.code if report.field else None,
        "description": public_text(report),
        "agency_responsible": report.agency.name if report.agency else None,
        "service_notice": None,
        "requested_datetime": timestamp(report.received_at),
        "updated_datetime": timestamp(report.closed_at or report.updated_at),
        "expected_datetime": timestamp(report.deadline),
        "address": public_place(report) or (report.commune.name if report.commune else None),
        "address_id": report.commune.code if report.commune else None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": _media_url(request, report),
    }


def _fields() -> QuerySet[Field]:
    return Field.objects.filter(is_active=True).select_related("parent")


def _field(code: str) -> Field:
    field = _fields().filter(code=code).first()
    if field is None:
        raise Open311Error(404, _("Unknown service_code “%(code)s”.") % {"code": code})
    return field


def _date(request: HttpRequest, name: str) -> dt.datetime | None:
    raw = request.GET.get(name) or ""
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None:
        raise Open311Error(
            400,
            _("%(name)s is not a W3C date and time, e.g. 2026-01-01T00:00:00Z.") % {"name": name},
        )
    return value if timezone.is_aware(value) else timezone.make_aware(value)


# --- views ------------------------------------------------------------------------------


@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": _("Provincial citizen feedback centre, via this site"),
            "key_service": _(
                "API keys are API tokens issued by the province (tinhso token create)."
            ),
            "endpoints": [
                {
                    "specification": SPEC,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@endpoint
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", [_service(f) for f in _fields()])


@endpoint
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    field = _field(code)
    return render(
        fmt,
        "service_definition",
        {
            "service_code": field.code,
            "attributes": [
                {
                    "variable": True,
                    "code": "track",
                    "datatype": "singlevaluelist",
                    "required": False,
                    "datatype_description": _(
                        "Choose the statutory track for a formal complaint or a denunciation."
                    ),
                    "order": 1,
                    "description": _("Kind of submission"),
                    "values": [
                        {"key": value, "name": str(label)} for value, label in Track.choices
                    ],
                }
            ],
        },
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
@endpoint
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return render(fmt, "service_requests", [_request(request, r) for r in _search(request)])


def _search(request: HttpRequest) -> QuerySet[Report]:
    reports = _with_photos(access.public_reports()).select_related("field", "agency", "commune")
    ids = [i.strip() for i in (request.GET.get("service_request_id") or "").split(",") if i.strip()]
    if ids:  # overrides every other parameter
        return reports.filter(code__in=ids)[:MAX_RESULTS]
    codes = [c.strip() for c in (request.GET.get("service_code") or "").split(",") if c.strip()]
    if codes:
        reports = reports.filter(field__code__in=codes)
    start, end = _date(request, "start_date"), _date(request, "end_date")
    if start and end and end - start > MAX_WINDOW:
        raise Open311Error(400, _("start_date and end_date may be at most 90 days apart."))
    if start is None:
        start = (end or timezone.now()) - MAX_WINDOW
    reports = reports.filter(received_at__gte=start)
    if end:
        reports = reports.filter(received_at__lte=end)
    statuses = {s.strip() for s in (request.GET.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open or closed."))
    if statuses == {"open"}:
        reports = reports.filter(status__in=[Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS])
    elif statuses == {"closed"}:
        reports = reports.filter(status__in=[Status.ANSWERED, Status.CLOSED])
    return reports.order_by("-received_at")[:MAX_RESULTS]


def _actor_for_key(request: HttpRequest):
    raw = request.POST.get("api_key") or ""
    actor = actor_for_token(raw, client_ip(request)) if raw else None
    if actor is None:
        raise Open311Error(403, _("A valid api_key is required."))
    return actor


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = _actor_for_key(request)
    data = request.POST
    code = data.get("service_code") or ""
    if not code:
        raise Open311Error(400, _("service_code is required."))
    field = _field(code)
    lat, lon = data.get("lat") or "", data.get("long") or ""
    address = (data.get("address_string") or "").strip()
    address_id = (data.get("address_id") or "").strip()
    if not ((lat and lon) or address or address_id):
        raise Open311Error(
            400, _("A location is required: lat and long, address_string or address_id.")
        )
    try:
        lat_f = float(lat) if lat else None
        lon_f = float(lon) if lon else None
    except ValueError as exc:
        raise Open311Error(400, _("lat and long must be numbers (WGS84).")) from exc
    if lat_f is not None and not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise Open311Error(400, _("lat and long are outside the world."))
    from tinhso.units.models import Commune

    commune = Commune.objects.filter(code=address_id).first() if address_id else None
    if address_id and commune is None:
        raise Open311Error(400, _("address_id must be a commune code."))
    track = data.get("attribute[track]") or Track.ORDINARY
    if track not in Track.values:
        raise Open311Error(
            400,
            _("attribute[track] must be one of: %(values)s.") % {"values": ", ".join(Track.values)},
        )
    name = " ".join(p for p in (data.get("last_name", ""), data.get("first_name", "")) if p)
    description = (data.get("description") or "").strip()
    try:
        draft = actions.ReportDraft(
            text=description,
            channel=Channel.OPEN311,
            field=field,
            track=track,
            commune=commune,
            lat=lat_f,
            lon=lon_f,
            place=address,
            reporter_name=name,
            reporter_phone=data.get("phone", ""),
            reporter_email=data.get("email", ""),
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
        report, _created = actions.submit_report(actor, draft)
    except actions.WorkflowError as exc:
        raise Open311Error(400, exc.message) from exc
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": report.code,
                "service_notice": _("Received. Follow it at %(url)s")
                % {
                    "url": request.build_absolute_uri(
                        f"/feedback/r/{report.code}/{report.citizen_key}/"
                    )
                },
                "account_id": data.get("account_id") or None,
            }
        ],
    )


@endpoint
def request_detail(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    report = (
        _with_photos(access.public_reports())
        .select_related("field", "agency", "commune")
        .filter(code=access.normal_code(code))
        .first()
    )
    if report is None:
        raise Open311Error(404, _("No service request “%(code)s”.") % {"code": code})
    return render(fmt, "service_requests", [_request(request, report)])


@endpoint
def token_lookup(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    # Requests get their id at once, so a token is the id itself.
    if not access.public_reports().filter(code=token).exists():
        raise Open311Error(404, _("Unknown token."))
    return render(fmt, "service_requests", [{"service_request_id": token, "token": token}])


def _update(request: HttpRequest, event: ReportEvent) -> dict[str, Any]:
    report = event.report
    media = photos.answer_media(report) if event.kind == "answered" else []
    if event.kind == "closed":
        status = CLOSED_STATUS.get(report.resolution, "CLOSED")
    elif event.kind == "transferred":
        status = "INTERNAL_REFERRAL"
    elif event.kind == "reopened":
        status = "REOPEN"
    else:
        status = EXTENDED_STATUS.get(event.to_status, "OPEN")
    return {
        "update_id": event.pk,
        "service_request_id": report.code,
        "status": status,
        "updated_datetime": timestamp(event.at),
        "description": mask_personal_data(event.message, [report.reporter_name]),
        # The answer's first photo or document, as media_url is for the request's photo.
        "media_url": request.build_absolute_uri(media[0]) if media else None,
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
@endpoint
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_update(request, fmt)
    start, end = _date(request, "start_date"), _date(request, "end_date")
    if start and end and end - start > MAX_WINDOW:
        raise Open311Error(400, _("start_date and end_date may be at most 90 days apart."))
    events = (
        ReportEvent.objects.filter(public=True, report__in=access.public_reports())
        .select_related("report")
        .exclude(kind="received")
    )
    code = access.normal_code(request.GET.get("service_request_id") or "")
    if code:
        events = events.filter(report__code=code)
    events = events.filter(at__gte=start or (end or timezone.now()) - MAX_WINDOW)
    if end:
        events = events.filter(at__lte=end)
    return render(
        fmt,
        "service_requests_updates",
        [_update(request, e) for e in events.order_by("at")[:MAX_RESULTS]],
    )


def _post_update(request: HttpRequest, fmt: str) -> HttpResponse:
    """A citizen's update through a partner app, as FixMyStreet's clients send it: REOPEN
    (not fixed) or a comment (OPEN), with a description. Only the reporter may: the same
    API client or account that sent the request, or anyone holding the reporter's key
    (`reporter_key`, from the link given when it was sent)."""
    actor = _actor_for_key(request)
    code = access.normal_code(request.POST.get("service_request_id") or "")
    report = Report.objects.filter(code=code).first()
    if report is None:
        raise Open311Error(404, _("No service request “%(code)s”.") % {"code": code})
    if not access.is_reporter(actor, report, request.POST.get("reporter_key") or ""):
        if not access.public_reports().filter(pk=report.pk).exists():
            # A report the caller may not see is not found, as if it did not exist.
            raise Open311Error(404, _("No service request “%(code)s”.") % {"code": code})
        raise Open311Error(
            403, _("Only the client or account that sent this request can update it.")
        )
    status = (request.POST.get("status") or "").upper()
    description = request.POST.get("description") or ""
    try:
        if status == "REOPEN":
            actions.reopen_report(actor, report, reason=description)
        elif status == "OPEN":
            actions.comment_report(actor, report, comment=description)
        else:
            raise Open311Error(
                400,
                _(
                    "Only status REOPEN or OPEN (a comment) is accepted from outside; staff "
                    "update reports in the platform."
                ),
            )
    except actions.WorkflowError as exc:
        raise Open311Error(400, exc.message) from exc
    event = report.events.order_by("-id").first()
    return render(fmt, "service_requests_updates", [_update(request, event)])
