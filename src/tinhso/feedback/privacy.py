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

_PHONE = re.compile(r"(?<!\d)(?:\(?\+?84\)?|0)(?:[\s.\-]?\d){8,10}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# ID numbers: 9 (CMND) or 12 (CCCD) digits, written whole or in groups.
_DIGITS = re.compile(r"(?<![\d/])(?<![\d][.,])\d(?:[\s.\-]?\d){8,11}(?!\d|[\s.,\-/]\d)")
# Words that introduce a person's name; the name is the capitalised words after them.
_NAME = re.compile(
    r"(?i:\b(?:tôi là|tôi tên là|tôi tên|tên là|tên tôi là|họ tên|ông|bà|anh|chị|cô|chú|em|"
    r"cháu))((?:\s+\w+){1,4})"
)
_HOUSE_NUMBER = r"\d{1,5}[A-Za-z]?(?:/\d{1,5}[A-Za-z]?)*"
_STREET_WORDS = r"(?:đường|phố|hẻm|ngõ|ngách|kiệt|hẽm)"
# A house number before a street word: "12 đường Lê Lợi", "15A hẻm 3".
_BEFORE_STREET = re.compile(rf"(?<![\w/]){_HOUSE_NUMBER}(?=\s+(?i:{_STREET_WORDS})\b)")
# A house number after "số nhà", "nhà số", "nhà", "số" and before a street word or name.
_AFTER_HOUSE_WORD = re.compile(rf"(?i:\b(?:số nhà|nhà số|nhà|số))\s+({_HOUSE_NUMBER})(?=,?\s+\w)")
# A house number straight before a street's name: "123 Lê Lợi", "45B Nguyễn Huệ" — unless
# the word before says it is a unit or a road ("phường 1 Tân An", "quốc lộ 22 Trảng Bàng").
_BEFORE_NAME = re.compile(rf"(?:(\w+)\s+)?(?<![\w/.,]){_HOUSE_NUMBER}(?=\s+\w+\s+\w+)")
_UNIT_WORDS = {
    "phường", "xã", "ấp", "khu", "phố", "tổ", "quận", "huyện", "lộ", "tuyến", "km", "số",
    "đường", "hẻm", "ngõ", "kiệt", "thôn", "xóm", "bản", "tỉnh", "lô", "cột", "trạm",
}  # fmt: skip


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _mask_name(match: re.Match) -> str:
    words = match.group(1).split()
    named = 0
    for word in words:
        if not _capitalised(word):
            break
        named += 1
    if not named:
        return match.group(0)
    rest = " ".join(words[named:])
    return (
        match.group(0)[: match.start(1) - match.start(0)]
        + " "
        + MASK
        + (" " + rest if rest else "")
    )


def _mask_id(match: re.Match) -> str:
    digits = sum(c.isdigit() for c in match.group(0))
    return MASK if digits in (9, 12) else match.group(0)


def _mask_before_name(match: re.Match) -> str:
    before = match.group(1)
    if before and before.lower() in _UNIT_WORDS:
        return match.group(0)
    following = match.string[match.end() :].split()[:2]
    if len(following) < 2 or not all(_capitalised(w) for w in following):
        return match.group(0)
    number = match.group(0).split()[-1]
    return match.group(0)[: len(match.group(0)) - len(number)] + MASK


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
    text = _DIGITS.sub(_mask_id, text)  # before phones, which would take a 12-digit ID's start
    text = _PHONE.sub(MASK, text)
    text = _NAME.sub(_mask_name, text)
    text = _AFTER_HOUSE_WORD.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + MASK, text)
    text = _BEFORE_STREET.sub(MASK, text)
    return _BEFORE_NAME.sub(_mask_before_name, text)


def _names(report) -> list[str]:
    # A reporter who chose to show their name is named; otherwise the name is masked.
    return [] if report.show_name else [report.reporter_name]


def public_text(report) -> str:
    """A report's text as the public may read it."""
    return mask_personal_data(report.text, _names(report))


def public_place(report) -> str:
    """Where it happened, as the reporter typed it, masked like the text."""
    return mask_personal_data(report.place, _names(report)) if report.place else ""


def public_answer(report) -> str:
    """An agency's answer as the public may read it (it may name the reporter)."""
    return mask_personal_data(report.answer, _names(report)) if report.answer else ""


def public_events(report) -> list:
    """The report's public timeline, each event's message masked (`public_message`)."""
    events = list(report.events.filter(public=True))
    for event in events:
        event.public_message = mask_personal_data(event.message, _names(report))
    return events
