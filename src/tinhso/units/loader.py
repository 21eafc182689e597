"""Load the unit tables from the `vietnamadminunits` data package.

The package ships an SQLite file (34 provinces and 3,321 communes with centroids; the 63
provinces, 696 districts and ~10,000 wards before the reform) and the converter's JSON
(old ward → new commune, including wards split between several communes). We read both
directly: its address parser is not used, because for split wards it geocodes over the
internet.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from importlib.metadata import version
from importlib.resources import files
from typing import Any

from django.db import transaction

from tinhso.core.actors import Actor
from tinhso.core.text import compact_key, fold
from tinhso.units.models import (
    Commune,
    CommuneKind,
    LegacyDistrict,
    LegacyProvince,
    LegacyWard,
    Province,
    ProvinceKind,
    ReferenceDataLoad,
    UnitConversion,
)

PACKAGE = "vietnamadminunits"

_COMMUNE_KINDS = {
    "Xã": CommuneKind.COMMUNE,
    "Phường": CommuneKind.WARD,
    "Đặc khu": CommuneKind.SPECIAL_ZONE,
}


def package_version() -> str:
    return version(PACKAGE)


def _rows(sql: str) -> Iterator[dict[str, Any]]:
    path = files(PACKAGE) / "data" / "dataset.db"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        con.row_factory = sqlite3.Row
        yield from (dict(row) for row in con.execute(sql))


def _converter() -> dict[str, Any]:
    return json.loads((files(PACKAGE) / "data" / "converter_2025.json").read_text("utf-8"))


def _keys(*values: Any) -> list[str]:
    """Match keys of a unit: its full and short keys plus the package's keyword aliases."""
    out: list[str] = []
    for value in values:
        if not value:
            continue
        items = json.loads(value) if isinstance(value, str) and value.startswith("[") else [value]
        for item in items:
            key = compact_key(item)
            if key and key not in out:
                out.append(key)
    return out


def is_loaded() -> bool:
    load = ReferenceDataLoad.objects.filter(source=PACKAGE).first()
    return load is not None and load.version == package_version() and Commune.objects.exists()


@transaction.atomic
def load_units(actor: Actor | None = None, *, force: bool = False) -> ReferenceDataLoad | None:
    """Create or refresh every unit table. Returns None when the loaded version is current.
    Each table is upserted by code, so a reload keeps the rows that point at units."""
    from tinhso.core.actions import record
    from tinhso.units import lookup, province

    if not force and is_loaded():
        return None
    new_rows = list(_rows("SELECT * FROM admin_units"))
    old_rows = list(_rows("SELECT * FROM admin_units_legacy"))
    converter = _converter()

    province_ids = _load_provinces(new_rows)
    commune_ids = _load_communes(new_rows, province_ids)
    legacy_province_ids = _load_legacy_provinces(old_rows, new_rows, converter, province_ids)
    district_ids = _load_legacy_districts(old_rows, legacy_province_ids)
    ward_ids = _load_legacy_wards(old_rows, district_ids)
    conversions = _conversions(converter, old_rows, new_rows, district_ids, ward_ids, commune_ids)
    UnitConversion.objects.all().delete()
    UnitConversion.objects.bulk_create(conversions, batch_size=1000)

    counts = {
        "provinces": len(province_ids),
        "communes": len(new_rows),
        "legacy_provinces": len(legacy_province_ids),
        "legacy_districts": len(district_ids),
        "legacy_wards": len(ward_ids),
        "conversions": len(conversions),
        "split_wards": len({(c.district_id, c.ward_id) for c in conversions if c.is_split}),
    }
    load = ReferenceDataLoad.objects.create(
        source=PACKAGE, version=package_version(), counts=counts
    )
    record(actor or Actor.system("units loader"), "units.load_units", load, after=counts)
    lookup.invalidate()
    province.forget()
    return load


def _first_of_each(rows: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    """The first row for each distinct value of `column` (the tables are denormalised)."""
    seen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row[column], row)
    return list(seen.values())


def _upsert(model, objects, fields: list[str], batch_size: int = 500) -> dict[str, int]:
    """Insert or update `objects` by code; returns {code: id} of the whole table."""
    model.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=fields,
        batch_size=batch_size,
    )
    return dict(model.objects.values_list("code", "id"))


def _load_provinces(new_rows: list[dict[str, Any]]) -> dict[str, int]:
    provinces = [
        Province(
            code=row["provinceCode"],
            name=row["province"],
            short_name=row["provinceShort"],
            kind=ProvinceKind.CITY
            if row["province"].startswith("Thành phố")
            else ProvinceKind.PROVINCE,
            lat=row["provinceLat"],
            lon=row["provinceLon"],
            search_key=fold(row["province"]),
        )
        for row in _first_of_each(new_rows, "provinceCode")
    ]
    return _upsert(Province, provinces, ["name", "short_name", "kind", "lat", "lon", "search_key"])


