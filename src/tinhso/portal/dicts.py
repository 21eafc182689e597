"""The warehouse's objects in CKAN 2.11's shapes (`model_dictize`): packages with their
resources, organizations (the agencies that own datasets), groups (the DCAT themes),
tags and licences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.translation import gettext as _

from tinhso.warehouse.models import (
    OPEN_LICENCES,
    Access,
    Dataset,
    Licence,
    Theme,
)

from .index import formats_of, resource_id, stable_id

FORMAT_NAMES = {
    "csv": ("CSV", "text/csv"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("JSON", "application/json"),
    "geojson": ("GeoJSON", "application/geo+json"),
    "parquet": ("Parquet", "application/vnd.apache.parquet"),
}
LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.ODC_BY: "https://opendatacommons.org/licenses/by/1-0/",
    Licence.ODBL: "https://opendatacommons.org/licenses/odbl/1-0/",
    Licence.DECREE_47: "https://vanban.chinhphu.vn/?pageid=27160&docid=199714",
}


def timestamp(moment: dt.datetime | None) -> str | None:
    """CKAN's timestamps: ISO 8601 in UTC without the zone."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat()


def organization(agency, package_count: int | None = None) -> dict:
    out = {
        "id": stable_id("agency", agency.pk),
        "name": agency.code.lower(),
        "title": agency.name,
        "display_name": agency.name,
        "type": "organization",
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active" if agency.is_active else "deleted",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group(code: str, package_count: int | None = None) -> dict:
    title = str(dict(Theme.choices).get(code, code))
    out = {
        "id": stable_id("theme", code),
        "name": code.lower(),
        "title": title,
        "display_name": title,
        "type": "group",
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def tag(name: str) -> dict:
    return {
        "id": stable_id("tag", name),
        "name": name,
        "display_name": name,
        "vocabulary_id": None,
        "state": "active",
    }


def licence(code: str) -> dict:
    title = str(dict(Licence.choices).get(code, code))
    is_open = code in OPEN_LICENCES
    return {
        "id": code,
        "title": title,
        "url": LICENCE_URLS.get(code, ""),
        "status": "active",
        "maintainer": "",
        "family": "",
        "domain_content": True,
        "domain_data": True,
        "domain_software": False,
        "is_generic": False,
        "is_okd_compliant": is_open,
        "is_osi_compliant": False,
        "od_conformance": "approved" if is_open else "not reviewed",
        "osd_conformance": "not reviewed",
    }


def resources(request: HttpRequest, dataset: Dataset) -> list[dict]:
    """One resource per download format of the current version."""
    current = dataset.current
    if current is None:
        return []
    package_id = stable_id("dataset", dataset.pk)
    out = []
    for position, fmt in enumerate(formats_of(current.schema)):
        name, mimetype = FORMAT_NAMES[fmt]
        size = None
        if fmt == "parquet" and current.path.is_file():
            size = current.path.stat().st_size
        out.append(
            {
                "id": resource_id(dataset.pk, fmt),
                "package_id": package_id,
                "name": f"{dataset.title} ({name})",
                "description": _("Version %(number)s, %(rows)s rows.")
                % {"number": current.number, "rows": current.rows},
                "url": request.build_absolute_uri(
                    f"/api/data/datasets/{dataset.slug}/download/{fmt}"
                ),
                "format": name,
                "mimetype": mimetype,
                "size": size,
                "hash": "",
                "created": timestamp(current.created_at),
                "last_modified": timestamp(current.created_at),
                "metadata_modified": timestamp(current.created_at),
                "datastore_active": fmt == "csv",
                "url_type": None,
                "state": "active",
                "position": position,
            }
        )
    return out


def _extras(dataset: Dataset) -> list[dict]:
    current = dataset.current
    pairs = {
        "frequency": dataset.frequency,
        "spatial_coverage": dataset.spatial,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "access_level": dataset.access,  # Law on Data 60/2024, Art. 13
        "importance": dataset.importance,
        "themes": ",".join(dataset.themes),
        "rows": str(current.rows) if current else "",
        "version": str(current.number) if current else "",
    }
    return [{"key": k, "value": v} for k, v in pairs.items() if v]


def package(request: HttpRequest, dataset: Dataset) -> dict:
    """A dataset as `package_show` gives it (`dataset.current` attached beforehand when
    many are shown: attach_current)."""
    current = dataset.current
    tags = [tag(t) for t in dataset.tags]
    found = resources(request, dataset)
    modified = max(dataset.updated_at, current.created_at) if current else dataset.updated_at
    return {
        "id": stable_id("dataset", dataset.pk),
        "name": dataset.slug,
        "title": dataset.title,
        "type": "dataset",
        "state": "active",
        "private": dataset.access != Access.OPEN,
        "owner_org": stable_id("agency", dataset.owner_id),
        "organization": organization(dataset.owner),
        "notes": dataset.description,
        "license_id": dataset.licence,
        "license_title": licence(dataset.licence)["title"],
        "license_url": LICENCE_URLS.get(dataset.licence, ""),
        "isopen": dataset.licence in OPEN_LICENCES,
        "author": dataset.owner.name,
        "author_email": dataset.owner.email or None,
        "maintainer": dataset.contact_name or None,
        "maintainer_email": dataset.contact_email or None,
        "url": request.build_absolute_uri(f"/data/{dataset.slug}/"),
        "version": str(current.number) if current else None,
        "metadata_created": timestamp(dataset.created_at),
        "metadata_modified": timestamp(modified),
        "creator_user_id": None,
        "tags": tags,
        "num_tags": len(tags),
        "groups": [group(code) for code in dataset.themes],
        "extras": _extras(dataset),
        "resources": found,
        "num_resources": len(found),
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }


def packages(request: HttpRequest, datasets: Iterable[Dataset]) -> list[dict]:
    from tinhso.warehouse.models import attach_current

    return [package(request, d) for d in attach_current(list(datasets))]
