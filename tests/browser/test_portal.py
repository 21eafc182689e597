"""The open data portal in a real browser, on a desktop and on a 390 px phone: search
without accents narrowed by a facet, a dataset's page with its preview and API panel,
and the published open-data list with its downloads — never wider than the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _search_and_open(page) -> None:
    page.goto(page.base + "/opendata/")
    page.locator("#portal-q").fill("truong hoc")  # no accents, still found
    page.locator(".portal-search button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dataset/\?q=truong"))
    result = page.locator(".portal-results a[href='/dataset/truong-hoc']")
    expect(result).to_be_visible()
    count = int(page.locator(".result-count").get_attribute("data-count"))
    # A facet narrows and shows as a chip; removing the chip widens again.
    facet = page.locator("a[data-facet=organization]").first
    facet.scroll_into_view_if_needed()
    if not facet.is_visible():  # on a phone the facet's list is folded
        facet.locator("xpath=ancestor::details/summary").click()
    facet.click()
    chip = page.locator("a.chip[data-chip=organization]")
    expect(chip).to_be_visible()
    assert int(page.locator(".result-count").get_attribute("data-count")) <= count
    chip.click()
    expect(page.locator("a.chip[data-chip=organization]")).to_have_count(0)
    expect(page.locator(".result-count")).to_have_attribute("data-count", str(count))
    page.locator(".portal-results a[href='/dataset/truong-hoc']").click()
    expect(page).to_have_url(re.compile(r"/dataset/truong-hoc$"))
    expect(page.locator("#preview .pv-table tbody tr").first).to_be_visible()
    expect(page.locator("#api")).to_contain_text("package_show")
    expect(page.locator("#resources a[data-resource]").first).to_be_visible()


def test_search_a_dataset_and_the_list_on_a_desktop(page):
    _search_and_open(page)
    expect(page.locator("#preview .pv-table tbody tr")).to_have_count(25)
    shot(page, "portal-dataset")
    _fits(page, 1366)
    page.goto(page.base + "/opendata/list/")
    expect(page.locator("table.open-list tbody tr[data-slug=truong-hoc]")).to_be_visible()
    with page.expect_download() as download:
        page.locator("a[href='/opendata/list.xlsx']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, "portal-list")
    _fits(page, 1366)


def test_the_portal_fits_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    try:
        page.goto(page.base + "/opendata/")
        _fits(page, PHONE["width"])
        _search_and_open(page)
        _fits(page, PHONE["width"])
        for url in ("/dataset/?q=du+lieu", "/opendata/list/", "/group/", "/organization/"):
            page.goto(page.base + url)
            _fits(page, PHONE["width"])
    finally:
        context.close()
