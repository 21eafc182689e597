"""Where a text says a place is, in a province: a commune named the 2025 way ("phường Tân
An"), or an old ward with or without its old district ("phường 1", "xã Lộc Ninh huyện
Dương Minh Châu"), converted to the commune it became part of. Accents are optional
("xa loc ninh huyen duong minh chau"). Used by the hotline's proposal; the operator
confirms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tinhso.core.text import fold
from tinhso.units.lookup import ConversionError, index
from tinhso.units.models import Commune, Province

_WARD = re.compile(r"\b(thi tran|phuong|xa|tt|p\.?)\s+(\d{1,2}|[a-z]+(?: [a-z]+){0,3})")
_DISTRICT = re.compile(r"\b(huyen|thi xa|thanh pho|quan|tp\.?|tx\.?)\s+([a-z]+(?: [a-z]+){0,3})")
_DISTRICT_NAMED = re.compile(r" (?:huyen|thi xa|thanh pho|quan|tp\.?|tx\.?)( [a-z]+){1,4}")
# Words that end a place name in running text.
_STOP = {
    "huyen", "thi", "thanh", "quan", "tp", "tx", "tinh", "phuong", "xa", "duong", "o", "tai",
    "gan", "truoc", "sau", "bi", "co", "va", "da", "dang", "khong", "nha", "so", "ap",
    "khu", "to", "hem", "ngo", "cho", "cau",
}  # fmt: skip


@dataclass(frozen=True)
class Place:
    commune: Commune
    old_name: str = ""  # the old unit the text named, when it was converted


def _name(words: str) -> str:
    kept: list[str] = []
    for word in words.split():
        if word in _STOP and kept:
            break
        kept.append(word)
    return " ".join(kept)


def find_commune(text: str, province: Province) -> Place | None:
    """The commune the text names: a 2025 commune by name, else an old ward converted."""
    folded = f" {fold(text)} "
    # An old district's name is not a commune's, even where a 2025 commune took it.
    bare = _DISTRICT_NAMED.sub(" ", folded)
    best = None
    for commune in province.communes.only("id", "name", "short_name", "code"):
        for name, within in ((fold(commune.name), folded), (fold(commune.short_name), bare)):
            if len(name) >= 4 and f" {name} " in within and (best is None or len(name) > best[0]):
                best = (len(name), commune)
    if best:
        return Place(best[1])
    return _old_ward(folded, province)


def _old_ward(folded: str, province: Province) -> Place | None:
    districts = [f"{kind.rstrip('.')} {_name(name)}" for kind, name in _DISTRICT.findall(folded)]
    legacy = index()
    for kind, name in _WARD.findall(folded):
        ward = f"{kind.rstrip('.')} {_name(name)}"
        for old_province in province.legacy_provinces.all():
            for district in [*districts, None]:
                try:
                    found = legacy.convert(old_province.name, district, ward)
                except ConversionError:
                    continue
                commune = Commune.objects.filter(code=found.default.code).first()
                if commune is not None and commune.province_id == province.pk:
                    where = ", ".join(u.name for u in (found.ward, found.district) if u is not None)
                    return Place(commune, where)
    return None
