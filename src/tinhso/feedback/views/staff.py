"""Staff pages: the queue, a report and its actions, the message log, scorecards."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.agencies.models import Agency
from tinhso.core.access import NotFound
from tinhso.core.actors import actor_from_request
from tinhso.feedback import access, actions, duplicates, maps
from tinhso.feedback.forms import (
    AcceptForm,
    AnswerForm,
    CloseForm,
)
from tinhso.feedback.models import Report, Status
from tinhso.units import province as home_province

DUE_SOON = dt.timedelta(days=1)


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
        reports = reports.overdue(now)
    elif state == "due_soon":
        reports = reports.open().filter(open_deadline__gte=now, open_deadline__lt=now + DUE_SOON)
    elif state == "answered":
        reports = reports.filter(status=Status.ANSWERED)
        order = ("deadline", "id")
    elif state == "extensions":
        reports = reports.filter(extensions__status="pending").distinct()
        order = ("deadline", "id")
    else:
        state = "open"
        reports = reports.open()
    page = Paginator(reports.order_by(*order), 50).get_page(request.GET.get("page"))
    visible = access.reports_for_staff(actor)
    counts = visible.open().aggregate(open=_count(), overdue=_count(Q(open_deadline__lt=now)))
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
    candidates = (
        duplicates.find(
            report.text,
            field=report.field,
            lat=report.lat,
            lon=report.lon,
            commune=report.commune,
            exclude=report.pk,
        )
        if report.is_open and report.duplicate_of_id is None
        else []
    )
    return render(
        request,
        "feedback/staff_report.html",
        {
            "report": report,
            "candidates": candidates,
            "merged_here": report.duplicates.order_by("received_at"),
            "map_points": _map_points(report, candidates),
            "province_code": home_province.code(),
            "pending_extension": report.extensions.filter(status="pending").first(),
            "is_supervisor": actor.has_role("supervisor"),
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


def _map_points(report: Report, candidates) -> dict | None:
    """The report and its possible duplicates, as GeoJSON for the page's map."""
    located = [(report, True)] + [(c.report, False) for c in candidates]
    features = [
        maps.feature(
            code=r.code,
            lat=r.lat,
            lon=r.lon,
            status=r.status,
            field=r.field.name if r.field else "",
            received=r.received_at,
            url=reverse("feedback_staff_report", args=[r.code]),
            current=current,
        )
        for r, current in located
        if r.lat is not None and r.lon is not None
    ]
    return {"type": "FeatureCollection", "features": features} if features else None


@require_POST
def staff_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        report = access.report_for_staff(actor, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    post = request.POST
    try:
        if action in {"accept", "refuse", "field", "hide_photo", "show_photo", "merge"}:
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
        elif action == "merge":
            try:
                into = access.report_for_staff(actor, post.get("into", ""))
            except NotFound as exc:
                raise actions.WorkflowError(exc.message) from exc
            actions.merge_duplicate(actor, report, into=into)
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