def _load_communes(new_rows: list[dict[str, Any]], province_ids: dict[str, int]) -> dict[str, int]:
    communes = [
        Commune(
            code=row["wardCode"],
            name=row["ward"],
            short_name=row["wardShort"],
            kind=_COMMUNE_KINDS[row["wardType"]],
            province_id=province_ids[row["provinceCode"]],
            lat=row["wardLat"],
            lon=row["wardLon"],
            area_km2=row["wardAreaKm2"],
            search_key=fold(row["ward"]),
        )
        for row in new_rows
    ]
    fields = ["name", "short_name", "kind", "province", "lat", "lon", "area_km2", "search_key"]
    return _upsert(Commune, communes, fields)


def _load_legacy_provinces(
    old_rows: list[dict[str, Any]],
    new_rows: list[dict[str, Any]],
    converter: dict[str, Any],
    province_ids: dict[str, int],
) -> dict[str, int]:
    """The 63 provinces before the reform, each with the province it became part of."""
    province_by_key = {row["provinceKey"]: row["provinceCode"] for row in new_rows}
    new_province_of_old = {
        old_key: province_by_key[new_key]
        for new_key, old_keys in converter["DICT_PROVINCE"].items()
        for old_key in old_keys
    }
    provinces = [
        LegacyProvince(
            code=row["provinceCode"],
            name=row["province"],
            short_name=row["provinceShort"],
            keys=_keys(row["provinceKey"], row["provinceShortKey"], row["provinceKeywords"]),
            new_province_id=province_ids[new_province_of_old[row["provinceKey"]]],
        )
        for row in _first_of_each(old_rows, "provinceCode")
    ]
    return _upsert(LegacyProvince, provinces, ["name", "short_name", "keys", "new_province"])


def _load_legacy_districts(
    old_rows: list[dict[str, Any]], legacy_province_ids: dict[str, int]
) -> dict[str, int]:
    districts = [
        LegacyDistrict(
            code=row["districtCode"],
            name=row["district"],
            short_name=row["districtShort"],
            kind=row["districtType"] or "",
            province_id=legacy_province_ids[row["provinceCode"]],
            keys=_keys(row["districtKey"], row["districtShortKey"], row["districtKeywords"]),
        )
        for row in _first_of_each(old_rows, "districtCode")
    ]
    return _upsert(LegacyDistrict, districts, ["name", "short_name", "kind", "province", "keys"])


def _load_legacy_wards(
    old_rows: list[dict[str, Any]], district_ids: dict[str, int]
) -> dict[str, int]:
    wards = [
        LegacyWard(
            code=row["wardCode"],
            name=row["ward"],
            short_name=row["wardShort"],
            kind=row["wardType"] or "",
            district_id=district_ids[row["districtCode"]],
            lat=row["wardLat"],
            lon=row["wardLon"],
            keys=_keys(row["wardKey"], row["wardShortKey"], row["wardKeywords"]),
        )
        for row in old_rows
        if row["wardCode"]
    ]
    fields = ["name", "short_name", "kind", "district", "lat", "lon", "keys"]
    return _upsert(LegacyWard, wards, fields, batch_size=1000)


def _conversions(
    converter: dict[str, Any],
    old_rows: list[dict[str, Any]],
    new_rows: list[dict[str, Any]],
    district_ids: dict[str, int],
    ward_ids: dict[str, int],
    commune_ids: dict[str, int],
) -> list[UnitConversion]:
    """Old ward → new commune: whole wards, then wards split between several communes
    (one of which the package marks as the default)."""
    commune_by_key = {(row["provinceKey"], row["wardKey"]): row["wardCode"] for row in new_rows}
    # The converter speaks in keys "<old province>_<old district>_<old ward>".
    old_by_key = {
        f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}": row for row in old_rows
    }
    conversions: list[UnitConversion] = []

    def add(old_key: str, new_province_key: str, new_ward_key: str, *, split: bool, default: bool):
        old = old_by_key[old_key]
        conversions.append(
            UnitConversion(
                district_id=district_ids[old["districtCode"]],
                ward_id=ward_ids.get(old["wardCode"]) if old["wardCode"] else None,
                commune_id=commune_ids[commune_by_key[(new_province_key, new_ward_key)]],
                is_split=split,
                is_default=default,
            )
        )

    for new_province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, old_keys in wards.items():
            for old_key in old_keys:
                add(old_key, new_province_key, new_ward_key, split=False, default=True)
    for new_province_key, old_keys in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in old_keys.items():
            for part in parts:
                add(
                    old_key,
                    new_province_key,
                    part["newWardKey"],
                    split=True,
                    default=bool(part["isDefaultNewWard"]),
                )
    return conversions
