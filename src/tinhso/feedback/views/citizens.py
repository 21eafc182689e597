"""Citizens' pages: the report form, tracking, their own report, the public list and map."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.access import NotFound
from tinhso.core.actors import actor_from_request
from tinhso.core.throttle import rate_limited
from tinhso.feedback import access, actions, maps, photos, privacy
from tinhso.feedback.classify import proposer
from tinhso.feedback.forms import (
    RatingForm,
    ReasonForm,
    ReportForm,
)
from tinhso.feedback.models import Channel, Report, Status
from tinhso.feedback.views import narrowing
from tinhso.units import province as home_province
from tinhso.units.models import Province


def current_province() -> Province:
    return home_province.home_or_404()


def _too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    return render(request, "feedback/too_many.html", {"seconds": seconds}, status=429)


@rate_limited(_too_many, scope="report-form")
def report_new(request: HttpRequest) -> HttpResponse:
    province = current_province()
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        province=province,
        initial={"idempotency_key": secrets.token_urlsafe(16)},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checked = photos.check_all(data["photos"])
            draft = actions.ReportDraft(
                channel=Channel.WEB,
                text=data["text"],
                field=data["field"],
                track=data["track"],
                commune=data["commune"],
                lat=data["lat"],
                lon=data["lon"],
                place=data["place"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reporter_email=data["reporter_email"],
                show_name=data["show_name"],
                idempotency_key=data["idempotency_key"] or None,
                photos=checked,
            )
            report, _created = actions.submit_report(actor_from_request(request), draft)
        except (actions.WorkflowError, photos.PhotoError) as exc:
            error = exc.message
        else:
            if _wants_json(request):
                return _sent(request, report)
            return redirect("feedback_own", code=report.code, key=report.citizen_key)
    if request.method == "POST" and _wants_json(request):
        # The phone's queue (report-queue.js): a refusal it shows, never retries.
        reasons = [error] if error else [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"detail": " ".join(reasons)}, status=400)
    from tinhso.feedback.models import Field

    return render(
        request,
        "feedback/new.html",
        {
            "form": form,
            "error": error,
            "province": province,
            # For reports kept offline and sent later through the JSON API, which takes codes.
            "codes": {
                "fields": {str(pk): code for pk, code in Field.objects.values_list("pk", "code")},
                "communes": {
                    str(pk): code for pk, code in province.communes.values_list("pk", "code")
                },
            },
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    """The form posted by the report queue of the phone, which reads JSON, not a page."""
    return request.headers.get("Accept", "").startswith("application/json")


def _sent(request: HttpRequest, report: Report) -> JsonResponse:
    own = reverse("feedback_own", kwargs={"code": report.code, "key": report.citizen_key})
    return JsonResponse(
        {"code": report.code, "tracking_url": request.build_absolute_uri(own)}, status=201
    )


def propose(request: HttpRequest) -> HttpResponse:
    """The proposed fields for the text typed so far (htmx fragment)."""
    text = (request.GET.get("text") or "")[:4000]
    proposals = proposer().propose(text, k=3) if len(text) >= 8 else []
    return render(request, "feedback/_proposals.html", {"proposals": proposals})


def _public_context(report: Report, *, own: bool = False) -> dict:
    return {
        "report": report,
        "public_text": privacy.public_text(report),
        "public_answer": privacy.public_answer(report),
        "events": privacy.public_events(report),
        "reporters": 1 + report.duplicates.count(),
        # Photos are public once staff have accepted the report (like its listing); the
        # reporter sees theirs at once.
        "public_photos": report.photos.filter(hidden=False, by_agency=False)
        if own or report.status in access.PUBLIC_STATUSES
        else [],
        # What the answer carries: photos of the work done, and its documents.
        "answer_photos": report.photos.filter(hidden=False, by_agency=True)
        if report.answer
        else [],
        "answer_documents": report.documents.all() if report.answer else [],
        "public_place": privacy.public_place(report),
        "overdue": report.is_open and report.deadline and report.deadline < timezone.now(),
        # A merged report is followed on the first report of the same problem.
        "main": report.duplicate_of,
        "main_answer": privacy.public_answer(report.duplicate_of) if report.duplicate_of else "",
    }


def track(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("code") or "").strip()
    context: dict = {"code": code}
    if code:
        try:
            report = access.report_for_tracking(actor_from_request(request), code)
            context.update(_public_context(report))
        except NotFound as exc:
            context["error"] = exc.message
    # Not found is said on the page, with the form to try again, and in the status.
    return render(
        request, "feedback/track.html", context, status=404 if "error" in context else 200
    )


def _own(code: str, key: str) -> Report:
    try:
        return access.report_for_reporter(code, key)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def report_own(request: HttpRequest, code: str, key: str) -> HttpResponse:
    report = _own(code, key)
    context = _public_context(report, own=True)
    context.update(
        own=True,
        key=key,
        rating_form=RatingForm(),
        reopen_form=ReasonForm(),
        own_url=request.build_absolute_uri(),
    )
    return render(request, "feedback/track.html", context)


@require_POST
def report_rate(request: HttpRequest, code: str, key: str) -> HttpResponse:
    report = _own(code, key)
    form = RatingForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.WorkflowError(_("A rating is from 1 to 5."))
        actions.rate_report(actor_from_request(request), report, rating=form.cleaned_data["rating"])
        messages.success(request, _("Thank you for your rating."))
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect("feedback_own", code=code, key=key)


@require_POST
def report_reopen(request: HttpRequest, code: str, key: str) -> HttpResponse:
    report = _own(code, key)
    try:
        actions.reopen_report(
            actor_from_request(request), report, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The report is open again with the same agency."))
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect("feedback_own", code=code, key=key)


PUBLIC_STATES = {
    "open": (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS),
    "answered": (Status.ANSWERED, Status.CLOSED),
}


def _public_filtered(request: HttpRequest):
    """Public reports narrowed by the list's and the map's filters (field, state) and by
    the commune a figure was drilled from."""
    reports, commune, chips = narrowing.narrow(request, access.public_reports())
    field = request.GET.get("field") or ""
    state = request.GET.get("state") or ""
    if state in PUBLIC_STATES:
        reports = reports.filter(status__in=PUBLIC_STATES[state])
    return reports, field, state if state in PUBLIC_STATES else "", commune, chips


def public_list(request: HttpRequest) -> HttpResponse:
    """The public list and map of reports and their answers."""
    from tinhso.feedback.models import Field

    reports, field, state, commune, chips = _public_filtered(request)
    reports = reports.select_related("field", "commune", "agency")
    page = Paginator(reports.order_by("-received_at"), 30).get_page(request.GET.get("page"))
    for report in page:
        report.public_text = privacy.public_text(report)
    return render(
        request,
        "feedback/list.html",
        {
            "page": page,
            "field": field,
            "state": state,
            "commune": commune,
            # the field has its own select; the commune comes from a drill-down
            "chips": [c for c in chips if c.key == "commune"],
            "fields": Field.objects.filter(is_active=True, parent__isnull=True),
            "province": current_province(),
            "map_limit": MAP_LIMIT,
        },
    )


# The map shows at most this many reports (the newest); the answer says when it cut.
MAP_LIMIT = 2000
MAP_DAYS = 365


@rate_limited(_too_many, scope="map")
def public_map(request: HttpRequest) -> JsonResponse:
    """Public reports with a location, as GeoJSON for the map: the newest `MAP_LIMIT` of
    the last year. Only what the public page shows; positions rounded to about 10 m."""
    import datetime as dt

    reports = _public_filtered(request)[0]
    since = timezone.now() - dt.timedelta(days=MAP_DAYS)
    rows = list(
        reports.filter(lat__isnull=False, lon__isnull=False, received_at__gte=since)
        .order_by("-received_at", "-id")
        .values_list("code", "lat", "lon", "status", "field__name", "received_at", "is_demo")[
            : MAP_LIMIT + 1
        ]
    )
    track = reverse("feedback_track")
    features = [
        maps.feature(
            code=code,
            lat=round(lat, 4),
            lon=round(lon, 4),
            status=status,
            field=field_name,
            received=received,
            url=f"{track}?code={code}",
            demo=is_demo,
        )
        for code, lat, lon, status, field_name, received, is_demo in rows[:MAP_LIMIT]
    ]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "truncated": len(rows) > MAP_LIMIT,
            "limit": MAP_LIMIT,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """The public copy of a photo of a public report (no EXIF)."""
    from django.http import FileResponse

    from tinhso.feedback.models import ReportPhoto

    item = get_object_or_404(
        ReportPhoto, pk=photo_id, hidden=False, report__in=access.public_reports()
    )
    return FileResponse(item.public.open("rb"), content_type="image/jpeg")


def own_photo(request: HttpRequest, code: str, key: str, photo_id: int) -> HttpResponse:
    """The public copy (no EXIF) of a photo, for the reporter with the key of their link,
    before staff have checked the report."""
    from django.http import FileResponse

    report = _own(code, key)
    item = get_object_or_404(report.photos, pk=photo_id, hidden=False)
    return FileResponse(item.public.open("rb"), content_type="image/jpeg")


def pdf_download(item) -> HttpResponse:
    """A document as a download, never rendered in the page's origin."""
    from django.http import FileResponse

    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type="application/pdf"
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


def document(request: HttpRequest, document_id: int) -> HttpResponse:
    """A document sent with the answer to a public report."""
    from tinhso.feedback.models import AnswerDocument

    return pdf_download(
        get_object_or_404(AnswerDocument, pk=document_id, report__in=access.public_reports())
    )


def own_document(request: HttpRequest, code: str, key: str, document_id: int) -> HttpResponse:
    """A document of the answer, for the reporter with the key of their link."""
    return pdf_download(get_object_or_404(_own(code, key).documents, pk=document_id))
