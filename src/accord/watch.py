"""The drop folder (`accord watch DIR --db STORE`): code every file that lands in a folder.

Owns finding complete files (the folder and its subfolders are polled; a file is complete once
its size and modification time stayed the same for one interval), skipping names that mark a
file still being written or hidden (`*.part`, `*.tmp`, dotfiles...), remembering what was
handled (table `watched_files` in the store, keyed by path and content hash, so a file is coded
once, an edited file again, and a restart recodes nothing), and the one log line per file.
Each file's articles are stored in one short transaction, so the server shows them at once.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import pyarrow as pa

from accord.model import Article, EventRecord, Reject  # noqa: F401 - named in Outcome
from accord.storage_lock import QUEUE_SUFFIX, StoreUnavailable
from accord.store import Columns, Store

# One row per version of a file handled: the latest row per path is what the watcher knows.
WATCHED_TABLE = "watched_files"
WATCHED_FILE_COLUMNS: Columns = (
    ("path", "VARCHAR NOT NULL", pa.string()),
    ("content_hash", "VARCHAR NOT NULL", pa.string()),
    ("size", "BIGINT", pa.int64()),
    ("mtime_ns", "BIGINT", pa.int64()),
    ("articles", "INTEGER", pa.int32()),
    ("events", "INTEGER", pa.int32()),
    ("rejected", "VARCHAR", pa.string()),
    ("handled_at", "TIMESTAMP", pa.timestamp("us")),
)

DEFAULT_INTERVAL = 2.0
# Names a downloader, editor or copy tool gives a file it has not finished writing.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download",
                    ".swp", ".lock", "~")

Outcome = "tuple[Article, list[EventRecord]] | Reject"
Coder = Callable[[Iterable[Article | Reject]], Iterable[Outcome]]


@dataclass(frozen=True)
class Sighting:
    """What a poll saw of a file: a file is complete when two polls in a row see the same."""

    size: int
    mtime_ns: int


@dataclass
class Handled:
    """The last handled version of a file, as the store remembers it."""

    content_hash: str
    sighting: Sighting


def watched_files(store: Store) -> list[dict]:
    """Every handled version of a watched file, oldest first."""
    if not store.has_table(WATCHED_TABLE):
        return []
    names = [name for name, _, _ in WATCHED_FILE_COLUMNS]
    rows = store.connection.execute(
        f"SELECT {', '.join(names)} FROM {WATCHED_TABLE} ORDER BY handled_at").fetchall()
    return [dict(zip(names, row, strict=True)) for row in rows]


def is_partial_name(name: str) -> bool:
    lowered = name.lower()
    return name.startswith(".") or lowered.endswith(PARTIAL_SUFFIXES)


def sightings(folder: Path) -> dict[Path, Sighting]:
    """Every file under `folder` worth a look, with its size and modification time."""
    found: dict[Path, Sighting] = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if is_partial_name(name):
                continue
            path = Path(root, name)
            try:
                stat = path.stat()
            except OSError:
                continue  # gone between listing and looking
            found[path] = Sighting(stat.st_size, stat.st_mtime_ns)
    return found


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class StopSignal:
    """Set by Ctrl-C or SIGTERM: the watcher finishes the file at hand and returns."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> None:
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: self.event.set())

    def wait(self, seconds: float) -> bool:
        return self.event.wait(seconds)

    @property
    def stopped(self) -> bool:
        return self.event.is_set()


