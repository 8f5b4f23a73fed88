"""Several processes on one store: a server and writers at once, writers one after another,
bounded waits, and one clear line (exit 2) for a store that cannot be opened or written.

Every test here runs accord as real processes: the behaviour under test is DuckDB's file lock
between processes, which no in-process double would show.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from accord import cli
from accord.storage_lock import QUEUE_SUFFIX, StoreUnavailable
from accord.store import Store
from accord_processes import (
    accord_command,
    environment,
    free_port,
    get_json,
    run_accord,
    serving,
    write_report,
)

SENTENCES = [
    ("BISHKEK, March 4", "Kyrgyz Foreign Minister held talks with his Chinese counterpart in "
                         "Bishkek on Monday, and the two sides agreed to expand trade."),
    ("ASTANA, March 5", "Kazakhstan on Tuesday sent humanitarian aid to Japan after heavy "
                        "floods hit several provinces."),
    ("CAIRO, March 6", "The government of Egypt condemned India on Wednesday over the arrest "
                       "of three Egyptian journalists."),
    ("TASHKENT, March 7", "Uzbekistan and Turkey signed an agreement on Thursday to build a "
                          "joint power plant."),
    ("NAIROBI, March 8", "Kenya praised Indonesia for its support in building new railways, "
                         "the Kenyan Foreign Ministry said on Friday."),
    ("DUSHANBE, March 9", "Russia rejected a request from Tajikistan to reopen the border "
                          "crossing on Saturday."),
]


def write_reports(folder: Path, numbers: range | list[int]) -> list[Path]:
    return [write_report(folder, f"report_{n}.txt", f"2024-03-{4 + n:02d}", *SENTENCES[n])
            for n in numbers]


def stored_rows(db: Path) -> tuple[int, list[tuple[str, str]]]:
    with Store(db, read_only=True) as store:
        rows = store.connection.execute("SELECT doc_id, event_id FROM events").fetchall()
        return store.counts()["articles"], rows


# ---------------------------------------------------------------- serving while writing


class Hammer:
    """Clients asking the server for events without pause, from threads, until stopped."""

    def __init__(self, base: str, clients: int = 3) -> None:
        self.base = base
        self.statuses: list[int] = []
        self.slowest = 0.0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._ask) for _ in range(clients)]

    def _ask(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            status, _ = get_json(f"{self.base}/events?limit=20")
            self.slowest = max(self.slowest, time.monotonic() - started)
            self.statuses.append(status)

    def __enter__(self) -> Hammer:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def test_code_stores_into_a_served_store_and_the_running_server_shows_the_new_events(
    tmp_path: Path,
) -> None:
    db = tmp_path / "news.duckdb"
    Store(db).close()
    reports = write_reports(tmp_path / "wire", range(3))
    with serving(db) as base:
        assert get_json(f"{base}/events")[1]["total"] == 0
        with Hammer(base) as hammer:
            coded = run_accord("code", *reports, "--db", db, "--batch-size", "1")
        assert coded.returncode == 0, coded.stderr
        assert "Traceback" not in coded.stderr
        status, health = get_json(f"{base}/health")
        status, page = get_json(f"{base}/events?limit=100")
        served = {item["doc_id"] for item in page["items"]}
    assert status == 200 and health["articles"] == 3
    assert served == {"report_0", "report_1", "report_2"}
    # The dashboard kept answering while the coder wrote: every request succeeded.
    assert hammer.statuses and set(hammer.statuses) == {200}
    assert hammer.slowest < 10


def test_two_writers_at_once_both_land_and_nothing_is_stored_twice(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    # Two corpora sharing two reports: the same text from both writers is stored once.
    first = write_reports(tmp_path / "a", [0, 1, 2, 3])
    second = write_reports(tmp_path / "b", [2, 3, 4, 5])
    writers = [subprocess.Popen(
        accord_command("code", *corpus, "--db", db, "--batch-size", "1", "--out", out),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=environment())
        for corpus, out in ((first, tmp_path / "a.jsonl"), (second, tmp_path / "b.jsonl"))]
    errors = [writer.communicate(timeout=300)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], errors
    assert not any("Traceback" in error for error in errors)

    printed = {(record["doc_id"], record["id"])
               for out in ("a.jsonl", "b.jsonl")
               for line in (tmp_path / out).read_text().splitlines()
               for record in [json.loads(line)]}
    articles, rows = stored_rows(db)
    assert articles == len(SENTENCES)
    assert len(rows) == len(set(rows))
    assert set(rows) == printed


# ---------------------------------------------------------------- bounded, reported waits

HOLDER = """
import sys, time
from accord.store import Store
with Store(sys.argv[1], read_only=sys.argv[2] == "read") as store:
    print("HOLDING", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def hold(db: Path, mode: str, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), mode, str(seconds)],
                              stdout=subprocess.PIPE, text=True, env=environment())
    assert holder.stdout is not None and holder.stdout.readline().strip() == "HOLDING"
    return holder


