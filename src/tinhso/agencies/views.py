"""Pages: the agency directory, a person's account, password and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.agencies import access, actions
from tinhso.agencies.models import AgencyKind
from tinhso.core.access import NotFound
from tinhso.core.actors import actor_from_request
from tinhso.core.text import fold


def agency_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    agencies = access.agencies_for_reader(actor).annotate(member_count=Count("members"))
    kind = request.GET.get("kind") or ""
    q = (request.GET.get("q") or "").strip()
    if kind in AgencyKind.values:
        agencies = agencies.filter(kind=kind)
    if q:
        key = fold(q)
        agencies = agencies.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(commune__search_key__contains=key)
        )
    page = Paginator(agencies.order_by("kind", "name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/agency_list.html",
        {"page": page, "kinds": AgencyKind.choices, "kind": kind, "q": q},
    )


def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        agency = access.agency_for_reader(actor, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "communes": agency.communes_served.order_by("name"),
            "children": agency.children.order_by("name"),
        },
    )


@login_required
def account(request: HttpRequest, new_token: str | None = None) -> HttpResponse:
    actor = actor_from_request(request)
    return render(
        request,
        "agencies/account.html",
        {
            "tokens": access.tokens_for_reader(actor).filter(user=actor.user),
            "new_token": new_token,
            "roles": sorted(actor.user.role_assignments.all(), key=lambda r: r.role),
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    access.require_token_creator(actor)
    label = (request.POST.get("label") or "").strip()[:100]
    _token, raw = actions.create_token(actor, actor.user, label=label)
    messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    # Rendered, not redirected: the raw token must never sit in a URL or a session.
    return account(request, new_token=raw)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        token = access.token_for_revoker(actor, token_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    actions.revoke_token(actor, token)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("account")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    form = PasswordChangeForm(actor.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.set_password(actor, actor.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, actor.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("account")
    return render(request, "registration/password_change_form.html", {"form": form})
