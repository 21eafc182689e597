"""Writes to administrative units: loading the reference tables, uploading boundaries."""

from __future__ import annotations

from django.db import transaction

from tinhso.core.actions import record
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.units.boundaries import match_communes, read_boundary_file
from tinhso.units.loader import load_units
from tinhso.units.models import BoundaryUpload, CommuneBoundary, Province

__all__ = ["load_units", "upload_boundaries"]


def upload_boundaries(
    actor: Actor, province: Province, *, file_name: str, data: bytes, declared_crs: str | None
) -> BoundaryUpload:
    """Read a boundary file, match it to the province's communes and replace the matched
    communes' boundaries. A file that cannot be read raises `BoundaryFileError` and
    changes nothing; features that match no commune are listed in the report."""
    parsed = read_boundary_file(file_name, data, declared_crs)
    report = match_communes(parsed, province)
    matches = report.pop("matches")
    with transaction.atomic():
        upload = BoundaryUpload.objects.create(
            file_name=file_name[:255],
            source_crs=parsed.crs,
            province=province,
            uploaded_by_id=actor.user.pk if actor.user else None,
            report=report,
        )
        CommuneBoundary.objects.filter(commune_id__in=matches).delete()
        CommuneBoundary.objects.bulk_create(
            CommuneBoundary(commune_id=cid, geometry=geometry, upload=upload)
            for cid, geometry in matches.items()
        )
        record(
            actor,
            "units.upload_boundaries",
            upload,
            after={
                "crs": parsed.crs,
                "features": report["features"],
                "matched": len(report["matched"]),
                "unmatched": len(report["unmatched"]),
            },
        )
    emit("units.boundaries_uploaded", actor=actor, upload_id=upload.pk)
    return upload
