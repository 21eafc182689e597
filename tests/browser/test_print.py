"""The operations centre on paper: every dashboard has a print button; with print media
the navigation, the sector links and the buttons are gone, the page is white, Plotly's
charts stay SVG and are re-laid for an A4 landscape page, and Chromium prints a PDF."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.test_phone import sign_in
from tinhso.units.models import Commune

pytestmark = pytest.mark.browser

A4_LANDSCAPE_PX = 1047  # 277 mm of printable width at 96 px per inch


LINE = (11, 79, 156)  # the value line's colour in ioc.js


def draws_the_line(png: bytes) -> bool:
    colours = Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 20) or []
    return any(all(abs(c - w) < 40 for c, w in zip(rgb, LINE, strict=True)) for _n, rgb in colours)


def chart_size(page) -> tuple[int, int]:
    svg = page.locator(".ioc-chart .main-svg").first
    return round(float(svg.get_attribute("width"))), round(float(svg.get_attribute("height")))


def test_the_dashboards_print_without_navigation_and_with_their_charts(page, demo):
    sign_in(page, page.base, "demo.leader", demo)
    page.wait_for_url("**/ioc/")
    commune = Commune.objects.filter(province__code="80").order_by("code").first()
    for path in ("/ioc/", "/ioc/sector/public-services/", f"/ioc/commune/{commune.code}/"):
        page.emulate_media(media="screen")
        page.goto(page.base + path)
        expect(page.locator(".print-button")).to_be_visible()
        expect(page.locator(".main-nav")).to_be_visible()
        expect(page.locator(".print-stamp")).to_be_hidden()
        page.emulate_media(media="print")
        expect(page.locator(".main-nav")).to_be_hidden()
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator(".print-button")).to_be_hidden()
        expect(page.locator(".print-stamp")).to_be_visible()
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(255, 255, 255)", path

    page.emulate_media(media="screen")
    page.goto(page.base + "/ioc/sector/public-services/")
    expect(page.locator(".ioc-chart .main-svg").first).to_be_visible()
    assert chart_size(page)[1] == 260  # on screen
    page.emulate_media(media="print")
    expect(page.locator("html.printing")).to_have_count(1)
    width, height = chart_size(page)
    assert height == 330 and 600 <= width <= A4_LANDSCAPE_PX, (width, height)
    expect(page.locator(".ioc-chart .main-svg").first).to_be_visible()
    assert page.locator(".ioc-chart canvas").count() == 0  # vectors, not a WebGL canvas
    assert draws_the_line(page.locator(".ioc-chart").first.screenshot())  # nothing covers it
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    expect(page.locator("html.printing")).to_have_count(0)
    assert chart_size(page)[1] == 260  # back as it was

    page.goto(page.base + "/ioc/alerts/")
    expect(page.locator(".print-button")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".main-nav")).to_be_hidden()
    expect(page.locator(".tabs")).to_be_hidden()