class DropFolder:
    """Polls `folder` and codes each complete, new or changed file into the store at `db`."""

    def __init__(self, folder: Path, db: str, coder: Coder, read: Callable[[Path], Iterator],
                 log: TextIO = sys.stderr) -> None:
        self.folder = folder
        self.db = db
        self.coder = coder
        self.read = read
        self.log = log
        self.last_poll: dict[Path, Sighting] = {}
        # The store may live in the folder it watches: its own files are not news.
        self.own_files = {self._key(Path(db + suffix)) for suffix in ("", ".wal", QUEUE_SUFFIX)}
        with Store(db) as store:
            self.handled = {self._key(Path(row["path"])): Handled(
                row["content_hash"], Sighting(row["size"], row["mtime_ns"]))
                for row in watched_files(store)}

    def _key(self, path: Path) -> str:
        return str(path.resolve())

    def poll(self, stop: StopSignal | None = None) -> int:
        """One look at the folder; returns how many files were coded or rejected."""
        seen = sightings(self.folder)
        complete = [path for path, sighting in seen.items()
                    if self.last_poll.get(path) == sighting and self._is_new(path, sighting)]
        self.last_poll = seen
        handled = 0
        for path in complete:
            if stop is not None and stop.stopped:
                break
            handled += self._handle(path, seen[path])
        if handled:
            self._update_clusters()
        return handled

    def _is_new(self, path: Path, sighting: Sighting) -> bool:
        if self._key(path) in self.own_files:
            return False
        known = self.handled.get(self._key(path))
        return known is None or known.sighting != sighting

    def _handle(self, path: Path, sighting: Sighting) -> int:
        key = self._key(path)
        try:
            digest = file_hash(path)
        except OSError:
            return 0  # gone or unreadable for now: the next poll looks again
        known = self.handled.get(key)
        if known is not None and known.content_hash == digest:
            known.sighting = sighting  # touched, not changed
            return 0
        try:
            line = self._code_and_store(path, sighting, digest)
        except StoreUnavailable as error:
            self._say(f"{self._name(path)}: not stored, will try again: {error}")
            return 0
        self.handled[key] = Handled(digest, sighting)
        self._say(line)
        return 1

    def _code_and_store(self, path: Path, sighting: Sighting, digest: str) -> str:
        coded, rejects = [], []
        for item in self.coder(self.read(path)):
            (coded if isinstance(item, tuple) else rejects).append(item)
        events = sum(len(found) for _, found in coded)
        with Store(self.db) as store:
            added, already = store.add_batch(coded, coder_version=_version()) if coded else (0, 0)
            rejected = "; ".join(reject.reason for reject in rejects) or None
            store.append_rows(WATCHED_TABLE, WATCHED_FILE_COLUMNS, [{
                "path": self._key(path), "content_hash": digest, "size": sighting.size,
                "mtime_ns": sighting.mtime_ns, "articles": len(coded), "events": events,
                "rejected": rejected, "handled_at": datetime.now(UTC).replace(tzinfo=None)}])
        return self._describe(path, len(coded), events, already, rejects)

    def _describe(self, path: Path, articles: int, events: int, already: int,
                  rejects: list[Reject]) -> str:
        parts = []
        if articles or not rejects:
            stored = f" ({already} already stored)" if already else ""
            parts.append(f"{articles} article(s), {events} event(s){stored}")
        if rejects:
            parts.append(f"rejected: {'; '.join(reject.reason for reject in rejects)}")
        return f"{self._name(path)}: {'; '.join(parts)}"

    def _update_clusters(self) -> None:
        from accord.analyse import update_clusters

        try:
            with Store(self.db) as store:
                update_clusters(store)
        except StoreUnavailable as error:
            self._say(f"clusters not updated, next batch will: {error}")

    def _name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.folder))
        except ValueError:
            return str(path)

    def _say(self, line: str) -> None:
        print(f"accord: watch: {line}", file=self.log, flush=True)


def _version() -> str:
    from accord import __version__

    return __version__


def watch(folder: Path, db: str, interval: float, coder: Coder,
          read: Callable[[Path], Iterator], log: TextIO = sys.stderr) -> None:
    """Poll until Ctrl-C or SIGTERM, then return after the file at hand."""
    stop = StopSignal()
    stop.install()
    drop = DropFolder(folder, db, coder, read, log)
    print(f"accord: watching {folder} every {interval:g} s into {db} "
          f"({len(drop.handled)} file(s) already handled)", file=log, flush=True)
    while not stop.stopped:
        drop.poll(stop)
        stop.wait(interval)
    print("accord: watch stopped", file=log, flush=True)
