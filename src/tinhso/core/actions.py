"""The shared half of every write: recording it in the audit log.

Domain actions (`<app>/actions.py`) call `record` inside their transaction, so a write and
its audit entry are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.core.values import jsonable


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited state of `obj`: its concrete fields (foreign keys as ids), or `fields`.

    Fields named `password` or ending in `_hash` are never copied into the log.
    """
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {
        name: jsonable(getattr(obj, name))
        for name in names
        if name != "password" and not name.endswith("_hash")
    }


def record(
    actor: Actor,
    action: str,
    obj: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry for `action` done by `actor` on `obj`."""
    user = actor.user
    return AuditEntry.objects.create(
        actor_kind=actor.kind,
        actor_user_id=user.pk if user is not None else None,
        actor_token_id=actor.token_id,
        actor_label=actor.label[:200],
        ip=actor.ip,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
    )


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose value differs, for compact before/after entries."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
