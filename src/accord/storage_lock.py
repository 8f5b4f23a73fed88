"""Who holds a store file, and for how long: accord's side of DuckDB's one-writer rule.

DuckDB lets one process at a time open a database file for writing, and no process read it
meanwhile (docs/store.md). accord lives with that by holding the file briefly: writers open it
for one batch, readers for one request or command, and anyone who finds it taken waits, with a
bound, instead of failing. This module owns that waiting and the one error a store that cannot
be opened or written raises, `StoreUnavailable`, which names the store and the reason.

It also owns the writer queue: a small file beside the store (`<store>.accord-queue`) that an
accord writer locks exclusively while it waits for or holds the store. Writers queue on it one
behind the other, and readers pass it like a turnstile (they wait while a writer holds it), so
a stream of dashboard requests cannot keep a writer out for ever. The lock is flock(2), which
the kernel drops when a process dies, so a `kill -9` never leaves the queue stuck.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

try:
    import fcntl
except ImportError:  # not POSIX: no writer queue; DuckDB's own lock and the waiting remain
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:  # duckdb loads when a store opens: the CLI's error handler imports this module
    import duckdb

DEFAULT_WAIT_SECONDS = 30.0
WAIT_ENV = "ACCORD_STORE_WAIT"
QUEUE_SUFFIX = ".accord-queue"
MEMORY = ":memory:"
# Pauses between attempts double from the first to the longest: a batch write takes a fraction
# of a second, so short pauses catch the store as soon as it is free.
_FIRST_PAUSE = 0.02
_LONGEST_PAUSE = 0.25


class StoreUnavailable(Exception):
    """A store that cannot be opened or written, with the reason in one line."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"store {self.path}: {reason}")


def wait_limit() -> float:
    """Seconds to wait for a busy store: $ACCORD_STORE_WAIT, else 30."""
    text = os.environ.get(WAIT_ENV)
    if text is None or not text.strip():
        return DEFAULT_WAIT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 <= seconds < float("inf"):
        raise StoreUnavailable(f"${WAIT_ENV}", f"must be a number of seconds, not {text!r}")
    return seconds


class Waiter:
    """A bounded wait for a busy store; says once on stderr what it waits for, unless quiet."""

    def __init__(self, path: str, limit: float | None = None, quiet: bool = False) -> None:
        self.path = path
        self.limit = wait_limit() if limit is None else limit
        self.quiet = quiet
        self.started = time.monotonic()
        self._pause = _FIRST_PAUSE
        self._told = False

    def waited(self) -> float:
        return time.monotonic() - self.started

    def expired(self) -> bool:
        return self.waited() >= self.limit

    def pause(self, holder: str) -> None:
        if not self._told and not self.quiet:
            print(f"accord: store {self.path} is busy ({holder}); waiting up to "
                  f"{self.limit:g} s", file=sys.stderr, flush=True)
        self._told = True
        time.sleep(max(0.0, min(self._pause, self.limit - self.waited())))
        self._pause = min(self._pause * 2, _LONGEST_PAUSE)

    def finish(self) -> None:
        if self._told and not self.quiet:
            print(f"accord: store {self.path} free after {self.waited():.1f} s",
                  file=sys.stderr, flush=True)


# ---------------------------------------------------------------- opening a connection


def connect(path: str, read_only: bool, waiter: Waiter) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to `path`, waiting while another process holds the file."""
    import duckdb

    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.Error as error:
            message = str(error)
            if _is_lock_conflict(message) and not waiter.expired():
                waiter.pause(_holder(message))
                continue
            raise StoreUnavailable(path, reason(message, waiter)) from error


def _is_lock_conflict(message: str) -> bool:
    return "Could not set lock on file" in message


def _holder(message: str) -> str:
    pid = re.search(r"\(PID (\d+)\)", message)
    return f"held by process {pid.group(1)}" if pid else "held by another process"


# DuckDB's wording, and the reason a user is told instead.
_REASONS = (
    ("Is a directory", "it is a directory, not a store file"),
    ("not a valid DuckDB database file", "not a DuckDB store (a file of another kind)"),
    ("database does not exist", "no store there"),
    ("Permission denied", "permission denied"),
    ("Read-only file system", "the file system is read-only"),
    ("No space left on device", "no space left on the device"),
    ("Not a directory", "a part of the path is a file, not a folder"),
    ("No such file or directory", "its folder does not exist"),
    ("different configuration", "already open in this process for the other kind of access"),
)


def reason(message: str, waiter: Waiter | None = None) -> str:
    """One line saying why DuckDB refused the store, in accord's words."""
    if _is_lock_conflict(message):
        waited = f" after waiting {waiter.waited():.1f} s" if waiter else ""
        return (f"still in use, {_holder(message)}{waited} (the wait is bounded by "
                f"${WAIT_ENV}, now {waiter.limit if waiter else wait_limit():g} s)")
    for wording, told in _REASONS:
        if wording in message:
            return told
    first_line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return re.sub(r"^[A-Za-z ]*Error: ", "", first_line)


