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

Then, at full size:
- the facet query through the production server (`tinhso serve`, over HTTP, p50 and p95
  of `--requests`), the issue's figure (goal p50 < 30 ms), beside the same question asked
  the naive way in the same process (`icontains` on title and description for each word,
  `count()`, the first page, the facets counted from the JSON fields);
- the CKAN harvester's loop (ckanext-harvest: `rows=100&start=N&sort=id asc` until an
  empty page) over HTTP: wall time, pages, and datasets missing or repeated against the
  open catalogue (goal: 0 and 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TINHSO = str(Path(sys.executable).with_name("tinhso"))

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


def naive(repeat: int) -> float:
    """The facet request asked the naive way: per word `title__icontains` OR
    `description__icontains` (accented words: no folding), `count()`, the first page of
    20 by relevance-less newest first, and the five facets counted in Python from the
    dataset's own fields (organisation, licence, tags, themes; formats from the current
    versions' files). Median milliseconds of `repeat` runs after one warm-up."""
    from collections import Counter

    from django.db.models import Q

    from tinhso.warehouse.models import Access, Dataset, DatasetVersion

    def once():
        condition = Q(access=Access.OPEN)
        for word in ["ngân", "sách"]:
            condition &= Q(title__icontains=word) | Q(description__icontains=word)
        matched = Dataset.objects.filter(condition)
        count = matched.count()
        page = list(matched.select_related("owner").order_by("-updated_at")[:20])
        facets = {name: Counter() for name in ("organization", "license", "tags", "groups")}
        for owner, licence, tags, themes in matched.values_list(
            "owner__code", "licence", "tags", "themes"
        ):
            facets["organization"][owner] += 1
            facets["license"][licence] += 1
            facets["tags"].update(tags or [])
            facets["groups"].update(themes or [])
        files = DatasetVersion.objects.filter(dataset__in=matched).values_list("file", flat=True)
        facets["res_format"] = Counter(Path(f).suffix.lstrip(".").upper() for f in files if f)
        return count, page, facets

    once()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def through_server(requests: int, port: int) -> None:
    """The facet request over HTTP to `tinhso serve`, then the harvester's paging loop."""
    from tinhso.portal.index import stable_id
    from tinhso.warehouse.models import Access, Dataset

    env = {**os.environ, "PORT": str(port)}
    server = subprocess.Popen(
        [TINHSO, "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        throwaway.wait_for(
            base + "/healthz", 900
        )  # the first start collects and compresses static files
        facet_params = dict(REQUESTS[1][2])
        url = f"{base}/api/3/action/package_search?" + urllib.parse.urlencode(facet_params)
        for _ in range(8):  # every worker process warm
            throwaway.get_json(url)
        times = sorted(throwaway.get_json(url)[0] for _ in range(requests))
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        p50 = statistics.median(times)
        verdict = "ok" if p50 < 30 else "OVER"
        print(
            f"\npackage_search q + 5 facets over HTTP (tinhso serve, {requests} requests): "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms — goal p50 < 30 ms: {verdict}"
        )

        seen: list[str] = []
        pages = 0
        t0 = time.perf_counter()
        start = 0
        while True:
            query = urllib.parse.urlencode({"rows": 100, "start": start, "sort": "id asc"})
            _ms, body = throwaway.get_json(f"{base}/api/3/action/package_search?{query}")
            results = body["result"]["results"]
            pages += 1
            if not results:
                break
            seen.extend(r["id"] for r in results)
            start += 100
        wall = time.perf_counter() - t0
        open_pks = Dataset.objects.filter(access=Access.OPEN).values_list("pk", flat=True)
        expected = {stable_id("dataset", pk) for pk in open_pks}
        ids = set(seen)
        missing = len(expected - ids)
        repeated = len(seen) - len(ids)
        print(
            f"harvester loop (rows=100, start=N, sort=id asc, until an empty page): "
            f"{len(ids):,} datasets in {pages} pages, {wall:.1f} s "
            f"({wall / pages * 1000:.0f} ms a page); missing {missing}, repeated {repeated}"
        )
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--requests", type=int, default=50, help="HTTP requests timed")
    parser.add_argument("--port", type=int, default=8765)
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
    ours = loaded["package_search q + facets"][0]
    plain = naive(args.repeat)
    print(
        f"\nthe facet request in process: ours {ours:.1f} ms; naive icontains + facets from "
        f"the JSON fields {plain:.1f} ms ({ours / plain:.2f}× the naive way)"
    )
    through_server(args.requests, args.port)


if __name__ == "__main__":
    main()
