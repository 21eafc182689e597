"""Platform-wide endpoints: the audit log for administrators.

The kernel knows no accounts or tokens: the site mounts this router with the platform's
authentication (`auth=`), and `audit_entries_for_reader` refuses anyone but an
administrator whatever the authentication."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from tinhso.core.access import audit_entries_for_reader
from tinhso.core.actors import actor_from_request
from tinhso.core.pagination import BoundedPagination

router = Router()


class ErrorOut(Schema):
    """What every error answer holds: the reason, in the caller's language."""

    detail: str


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor_kind: str
    actor_label: str
    actor_user_id: int | None
    actor_token_id: int | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None


@router.get("/audit", response=list[AuditEntryOut], summary="Audit log")
@paginate(BoundedPagination)
def audit_log(
    request: HttpRequest,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
):
    """Every write, newest first (administrators only)."""
    entries = audit_entries_for_reader(actor_from_request(request))
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if action:
        entries = entries.filter(action=action)
    return entries
