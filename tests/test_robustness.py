"""Whatever the input, nothing crashes and nothing is lost (issue 9).

Property-based tests feed random bytes, Unicode, JSON lines and CSV tables to the readers and
random text to the whole pipeline: no exception may escape, and every input (every file, line,
row) must come out either as an Article (then coded) or as a Reject naming it. Then the
acceptance batch: twenty good stories mixed with every kind of bad input, through `accord code`.
"""

from __future__ import annotations

import csv
import io
import json
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.cli import main
from accord.model import Article, Reject
from accord.pipeline import code_articles
from accord.readers import ReadOptions, read_inputs, split_text

EXAMPLES = settings(max_examples=500, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SUFFIXES = [".txt", ".jsonl", ".json", ".csv", ".html", ".htm", ".dat"]
NEWS_WORDS = ["Kenya", "Japan", "police", "said", "met", "the", "minister", "on", "Tuesday",
              "protest", "in", "Nairobi", "sanctions", "against", "talks", "(Xinhua)", "--",
              "BEIJING,", "Sept.", "16", "he", "they", "not", "will", "<p>", "\n\n", ".", ","]
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=6,
)
RECORD_KEYS = st.sampled_from(["id", "text", "date", "title", "url", "body"])
RECORD_VALUES = (st.text(max_size=200) | st.sampled_from(["2021-02-30", "2021-09-17", "0001-01-01",
                                                           "<html><body><p>Hi.</p></body></html>"])
                 | JSON_SCALARS)
RECORDS = st.dictionaries(RECORD_KEYS, RECORD_VALUES, max_size=5) | JSON_VALUES


def newsy_text() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(NEWS_WORDS), max_size=25).map(" ".join)


def read_file(content: bytes, suffix: str, options: ReadOptions) -> tuple[str, list]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        return str(path), list(read_inputs([str(path)], options=options))


def assert_sound(items: list, origin: str) -> None:
    """Articles and Rejects only, each naming its input, every Article writable as UTF-8."""
    assert items, f"{origin} was neither coded nor rejected"
    for item in items:
        assert isinstance(item, Article | Reject), item
        assert item.origin.startswith(origin)
        if isinstance(item, Reject):
            assert item.reason and "reading failed" not in item.reason, item
        else:
            assert item.text.strip() and item.id
            json.dumps([item.id, item.text, item.title, item.source, item.url],
                       ensure_ascii=False).encode("utf-8")
            assert 0 <= item.dateline_end <= len(item.text)


# --- readers -------------------------------------------------------------------------------


OPTIONS = st.builds(ReadOptions, max_chars=st.integers(1, 400),
                    oversize=st.sampled_from(["chunk", "reject"]), english_only=st.booleans())


@EXAMPLES
@given(content=st.binary(max_size=600) | newsy_text().map(str.encode)
       | st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
       suffix=st.sampled_from(SUFFIXES), options=OPTIONS)
def test_any_bytes_in_any_kind_of_file_are_read_or_rejected(content, suffix, options) -> None:
    origin, items = read_file(content, suffix, options)

    assert_sound(items, origin)


def line_origin(item: Article | Reject) -> str:
    return item.origin.partition("#")[0]


@EXAMPLES
@given(lines=st.lists(RECORDS.map(json.dumps) | st.text(max_size=60)
                      | st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")),
                      min_size=1, max_size=8),
       options=OPTIONS)
def test_every_json_line_is_coded_or_rejected(lines, options) -> None:
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    origin, items = read_file("\n".join(lines).encode("utf-8", "surrogatepass"), ".jsonl", options)

    assert_sound(items, origin)
    named = {line_origin(item) for item in items}
    expected = {f"{origin}:{n}" for n, line in enumerate(lines, 1) if line.strip()}
    assert expected <= named or named == {origin} and "binary" in items[0].reason


@EXAMPLES
@given(header=st.lists(st.sampled_from(["id", "text", "date", "title", "url", "x", ""]),
                       min_size=1, max_size=5),
       rows=st.lists(st.lists(st.text(max_size=80), max_size=6), max_size=6),
       options=OPTIONS)
