"""Units are public reference data; only their boundaries are managed."""

from __future__ import annotations

from tinhso.core.access import require_role
from tinhso.core.actors import Actor


def require_boundary_manager(actor: Actor) -> None:
    """Uploading boundaries changes every map and lookup: administrators only."""
    require_role(actor, "administrator")
