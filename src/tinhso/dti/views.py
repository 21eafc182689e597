"""Pages of the DTI: the province's overview (its score sheet, the national comparison,
the weakest main indices and the what-if), an assessment with its values to enter and
review, and a year's national table."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tinhso.core.access import AccessDenied
from tinhso.core.actors import Actor, actor_from_request
from tinhso.core.exports import csv_response, xlsx_response
from tinhso.dti import access, actions, charts, compare, feeds, sheet
from tinhso.dti.forms import ValueForm, WhatIfForm
from tinhso.dti.models import Assessment, AssessmentValue
from tinhso.dti.scoring import ScoringError, parse_value
from tinhso.units import province as home_province


def _sheet_rows(state: sheet.Sheet) -> list[dict]:
    """Each main index of the sheet: its weight, value, what it contributes to the DTI, and
    its components' approved points."""
    framework = state.assessment.framework
    contributions = state.score.contributions if state.score else {}
    points: dict[int, list[AssessmentValue]] = {}
    for v in AssessmentValue.objects.filter(
        assessment=state.assessment, component__isnull=False, status="approved"
    ).select_related("component"):
        points.setdefault(v.main_index_id, []).append(v)
    rows = []
    for index in framework.main_indices.all():
        value = state.main_indices.get(index.code)
        contribution = contributions.get(index.code)
        if contribution is None and value is not None and index.weight is not None:
            contribution = value * index.weight
        rows.append(
            {
                "index": index,
                "value": value,
                "contribution": contribution,
                "components": points.get(index.pk, []),
            }
        )
    return rows


def _year(request: HttpRequest, years: list[int]) -> int | None:
    raw = request.GET.get("year") or ""
    if raw:
        if not raw.isdigit() or int(raw) not in years:
            raise Http404(_("No published results for this year."))
        return int(raw)
    return years[0] if years else None