def test_every_csv_row_is_coded_or_rejected(header, rows, options) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    origin, items = read_file(buffer.getvalue().encode("utf-8", "surrogatepass"), ".csv", options)

    assert_sound(items, origin)
    if len(items) == 1 and items[0].origin == origin:
        return  # the whole file was refused (no text column, binary, ...)
    named = {line_origin(item) for item in items}
    records = [row for row in rows if row]  # csv skips blank lines: they are not records
    assert {f"{origin}:{n}" for n in range(1, len(records) + 1)} <= named or any(
        "rest of file skipped" in getattr(item, "reason", "") for item in items
    )


@EXAMPLES
@given(text=st.text(max_size=500) | newsy_text(), limit=st.integers(1, 120))
def test_split_text_loses_nothing_and_respects_the_limit(text, limit) -> None:
    chunks = split_text(text, limit)

    assert "".join(chunks) == text
    assert all(0 < len(chunk) <= limit for chunk in chunks)


@EXAMPLES
@given(text=st.text(max_size=300) | newsy_text())
def test_stdin_of_any_text_is_read_or_rejected(text) -> None:
    assert_sound(list(read_inputs(["-"], stdin=io.StringIO(text))), "stdin")


# --- the whole pipeline --------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=False)
def warm_pipeline() -> None:
    list(code_articles([Article(id="warm", text="Kenya met Japan.")]))


@EXAMPLES
@given(texts=st.lists(st.text(max_size=60) | newsy_text(), min_size=1, max_size=3))
def test_pipeline_codes_any_text_or_rejects_it_without_raising(texts, warm_pipeline) -> None:
    items: list[Article | Reject] = [
        Article(id=f"a{n}", text=text, origin=f"a{n}") if text.strip() else Reject(f"a{n}", "empty")
        for n, text in enumerate(texts)
    ]

    results = list(code_articles(items))

    assert len(results) == len(items)
    for result in results:
        if isinstance(result, Reject):
            continue
        article, records = result
        for record in records:
            info = record.text_info
            assert 0 <= info["start"] <= info["trigger_start"] < info["end"] <= len(article.text)
            json.dumps(record.to_dict(), ensure_ascii=False).encode("utf-8")


# --- acceptance: a dirty batch through `accord code` ---------------------------------------

STATES = [("Kenya", "Nairobi"), ("Ghana", "Accra"), ("Peru", "Lima"), ("Chile", "Santiago"),
          ("Norway", "Oslo"), ("Japan", "Tokyo"), ("Vietnam", "Hanoi"), ("Egypt", "Cairo"),
          ("Jordan", "Amman"), ("Poland", "Warsaw")]
STORIES = [
    "The foreign minister of {a} met his counterpart from {b} in {city} on Tuesday to discuss "
    "trade and border security, officials said.",
    "{a} accused {b} of violating a ceasefire along their shared border and demanded an "
    "explanation, the foreign ministry in {city} said.",
    "The government of {a} said on Monday it would send medical supplies to {b} after floods "
    "hit the region.",
    "{a} and {b} signed an agreement in {city} on Friday to expand cooperation in energy and "
    "agriculture.",
]


def good_story(n: int) -> str:
    (a, city), (b, _) = STATES[n % len(STATES)], STATES[(n + 3) % len(STATES)]
    return STORIES[n % len(STORIES)].format(a=a, b=b, city=city)


