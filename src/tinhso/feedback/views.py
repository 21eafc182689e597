"""Pages: the citizen form, tracking, the public list; the staff queue and report page."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.agencies.models import Agency
from tinhso.core.access import NotFound
from tinhso.core.actors import actor_from_request
from tinhso.core.throttle import rate_limited
from tinhso.feedback import access, actions, photos
from tinhso.feedback.classify import proposer
from tinhso.feedback.forms import (
    AcceptForm,
    AnswerForm,
    CloseForm,
    HotlineForm,
    RatingForm,
    ReasonForm,
    ReportForm,
)
from tinhso.feedback.models import Channel, Report, Status
from tinhso.feedback.privacy import mask_personal_data
from tinhso.units.models import Province

DUE_SOON = dt.timedelta(days=1)


def _province() -> Province:
    return get_object_or_404(Province, code=settings.TINHSO_PROVINCE)


def _too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    return render(request, "feedback/too_many.html", {"seconds": seconds}, status=429)


# --- citizens ---------------------------------------------------------------------------


@rate_limited(_too_many, scope="report-form")
def report_new(request: HttpRequest) -> HttpResponse:
    province = _province()
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
            report, _created = actions.submit_report(
                actor_from_request(request),
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
        except (actions.WorkflowError, photos.PhotoError) as exc:
            error = exc.message
        else:
            return redirect("feedback_own", code=report.code, key=report.citizen_key)
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


def propose(request: HttpRequest) -> HttpResponse:
    """The proposed fields for the text typed so far (htmx fragment)."""
    text = (request.GET.get("text") or "")[:4000]
    proposals = proposer().propose(text, k=3) if len(text) >= 8 else []
    return render(request, "feedback/_proposals.html", {"proposals": proposals})


def _public_context(report: Report) -> dict:
    return {
        "report": report,
        "public_text": mask_personal_data(report.text),
        "public_answer": mask_personal_data(report.answer) if report.answer else "",
        "events": report.events.filter(public=True),
        "reporters": 1 + report.duplicates.count(),
        # Photos only once staff have accepted the report (like its listing).
        "public_photos": report.photos.filter(hidden=False)
        if report.status in access.PUBLIC_STATUSES
        else [],
        "overdue": report.is_open and report.deadline and report.deadline < timezone.now(),
    }


def track(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("code") or "").strip()
    context: dict = {"code": code}
    if code:
        try:
            context.update(_public_context(access.report_for_tracking(code)))
        except NotFound as exc:
            context["error"] = exc.message
    return render(request, "feedback/track.html", context)


def _own(code: str, key: str) -> Report:
    report = access.report_for_tracking(code)
    if not secrets.compare_digest(report.citizen_key, key):
        raise Http404
    return report


def report_own(request: HttpRequest, code: str, key: str) -> HttpResponse:
    try:
        report = _own(code, key)
    except NotFound as exc:
        raise Http404 from exc
    context = _public_context(report)
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


def public_list(request: HttpRequest) -> HttpResponse:
    reports = access.public_reports().select_related("field", "commune", "agency")
    field = request.GET.get("field") or ""
    if field:
        reports = reports.filter(field__code=field)
    page = Paginator(reports.order_by("-received_at"), 30).get_page(request.GET.get("page"))
    for report in page:
        report.public_text = mask_personal_data(report.text)
    return render(request, "feedback/list.html", {"page": page, "field": field})


# --- staff ------------------------------------------------------------------------------


def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    reports = access.reports_for_staff(actor)
    scope = request.GET.get("scope") or ("agency" if actor.has_role("handler") else "all")
    state = request.GET.get("state") or "open"
    now = timezone.now()
    if scope == "mine":
        reports = reports.filter(assignee=actor.user)
    elif scope == "agency" and actor.user.agency_id:
        reports = reports.filter(agency_id=actor.user.agency_id)
    order = ("open_deadline", "id")  # open reports, from the queue's index
    if state == "received":
        reports = reports.filter(status=Status.RECEIVED)
        order = ("deadline", "id")
    elif state == "overdue":
        reports = reports.filter(open_deadline__lt=now)
    elif state == "due_soon":
        reports = reports.filter(open_deadline__gte=now, open_deadline__lt=now + DUE_SOON)
    elif state == "answered":
        reports = reports.filter(status=Status.ANSWERED)
        order = ("deadline", "id")
    elif state == "extensions":
        reports = reports.filter(extensions__status="pending").distinct()
        order = ("deadline", "id")
    else:
        state = "open"
        reports = reports.filter(open_deadline__isnull=False)
    page = Paginator(reports.order_by(*order), 50).get_page(request.GET.get("page"))
    visible = access.reports_for_staff(actor)
    counts = visible.filter(open_deadline__isnull=False).aggregate(
        open=_count(), overdue=_count(Q(open_deadline__lt=now))
    )
    counts["received"] = visible.filter(status=Status.RECEIVED).count()
    return render(
        request,
        "feedback/queue.html",
        {
            "page": page,
            "scope": scope,
            "state": state,
            "now": now,
            "counts": counts,
            "due_soon": now + DUE_SOON,
        },
    )


def _count(condition: Q | None = None):
    from django.db.models import Count

    return Count("id", filter=condition) if condition is not None else Count("id")


def staff_report(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        report = access.report_for_staff(actor, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "feedback/staff_report.html",
        {
            "report": report,
            "events": report.events.select_related("agency"),
            "can_triage": access.can_triage(actor),
            "can_handle": access.can_handle(actor, report),
            "accept_form": AcceptForm(initial={"field": report.field_id}),
            "answer_form": AnswerForm(),
            "close_form": CloseForm(),
            "agencies": Agency.objects.filter(is_active=True).order_by("kind", "name"),
            "now": timezone.now(),
        },
    )


@require_POST
def staff_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        report = access.report_for_staff(actor, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    post = request.POST
    try:
        if action in {"accept", "refuse", "field", "hide_photo", "show_photo"}:
            access.require_triage(actor)
        elif action in {"approve_extension", "reject_extension"}:
            access.require_supervisor(actor)
        else:
            access.require_handler(actor, report)
        if action == "accept":
            form = AcceptForm(post)
            if not form.is_valid():
                raise actions.WorkflowError(_("Choose the field."))
            actions.accept_report(actor, report, field=form.cleaned_data["field"])
        elif action == "field":
            form = AcceptForm(post)
            if not form.is_valid():
                raise actions.WorkflowError(_("Choose the field."))
            actions.change_field(actor, report, field=form.cleaned_data["field"])
        elif action == "refuse":
            actions.refuse_report(actor, report, reason=post.get("reason", ""))
        elif action == "start":
            actions.start_report(actor, report)
        elif action == "answer":
            actions.answer_report(actor, report, answer=post.get("answer", ""))
        elif action == "transfer":
            agency = Agency.objects.filter(pk=post.get("agency") or 0, is_active=True).first()
            if agency is None:
                raise actions.WorkflowError(_("Choose the agency to transfer to."))
            actions.transfer_report(actor, report, agency=agency, reason=post.get("reason", ""))
        elif action == "extend":
            try:
                days = int(post.get("working_days") or 0)
            except ValueError:
                days = 0
            actions.request_extension(
                actor, report, working_days=days, reason=post.get("reason", "")
            )
        elif action in {"approve_extension", "reject_extension"}:
            pending = report.extensions.filter(status="pending").first()
            if pending is None:
                raise actions.WorkflowError(_("No extension request is waiting."))
            actions.decide_extension(actor, pending, approve=action == "approve_extension")
        elif action in {"hide_photo", "show_photo"}:
            photo = report.photos.filter(pk=post.get("photo") or 0).first()
            if photo is None:
                raise actions.WorkflowError(_("Choose the photo."))
            actions.hide_photo(
                actor, photo, reason=post.get("reason", ""), hidden=action == "hide_photo"
            )
        elif action == "close":
            actions.close_report(
                actor, report, resolution=post.get("resolution", ""), reason=post.get("reason", "")
            )
        else:
            raise Http404
        messages.success(request, _("Done."))
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect("feedback_staff_report", code=code)


# --- the hotline operator's screen ----------------------------------------------------


def hotline(request: HttpRequest) -> HttpResponse:
    """Type a call in; the assist panel proposes field, commune, agency and duplicates as
    the text is typed; one confirmation creates the report and sends it on."""
    actor = actor_from_request(request)
    access.require_operator(actor)
    province = _province()
    form = HotlineForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = _create_from_call(actor, data)
        except actions.WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Report %(code)s created: %(status)s.")
                % {"code": report.code, "status": report.get_status_display()},
            )
            return redirect("feedback_hotline")
    return render(request, "feedback/hotline.html", {"form": form, "province": province})


def _create_from_call(actor, data) -> Report:
    from django.db import transaction

    with transaction.atomic():
        report, _created = actions.submit_report(
            actor,
            channel=Channel.HOTLINE,
            text=data["text"],
            field=data["field"],
            field_confirmed=True,
            track=data["track"],
            commune=data["commune"],
            place=data["place"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            reporter_email=data["reporter_email"],
        )
        into = (
            Report.objects.filter(code=data["duplicate_of"]).first()
            if data["duplicate_of"]
            else None
        )
        if into is not None:
            return actions.merge_duplicate(actor, report, into=into)
        from tinhso.feedback.routing import responsible_agency

        if responsible_agency(data["field"], data["commune"]) is not None:
            report = actions.accept_report(actor, report, field=data["field"])
    return report


def hotline_assist(request: HttpRequest) -> HttpResponse:
    """The operator's assist panel (htmx): proposals for what has been typed so far."""
    from tinhso.feedback import duplicates
    from tinhso.feedback.models import Field
    from tinhso.feedback.routing import responsible_agency
    from tinhso.units.models import Commune

    actor = actor_from_request(request)
    access.require_operator(actor)
    text = (request.GET.get("text") or "")[:4000]
    proposals = proposer().propose(text, k=3) if len(text) >= 8 else []
    chosen = Field.objects.filter(pk=request.GET.get("field") or 0).first()
    field = chosen or (proposals[0].field if proposals else None)
    commune = Commune.objects.filter(pk=request.GET.get("commune") or 0).first()
    guessed = None
    if commune is None and len(text) >= 8:
        guessed = commune = duplicates.guess_commune(text, settings.TINHSO_PROVINCE)
    return render(
        request,
        "feedback/_assist.html",
        {
            "proposals": proposals,
            "field": field,
            "commune": commune,
            "guessed": guessed,
            "agency": responsible_agency(field, commune),
            "duplicates": duplicates.find(text, field=field, commune=commune) if field else [],
        },
    )


