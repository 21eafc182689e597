"""The SHA-256 of an uploaded file: the version's identity (its file name, "the same file
again"), so every byte is read — about 0.7 s a gigabyte on one core, taken on its own
thread beside DuckDB's read (hashlib lets go of the GIL)."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from pathlib import Path

CHUNK = 1 << 20


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Checksum(threading.Thread):
    """The SHA-256 of a file, started at once on its own thread."""

    def __init__(self, path: Path):
        super().__init__(daemon=True, name="sha256")
        self.path, self.value = Path(path), ""
        self.start()

    def run(self) -> None:
        # An unreadable file is refused by its reader, with the reason.
        with contextlib.suppress(OSError):
            self.value = sha256(self.path)

    def result(self) -> str:
        """The hex digest; empty when the file could not be read."""
        self.join()
        return self.value
