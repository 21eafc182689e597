"""CKAN's write actions for agency systems: `package_create`, `package_patch` and
`resource_create` (an upload, which becomes a new version of the dataset). Each goes
through `warehouse.actions` — validated and audited as any other write — and is allowed
by `warehouse.access` alone: the token's user must be a data steward of the owner agency
(or an administrator). The token is the only way in (views.py refuses the session).

Field names are CKAN 2.11's: name, title, notes, owner_org, private, license_id,
tags [{name}], groups [{name}], extras [{key, value}] (docs/api.md lists the extras)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError as ModelError
from django.utils.translation import gettext as _

from tinhso.warehouse import access as warehouse_access
from tinhso.warehouse import actions
from tinhso.warehouse.models import (
    Access,
    Dataset,
    Frequency,
    Importance,
    Licence,
    Spatial,
    Theme,
    VersionStatus,
)

from . import access, dicts
from .errors import NotAuthorized, ValidationError
from .index import stable_id

if TYPE_CHECKING:
    from .registry import Call

NAME = re.compile(r"^[a-z0-9_-]{2,80}$")
# The model's fields under CKAN's names (extras by their key).
CKAN_NAMES = {
    "slug": "name",
    "title": "title",
    "description": "notes",
    "licence": "license_id",
    "access": "private",
    "themes": "groups",
    "tags": "tags",
    "frequency": "frequency",
    "spatial": "spatial_coverage",
    "temporal_start": "temporal_start",
    "temporal_end": "temporal_end",
    "importance": "importance",
    "owner": "owner_org",
}
EXTRAS = {
    "frequency": "frequency",
    "spatial_coverage": "spatial",
    "temporal_start": "temporal_start",
    "temporal_end": "temporal_end",
    "access_level": "access",
    "importance": "importance",
}
READ_ONLY_EXTRAS = {"rows", "version", "themes"}  # package_show gives them; sent back, ignored
CHOICES = {
    "frequency": Frequency.values,
    "spatial": Spatial.values,
    "access": Access.values,
    "importance": Importance.values,
}


class Errors(dict):
    """CKAN's Validation Error body being gathered: field → [messages]."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _listed(value, field: str, errors: Errors) -> list | None:
    """A list sent as a list, or as JSON text (a multipart form sends only strings)."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except ValueError:
            errors.add(field, _("Cannot parse JSON"))
            return None
    if not isinstance(value, list):
        errors.add(field, _("Must be a list"))
        return None
    return value


def _names(value, field: str, errors: Errors) -> list[str] | None:
    """[{name: …}] or [str] → the names."""
    found = _listed(value, field, errors)
    if found is None:
        return None
    names = []
    for item in found:
        name = item.get("name") or item.get("id") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            errors.add(field, _("Missing value"))
            return None
        names.append(name.strip())
    return names


def _themes(names: list[str], errors: Errors) -> list[str]:
    by_ref = {}
    for code in Theme.values:
        by_ref[code.lower()] = by_ref[code] = by_ref[stable_id("theme", code)] = code
    themes = []
    for name in names:
        if name not in by_ref:
            errors.add("groups", _("Group “%(name)s” does not exist") % {"name": name})
        elif by_ref[name] not in themes:
            themes.append(by_ref[name])
    return themes


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("true", "1", "yes", "on")


def _metadata(data: dict, errors: Errors, *, current: Dataset | None = None) -> dict:
    """The warehouse's fields from CKAN's, only those sent."""
    fields: dict = {}
    if "title" in data:
        fields["title"] = str(data["title"] or "").strip()
    if "notes" in data:
        fields["description"] = str(data["notes"] or "")
    if "license_id" in data:
        licence = str(data["license_id"] or "")
        if licence not in Licence.values:
            errors.add("license_id", _("License not found"))
        fields["licence"] = licence
    if "tags" in data:
        tags = _names(data["tags"], "tags", errors)
        if tags is not None:
            for tag in tags:
                if len(tag) > 100:
                    errors.add("tags", _("Tag “%(tag)s” is longer than 100") % {"tag": tag[:20]})
            fields["tags"] = list(dict.fromkeys(tags))
    if "groups" in data:
        groups = _names(data["groups"], "groups", errors)
        if groups is not None:
            fields["themes"] = _themes(groups, errors)
    if "private" in data:
        private = _flag(data["private"])
        if not private:
            fields["access"] = Access.OPEN
        elif current is None or current.access == Access.OPEN:
            fields["access"] = Access.PRIVATE
    if "extras" in data:
        extras = _listed(data["extras"], "extras", errors) or []
        for extra in extras:
            key = extra.get("key") if isinstance(extra, dict) else None
            value = extra.get("value", "") if isinstance(extra, dict) else None
            if key in READ_ONLY_EXTRAS:
                continue
            if key not in EXTRAS:
                errors.add("extras", _("The extra “%(key)s” is not kept here") % {"key": key})
                continue
            field = EXTRAS[key]
            value = "" if value is None else str(value).strip()
            if field in CHOICES and value not in CHOICES[field]:
                errors.add(key, _("Value must be one of %(values)s") % {"values": _values(field)})
            elif field.startswith("temporal_"):
                try:
                    value = dt.date.fromisoformat(value) if value else None
                except ValueError:
                    errors.add(key, _("Date format incorrect"))
            fields[field] = value
    return fields


def _values(field: str) -> str:
    return ", ".join(v for v in CHOICES[field] if v)


def _model_errors(exc: ModelError, errors: Errors) -> None:
    for field, messages in exc.message_dict.items():
        for message in messages:
            errors.add(CKAN_NAMES.get(field, field), message)


def _agency(ref: str, errors: Errors):
    from tinhso.agencies.models import Agency

    for agency in Agency.objects.filter(is_active=True):
        if ref in (agency.code.lower(), agency.code, stable_id("agency", agency.pk)):
            return agency
    errors.add("owner_org", _("Organization does not exist"))
    return None


def _require_steward(call: Call) -> None:
    if not warehouse_access.can_create(call.actor):
        raise NotAuthorized(_("only data stewards and administrators change datasets."))


def package_create(call: Call) -> dict:
    """Create a dataset (no data yet: add it with resource_create) in an agency the
    token's user keeps. name, title, notes, owner_org, private, license_id, tags, groups,
    extras (frequency, spatial_coverage, temporal_start, temporal_end, access_level,
    importance)."""
    _require_steward(call)
    data = call.data
    errors = Errors()
    name = str(data.get("name") or "").strip()
    if not name:
        errors.add("name", _("Missing value"))
    elif not NAME.match(name):
        errors.add(
            "name",
            _(
                "Must be purely lowercase alphanumeric (ascii) characters and these "
                "symbols: -_ (2 to 80 of them)"
            ),
        )
    elif Dataset.objects.filter(slug=name).exists():
        errors.add("name", _("That URL is already in use."))
    owner = None
    if not data.get("owner_org"):
        errors.add("owner_org", _("Missing value"))
    else:
        owner = _agency(str(data["owner_org"]), errors)
    if owner is not None and not warehouse_access.owners_for(call.actor).filter(pk=owner.pk):
        raise NotAuthorized(
            _("you may not create datasets for %(agency)s.") % {"agency": owner.name}
        )
    fields = _metadata(data, errors)
    fields.setdefault("title", name)
    if not fields["title"]:
        fields["title"] = name
    fields.setdefault("access", Access.OPEN)
    draft = Dataset(slug=name, owner=owner, **fields)
    flagged = [field for field, ckan in CKAN_NAMES.items() if ckan in errors]
    try:
        draft.full_clean(exclude=["owner", *flagged], validate_unique=False)
    except ModelError as exc:
        _model_errors(exc, errors)
    errors.raise_any()
    dataset = actions.create_dataset(call.actor, slug=name, owner=owner, **fields)
    return dicts.package(call.request, access.dataset_for(call.actor, dataset.slug))


def _writable(call: Call, ref: str) -> Dataset:
    """A dataset the token's user keeps: not found if they may not read it, refused if
    they read it but do not keep it."""
    dataset = access.dataset_for(call.actor, ref)
    if not warehouse_access.can_write(call.actor, dataset):
        raise NotAuthorized(
            _("only the data stewards of %(agency)s change this dataset.")
            % {"agency": dataset.owner.name}
        )
    return dataset


def package_patch(call: Call) -> dict:
    """Change the fields sent of a dataset (by name or id); the others stay. The name
    and the owner organization do not change."""
    dataset = _writable(call, call.required("id"))
    data = call.data
    errors = Errors()
    if data.get("name") not in (None, "", dataset.slug):
        errors.add("name", _("The name of a dataset does not change."))
    if data.get("owner_org") not in (
        None,
        "",
        dataset.owner.code.lower(),
        stable_id("agency", dataset.owner_id),
    ):
        errors.add("owner_org", _("The owner of a dataset does not change."))
    fields = _metadata(data, errors, current=dataset)
    if fields.get("title") == "":
        errors.add("title", _("Missing value"))
    errors.raise_any()
    try:
        actions.update_metadata(call.actor, dataset, **fields)
    except ModelError as exc:
        dataset.refresh_from_db()
        _model_errors(exc, errors)
        errors.raise_any()
    return dicts.package(call.request, access.dataset_for(call.actor, dataset.slug))


def resource_create(call: Call) -> dict:
    """Upload a file (multipart field `upload`) as the dataset's new version: read and
    checked as any upload; refused with the reasons (409) if it cannot be read or does
    not match the current columns (`accept_schema_change`, `append` as on the
    warehouse's push). Answers the new version's CSV resource."""
    from tinhso.warehouse.uploads import safe_name, store

    dataset = _writable(call, call.required("package_id"))
    upload = call.request.FILES.get("upload")
    if upload is None:
        if call.data.get("url"):
            raise ValidationError(
                {"url": [_("Links are not kept: send the file itself in “upload”.")]}
            )
        raise ValidationError({"upload": [_("Missing value")]})
    name = safe_name(upload.name or "upload")
    fmt = call.text("format").lower()
    if "." not in name and fmt:
        name = f"{name}.{fmt}"
    folder = Path(tempfile.mkdtemp(prefix="tinhso-ckan-"))
    try:
        path = store(upload, folder / name)
        if path.stat().st_size == 0:
            raise ValidationError({"upload": [_("The file is empty.")]})
        version = actions.add_version(
            call.actor,
            dataset,
            path,
            source_name=name,
            append=call.flag("append"),
            accept_schema_change=call.flag("accept_schema_change"),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if version.status == VersionStatus.REJECTED:
        report = version.report or {}
        messages = [str(report.get("message") or _("The file was refused."))]
        messages += [str(e["message"]) for e in report.get("errors", [])[:10] if "message" in e]
        raise ValidationError({"upload": messages})
    return dicts.resources(call.request, access.dataset_for(call.actor, dataset.slug))[0]
