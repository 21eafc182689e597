"""Why a file is refused. Raised by every reader (ingest, geo, schema) and caught by the
actions, which keep the report on the rejected version; the previous version stays live."""

from __future__ import annotations

from dataclasses import dataclass, field


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
