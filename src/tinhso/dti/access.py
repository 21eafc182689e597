"""Who may change the DTI frameworks and import the national results."""

from __future__ import annotations

from tinhso.core.access import require_role
from tinhso.core.actors import Actor

# Frameworks are reference data of the whole platform: administrators only (who hold every
# role; the platform itself installs the shipped ones).
FRAMEWORK_ADMINS = ("administrator",)
# The national results are public figures that the digital-transformation staff import.
RESULTS_IMPORTERS = ("supervisor", "data_steward")


def require_framework_admin(actor: Actor) -> None:
    require_role(actor, *FRAMEWORK_ADMINS)


def can_edit_frameworks(actor: Actor) -> bool:
    return actor.has_role(*FRAMEWORK_ADMINS)


def require_results_importer(actor: Actor) -> None:
    require_role(actor, *RESULTS_IMPORTERS)
