"""What personal data looks like inside free text, and its public (masked) form.

Masked on every public surface (tracking page, public list, API, Open311): phone numbers
(0xx… or +84…, with spaces, dots or dashes), e-mail addresses, identity card numbers
(CMND 9 digits, CCCD 12), people's names after the words that introduce them ("tôi là",
"tên là", "ông", "bà", "anh", "chị", "cô", "chú", "em", "cháu") and the reporter's own
name wherever it appears, and house numbers next to a street ("số 12 đường Lê Lợi",
"nhà 34/5 Trần Hưng Đạo", "15A hẻm 3"). Commune and hamlet numbers ("phường 1", "ấp 3")
and road numbers ("quốc lộ 22") are kept: they say where, not who.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "•••"

_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ID = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")

# A capitalised word: its first letter upper case (Vietnamese capitals included).
_CAPITALISED = r"[^\W\d_a-zà-ỹđ][\w]*"
# Words that introduce a person's name; the name is the capitalised words after them.
_NAME = re.compile(
    r"(?i:\b(?:tôi là|tôi tên|tên là|tên tôi là|họ tên|ông|bà|anh|chị|cô|chú|em|cháu))"
    rf"\s+((?:{_CAPITALISED})(?:\s+{_CAPITALISED}){{0,3}})"
)
_HOUSE_NUMBER = r"\d{1,5}[A-Za-z]?(?:/\d{1,5}[A-Za-z]?)*"
_STREET_WORDS = r"(?:đường|phố|hẻm|ngõ|ngách|kiệt|hẽm)"
# A house number before a street word: "12 đường Lê Lợi", "15A hẻm 3".
_BEFORE_STREET = re.compile(rf"(?<![\w/]){_HOUSE_NUMBER}(?=\s+(?i:{_STREET_WORDS})\b)")
# A house number after "số nhà", "nhà số", "nhà", "số" and before a capitalised street
# name or a street word: "số 12 Lê Lợi", "nhà 34/5 Trần Hưng Đạo".
_AFTER_HOUSE_WORD = re.compile(
    rf"(?i:\b(?:số nhà|nhà số|nhà|số))\s+({_HOUSE_NUMBER})"
    rf"(?=,?\s+(?:{_CAPITALISED}|(?i:{_STREET_WORDS})\b))"
)


def mask_personal_data(text: str, names: Iterable[str] = ()) -> str:
    """The text with personal data replaced by •••. `names`: names known to belong to
    the people involved (the reporter's), masked wherever they appear."""
    if not text:
        return text
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            text = re.sub(re.escape(name), MASK, text, flags=re.IGNORECASE)
    text = _EMAIL.sub(MASK, text)
    text = _PHONE.sub(MASK, text)
    text = _ID.sub(MASK, text)
    text = _NAME.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + MASK, text)
    text = _AFTER_HOUSE_WORD.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + MASK, text)
    return _BEFORE_STREET.sub(MASK, text)


def _names(report) -> list[str]:
    # A reporter who chose to show their name is named; otherwise the name is masked.
    return [] if report.show_name else [report.reporter_name]


def public_text(report) -> str:
    """A report's text as the public may read it."""
    return mask_personal_data(report.text, _names(report))


def public_answer(report) -> str:
    """An agency's answer as the public may read it (it may name the reporter)."""
    return mask_personal_data(report.answer, _names(report)) if report.answer else ""


def public_events(report) -> list:
    """The report's public timeline, each event's message masked (`public_message`)."""
    events = list(report.events.filter(public=True))
    for event in events:
        event.public_message = mask_personal_data(event.message, _names(report))
    return events
