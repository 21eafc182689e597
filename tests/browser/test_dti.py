"""The DTI's pages on a desktop (1366 px) and a phone (390 px): nothing scrolls sideways,
axe finds no WCAG A/AA violation, and screenshots are kept in docs/screenshots."""

import pytest

from tests.browser.conftest import accessibility_violations, shot
from tests.browser.test_phone import sign_in

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}
PAGES = {
    "dti-overview": "/dti/",
    "dti-assessment": "/dti/assessments/2024/",
    "dti-results": "/dti/results/2021/",
}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_dti_pages_fit_and_are_accessible(browser, live_server, demo, size):
    context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "demo.supervisor", demo)
    found = {}
    for name, path in PAGES.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        problems = accessibility_violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > SIZES[size]["width"]:
            problems.append(f"scrolls sideways: {width} px wide")
        if problems:
            found[path] = problems
        if name != "dti-results":
            shot(page, f"{name}-{size}")
    page.goto(live_server.url + "/dti/")
    chart = page.locator("svg.dti-bars")
    assert chart.count() == 1
    assert chart.bounding_box()["width"] <= SIZES[size]["width"]
    assert page.locator("#value-form").count() == 0  # the form is on the assessment page
    page.goto(live_server.url + "/dti/assessments/2024/")
    assert page.locator("#value-form").count() == 1
    # What the demo's own indicators gave, and the values they fed, marked as such.
    assert page.locator("table.dti-feeds tbody tr").count() == 3
    assert page.locator(".badge.fed").count() == 3
    context.close()
    assert not found, found
