"""Text keys for accent- and case-insensitive matching of Vietnamese names.

"Tân An", "TAN AN" and "tan an" share the key "tan an"; `compact_key` also drops spaces and
punctuation ("TP. Tân An" → "tptanan"), the form the administrative-unit data uses.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, without diacritics, đ → d, spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(_NON_ALNUM.sub(" ", bare.lower()).split())


def compact_key(text: str) -> str:
    """`fold` without any separator: the key form of vietnamadminunits."""
    return fold(text).replace(" ", "")