def message_log(request: HttpRequest) -> HttpResponse:
    """Every notification and its delivery state (in the demo, email goes to the console
    and appears here)."""
    from tinhso.feedback.models import Message

    access.require_supervision(actor_from_request(request))
    messages_ = Message.objects.select_related("report").prefetch_related("attempt_log")
    page = Paginator(messages_, 50).get_page(request.GET.get("page"))
    return render(request, "feedback/messages.html", {"page": page})


def scorecards(request: HttpRequest) -> HttpResponse:
    """Per agency, commune or field, over a period; CSV and XLSX exports."""
    from tinhso.core.exports import csv_response, xlsx_response
    from tinhso.feedback.scorecards import GROUPS, scorecard

    access.require_supervision(actor_from_request(request))
    by = request.GET.get("by") if request.GET.get("by") in GROUPS else "agency"
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from") or "")
    except ValueError:
        start = today - dt.timedelta(days=90)
    try:
        end = dt.date.fromisoformat(request.GET.get("to") or "")
    except ValueError:
        end = today
    if start > end:
        start, end = end, start
    rows = scorecard(by, start, end)
    header = [
        str(_("Agency") if by == "agency" else _("Commune") if by == "commune" else _("Field")),
        str(_("Received")),
        str(_("Answered")),
        str(_("On time %")),
        str(_("Overdue")),
        str(_("Average handling (days)")),
        str(_("Satisfaction (1–5)")),
        str(_("Ratings")),
    ]
    table = [
        [r.name, r.received, r.answered, r.on_time_pct, r.overdue, r.avg_days, r.rating, r.ratings]
        for r in rows
    ]
    fmt = request.GET.get("format")
    name = f"scorecard-{by}-{start}-{end}"
    if fmt == "csv":
        return csv_response(name, header, table)
    if fmt == "xlsx":
        return xlsx_response(name, str(_("Scorecard")), header, table)
    return render(
        request,
        "feedback/scorecards.html",
        {
            "rows": rows,
            "by": by,
            "start": start,
            "end": end,
            "header": header,
            "max_received": max((r.received for r in rows), default=1),
        },
    )


def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """The public copy of a photo of a public report (no EXIF)."""
    from django.http import FileResponse

    from tinhso.feedback.models import ReportPhoto

    item = get_object_or_404(
        ReportPhoto, pk=photo_id, hidden=False, report__in=access.public_reports()
    )
    return FileResponse(item.public.open("rb"), content_type="image/jpeg")


def staff_photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """The original, for the staff who may see the report."""
    from django.http import FileResponse

    from tinhso.feedback.models import ReportPhoto

    actor = actor_from_request(request)
    item = get_object_or_404(ReportPhoto, pk=photo_id, report__in=access.reports_for_staff(actor))
    return FileResponse(item.original.open("rb"), content_type=_image_type(item.original.name))


def _image_type(name: str) -> str:
    kinds = {"png": "image/png", "webp": "image/webp"}
    return kinds.get(name.rsplit(".", 1)[-1].lower(), "image/jpeg")
