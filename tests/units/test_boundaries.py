"""Boundary upload: GeoJSON and zipped Shapefile, WGS84 and VN-2000, matching by code or
name, the report, and what it changes in lookups."""

import io
import json
import zipfile

import pytest
import shapefile
from django.core.files.uploadedfile import SimpleUploadedFile
from pyproj import CRS, Transformer

from tinhso.core.models import AuditEntry
from tinhso.units.models import Commune, CommuneBoundary

pytestmark = pytest.mark.django_db

HALF = 0.004  # half a square's side in degrees (~450 m)


def square(lon, lat, half=HALF):
    return [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]


def commune(code):
    return Commune.objects.get(code=code)


def feature(props, ring):
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def upload(client, name, data, crs="EPSG:4326"):
    return client.post("/units/boundaries/", {"file": SimpleUploadedFile(name, data), "crs": crs})


def test_geojson_in_wgs84_matched_by_code_and_by_name(admin_client):
    tan_an, long_an = commune("27712"), commune("27694")
    fc = {
        "type": "FeatureCollection",
        "features": [
            feature({"ma_xa": "27712", "ten_xa": "whatever"}, square(tan_an.lon, tan_an.lat)),
            feature({"TEN_XA": "phuong long an"}, square(long_an.lon, long_an.lat)),
            feature({"ten": "Xã Không Có Thật"}, square(106.0, 11.0)),
        ],
    }
    response = upload(admin_client, "ranh-gioi.geojson", json.dumps(fc).encode())
    assert response.status_code == 200
    report = response.context["upload"].report
    assert [(m["code"], m["by"]) for m in report["matched"]] == [
        ("27712", "code"),
        ("27694", "name"),
    ]
    assert len(report["unmatched"]) == 1
    assert "Không Có Thật" in str(report["unmatched"][0]["properties"])
    assert len(report["communes_without_boundary"]) == 94
    assert CommuneBoundary.objects.count() == 2
    assert AuditEntry.objects.filter(action="units.upload_boundaries").exists()
    html = response.content.decode()
    assert "không ghép được" in html


def test_uploaded_boundary_replaces_the_approximate_cell(admin_client, client):
    tan_an = commune("27712")
    fc = {
        "type": "FeatureCollection",
        "features": [feature({"code": "27712"}, square(tan_an.lon, tan_an.lat))],
    }
    upload(admin_client, "b.geojson", json.dumps(fc).encode())
    inside = client.get("/api/units/locate", {"lat": tan_an.lat, "lon": tan_an.lon}).json()
    assert inside["commune"]["code"] == "27712"
    assert inside["approximate"] is False
    # Just outside the surveyed square, the neighbours' approximate cells answer.
    outside = client.get(
        "/api/units/locate", {"lat": tan_an.lat + 3 * HALF, "lon": tan_an.lon}
    ).json()
    assert outside["commune"]["code"] != "27712" or outside["approximate"] is True
    features = client.get("/api/units/provinces/80/communes.geojson").json()["features"]
    surveyed = [f for f in features if not f["properties"]["approximate"]]
    assert [f["properties"]["code"] for f in surveyed] == ["27712"]


@pytest.mark.parametrize("epsg", [9210, 3405, 4756])
def test_vn2000_geojson_is_converted_to_wgs84(admin_client, client, epsg):
    tan_an = commune("27712")
    to_vn2000 = Transformer.from_crs(4326, epsg, always_xy=True)
    ring = [list(to_vn2000.transform(x, y)) for x, y in square(tan_an.lon, tan_an.lat)]
    fc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}},
        "features": [feature({"MaXa": 27712}, ring)],
    }
    response = upload(admin_client, "vn2000.geojson", json.dumps(fc).encode())
    assert response.context["upload"].source_crs == f"EPSG:{epsg}"
    stored = CommuneBoundary.objects.get(commune=tan_an).geometry["coordinates"][0]
    lons = [p[0] for p in stored]
    lats = [p[1] for p in stored]
    # VN-2000 → WGS84 shifts by tens of metres at most; the square must land on its place.
    assert abs((min(lons) + max(lons)) / 2 - tan_an.lon) < 0.001
    assert abs((min(lats) + max(lats)) / 2 - tan_an.lat) < 0.001
    located = client.get("/api/units/locate", {"lat": tan_an.lat, "lon": tan_an.lon}).json()
    assert located["approximate"] is False


