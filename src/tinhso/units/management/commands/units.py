"""`tinhso units load | convert FILE.csv … | locate LAT LON`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from tinhso.core.actors import Actor
from tinhso.units import geo
from tinhso.units import province as home_province
from tinhso.units.bulk import convert_csv
from tinhso.units.loader import load_units
from tinhso.units.models import Province


class Command(BaseCommand):
    help = "Administrative units: load the reference tables, convert old addresses, locate points."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        load = sub.add_parser("load", help="Load or refresh units from vietnamadminunits.")
        load.add_argument("--force", action="store_true")
        conv = sub.add_parser("convert", help="Add new-unit columns to a CSV of old addresses.")
        conv.add_argument("file", type=Path)
        conv.add_argument("--province-col")
        conv.add_argument("--district-col")
        conv.add_argument("--ward-col", required=True)
        conv.add_argument("--out", type=Path, help="Output CSV (default: FILE.converted.csv)")
        loc = sub.add_parser("locate", help="Which commune contains a point (WGS84).")
        loc.add_argument("lat", type=float)
        loc.add_argument("lon", type=float)
        loc.add_argument("--province", default=None)

    def handle(self, *args, verb, **o):
        if verb == "load":
            load = load_units(Actor.system("tinhso units load"), force=o["force"])
            self.stdout.write(str(load.counts) if load else "Đã cập nhật / already current.")
        elif verb == "convert":
            self._convert(o)
        else:
            province = (
                Province.objects.filter(code=o["province"]).first()
                if o["province"]
                else home_province.home()
            )
            if province is None:
                raise CommandError(
                    "Chưa nạp đơn vị hành chính / units not loaded: tinhso units load"
                )
            cell = geo.locator(province).locate(o["lat"], o["lon"])
            if cell is None:
                raise CommandError(f"Điểm nằm ngoài {province.name} / outside {province.name}.")
            approx = " (gần đúng / approximate)" if cell.approximate else ""
            self.stdout.write(f"{cell.code}\t{cell.name}{approx}")

    def _convert(self, o):
        source: Path = o["file"]
        if not source.exists():
            raise CommandError(f"Không thấy tệp / file not found: {source}")
        target = o["out"] or source.with_suffix(".converted.csv")
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            transient=False,
        ) as progress:
            task = progress.add_task("Chuyển đổi / converting", total=source.stat().st_size)
            try:
                report = convert_csv(
                    source,
                    target,
                    province_col=o["province_col"],
                    district_col=o["district_col"],
                    ward_col=o["ward_col"],
                    on_bytes=lambda n: progress.advance(task, n),
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.rows} dòng / rows: {report.converted} chuyển được / converted "
            f"({report.split} xã cũ bị chia / split wards), {len(report.failed)} không chuyển "
            f"được / not converted → {target}"
        )
        for number, message in report.failed[:20]:
            self.stdout.write(f"  dòng / row {number}: {message}")
        if len(report.failed) > 20:
            self.stdout.write(
                f"  … {len(report.failed) - 20} dòng khác / more rows "
                "(cột conversion_error / see column conversion_error)"
            )
