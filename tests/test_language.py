"""A Vietnamese page holds no English sentence of the platform's own: every message of
the catalogue that has a translation must appear translated, never as its English
source, on each page, public and staff (the catalogue is checked complete elsewhere).
And the other way: an English page holds none of the catalogue's Vietnamese sentences, and
no template carries Vietnamese outside a translation tag."""

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


def vietnamese_sentences() -> set[str]:
    """The catalogue's Vietnamese sentences: on an en page, one would be a miss. Short
    names are left out: the demo's data (a dataset "Đơn vị hành chính", a user "Quản trị
    dữ liệu …") is Vietnamese in both languages."""
    found = set()
    for entry in polib.pofile(str(CATALOGUE)):
        text = entry.msgstr
        if not text or "%" in text or "{" in text or entry.msgid_plural or text == entry.msgid:
            continue
        if len(text.split()) >= 4 and len(text) >= 20:
            found.add(text)
    return found


@pytest.mark.parametrize(
    ("language", "sentences"),
    [("vi", english_sentences), ("en", vietnamese_sentences)],
    ids=["vi-pages-hold-no-english", "en-pages-hold-no-vietnamese"],
)
def test_pages_hold_no_sentence_of_the_other_language(client, language, sentences):
    sentences = sentences()
    assert len(sentences) > 200
    misses = []
    report = Report.objects.filter(status="answered").first()
    for username, paths in PAGES.items():
        browser = Client(HTTP_ACCEPT_LANGUAGE=language)
        browser.cookies["django_language"] = language
        if username:
            browser.force_login(User.objects.get(username=username))
        for path in paths + (
            [f"/feedback/staff/{report.code}/"] if username == "demo.operator" else []
        ):
            response = browser.get(path)
            assert response.status_code == 200, path
            text = " ".join(visible_text(response.content.decode()).split())
            misses += [f"{path}: {s}" for s in sentences if s in text]
            if path == "/admin/" and language == "vi":  # third-party apps in the platform's
                misses += [f"{path}: {n}" for n in ("Axes", "Tasks Database Backend") if n in text]
    assert misses == [], "\n".join(misses)


BRAND = "Tỉnh Số"  # the product's name, the same in every language
VIETNAMESE_LETTERS = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I
)
TAGS = re.compile(
    r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}|{%.*?%}|{{.*?}}|{#.*?#}", re.S
)


def test_templates_carry_no_vietnamese_outside_translation_tags():
    """Template text is English, translated through the catalogue; Vietnamese inside a
    tag's argument ({% translate "…" %}) is the catalogue's business, not the page's."""
    misses = []
    for template in Path(tinhso.__file__).parent.rglob("templates/**/*.html"):
        text = TAGS.sub(" ", template.read_text(encoding="utf-8"))
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
        for line in visible_text(text).replace(BRAND, "").splitlines():
            if VIETNAMESE_LETTERS.search(line):
                misses.append(f"{template.relative_to(CATALOGUE.parents[3])}: {line.strip()}")
    assert misses == [], "\n".join(misses)