def make_shapefile_zip(records, epsg=None):
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(
        shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8"
    ) as writer:
        writer.field("MA_XA", "C", size=5)
        writer.field("TEN_XA", "C", size=80)
        for code, name, ring in records:
            writer.poly([ring])
            writer.record(code, name)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("xa/ranhgioi.shp", shp.getvalue())
        z.writestr("xa/ranhgioi.shx", shx.getvalue())
        z.writestr("xa/ranhgioi.dbf", dbf.getvalue())
        z.writestr("xa/ranhgioi.cpg", "UTF-8")
        if epsg:
            z.writestr("xa/ranhgioi.prj", CRS.from_epsg(epsg).to_wkt("WKT1_ESRI"))
    return archive.getvalue()


def test_zipped_shapefile_in_tm3_zone_with_prj(admin_client):
    tan_an, long_an = commune("27712"), commune("27694")
    to_tm3 = Transformer.from_crs(4326, 9210, always_xy=True)

    def ring(c):
        return [to_tm3.transform(x, y) for x, y in reversed(square(c.lon, c.lat))]

    data = make_shapefile_zip(
        [("27712", "Phường Tân An", ring(tan_an)), ("", "Phường Long An", ring(long_an))], epsg=9210
    )
    response = upload(admin_client, "ranhgioi.zip", data)
    upload_row = response.context["upload"]
    assert upload_row is not None, response.context["error"]
    assert upload_row.source_crs == "EPSG:9210"
    assert {m["code"] for m in upload_row.report["matched"]} == {"27712", "27694"}


def test_projected_coordinates_with_the_wrong_crs_are_refused_and_nothing_saved(admin_client):
    to_tm3 = Transformer.from_crs(4326, 9210, always_xy=True)
    tan_an = commune("27712")
    ring = [list(to_tm3.transform(x, y)) for x, y in square(tan_an.lon, tan_an.lat)]
    fc = {"type": "FeatureCollection", "features": [feature({"code": "27712"}, ring)]}
    response = upload(admin_client, "b.geojson", json.dumps(fc).encode(), crs="EPSG:4326")
    assert response.context["upload"] is None
    assert "ngoài Việt Nam" in response.context["error"]
    assert not CommuneBoundary.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.geojson", b"{not json", "GeoJSON"),
        ("a.geojson", b'{"type": "Point", "coordinates": [1, 2]}', "FeatureCollection"),
        ("a.zip", b"PK not really", "ZIP"),
        ("a.kml", b"<kml/>", "GeoJSON"),
        ("a.geojson", b'{"type": "FeatureCollection", "features": []}', "không có đối tượng"),
    ],
)
def test_broken_files_get_a_clear_vietnamese_error(admin_client, name, data, message):
    response = upload(admin_client, name, data)
    assert message in response.context["error"]
    assert not CommuneBoundary.objects.exists()


def test_incomplete_shapefile_names_the_missing_part(admin_client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x.shp", b"\x00" * 100)
    response = upload(admin_client, "x.zip", archive.getvalue())
    assert "x.dbf" in response.context["error"]


def test_only_administrators_upload_boundaries(client, handler_client):
    from django.test import Client

    anonymous = Client().get("/units/boundaries/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert handler_client.get("/units/boundaries/").status_code == 403
    fc = json.dumps({"type": "FeatureCollection", "features": []}).encode()
    assert upload(handler_client, "b.geojson", fc).status_code == 403
