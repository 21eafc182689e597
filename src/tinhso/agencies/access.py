"""Who may see and change agencies, users and tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tinhso.agencies.models import Agency, ApiToken, User
from tinhso.core.access import AccessDenied, NotFound, require_role, require_signed_in
from tinhso.core.actors import Actor

MANAGERS = ("administrator",)


def agencies_for_reader(actor: Actor) -> QuerySet[Agency]:
    """Agencies' names and contacts are public: citizens need to know who answers them."""
    agencies = Agency.objects.select_related("parent", "commune")
    return agencies if actor.has_role(*MANAGERS) else agencies.filter(is_active=True)


def agency_for_reader(actor: Actor, code: str) -> Agency:
    agency = agencies_for_reader(actor).filter(code=code).first()
    if agency is None:
        raise NotFound(_("No agency has the code “%(code)s”.") % {"code": code})
    return agency


def require_agency_manager(actor: Actor) -> None:
    require_role(actor, *MANAGERS)


def users_for_reader(actor: Actor) -> QuerySet[User]:
    """Administrators see everyone; supervisors and leaders see their agency; others
    see themselves."""
    require_signed_in(actor)
    users = User.objects.select_related("agency").prefetch_related("role_assignments")
    if actor.has_role("administrator"):
        return users
    if actor.has_role("supervisor", "leader") and actor.user.agency_id:
        return users.filter(agency_id=actor.user.agency_id)
    return users.filter(pk=actor.user.pk)


def tokens_for_reader(actor: Actor) -> QuerySet[ApiToken]:
    """A person's own tokens; administrators see all."""
    require_signed_in(actor)
    tokens = ApiToken.objects.select_related("user")
    if actor.has_role("administrator"):
        return tokens
    return tokens.filter(user=actor.user)


def token_for_revoker(actor: Actor, token_id: int) -> ApiToken:
    token = tokens_for_reader(actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token among those you may manage."))
    return token


def require_token_creator(actor: Actor) -> None:
    """Any signed-in person may create a token for themself, but not a token for another
    token (a leaked token must not be able to mint more)."""
    require_signed_in(actor)
    if actor.kind == "token":
        raise AccessDenied(_("A token cannot create tokens; sign in to create one."))
