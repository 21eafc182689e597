"""The pages this round changed, at a phone's width and a desktop's, in Vietnamese and in
English: nothing scrolls sideways, the page is in the language asked, and a screenshot of
each is kept in docs/screenshots."""

import pytest

from tests.browser.conftest import shot
from tests.browser.test_phone import sign_in
from tinhso.feedback.models import Report

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_changed_pages_in_both_languages_and_sizes(browser, live_server, demo, language, size):
    answered = Report.objects.filter(status="answered").first()
    pages = {
        "queue": "/feedback/queue/",
        "report-staff": f"/feedback/staff/{answered.code}/",
        "report-own": f"/feedback/r/{answered.code}/{answered.citizen_key}/",
        "catalogue": "/data/",
        "portal-search": "/dataset/",
        "dti": "/dti/",
        "dti-assessment": "/dti/assessments/2024/",
        "roadmap": "/roadmap/",
        "portal-request-new": "/opendata/requests/new",
    }
    context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "demo.supervisor", demo)
    # Then the language chosen, as the VI/EN switch keeps it.
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == language, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["width"], f"{path} scrolls sideways at {size} ({width} px)"
        shot(page, f"{name}-{size}-{language}")
    context.close()
