"""Why a file is refused. Raised by every reader (ingest, geo, schema) and caught by the
actions, which keep the report on the rejected version; the previous version stays live."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import override


@dataclass
class IngestError(Exception):
    message: str
    sha256: str = ""
    encoding: str = ""
    errors: list[dict] = field(default_factory=list)
    total: int = 0

    def report(self) -> dict:
        """The Frictionless report's shape: valid, stats, errors (at most 1,000 listed)."""
        return {
            "valid": False,
            "message": self.message,
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
