"""A phone (390 × 844) on every kind of page: nothing scrolls sideways, the header, menu
and demo banner take at most ~15 % of the screen, the menu opens from its button."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tinhso.feedback.models import Report

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PUBLIC = ["/", "/feedback/", "/feedback/new/", "/feedback/track/", "/data/", "/units/",
          "/agencies/", "/data/truong-hoc/"]  # fmt: skip
STAFF = {
    "demo.operator": ["/feedback/queue/", "/feedback/hotline/"],
    "demo.steward": ["/data/mine/", "/data/truong-hoc/upload/"],
}


def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def check(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ' '"
        " + Math.round(e.getBoundingClientRect().right))"
    )
    assert width <= PHONE["width"], f"{url} scrolls sideways ({width} px): {wide}"
    overlap = page.evaluate(
        "(() => { const name = document.querySelector('.brand > span:last-child')"
        ".getBoundingClientRect(), tools = document.querySelector('.site-header .tools')"
        ".getBoundingClientRect(); return name.width > 1 ? name.right - tools.left : 0 })()"
    )
    assert overlap <= 1, f"{url}: the province's name runs under the header's buttons"
    top = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.site-header, .demo-banner')]"
        ".map(e => e.getBoundingClientRect().bottom))"
    )
    assert top <= PHONE["height"] * 0.15 + 1, f"{url}: header and banner take {top} px"


def sign_in(page, base, username, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_public_pages_fit_a_phone(browser, live_server, demo):
    context, page = phone(browser)
    code = Report.objects.filter(status="answered").values_list("code", flat=True).first()
    for path in PUBLIC:
        if path == "/feedback/track/":
            path += f"?code={code}"
        check(page, live_server.url + path)
    page.goto(live_server.url + "/")
    menu = page.get_by_role("button", name="Danh mục")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="Cơ quan", exact=True)).to_be_hidden()
    menu.click()
    expect(page.get_by_role("link", name="Cơ quan", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Phản ánh công khai", exact=True)).to_be_visible()
    shot(page, "home-phone")
    context.close()


def test_staff_pages_fit_a_phone(browser, live_server, demo):
    for username, paths in STAFF.items():
        context, page = phone(browser)
        sign_in(page, live_server.url, username, demo)
        for path in paths:
            check(page, live_server.url + path)
        context.close()


def wait_for_pin_map(page):
    """Wait until the form's map has a centre: it gets one once the communes have loaded."""
    page.wait_for_function(
        "(() => { const el = document.querySelector('#pin-map');"
        " return el && el.tinhsoMap && el.tinhsoMap._loaded; })()"
    )


def test_the_map_pin_has_its_image(browser, live_server, demo):
    context, page = phone(browser)
    broken = []
    page.on("response", lambda r: broken.append(r.url) if r.status >= 400 else None)
    page.goto(live_server.url + "/feedback/new/")
    wait_for_pin_map(page)
    page.evaluate(
        "() => { const m = document.querySelector('#pin-map').tinhsoMap;"
        " m.fire('click', {latlng: m.getCenter()}); }"
    )
    icon = page.locator("img.leaflet-marker-icon").first
    expect(icon).to_be_visible()
    # Loaded or failed: a broken image completes too, with no width.
    page.wait_for_function("() => document.querySelector('img.leaflet-marker-icon').complete")
    assert page.evaluate("document.querySelector('img.leaflet-marker-icon').naturalWidth") > 0
    assert not [u for u in broken if "marker" in u], broken
    context.close()


def test_the_map_pin_is_placed_with_the_keyboard(browser, live_server, demo):
    context, page = phone(browser)
    page.goto(live_server.url + "/feedback/new/")
    wait_for_pin_map(page)
    page.focus("#pin-map")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("img.leaflet-marker-icon")).to_be_visible()
    assert page.input_value("input[name=lat]") != ""
    context.close()
