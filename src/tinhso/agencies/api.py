"""Agencies (public directory, managed by administrators), the caller's own account, and
API tokens."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from tinhso.agencies import access, actions
from tinhso.agencies.auth import signed_in
from tinhso.agencies.models import Agency, AgencyKind, ApiToken
from tinhso.core.actors import actor_from_request
from tinhso.core.api import ErrorOut
from tinhso.units import province as home_province
from tinhso.units.models import Commune

router = Router()
tokens_router = Router()
account_router = Router()


class AgencyOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent: str | None
    commune: str | None = Field(None, description="Own commune of a commune People's Committee")
    email: str
    phone: str
    address: str
    website: str
    is_demo: bool

    @staticmethod
    def resolve_kind_label(obj: Agency) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj: Agency) -> str | None:
        return obj.parent.code if obj.parent is not None else None

    @staticmethod
    def resolve_commune(obj: Agency) -> str | None:
        return obj.commune.code if obj.commune is not None else None


class AgencyDetailOut(AgencyOut):
    communes_served: list[str]

    @staticmethod
    def resolve_communes_served(obj: Agency) -> list[str]:
        return sorted(obj.communes_served.values_list("code", flat=True))


class AgencyIn(Schema):
    code: str = Field(..., max_length=40, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(..., min_length=2, max_length=200)
    short_name: str = ""
    kind: AgencyKind
    parent: str | None = None
    commune: str | None = None
    communes_served: list[str] = []
    email: str = ""
    phone: str = ""
    address: str = ""
    website: str = ""


class AgencyPatch(Schema):
    name: str | None = Field(None, min_length=2, max_length=200)
    short_name: str | None = None
    parent: str | None = None
    communes_served: list[str] | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    website: str | None = None
    is_active: bool | None = None


def _communes(codes: list[str]) -> list[Commune]:
    communes = list(Commune.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {c.code for c in communes})
    if missing:
        raise HttpError(422, _("Unknown commune codes: %(codes)s") % {"codes": ", ".join(missing)})
    return communes


def _validation(exc: DjangoValidationError) -> HttpError:
    messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return HttpError(422, messages)


@router.get("", response=list[AgencyOut], summary="List agencies")
def list_agencies(request: HttpRequest, kind: AgencyKind | None = None, commune: str | None = None):
    """The province's agencies with their contacts. `commune` gives the agencies serving
    that commune (its People's Committee and the agencies assigned to it)."""
    agencies = access.agencies_for_reader(actor_from_request(request))
    if kind:
        agencies = agencies.filter(kind=kind)
    if commune:
        agencies = agencies.filter(communes_served__code=commune) | agencies.filter(
            commune__code=commune
        )
    return agencies.distinct().order_by("kind", "name")


@router.get("/{code}", response=AgencyDetailOut, summary="One agency")
def get_agency(request: HttpRequest, code: str):
    return access.agency_for_reader(actor_from_request(request), code)


@router.post(
    "", response={201: AgencyDetailOut, 409: ErrorOut}, auth=signed_in, summary="Create an agency"
)
def create_agency(request: HttpRequest, payload: AgencyIn):
    """Administrators only."""
    actor = actor_from_request(request)
    access.require_agency_manager(actor)
    province = home_province.home_or_404()
    parent = access.agency_for_reader(actor, payload.parent) if payload.parent else None
    commune = _communes([payload.commune])[0] if payload.commune else None
    if Agency.objects.filter(code=payload.code).exists():
        raise HttpError(
            409, _("An agency with code “%(code)s” already exists.") % {"code": payload.code}
        )
    try:
        agency = actions.create_agency(
            actor,
            code=payload.code,
            name=payload.name,
            short_name=payload.short_name,
            kind=payload.kind,
            parent=parent,
            province=province,
            commune=commune,
            email=payload.email,
            phone=payload.phone,
            address=payload.address,
            website=payload.website,
            communes_served=_communes(payload.communes_served),
        )
    except DjangoValidationError as exc:
        raise _validation(exc) from exc
    return Status(201, agency)


@router.patch("/{code}", response=AgencyDetailOut, auth=signed_in, summary="Change an agency")
def update_agency(request: HttpRequest, code: str, payload: AgencyPatch):
    """Administrators only. Fields left out are unchanged."""
    actor = actor_from_request(request)
    access.require_agency_manager(actor)
    agency = access.agency_for_reader(actor, code)
    data = payload.dict(exclude_unset=True)
    communes = _communes(data.pop("communes_served")) if "communes_served" in data else None
    if "parent" in data:
        data["parent"] = access.agency_for_reader(actor, data["parent"]) if data["parent"] else None
    try:
        return actions.update_agency(actor, agency, communes_served=communes, **data)
    except DjangoValidationError as exc:
        raise _validation(exc) from exc


# --- the caller ---------------------------------------------------------------------


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    agency: str | None
    agency_name: str | None
    roles: list[str]
    via_token: bool


@account_router.get("/me", response=MeOut, auth=signed_in, summary="The caller's own account")
def me(request: HttpRequest) -> dict:
    actor = actor_from_request(request)
    user = actor.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "agency": user.agency.code if user.agency_id else None,
        "agency_name": user.agency.name if user.agency_id else None,
        "roles": sorted(user.role_codes),
        "via_token": actor.kind == "token",
    }


# --- tokens ---------------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    label: str
    prefix: str
    user: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_user(obj: ApiToken) -> str:
        return obj.user.username


class TokenIn(Schema):
    label: str = Field("", max_length=100)
    expires_at: dt.datetime | None = None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself. Shown once: store it now.")


@tokens_router.get("", response=list[TokenOut], auth=signed_in, summary="My API tokens")
def list_tokens(request: HttpRequest):
    return access.tokens_for_reader(actor_from_request(request))


@tokens_router.post("", response={201: TokenCreatedOut}, auth=signed_in, summary="Create a token")
def create_token(request: HttpRequest, payload: TokenIn):
    """Creates a token acting with your rights. The answer is the only time the token is
    shown."""
    actor = actor_from_request(request)
    access.require_token_creator(actor)
    token, raw = actions.create_token(
        actor, actor.user, label=payload.label, expires_at=payload.expires_at
    )
    token.token = raw  # type: ignore[attr-defined]  # on the instance only, for this response
    return Status(201, token)


@tokens_router.delete("/{token_id}", response=TokenOut, auth=signed_in, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int):
    """Revoke one of your tokens (administrators: any token). It stops working at once."""
    actor = actor_from_request(request)
    return actions.revoke_token(actor, access.token_for_revoker(actor, token_id))
