"""Every write to agencies, users, roles and tokens: each records its audit entry in the
same transaction and emits its event."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.agencies.auth import TOKEN_PREFIX, digest
from tinhso.agencies.models import Agency, ApiToken, Role, RoleAssignment, User
from tinhso.core.actions import changed, record, snapshot
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.units.models import Commune

AGENCY_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent_id",
    "province_id",
    "commune_id",
    "email",
    "phone",
    "address",
    "website",
    "is_active",
    "is_demo",
)
USER_FIELDS = (
    "username",
    "full_name",
    "email",
    "phone",
    "agency_id",
    "is_active",
    "is_staff",
    "is_superuser",
    "is_demo",
)


def _agency_state(agency: Agency) -> dict[str, Any]:
    state = snapshot(agency, AGENCY_FIELDS)
    state["communes_served"] = sorted(agency.communes_served.values_list("code", flat=True))
    return state


@transaction.atomic
def create_agency(
    actor: Actor, *, communes_served: Iterable[Commune] = (), **fields: Any
) -> Agency:
    """Create an agency (and the communes it serves)."""
    agency = Agency(**fields)
    agency.full_clean()
    agency.save()
    agency.communes_served.set(communes_served)
    record(actor, "agencies.create_agency", agency, after=_agency_state(agency))
    emit("agency.created", actor=actor, agency_id=agency.pk)
    return agency


@transaction.atomic
def update_agency(
    actor: Actor,
    agency: Agency,
    *,
    communes_served: Iterable[Commune] | None = None,
    **changes: Any,
) -> Agency:
    """Change an agency's fields or served communes; records only what changed."""
    before = _agency_state(agency)
    for name, value in changes.items():
        setattr(agency, name, value)
    agency.full_clean()
    agency.save()
    if communes_served is not None:
        agency.communes_served.set(communes_served)
    old, new = changed(before, _agency_state(agency))
    if new:
        record(actor, "agencies.update_agency", agency, before=old, after=new)
        emit("agency.updated", actor=actor, agency_id=agency.pk, fields=sorted(new))
    return agency


def _user_state(user: User) -> dict[str, Any]:
    state = snapshot(user, USER_FIELDS)
    state["roles"] = sorted(user.role_assignments.values_list("role", flat=True))
    return state


@transaction.atomic
def create_user(
    actor: Actor,
    *,
    username: str,
    password: str | None,
    roles: Iterable[str] = (),
    **fields: Any,
) -> User:
    """Create a staff account. Without a password the account cannot sign in until one is
    set (API tokens still work)."""
    user = User(username=username, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=Role(role)) for role in dict.fromkeys(roles)
    )
    record(actor, "agencies.create_user", user, after=_user_state(user))
    emit("user.created", actor=actor, user_id=user.pk)
    return user


@transaction.atomic
def update_user(actor: Actor, user: User, **changes: Any) -> User:
    before = _user_state(user)
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    old, new = changed(before, _user_state(user))
    if new:
        record(actor, "agencies.update_user", user, before=old, after=new)
    return user


@transaction.atomic
def set_roles(actor: Actor, user: User, roles: Iterable[str]) -> User:
    """Replace the roles a user holds."""
    before = sorted(user.role_assignments.values_list("role", flat=True))
    wanted = sorted({Role(r).value for r in roles})
    user.role_assignments.exclude(role__in=wanted).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=r) for r in wanted if r not in before]
    )
    user.__dict__.pop("role_codes", None)
    if before != wanted:
        record(actor, "agencies.set_roles", user, before={"roles": before}, after={"roles": wanted})
        emit("user.roles_changed", actor=actor, user_id=user.pk, roles=wanted)
    return user


@transaction.atomic
def set_password(actor: Actor, user: User, password: str) -> User:
    """Set a user's password (the audit entry says it changed, never what to)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor, "agencies.set_password", user, after={"password_changed": True})
    return user


@transaction.atomic
def create_token(
    actor: Actor, user: User, *, label: str = "", expires_at=None
) -> tuple[ApiToken, str]:
    """Create an API token for `user`. Returns the token row and the raw token, which is
    shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        label=label,
        prefix=raw[: len(TOKEN_PREFIX) + 8],
        digest=digest(raw),
        expires_at=expires_at,
    )
    record(
        actor,
        "agencies.create_token",
        token,
        after={
            "user": user.username,
            "label": label,
            "prefix": token.prefix,
            "expires_at": expires_at,
        },
    )
    emit("token.created", actor=actor, token_id=token.pk)
    return token, raw


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token; it stops working at once. Revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor,
            "agencies.revoke_token",
            token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at},
        )
        emit("token.revoked", actor=actor, token_id=token.pk)
    return token
