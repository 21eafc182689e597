"""The staff queue and the scorecards with a million reports in the database.

    python benchmarks/staff_pages.py [--database sqlite|postgres] [--reports 1000000]
                                     [--repeat 7]

Builds a throw-away installation (demo province) in a temporary data folder (and, for
PostgreSQL, a fresh database on 127.0.0.1:5432), times each page at the demo's size (the
baseline, measured in the same run), then adds `--reports` generated reports spread over
two years (about 3 % still open, as in a province that keeps up), rebuilds the scorecards'
daily rollups as after any bulk import, and times the same pages again.

"Server time" is the time Django takes to answer the request in process (what a request
costs the server, without the network): the median of `--repeat` runs after one warm-up,
with the number of SQL queries beside it.

Goal: every page < 300 ms with 1,000,000 reports.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


PAGES = [
    ("queue (operator, open)", "demo.operator", "/feedback/queue/", {}),
    ("queue (operator, overdue)", "demo.operator", "/feedback/queue/", {"state": "overdue"}),
    ("queue (handler, agency)", "demo.handler", "/feedback/queue/", {}),
    ("scorecards by agency, 90 days", "demo.supervisor", "/feedback/scorecards/", {}),
    (
        "scorecards by commune, 90 days",
        "demo.supervisor",
        "/feedback/scorecards/",
        {"by": "commune"},
    ),
    (
        "scorecards by field, 1 year",
        "demo.supervisor",
        "/feedback/scorecards/",
        {"by": "field", "from": "__year_ago__"},
    ),
]


def setup(database: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(throwaway.installation("pages", database))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with open(os.devnull, "w") as sink:
        call_command("demo", stdout=sink)


def generate(count: int, seed: int = 7) -> None:
    """Insert `count` reports (marked demo) through bulk inserts, with a rich progress bar."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone
    from rich.progress import Progress

    from tinhso.agencies.models import Agency, AgencyKind
    from tinhso.feedback.models import Field, Report, Routing, Status
    from tinhso.units.models import Commune

    rng = random.Random(seed)
    fields = list(Field.objects.filter(is_active=True))
    communes = list(Commune.objects.filter(province__code=settings.TINHSO_PROVINCE))
    committees = {
        a.commune_id: a.pk for a in Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE)
    }
    now = timezone.now()
    span = dt.timedelta(days=730).total_seconds()
    # The auto timestamps would stamp every row "now"; generated history needs its own.
    stamp_fields = [f for f in Report._meta.fields if f.name in ("received_at", "updated_at")]
    for f in stamp_fields:
        f.auto_now = f.auto_now_add = False
    first_id = (Report.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    batch = 5000
    with Progress() as progress:
        task = progress.add_task("reports", total=count)
        for start in range(0, count, batch):
            rows = []
            for i in range(start, min(count, start + batch)):
                field = rng.choice(fields)
                commune = rng.choice(communes)
                agency = (
                    field.agency_id
                    if field.routing == Routing.AGENCY
                    else committees.get(commune.pk)
                )
                # Older reports are closed; the last weeks hold the open ones.
                age = span * (rng.random() ** 1.15)
                received = now - dt.timedelta(seconds=age)
                deadline = received + dt.timedelta(days=rng.choice((1, 4, 7)))
                answered = received + dt.timedelta(hours=rng.uniform(2, 24 * 10))
                # The last weeks hold the open ones: some still waiting, and every report
                # whose answer would only come later.
                open_ = answered > now or (age < 20 * 86400 and rng.random() < 0.5)
                status = (
                    rng.choice((Status.ASSIGNED, Status.IN_PROGRESS, Status.RECEIVED))
                    if open_
                    else Status.CLOSED
                )
                if open_:
                    answered = None
                rows.append(
                    Report(
                        code=f"PA-{received.year}-{first_id + i:06d}",
                        text=rng.choice(TEXTS),
                        field=field,
                        field_confirmed=True,
                        channel=rng.choice(("web", "hotline", "open311", "zalo")),
                        status=status,
                        resolution="" if open_ else "fixed",
                        commune=commune,
                        lat=commune.lat,
                        lon=commune.lon,
                        agency_id=agency,
                        received_at=received,
                        updated_at=answered or received,
                        deadline=deadline,
                        answered_at=answered,
                        closed_at=answered,
                        answer="" if open_ else "Đã xử lý xong.",
                        rating=rng.choice((None, None, 3, 4, 5)) if answered else None,
                        is_demo=True,
                    )
                )
            with transaction.atomic():
                Report.objects.bulk_create(rows)
            progress.advance(task, len(rows))
    for f in stamp_fields:
        f.auto_now_add = f.name == "received_at"
        f.auto_now = f.name == "updated_at"
    from django.db import connection

    # As the database would be after its routine maintenance (autovacuum on PostgreSQL).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def measure(repeat: int) -> dict[str, tuple[float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tinhso.agencies.models import User

    year_ago = (timezone.localdate() - dt.timedelta(days=365)).isoformat()
    out = {}
    for name, username, path, params in PAGES:
        params = {k: (year_ago if v == "__year_ago__" else v) for k, v in params.items()}
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert client.get(path, params).status_code == 200  # warm-up
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(path, params)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (path, response.status_code)
        out[name] = (statistics.median(times) * 1000, len(queries))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    setup(args.database)
    try:
        run(args)
    finally:
        cleanup()


def cleanup() -> None:
    """Remove the throw-away data folder and database."""
    from django.db import connections

    connections.close_all()
    throwaway.remove(dict(os.environ))


def run(args) -> None:
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    from tinhso.feedback.models import Report

    baseline = measure(args.repeat)
    demo_count = Report.objects.count()
    t0 = time.perf_counter()
    generate(args.reports)
    took = time.perf_counter() - t0
    total = Report.objects.count()
    print(f"\n{args.database}: inserted {args.reports:,} reports in {took:.0f} s; {total:,} in all")
    # Generated rows bypass the platform's actions: rebuild the scorecards' rollups, as
    # after any bulk import (`tinhso manage scorecards --full`).
    from tinhso.feedback.scorecards import refresh

    t0 = time.perf_counter()
    rows = refresh(full=True)
    print(
        f"scorecard rollups rebuilt from scratch: {rows:,} rows in {time.perf_counter() - t0:.1f} s"
    )
    loaded = measure(args.repeat)
    print(
        f"\n{'page':34} {'demo (' + format(demo_count, ',') + ')':>16} "
        f"{format(total, ',') + ' reports':>20} {'ratio':>7}  goal < 300 ms"
    )
    for name, (ms, queries) in loaded.items():
        base_ms, base_q = baseline[name]
        verdict = "ok" if ms < 300 else "OVER"
        print(
            f"{name:34} {base_ms:9.1f} ms {base_q:2d} q {ms:11.1f} ms {queries:3d} q "
            f"{ms / base_ms:6.1f}×  {verdict}"
        )


if __name__ == "__main__":
    main()
