"""What changed between a version and the accepted version before it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tinhso.core.access import NotFound
from tinhso.core.actors import Actor
from tinhso.warehouse import access, ingest, rows
from tinhso.warehouse.models import VersionStatus


def between(actor: Actor, slug: str, number: int, *, sample: int = 50) -> dict:
    dataset = access.dataset_for_reader(actor, slug)
    accepted = dataset.versions.filter(status=VersionStatus.ACCEPTED)
    version = accepted.filter(number=number).first()
    if version is None:
        raise NotFound(_("No accepted version %(n)s of this dataset.") % {"n": number})
    previous = accepted.filter(number__lt=number).order_by("-number").first()
    if previous is None:
        return {
            "number": number,
            "previous": None,
            "added": version.rows,
            "removed": 0,
            "columns": [],
            "columns_added": [],
            "columns_removed": [],
        }
    found = ingest.diff(previous.path, version.path, sample=sample)
    rows.audit_read(actor, dataset, {"_diff": number})
    return {"number": number, "previous": previous.number, **found}
