"""Pages of the roadmap: the plan with the committee's follow-up and its timeline, a
task with its monthly progress reports, and the plan as XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.access import NotFound
from tinhso.core.actors import Actor, actor_from_request
from tinhso.core.exports import xlsx_response
from tinhso.roadmap import access, actions, followup
from tinhso.roadmap import monthly as monthly_report
from tinhso.roadmap.export import plan_rows
from tinhso.roadmap.forms import PlanImportForm, ProgressReportForm, TaskUpdateForm
from tinhso.roadmap.gantt import gantt
from tinhso.roadmap.importing import PlanRefused, read_plan
from tinhso.roadmap.models import Plan, ReportState, Task, TaskStatus


def vnd(amount) -> str:
    """An amount of đồng with dots between the thousands, as Vietnamese writes it (the
    locale's number format does not group)."""
    return "" if amount is None else f"{int(amount):,}".replace(",", ".")


def _plan(actor: Actor, request: HttpRequest) -> tuple[QuerySet[Plan], Plan | None]:
    plans = access.plans_for_viewer(actor)
    chosen = request.GET.get("plan") or ""
    plan = plans.filter(pk=int(chosen)).first() if chosen.isdigit() else plans.first()
    if chosen and plan is None:
        raise Http404(_("No such plan."))
    return plans, plan


def _filtered(tasks: QuerySet[Task], request: HttpRequest, today) -> tuple[QuerySet[Task], dict]:
    chosen = {
        "agency": request.GET.get("agency") or "",
        "commune": request.GET.get("commune") or "",
        "status": request.GET.get("status") or "",
        "overdue": request.GET.get("overdue") == "1",
    }
    if chosen["agency"]:
        ids = tasks.filter(
            Q(owner__code=chosen["agency"]) | Q(co_agencies__code=chosen["agency"])
        ).values("pk")
        tasks = tasks.filter(pk__in=ids)
    if chosen["commune"]:
        tasks = tasks.filter(pk__in=tasks.filter(communes__code=chosen["commune"]).values("pk"))
    if chosen["status"] in TaskStatus.values:
        tasks = tasks.filter(status=chosen["status"])
    if chosen["overdue"]:
        tasks = tasks.overdue(today)
    return tasks, chosen


def plan(request: HttpRequest) -> HttpResponse:
    """The plan: its tasks filtered by agency, commune, status or overdue, the counts per
    agency and per commune, and the timeline."""
    actor = actor_from_request(request)
    plans, chosen_plan = _plan(actor, request)
    today = timezone.localdate()
    context: dict = {
        "plans": plans,
        "plan": chosen_plan,
        "today": today,
        "secretariat": access.is_secretariat(actor),
    }
    if chosen_plan is not None:
        every = access.tasks_for_viewer(actor).filter(plan=chosen_plan)
        tasks, chosen = _filtered(every, request, today)
        tasks = list(tasks)
        context.update(
            tasks=tasks,
            chosen=chosen,
            filtered=any(chosen.values()),
            total=every.count(),
            overdue_count=every.overdue(today).count(),
            per_agency=followup.per_agency(every, today),
            per_commune=followup.per_commune(every, today),
            gantt=gantt(tasks, today),
            statuses=TaskStatus.choices,
            overdue_ids={t.pk for t in tasks if t.is_overdue(today)},
            report_month=actions.first_of_month(today).strftime("%Y-%m"),
        )
    return render(request, "roadmap/plan.html", context)


def plan_xlsx(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    _plans, chosen_plan = _plan(actor, request)
    if chosen_plan is None:
        raise Http404(_("No plan yet."))
    tasks = access.tasks_for_viewer(actor).filter(plan=chosen_plan)
    header, rows = plan_rows(tasks, timezone.localdate())
    return xlsx_response(f"ke-hoach-{chosen_plan.pk}", chosen_plan.name, header, rows)


def monthly(request: HttpRequest, month: str, fmt: str) -> HttpResponse:
    """The committee's monthly report of the plan (`?plan=<id>`), as PDF or XLSX."""
    actor = actor_from_request(request)
    _plans, chosen_plan = _plan(actor, request)
    if chosen_plan is None:
        raise Http404(_("No plan yet."))
    try:
        first = monthly_report.parse_month(month)
    except ValueError as exc:
        raise Http404(_("No such month.")) from exc
    report = monthly_report.build(chosen_plan, access.tasks_for_viewer(actor), first)
    if fmt == "pdf":
        body, kind = monthly_report.pdf(report), "application/pdf"
    else:
        body = monthly_report.xlsx(report)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    name = f"bao-cao-thang-{first:%Y-%m}-ke-hoach-{chosen_plan.pk}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# A plan of a province fits in far less; a larger upload is refused before it is read.
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def import_plan(request: HttpRequest) -> HttpResponse:
    """The secretariat uploads a plan in the export's columns: all its rows become tasks,
    or none does and every refused cell is listed with its row and column."""
    actor = actor_from_request(request)
    access.require_secretariat(actor)
    refusals: list = []
    if request.method == "POST":
        form = PlanImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > IMPORT_MAX_BYTES:
                    raise ValueError(_("The file is larger than 5 MB."))
                drafts = read_plan(upload.read())
                chosen, tasks = actions.import_tasks(
                    actor,
                    drafts,
                    plan=form.cleaned_data["plan"],
                    plan_name=form.cleaned_data["name"],
                )
            except PlanRefused as exc:
                refusals = exc.refusals
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("%(count)s tasks added to the plan “%(plan)s”.")
                    % {"count": len(tasks), "plan": chosen.name},
                )
                return redirect(f"{reverse('roadmap_plan')}?plan={chosen.pk}")
    else:
        form = PlanImportForm()
    return render(request, "roadmap/import.html", {"form": form, "refusals": refusals})


def task(request: HttpRequest, task_id: int) -> HttpResponse:
    """A task, its progress reports, this month's report form (the owner agency) and the
    secretariat's decisions."""
    actor = actor_from_request(request)
    try:
        found = access.task_for_viewer(actor, task_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _task_page(request, actor, found)


def _task_page(
    request: HttpRequest,
    actor: Actor,
    found: Task,
    form: ProgressReportForm | None = None,
    update_form: TaskUpdateForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    secretariat = access.is_secretariat(actor)
    if access.can_edit(actor, found):
        form = form or ProgressReportForm(
            initial={"month": actions.first_of_month(today), "progress": found.progress}
        )
        update_form = update_form or TaskUpdateForm(
            secretariat=secretariat,
            initial={
                "status": found.status,
                "evidence_text": found.evidence_text,
                "evidence_url": found.evidence_url,
                "due": found.due,
            },
        )
    reports = found.reports.select_related("submitted_by", "decided_by")
    return render(
        request,
        "roadmap/task.html",
        {
            "task": found,
            "co_agencies": found.co_agencies.all(),
            "communes": found.communes.all(),
            "indicators": found.indicators.all(),
            "main_indices": found.main_indices.select_related("framework"),
            "reports": reports,
            "form": form,
            "update_form": update_form,
            "budget": vnd(found.budget),
            "secretariat": secretariat,
            "overdue": found.is_overdue(today),
            "submitted": ReportState.SUBMITTED,
        },
    )


@require_POST
def submit(request: HttpRequest, task_id: int) -> HttpResponse:
    """The owner agency's monthly progress report."""
    actor = actor_from_request(request)
    try:
        found = access.task_for_editor(actor, task_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = ProgressReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.submit_report(
                actor,
                found,
                month=data["month"],
                progress=data["progress"],
                text=data["text"],
                evidence_link=data["evidence_link"],
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The progress report was sent to the secretariat."))
            return redirect("roadmap_task", task_id=found.pk)
    return _task_page(request, actor, found, form)


@require_POST
def update(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task's status and evidence (its owner agency), and its due day (the
    secretariat)."""
    actor = actor_from_request(request)
    try:
        found = access.task_for_editor(actor, task_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = TaskUpdateForm(request.POST, secretariat=access.is_secretariat(actor))
    if form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if getattr(found, k) != v}
        try:
            if changes:
                actions.update_task(actor, found, **changes)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The task was updated."))
            return redirect("roadmap_task", task_id=found.pk)
    return _task_page(request, actor, found, update_form=form)


@require_POST
def decide(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        report = access.report_for_approver(actor, report_id)
        actions.decide_report(
            actor,
            report,
            approve=request.POST.get("decision") == "approve",
            note=(request.POST.get("note") or "")[:2000],
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ValueError as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("roadmap_task", task_id=report.task_id)
