"""Staff pages: the queue, a report, the message log, scorecards. What staff can do on a
report is the menu in `staff_actions`."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.agencies.models import Agency
from tinhso.core.access import NotFound
from tinhso.core.actors import actor_from_request
from tinhso.feedback import access, duplicates, maps
from tinhso.feedback.forms import (
    AcceptForm,
    AnswerForm,
    CloseForm,
)
from tinhso.feedback.models import Complexity, Report, Status
from tinhso.feedback.views import narrowing
from tinhso.units import province as home_province

DUE_SOON = dt.timedelta(days=1)


def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    reports = access.reports_for_staff(actor)
    # Handlers start on their agency's; province-wide roles (administrators hold every
    # role) on everything they see.
    agency_first = actor.has_role("handler") and not actor.has_role(*access.PROVINCE_WIDE)
    scope = request.GET.get("scope") or ("agency" if agency_first else "all")
    state = request.GET.get("state") or "open"
    now = timezone.now()
    if scope == "mine":
        reports = reports.filter(assignee=actor.user)
    elif scope == "agency" and actor.user.agency_id:
        reports = reports.filter(agency_id=actor.user.agency_id)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:  # a tracking code, words of the text, or the reporter's phone
        reports = reports.filter(
            Q(code__iexact=q) | Q(text__icontains=q) | Q(reporter_phone__contains=q)
        )
    # drilled from a figure of the operations centre: a commune, a field
    reports, _commune, chips = narrowing.narrow(request, reports)
    # The counters count what the list shows, whatever the state chosen.
    counted = reports
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
    counts = counted.open().aggregate(open=_count(), overdue=_count(Q(open_deadline__lt=now)))
    counts["received"] = counted.filter(status=Status.RECEIVED).count()
    return render(
        request,
        "feedback/queue.html",
        {
            "page": page,
            "scope": scope,
            "state": state,
            "q": q,
            "now": now,
            "counts": counts,
            "due_soon": now + DUE_SOON,
            "chips": chips,
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
            "complexities": Complexity.choices,
            "officers": _officers(report),
        },
    )


def _officers(report: Report):
    """The handlers of the report's agency, to assign it to one of them."""
    from tinhso.agencies.models import User

    if report.agency_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            agency_id=report.agency_id, is_active=True, role_assignments__role="handler"
        )
        .distinct()
        .order_by("full_name", "username")
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


def staff_document(request: HttpRequest, document_id: int) -> HttpResponse:
    """A document of an answer, for the staff who may see the report."""
    from tinhso.feedback.models import AnswerDocument
    from tinhso.feedback.views.citizens import pdf_download

    actor = actor_from_request(request)
    return pdf_download(
        get_object_or_404(
            AnswerDocument, pk=document_id, report__in=access.reports_for_staff(actor)
        )
    )


def _image_type(name: str) -> str:
    kinds = {"png": "image/png", "webp": "image/webp"}
    return kinds.get(name.rsplit(".", 1)[-1].lower(), "image/jpeg")
