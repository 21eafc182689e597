"""Demo step: the administrative units (real reference data, not invented)."""

from __future__ import annotations

from tinhso.core.actors import Actor
from tinhso.units.loader import load_units
from tinhso.units.models import Province, ReferenceDataLoad


def build(actor: Actor, province: Province | None, out) -> None:
    load_units(actor)
    latest = ReferenceDataLoad.objects.first()
    if latest is None:  # load_units always leaves one
        return
    counts = latest.counts
    out(
        f"Đơn vị hành chính / administrative units ({latest.source} {latest.version}): "
        f"{counts['provinces']} tỉnh, {counts['communes']} xã/phường/đặc khu; trước 2025: "
        f"{counts['legacy_provinces']} tỉnh, {counts['legacy_districts']} huyện, "
        f"{counts['legacy_wards']} xã ({counts['split_wards']} xã cũ bị chia)"
    )