@pytest.fixture
def store_with_events(tmp_path: Path) -> Path:
    from test_store import CODER, make_article, make_event

    db = tmp_path / "news.duckdb"
    with Store(db) as store:
        store.add_article(make_article("a1"), [make_event("e1", "a1", ["KGZ"], "CONSULT",
                                                          ["CHN"])], CODER)
    return db


def test_a_writer_waits_for_another_writer_and_says_so(store_with_events: Path) -> None:
    holder = hold(store_with_events, "write", 2)
    started = time.monotonic()
    result = run_accord("cluster", "--db", store_with_events)
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert f"store {store_with_events} is busy" in result.stderr
    assert "free after" in result.stderr
    assert waited >= 1


def test_a_reader_waits_for_a_writer_then_reads_what_it_committed(
    store_with_events: Path,
) -> None:
    holder = hold(store_with_events, "write", 1.5)
    result = run_accord("events", "--db", store_with_events)
    holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["e1"]


@pytest.mark.parametrize("holder_mode", ["write", "read"])
def test_a_wait_past_the_bound_exits_2_with_one_line(store_with_events: Path,
                                                     holder_mode: str) -> None:
    holder = hold(store_with_events, holder_mode, 20)
    try:
        result = run_accord("cluster", "--db", store_with_events, ACCORD_STORE_WAIT="0.5")
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"accord: store {store_with_events}: ")
    assert "still" in last and "ACCORD_STORE_WAIT" in last
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- stores that cannot be used


def bad_store(kind: str, folder: Path) -> Path:
    """A path no store can live at, of the given kind."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "directory":
        (folder / "store.duckdb").mkdir()
        return folder / "store.duckdb"
    if kind == "text file":
        (folder / "story.txt").write_text("Kyrgyzstan and China held talks.\n")
        return folder / "story.txt"
    if kind == "other binary":
        (folder / "photo.duckdb").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
        return folder / "photo.duckdb"
    assert kind == "path under a file"
    (folder / "plain").write_text("not a folder\n")
    return folder / "plain" / "news.duckdb"


BAD_KINDS = ["directory", "text file", "other binary", "path under a file"]


def commands_on(store: Path, folder: Path) -> dict[str, list[str]]:
    """Every command that takes --db, pointed at `store`."""
    story = write_report(folder / "in", "story.txt", "2024-03-04", *SENTENCES[0])
    db = ["--db", str(store)]
    return {
        "code": ["code", str(story), *db],
        "events": ["events", *db],
        "dyad": ["dyad", "KGZ", "CHN", *db],
        "top-dyads": ["top-dyads", *db],
        "cluster": ["cluster", *db],
        "recode": ["recode", *db],
        "export": ["export", "--format", "jsonl", "--out", str(folder / "out.jsonl"), *db],
        "serve": ["serve", "--port", str(free_port()), *db],
        "watch": ["watch", str(folder / "in"), "--interval", "0.2", *db],
    }


def assert_one_line_exit_2(code: int, stderr: str, store: Path) -> None:
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert str(store) in lines[0] and lines[0].startswith("accord: ")
    assert "Traceback" not in stderr


@pytest.mark.parametrize("number, command", list(enumerate(
    ["code", "events", "dyad", "top-dyads", "cluster", "recode", "export", "serve", "watch"])))
def test_each_store_command_as_a_process_exits_2_with_one_line_for_an_unusable_store(
    tmp_path: Path, number: int, command: str,
) -> None:
    # One process per command, each on another kind of unusable store.
    store = bad_store(BAD_KINDS[number % len(BAD_KINDS)], tmp_path)
    result = run_accord(*commands_on(store, tmp_path)[command], timeout=120)
    assert_one_line_exit_2(result.returncode, result.stderr, store)


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_every_store_command_exits_2_with_one_line_for_every_kind_of_unusable_store(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str],
) -> None:
    store = bad_store(kind, tmp_path)
    for name, argv in commands_on(store, tmp_path).items():
        code = cli.main(argv)
        assert_one_line_exit_2(code, capsys.readouterr().err, store), name
    assert not (tmp_path / (store.name + QUEUE_SUFFIX)).exists()


def test_the_store_error_names_the_store_and_the_reason(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable) as raised:
        Store(bad_store("text file", tmp_path))
    assert raised.value.path.endswith("story.txt")
    assert str(raised.value) == (f"store {tmp_path / 'story.txt'}: not a DuckDB store "
                                 "(a file of another kind)")


def test_the_server_answers_503_with_the_reason_while_a_writer_holds_past_the_bound(
    store_with_events: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastapi.testclient import TestClient

    from accord.server import create_app

    monkeypatch.setenv("ACCORD_STORE_WAIT", "0.5")
    with TestClient(create_app(store_with_events)) as client:
        assert client.get("/events").json()["total"] == 1
        holder = hold(store_with_events, "write", 20)  # gets the file from the idle server
        try:
            busy = client.get("/events")
        finally:
            holder.kill()
            holder.wait(timeout=30)
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
        assert busy.json()["detail"].startswith(f"store {store_with_events}: an accord writer")
        assert client.get("/events").json()["total"] == 1  # and serves again once it is gone
