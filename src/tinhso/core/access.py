"""Shared permission vocabulary. Each app's `access.py` decides; this module only gives
them one way to refuse."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tinhso.core.actors import Actor


class AccessDenied(PermissionDenied):
    """Refusal with a message in the user's language, mapped to 401 or 403."""

    def __init__(self, message: str, *, needs_sign_in: bool = False):
        super().__init__(message)
        self.message = message
        self.needs_sign_in = needs_sign_in


class NotFound(Exception):
    """A guarded object that does not exist, or that the actor may not know exists."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def require_role(actor: Actor, *roles: str) -> None:
    """Refuse unless `actor` holds one of `roles`."""
    if actor.has_role(*roles):
        return
    if not actor.is_authenticated:
        raise AccessDenied(_("Please sign in to do this."), needs_sign_in=True)
    raise AccessDenied(_("Your account does not have the role needed for this."))


def require_signed_in(actor: Actor) -> None:
    if not actor.is_authenticated and not actor.is_system:
        raise AccessDenied(_("Please sign in to do this."), needs_sign_in=True)


def audit_entries_for_reader(actor: Actor):
    """The audit log, for administrators."""
    from tinhso.core.models import AuditEntry

    require_role(actor, "administrator")
    return AuditEntry.objects.all()
