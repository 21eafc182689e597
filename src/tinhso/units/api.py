"""Public API of administrative units: no sign-in needed."""

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from tinhso.core.access import NotFound
from tinhso.core.pagination import BoundedPagination
from tinhso.core.text import fold
from tinhso.units import geo, lookup
from tinhso.units import province as home_province
from tinhso.units.models import Commune, CommuneKind, Province

router = Router()


class ProvinceOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    lat: float | None
    lon: float | None
    commune_count: int


class ProvinceDetailOut(ProvinceOut):
    ward_count: int
    rural_commune_count: int
    special_zone_count: int
    merged_from: list[str] = Field(..., description="Provinces before 2025 merged into it")


class CommuneOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    province_code: str
    lat: float | None
    lon: float | None
    area_km2: float | None

    @staticmethod
    def resolve_province_code(obj: Commune) -> str:
        return obj.province.code


class OldUnitOut(Schema):
    code: str
    name: str


class NewCommuneOut(Schema):
    code: str
    name: str
    kind: str
    province_code: str
    province_name: str
    is_default: bool = Field(..., description="Receives the largest part of a split ward")


class ConversionOut(Schema):
    old_province: OldUnitOut
    old_district: OldUnitOut | None
    old_ward: OldUnitOut | None
    new_province_code: str
    new_province_name: str
    communes: list[NewCommuneOut]
    is_split: bool = Field(..., description="The old ward was divided between several communes")


class LocateOut(Schema):
    lat: float
    lon: float
    province_code: str
    commune: CommuneOut
    approximate: bool = Field(
        ..., description="True when found in an approximate cell, not a surveyed boundary"
    )


def _province(code: str) -> Province:
    province = Province.objects.filter(code=code.zfill(2)).first()
    if province is None:
        raise NotFound(_("No province has the code “%(code)s”.") % {"code": code})
    return province


@router.get("/provinces", response=list[ProvinceOut], summary="The 34 provinces")
def list_provinces(request: HttpRequest):
    return Province.objects.annotate(commune_count=Count("communes")).order_by("code")


@router.get("/provinces/{code}", response=ProvinceDetailOut, summary="One province")
def get_province(request: HttpRequest, code: str):
    province = _province(code)
    counts = province.communes.aggregate(
        total=Count("id"),
        wards=Count("id", filter=Q(kind=CommuneKind.WARD)),
        rural=Count("id", filter=Q(kind=CommuneKind.COMMUNE)),
        zones=Count("id", filter=Q(kind=CommuneKind.SPECIAL_ZONE)),
    )
    return {
        **{f: getattr(province, f) for f in ("code", "name", "short_name", "kind", "lat", "lon")},
        "commune_count": counts["total"],
        "ward_count": counts["wards"],
        "rural_commune_count": counts["rural"],
        "special_zone_count": counts["zones"],
        "merged_from": list(
            province.legacy_provinces.order_by("code").values_list("name", flat=True)
        ),
    }


class CommuneFilter(Schema):
    province: str | None = Field(None, description="Province code, e.g. 80")
    q: str | None = Field(None, description="Name, accents and case ignored: “tan an”")
    kind: CommuneKind | None = None


@router.get("/communes", response=list[CommuneOut], summary="Search communes")
@paginate(BoundedPagination)
def list_communes(request: HttpRequest, filters: Query[CommuneFilter]):
    communes = Commune.objects.select_related("province")
    if filters.province:
        communes = communes.filter(province__code=filters.province.zfill(2))
    if filters.kind:
        communes = communes.filter(kind=filters.kind)
    if filters.q and fold(filters.q):
        communes = communes.filter(search_key__contains=fold(filters.q))
    return communes.order_by("province__code", "search_key")


@router.get("/communes/{code}", response=CommuneOut, summary="One commune")
def get_commune(request: HttpRequest, code: str):
    commune = Commune.objects.select_related("province").filter(code=code.zfill(5)).first()
    if commune is None:
        raise NotFound(_("No commune has the code “%(code)s”.") % {"code": code})
    return commune


@router.get("/convert", response=ConversionOut, summary="Old address → new commune")
def convert(
    request: HttpRequest,
    province: str | None = None,
    district: str | None = None,
    ward: str | None = None,
):
    """Names as people write them (“P.6”, “TP Tân An”, “Long An”) or old statistics-office
    codes. A ward code alone is enough. A ward split between several communes returns
    them all, `is_default` marking the one that received most of it."""
    result = lookup.index().convert(province, district, ward)
    first = result.communes[0]
    return {
        "old_province": result.province,
        "old_district": result.district,
        "old_ward": result.ward,
        "new_province_code": first.province_code,
        "new_province_name": first.province_name,
        "communes": result.communes,
        "is_split": result.is_split,
    }


@router.get("/locate", response=LocateOut, summary="Point → commune")
def locate(
    request: HttpRequest,
    lat: float = Query(..., ge=-90, le=90),
    lon: float = Query(..., ge=-180, le=180),
    province: str | None = None,
):
    """The commune containing a WGS84 point, in this installation's province unless
    `province` says otherwise."""
    prov = _province(province or home_province.code())
    cell = geo.locator(prov).locate(lat, lon)
    if cell is None:
        raise NotFound(
            _("The point (%(lat)s, %(lon)s) is not inside %(province)s.")
            % {"lat": lat, "lon": lon, "province": prov.name}
        )
    return {
        "lat": lat,
        "lon": lon,
        "province_code": prov.code,
        "commune": Commune.objects.select_related("province").get(pk=cell.commune_id),
        "approximate": cell.approximate,
    }


@router.get("/provinces/{code}/communes.geojson", summary="Commune polygons (GeoJSON)")
def commune_polygons(request: HttpRequest, code: str) -> dict:
    """Surveyed boundaries where uploaded, approximate cells elsewhere; each feature's
    `approximate` property says which."""
    return geo.locator(_province(code)).feature_collection()
