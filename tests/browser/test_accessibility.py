"""Every kind of page, public and staff, passes axe-core's WCAG 2.0/2.1 A and AA rules, in
Vietnamese at a desktop's width and in English at a phone's — where it must also not
scroll sideways."""

import pytest

from tests.browser.conftest import accessibility_violations
from tests.browser.test_phone import sign_in
from tinhso.feedback.models import Report
from tinhso.warehouse.models import Access, Dataset

pytestmark = pytest.mark.browser


def public_pages() -> list[str]:
    answered = Report.objects.filter(status="answered", track="ordinary").first()
    dataset = Dataset.objects.filter(access=Access.OPEN).order_by("slug").first()
    return [
        "/",
        "/feedback/new/",
        "/feedback/",
        "/feedback/track/",
        f"/feedback/track/?code={answered.code}",
        f"/feedback/r/{answered.code}/{answered.citizen_key}/",
        "/data/",
        f"/data/{dataset.slug}/",
        "/units/",
        "/units/convert/",
        "/accounts/login/",
    ]


STAFF = {
    "demo.operator": ["/work/", "/feedback/queue/", "/feedback/hotline/"],
    "demo.supervisor": ["/feedback/scorecards/", "/feedback/messages/"],
    "demo.steward": ["/data/mine/", "/data/new/"],
}


def staff_pages(username: str) -> list[str]:
    pages = list(STAFF[username])
    if username == "demo.operator":
        received = Report.objects.filter(status="received").first()
        pages.append(f"/feedback/staff/{received.code}/")
    if username == "demo.steward":
        dataset = Dataset.objects.filter(owner__members__username=username).first()
        pages += [f"/data/{dataset.slug}/upload/", f"/data/{dataset.slug}/schema/"]
    return pages


SIZES = {"vi": {"width": 1366, "height": 768}, "en": {"width": 390, "height": 844}}


def check(page, url: str, found: dict) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    problems = accessibility_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        problems.append(f"scrolls sideways: {width} px wide")
    if problems:
        found[url] = problems


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_passes_axe(browser, live_server, demo, language):
    found: dict[str, list[str]] = {}
    for username in [None, *STAFF]:
        context = browser.new_context(viewport=SIZES[language], locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            sign_in(page, live_server.url, username, demo)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for path in staff_pages(username) if username else public_pages():
            check(page, live_server.url + path, found)
        context.close()
    assert not found, "\n".join(f"{url}\n  " + "\n  ".join(p) for url, p in found.items())
