"""The province's basemap file: its tiles served by the platform, its metadata given to
the maps, and the start-up check that says when it cannot be used."""

import pytest
from pmtiles.tile import TileType

from tests.basemaps import make_mbtiles, make_pmtiles, png
from tinhso.units import basemap

pytestmark = pytest.mark.django_db

RED, BLUE = png((255, 0, 0)), png((0, 0, 255))


@pytest.fixture
def mbtiles(tmp_path, settings):
    # Two tiles of one column at zoom 1: y 0 is the top on the web, the bottom in MBTiles.
    path = make_mbtiles(tmp_path / "tinh.mbtiles", {(1, 1, 0): RED, (1, 1, 1): BLUE})
    settings.TINHSO_BASEMAP = str(path)
    return path


@pytest.fixture
def pmtiles(tmp_path, settings):
    path = make_pmtiles(tmp_path / "tinh.pmtiles", {(1, 1, 0): RED, (1, 1, 1): BLUE})
    settings.TINHSO_BASEMAP = str(path)
    return path


def test_an_mbtiles_tile_is_served_with_its_rows_flipped(client, mbtiles):
    top, bottom = client.get("/tiles/1/1/0"), client.get("/tiles/1/1/1")
    assert top.status_code == bottom.status_code == 200
    assert top.content == RED
    assert bottom.content == BLUE
    assert top["Content-Type"] == "image/png"


def test_a_pmtiles_tile_is_served(client, pmtiles):
    response = client.get("/tiles/1/1/0")
    assert response.status_code == 200
    assert response.content == RED
    assert response["Content-Type"] == "image/png"
    assert client.get("/tiles/1/1/1").content == BLUE


@pytest.mark.parametrize("url", ["/tiles/1/0/0", "/tiles/5/3/3", "/tiles/1/2/0", "/tiles/30/0/0"])
@pytest.mark.parametrize("kind", ["mbtiles", "pmtiles"])
def test_a_tile_outside_the_file_is_missing(client, request, kind, url):
    request.getfixturevalue(kind)
    response = client.get(url)
    assert response.status_code == 404
    assert response.content == b""  # not the site's page, for what may be many of them


def test_tiles_are_kept_by_the_browser(client, mbtiles):
    version = basemap.current()[1]
    response = client.get(f"/tiles/1/1/0?v={version}")
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" not in client.get("/tiles/1/1/0")["Cache-Control"]
    again = client.get("/tiles/1/1/0", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get("/tiles/1/1/1", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_a_jpeg_tile_says_so(client, tmp_path, settings):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (1, 1)).save(out, "JPEG")
    settings.TINHSO_BASEMAP = str(
        make_mbtiles(tmp_path / "anh.mbtiles", {(0, 0, 0): out.getvalue()}, fmt="jpg")
    )
    assert client.get("/tiles/0/0/0")["Content-Type"] == "image/jpeg"


def test_without_a_basemap_no_tile_is_served_and_maps_say_so(client, settings):
    settings.TINHSO_BASEMAP = ""
    settings.TINHSO_TILE_URL = ""
    assert client.get("/tiles/0/0/0").status_code == 404
    html = client.get("/units/").content.decode()
    assert 'data-basemap=""' in html


def test_a_missing_file_serves_nothing(client, settings, tmp_path):
    settings.TINHSO_BASEMAP = str(tmp_path / "none.mbtiles")
    assert client.get("/tiles/0/0/0").status_code == 404
    assert basemap.map_options() is None


@pytest.mark.parametrize("url", ["/units/", "/feedback/", "/feedback/new/"])
def test_pages_give_the_maps_the_files_zooms_bounds_and_attribution(client, mbtiles, url):
    import html as html_lib
    import json
    import re

    page = client.get(url).content.decode()
    options = json.loads(html_lib.unescape(re.search(r'data-basemap="([^"]*)"', page)[1]))
    assert options["url"].startswith("/tiles/{z}/{x}/{y}?v=")
    assert options["maxNativeZoom"] == 1
    assert options["maxZoom"] == 3  # two levels enlarged
    assert options["minZoom"] == 1
    assert options["bounds"] == [[10.3, 105.8], [11.8, 106.9]]
    assert options["attribution"] == "© OpenStreetMap"  # the link's words, not its HTML


def test_pmtiles_metadata_reaches_the_maps(pmtiles):
    options = basemap.map_options()
    assert options["maxNativeZoom"] == 1
    assert options["bounds"] == [[10.3, 105.8], [11.8, 106.9]]
    assert options["attribution"] == "© OpenStreetMap contributors"


def test_a_tile_server_is_used_when_there_is_no_file(settings):
    settings.TINHSO_BASEMAP = ""
    settings.TINHSO_TILE_URL = "https://tiles.example.gov.vn/{z}/{x}/{y}.png"
    assert basemap.map_options()["url"] == "https://tiles.example.gov.vn/{z}/{x}/{y}.png"


def test_a_new_file_in_the_same_place_is_served_at_once(client, mbtiles):
    import os

    assert client.get("/tiles/1/1/0").content == RED
    before = basemap.current()[1]
    mbtiles.unlink()
    make_mbtiles(mbtiles, {(1, 1, 0): BLUE})
    os.utime(mbtiles, ns=(1, 1))
    assert client.get("/tiles/1/1/0").content == BLUE
    assert basemap.current()[1] != before


# --- the start-up check -------------------------------------------------------------------


def ids(settings_path, settings):
    settings.TINHSO_BASEMAP = str(settings_path)
    return [m.id for m in basemap.check_basemap()]


def test_the_check_is_quiet_without_a_basemap_or_with_a_raster_one(settings, mbtiles):
    assert basemap.check_basemap() == []
    settings.TINHSO_BASEMAP = ""
    assert basemap.check_basemap() == []


def test_the_check_warns_for_a_missing_file(settings, tmp_path):
    assert ids(tmp_path / "none.mbtiles", settings) == ["tinhso.W101"]


def test_the_check_warns_for_a_file_of_another_kind(settings, tmp_path):
    other = tmp_path / "map.png"
    other.write_bytes(png())
    assert ids(other, settings) == ["tinhso.W102"]


def test_the_check_warns_for_vector_tiles_and_the_maps_do_without(client, settings, tmp_path):
    vector = make_mbtiles(tmp_path / "vector.mbtiles", {(0, 0, 0): b"\x1a\x00"}, fmt="pbf")
    settings.TINHSO_BASEMAP = str(vector)
    messages = basemap.check_basemap()
    assert [m.id for m in messages] == ["tinhso.W103"]
    assert "vector tiles (pbf)" in messages[0].msg
    assert "raster" in messages[0].hint
    assert client.get("/tiles/0/0/0").status_code == 404
    assert basemap.map_options() is None
    pm = make_pmtiles(tmp_path / "vector.pmtiles", {(0, 0, 0): b"\x1a\x00"}, tile_type=TileType.MVT)
    assert ids(pm, settings) == ["tinhso.W103"]


def test_the_check_runs_with_djangos_checks(settings, tmp_path):
    from django.core import checks

    settings.TINHSO_BASEMAP = str(tmp_path / "none.pmtiles")
    assert "tinhso.W101" in [m.id for m in checks.run_checks()]
