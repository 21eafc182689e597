"""Pages of the operations centre: the leader's overview (and its live part), sector
pages, a commune's figures, a value's provenance, the operators' alert console, values
entered by hand, the archive of reports, and the video wall (any screen with
`?wall=1`)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.access import NotFound
from tinhso.core.actors import actor_from_request
from tinhso.feedback import stats
from tinhso.ioc import access, actions, board, evidence_chart, layers, periods
from tinhso.ioc.forms import EntryForm, ReportForm
from tinhso.ioc.models import LIVE_STATES, AlertState, EntryStatus, IndicatorValue, Sector
from tinhso.units import province as home_province

WALL_SECONDS = 30


def _wall(request: HttpRequest, here: str) -> dict:
    """Wall mode: dark, large, and on to the next screen of `rotate` after `every` s."""
    if request.GET.get("wall") != "1":
        return {"wall": False}
    screens = [s for s in (request.GET.get("rotate") or "").split(",") if _screen_url(s)]
    try:
        seconds = max(10, min(600, int(request.GET.get("every") or WALL_SECONDS)))
    except ValueError:
        seconds = WALL_SECONDS
    context = {"wall": True, "wall_seconds": seconds, "wall_next": ""}
    if screens:
        following = (
            screens[(screens.index(here) + 1) % len(screens)] if here in screens else screens[0]
        )
        query = urlencode({"wall": 1, "rotate": ",".join(screens), "every": seconds})
        context["wall_next"] = f"{_screen_url(following)}?{query}"
    return context


def _screen_url(screen: str) -> str:
    if screen == "overview":
        return reverse("ioc_overview")
    if screen == "alerts":
        return reverse("ioc_alerts")
    kind, _sep, sector = screen.partition(":")
    if kind == "sector" and sector in Sector.values:
        return reverse("ioc_sector", args=[sector])
    return ""


def _live(actor) -> dict:
    indicators = access.indicators_for_viewer(actor).filter(key=True).order_by("order", "code")
    alerts = access.alerts_for_viewer(actor).filter(state__in=LIVE_STATES)
    return {
        "cards": board.cards(indicators),
        "open_alerts": list(alerts.order_by("-opened_at")[:6]),
        "open_alert_count": alerts.count(),
        "feedback": stats.situation(),
        "air": board.air_now(),
        "updated_at": timezone.localtime(),
    }


def overview(request: HttpRequest) -> HttpResponse:
    """The leader's one screen: key indicators against targets, the map of communes by a
    chosen indicator, open alerts and the feedback hub's situation."""
    actor = actor_from_request(request)
    indicators = board.with_commune_values(access.indicators_for_viewer(actor))
    mappable = [i for i in indicators.order_by("order", "code") if i.by_commune]
    chosen = next((i for i in mappable if i.code == request.GET.get("indicator")), None)
    chosen = (
        chosen or next((i for i in mappable if i.key), None) or (mappable[0] if mappable else None)
    )
    return render(
        request,
        "ioc/overview.html",
        {
            **_live(actor),
            **_wall(request, "overview"),
            "mappable": mappable,
            "chosen": chosen,
            "map_data": board.map_data(chosen) if chosen else None,
            "province": home_province.home(),
            "sectors": Sector.choices,
        },
    )


def live(request: HttpRequest) -> HttpResponse:
    """The overview's changing part, fetched again every 45 s (htmx)."""
    actor = actor_from_request(request)
    return render(request, "ioc/_live.html", _live(actor))


def sector(request: HttpRequest, sector: str) -> HttpResponse:
    """A sector's indicators with their trend charts, thresholds and targets, and the
    values by commune; its alerts."""
    if sector not in Sector.values:
        raise Http404
    actor = actor_from_request(request)
    indicators = access.indicators_for_viewer(actor).filter(sector=sector)
    cards = board.cards(indicators)
    rows = []
    for card in cards:
        period, values = board.by_commune(card.indicator)
        rows.append(
            {
                "card": card,
                "figure": board.figure(card.indicator),
                "figure_id": f"fig-{card.indicator.code}",
                "period": period,
                "communes": values,
            }
        )
    alerts = access.alerts_for_viewer(actor).filter(rule__indicator__sector=sector)
    return render(
        request,
        "ioc/sector.html",
        {
            **_wall(request, f"sector:{sector}"),
            "layers": [layer.as_dict() for layer in layers.for_sector(actor, sector)],
            "province": home_province.home(),
            "sector": sector,
            "sector_label": Sector(sector).label,
            "sectors": Sector.choices,
            "rows": rows,
            "alerts": alerts.order_by("state", "-opened_at")[:20],
        },
    )