def os_reason(error: OSError) -> str:
    return reason(error.strerror or str(error))


# ---------------------------------------------------------------- the writer queue


def queue_file(path: str) -> str:
    return path + QUEUE_SUFFIX


class _Holding:
    """This process's hold on one queue file: the descriptor and how many stores use it."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.users = 1


_held: dict[str, _Holding] = {}
_held_guard = threading.Lock()


def _key(path: str) -> str:
    return os.path.realpath(queue_file(path))


def holds_turn(path: str) -> bool:
    """Whether this process holds the store's writer queue."""
    with _held_guard:
        return _key(path) in _held


class WriterTurn:
    """This process's place at the head of the writer queue, held until `release()`.

    Within one process a second store on the same file shares the turn: the queue orders
    processes, DuckDB orders the transactions inside one.
    """

    def __init__(self, path: str, waiter: Waiter) -> None:
        self.path = path
        self.key = _key(path)
        self._released = fcntl is None
        if fcntl is None:
            return
        with _held_guard:
            holding = _held.get(self.key)
            if holding is not None:
                holding.users += 1
                return
        descriptor = self._open()
        try:
            self._lock(descriptor, waiter)
        except BaseException:
            os.close(descriptor)
            raise
        with _held_guard:
            _held[self.key] = _Holding(descriptor)

    def _open(self) -> int:
        try:
            return os.open(queue_file(self.path), os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise StoreUnavailable(self.path, f"cannot create its queue file "
                                              f"{queue_file(self.path)}: {os_reason(error)}"
                                   ) from error

    def _lock(self, descriptor: int, waiter: Waiter) -> None:
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if waiter.expired():
                    raise StoreUnavailable(
                        self.path, f"another accord writer still holds it after waiting "
                                   f"{waiter.waited():.1f} s (the wait is bounded by "
                                   f"${WAIT_ENV}, now {waiter.limit:g} s)") from None
                waiter.pause("another accord writer is storing")

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        with _held_guard:
            holding = _held[self.key]
            holding.users -= 1
            if holding.users:
                return
            del _held[self.key]
        # Closing the descriptor drops the flock; DuckDB's own lock is on another file.
        os.close(holding.descriptor)


def _queue_is_free(path: str) -> bool | None:
    """True when no accord writer holds the queue, False when one does, None without a queue."""
    if fcntl is None or path == MEMORY or holds_turn(path):
        return None
    try:
        descriptor = os.open(queue_file(path), os.O_RDONLY)
    except OSError:
        return None  # no writer ever queued here
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


def writer_waiting(path: str) -> bool:
    """Whether an accord writer holds or waits for the store (a reader should let go)."""
    return _queue_is_free(path) is False


def wait_for_writers(path: str, waiter: Waiter) -> None:
    """The readers' turnstile: return once no accord writer holds or waits for the store."""
    while _queue_is_free(path) is False:
        if waiter.expired():
            raise StoreUnavailable(path, f"an accord writer still holds it after waiting "
                                         f"{waiter.waited():.1f} s (the wait is bounded by "
                                         f"${WAIT_ENV}, now {waiter.limit:g} s)")
        waiter.pause("an accord writer is storing")


def open_connection(
    path: str, read_only: bool, waiter: Waiter
) -> tuple[duckdb.DuckDBPyConnection, WriterTurn | None]:
    """Open the store at `path` for reading or writing, waiting (bounded) for its holders.

    A writer gets its turn in the writer queue first and keeps it until it closes (release
    the returned turn after closing the connection); a reader passes the turnstile.
    """
    if path == MEMORY:
        return connect(path, read_only=False, waiter=waiter), None
    check_store_file(path)
    if read_only:
        wait_for_writers(path, waiter)
        connection = connect(path, read_only=True, waiter=waiter)
        waiter.finish()
        return connection, None
    _make_folder(path)
    turn = WriterTurn(path, waiter)
    try:
        connection = connect(path, read_only=False, waiter=waiter)
    except BaseException:
        turn.release()
        raise
    waiter.finish()
    return connection, turn


# Every DuckDB database file carries these bytes at this offset.
_DUCKDB_MAGIC, _MAGIC_OFFSET = b"DUCK", 8


def check_store_file(path: str) -> None:
    """Refuse a path that cannot be a store before anything is created beside it."""
    target = Path(path)
    if target.is_dir():
        raise StoreUnavailable(path, "it is a directory, not a store file")
    if not target.exists():
        return
    try:
        with target.open("rb") as handle:
            head = handle.read(_MAGIC_OFFSET + len(_DUCKDB_MAGIC))
    except OSError as error:
        raise StoreUnavailable(path, f"cannot read it: {os_reason(error)}") from error
    # An empty file may be a store another process is creating this instant: DuckDB decides.
    if head and head[_MAGIC_OFFSET:] != _DUCKDB_MAGIC:
        raise StoreUnavailable(path, "not a DuckDB store (a file of another kind)")


def _make_folder(path: str) -> None:
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:
        raise StoreUnavailable(path, "a part of its path is a file, not a folder") from error
    except OSError as error:
        raise StoreUnavailable(path, f"cannot create its folder: {os_reason(error)}") from error


# ---------------------------------------------------------------- a server's shared connection

LINGER_SECONDS = 0.5
_KEEPER_TICK = 0.1


class SharedConnection:
    """One connection that a server's concurrent requests share, held only while they come.

    Each request borrows a cursor. The connection opens for the first request and closes
    once no request has used it for `linger` seconds, or as soon as the last request in
    flight ends while an accord writer waits; new requests wait at the turnstile while a
    writer holds the queue. A dashboard burst opens the file once, and a writer waits at most
    for the requests already running (or `linger` when the server is idle).
    """

    def __init__(self, path: str, read_only: bool, linger: float = LINGER_SECONDS,
                 wait: float | None = None) -> None:
        self.path = path
        self.read_only = read_only
        self.linger = linger
        self.wait = wait
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._last_used = 0.0
        self._closed = False
        self._changed = threading.Condition()
        self._keeper: threading.Thread | None = None

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one request (DuckDB connections are not thread-safe)."""
        cursor = self._borrow()
        try:
            yield cursor
        finally:
            try:
                cursor.close()
            finally:
                self._give_back()

    def _borrow(self) -> duckdb.DuckDBPyConnection:
        # Quiet: a server answers 503 with the reason instead of writing to its log.
        waiter = Waiter(self.path, self.wait, quiet=True)
        wait_for_writers(self.path, waiter)
        with self._changed:
            if self._closed:
                raise StoreUnavailable(self.path, "the server is shutting down")
            if self._connection is None:
                check_store_file(self.path)
                self._connection = connect(self.path, self.read_only, waiter)
                self._start_keeper()
            self._users += 1
            return self._connection.cursor()

    def _give_back(self) -> None:
        with self._changed:
            self._users -= 1
            self._last_used = time.monotonic()
            if self._users == 0 and writer_waiting(self.path):
                self._let_go()

    def _start_keeper(self) -> None:
        if self._keeper is None:
            self._keeper = threading.Thread(target=self._keep, name="accord-store-keeper",
                                            daemon=True)
            self._keeper.start()

    def _keep(self) -> None:
        """Close the idle connection after the linger, or at once for a waiting writer."""
        with self._changed:
            while not self._closed:
                self._changed.wait(_KEEPER_TICK)
                if self._connection is None or self._users:
                    continue
                idle = time.monotonic() - self._last_used >= self.linger
                if idle or writer_waiting(self.path):
                    self._let_go()

    def _let_go(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._let_go()
            self._changed.notify_all()
        if self._keeper is not None:
            self._keeper.join()

