"""What staff can do on a report's page, read like a menu: each action with the
permission it needs and the form it reads. `staff_action` looks the name up here; a name
that is not on the menu is a 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.agencies.models import Agency
from tinhso.core.access import NotFound
from tinhso.core.actors import Actor, actor_from_request
from tinhso.feedback import access, actions, photos
from tinhso.feedback.forms import AcceptForm
from tinhso.feedback.models import Report


@dataclass(frozen=True)
class StaffAction:
    """A button on the staff page: `permission` raises AccessDenied for who may not press
    it; `run` reads the posted form and files and calls the action (WorkflowError says
    what to fix)."""

    permission: Callable[[Actor, Report], None]
    run: Callable[[Actor, Report, QueryDict, MultiValueDict], object]


# --- who may -----------------------------------------------------------------------------


def triage(actor: Actor, report: Report) -> None:
    access.require_triage(actor)


def supervise(actor: Actor, report: Report) -> None:
    access.require_supervisor(actor)


def handle(actor: Actor, report: Report) -> None:
    access.require_handler(actor, report)


# --- what the forms say ------------------------------------------------------------------


def chosen_field(post: QueryDict):
    form = AcceptForm(post)
    if not form.is_valid():
        raise actions.WorkflowError(_("Choose the field."))
    return form.cleaned_data["field"]


def chosen_agency(post: QueryDict) -> Agency:
    agency = Agency.objects.filter(pk=post.get("agency") or 0, is_active=True).first()
    if agency is None:
        raise actions.WorkflowError(_("Choose the agency to transfer to."))
    return agency


def working_days(post: QueryDict) -> int:
    try:
        return int(post.get("working_days") or 0)
    except ValueError:
        return 0  # refused by the action with the allowed range


def pending_extension(report: Report):
    pending = report.extensions.filter(status="pending").first()
    if pending is None:
        raise actions.WorkflowError(_("No extension request is waiting."))
    return pending


def chosen_photo(report: Report, post: QueryDict):
    photo = report.photos.filter(pk=post.get("photo") or 0).first()
    if photo is None:
        raise actions.WorkflowError(_("Choose the photo."))
    return photo


def merge_target(actor: Actor, post: QueryDict) -> Report:
    try:
        return access.report_for_staff(actor, post.get("into", ""))
    except NotFound as exc:
        raise actions.WorkflowError(exc.message) from exc


def chosen_officer(report: Report, post: QueryDict):
    from tinhso.agencies.models import User

    return User.objects.filter(pk=post.get("officer") or 0, agency_id=report.agency_id).first()


def answer(actor: Actor, report: Report, post: QueryDict, files: MultiValueDict):
    try:
        shots, documents = photos.check_answer_files(files.getlist("files"))
    except photos.PhotoError as exc:
        raise actions.WorkflowError(exc.message) from exc
    return actions.answer_report(
        actor, report, answer=post.get("answer", ""), photos=shots, documents=documents
    )


def reason(post: QueryDict) -> str:
    return post.get("reason", "")


# --- the menu ----------------------------------------------------------------------------

STAFF_ACTIONS: dict[str, StaffAction] = {
    "accept": StaffAction(
        triage, lambda a, r, p, f: actions.accept_report(a, r, field=chosen_field(p))
    ),
    "field": StaffAction(
        triage, lambda a, r, p, f: actions.change_field(a, r, field=chosen_field(p))
    ),
    "refuse": StaffAction(triage, lambda a, r, p, f: actions.refuse_report(a, r, reason=reason(p))),
    "merge": StaffAction(
        triage, lambda a, r, p, f: actions.merge_duplicate(a, r, into=merge_target(a, p))
    ),
    "hide_photo": StaffAction(
        triage, lambda a, r, p, f: actions.hide_photo(a, chosen_photo(r, p), reason=reason(p))
    ),
    "show_photo": StaffAction(
        triage,
        lambda a, r, p, f: actions.hide_photo(
            a, chosen_photo(r, p), reason=reason(p), hidden=False
        ),
    ),
    "start": StaffAction(handle, lambda a, r, p, f: actions.start_report(a, r)),
    "answer": StaffAction(handle, lambda a, r, p, f: answer(a, r, p, f)),
    "transfer": StaffAction(
        handle,
        lambda a, r, p, f: actions.transfer_report(a, r, agency=chosen_agency(p), reason=reason(p)),
    ),
    "extend": StaffAction(
        handle,
        lambda a, r, p, f: actions.request_extension(
            a, r, working_days=working_days(p), reason=reason(p)
        ),
    ),
    "period": StaffAction(
        handle,
        lambda a, r, p, f: actions.set_complexity(
            a,
            r,
            complexity=p.get("complexity", ""),
            reason=reason(p),
            remote=p.get("remote_area") == "on",
        ),
    ),
    "assign": StaffAction(
        handle, lambda a, r, p, f: actions.assign_report(a, r, officer=chosen_officer(r, p))
    ),
    "close": StaffAction(
        handle,
        lambda a, r, p, f: actions.close_report(
            a, r, resolution=p.get("resolution", ""), reason=reason(p)
        ),
    ),
    "approve_extension": StaffAction(
        supervise,
        lambda a, r, p, f: actions.decide_extension(a, pending_extension(r), approve=True),
    ),
    "reject_extension": StaffAction(
        supervise,
        lambda a, r, p, f: actions.decide_extension(a, pending_extension(r), approve=False),
    ),
}


@require_POST
def staff_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        report = access.report_for_staff(actor, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    chosen = STAFF_ACTIONS.get(action)
    if chosen is None:
        raise Http404
    chosen.permission(actor, report)
    try:
        chosen.run(actor, report, request.POST, request.FILES)
        messages.success(request, _("Done."))
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect("feedback_staff_report", code=code)
