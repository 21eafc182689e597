"""The shared half of every write: recording it in the audit log.

Domain actions (`<app>/actions.py`) call `record` inside their transaction, so a write and
its audit entry are committed together or not at all.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models

from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.core.values import jsonable


class Secret:
    """A sensitive field's value inside a snapshot: compared by a keyed digest, so a
    change shows, and written to the log as "•••" (or "changed"), never as itself."""

    def __init__(self, value: Any):
        raw = str(value or "").encode()
        key = settings.SECRET_KEY.encode()
        self.digest = hmac.new(key, raw, hashlib.sha256).hexdigest() if raw else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and hmac.compare_digest(self.digest, other.digest)

    def __hash__(self) -> int:
        return hash(self.digest)

    def __str__(self) -> str:
        return "•••" if self.digest else ""


def sensitive_fields(model: type[models.Model] | models.Model) -> set[str]:
    """Fields whose values never reach the audit log: `password`, anything ending in
    `_hash`, and what the model declares in `sensitive_fields` (secrets, keys, digests)."""
    declared = set(getattr(model, "sensitive_fields", ()))
    names = {f.attname for f in model._meta.concrete_fields}
    return declared | {n for n in names if n == "password" or n.endswith("_hash")}


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited state of `obj`: its concrete fields (foreign keys as ids), or `fields`.
    Sensitive fields (`sensitive_fields`) are kept only as `Secret`s."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    hidden = sensitive_fields(obj)
    return {
        name: Secret(getattr(obj, name)) if name in hidden else jsonable(getattr(obj, name))
        for name in names
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
    """Only the keys whose value differs, for compact before/after entries; a secret that
    changed is written as "changed"."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return (
        {k: before.get(k) for k in keys},
        {k: "changed" if isinstance(after[k], Secret) else after[k] for k in keys},
    )
