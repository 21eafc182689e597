"""A Vietnamese page holds no English sentence of the platform's own: every message of
the catalogue that has a translation must appear translated, never as its English
source, on each page, public and staff (the catalogue is checked complete elsewhere)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import polib
import pytest
from django.test import Client

import tinhso
from tinhso.agencies.models import User
from tinhso.feedback.models import Report

pytestmark = pytest.mark.django_db

CATALOGUE = Path(tinhso.__file__).parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"
PAGES = {
    None: ["/", "/feedback/", "/feedback/new/", "/feedback/track/", "/data/", "/units/",
           "/units/convert/", "/agencies/", "/accounts/login/", "/data/truong-hoc/"],
    "demo.operator": ["/feedback/queue/", "/feedback/hotline/", "/accounts/me/"],
    "demo.supervisor": ["/feedback/scorecards/", "/feedback/messages/"],
    "demo.steward": ["/data/mine/", "/data/new/", "/data/don-vi-hanh-chinh/schema/",
                     "/data/don-vi-hanh-chinh/upload/"],
    "demo.admin": ["/units/boundaries/", "/admin/"],
}  # fmt: skip


def english_sentences() -> set[str]:
    """Source messages of a few words whose Vietnamese differs: on a vi page, their
    English would be a miss."""
    found = set()
    for entry in polib.pofile(str(CATALOGUE)):
        text = entry.msgid
        if "%" in text or "{" in text or entry.msgid_plural or text == entry.msgstr:
            continue
        if len(text.split()) >= 3 and len(text) >= 15:
            found.add(text)
    return found


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_vietnamese_pages_hold_no_english_sentence(client):
    sentences = english_sentences()
    assert len(sentences) > 200
    misses = []
    report = Report.objects.filter(status="answered").first()
    for username, paths in PAGES.items():
        browser = Client(HTTP_ACCEPT_LANGUAGE="vi")
        if username:
            browser.force_login(User.objects.get(username=username))
        for path in paths + (
            [f"/feedback/staff/{report.code}/"] if username == "demo.operator" else []
        ):
            response = browser.get(path)
            assert response.status_code == 200, path
            text = " ".join(visible_text(response.content.decode()).split())
            misses += [f"{path}: {s}" for s in sentences if s in text]
            if path == "/admin/":  # third-party apps are named in the platform's language
                misses += [f"{path}: {n}" for n in ("Axes", "Tasks Database Backend") if n in text]
    assert misses == [], "\n".join(misses)