def overview(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    access.require_viewer(actor)
    province = home_province.home_or_404()
    context: dict = {"province": province, "can_enter": access.can_enter(actor)}
    latest = Assessment.objects.filter(province=province).values_list("year", flat=True).first()
    state = None
    if latest is not None:
        assessment = access.assessment_of_year(actor, province, latest)
        state = sheet.build(assessment)
        context.update(assessment=assessment, sheet=state, sheet_rows=_sheet_rows(state))
    years = compare.years()
    year = _year(request, years)
    context.update(years=years, year=year)
    if year is not None:
        _comparison(request, context, province, year, state)
    return render(request, "dti/overview.html", context)


def _comparison(request, context: dict, province, year: int, state) -> None:
    comparison = compare.compare(province, year)
    context["comparison"] = comparison
    context["chart"] = charts.comparison_svg(
        _chart_rows(comparison),
        comparison.mean,
        title=_("DTI %(year)s: the province, the leader and its neighbours") % {"year": year},
        mean_label=_("National mean"),
    )
    if comparison.framework is None:
        return
    scheme = compare.scheme_of(comparison.framework)
    baseline: dict[str, Decimal] = {}
    source = ""
    if comparison.mine is not None and comparison.mine.main_indices:
        baseline, source = dict(comparison.mine.main_indices), "published"
    elif state is not None and state.assessment.framework_id == comparison.framework.pk:
        baseline, source = dict(state.main_indices), "assessment"
    context["baseline_source"] = source
    try:
        context["losses"] = compare.weakest(scheme, baseline)
    except ScoringError as exc:
        context["losses_error"] = exc.message

    # The what-if: the baseline values, each editable, and how many places to move up.
    values = dict(baseline)
    errors = []
    asked = "places" in request.GET
    form = WhatIfForm(request.GET if asked else None, initial={"places": 1})
    for part in scheme.scored_inputs:
        raw = request.GET.get(f"v_{part.code}", "").strip()
        if asked and raw:
            try:
                values[part.code] = parse_value(raw)
            except ValueError as exc:
                errors.append(f"{part.name}: {exc}")
    context["what_if_inputs"] = [
        {"code": p.code, "name": p.name, "value": values.get(p.code)} for p in scheme.scored_inputs
    ]
    context["what_if_form"] = form
    if asked and form.is_valid() and not errors:
        try:
            answer = compare.what_if(scheme, comparison, values, form.cleaned_data["places"])
        except ScoringError as exc:
            errors.append(exc.message)
        else:
            names = {p.code: p.name for p in scheme.scored_inputs}
            context["what_if"] = answer
            context["what_if_rows"] = [
                {
                    "code": code,
                    "name": names[code],
                    "now": values[code],
                    "raise": step,
                    "new": answer.values[code],
                }
                for code, step in answer.raises.items()
            ]
    context["what_if_errors"] = errors


def _chart_rows(comparison: compare.Comparison) -> list[compare.Row]:
    rows = list(comparison.neighbours)
    if comparison.leader is not None and comparison.leader not in rows:
        rows.insert(0, comparison.leader)
    return rows


# --- the assessment ----------------------------------------------------------------------


def assessment(request: HttpRequest, year: int) -> HttpResponse:
    actor = actor_from_request(request)
    found = access.assessment_of_year(actor, home_province.home_or_404(), year)
    return _assessment_page(request, actor, found)


def _assessment_page(
    request: HttpRequest, actor: Actor, found: Assessment, form: ValueForm | None = None
) -> HttpResponse:
    state = sheet.build(found)
    values = list(
        AssessmentValue.objects.filter(assessment=found).select_related(
            "main_index", "component", "entered_by", "reviewed_by"
        )
    )
    by_index: dict[int, list[AssessmentValue]] = {}
    for v in values:
        by_index.setdefault(v.main_index_id, []).append(v)
    indices = [
        {"index": i, "values": by_index.get(i.pk, []), "value": state.main_indices.get(i.code)}
        for i in found.framework.main_indices.all()
    ]
    if access.can_enter(actor):
        form = form or ValueForm(assessment=found)
    return render(
        request,
        "dti/assessment.html",
        {
            "assessment": found,
            "sheet": state,
            "indices": indices,
            "form": form,
            "reviewable": {v.pk for v in values if access.can_review(actor, v)},
            "proposals": feeds.proposals(found),
            "can_feed": access.can_enter(actor),
        },
    )


@require_POST
def feed(request: HttpRequest, year: int) -> HttpResponse:
    """Enter now what the platform's own indicators give the assessment (the worker does
    it every day)."""
    actor = actor_from_request(request)
    found = access.assessment_of_year(actor, home_province.home_or_404(), year)
    fed = actions.feed_assessment(actor, found)
    if fed.entered:
        messages.success(
            request,
            ngettext(
                "%(n)s value was entered from the platform's data and waits for review.",
                "%(n)s values were entered from the platform's data and wait for review.",
                len(fed.entered),
            )
            % {"n": len(fed.entered)},
        )
    else:
        messages.info(request, _("The platform's data gives no new value."))
    if fed.kept:
        messages.info(
            request,
            _("Kept as entered by staff: %(codes)s.") % {"codes": ", ".join(fed.kept)},
        )
    return redirect("dti_assessment", year=year)


@require_POST
def enter(request: HttpRequest, year: int) -> HttpResponse:
    actor = actor_from_request(request)
    found = access.assessment_of_year(actor, home_province.home_or_404(), year)
    access.require_enterer(actor)
    form = ValueForm(request.POST, request.FILES, assessment=found)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.enter_value(
                actor,
                found,
                data["main_index"],
                data["value"],
                component=data.get("component"),
                evidence_file=data["evidence_file"],
                evidence_link=data["evidence_link"],
                note=data["note"],
            )
        except actions.AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The value was entered and waits for review."))
            return redirect("dti_assessment", year=year)
    return _assessment_page(request, actor, found, form)


@require_POST
def review(request: HttpRequest, value_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    entry = access.value_for_reviewer(actor, value_id)
    try:
        actions.review_value(
            actor,
            entry,
            approve=request.POST.get("decision") == "approve",
            note=(request.POST.get("note") or "")[:2000],
        )
    except actions.AssessmentError as exc:
        messages.warning(request, exc.message)
    except AccessDenied as exc:
        messages.warning(request, exc.message)
    else:
        approved = request.POST.get("decision") == "approve"
        messages.success(
            request,
            _("The value was approved: it counts in the score sheet.")
            if approved
            else _("The value was returned for correction."),
        )
    return redirect("dti_assessment", year=entry.assessment.year)


# --- the national results ----------------------------------------------------------------


def _results(request: HttpRequest, year: int) -> compare.Comparison:
    actor = actor_from_request(request)
    access.require_viewer(actor)
    if year not in compare.years():
        raise Http404(_("No published results for this year."))
    return compare.compare(home_province.home_or_404(), year)


def results(request: HttpRequest, year: int) -> HttpResponse:
    comparison = _results(request, year)
    return render(
        request,
        "dti/results.html",
        {"comparison": comparison, "years": compare.years(), "year": year},
    )


def _export(comparison: compare.Comparison) -> tuple[list[str], list[list]]:
    header = [_("Rank"), _("Province"), "DTI", "CQS", "KTS", "XHS"]
    rows = [
        [r.rank, r.name, r.dti, r.pillars.get("CQS"), r.pillars.get("KTS"), r.pillars.get("XHS")]
        for r in comparison.rows
        if not r.merged
    ]
    return header, rows


def results_csv(request: HttpRequest, year: int) -> HttpResponse:
    header, rows = _export(_results(request, year))
    return csv_response(f"dti-{year}", header, rows)


def results_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    header, rows = _export(_results(request, year))
    return xlsx_response(f"dti-{year}", f"DTI {year}", header, rows)
