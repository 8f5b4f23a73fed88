"""Tests for accord.progress: a live bar on a terminal, plain lines in a log, nothing when
quiet, and a total known before coding starts."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from accord.progress import RunProgress, estimate_inputs, tracked
from accord.readers import ReadOptions

ROOT = Path(__file__).resolve().parents[1]
STORIES = {
    "kyrgyz-china.txt": "BISHKEK, March 3 -- Kyrgyzstan and China signed an agreement on "
                        "Tuesday to build a new railway, officials said.",
    "kenya-ghana.txt": "NAIROBI, May 9 -- The foreign minister of Kenya met his Ghanaian "
                       "counterpart in Nairobi on Monday to discuss trade.",
    "peru-chile.txt": "LIMA, June 2 -- Peru accused Chile of violating its territorial "
                      "waters and demanded an explanation.",
}


@pytest.fixture(scope="module")
def stories(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("progress") / "wire"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def accord_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "accord.cli", *args]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "120"}


def run_on_terminal(command: list[str]) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal 120 columns wide; (exit code, what it showed)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower,
                               stdin=subprocess.DEVNULL, env=environment())
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=300), shown.decode("utf-8", "replace")


def test_a_terminal_shows_a_live_bar_with_done_of_total_events_and_rejects(stories):
    code, shown = run_on_terminal(accord_command("code", str(stories)))
    assert code == 0
    assert "accord: coding" in shown
    assert "3/3" in shown  # articles done out of the total counted before coding
    assert "events" in shown and "0 rejected" in shown
    assert "article/s" in shown  # the rate
    assert "\r" in shown  # rewritten in place
    assert "accord: coded 3 article(s)" in shown


def test_a_log_gets_no_escape_codes_and_quiet_gets_nothing(stories):
    logged = subprocess.run(accord_command("code", str(stories)), capture_output=True,
                            text=True, env=environment(), timeout=300)
    quiet = subprocess.run(accord_command("code", str(stories), "--quiet"), capture_output=True,
                           text=True, env=environment(), timeout=300)
    assert logged.returncode == quiet.returncode == 0
    assert "\x1b" not in logged.stderr and "\r" not in logged.stderr
    assert "accord: coded 3 article(s)" in logged.stderr
    assert quiet.stderr == ""
    assert quiet.stdout == logged.stdout and json.loads(quiet.stdout.splitlines()[0])["event"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_log_line_now_and_then_with_counts_rate_and_time_left():
    clock, log = Clock(), io.StringIO()
    progress = RunProgress("coding", total=40, stream=log, clock=clock, log_every=30)
    outcomes = [(object(), [1, 2])] * 9 + [_reject()]
    passed = []
    for outcome in tracked(outcomes, progress):
        clock.now += 5
        passed.append(outcome)
    assert passed == outcomes
    lines = log.getvalue().splitlines()
    assert len(lines) == 1  # 45 s of coding, one line every 30 s
    assert lines[0].startswith("accord: coding: 7/40 article(s), 14 event(s), 0 rejected")
    assert "about" in lines[0] and "left" in lines[0]
    assert (progress.articles, progress.events, progress.rejected) == (9, 18, 1)


def test_quiet_progress_writes_nothing_even_on_a_long_run():
    clock, log = Clock(), io.StringIO()
    progress = RunProgress("coding", total=3, stream=log, clock=clock, quiet=True)
    for _ in tracked([(object(), [])] * 3, progress):
        clock.now += 100
    progress.close()
    assert log.getvalue() == ""


def test_the_total_counts_files_in_folders_lines_of_json_lines_and_chunks_of_long_texts(
        tmp_path, stories):
    lines = tmp_path / "wire.jsonl"
    lines.write_text("".join(json.dumps({"id": n, "text": "x"}) + "\n" for n in range(5)))
    long_text = tmp_path / "long.txt"
    long_text.write_text("word " * 2000)  # 10,000 characters
    options = ReadOptions(max_chars=4_000)
    assert estimate_inputs([str(stories)], options) == 3
    assert estimate_inputs([str(stories), str(lines), str(long_text)], options) == 3 + 5 + 3
    assert estimate_inputs([str(lines), "-"], options) is None  # stdin: unknown


def test_recode_counts_its_articles_out_of_the_outdated_ones(tmp_path):
    from accord.model import Article
    from accord.store import Store, recode

    clock, log = Clock(), io.StringIO()
    progress = RunProgress("recoding", stream=log, clock=clock, log_every=0)
    with Store(tmp_path / "events.duckdb") as store:
        articles = [(Article(id=f"a{n}", text=f"Story number {n}."), []) for n in range(3)]
        store.add_batch(articles, "old-coder", "old-knowledge")
        result = recode(store, coder=lambda items: [(item, []) for item in items],
                        coder_version="new-coder", knowledge="new-knowledge",
                        progress=progress)
    assert result.recoded == 3
    assert progress.total == 3 and progress.articles == 3
    assert log.getvalue().splitlines()[-1].startswith("accord: recoding: 3/3 article(s)")


def _reject():
    from accord.model import Reject

    return Reject("broken.txt", "not UTF-8 text")
