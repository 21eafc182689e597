"""The shared code tables the Law on Data asks for: the province's administrative units
and its agencies, published as core, open datasets of the warehouse and kept in step with
the platform's own tables (a new version only when something changed)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import tempfile
from pathlib import Path

from tinhso.core.actors import Actor
from tinhso.units import province as home_province
from tinhso.warehouse import actions
from tinhso.warehouse.models import Access, Dataset, Frequency, Importance, Spatial

OWNER_CODES = ("SKHCN", "VPUBND")  # the department in charge of digital transformation


def _communes() -> tuple[list[str], list[list]]:
    from tinhso.units.models import Commune

    header = ["ma_xa", "ten_xa", "loai", "ma_tinh", "ten_tinh", "vi_do", "kinh_do", "dien_tich_km2"]
    rows = [
        [c.code, c.name, c.kind, c.province.code, c.province.name, c.lat, c.lon, c.area_km2]
        for c in Commune.objects.filter(province__code=home_province.code())
        .select_related("province")
        .order_by("code")
    ]
    return header, rows


def _agencies() -> tuple[list[str], list[list]]:
    from tinhso.agencies.models import Agency

    header = ["ma", "ten", "ten_ngan", "loai", "ma_co_quan_cap_tren", "ma_xa"]
    rows = [
        [
            a.code,
            a.name,
            a.short_name,
            a.kind,
            a.parent.code if a.parent_id else "",
            a.commune.code if a.commune_id else "",
        ]
        for a in Agency.objects.filter(is_active=True)
        .select_related("parent", "commune")
        .order_by("code")
    ]
    return header, rows


TABLES = {
    "don-vi-hanh-chinh": ("Đơn vị hành chính cấp xã", _communes),
    "co-quan": ("Cơ quan, đơn vị", _agencies),
}
# The data dictionary: column → (type, title). Codes are text: they keep leading zeros.
SCHEMAS = {
    "don-vi-hanh-chinh": {
        "ma_xa": ("string", "Mã xã, phường (mã thống kê)"),
        "ten_xa": ("string", "Tên xã, phường"),
        "loai": ("string", "Loại đơn vị (xã, phường, đặc khu)"),
        "ma_tinh": ("string", "Mã tỉnh"),
        "ten_tinh": ("string", "Tên tỉnh"),
        "vi_do": ("number", "Vĩ độ tâm (WGS 84)"),
        "kinh_do": ("number", "Kinh độ tâm (WGS 84)"),
        "dien_tich_km2": ("number", "Diện tích (km²)"),
    },
    "co-quan": {
        "ma": ("string", "Mã cơ quan"),
        "ten": ("string", "Tên cơ quan"),
        "ten_ngan": ("string", "Tên ngắn"),
        "loai": ("string", "Loại cơ quan"),
        "ma_co_quan_cap_tren": ("string", "Mã cơ quan cấp trên"),
        "ma_xa": ("string", "Mã xã, phường (với UBND cấp xã)"),
    },
}
DESCRIPTION = (
    "Bảng mã dùng chung theo Luật Dữ liệu: được nền tảng cập nhật tự động mỗi khi danh mục "
    "thay đổi, để các hệ thống của tỉnh dùng chung một mã cho cùng một đơn vị."
)


def publish(actor: Actor) -> list[str]:
    """Bring the code tables up to date; returns the slugs that got a new version."""
    from tinhso.agencies.models import Agency

    owner = Agency.objects.filter(code__in=OWNER_CODES).order_by("code").first()
    owner = owner or Agency.objects.order_by("pk").first()
    if owner is None:
        return []
    changed = []
    for slug, (title, build) in TABLES.items():
        header, rows = build()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        data = buffer.getvalue().encode("utf-8")
        dataset = Dataset.objects.filter(slug=slug).first()
        if dataset is None:
            dataset = actions.create_dataset(
                actor,
                slug=slug,
                title=title,
                owner=owner,
                access=Access.OPEN,
                importance=Importance.CORE,
                description=DESCRIPTION,
                themes=["GOVE", "REGI"],
                tags=["bảng mã", "danh mục dùng chung"],
                frequency=Frequency.IRREGULAR,
                spatial=Spatial.PROVINCE,
                temporal_start=dt.date(2025, 7, 1),
                contact_name=owner.name,
            )
            columns = SCHEMAS[slug]
            actions.set_schema(
                actor,
                dataset,
                {
                    "fields": [
                        {"name": name, "type": kind, "title": label}
                        for name, (kind, label) in columns.items()
                    ],
                    "primaryKey": [next(iter(columns))],
                },
            )
        current = dataset.current
        if current is not None and current.source_sha256 == hashlib.sha256(data).hexdigest():
            continue
        with tempfile.TemporaryDirectory(prefix="tinhso-codes-") as folder:
            path = Path(folder) / f"{slug}.csv"
            path.write_bytes(data)
            actions.add_version(actor, dataset, path)
        changed.append(slug)
    return changed
