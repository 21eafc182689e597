"""Playwright driving Debian's chromium against the live test server."""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail(
            "No chromium found: install Debian's package (apt-get install chromium) "
            "or set CHROMIUM to its path."
        )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the fixtures
    # make are still synchronous and safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(transactional_db):
    """Transactional tests start from an empty database: build the demo province."""
    call_command("demo", stdout=io.StringIO())
    from tinhso.agencies.demo import demo_password

    return demo_password()


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1366, "height": 850}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    yield page
    context.close()


def shot(page, name: str) -> None:
    """Save a screenshot for docs/. Headless chromium now and then refuses a capture while
    it is still compositing a page it just loaded; wait for the load and try again."""
    from playwright.sync_api import Error

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")
    for attempt in range(3):
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
            return
        except Error:
            if attempt == 2:
                raise
            page.wait_for_timeout(500)


WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def accessibility_violations(page) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it stands, one line each
    with the rule, its impact and the first offending element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
        f" and {len(v['nodes']) - 1} more"
        for v in results.response["violations"]
    ]
