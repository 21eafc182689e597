"""What the public sends the portal, uData-style, without signing in: reuses of a dataset
(`/dataset/<slug>/reuses/new`) and dataset requests (`/opendata/requests/…`); and the page
where data stewards publish or reject the reuses of their agency's datasets and answer
the requests that name their agency (`/opendata/moderation/`).

The public forms are rate-limited per address (`core.throttle`, as the report form is)
and carry a honeypot field; names and e-mails stay with the stewards."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.access import NotFound
from tinhso.core.actors import actor_from_request
from tinhso.core.throttle import rate_limited
from tinhso.warehouse.models import Access, Dataset

from . import access, actions
from .forms import RequestForm, ReuseForm
from .models import RequestState, ReuseState

SUBMIT_SCOPE = "portal-submit"  # one window for both public forms


def _too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    return render(request, "portal/too_many.html", {"seconds": seconds}, status=429)


def _open_dataset(request: HttpRequest, slug: str) -> Dataset:
    dataset = access.listed(actor_from_request(request)).filter(slug=slug).first()
    if dataset is None:
        raise Http404(_("No open dataset “%(slug)s”.") % {"slug": slug})
    return dataset


@rate_limited(_too_many, scope=SUBMIT_SCOPE)
def reuse_new(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _open_dataset(request, slug)
    form = ReuseForm(request.POST or None)
    # Back to the top of the dataset's page, where the thank-you message shows.
    back = reverse("portal_dataset", args=[dataset.slug])
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            return redirect(back)
        data = form.cleaned_data
        draft = actions.ReuseDraft(
            title=data["title"],
            kind=data["kind"],
            url=data["url"],
            description=data["description"],
            submitter_name=data["submitter_name"],
            submitter_email=data["submitter_email"],
        )
        try:
            actions.submit_reuse(actor_from_request(request), [dataset], draft)
        except actions.SubmissionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Thank you: the reuse is shown once a data steward has checked it.")
            )
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "portal/reuse_new.html", {"dataset": dataset, "form": form}, status=status
    )


def requests_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(access.public_requests(), 30).get_page(request.GET.get("page"))
    can_moderate = access.can_moderate(actor_from_request(request))
    return render(request, "portal/requests.html", {"page_obj": page, "can_moderate": can_moderate})


def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = access.public_request(pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    answering = found.dataset if found.dataset and found.dataset.access == Access.OPEN else None
    return render(request, "portal/request.html", {"found": found, "answering": answering})


@rate_limited(_too_many, scope=SUBMIT_SCOPE)
def request_new(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            return redirect("portal_requests")
        data = form.cleaned_data
        draft = actions.RequestDraft(
            title=data["title"],
            description=data["description"],
            agency=data["agency"],
            submitter_name=data["submitter_name"],
            submitter_email=data["submitter_email"],
        )
        try:
            found = actions.submit_request(actor_from_request(request), draft)
        except actions.SubmissionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Thank you: your request is public and waits for the agency's answer.")
            )
            return redirect("portal_request", pk=found.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/request_new.html", {"form": form}, status=status)


def moderation(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    access.require_moderator(actor)
    reuses = (
        access.moderated_reuses(actor)
        .filter(state=ReuseState.PENDING)
        .prefetch_related("datasets")
        .order_by("created_at", "pk")
    )
    requests = (
        access.moderated_requests(actor)
        .filter(state=RequestState.OPEN)
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "portal/moderation.html",
        {"reuses": reuses, "requests": requests},
    )


@require_POST
def reuse_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    reuse = access.reuse_to_moderate(actor, pk)
    decision = request.POST.get("decision")
    if decision not in ("publish", "reject"):
        messages.error(request, _("Choose to publish or to reject the reuse."))
        return redirect("portal_moderation")
    try:
        actions.decide_reuse(
            actor, reuse, publish=decision == "publish", note=request.POST.get("note", "")
        )
    except actions.SubmissionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Reuse published.") if decision == "publish" else _("Reuse rejected."),
        )
    return redirect("portal_moderation")


@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    found = access.request_to_answer(actor, pk)
    decline = request.POST.get("decision") == "decline"
    dataset = None
    slug = (request.POST.get("dataset") or "").strip()
    if slug and not decline:
        dataset = access.listed(actor).filter(slug=slug).first()
        if dataset is None:
            messages.error(request, _("No open dataset “%(slug)s”.") % {"slug": slug})
            return redirect("portal_moderation")
    try:
        actions.answer_request(
            actor, found, answer=request.POST.get("answer", ""), decline=decline, dataset=dataset
        )
    except actions.SubmissionError as exc:
        messages.error(request, exc.message)
        return redirect("portal_moderation")
    if decline:
        messages.success(request, _("Request declined."))
        return redirect("portal_moderation")
    messages.success(request, _("Answer published."))
    return redirect("portal_request", pk=found.pk)
