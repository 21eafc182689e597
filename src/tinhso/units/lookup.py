"""Old address → new commune: names as people write them ("P.6", "TP Tân An", "Long An")
or statistics-office codes.

`LegacyIndex` holds the ~10,000 old units in memory (built once per process from the
database, rebuilt after a reload), so a single conversion and a table of a million rows
use the same code and neither queries the database per row.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tinhso.core.text import fold
from tinhso.units.models import (
    Commune,
    LegacyDistrict,
    LegacyProvince,
    LegacyWard,
    UnitConversion,
)

# Prefixes people put before a name, folded. Longest first so "thanh pho" wins over "tp".
PREFIXES = {
    "province": ("thanh pho", "tinh", "tp"),
    "district": ("thanh pho", "thi xa", "huyen", "quan", "tp", "tx", "q", "h"),
    "ward": ("thi tran", "phuong", "xa", "tt", "p", "f", "x"),
}
# The unit kinds a prefix implies, to choose between same-named units.
PREFIX_KINDS = {
    "thanh pho": "thanh pho",
    "tp": "thanh pho",
    "thi xa": "thi xa",
    "tx": "thi xa",
    "huyen": "huyen",
    "h": "huyen",
    "quan": "quan",
    "q": "quan",
    "phuong": "phuong",
    "p": "phuong",
    "f": "phuong",
    "xa": "xa",
    "x": "xa",
    "thi tran": "thi tran",
    "tt": "thi tran",
}
CODE_LENGTH = {"province": 2, "district": 3, "ward": 5}
_NUMBERED = re.compile(r"^(p|f|q|phuong|quan)\s*0*(\d+)$")


class ConversionError(Exception):
    """An input the conversion could not resolve; `message` is for the user."""

    status = 422

    def __init__(self, level: str, raw: str, message: str):
        super().__init__(message)
        self.level = level
        self.raw = raw
        self.message = message


class NotRecognised(ConversionError):
    status = 404


class Ambiguous(ConversionError):
    def __init__(self, level: str, raw: str, message: str, candidates: list[str]):
        super().__init__(level, raw, message)
        self.candidates = candidates


@dataclass(frozen=True)
class OldUnit:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int  # a district's province, a ward's district; 0 for a province
    keys: tuple[str, ...]


@dataclass(frozen=True)
class NewCommune:
    code: str
    name: str
    kind: str
    province_code: str
    province_name: str
    is_default: bool


@dataclass
class Conversion:
    """The answer for one old address."""

    province: OldUnit
    district: OldUnit | None
    ward: OldUnit | None
    communes: list[NewCommune]
    is_split: bool

    @property
    def default(self) -> NewCommune:
        return next((c for c in self.communes if c.is_default), self.communes[0])


def candidate_keys(raw: str, level: str) -> tuple[list[str], str | None]:
    """Match keys for `raw` at `level`, and the unit kind its prefix implies."""
    folded = fold(raw)
    keys = [folded.replace(" ", "")]
    kind = None
    for prefix in PREFIXES[level]:
        if folded.startswith(prefix + " "):
            rest = folded[len(prefix) + 1 :]
            keys.append(rest.replace(" ", ""))
            kind = PREFIX_KINDS.get(prefix)
            if rest.isdigit():
                keys.append(rest.lstrip("0") or "0")
            break
    numbered = _NUMBERED.match(folded)
    if numbered:
        number = numbered.group(2).lstrip("0") or "0"
        word = "quan" if numbered.group(1) in {"q", "quan"} else "phuong"
        keys.append(f"{word}{number}")
        kind = kind or PREFIX_KINDS[numbered.group(1)]
    return list(dict.fromkeys(k for k in keys if k)), kind


@dataclass
class LegacyIndex:
    provinces: dict[int, OldUnit] = field(default_factory=dict)
    province_keys: dict[str, list[OldUnit]] = field(default_factory=lambda: defaultdict(list))
    provinces_by_code: dict[str, OldUnit] = field(default_factory=dict)
    new_province_of: dict[int, int] = field(default_factory=dict)
    district_keys: dict[int, dict[str, list[OldUnit]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    districts: dict[int, OldUnit] = field(default_factory=dict)
    districts_by_code: dict[str, OldUnit] = field(default_factory=dict)
    ward_keys_by_district: dict[int, dict[str, list[OldUnit]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    ward_keys_by_province: dict[int, dict[str, list[OldUnit]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    wards_by_code: dict[str, OldUnit] = field(default_factory=dict)
    conversions: dict[tuple[int, int | None], list[NewCommune]] = field(default_factory=dict)

    @classmethod
    def build(cls) -> LegacyIndex:
        index = cls()
        for p in LegacyProvince.objects.all():
            unit = OldUnit(p.id, p.code, p.name, "tinh", 0, tuple(p.keys))
            index.provinces[p.id] = unit
            index.provinces_by_code[p.code] = unit
            index.new_province_of[p.id] = p.new_province_id
            for key in unit.keys:
                index.province_keys[key].append(unit)
        for d in LegacyDistrict.objects.all():
            unit = OldUnit(d.id, d.code, d.name, fold(d.kind), d.province_id, tuple(d.keys))
            index.districts[d.id] = unit
            index.districts_by_code[d.code] = unit
            for key in unit.keys:
                index.district_keys[d.province_id][key].append(unit)
        for w in LegacyWard.objects.all():
            unit = OldUnit(w.id, w.code, w.name, fold(w.kind), w.district_id, tuple(w.keys))
            index.wards_by_code[w.code] = unit
            province_id = index.districts[w.district_id].parent_id
            for key in unit.keys:
                index.ward_keys_by_district[w.district_id][key].append(unit)
                index.ward_keys_by_province[province_id][key].append(unit)
        communes = {
            c.id: c
            for c in Commune.objects.select_related("province").only(
                "code", "name", "kind", "province__code", "province__name"
            )
        }
        grouped: dict[tuple[int, int | None], list[NewCommune]] = defaultdict(list)
        for conv in UnitConversion.objects.order_by("-is_default", "commune__code"):
            c = communes[conv.commune_id]
            grouped[(conv.district_id, conv.ward_id)].append(
                NewCommune(
                    c.code, c.name, c.kind, c.province.code, c.province.name, conv.is_default
                )
            )
        index.conversions = dict(grouped)
        return index

    # --- resolution ----------------------------------------------------------------------

    @staticmethod
    def _pick(found: list[OldUnit], kind: str | None) -> list[OldUnit]:
        unique = list({u.id: u for u in found}.values())
        if len(unique) > 1 and kind:
            narrowed = [u for u in unique if u.kind == kind]
            return narrowed or unique
        return unique

    def _match(self, table: dict[str, list[OldUnit]], raw: str, level: str) -> list[OldUnit]:
        keys, kind = candidate_keys(raw, level)
        found: list[OldUnit] = []
        for key in keys:
            found.extend(table.get(key, ()))
        return self._pick(found, kind)

    def _by_code(self, raw: str, level: str) -> OldUnit | None:
        text = raw.strip()
        if not text.isdigit():
            return None
        code = text.zfill(CODE_LENGTH[level])
        table = {
            "province": self.provinces_by_code,
            "district": self.districts_by_code,
            "ward": self.wards_by_code,
        }[level]
        return table.get(code)

    def province(self, raw: str) -> OldUnit:
        unit = self._by_code(raw, "province")
        if unit:
            return unit
        found = self._match(self.province_keys, raw, "province")
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotRecognised(
                "province", raw, _("Province “%(value)s” was not recognised.") % {"value": raw}
            )
        raise Ambiguous(
            "province",
            raw,
            _("Province “%(value)s” matches several provinces.") % {"value": raw},
            [u.name for u in found],
        )

    def _sibling_provinces(self, province: OldUnit) -> list[OldUnit]:
        """Old provinces merged into the same new province (people often write the new
        province with an old district)."""
        new_id = self.new_province_of[province.id]
        return [p for pid, p in self.provinces.items() if self.new_province_of[pid] == new_id]

    def district(self, raw: str, province: OldUnit) -> OldUnit:
        unit = self._by_code(raw, "district")
        if unit:
            return unit
        for scope in ([province], self._sibling_provinces(province)):
            found = self._pick(
                [u for p in scope for u in self._match(self.district_keys[p.id], raw, "district")],
                candidate_keys(raw, "district")[1],
            )
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise Ambiguous(
                    "district",
                    raw,
                    _("District “%(value)s” matches several districts of %(province)s.")
                    % {"value": raw, "province": province.name},
                    [u.name for u in found],
                )
        raise NotRecognised(
            "district",
            raw,
            _("District “%(value)s” was not recognised in %(province)s.")
            % {"value": raw, "province": province.name},
        )

    def ward(self, raw: str, province: OldUnit, district: OldUnit | None) -> OldUnit:
        unit = self._by_code(raw, "ward")
        if unit:
            return unit
        if district is not None:
            found = self._match(self.ward_keys_by_district[district.id], raw, "ward")
            where = f"{district.name}, {self.provinces[district.parent_id].name}"
        else:
            found = []
            for p in self._sibling_provinces(province):
                found.extend(self._match(self.ward_keys_by_province[p.id], raw, "ward"))
            found = self._pick(found, candidate_keys(raw, "ward")[1])
            where = province.name
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotRecognised(
                "ward",
                raw,
                _("Ward or commune “%(value)s” was not recognised in %(where)s.")
                % {"value": raw, "where": where},
            )
        raise Ambiguous(
            "ward",
            raw,
            _("“%(value)s” matches several wards of %(where)s; please give the district.")
            % {"value": raw, "where": where},
            [f"{u.name}, {self.districts[u.parent_id].name}" for u in found],
        )

    def convert(
        self, province: str | None = None, district: str | None = None, ward: str | None = None
    ) -> Conversion:
        """Resolve an old address to the new commune(s). Raises `ConversionError`."""
        province, district, ward = ((v or "").strip() or None for v in (province, district, ward))
        ward_unit = self._by_code(ward, "ward") if ward else None
        district_unit: OldUnit | None
        if ward_unit is not None:
            district_unit = self.districts[ward_unit.parent_id]
            province_unit = self.provinces[district_unit.parent_id]
        else:
            if not province:
                raise ConversionError(
                    "province", "", _("Please give the old province (name or code).")
                )
            province_unit = self.province(province)
            district_unit = self.district(district, province_unit) if district else None
            if ward:
                ward_unit = self.ward(ward, province_unit, district_unit)
                district_unit = self.districts[ward_unit.parent_id]
                province_unit = self.provinces[district_unit.parent_id]
            elif district_unit is not None and (district_unit.id, None) in self.conversions:
                pass  # an island district without wards converts as a whole
            else:
                raise ConversionError(
                    "ward", "", _("Please give the old ward or commune (name or code).")
                )
        key = (district_unit.id, ward_unit.id if ward_unit else None)
        communes = self.conversions.get(key)
        if not communes:
            raise NotRecognised(
                "ward", ward or "", _("No new commune is recorded for this old unit.")
            )
        return Conversion(
            province=province_unit,
            district=district_unit,
            ward=ward_unit,
            communes=communes,
            is_split=len(communes) > 1,
        )


_lock = threading.Lock()
_index: LegacyIndex | None = None


def index() -> LegacyIndex:
    """The process's index, built on first use."""
    global _index
    with _lock:
        if _index is None:
            _index = LegacyIndex.build()
        return _index


def invalidate() -> None:
    global _index
    with _lock:
        _index = None
