"""CKAN's package_search and the harvester's paging with 10,000 datasets in the catalogue.

    python benchmarks/portal_search.py [--database sqlite|postgres] [--datasets 10000]
                                       [--repeat 7]

Builds a throw-away installation (demo province) in a temporary data folder (and, for
PostgreSQL, a fresh database on 127.0.0.1:5432), times each request at the demo's size
(the baseline, measured in the same run), adds `--datasets` open datasets with Vietnamese
titles, descriptions and tags, times the first search (which builds their search entries,
docs/decisions/0013) and then each request again.

"Server time" is the time Django takes to answer in process: the median of `--repeat`
runs after one warm-up, with the number of SQL queries beside it. Goal: < 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

WORDS = [
    "trường",
    "học",
    "trạm",
    "y",
    "tế",
    "ngân",
    "sách",
    "dân",
    "số",
    "giao",
    "thông",
    "môi",
    "trường",
    "nông",
    "nghiệp",
    "đất",
    "đai",
    "văn",
    "hóa",
    "du",
    "lịch",
    "chợ",
    "rác",
    "thải",
    "nước",
    "sạch",
    "điện",
    "lực",
    "xây",
    "dựng",
    "giấy",
    "phép",
    "doanh",
    "nghiệp",
]
FACETS = json.dumps(["organization", "groups", "tags", "res_format", "license_id"])
REQUESTS = [
    ("package_search q (folded words)", "package_search", {"q": "truong hoc"}),
    ("package_search q + facets", "package_search", {"q": "ngân sách", "facet.field": FACETS}),
    ("package_search fq organization", "package_search", {"fq": "organization:sxd"}),
    (
        "harvester page (id asc, start 0)",
        "package_search",
        {"rows": 100, "start": 0, "sort": "id asc"},
    ),
    (
        "harvester page (id asc, deep)",
        "package_search",
        {"rows": 100, "start": "__deep__", "sort": "id asc"},
    ),
    (
        "harvester incremental (fq range)",
        "package_search",
        {"rows": 100, "fq": "metadata_modified:[2020-01-01T00:00:00Z TO *]", "sort": "id asc"},
    ),
    ("package_list", "package_list", {}),
    ("package_show", "package_show", {"id": "truong-hoc"}),
]


def setup(database: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(throwaway.installation("portal", database))
    os.environ["TINHSO_API_ANON_PER_MINUTE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as sink:
        call_command("demo", stdout=sink)


def generate(count: int, seed: int = 7) -> None:
    """`count` open datasets (marked demo) through bulk inserts: metadata only."""
    from tinhso.agencies.models import Agency
    from tinhso.warehouse.models import Access, Dataset, Theme

    rng = random.Random(seed)
    owners = list(Agency.objects.values_list("pk", flat=True))
    themes = list(Theme.values)
    rows = []
    for i in range(count):
        title = " ".join(rng.sample(WORDS, 4)).capitalize() + f" {i}"
        rows.append(
            Dataset(
                slug=f"bo-du-lieu-{i:05d}",
                title=title,
                description=" ".join(rng.choices(WORDS, k=40)),
                owner_id=rng.choice(owners),
                access=Access.OPEN,
                tags=rng.sample(WORDS, 3),
                themes=rng.sample(themes, 2),
                is_demo=True,
            )
        )
    Dataset.objects.bulk_create(rows, batch_size=2000)


def measure(repeat: int, deep: int) -> dict[str, tuple[float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out = {}
    for name, action, params in REQUESTS:
        params = {k: (deep if v == "__deep__" else v) for k, v in params.items()}
        path = f"/api/3/action/{action}"
        assert client.get(path, params).status_code == 200  # warm-up
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(path, params)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (path, response.content[:300])
        out[name] = (statistics.median(times) * 1000, len(queries))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    setup(args.database)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        throwaway.remove(dict(os.environ))


def run(args) -> None:
    from django.conf import settings
    from django.test import Client

    from tinhso.warehouse.models import Dataset

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    demo_count = Dataset.objects.count()
    baseline = measure(args.repeat, deep=0)
    generate(args.datasets)
    total = Dataset.objects.count()
    t0 = time.perf_counter()
    Client().get("/api/3/action/package_search", {"q": "x"})
    print(
        f"\n{args.database}: {total:,} datasets; the first search built their entries in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    loaded = measure(args.repeat, deep=total // 2)
    print(
        f"\n{'request':34} {'demo (' + str(demo_count) + ')':>16} "
        f"{format(total, ',') + ' datasets':>20} {'ratio':>7}  goal < 300 ms"
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
