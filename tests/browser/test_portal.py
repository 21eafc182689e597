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


def test_a_citizen_shares_a_reuse_and_asks_for_data_and_a_steward_answers_on_a_phone(
    browser, live_server, demo
):
    """Anonymous on a phone: a dataset request (public at once) and a reuse of an open
    dataset (shown once checked); the agency's data steward publishes the one and answers
    the other; the sender's e-mail appears only on the steward's page."""
    from tinhso.warehouse.models import Access, Dataset

    slug = Dataset.objects.filter(access=Access.OPEN, owner__code="SKHCN").values_list(
        "slug", flat=True
    )[0]
    email = "nguoi.dung@example.vn"
    citizen = browser.new_context(viewport=PHONE, locale="vi-VN")
    steward = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        page = citizen.new_page()
        page.set_default_timeout(15_000)
        page.goto(live_server.url + "/opendata/requests/new")
        page.locator("#id_title").fill("Danh sách trạm sạc xe điện")
        page.locator("#id_description").fill("Vị trí và công suất từng trạm, để làm bản đồ.")
        from tinhso.agencies.models import Agency

        page.locator("#id_agency").select_option(str(Agency.objects.get(code="SKHCN").pk))
        page.locator("#id_submitter_name").fill("Nguyễn Văn A")
        page.locator("#id_submitter_email").fill(email)
        page.locator("#request-form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/opendata/requests/\d+/$"))
        request_url = page.url
        expect(page.locator("h1")).to_have_text("Danh sách trạm sạc xe điện")
        expect(page.locator("#answer")).to_contain_text("Chưa được trả lời")
        _fits(page, PHONE["width"])
        shot(page, "portal-request-phone")

        page.goto(f"{live_server.url}/dataset/{slug}/reuses/new")
        page.locator("#id_title").fill("Ứng dụng tra cứu cho người dân")
        page.locator("#id_url").fill("https://example.vn/ung-dung")
        page.locator("#id_description").fill("Hiển thị dữ liệu trên bản đồ điện thoại.")
        page.locator("#id_submitter_name").fill("Nguyễn Văn A")
        page.locator("#id_submitter_email").fill(email)
        _fits(page, PHONE["width"])
        page.locator("form button[type=submit]").last.click()
        expect(page).to_have_url(re.compile(rf"/dataset/{slug}$"))
        # The thank-you is where the sender is looking: at the top, in view.
        thanks = page.locator(".messages").first
        expect(thanks).to_contain_text("Cảm ơn")
        expect(thanks).to_be_in_viewport()
        expect(page.locator("#reuses")).not_to_contain_text("Ứng dụng tra cứu cho người dân")

        moderator = steward.new_page()
        moderator.set_default_timeout(15_000)
        from tests.browser.test_phone import sign_in

        sign_in(moderator, live_server.url, "demo.steward", demo)
        moderator.goto(live_server.url + "/opendata/moderation/")
        reuse = moderator.locator("#pending-reuses li", has_text="Ứng dụng tra cứu")
        expect(reuse).to_contain_text(email)  # the steward may write back
        _fits(moderator, PHONE["width"])
        shot(moderator, "portal-moderation-phone")
        reuse.get_by_role("button", name="Công bố", exact=True).click()
        asked = moderator.locator("#open-requests li", has_text="trạm sạc xe điện")
        asked.locator("textarea[name=answer]").fill("Sở sẽ công bố trong quý tới.")
        asked.get_by_role("button", name="Công bố trả lời").click()
        moderator.wait_for_load_state("load")
        moderator.goto(live_server.url + "/opendata/moderation/")
        expect(moderator.locator("#open-requests")).not_to_contain_text("trạm sạc xe điện")
        expect(moderator.locator("#pending-reuses")).not_to_contain_text("Ứng dụng tra cứu")

        page.goto(request_url)
        expect(page.locator("#answer")).to_contain_text("Sở sẽ công bố trong quý tới.")
        assert email not in page.content()
        page.goto(f"{live_server.url}/dataset/{slug}")
        expect(page.locator("#reuses")).to_contain_text("Ứng dụng tra cứu cho người dân")
        assert email not in page.content()
        _fits(page, PHONE["width"])
    finally:
        citizen.close()
        steward.close()
