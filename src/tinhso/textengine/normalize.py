"""Vietnamese text normalisation for the classifier, search and duplicate detection.

`normalize` is the form the classifier and the similarity measure see: Unicode NFC, one
tone-mark placement, lower case, common abbreviations and teen-code expanded, punctuation
reduced to spaces. `fold` (accent-free search keys) lives in `tinhso.core.text`, shared
with the administrative units. Word segmentation is not done: measured on a real corpus it
did not pay for its cost (docs/text-engine.md).
"""

from __future__ import annotations

import re
import unicodedata

from tinhso.core.text import fold

__all__ = ["expand_abbreviations", "fold", "normalize", "unify_tones"]

TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng (combining)
# Old style puts the tone on the second vowel of a final "oa", "oe", "uy" ("hoà", "thuý");
# new style on the first ("hòa", "thúy"). We write the new style.
# With a final consonant both styles agree ("hoàng"), and in "qu" the u is part of the
# consonant ("quý"), so neither is touched.
_OLD_TONE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{TONES}])(?![\w{TONES}])")


def unify_tones(text: str) -> str:
    """ "hoà" → "hòa", "thuý" → "thúy", "khoẻ" → "khỏe"; NFC in, NFC out."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_TONE.sub(r"\1\3\2", decomposed))


# Written as people type them in complaints and on the hotline; matched as whole words,
# in lower case, after tone unification.
ABBREVIATIONS = {
    "ko": "không",
    "k": "không",
    "kh": "không",
    "khg": "không",
    "hok": "không",
    "hông": "không",
    "dc": "được",
    "đc": "được",
    "đk": "được",
    "vs": "với",
    "j": "gì",
    "ntn": "như thế nào",
    "mn": "mọi người",
    "ng": "người",
    "r": "rồi",
    "lm": "làm",
    "bh": "bây giờ",
    "tp": "thành phố",
    "tx": "thị xã",
    "tt": "thị trấn",
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "csgt": "cảnh sát giao thông",
    "ca": "công an",
    "pccc": "phòng cháy chữa cháy",
    "qđ": "quyết định",
    "gcn": "giấy chứng nhận",
    "sđt": "số điện thoại",
}
_WORD = re.compile(r"\w+", re.UNICODE)
# "P.6", "p. Tân An", "Q.1": ward and district prefixes before a number or a name.
_PREFIXES = re.compile(r"\b([pq])\.\s*(?=\w)", re.IGNORECASE)
_PREFIX_WORDS = {"p": "phường ", "q": "quận "}
_NOT_TEXT = re.compile(r"[^\w]+", re.UNICODE)


def expand_abbreviations(text: str) -> str:
    """Lower-cased text with abbreviations and teen-code written out ("ko dc" →
    "không được", "P.6" → "phường 6", "UBND" → "ủy ban nhân dân")."""
    text = _PREFIXES.sub(lambda m: _PREFIX_WORDS[m.group(1).lower()], text.lower())
    return _WORD.sub(lambda m: ABBREVIATIONS.get(m.group(0), m.group(0)), text)


def normalize(text: str) -> str:
    """The classifier's and the similarity measure's view of a text."""
    text = unify_tones(unicodedata.normalize("NFC", text or ""))
    text = expand_abbreviations(text)
    return " ".join(_NOT_TEXT.sub(" ", text).split())
