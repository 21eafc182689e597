"""CKAN's Action API (`/api/3/action/<name>`, `/api/action/<name>`) as plain Django views:
the envelope, the statuses and the errors are CKAN's, not the platform's API's
(docs/decisions/0013). Read actions answer GET (query parameters; a repeated key is a
list) and POST (JSON or a form). No redirects: ckanapi does not follow them."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tinhso.agencies.auth import actor_for_token
from tinhso.core import access as core_access
from tinhso.core.actors import Actor, actor_from_request, client_ip
from tinhso.core.throttle import rate_limited

from .errors import ActionError, BadRequest, NotAuthorized, NotFound
from .registry import ACTIONS, Call

CONTENT_TYPE = "application/json;charset=utf-8"
IGNORED = {"callback", "_"}  # JSONP and cache-busting parameters, not the action's


def _json(body, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=CONTENT_TYPE
    )


def _help(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(f"/api/3/action/help_show?name={name}")


def _too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    return _json(
        {
            "help": _help(request, "status_show"),
            "success": False,
            "error": {
                "message": _(
                    "Too many requests from your address; try again in %(seconds)s seconds."
                )
                % {"seconds": seconds},
                "__type": "Rate Limit Error",
            },
        },
        status=429,
    )


def _actor(request: HttpRequest, *, token_only: bool = False) -> Actor:
    """The token's user (sent raw in `Authorization` or `X-CKAN-API-Key`, as ckanapi does,
    or as `Bearer …`), else the signed-in user, else an anonymous citizen. A token that is
    sent but not valid is refused rather than served as anonymous. A write action
    (`token_only`) takes a token and nothing else: never the session's cookie, which a
    page on another site could make a signed-in steward's browser send."""
    raw = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""
    raw = raw.strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if raw:
        actor = actor_for_token(raw, ip=client_ip(request))
        if actor is None:
            raise NotAuthorized(_("the API token is not valid."))
        return actor
    if token_only:
        raise NotAuthorized(_("changing data takes an API token (the session is not used)."))
    return actor_from_request(request)


def _data(request: HttpRequest) -> dict:
    if request.method == "GET":
        source = request.GET
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        source = request.POST
    else:
        if not request.body.strip():
            return {}
        try:
            found = json.loads(request.body)
        except ValueError:
            raise BadRequest("Bad request - JSON Error: " + _("the body is not JSON.")) from None
        if not isinstance(found, dict):
            raise BadRequest("Bad request - JSON Error: " + _("the body must be a JSON object."))
        return {k: v for k, v in found.items() if k not in IGNORED}
    return {
        key: (values if len(values) > 1 else values[0])
        for key, values in source.lists()
        if key not in IGNORED
    }


@csrf_exempt
@rate_limited(_too_many, scope="ckan")
def action(request: HttpRequest, name: str) -> HttpResponse:
    """One action of the table in registry.py, in CKAN's envelope."""
    found = ACTIONS.get(name)
    if found is None:
        return _json(f"Bad request - Action name not known: {name}", status=400)
    if request.method not in ("GET", "POST"):
        return _json("Bad request - " + _("use GET or POST."), status=400)
    if request.method == "GET" and not found.side_effect_free:
        return _json(
            "Bad request - JSON Error: Invalid request. Please use POST method for your request",
            status=400,
        )
    envelope: dict = {"help": _help(request, name)}
    try:
        actor = _actor(request, token_only=not found.side_effect_free)
        call = Call(request, actor, _data(request))
        envelope |= {"success": True, "result": found.run(call)}
        status = 200
    except BadRequest as exc:
        return _json(exc.text, status=400)
    except core_access.NotFound as exc:
        error = NotFound(exc.message)
        envelope |= {"success": False, "error": error.body()}
        status = error.status
    except core_access.AccessDenied as exc:
        error = NotAuthorized(exc.message)
        envelope |= {"success": False, "error": error.body()}
        status = error.status
    except ActionError as exc:
        envelope |= {"success": False, "error": exc.body()}
        status = exc.status
    return _json(envelope, status=status)


@csrf_exempt
def version(request: HttpRequest) -> HttpResponse:
    """The API's generation, as CKAN answers `/api/3`."""
    return _json({"version": 3})
