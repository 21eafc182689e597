"""Facet counts over any set of matched datasets, from the search entries' facet values
kept in memory and un-inverted once (as Solr keeps its un-inverted fields): for each
field, its distinct values and, for each value a dataset has, the dataset's row and the
value's number — so that counting the values of thousands of matched datasets is one
`numpy.bincount`, not a Python loop over their strings (docs/performance.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

# Facet field -> its place in the rows given to FacetColumns.
FIELDS = {"organization": 1, "license_id": 2, "groups": 3, "tags": 4, "res_format": 5}
MULTI = {"groups", "tags", "res_format"}  # barred strings: |educ|envi|


class FacetColumns:
    def __init__(self, rows: Iterable[tuple]):
        """`rows`: (dataset id, owner id, licence, |themes|, |tags|, |formats|) per entry."""
        rows = list(rows)
        self.size = len(rows)
        highest = max((row[0] for row in rows), default=0)
        self.row_of = np.full(highest + 1, -1, dtype=np.int64)
        self.values: dict[str, list] = {}
        self.owner: dict[str, np.ndarray] = {}  # field -> the row of each value given
        self.value: dict[str, np.ndarray] = {}  # field -> the number of each value given
        numbers: dict[str, dict] = {field: {} for field in FIELDS}
        owners: dict[str, list[int]] = {field: [] for field in FIELDS}
        given: dict[str, list[int]] = {field: [] for field in FIELDS}
        for n, row in enumerate(rows):
            self.row_of[row[0]] = n
            for field, place in FIELDS.items():
                raw = row[place]
                items = [v for v in raw.split("|") if v] if field in MULTI else [raw]
                known = numbers[field]
                for item in items:
                    owners[field].append(n)
                    given[field].append(known.setdefault(item, len(known)))
        for field in FIELDS:
            self.values[field] = list(numbers[field])
            self.owner[field] = np.asarray(owners[field], dtype=np.int64)
            self.value[field] = np.asarray(given[field], dtype=np.int64)

    def counts(self, dataset_ids: Sequence[int], fields: Iterable[str]) -> dict[str, Counter]:
        """How many of `dataset_ids` have each value of each of `fields`."""
        ids = np.asarray(dataset_ids, dtype=np.int64)
        ids = ids[(ids >= 0) & (ids < len(self.row_of))]
        rows = self.row_of[ids]
        chosen = np.zeros(self.size, dtype=bool)
        chosen[rows[rows >= 0]] = True
        out = {}
        for field in fields:
            values = self.values[field]
            picked = self.value[field][chosen[self.owner[field]]]
            tally = np.bincount(picked, minlength=len(values))
            out[field] = Counter({values[i]: int(tally[i]) for i in np.flatnonzero(tally)})
        return out
