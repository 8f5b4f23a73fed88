"""`accord watch` as a real process: files dropped in a folder are coded once each, an edited
file again, bad files are logged and skipped, partial names wait, and a restart recodes nothing.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from accord.store import Store
from accord.watch import is_partial_name, watched_files
from accord_processes import accord_command, environment, write_report

TALKS = ("BISHKEK, March 4", "Kyrgyz Foreign Minister held talks with his Chinese counterpart in "
                             "Bishkek on Monday, and the two sides agreed to expand trade.")
AID = ("ASTANA, March 5", "Kazakhstan on Tuesday sent humanitarian aid to Japan after heavy "
                          "floods hit several provinces.")
PRAISE = "Kenya praised Indonesia for its support in building new railways on Friday."


class Watcher:
    """`accord watch` in a process of its own, its log lines read as they come."""

    def __init__(self, folder: Path, db: Path) -> None:
        self.process = subprocess.Popen(
            accord_command("watch", folder, "--db", db, "--interval", "0.3"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=environment())
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.unclaimed: list[str] = []  # read, not yet waited for: files come in any order
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, start: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.unclaimed:
                if line.startswith(start):
                    self.unclaimed.remove(line)
                    return line
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.log.append(line)
            self.unclaimed.append(line)
        raise AssertionError(f"no line starting {start!r} in: {self.log}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        time.sleep(0.2)  # the reader thread drains the last lines
        while not self.lines.empty():
            self.log.append(self.lines.get())
        return code


def drop(folder: Path, name: str, dateline_and_sentence: tuple[str, str]) -> Path:
    """Written under a partial name first, then renamed, as a careful sender does."""
    written = write_report(folder, name + ".part", "2024-03-04", *dateline_and_sentence)
    return written.rename(folder / name)


def store_contents(db: Path) -> tuple[set[str], list[tuple[str, str | None]]]:
    with Store(db, read_only=True) as store:
        doc_ids = {row[0] for row in store.connection.execute(
            "SELECT doc_id FROM articles").fetchall()}
        handled = sorted((Path(row["path"]).name, row["rejected"])
                         for row in watched_files(store))
    return doc_ids, handled


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs POSIX signals")
def test_watch_codes_each_dropped_file_once_and_an_edited_one_again_across_restarts(
    tmp_path: Path,
) -> None:
    folder, db = tmp_path / "drop", tmp_path / "news.duckdb"
    folder.mkdir()
    watcher = Watcher(folder, db)
    watcher.wait_for("accord: watching")
    talks = drop(folder, "talks.txt", TALKS)
    drop(folder / "asia", "aid.txt", AID)
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    (folder / "half.txt.tmp").write_text("Kyrgyzstan and China held")
    assert "2 event(s)" in watcher.wait_for("accord: watch: talks.txt: ")
    watcher.wait_for("accord: watch: asia/aid.txt: 1 article(s)")
    assert "rejected: binary file" in watcher.wait_for("accord: watch: photo.txt: ")

    with talks.open("a", encoding="utf-8") as handle:
        handle.write(PRAISE + "\n")
    watcher.wait_for("accord: watch: talks.txt: 1 article(s)")
    assert watcher.stop() == 0
    assert watcher.log[-1] == "accord: watch stopped"
    assert not any("half.txt" in line or "Traceback" in line for line in watcher.log)
    doc_ids, handled = store_contents(db)
    assert doc_ids == {"talks", "aid"}
    assert [name for name, _ in handled] == ["aid.txt", "photo.txt", "talks.txt", "talks.txt"]

    # Restarted: everything is known, nothing is coded again.
    again = Watcher(folder, db)
    assert "(3 file(s) already handled)" in again.wait_for("accord: watching")
    time.sleep(3)  # ten intervals
    assert again.stop() == 0
    assert [line for line in again.log if line.startswith("accord: watch: ")] == []
    assert store_contents(db) == (doc_ids, handled)
    with Store(db, read_only=True) as store:
        assert store.counts()["articles"] == 3  # the first and the edited version of talks.txt


@pytest.mark.parametrize("name, partial", [
    ("wire.txt", False), ("sub.report.jsonl", False), ("wire.txt.part", True),
    ("wire.tmp", True), (".wire.txt", True), ("wire.txt~", True), ("Wire.CRDOWNLOAD", True),
])
def test_names_of_files_still_being_written_or_hidden_are_left_alone(
    name: str, partial: bool,
) -> None:
    assert is_partial_name(name) is partial
