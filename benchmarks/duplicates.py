"""Possible duplicates at the hotline: a new report against 10,000 open reports of the
same field in the same commune, through the product's own path.

    python benchmarks/duplicates.py [--database sqlite|postgres] [--reports 10000]
                                    [--repeat 20]

Builds a throw-away installation (demo province; for PostgreSQL a fresh database on
127.0.0.1:5432), adds `--reports` open reports (marked demo) of one field in one commune
— the worst case: every one of them is a candidate — and times
`tinhso.feedback.duplicates.find`, the function the hotline's form and the staff page call
(the candidates read from the database, their kept vectors, the scores, the distance
rule): with the candidates unchanged since the last call (a call taker typing), and
with one report arrived in between (the kept rows joined again). Beside it, in the same
run, the limit: the text engine's `scores` of the same texts against a matrix already in
memory (what `benchmarks/text_engine.py` measures). The first call vectorises every
candidate; the others find their vectors kept. Goal: < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import throwaway
from intake import TEXTS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PLACES = ["chợ", "trường", "cầu", "ngã tư", "trạm y tế", "khu phố", "ấp", "đường tỉnh"]


def setup(database: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(throwaway.installation("dups", database))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as sink:
        call_command("demo", stdout=sink)


def generate(count: int, seed: int = 7):
    """`count` open reports of one field in one commune, their texts varied; returns
    (field, commune)."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from tinhso.feedback.models import Field, Report, Status
    from tinhso.units.models import Commune

    rng = random.Random(seed)
    field = Field.objects.filter(is_active=True).order_by("pk").first()
    commune = Commune.objects.exclude(lat=None).order_by("pk").first()
    now = timezone.now()
    first_id = (Report.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    rows = []
    for i in range(count):
        text = f"{rng.choice(TEXTS)} Gần {rng.choice(PLACES)} số {rng.randint(1, 400)}."
        rows.append(
            Report(
                code=f"PA-{now.year}-{first_id + i:06d}",
                text=text,
                field=field,
                field_confirmed=True,
                channel="hotline",
                status=Status.IN_PROGRESS,
                commune=commune,
                deadline=now + dt.timedelta(days=5),
                is_demo=True,
            )
        )
    with transaction.atomic():
        Report.objects.bulk_create(rows, batch_size=2000)
    return field, commune


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup(args.database)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        throwaway.remove(dict(os.environ))


def run(args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tinhso.feedback import duplicates
    from tinhso.feedback.models import Report
    from tinhso.textengine.similarity import scores, vectors

    field, commune = generate(args.reports)
    candidates = Report.objects.open().filter(field=field, commune=commune).count()
    rng = random.Random(11)
    asks = [f"{rng.choice(TEXTS)} Gần {rng.choice(PLACES)}." for _ in range(args.repeat + 1)]

    t0 = time.perf_counter()
    found = duplicates.find(asks[0], field=field, commune=commune)
    cold = (time.perf_counter() - t0) * 1000
    times, counts = [], []
    for text in asks[1:]:
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            found = duplicates.find(text, field=field, commune=commune)
            times.append((time.perf_counter() - t0) * 1000)
        counts.append(len(queries))

    # The candidates change when a report arrives between two calls: the kept matrix is
    # joined again from the kept rows (one new text vectorised).
    changed = []
    template = Report.objects.filter(field=field, commune=commune).first()
    for n, text in enumerate(asks[1:]):
        template.pk = None
        template.code = f"PA-NEW-{n:05d}"
        template.text = f"{text} (mới)"
        template.save()
        t0 = time.perf_counter()
        duplicates.find(text, field=field, commune=commune)
        changed.append((time.perf_counter() - t0) * 1000)

    texts = list(
        Report.objects.open().filter(field=field, commune=commune).values_list("text", flat=True)
    )
    matrix = vectors(texts)
    limit = []
    for text in asks[1:]:
        t0 = time.perf_counter()
        scores(text, matrix)
        limit.append((time.perf_counter() - t0) * 1000)

    p50, base = statistics.median(times), statistics.median(limit)
    verdict = "ok" if p50 < 50 else "OVER"
    print(f"\n{connection.vendor}: {candidates:,} open reports of one field in one commune")
    print(f"duplicates.find, first call (vectorises the candidates): {cold:8.1f} ms")
    print(
        f"duplicates.find, vectors kept: p50 {p50:6.1f} ms, max {max(times):6.1f} ms, "
        f"{statistics.median(counts):.0f} queries, {len(found)} proposed — goal < 50 ms: {verdict}"
    )
    print(
        f"duplicates.find, one new report since the last call: p50 "
        f"{statistics.median(changed):6.1f} ms, max {max(changed):6.1f} ms"
    )
    print(
        f"the limit: scores against {matrix.shape[0]:,} vectors in memory: p50 {base:6.2f} ms "
        f"(find is {p50 / base:.1f}× it)"
    )


if __name__ == "__main__":
    main()
