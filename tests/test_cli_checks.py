"""Bad invocations of every command: one line naming the argument, exit 2, no traceback,
and nothing loaded or coded first.

Most cases run in-process through `accord.cli.main` (with the model loaders replaced by a
tripwire); a few run as real processes to show what a user's terminal sees.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord import classify
from accord.cli import main
from accord.model import Actor, Article, EventRecord
from accord.store import Store

STORY = """\
 date 2021-09-17 Kyrgyzstan, China pledge closer ties

DUSHANBE, Sept. 16 (Xinhua) -- Kyrgyz President Sadyr Japarov met Chinese Foreign Minister \
Wang Yi on Thursday and the two sides agreed to deepen cooperation.
"""
GOLD = "sentence_id\tsentence\tgold_root\n1\tThe rebels released twelve hostages.\tYIELD\n"


class LoadedTooEarly(BaseException):
    """Raised by the tripwire: a bad invocation reached model loading or coding."""


@pytest.fixture
def tripwire(monkeypatch):
    def trip(*args, **kwargs):
        raise LoadedTooEarly("a bad invocation loaded a model or started coding")

    import accord.encoder
    import accord.nlp
    import accord.scale
    from accord import training

    monkeypatch.setattr(accord.nlp, "load_pipeline", trip)
    monkeypatch.setattr(accord.encoder, "load_encoder", trip)
    monkeypatch.setattr(classify, "load_model", trip)
    monkeypatch.setattr(accord.scale, "coded", trip)
    monkeypatch.setattr(training, "train", trip)


def _event(event_id: str, actors: list[str], event: str, recipients: list[str]) -> EventRecord:
    return EventRecord(id=event_id, doc_id="a1", date="2021-09-16",
                       actor=[Actor(code, "GOV", code) for code in actors],
                       recipient=[Actor(code, "GOV", code) for code in recipients],
                       event=event, quad_code=1, plover_score=3.0, goldstein=2.0)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """An input, a store, and the things people point arguments at (built once: copied)."""
    folder = tmp_path_factory.mktemp("workspace")
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    (folder / "story2.txt").write_text(STORY.replace("Thursday", "Friday"), encoding="utf-8")
    (folder / "notes.txt").write_text("not a store\n" * 4, encoding="utf-8")
    (folder / "fake.duckdb").write_text("a text file named like a store\n", encoding="utf-8")
    (folder / "gold.tsv").write_text(GOLD, encoding="utf-8")
    (folder / "taken.jsonl").write_text("{}\n", encoding="utf-8")
    (folder / "folder").mkdir()
    (folder / "full").mkdir()
    (folder / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    article = Article("a1", "Kyrgyzstan and China agreed.", pub_date=date(2021, 9, 17))
    with Store(folder / "store.duckdb") as store:
        store.add_article(article, [_event("e1", ["KGZ", "CHN"], "AGREE", []),
                                    _event("e2", ["KGZ"], "CONCEDE", ["CHN"])], "test")
    return folder


@pytest.fixture
def paths(workspace: Path, tmp_path: Path, monkeypatch) -> dict[str, str]:
    here = tmp_path / "work"
    shutil.copytree(workspace, here)
    monkeypatch.chdir(here)
    return {name: str(here / file) for name, file in {
        "story": "story.txt", "story2": "story2.txt", "text": "notes.txt", "fake": "fake.duckdb",
        "gold": "gold.tsv", "taken": "taken.jsonl", "dir": "folder", "full": "full",
        "store": "store.duckdb", "missing": "missing.txt", "nowhere": "no/such/folder/x.jsonl",
    }.items()} | {"packaged": str(classify.packaged_model_path("fast"))}


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield str(listener.getsockname()[1])


# (argument list with {placeholders}, the text the one-line message must contain)
BAD_INVOCATIONS: list[tuple[str, str]] = [
    ("", "COMMAND"),
    ("frobnicate", "frobnicate"),
    ("--nope", "COMMAND"),
    ("code {story} --nope", "--nope"),
    # code: outputs that would lose events, or replace something
    ("code", "INPUT"),
    ("code {story} --db=", "--db"),
    ("code {story} --db {dir}", "--db"),
    ("code {story} --db {text}", "--db"),
    ("code --db {story} {story2}", "--db"),
    ("code {story} --db new.txt", "--db"),
    ("code {story} --db {fake}", "--db"),
    ("code {story} --out {dir}", "--out"),
    ("code {story} --out {dir}/", "--out"),
    ("code {story} --out new/", "--out"),
    ("code {story} --out {nowhere}", "--out"),
    ("code {story} --out {taken}", "--out"),
    ("code {story} --out=", "--out"),
    ("code {story} --out {story}", "--out"),
    ("code {story} --out bad\x00name.jsonl", "--out"),
    ("code {story} --db bad\x00name.duckdb", "--db"),
    ("code {dir} --out {dir}/events.jsonl", "--out"),
    ("code {story} --db {store} --out {store}", "--out"),
    ("code {story} --format parquet", "--out"),
    ("code {story} --format csv", "--out"),
    ("code {story} --format xml", "--format"),
    ("code {story} --format parquet --out {text}", "--out"),
    ("code {story} --format parquet --out {full}", "--out"),
    ("code {story} --format csv --out {dir}", "--out"),
    ("code {story} --format csv --out -", "--out"),
    ("code {story} --format parquet --out -", "--out"),
    ("code {story} --rejects -", "--rejects"),
    ("code {missing}", "INPUT"),
    ("code {missing} {dir}/absent.jsonl", "INPUT"),
    ("code {story} --rejects {dir}", "--rejects"),
    ("code {story} --rejects {taken}", "--rejects"),
    ("code {story} --out same.jsonl --rejects same.jsonl", "--rejects"),
    ("code {story} --max-chars 0", "--max-chars"),
    ("code {story} --max-chars lots", "--max-chars"),
    ("code {story} --batch-size -3", "--batch-size"),
    ("code {story} --workers 0", "--workers"),
    ("code {story} --engine spark", "--engine"),
    ("code {story} --scheduler tcp://127.0.0.1:1", "--scheduler"),
    ("code {story} --engine dask --scheduler tcp://127.0.0.1:1 --workers 2", "--workers"),
    ("code {story} --oversize explode", "--oversize"),
    ("code {story} --profile huge", "--profile"),
    ("code {story} --model {missing}", "--model"),
    ("code {story} --model {text}", "--model"),
    ("code {story} --model {dir}", "--model"),
    ("code {story} --model {packaged} --profile accurate", "--model"),
    # events
    ("events --db=", "--db"),
    ("events --db {missing}", "--db"),
    ("events --db {dir}", "--db"),
    ("events --db {text}", "--db"),
    ("events --db {store} --limit -1", "--limit"),
    ("events --db {store} --limit many", "--limit"),
    ("events --db {store} --type FOO", "--type"),
    ("events --db {store} --actor XXX", "--actor"),
    ("events --db {store} --recipient Atlantis", "--recipient"),
    ("events --db {store} --format xml", "--format"),
    # top-dyads and dyad
    ("top-dyads --db {missing}", "--db"),
    ("top-dyads --db {store} --limit 0", "--limit"),
    ("top-dyads --db {text}", "--db"),
    ("dyad XXX CHN --db {store}", "CODE"),
    ("dyad KGZ Atlantis --db {store}", "OTHER"),
    ("dyad KGZ kgz --db {store}", "OTHER"),
    ("dyad Kyrgyzstan KGZ --db {store}", "OTHER"),
    ("dyad KGZ --db {store}", "OTHER"),
    ("dyad KGZ CHN --db {store} --freq daily", "--freq"),
    ("dyad KGZ CHN --db {missing}", "--db"),
    # cluster, recode
    ("cluster --db {missing}", "--db"),
    ("cluster --db {store} --window-days -2", "--window-days"),
    ("cluster --db {text}", "--db"),
    ("recode --db {missing}", "--db"),
    ("recode --db {store} --batch-size 0", "--batch-size"),
    # export
    ("export --db {store} --format csv", "--out"),
    ("export --db {store} --out new.csv", "--format"),
    ("export --db {store} --format csv --out {taken}", "--out"),
    ("export --db {store} --format csv --out {dir}", "--out"),
    ("export --db {store} --format jsonl --out {nowhere}", "--out"),
    ("export --db {store} --format parquet --out {text}", "--out"),
    ("export --db {store} --format parquet --out {full}", "--out"),
    ("export --db {store} --format xml --out new.xml", "--format"),
    ("export --db {missing} --format csv --out new.csv", "--db"),
    ("export --db {store} --format csv --out {store}", "--out"),
    ("export --db {store} --format jsonl --out -", "--out"),
    # serve
    ("serve --db {store} --port 99999", "--port"),
    ("serve --db {store} --port 0", "--port"),
    ("serve --db {store} --port http", "--port"),
    ("serve --db {store} --port {busy}", "--port"),
    ("serve --db {missing}", "--db"),
    ("serve --db=", "--db"),
    ("serve --db {store} --max-body-bytes 0", "--max-body-bytes"),
    # watch
    ("watch", "DIR"),
    ("watch {missing}", "DIR"),
    ("watch {story}", "DIR"),
    ("watch {dir} --interval 0", "--interval"),
    ("watch {dir} --interval soon", "--interval"),
    ("watch {dir} --db=", "--db"),
    ("watch {dir} --db {text}", "--db"),
    ("watch {dir} --profile huge", "--profile"),
    # actors
    ("actors", "SUBCOMMAND"),
    ("actors lookup", "PHRASE"),
    ("actors lookup --batch {missing}", "--batch"),
    ("actors lookup Wang --batch {text}", "--batch"),
    ("actors lookup Wang --date 2021-13-45", "--date"),
    # eval and train
    ("eval", "kind"),
    ("eval xyz {gold}", "kind"),
    ("eval plv {missing}", "PATH"),
    ("eval plv {dir}", "PATH"),
    ("eval plv {gold} --cv 1", "--cv"),
    ("eval plv {gold} --limit 0", "--limit"),
    ("eval plv {gold} --seed x", "--seed"),
    ("eval plv {gold} --model {text}", "--model"),
    ("eval plv {gold} --model {packaged} --cv 3", "--model"),
    ("eval plv {gold} --model {packaged} --profile accurate", "--model"),
    ("train", "--data"),
    ("train --data {missing} --out new.npz", "--data"),
    ("train --data {gold}", "--out"),
    ("train --data {gold} --out {taken}", "--out"),
    ("train --data {gold} --out {dir}", "--out"),
    ("train --data {gold} --out new.npz --replace-packaged", "--replace-packaged"),
    # info
    ("info --model {missing}", "--model"),
    ("info --bogus", "--bogus"),
]


def _argv(template: str, paths: dict[str, str]) -> list[str]:
    return [word.format(**paths) for word in template.split()]


def test_the_table_covers_every_command_with_sixty_cases_or_more():
    commands = {template.split()[0] for template, _ in BAD_INVOCATIONS if template}
    assert commands >= {"code", "events", "top-dyads", "dyad", "cluster", "recode", "export",
                        "serve", "watch", "actors", "eval", "train", "info"}
    assert len(BAD_INVOCATIONS) >= 60


@pytest.mark.parametrize(("template", "named"), BAD_INVOCATIONS,
                         ids=[t or "(nothing)" for t, _ in BAD_INVOCATIONS])
def test_a_bad_invocation_exits_2_naming_the_argument_before_loading_anything(
        template, named, paths, busy_port, tripwire, capsys):
    argv = _argv(template, paths | {"busy": busy_port})
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "unexpected error" not in captured.err
    assert named in captured.err
    assert captured.out == ""
    assert not Path("new.txt").exists() and not Path("same.jsonl").exists()
    assert Path(paths["taken"]).read_text() == "{}\n"  # nothing replaced


@pytest.mark.parametrize(("argv", "named"), [
    (["code", "story.txt", "--db", ""], "--db"),
    (["events", "--db", "store.duckdb", "--limit", "-1"], "--limit"),
    (["serve", "--db", "store.duckdb", "--port", "99999"], "--port"),
    (["dyad", "XXX", "CHN", "--db", "store.duckdb"], "CODE"),
])
def test_a_real_process_prints_one_line_and_no_traceback(argv, named, paths):
    done = subprocess.run([sys.executable, "-m", "accord.cli", *argv], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert named in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.startswith("accord:")]) <= 1


# ---------------------------------------------------------------- random argument lists

WORDS = ["code", "events", "top-dyads", "dyad", "cluster", "recode", "export", "serve", "watch",
         "actors", "lookup", "eval", "train", "info", "plv", "plover", "--db", "--out",
         "--format", "--limit", "--type", "--actor", "--recipient", "--port", "--host",
         "--model", "--profile", "--cv", "--data", "--rejects", "--force", "--engine",
         "--workers", "--scheduler", "--window-days", "--json", "--date", "-1", "0", "3",
         "99999", "", " ", "-", "csv", "parquet", "jsonl", "gdelt", "table", "fast",
         "accurate", "KGZ", "chn", "China", "YIELD", "FOO", "story.txt", "store.duckdb",
         "notes.txt", "folder", "folder/", "gold.tsv", "missing.txt", "out.csv", "out/",
         "2021-09-16", "--help", "--version", "é\u0301", "\x00", "taken.jsonl", "fake.duckdb",
         "full", "--clustered", "--directed", "--freq", "week", "--cv", "--marked",
         "--replace-packaged", "--allow-write", "--max-chars", "--batch-size", "--seed",
         "--interval", "0.5"]


@pytest.fixture
def stubbed_work(monkeypatch):
    """The commands' bodies replaced: random arguments may be valid, and then must reach them
    without coding, training or serving for real."""
    import uvicorn

    import accord.store
    import accord.watch
    from accord import cli_code

    reached = []

    def body(*args, **kwargs):
        reached.append(args)
        return 0

    for name in ("_code", "_train", "_evaluate"):
        monkeypatch.setattr(cli_code, name, body)
    monkeypatch.setattr(uvicorn, "run", body)
    monkeypatch.setattr(accord.store, "recode", lambda *a, **k: accord.store.RecodeResult())
    monkeypatch.setattr(accord.watch, "watch", body)
    return reached


@settings(max_examples=int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(WORDS), max_size=7))
def test_random_argument_lists_end_in_an_exit_code_never_a_traceback(
        words, paths, stubbed_work, capsys):
    code = main(words)
    captured = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in captured.err
    assert "unexpected error" not in captured.err
    if code == 2:
        assert captured.err.strip(), "a usage error says why"
