"""Django's SQLite backend, with writers queued on a file lock.

SQLite lets one writer at a time hold the database. A writer that finds it taken waits
in SQLite's busy handler, which polls with growing sleeps (up to 100 ms each): under
many concurrent writers, some wait far longer than the lock was actually held, and the
slowest requests pay for it. Here, every transaction first takes an exclusive `flock` on
a file beside the database; the kernel hands the lock to the next waiter the moment it
is released, so writers take turns in order, across threads and processes. SQLite's own
lock and busy timeout stay in place for anything that writes outside a transaction.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_fd: int | None = None
    _lock_held = False

    def _lock_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writelock"

    def _acquire_write_lock(self) -> None:
        path = self._lock_path()
        if path is None or self._lock_held:
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)  # waits without holding the GIL
        self._lock_held = True

    def _release_write_lock(self) -> None:
        if self._lock_held and self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            self._lock_held = False

    def _start_transaction_under_autocommit(self):
        self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _close(self):
        self._release_write_lock()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
        return super()._close()  # type: ignore[misc]
