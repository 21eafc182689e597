"""Why a file is refused. Raised by every reader (ingest, geo, schema) and caught by the
actions, which keep the report on the rejected version; the previous version stays live."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import override


@dataclass
class IngestError(Exception):
    """`message`: the text, or a function that makes it with gettext — then the report
    keeps it in Vietnamese and in English (`message`, `message_en`), as it keeps each
    row's error, and `message` is in the language of the moment (the CLI's, the page's)."""

    message: str | Callable[[], object]
    sha256: str = ""
    encoding: str = ""
    errors: list[dict] = field(default_factory=list)
    total: int = 0
    texts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if callable(self.message):
            make = self.message
            self.texts = both(make)
            self.message = str(make())

    def __str__(self) -> str:
        return str(self.message)

    def report(self) -> dict:
        """The Frictionless report's shape: valid, stats, errors (at most 1,000 listed)."""
        return {
            "valid": False,
            "message": self.message,
            **self.texts,  # the Vietnamese `message` and `message_en`, when made in both
            "stats": {"errors": max(self.total, len(self.errors))},
            "errors": self.errors,
        }


def both(make: Callable[[], object]) -> dict[str, str]:
    """An error's message in Vietnamese and in English (`message`, `message_en`): `make`
    builds it with gettext, and is called once in each language, so a steward reading in
    either, and an agency system, each find theirs."""
    with override("vi"):
        vietnamese = str(make())
    with override("en"):
        english = str(make())
    return {"message": vietnamese, "message_en": english}
