"""How long the operations centre's reports take to make, on the demo province.

    python benchmarks/ioc_reports.py [--database sqlite|postgres] [--repeat 5]

Builds a throw-away installation (demo province) and times, for the leader's monthly
report and a sector's weekly report, each step the schedule and the "generate now" button
take: reading the figures (`reports.build`), the HTML page with its SVG charts (the
baseline, measured in the same run: what the PDF costs beyond it is WeasyPrint's layout),
the PDF and the XLSX. Median of `--repeat` runs after one warm-up, with the file sizes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup(database: str) -> dict[str, str]:
    os.environ.pop("DATABASE_URL", None)
    env = throwaway.installation("reports", database)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as sink:
        call_command("demo", stdout=sink)
    return env


def median_ms(step, repeat: int) -> tuple[float, object]:
    result = step()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def measure(scope: str, period, repeat: int) -> list[tuple[str, float, object]]:
    from tinhso.ioc import report_files, reports

    build_ms, content = median_ms(lambda: reports.build(scope, period), repeat)
    return [
        ("read the figures", build_ms, None),
        ("HTML + SVG (baseline)", *median_ms(lambda: report_files.html(content), repeat)),
        ("PDF (WeasyPrint)", *median_ms(lambda: report_files.pdf(content), repeat)),
        ("XLSX (openpyxl)", *median_ms(lambda: report_files.xlsx(content), repeat)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = setup(args.database)
    try:
        from django.utils import timezone

        from tinhso.ioc import reports

        today = timezone.localdate()
        cases = [
            ("leader, last month", "leader", reports.period_of("month", today).previous()),
            (
                "public services, last week",
                "public-services",
                reports.period_of("week", today).previous(),
            ),
        ]
        print(f"database: {args.database}; median of {args.repeat} runs after a warm-up")
        print(f"{'report':<28} {'step':<26} {'ms':>8} {'bytes':>9}")
        for label, scope, period in cases:
            for name, ms, output in measure(scope, period, args.repeat):
                size = f"{len(output):,}" if isinstance(output, bytes | str) else ""
                print(f"{label:<28} {name:<26} {ms:>8.1f} {size:>9}")
                label = ""
    finally:
        throwaway.remove(env)


if __name__ == "__main__":
    main()
