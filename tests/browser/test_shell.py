"""The pages' shell in a real browser: home, sign-in, the units map, the converter."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def test_home_page_in_vietnamese_with_keyboard_skip_link(page):
    page.goto(page.base + "/")
    expect(page).to_have_title(re.compile("Tỉnh Tây Ninh"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh Tây Ninh")
    expect(page.get_by_role("link", name="Đơn vị hành chính")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    shot(page, "home")


def test_sign_in_shows_staff_navigation(page, demo):
    page.goto(page.base + "/")
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Tên đăng nhập").fill("demo.admin")
    page.get_by_label("Mật khẩu").fill(demo)
    shot(page, "sign-in")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Quản trị hệ thống (demo)").first).to_be_visible()
    expect(page.get_by_role("link", name="Quản trị", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Ranh giới xã")).to_be_visible()
    # On a desktop the brand and the tools share one line: the bar is one row high.
    brand = page.locator(".site-header .brand").bounding_box()
    tools = page.locator(".site-header .tools").bounding_box()
    assert abs(brand["y"] + brand["height"] / 2 - (tools["y"] + tools["height"] / 2)) < 12
    assert page.locator(".site-header .bar").bounding_box()["height"] < 80
    shot(page, "home-signed-in")


def test_switch_to_english(page):
    page.goto(page.base + "/")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_units_map_draws_approximate_cells(page):
    page.goto(page.base + "/units/")
    expect(page.locator(".leaflet-interactive").first).to_be_attached()
    assert page.locator(".leaflet-interactive").count() == 96
    expect(page.locator(".map-legend")).to_contain_text("ô gần đúng")
    page.get_by_label("Tìm kiếm (có dấu hay không đều được)").fill("tan an")
    expect(page.locator("#commune-table")).to_contain_text("Phường Tân An")
    expect(page.locator("#commune-table")).not_to_contain_text("Xã Hưng Điền")
    shot(page, "units-map")


def test_convert_an_old_address(page):
    page.goto(page.base + "/units/convert/")
    page.get_by_label("Tỉnh cũ").fill("Long An")
    page.get_by_label("Huyện cũ (không bắt buộc)").fill("TP Tân An")
    page.get_by_label("Xã, phường cũ").fill("P.6")
    page.get_by_role("button", name="Chuyển đổi").click()
    expect(page.locator(".new-units")).to_contain_text("Phường Long An")
    shot(page, "convert")