def write_dirty_batch(folder: Path) -> tuple[set[str], dict[str, str]]:
    """Twenty good articles and every kind of bad input; returns good ids and bad origins."""
    good: set[str] = set()
    for n in range(6):  # plain and wire-format text files
        name = f"good{n:02d}"
        header = f" date 2024-03-{n + 10:02d} Story {n}\n\nXinhua) 09:00, March 9, 2024\n\n"
        (folder / f"{name}.txt").write_text((header if n % 2 else "") + good_story(n))
        good.add(name)
    jsonl = [json.dumps({"id": f"good{n:02d}", "text": good_story(n), "date": "2024-05-02"})
             for n in range(6, 12)]
    # An impossible date keeps the story, undated.
    jsonl.append(json.dumps({"id": "good12", "text": good_story(12), "date": "2024-02-30"}))
    good |= {f"good{n:02d}" for n in range(6, 13)}
    bad_lines = ["{not json", json.dumps({"id": "no-text"}), json.dumps({"text": 42}),
                 json.dumps(["a", "list"]), json.dumps({"id": "blank", "text": "   "}),
                 json.dumps({"id": "fr", "text": "Le ministre a rencontré son homologue à Paris "
                                                 "pour discuter de la sécurité dans la région."}),
                 json.dumps({"id": "html-empty", "text": "<html><body></body></html>"}),
                 json.dumps({"id": "long", "text": "Envoys met again. " * 400})]
    (folder / "feed.jsonl").write_text("\n".join(jsonl + bad_lines) + "\n")
    bad = {f"feed.jsonl:{len(jsonl) + n}": kind for n, kind in enumerate(
        ["not JSON", "no text field", "text not a string", "not an object", "empty text",
         "French", "HTML without text", "too large"], start=1)}

    rows = [[f"good{n:02d}", good_story(n), "2024-06-01"] for n in range(13, 18)]
    with (folder / "table.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([["id", "text", "date"], *rows])
    good |= {f"good{n:02d}" for n in range(13, 18)}
    page = (f"<html><head><title>Story 18</title></head><body><nav>Home | World</nav>"
            f"<article><p>{good_story(18)}</p></article>"
            f"<footer>Subscribe now</footer></body></html>")
    (folder / "good18.html").write_text(page)
    (folder / "good19.txt").write_text("\ufeff" + good_story(19), encoding="utf-8")
    good |= {"good18", "good19"}

    files = {
        "empty.txt": (b"", "empty file"),
        "blank.txt": (b"  \n\t\n", "blank file"),
        "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary"),
        "broken.txt": (b"Talks in Caf\xe9 \x81\x8d ended.", "invalid UTF-8"),
        "russian.txt": ("Министр обороны заявил о выводе войск из района.".encode(), "Cyrillic"),
        "nocolumn.csv": (b"id,body\n1,Ministers met.\n", "CSV without text column"),
        "broken.json": (b'[{"text": "unterminated"', "broken JSON document"),
        "blob.jsonl": (b"\x00\x01\x02\n" * 20, "binary JSON lines"),
        "nothing.html": (b"<html><head><title>Nothing</title></head><body></body></html>",
                         "HTML without text"),
        "empty.jsonl": (b"\n\n", "empty JSON lines"),
    }
    for name, (content, kind) in files.items():
        (folder / name).write_bytes(content)
        bad[name] = kind
    return good, bad


def test_dirty_batch_codes_exactly_the_good_articles_and_names_every_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    good, bad = write_dirty_batch(folder)
    missing = str(tmp_path / "missing.txt")
    rejects = tmp_path / "rejects.jsonl"
    assert len(good) == 20 and len(set(bad.values())) >= 15

    status = main(["code", str(folder), missing, "--rejects", str(rejects),
                   "--max-chars", "4000", "--oversize", "reject"])

    captured = capsys.readouterr()
    assert status == 1
    events = [json.loads(line) for line in captured.out.splitlines()]
    assert {event["doc_id"] for event in events} <= good and len(events) >= 20
    assert "coded 20 article(s)" in captured.err
    reported = [json.loads(line) for line in rejects.read_text().splitlines()]
    named = {str(Path(entry["input"]).relative_to(folder)) if entry["input"] != missing
             else "missing" for entry in reported}
    assert named == set(bad) | {"missing"}
    assert all(entry["reason"] for entry in reported)
    undated = [event for event in events if event["doc_id"] == "good12"]
    assert undated and all(event["date"] is None and event["date_precision"] is None
                           for event in undated)


# --- a very large file ---------------------------------------------------------------------


def big_text(megabytes: int) -> Iterator[str]:
    written, n = 0, 0
    while written < megabytes * 1_000_000:
        paragraph = good_story(n) + "\n\n"
        n += 1
        written += len(paragraph)
        yield paragraph


@pytest.mark.slow
def test_fifty_megabyte_text_file_is_coded_in_chunks_under_two_gigabytes(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("w", encoding="utf-8") as handle:
        handle.writelines(big_text(50))
    out = tmp_path / "events.jsonl"

    done = subprocess.run([sys.executable, "-m", "accord.cli", "code", str(big), "--out", str(out)],
                          capture_output=True, text=True, check=False)

    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.stat().st_size > 0 and "0 rejected" in done.stderr
    assert peak_mb < 2048, f"peak RSS {peak_mb:.0f} MB"
