"""Maps in a real browser: the province's basemap file drawn from the platform's own
`/tiles/`, commune names when there is none, and no accessibility violation on the pages
with a map."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.basemaps import make_mbtiles
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def wait_for_map(page, selector):
    """A map is ready once the communes are drawn and it has a view."""
    page.wait_for_function(
        f"(() => {{ const el = document.querySelector('{selector}');"
        " return el && el.tinhsoMap && el.tinhsoMap._loaded"
        " && el.querySelector('.leaflet-overlay-pane path'); })()"
    )


@pytest.fixture
def basemap_file(settings, tmp_path):
    settings.TINHSO_BASEMAP = str(make_mbtiles(tmp_path / "tinh.mbtiles"))
    return settings.TINHSO_BASEMAP


def test_the_report_forms_map_draws_the_provinces_own_tiles(page, basemap_file):
    tiles = []
    outside = []

    def seen(response):
        if "/tiles/" in response.url:
            tiles.append(response)
        elif not response.url.startswith(page.base):
            outside.append(response.url)

    page.on("response", seen)
    page.goto(page.base + "/feedback/new/")
    wait_for_map(page, "#pin-map")
    expect(page.locator("#pin-map .leaflet-tile-loaded").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    drawn = [r for r in tiles if r.status == 200]
    assert drawn, "no tile was asked for"
    assert all(r.headers["content-type"] == "image/png" for r in drawn)
    assert page.evaluate(
        "[...document.querySelectorAll('#pin-map img.leaflet-tile-loaded')]"
        ".some(img => img.naturalWidth === 256)"
    )
    assert not outside, outside
    # The file's attribution, and no note about a missing basemap.
    expect(page.locator("#pin-map .leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    expect(page.locator(".map-no-basemap")).to_have_count(0)
    # Street level: the map zooms past the file's deepest tiles (10) by two levels.
    assert page.evaluate("document.querySelector('#pin-map').tinhsoMap.getMaxZoom()") == 12
    height = page.evaluate("document.querySelector('#pin-map').getBoundingClientRect().height")
    assert height >= 340


def test_without_a_basemap_the_units_map_names_the_communes(page):
    page.goto(page.base + "/units/")
    wait_for_map(page, "#map")
    labels = page.locator("#map .commune-label span")
    expect(labels.first).to_be_visible()
    shown = labels.count()
    assert shown >= 5
    expect(page.locator("#map .map-no-basemap")).to_contain_text("Chưa cấu hình bản đồ nền")
    # Closer in, more names find room.
    page.evaluate("(() => { const m = document.querySelector('#map').tinhsoMap;"
                  " m.setZoom(m.getZoom() + 2, {animate: false}); })()")  # fmt: skip
    page.wait_for_timeout(300)
    assert (
        page.evaluate(
            "[...document.querySelectorAll('#map .commune-label')]"
            ".filter(e => { const r = e.firstChild.getBoundingClientRect();"
            " const m = document.querySelector('#map').getBoundingClientRect();"
            " return r.left >= m.left && r.right <= m.right && r.top >= m.top"
            " && r.bottom <= m.bottom; }).length"
        )
        >= 5
    )
    shot(page, "units-map-names")


def test_the_note_is_in_english_for_english_readers(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1366, "height": 850}, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/units/")
    wait_for_map(page, "#map")
    expect(page.locator("#map .map-no-basemap")).to_contain_text("No basemap configured")
    context.close()


@pytest.mark.parametrize("path", ["/feedback/", "/units/", "/feedback/new/"])
def test_pages_with_a_map_have_no_accessibility_violation(page, path):
    page.goto(page.base + path)
    wait_for_map(page, ".map")
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_pages_with_a_basemap_have_no_accessibility_violation(page, basemap_file):
    for path in ("/feedback/", "/units/"):
        page.goto(page.base + path)
        wait_for_map(page, ".map")
        page.wait_for_load_state("networkidle")
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
