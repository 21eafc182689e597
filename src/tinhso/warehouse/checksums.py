"""The SHA-256 of an uploaded file, taken on a thread beside other work.

The digest is the version's identity (its file name, "the same file again"), so every
byte is read — about 0.7 s a gigabyte on one core. `tinhso data ingest` starts it
(`begin`) before Django has started, on the core Django's start leaves idle; the ingest
then asks for it (`of`) and gets the running or finished digest, or starts one when the
file was not begun or has changed since. Only the standard library: `tinhso.cli` imports
this module before the settings are read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
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
    """The SHA-256 of a file on its own thread (hashlib lets go of the GIL)."""

    def __init__(self, path: Path):
        super().__init__(daemon=True, name="sha256")
        self.path, self.key, self.value = Path(path), _key(path), ""

    def run(self) -> None:
        # An unreadable file is refused by its reader, with the reason.
        with contextlib.suppress(OSError):
            self.value = sha256(self.path)

    def result(self) -> str:
        """The hex digest; empty when the file could not be read."""
        self.join()
        return self.value


_begun: dict[Path, Checksum] = {}
_lock = threading.Lock()


def _key(path: Path) -> tuple:
    """What must not have changed for a digest begun earlier to be this file's."""
    try:
        stat = os.stat(path)
    except OSError:
        return (Path(path).absolute(), None)
    return (Path(path).resolve(), stat.st_size, stat.st_mtime_ns, stat.st_ino)


def begin(path: str | Path) -> None:
    """Start the digest of `path` if it is a file; a later `of(path)` takes it over."""
    checksum = Checksum(Path(path))
    if not checksum.path.is_file():
        return
    with _lock:
        _begun[checksum.key[0]] = checksum
    checksum.start()


def of(path: Path) -> Checksum:
    """The running or finished digest of `path`: one begun earlier on the same unchanged
    file, or a new one started now."""
    key = _key(path)
    with _lock:
        begun = _begun.pop(key[0], None)
    if begun is not None and begun.key == key:
        return begun
    checksum = Checksum(path)
    checksum.start()
    return checksum
