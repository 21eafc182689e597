"""The hotline operator's screen: type a call in; the system proposes the rest."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tinhso.core.actors import actor_from_request
from tinhso.feedback import access, actions
from tinhso.feedback.classify import proposer
from tinhso.feedback.forms import HotlineForm
from tinhso.feedback.models import Channel, Report
from tinhso.feedback.views.citizens import current_province
from tinhso.units import province as home_province
from tinhso.units.places import find_commune


def hotline(request: HttpRequest) -> HttpResponse:
    """Type a call in; the assist panel proposes field, commune, agency and duplicates as
    the text is typed; one confirmation creates the report and sends it on."""
    actor = actor_from_request(request)
    access.require_operator(actor)
    province = current_province()
    form = HotlineForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = _create_from_call(actor, data)
        except actions.WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            link = format_html(
                '<a href="{}">{}</a>',
                reverse("feedback_staff_report", args=[report.code]),
                report.code,
            )
            messages.success(
                request,
                format_html(
                    _("Report {code} created: {status}."),
                    code=link,
                    status=report.get_status_display(),
                ),
            )
            return redirect("feedback_hotline")
    return render(request, "feedback/hotline.html", {"form": form, "province": province})


def _create_from_call(actor, data) -> Report:
    draft = actions.ReportDraft(
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
        Report.objects.filter(code=data["duplicate_of"]).first() if data["duplicate_of"] else None
    )
    return actions.take_call(actor, draft, duplicate_of=into)


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
    province = home_province.home()
    if commune is None and len(text) >= 8 and province is not None:
        guessed = find_commune(text, province)
        commune = guessed.commune if guessed else None
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
