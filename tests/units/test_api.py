"""The public units API, through HTTP."""

import pytest

pytestmark = pytest.mark.django_db


def test_34_provinces_with_3321_communes(client):
    response = client.get("/api/units/provinces")
    assert response.status_code == 200
    provinces = response.json()
    assert len(provinces) == 34
    assert sum(p["commune_count"] for p in provinces) == 3321
    tay_ninh = next(p for p in provinces if p["code"] == "80")
    assert tay_ninh["name"] == "Tỉnh Tây Ninh"


def test_province_detail_counts_kinds_and_predecessors(client):
    body = client.get("/api/units/provinces/80").json()
    assert body["commune_count"] == 96
    assert body["ward_count"] == 14
    assert body["rural_commune_count"] == 82
    assert sorted(body["merged_from"]) == ["Tỉnh Long An", "Tỉnh Tây Ninh"]


def test_unknown_province_is_404_in_vietnamese(client):
    response = client.get("/api/units/provinces/99")
    assert response.status_code == 404
    assert "99" in response.json()["detail"]
    assert "Không" in response.json()["detail"]


@pytest.mark.parametrize("q", ["tan an", "Tân An", "TAN AN", "tân an"])
def test_commune_search_ignores_accents_and_case(client, q):
    body = client.get("/api/units/communes", {"province": "80", "q": q}).json()
    names = [c["name"] for c in body["items"]]
    assert "Phường Tân An" in names
    assert all("tan an" in __import__("tinhso.core.text", fromlist=["fold"]).fold(n) for n in names)


def test_commune_search_pages_and_filters_kind(client):
    body = client.get(
        "/api/units/communes", {"province": "80", "kind": "phuong", "limit": 5}
    ).json()
    assert body["count"] == 14
    assert len(body["items"]) == 5
    assert {c["kind"] for c in body["items"]} == {"phuong"}


@pytest.mark.parametrize(
    ("params", "commune"),
    [
        ({"province": "Long An", "district": "TP Tân An", "ward": "P.6"}, "27694"),
        ({"province": "long an", "district": "tan an", "ward": "phuong 6"}, "27694"),
        ({"province": "Tây Ninh", "district": "TP. Tân An", "ward": "P6"}, "27694"),
        ({"province": "80", "district": "794", "ward": "27700"}, "27694"),
        ({"ward": "27700"}, "27694"),
        ({"province": "Long An", "district": "Cần Giuộc", "ward": "Xã Phước Lý"}, "28165"),
        ({"province": "TP Hà Nội", "district": "Q. Ba Đình", "ward": "P. Trúc Bạch"}, "00004"),
    ],
)
def test_convert_old_names_as_people_write_them(client, params, commune):
    response = client.get("/api/units/convert", params)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["communes"][0]["code"] == commune
    assert body["is_split"] is False


def test_convert_split_ward_returns_every_commune(client):
    from tinhso.units.models import UnitConversion

    split = (
        UnitConversion.objects.filter(is_split=True, ward__isnull=False)
        .select_related("ward")
        .first()
    )
    body = client.get("/api/units/convert", {"ward": split.ward.code}).json()
    assert body["is_split"] is True
    assert len(body["communes"]) >= 2
    assert sum(c["is_default"] for c in body["communes"]) == 1


def test_convert_ambiguous_ward_asks_for_the_district(client):
    # "Phường 1" existed in several districts of old Long An's neighbours: here HCMC.
    response = client.get("/api/units/convert", {"province": "Hồ Chí Minh", "ward": "P.1"})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "ward"
    assert len(body["candidates"]) > 1


@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"province": "Xứ Sở Thần Tiên", "ward": "P.6"}, "province", 404),
        ({"province": "Long An", "district": "Quận 99", "ward": "P.6"}, "district", 404),
        ({"province": "Long An", "district": "TP Tân An", "ward": "P.66"}, "ward", 404),
        ({"district": "TP Tân An", "ward": "P.6"}, "province", 422),
        ({"province": "Long An"}, "ward", 422),
    ],
)
def test_convert_names_what_was_not_recognised(client, params, field, status):
    response = client.get("/api/units/convert", params)
    assert response.status_code == status
    body = response.json()
    assert body["field"] == field
    if body["value"]:
        assert body["value"] in body["detail"]


def test_locate_returns_commune_and_says_it_is_approximate(client):
    centre = client.get("/api/units/communes/27712").json()  # Phường Tân An
    response = client.get("/api/units/locate", {"lat": centre["lat"], "lon": centre["lon"]})
    assert response.status_code == 200
    body = response.json()
    assert body["commune"]["code"] == "27712"
    assert body["approximate"] is True


def test_locate_outside_the_province_is_404(client):
    response = client.get("/api/units/locate", {"lat": 21.03, "lon": 105.85})  # Hà Nội
    assert response.status_code == 404
    assert "Tây Ninh" in response.json()["detail"]


def test_locate_rejects_impossible_coordinates(client):
    response = client.get("/api/units/locate", {"lat": 200, "lon": "abc"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"lat", "lon"} <= fields


def test_commune_polygons_geojson_marks_approximate_cells(client):
    fc = client.get("/api/units/provinces/80/communes.geojson").json()
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 96
    assert fc["approximate"] is True
    assert all(f["properties"]["approximate"] for f in fc["features"])


def test_bulk_location_agrees_with_single_lookups(province):
    import numpy as np

    from tinhso.units.geo import locator

    loc = locator(province)
    rng = np.random.default_rng(7)
    lats = rng.uniform(10.3, 11.8, 300)
    lons = rng.uniform(105.5, 106.8, 300)
    bulk = loc.locate_many(lats, lons)
    for lat, lon, index in zip(lats, lons, bulk, strict=True):
        single = loc.locate(lat, lon)
        assert (single.code if single else None) == (loc.cells[index].code if index >= 0 else None)
    assert (bulk >= 0).sum() > 100  # most of the box is inside the province
    assert (bulk < 0).sum() > 10  # and some of it is not


@pytest.mark.parametrize(
    "query",
    [{"offset": 10**22}, {"limit": 10**22}, {"limit": 0}, {"offset": -1}, {"limit": 5000}],
)
def test_paging_out_of_bounds_is_refused_not_a_server_error(client, admin_client, query):
    # Found by the API fuzzer: SQLite refuses integers past 2**63.
    for url, caller in (("/api/units/communes", client), ("/api/audit", admin_client)):
        response = caller.get(url, query)
        assert response.status_code == 422, (url, response.content)
        assert response.json()["errors"][0]["field"] in {"limit", "offset"}
