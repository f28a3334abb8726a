"""SQLite writers wait their turn on a lock file, and the next one goes as soon as the last has committed.

No Flask here. SQLite lets one connection write at a time. A writer that finds the write lock taken
sleeps in SQLite's busy handler for 1, 2, 5, 10 ms and more, however soon the lock is free again. A pin
holds the lock for about 0.2 ms, so with two workers a request that had to wait slept five times
longer than the write it waited for, and under a stream of pins a fifth of the server's CPU stood idle
(benchmarks/api.py). Here a connection first takes an advisory lock on a file beside the database
(flock), asking again after 20 µs, 40 µs, … at most half a millisecond apart, and gives it back right
after its COMMIT or ROLLBACK; SQLite's own lock, taken next, is then free.

SQLite's locking is still what keeps the data whole: this lock only orders the writers that take it.
A process that does not (the sqlite3 shell, a copy being made) makes the others wait in SQLite's busy
handler as before, and a writer that has waited WAIT_S for its turn goes on to SQLite's busy timeout.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time

log = logging.getLogger(__name__)

# How long a writer waits for its turn before it leaves the waiting to SQLite's busy timeout.
WAIT_S = 5.0
_FIRST_PAUSE_S = 20e-6
_LONGEST_PAUSE_S = 500e-6


def lock_path(database: str, uri: bool = False) -> str | None:
    """The writers' lock file for a SQLite database (beside it, as its -wal and -shm files), or
    None for a database in memory."""
    if uri:
        path, _, query = database.removeprefix("file:").partition("?")
        options = query.split("&")
        if "mode=memory" in options or "vfs=memdb" in options:
            return None
        database = path.removeprefix("//localhost")
    if database in ("", ":memory:"):
        return None
    # Absolute now: every connection to one database agrees on the file whatever the working folder.
    return os.path.abspath(database) + "-writers"


class Connection(sqlite3.Connection):
    """A sqlite3 connection whose write transactions take their turn on the writers' lock file
    (`begin_immediate`); commit, rollback and close give the turn back."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._lock_path = lock_path(os.fsdecode(database), bool(kwargs.get("uri")))
        self._lock_fd: int | None = None
        self._lock_pid = 0
        self._holding = False

    def wait_turn(self, wait_s: float = WAIT_S) -> bool:
        """Take the writers' lock; False if there is none or it stayed taken for `wait_s`."""
        if self._holding:
            if self.in_transaction and self._lock_pid == os.getpid():
                return True
            self.end_turn()  # a transaction ended where commit() does not see it (executescript)
        fd = self._fd()
        if fd is None:
            return False
        deadline = time.monotonic() + wait_s
        pause = _FIRST_PAUSE_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(2 * pause, _LONGEST_PAUSE_S)
                continue
            except OSError:  # a file system without flock (some network shares): SQLite alone
                self._forget_lock_file()
                return False
            self._holding = True
            return True

    def begin_immediate(self, execute=None) -> None:
        """BEGIN IMMEDIATE in this connection's turn (through `execute`, e.g. SQLAlchemy's, if given);
        the turn is given back at once if SQLite refuses."""
        self.wait_turn()
        try:
            (execute or self.execute)("BEGIN IMMEDIATE")
        except BaseException:
            self.end_turn()
            raise

    def end_turn(self) -> None:
        """Give the writers' lock back (nothing if this connection does not hold it)."""
        if self._holding:
            self._holding = False
            if self._lock_pid == os.getpid():  # a forked child must not unlock its parent's turn
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def __exit__(self, *exc):
        try:
            return super().__exit__(*exc)  # commits or rolls back in C, past commit() and rollback()
        finally:
            if not self.in_transaction:
                self.end_turn()

    def executescript(self, script):
        try:
            return super().executescript(script)
        finally:
            if not self.in_transaction:
                self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_turn()
            self._close_fd()

    def __del__(self) -> None:
        # A connection dropped without close() (the pool closes its own) gives the turn and the
        # descriptor back too: the lock would otherwise stay taken while the descriptor stayed open.
        if hasattr(self, "_lock_fd"):  # not if __init__ failed before it was set
            self._close_fd()

    def _close_fd(self) -> None:
        """Close this connection's descriptor of the lock file (which ends its lock, if it is the last)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
        self._lock_fd, self._holding = None, False

    def _fd(self) -> int | None:
        """This connection's own descriptor of the lock file (flock orders descriptors, so two
        connections of one process wait for each other too), opened when first needed, and again
        in a forked child (a descriptor shared with the parent would share its turn too)."""
        if self._lock_fd is not None and self._lock_pid != os.getpid():
            self._close_fd()  # the parent's descriptor stays open, and its lock with it
        if self._lock_fd is None and self._lock_path is not None:
            try:
                # Read-only is enough for flock: a file made by another user (a command run as root)
                # can still be locked by the app's.
                self._lock_fd = os.open(self._lock_path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
                self._lock_pid = os.getpid()
            except OSError as err:  # a folder we may not write in: SQLite's busy handler alone, as before
                log.warning("SQLite writers wait in SQLite's busy handler: %s cannot be opened (%s)",
                            self._lock_path, err.strerror)
                self._lock_path = None
        return self._lock_fd

    def _forget_lock_file(self) -> None:
        log.warning("SQLite writers wait in SQLite's busy handler: %s cannot be locked", self._lock_path)
        self._close_fd()
        self._lock_path = None
