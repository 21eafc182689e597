"""What personal data looks like inside free text, and its public (masked) form."""

from __future__ import annotations

import re

# Vietnamese phone numbers (0xx… or +84…, with spaces, dots or dashes), e-mail addresses,
# and 9- or 12-digit identity card numbers (CMND / CCCD).
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ID = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")

MASK = "•••"


def mask_personal_data(text: str) -> str:
    """The text with phone numbers, e-mail addresses and ID numbers replaced by •••."""
    text = _EMAIL.sub(MASK, text)
    text = _PHONE.sub(MASK, text)
    return _ID.sub(MASK, text)
