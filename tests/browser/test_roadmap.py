"""The roadmap's pages on a phone (390 px) and a desktop: nothing scrolls sideways, the
timeline fits, and a screenshot of each is kept in docs/screenshots."""

import pytest

from tests.browser.conftest import shot
from tests.browser.test_phone import sign_in
from tinhso.roadmap.models import Task

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_roadmap_fits_a_phone_and_a_desktop(browser, live_server, demo, size):
    task = Task.objects.filter(reports__state="submitted").first()
    pages = {"roadmap": "/roadmap/", "roadmap-task": f"/roadmap/tasks/{task.pk}/"}
    context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "demo.supervisor", demo)
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["width"], f"{path} scrolls sideways at {size} ({width} px)"
        shot(page, f"{name}-{size}-vi")
    gantt = page.goto(live_server.url + "/roadmap/") and page.locator("svg.gantt")
    # Readable on a phone: never narrower than 40rem, scrolled sideways inside its own box.
    assert gantt.bounding_box()["width"] >= 600
    assert page.locator("figure.roadmap-gantt").bounding_box()["width"] <= SIZES[size]["width"]
    assert page.locator("rect.gantt-bar").count() == Task.objects.count()
    context.close()
