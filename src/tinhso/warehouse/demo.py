"""Demo step: the shared code tables (the province's communes and agencies) published as
core, open datasets."""

from __future__ import annotations

from tinhso.core.actors import Actor
from tinhso.units.models import Province
from tinhso.warehouse.codetables import publish


def build(actor: Actor, province: Province, out) -> None:
    changed = publish(actor)
    out(f"Bảng mã dùng chung / shared code tables: {', '.join(changed) or 'đã có / already there'}")
