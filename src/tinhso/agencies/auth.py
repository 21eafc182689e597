"""How the API knows who is calling: an API token (`Authorization: Bearer …`) or a
signed-in browser session (with its CSRF check)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from tinhso.core.access import AccessDenied
from tinhso.core.actors import Actor, actor_from_request, client_ip

TOKEN_PREFIX = "tsk_"  # noqa: S105 - a public prefix, not a secret
# last_used_at is bookkeeping, not an audited write: refresh it at most once a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(raw: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough (as GitHub and PyPI do);
    # a slow password hash would only slow every API call.
    return hashlib.sha256(raw.encode()).hexdigest()


def actor_for_token(raw: str, ip: str | None = None) -> Actor | None:
    """The actor a raw token stands for, or None if it is unknown, revoked or expired."""
    from tinhso.agencies.models import ApiToken

    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(digest=digest(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Actor(kind="token", user=token.user, token_id=token.pk, ip=ip)


def reader(request: HttpRequest) -> Actor:
    """The caller of a public endpoint that answers more to those who identify: the bearer
    of a token when one is sent (refused if it is not valid, rather than served as an
    anonymous caller), else the signed-in user, else an anonymous citizen."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        actor = actor_for_token(header[7:].strip(), ip=client_ip(request))
        if actor is None:
            raise AccessDenied(_("The API token is not valid."), needs_sign_in=True)
        return actor
    return actor_from_request(request)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        return actor_for_token(token, client_ip(request))


class Session(APIKeyCookie):
    """A signed-in browser session; ninja checks CSRF for it on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return Actor.for_user(user, ip=client_ip(request))
        return None


signed_in = [BearerToken(), Session()]
