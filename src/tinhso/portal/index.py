"""The search entries of package_search, kept in step with the warehouse lazily: before a
search, three aggregate queries tell whether anything in the catalogue moved since this
process last looked; if so, one query compares every dataset's `updated_at` and current
version with what its entry was built from, and the stale entries are rebuilt in bulk.
The entries are a cache of
metadata anyone may read through package_show, so rebuilding one is not an audited write.
"""

from __future__ import annotations

import unicodedata
import uuid

from django.db.models import Max, OuterRef, Subquery
from django.utils import translation

from tinhso.warehouse.models import Dataset, DatasetVersion, VersionStatus, attach_current
from tinhso.warehouse.schema import as_table_schema

from .models import SearchEntry

NAMESPACE = uuid.UUID("6f1d0c1e-4a39-5b7e-9a55-2b3c1f0e7d21")  # the portal's own, fixed


def fold(text: str) -> str:
    """Lower case without accents: "Trường Đại học" → "truong dai hoc"."""
    bare = "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c)
    )
    return bare.replace("đ", "d")


def stable_id(kind: str, key: object) -> str:
    """A CKAN-looking id that never changes for the same object (uuid5)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def resource_id(dataset_pk: int, fmt: str) -> str:
    return stable_id("resource", f"{dataset_pk}:{fmt}")


def formats_of(schema) -> list[str]:
    """The download formats a version offers: GeoJSON only when its rows have a place."""
    from tinhso.warehouse.charts import has_place

    found = ["csv", "xlsx", "json"]
    if has_place(schema):
        found.append("geojson")
    return [*found, "parquet"]


def _newest():
    return (
        DatasetVersion.objects.filter(dataset=OuterRef("pk"), status=VersionStatus.ACCEPTED)
        .order_by("-number")
        .values("pk")[:1]
    )


def _fingerprint(updated_at, version_id) -> str:
    return f"{updated_at.isoformat()}|{version_id or 0}"


# The catalogue's signature when this process last found every entry fresh.
_checked: dict[str, tuple] = {}


def _signature() -> tuple:
    """Moves when a dataset is added, removed or edited, a version is added, or an entry
    is lost: four aggregate queries, each answered from an index, instead of reading
    every dataset (the count and the latest change asked apart, so that the latest change
    comes from the index on `updated_at`, not a scan)."""
    return (
        Dataset.objects.count(),
        Dataset.objects.aggregate(last=Max("updated_at"))["last"],
        DatasetVersion.objects.aggregate(last=Max("pk"))["last"],
        SearchEntry.objects.count(),
    )


def refresh() -> None:
    """Rebuild the entries that are missing or stale (none, most of the time)."""
    signature = _signature()
    if _checked.get("all") == signature:
        return
    now = {
        pk: _fingerprint(updated, version)
        for pk, updated, version in Dataset.objects.order_by()
        .annotate(newest=Subquery(_newest()))
        .values_list("pk", "updated_at", "newest")
    }
    built = dict(SearchEntry.objects.values_list("dataset_id", "built_from"))
    stale = [pk for pk, print_ in now.items() if built.get(pk) != print_]
    for start in range(0, len(stale), 500):
        chunk = attach_current(list(Dataset.objects.filter(pk__in=stale[start : start + 500])))
        SearchEntry.objects.bulk_create(
            [_build(dataset) for dataset in chunk],
            update_conflicts=True,
            unique_fields=["dataset"],
            update_fields=[f for f in FIELDS if f != "dataset"],
        )
    _checked["all"] = _signature()


def forget() -> None:
    _checked.clear()


FIELDS = [
    "dataset",
    "uuid",
    "built_from",
    "text",
    "title",
    "title_sort",
    "tags",
    "groups",
    "formats",
    "resources",
    "modified",
    "access",
    "owner_pk",
    "licence",
]


def _build(dataset: Dataset) -> SearchEntry:
    current = dataset.current
    columns = [f["name"] for f in as_table_schema(current.schema)["fields"]] if current else []
    themes = [str(t).lower() for t in dataset.themes]
    labels = []
    for language in ("vi", "en"):  # found in either language, whoever built the entry
        with translation.override(language):
            labels += dataset.theme_labels
    words = [
        dataset.slug,
        dataset.title,
        dataset.description,
        *dataset.tags,
        *labels,
        *columns,
    ]
    formats = formats_of(current.schema) if current else []
    modified = max(dataset.updated_at, current.created_at) if current else dataset.updated_at
    return SearchEntry(
        dataset=dataset,
        **{
            "uuid": stable_id("dataset", dataset.pk),
            "built_from": _fingerprint(dataset.updated_at, current.pk if current else None),
            "text": fold(" ".join(str(w) for w in words)),
            "title": fold(dataset.title),
            "title_sort": dataset.title.lower()[:200],
            "tags": "|" + "|".join(str(t) for t in dataset.tags) + "|",
            "groups": "|" + "|".join(themes) + "|",
            "formats": "|" + "|".join(formats) + "|",
            "resources": "|" + "|".join(resource_id(dataset.pk, f) for f in formats) + "|",
            "modified": modified,
            "access": dataset.access,
            "owner_pk": dataset.owner_id,
            "licence": dataset.licence,
        },
    )


def signature() -> tuple | None:
    """The signature of the entries as this process last brought them up to date (None
    before its first `refresh`): what caches of the entries are keyed on."""
    return _checked.get("all")
