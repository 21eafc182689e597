"""A dataset's metadata quality, after uData's nine criteria (one point each, shown as a
share): what a reuser needs to trust and find the data. uData's "open format" becomes a
contact point here — every version the warehouse serves is in open formats already."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.warehouse.models import FREQUENCY_DAYS, OPEN_LICENCES, Access, Dataset
from tinhso.warehouse.schema import as_table_schema

DESCRIPTION_LENGTH = 100  # uData's QUALITY_DESCRIPTION_LENGTH


@dataclass
class Criterion:
    key: str
    label: str
    met: bool


@dataclass
class Quality:
    criteria: list[Criterion]

    @property
    def score(self) -> float:
        return sum(c.met for c in self.criteria) / len(self.criteria)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def is_late(dataset: Dataset, current, now: dt.datetime | None = None) -> bool:
    """The one lateness rule: a dataset with a regular frequency whose last version is
    older than the frequency allows, with a day's grace (or that has no version yet).
    Irregular and historical data, and a dataset with no frequency set, are never late."""
    days = FREQUENCY_DAYS.get(dataset.frequency)
    if days is None:
        return False
    if current is None:
        return True
    now = now or timezone.now()
    return now - current.created_at > dt.timedelta(days=days + 1)


def on_time(dataset: Dataset, current, now: dt.datetime | None = None) -> bool:
    """Updated within its frequency (`is_late`); irregular and historical data are never
    late, and a dataset with no frequency set or no version is not on time."""
    if current is None or not dataset.frequency:
        return False
    return not is_late(dataset, current, now)


def assess(dataset: Dataset, current=None, now: dt.datetime | None = None) -> Quality:
    """`current`: the dataset's current version when the caller has it already."""
    current = current if current is not None else dataset.current
    fields = (dataset.table_schema or {}).get("fields", [])
    if not fields and current is not None:
        fields = as_table_schema(current.schema)["fields"]
    documented = bool(fields) and all(
        (f.get("title") and f["title"] != f["name"]) or f.get("description") for f in fields
    )
    licence_ok = bool(dataset.licence) and (
        dataset.access != Access.OPEN or dataset.licence in OPEN_LICENCES
    )
    available = current is not None and current.path.exists()
    return Quality(
        [
            Criterion("licence", _("An open licence (or, for shared data, its terms)"), licence_ok),
            Criterion(
                "temporal",
                _("Temporal coverage given"),
                bool(dataset.temporal_start or dataset.temporal_end),
            ),
            Criterion("spatial", _("Spatial coverage given"), bool(dataset.spatial)),
            Criterion("frequency", _("Update frequency set"), bool(dataset.frequency)),
            Criterion("on_time", _("Updated on time"), on_time(dataset, current, now)),
            Criterion(
                "description",
                _("Description of at least 100 characters"),
                len(dataset.description.strip()) >= DESCRIPTION_LENGTH,
            ),
            Criterion(
                "contact",
                _("A contact point (person or e-mail)"),
                bool(dataset.contact_name or dataset.contact_email),
            ),
            Criterion("available", _("Current version available in open formats"), available),
            Criterion("documented", _("Every column has a title or description"), documented),
        ]
    )
