"""How often each open dataset is used, per month: views of its portal page, downloads
and API calls. Counts only — nothing says who — so counting is a tally, not an audited
write: one UPDATE of a row (created on a month's first use)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tinhso.warehouse.models import Access, Dataset

from .models import Usage

logger = logging.getLogger(__name__)

KINDS = ("views", "downloads", "api_calls")


def count(dataset: Dataset, kind: str) -> None:
    """One more `kind` (views, downloads, api_calls) for `dataset` this month."""
    if kind not in KINDS:
        raise ValueError(kind)
    month = timezone.localdate().replace(day=1)
    rows = Usage.objects.filter(dataset=dataset, month=month)
    if rows.update(**{kind: F(kind) + 1}):
        return
    try:
        with transaction.atomic():
            Usage.objects.create(dataset=dataset, month=month, **{kind: 1})
    except IntegrityError:  # another request created the month's row meanwhile
        rows.update(**{kind: F(kind) + 1})


def on_event(sender: str, payload: dict, **_kwargs) -> None:
    """A download of an open dataset (the warehouse's `warehouse.downloaded`) counts."""
    if sender != "warehouse.downloaded":
        return
    dataset = Dataset.objects.filter(pk=payload["dataset_id"], access=Access.OPEN).first()
    if dataset is not None:
        count_quietly(dataset, "downloads")


def count_quietly(dataset: Dataset, kind: str) -> None:
    """`count` for an open dataset; a tally that cannot be written (the database busy)
    is lost rather than failing the download or the API call it counts."""
    if dataset.access != Access.OPEN:
        return
    try:
        with transaction.atomic():  # a savepoint: a failure leaves the caller's work whole
            count(dataset, kind)
    except DatabaseError:
        logger.warning("usage count lost: %s %s", dataset.slug, kind, exc_info=True)


def most_used(datasets: QuerySet[Dataset], limit: int) -> list[Dataset]:
    """The datasets used most (views, downloads and API calls, all months): none if
    nothing was counted yet."""
    totals = (
        Usage.objects.filter(dataset__in=datasets)
        .values("dataset_id")
        .annotate(n=Sum(F("views") + F("downloads") + F("api_calls")))
        .order_by("-n", "dataset_id")[:limit]
    )
    ids = [row["dataset_id"] for row in totals if row["n"]]
    by_pk = Dataset.objects.select_related("owner").in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]


def any_counted() -> bool:
    return Usage.objects.exists()


def _total():
    return (
        Usage.objects.filter(dataset=OuterRef("pk"))
        .order_by()
        .values("dataset")
        .annotate(n=Sum(F("views") + F("downloads") + F("api_calls")))
        .values("n")[:1]
    )


def ranked(datasets: QuerySet[Dataset], start: int, rows: int) -> list[Dataset]:
    """A page of `datasets`, the most used first (then the newest)."""
    ids = list(
        datasets.annotate(used=Coalesce(Subquery(_total()), Value(0), output_field=IntegerField()))
        .order_by("-used", "-search_entry__modified", "pk")
        .values_list("pk", flat=True)[start : start + rows]
    )
    by_pk = Dataset.objects.select_related("owner").in_bulk(ids)
    return [by_pk[pk] for pk in ids]


def totals(dataset: Dataset) -> dict[str, int]:
    found = Usage.objects.filter(dataset=dataset).aggregate(
        views=Sum("views"), downloads=Sum("downloads"), api_calls=Sum("api_calls")
    )
    return {k: v or 0 for k, v in found.items()}
