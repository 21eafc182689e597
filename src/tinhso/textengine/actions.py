"""Every write to classifier versions: storing a trained model, activating one (which is
also how a rollback is done). Each is audited."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core.actions import record
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.textengine.models import ClassifierVersion

if TYPE_CHECKING:  # scikit-learn is loaded only where a model is trained or used
    from tinhso.textengine.classifier import TextClassifier

# A new model replaces the active one unless it scores this much worse on held-out data.
TOLERANCE = 0.02


def models_dir() -> Path:
    return Path(settings.DATA_DIR) / "models"


@transaction.atomic
def store_version(
    actor: Actor,
    purpose: str,
    model: TextClassifier,
    evaluation: dict,
    *,
    is_demo: bool = False,
    activate: bool | None = None,
) -> ClassifierVersion:
    """Keep a trained model as a new version. It becomes active when asked to, or, by
    default, when there is no active model or it scores no worse than the active one (on
    its own held-out examples) by more than TOLERANCE."""
    path = models_dir() / purpose / f"{uuid.uuid4().hex}.joblib"
    model.save(path)
    active = ClassifierVersion.objects.filter(purpose=purpose, is_active=True).first()
    if activate is None:
        new_f1, old_f1 = evaluation.get("macro_f1"), active.macro_f1 if active else None
        activate = active is None or (
            new_f1 is not None and (old_f1 is None or new_f1 >= old_f1 - TOLERANCE)
        )
    version = ClassifierVersion.objects.create(
        purpose=purpose,
        file=str(path.relative_to(settings.DATA_DIR)),
        labels=model.labels,
        summary=model.summary,
        evaluation=evaluation,
        trained_by=actor.label[:200],
        is_demo=is_demo,
        note="" if activate else _("Kept inactive: it scored lower than the active version."),
    )
    record(
        actor,
        "textengine.store_version",
        version,
        after={"purpose": purpose, "macro_f1": evaluation.get("macro_f1")},
    )
    if activate:
        activate_version(actor, version)
    return version


@transaction.atomic
def activate_version(actor: Actor, version: ClassifierVersion) -> ClassifierVersion:
    """Make `version` the one in use for its purpose (a rollback is activating an older
    one)."""
    previous = (
        ClassifierVersion.objects.select_for_update()
        .filter(purpose=version.purpose, is_active=True)
        .exclude(pk=version.pk)
        .first()
    )
    if previous is not None:
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    version.is_active = True
    version.save(update_fields=["is_active"])
    record(
        actor,
        "textengine.activate_version",
        version,
        before={"active": previous.pk if previous else None},
        after={"active": version.pk},
    )
    emit("textengine.activated", actor=actor, purpose=version.purpose, version_id=version.pk)
    return version