def commune(request: HttpRequest, code: str) -> HttpResponse:
    """A commune's latest value of every indicator that has values by commune."""
    from tinhso.units.models import Commune

    actor = actor_from_request(request)
    indicators = access.indicators_for_viewer(actor)
    place = Commune.objects.filter(code=code).first()
    if place is None:
        raise Http404
    latest = {}
    for value in (
        IndicatorValue.objects.filter(indicator__in=indicators, commune=place)
        .select_related("indicator")
        .order_by("indicator_id", "period_start")
    ):
        latest[value.indicator_id] = value
    values = sorted(latest.values(), key=lambda v: (v.indicator.sector, v.indicator.order))
    return render(
        request,
        "ioc/commune.html",
        {
            "commune": place,
            "values": [(v, v.indicator.status(v.value)) for v in values],
            "alerts": access.alerts_for_viewer(actor).filter(commune=place)[:20],
        },
    )


def _rows_link(value) -> list[tuple[str, str]]:
    """Where the rows behind a value can be read."""
    provenance = value.provenance
    links = []
    if provenance.get("kind") == "sql":
        for slug, about in provenance.get("datasets", {}).items():
            links.append((reverse("warehouse_dataset", args=[slug]), about.get("title") or slug))
    elif provenance.get("kind") == "feedback":
        # the reports behind the figure: its field and, for a commune's value, the commune
        filters = provenance.get("filters", {})
        narrowed = {"field": filters.get("field") or ""}
        narrowed["commune"] = value.commune.code if value.commune_id else ""
        narrowed = {k: v for k, v in narrowed.items() if v}
        queue = reverse("feedback_queue") + "?"
        if provenance.get("measure") == "overdue":
            query = urlencode({"state": "overdue", "scope": "all", **narrowed})
            links.append((queue + query, _("Overdue reports")))
        else:
            public = reverse("feedback_list") + ("?" + urlencode(narrowed) if narrowed else "")
            links.append((public, _("Public reports")))
            links.append((queue + urlencode({"scope": "all", **narrowed}), _("Queue")))
    return links


def value(request: HttpRequest, value_id: int) -> HttpResponse:
    """Where a value comes from: the query and dataset versions, the reports' filters, or
    the approved entries with their evidence."""
    actor = actor_from_request(request)
    try:
        item = access.value_for_viewer(actor, value_id)
    except NotFound as exc:
        raise Http404 from exc
    provenance = dict(item.provenance)
    return render(
        request,
        "ioc/value.html",
        {
            "item": item,
            "status_label": item.status_label,
            "provenance": provenance,
            "links": _rows_link(item),
        },
    )


def alerts(request: HttpRequest) -> HttpResponse:
    """The operators' console: live alerts first, with their procedure."""
    actor = actor_from_request(request)
    queue = access.alerts_for_viewer(actor)
    state = request.GET.get("state") or "live"
    shown = (
        queue.filter(state=AlertState.RESOLVED)
        if state == "resolved"
        else queue.filter(state__in=LIVE_STATES)
    )
    listed = list(shown.order_by("state", "-opened_at")[:100])
    for item in listed:
        item.chart = evidence_chart.evidence_chart(item.evidence)
    return render(
        request,
        "ioc/alerts.html",
        {
            **_wall(request, "alerts"),
            "alerts": listed,
            "state": state,
            "can_handle": access.can_handle_alerts(actor),
        },
    )


def alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    """One alert: its procedure, the chart of its readings, its evidence, and who was
    told of it (the page that alert messages link to)."""
    actor = actor_from_request(request)
    try:
        item = access.alert_for_viewer(actor, alert_id)
    except NotFound as exc:
        raise Http404 from exc
    item.chart = evidence_chart.evidence_chart(item.evidence)
    return render(
        request,
        "ioc/alert.html",
        {
            "alert": item,
            "notices": item.notices.select_related("user").order_by("created_at", "id"),
            "can_handle": access.can_handle_alerts(actor),
        },
    )


def _alert_step(request: HttpRequest, alert_id: int, step) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        alert = access.alert_for_handler(actor, alert_id)
        step(actor, alert)
    except NotFound as exc:
        raise Http404 from exc
    except ValueError as exc:
        messages.warning(request, str(exc))
    return redirect("ioc_alerts")


@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _alert_step(request, alert_id, actions.acknowledge_alert)


@require_POST
def resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    note = (request.POST.get("resolution") or "")[:2000]
    return _alert_step(
        request, alert_id, lambda actor, alert: actions.resolve_alert(actor, alert, resolution=note)
    )


def entries(request: HttpRequest) -> HttpResponse:
    """Values entered by hand: the agency's form, and the approvals waiting for a
    supervisor."""
    actor = actor_from_request(request)
    indicators = access.indicators_for_entry(actor)
    form = EntryForm(request.POST or None, request.FILES or None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.enter_value(
                actor,
                data["indicator"],
                period_start=periods.floor(data["period"], data["indicator"].period),
                value=data["value"],
                commune=data["commune"],
                evidence_file=data["evidence_file"],
                evidence_link=data["evidence_link"],
                note=data["note"],
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The value was sent for approval."))
            return redirect("ioc_entries")
    pending = (
        access.entries_for_approver(actor).filter(status=EntryStatus.PENDING)
        if access.can_approve(actor)
        else None
    )
    return render(
        request, "ioc/entries.html", {"form": form, "pending": pending, "today": dt.date.today()}
    )


@require_POST
def decide(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        entry = access.entry_for_approver(actor, entry_id)
        actions.decide_value(
            actor,
            entry,
            approve=request.POST.get("decision") == "approve",
            reason=(request.POST.get("reason") or "")[:2000],
        )
    except NotFound as exc:
        raise Http404 from exc
    except ValueError as exc:
        messages.warning(request, str(exc))
    return redirect("ioc_entries")


def reports(request: HttpRequest) -> HttpResponse:
    """The archive of weekly and monthly reports, and for supervisors a form to generate
    one now."""
    actor = actor_from_request(request)
    archive = access.reports_for_viewer(actor)
    can_make = access.can_make_reports(actor)
    form = ReportForm(initial={"scope": "leader", "frequency": "week", "day": timezone.localdate()})
    return render(
        request,
        "ioc/reports.html",
        {"reports": archive[:200], "form": form if can_make else None},
    )


@require_POST
def generate_report(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    access.require_report_maker(actor)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Choose a scope, a period and a day."))
        return redirect("ioc_reports")
    data = form.cleaned_data
    report, _drawn = actions.generate_report(actor, data["scope"], data["frequency"], data["day"])
    messages.success(
        request,
        _("The report of %(scope)s for %(start)s – %(end)s is ready.")
        % {
            "scope": report.scope_label,
            "start": report.period_start.strftime("%d/%m/%Y"),
            "end": report.period_end.strftime("%d/%m/%Y"),
        },
    )
    return redirect(f"{reverse('ioc_reports')}#report-{report.pk}")


REPORT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_file(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    """An archived report's PDF or XLSX, for those who see the centre."""
    from django.http import FileResponse

    if fmt not in REPORT_TYPES:
        raise Http404
    actor = actor_from_request(request)
    try:
        report = access.report_for_viewer(actor, report_id)
    except NotFound as exc:
        raise Http404 from exc
    stored = report.pdf if fmt == "pdf" else report.xlsx
    name = stored.name.rsplit("/", 1)[-1]
    return FileResponse(
        stored.open("rb"), content_type=REPORT_TYPES[fmt], as_attachment=True, filename=name
    )
