"""Facet counts from the un-inverted facet values: the same numbers as counting each
matched dataset's values one by one, and up to date once a dataset changes or is closed."""

import random
from collections import Counter

import pytest

from tinhso.core.actors import Actor
from tinhso.portal import index, search
from tinhso.portal.facets import FacetColumns
from tinhso.portal.models import SearchEntry
from tinhso.warehouse import actions as warehouse_actions
from tinhso.warehouse.models import Access, Dataset

pytestmark = pytest.mark.django_db
FIELDS = ("organization", "license_id", "groups", "tags", "res_format")


def counted_one_by_one(ids) -> dict[str, Counter]:
    out = {field: Counter() for field in FIELDS}
    for entry in SearchEntry.objects.filter(dataset_id__in=ids):
        out["organization"][entry.owner_pk] += 1
        out["license_id"][entry.licence] += 1
        for field, raw in (("groups", entry.groups), ("tags", entry.tags),
                           ("res_format", entry.formats)):  # fmt: skip
            out[field].update(v for v in raw.split("|") if v)
    return {field: +counts for field, counts in out.items()}


def test_counts_match_counting_one_by_one():
    index.refresh()
    columns = search.facet_columns()
    ids = list(SearchEntry.objects.values_list("dataset_id", flat=True))
    rng = random.Random(3)
    for size in (0, 1, len(ids) // 2, len(ids)):
        chosen = rng.sample(ids, size)
        assert columns.counts(chosen, FIELDS) == counted_one_by_one(chosen)
    # Ids without an entry (a dataset since removed) count nothing.
    assert columns.counts([10**9, -1], FIELDS) == {field: Counter() for field in FIELDS}


def test_the_values_of_several_datasets_add_up_and_empty_ones_count_nothing():
    columns = FacetColumns([(7, 1, "cc-by-4.0", "|educ|", "|a|b|", ""), (9, 2, "", "|", "|a|", "")])
    assert columns.counts([7, 9], ["tags", "groups", "res_format"]) == {
        "tags": Counter({"a": 2, "b": 1}),
        "groups": Counter({"educ": 1}),
        "res_format": Counter(),
    }


def test_the_counts_follow_a_changed_and_a_closed_dataset(system):
    index.refresh()
    dataset = Dataset.objects.filter(access=Access.OPEN).order_by("pk").first()
    answer = {"q": "", "facet.field": '["tags", "organization"]', "rows": 0}
    before = search.run(Dataset.objects.filter(access=Access.OPEN), answer, open_only=True)[0]
    warehouse_actions.update_metadata(system, dataset, tags=[*dataset.tags, "thẻ-mới"])
    index.refresh()
    after = search.run(Dataset.objects.filter(access=Access.OPEN), answer, open_only=True)[0]
    assert after.facets["tags"]["thẻ-mới"] == 1 and "thẻ-mới" not in before.facets["tags"]

    warehouse_actions.update_metadata(Actor.system("tests"), dataset, access=Access.PRIVATE)
    index.refresh()
    closed = search.run(Dataset.objects.filter(access=Access.OPEN), answer, open_only=True)[0]
    assert closed.count == before.count - 1
    assert "thẻ-mới" not in closed.facets["tags"]
