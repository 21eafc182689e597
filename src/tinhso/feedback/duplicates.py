"""Possible duplicates of a new report: open reports of the same field that are near it
(within the field's radius, 250 m by default; or, for a report placed only by its
commune, in the same commune) **and** whose text is similar (the text engine's measure,
above its tuned threshold). Being near, or of the same field, is not enough on its own:
two different problems on one street are not one report. Staff decide; nothing is merged
automatically.

The open reports' text vectors are kept per process (`OpenVectors`): a report's text does
not change after intake, so each is vectorised once, and a new report is compared with
the kept vectors — the fast path `benchmarks/text_engine.py` measures."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Q

from tinhso.feedback.models import Field, Report
from tinhso.units.models import Commune

EARTH_M = 6_371_000


@dataclass(frozen=True)
class Candidate:
    report: Report
    distance_m: float | None
    similarity: float

    @property
    def score(self) -> float:
        return score_of(self.similarity, self.distance_m)


def score_of(similarity: float, distance_m: float | None) -> float:
    """How likely a duplicate: the text's similarity, and nearness within a kilometre."""
    near = 1.0 if distance_m is None else max(0.0, 1 - distance_m / 1000)
    return 0.6 * similarity + 0.4 * near


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0 to 1 (the text engine's measure; imported here, not
    at the top, so that web processes load scikit-learn only when it is used)."""
    from tinhso.textengine.similarity import similarity as text_similarity

    return text_similarity(a, b)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(h))


class OpenVectors:
    """Text vectors of reports, kept in this process (least recently used dropped past
    `size`). Keyed by id and text: an id freed by a rolled-back transaction and given to
    another report never brings back the first one's vector."""

    def __init__(self, size: int = 50_000):
        self.size = size
        self._rows: OrderedDict[tuple[int, int], object] = OrderedDict()
        self._last: tuple[int, object] | None = None  # the last matrix joined, by its keys
        self._lock = threading.Lock()

    def matrix(self, texts: list[tuple[int, str]]):
        """One row per (report id, text), in order; only texts not kept yet are
        vectorised. The rows are joined by concatenating their arrays — one CSR matrix
        built at once, not stacked row by row (10,000 rows: a few milliseconds)."""
        import numpy as np
        from scipy import sparse

        from tinhso.textengine.similarity import vectors

        keys = [(pk, hash(text)) for pk, text in texts]
        signature = hash(tuple(keys))
        with self._lock:
            if self._last is not None and self._last[0] == signature:
                return self._last[1]  # the same candidates as the last call (a call taker typing)
            missing = [
                (k, t) for k, (_pk, t) in zip(keys, texts, strict=True) if k not in self._rows
            ]
            if missing:
                rows = vectors([t for _k, t in missing])
                for (key, _text), row in zip(missing, rows, strict=True):
                    self._rows[key] = row
            for key in keys:
                self._rows.move_to_end(key)
            found = [self._rows[k] for k in keys]
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
        width = found[0].shape[1]
        indptr = np.zeros(len(found) + 1, dtype=np.int64)
        np.cumsum([row.nnz for row in found], out=indptr[1:])
        joined = sparse.csr_matrix(
            (
                np.concatenate([row.data for row in found]),
                np.concatenate([row.indices for row in found]),
                indptr,
            ),
            shape=(len(found), width),
        )
        with self._lock:
            self._last = (signature, joined)
        return joined

    def forget(self) -> None:
        with self._lock:
            self._rows.clear()
            self._last = None


VECTORS = OpenVectors()


def find(
    text: str,
    *,
    field: Field | None,
    lat: float | None = None,
    lon: float | None = None,
    commune: Commune | None = None,
    exclude: int | None = None,
    limit: int = 5,
    min_similarity: float | None = None,
) -> list[Candidate]:
    if field is None:
        return []
    reports = Report.objects.open().filter(field=field, duplicate_of__isnull=True)
    if exclude:
        reports = reports.exclude(pk=exclude)
    radius = field.duplicate_radius_m
    if lat is not None and lon is not None:
        dlat = radius / 111_320
        dlon = radius / (111_320 * max(0.1, math.cos(math.radians(lat))))
        near = Q(lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon))
        if commune is not None:  # placed by commune only, in the same commune
            near |= Q(lat__isnull=True, commune=commune)
    elif commune is not None:
        near = Q(commune=commune)
    else:
        return []
    from tinhso.textengine.similarity import DUPLICATE_THRESHOLD, scores

    threshold = DUPLICATE_THRESHOLD if min_similarity is None else min_similarity
    # Every open report near it is compared (no cap): read as plain rows, scored against
    # their kept vectors, and only those both near and similar become objects.
    rows = list(reports.filter(near).values_list("pk", "text", "lat", "lon"))
    if not rows:
        return []
    text_scores = scores(text, VECTORS.matrix([(pk, body) for pk, body, _a, _o in rows]))
    hits = []
    for i in (text_scores >= threshold).nonzero()[0]:
        pk, _body, report_lat, report_lon = rows[i]
        distance = (
            distance_m(lat, lon, report_lat, report_lon)
            if lat is not None and lon is not None and report_lat is not None
            else None
        )
        if distance is not None and distance > radius:
            continue
        similarity = round(float(text_scores[i]), 3)
        hits.append((score_of(similarity, distance), pk, distance, similarity))
    best = sorted(hits, key=lambda hit: -hit[0])[:limit]
    reports_by_pk = Report.objects.select_related("commune").in_bulk([hit[1] for hit in best])
    return [
        Candidate(reports_by_pk[pk], distance, similarity)
        for _score, pk, distance, similarity in best
        if pk in reports_by_pk
    ]
