"""A `kill -9` in the middle of `accord code --db` loses and duplicates nothing.

The coder runs in a subprocess on a generated corpus of small wire reports; it is killed with
SIGKILL once some batches are committed, then the same command runs to completion. The store
must then hold exactly what an uninterrupted run into a fresh file holds. Killed while a
server serves the store, the writer leaves it readable, complete to its last batch, and the
server answers throughout.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from accord.store import Store
from accord_processes import accord_command, environment, get_json, serving

# The interrupted run is the real CLI, with one line on stderr after each committed batch so
# the test knows when rows are in (the store file is locked while the coder writes to it).
REPORTING_CLI = """
import sys
from accord import cli, store

commit = store.Store.add_batch

def add_batch_and_report(self, *args, **kwargs):
    result = commit(self, *args, **kwargs)
    print("BATCH COMMITTED", file=sys.stderr, flush=True)
    return result

store.Store.add_batch = add_batch_and_report
sys.exit(cli.main(sys.argv[1:]))
"""

PAIRS = [
    ("Kazakh", "Kazakhstan", "Astana", "Japanese", "Japan", "Tokyo"),
    ("Kyrgyz", "Kyrgyzstan", "Bishkek", "Chinese", "China", "Beijing"),
    ("Tajik", "Tajikistan", "Dushanbe", "Russian", "Russia", "Moscow"),
    ("Uzbek", "Uzbekistan", "Tashkent", "Turkish", "Turkey", "Ankara"),
    ("Kenyan", "Kenya", "Nairobi", "Indonesian", "Indonesia", "Jakarta"),
    ("Egyptian", "Egypt", "Cairo", "Indian", "India", "New Delhi"),
]

TEMPLATES = [
    "{a_adj} Foreign Minister held talks with his {b_adj} counterpart in {b_city} on "
    "Tuesday, and the two sides agreed to expand trade.",
    "{a_country} on Monday sent humanitarian aid to {b_country} after heavy floods hit "
    "several provinces.",
    "The government of {a_country} condemned {b_country} on Wednesday over the arrest of "
    "three {a_adj} journalists.",
    "{b_adj} Prime Minister met {a_adj} Prime Minister in {a_city} on Thursday to discuss "
    "energy projects.",
    "{a_country} praised {b_country} for its support in building new railways, the {a_adj} "
    "Foreign Ministry said on Friday.",
    "Police in {a_city} detained dozens of protesters who marched against rising food prices "
    "on Saturday.",
    "{a_country} and {b_country} signed an agreement on Monday to build a joint power plant.",
    "{b_country} rejected a request from {a_country} to reopen the border crossing on Tuesday.",
    "{a_adj} President visited {b_city} on Wednesday and invited {b_adj} companies to invest "
    "in farming.",
    "{b_country} accused {a_country} of violating a fishing agreement, the {b_adj} Foreign "
    "Ministry said on Thursday.",
]

ARTICLES = 60
BATCH = "4"


def write_corpus(folder: Path) -> None:
    folder.mkdir()
    for number in range(ARTICLES):
        a_adj, a_country, a_city, b_adj, b_country, b_city = PAIRS[number % len(PAIRS)]
        sentence = TEMPLATES[number % len(TEMPLATES)].format(
            a_adj=a_adj, a_country=a_country, a_city=a_city,
            b_adj=b_adj, b_country=b_country, b_city=b_city,
        )
        day = date(2024, 1, 8) + timedelta(days=number)
        text = (f" date {day.isoformat()} Report {number}\n\n"
                f"{a_city.upper()}, {day:%B} {day.day} (Xinhua) -- {sentence}\n")
        (folder / f"report_{number:02d}.txt").write_text(text, encoding="utf-8")


def kill_coder_after_commits(corpus: Path, db: Path, commits: int) -> None:
    """`accord code corpus --db db`, killed with SIGKILL once `commits` batches are in."""
    command = [sys.executable, "-c", REPORTING_CLI, "code", str(corpus), "--db", str(db),
               "--batch-size", BATCH]
    child = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             text=True, env=environment())
    assert child.stderr is not None
    seen = 0
    for line in child.stderr:
        seen += line.startswith("BATCH COMMITTED")
        if seen >= commits:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, "the coder finished before it could be killed"


def snapshot(path: Path) -> dict:
    with Store(path, read_only=True) as store:
        con = store.connection
        return {
            "counts": store.counts(),
            "clusters": store.cluster_count(),
            "event_ids": set(con.execute("SELECT content_hash, event_id FROM events").fetchall()),
            "articles": set(con.execute("SELECT content_hash FROM articles").fetchall()),
            "cluster_ids": set(con.execute("SELECT cluster_id FROM clusters").fetchall()),
        }


needs_sigkill = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus")
    return tmp_path / "corpus"


@needs_sigkill
def test_rerun_after_kill_9_ends_with_exactly_the_rows_of_an_uninterrupted_run(
    tmp_path: Path, corpus: Path,
) -> None:
    crashed_db, fresh_db = tmp_path / "crashed.duckdb", tmp_path / "fresh.duckdb"
    # The uninterrupted reference run shares the wall-clock time of the interrupted one.
    reference = subprocess.Popen(
        accord_command("code", corpus, "--db", fresh_db, "--batch-size", BATCH),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment())

    kill_coder_after_commits(corpus, crashed_db, commits=2)
    interrupted = snapshot(crashed_db)
    assert 0 < interrupted["counts"]["articles"] < ARTICLES

    rerun = subprocess.run(
        accord_command("code", corpus, "--db", crashed_db, "--batch-size", BATCH),
        capture_output=True, text=True, env=environment(), timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert reference.wait(timeout=120) == 0

    resumed, fresh = snapshot(crashed_db), snapshot(fresh_db)
    assert fresh["counts"]["articles"] == ARTICLES
    assert fresh["counts"]["events"] > ARTICLES // 2
    assert resumed == fresh
    assert interrupted["event_ids"] <= resumed["event_ids"]


@needs_sigkill
def test_kill_9_of_a_writer_while_serving_leaves_the_store_complete_to_its_last_batch(
    tmp_path: Path, corpus: Path,
) -> None:
    db = tmp_path / "served.duckdb"
    Store(db).close()
    with serving(db) as base:
        kill_coder_after_commits(corpus, db, commits=2)
        status, health = get_json(f"{base}/health")
        status_events, page = get_json(f"{base}/events?limit=500")
    assert status == status_events == 200
    stored = snapshot(db)
    # Whole batches only: every article of a committed batch, with its events, none of the next.
    assert health["articles"] == stored["counts"]["articles"]
    assert health["articles"] >= 2 * int(BATCH) and health["articles"] % int(BATCH) == 0
    assert page["total"] == stored["counts"]["events"] == len(stored["event_ids"])
    articles = stored["articles"]
    assert {digest for digest, _ in stored["event_ids"]} <= {digest for (digest,) in articles}
