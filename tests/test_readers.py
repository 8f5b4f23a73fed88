"""Reading inputs: wire text, JSON lines, CSV, folders and stdin, and rejecting what is unusable."""

from __future__ import annotations

import inspect
import io
import json
from datetime import date
from pathlib import Path

import pytest

from accord import readers
from accord.model import Article, Reject
from accord.readers import ReadOptions, parse_dateline, read_inputs

WIRE_ARTICLE = (
    "date 2023-03-10 Brazil, Argentina sign trade accord\n"
    "\n"
    "Xinhua) 09:15, March 10, 2023\n"
    "\n"
    "BRASILIA, March 9 (Xinhua) -- Brazil and Argentina on Thursday signed an accord to cut "
    "tariffs on farm goods, the two foreign ministries said.\n"
    "\n"
    "The deal follows months of talks in Buenos Aires.\n"
)


def read_all(
    *inputs: str | Path, stdin: io.StringIO | None = None, options: ReadOptions | None = None
) -> list[Article | Reject]:
    return list(read_inputs([str(item) for item in inputs], stdin=stdin, options=options))


def only_article(items: list[Article | Reject]) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def only_reject(items: list[Article | Reject]) -> Reject:
    assert len(items) == 1 and isinstance(items[0], Reject), items
    return items[0]


# --- text files ----------------------------------------------------------------------------


def test_wire_txt_gives_id_title_dates_place_source_and_dateline_end(tmp_path: Path) -> None:
    path = tmp_path / "001_brazil.txt"
    path.write_text(WIRE_ARTICLE, encoding="utf-8")

    article = only_article(read_all(path))

    assert article.id == "001_brazil"
    assert article.title == "Brazil, Argentina sign trade accord"
    assert article.pub_date == date(2023, 3, 10)
    assert article.dateline_place == "Brasilia"
    assert article.dateline_date == date(2023, 3, 9)
    assert article.source == "Xinhua"
    assert article.text.startswith("BRASILIA, March 9 (Xinhua) -- Brazil")
    assert article.text[: article.dateline_end].endswith("(Xinhua) -- ")
    assert article.text[article.dateline_end :].startswith("Brazil and Argentina on Thursday")
    assert article.origin == str(path)
    assert article.reference_date == date(2023, 3, 9)


def test_wire_header_may_start_with_a_space_and_the_source_line_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "spaced.txt"
    path.write_text(" " + WIRE_ARTICLE, encoding="utf-8")

    article = only_article(read_all(path))

    assert article.pub_date == date(2023, 3, 10)
    assert "09:15" not in article.text


def test_wire_body_without_source_line_keeps_its_first_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "nosource.txt"
    path.write_text(
        "date 2023-03-10 Trade accord\n\nBRASILIA, March 9 (Xinhua) -- Talks ended.\n",
        encoding="utf-8",
    )

    article = only_article(read_all(path))

    assert article.text == "BRASILIA, March 9 (Xinhua) -- Talks ended.\n"
    assert article.dateline_date == date(2023, 3, 9)


def test_wire_header_with_impossible_date_keeps_title_and_leaves_pub_date_empty(
    tmp_path: Path,
) -> None:
    path = tmp_path / "baddate.txt"
    path.write_text("date 2023-02-30 A title\n\nSome body text.\n", encoding="utf-8")

    article = only_article(read_all(path))

    assert article.title == "A title"
    assert article.pub_date is None
    assert article.text == "Some body text.\n"


def test_plain_txt_is_the_whole_text_with_no_title_or_dates(tmp_path: Path) -> None:
    body = "The two leaders met in Geneva.\nThey agreed to talk again.\n"
    path = tmp_path / "plain note.txt"
    path.write_text(body, encoding="utf-8")

    article = only_article(read_all(path))

    assert (article.id, article.text, article.title) == ("plain note", body, None)
    assert (article.pub_date, article.dateline_place, article.dateline_end) == (None, None, 0)


def test_line_endings_are_normalised_to_newlines(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"First line.\r\nSecond line.\rThird line.\r\n")

    assert only_article(read_all(path)).text == "First line.\nSecond line.\nThird line.\n"


def test_utf8_bom_is_stripped_before_the_wire_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + WIRE_ARTICLE.encode("utf-8"))

    article = only_article(read_all(path))

    assert article.pub_date == date(2023, 3, 10)
    assert not article.text.startswith("\ufeff")


def test_cp1252_file_is_read_when_it_plainly_is_text(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(
        "Caf\u00e9 talks \u201cwent well\u201d \u2013 officials said.".encode("cp1252")
    )

    assert only_article(read_all(path)).text == "Café talks “went well” – officials said."


# --- rejects -------------------------------------------------------------------------------


def test_missing_file_is_rejected_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Ministers met.", encoding="utf-8")
    missing = tmp_path / "nope.txt"

    items = read_all(missing, good)

    assert items[0] == Reject(str(missing), "file not found")
    assert isinstance(items[1], Article) and items[1].id == "good"


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", b"\xef\xbb\xbf\n"])
def test_empty_or_blank_file_is_rejected_as_empty_text(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)

    assert only_reject(read_all(path)).reason == "empty text"


def test_wire_header_with_no_body_is_rejected_as_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "headeronly.txt"
    path.write_text("date 2023-03-10 Title only\n\n", encoding="utf-8")

    assert only_reject(read_all(path)).reason == "empty text"


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(1, 32)) * 20],
    ids=["nul-bytes", "control-characters"],
)
def test_binary_file_is_rejected_as_binary(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(content)

    assert "binary file" in only_reject(read_all(path)).reason


@pytest.mark.parametrize(
    "content",
    [b"Talks in Caf\xe9 \x81 ended.", "\u00ff\u00fe\u00e9\u00e8".encode("latin-1") * 10],
    ids=["undefined-in-cp1252", "decodes-but-is-noise"],
)
def test_invalid_utf8_that_is_not_cp1252_text_is_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(content)

    assert "not valid UTF-8" in only_reject(read_all(path)).reason


def test_text_over_the_size_limit_is_rejected_with_the_limit_in_reject_mode(
    tmp_path: Path,
) -> None:
    path = tmp_path / "long.txt"
    path.write_text("word " * 30, encoding="utf-8")  # 150 chars: over the limit, under 4x

    reason = only_reject(read_all(path, options=ReadOptions(max_chars=50, oversize="reject")))

    assert "too large" in reason.reason and "150" in reason.reason and "limit 50" in reason.reason


def test_huge_file_is_refused_before_reading_in_reject_mode(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("x" * 100, encoding="utf-8")

    reject = only_reject(read_all(path, options=ReadOptions(max_chars=10, oversize="reject")))

    assert "too large" in reject.reason and "bytes" in reject.reason


# --- JSON lines and JSON -------------------------------------------------------------------


def test_jsonl_bad_lines_are_rejected_one_by_one_and_good_lines_still_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": "Ministers met.", "date": "2021-09-17", "title": "T"}),
        "{not json",
        "[1, 2]",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "num", "text": 42}),
        "",
        json.dumps({"text": "No id here.", "url": "https://example.org/x"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    items = read_all(path)

    assert [type(item).__name__ for item in items] == [
        "Article", "Reject", "Reject", "Reject", "Reject", "Article",
    ]  # fmt: skip
    first, last = items[0], items[-1]
    assert isinstance(first, Article) and isinstance(last, Article)
    assert (first.id, first.pub_date, first.title) == ("a1", date(2021, 9, 17), "T")
    assert (last.id, last.url, last.origin) == ("feed:7", "https://example.org/x", f"{path}:7")
    rejects = {item.origin: item.reason for item in items if isinstance(item, Reject)}
    assert "not valid JSON" in rejects[f"{path}:2"]
    assert "not an object" in rejects[f"{path}:3"]
    assert "no 'text' field" in rejects[f"{path}:4"]
    assert "not a string" in rejects[f"{path}:5"]


def test_jsonl_dates_take_the_day_of_a_datetime_and_ignore_unparseable_values(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dates.jsonl"
    records = [
        {"id": "dt", "text": "A.", "date": "2021-09-17T08:32:00+08:00"},
        {"id": "words", "text": "B.", "date": "last Thursday"},
        {"id": "number", "text": "C.", "date": 20210917},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")

    items = read_all(path)

    assert all(isinstance(item, Article) for item in items)
    assert [item.pub_date for item in items] == [date(2021, 9, 17), None, None]


def test_jsonl_text_gets_its_dateline_read_and_newlines_normalised(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    record = {"id": "w", "text": "MOSCOW (Reuters) - Talks ended.\r\nMore.", "date": "2021-09-17"}
    path.write_text(json.dumps(record), encoding="utf-8")

    article = only_article(read_all(path))

    assert (article.dateline_place, article.source) == ("Moscow", "Reuters")
    assert article.text == "MOSCOW (Reuters) - Talks ended.\nMore."


def test_jsonl_line_with_invalid_utf8_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "ok", "text": "Fine."}).encode()
    path.write_bytes(good + b"\n" + b'{"text": "\xff\xfe\x81\x8d"}\n' + good + b"\n")

    items = read_all(path)

    assert [type(item).__name__ for item in items] == ["Article", "Reject", "Article"]
    assert items[1].origin == f"{path}:2" and "not valid UTF-8" in items[1].reason


def test_binary_jsonl_is_one_reject_not_one_per_line(tmp_path: Path) -> None:
    path = tmp_path / "blob.jsonl"
    path.write_bytes(b"\x00\x01\x02\n" * 50)

    assert "binary file" in only_reject(read_all(path)).reason


def test_json_file_may_hold_lines_an_array_or_one_object(tmp_path: Path) -> None:
    lines = tmp_path / "lines.json"
    lines.write_text('{"id": "l1", "text": "One."}\n{"id": "l2", "text": "Two."}\n')
    array = tmp_path / "array.json"
    array.write_text(json.dumps([{"text": "First."}, {"id": "a2", "text": "Second."}], indent=2))
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"id": "s1", "text": "Alone."}, indent=2))

    ids = [item.id for item in read_all(lines, array, single) if isinstance(item, Article)]

    assert ids == ["l1", "l2", "array:1", "a2", "s1"]


def test_broken_json_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"text": "unterminated"', encoding="utf-8")

    assert "not valid JSON" in only_reject(read_all(path)).reason


# --- CSV -----------------------------------------------------------------------------------


def test_csv_rows_become_articles_and_quoted_newlines_stay_in_the_text(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text(
        "id,text,date,title,url\r\n"
        'c1,"First paragraph.\r\nSecond, with a comma.",2022-05-01,Title one,\r\n'
        ',"No id.",,,https://example.org\r\n',
        encoding="utf-8",
    )

    items = read_all(path)

    assert all(isinstance(item, Article) for item in items) and len(items) == 2
    first, second = items
    assert first.text == "First paragraph.\nSecond, with a comma."
    assert (first.id, first.pub_date, first.title, first.url) == (
        "c1", date(2022, 5, 1), "Title one", None,
    )  # fmt: skip
    assert (second.id, second.pub_date, second.url) == ("table:2", None, "https://example.org")


def test_csv_without_text_column_is_rejected_naming_the_column(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("id,body\n1,Ministers met.\n", encoding="utf-8")

    reject = only_reject(read_all(path))

    assert reject.origin == str(path) and "no 'text' column" in reject.reason


def test_csv_empty_text_cell_rejects_only_that_row(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("id,text\na,\nb,Talks resumed.\n", encoding="utf-8")

    items = read_all(path)

    assert items[0] == Reject(f"{path}:1", "empty text")
    assert isinstance(items[1], Article) and items[1].id == "b"


def test_csv_field_over_the_limit_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("id,text\nbig," + "y" * 30 + "\nsmall,Short.\n", encoding="utf-8")

    items = read_all(path, options=ReadOptions(max_chars=20, oversize="reject"))

    assert isinstance(items[0], Reject) and "too large" in items[0].reason
    assert isinstance(items[1], Article) and items[1].id == "small"


# --- folders and stdin ---------------------------------------------------------------------


def test_folder_is_walked_recursively_in_sorted_order_skipping_hidden_and_other_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "b.txt").write_text("Bravo.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alpha.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("Not an input.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Hidden dir.", encoding="utf-8")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "c.TXT").write_text("Charlie.", encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "d.jsonl").write_text('{"id": "d", "text": "Delta."}')

    items = read_all(tmp_path)

    assert [item.id for item in items if isinstance(item, Article)] == ["a", "b", "c", "d"]
    assert len(items) == 4


def test_folder_with_nothing_readable_yields_nothing(tmp_path: Path) -> None:
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")

    assert read_all(tmp_path) == []


def test_stdin_text_is_one_article_with_id_stdin() -> None:
    stdin = io.StringIO("\ufeff" + WIRE_ARTICLE)

    article = only_article(read_all("-", stdin=stdin))

    assert (article.id, article.origin, article.pub_date) == ("stdin", "stdin", date(2023, 3, 10))
    assert article.dateline_place == "Brasilia"


def test_stdin_starting_with_a_brace_is_read_as_json_lines() -> None:
    stdin = io.StringIO('\n{"id": "s1", "text": "One."}\nnot json\n{"text": "Three."}\n')

    items = read_all("-", stdin=stdin)

    assert [type(item).__name__ for item in items] == ["Article", "Reject", "Article"]
    assert items[0].id == "s1" and items[2].id == "stdin:4"
    assert items[1].origin == "stdin:3"


def test_stdin_bytes_are_decoded_like_files() -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfKABUL, Afghanistan (AP) \xe2\x80\x94 Calm."))

    article = only_article(read_all("-", stdin=stdin))

    assert (article.dateline_place, article.source) == ("Kabul, Afghanistan", "AP")


def test_empty_stdin_is_rejected_as_empty_text() -> None:
    assert only_reject(read_all("-", stdin=io.StringIO(""))).reason == "empty text"


def test_read_inputs_streams_lazily_one_input_at_a_time(tmp_path: Path) -> None:
    later = tmp_path / "later.txt"
    stream = read_inputs(["-", str(later)], stdin=io.StringIO("Leaders met."))

    assert inspect.isgenerator(stream)
    assert isinstance(next(stream), Article)
    later.write_text("Written after the first article was read.", encoding="utf-8")
    # An eager reader would already have found this file missing.
    assert isinstance(next(stream), Article)


# --- datelines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "place", "when", "source", "marker"),
    [
        ("DUSHANBE, Sept. 16 (Xinhua) -- ", "Dushanbe", date(2021, 9, 16), "Xinhua", "-- "),
        ("MOSCOW (Reuters) - ", "Moscow", None, "Reuters", "- "),
        ("WASHINGTON, Sept 16, 2021 (AFP) — ", "Washington", date(2021, 9, 16), "AFP", "— "),
        ("BEIJING, Jan. 3 -- ", "Beijing", date(2021, 1, 3), None, "-- "),
        ("KABUL, Afghanistan (AP) — ", "Kabul, Afghanistan", None, "AP", "— "),
        (
            "UNITED NATIONS, March 2 (Xinhua) -- ",
            "United Nations", date(2021, 3, 2), "Xinhua", "-- ",
        ),
        ("NEW DELHI: ", "New Delhi", None, None, ": "),
        ("  WASHINGTON, D.C. (AP) -- ", "Washington, D.C.", None, "AP", "-- "),
        ("Beijing, Sept 16 (Xinhua)--", "Beijing", date(2021, 9, 16), "Xinhua", "--"),
        ("CHENNAI: ", "Chennai", None, None, ": "),
        ("HOMS, SYRIA (4:15 P.M.) – ", "Homs, Syria", None, None, "– "),
        ("Herat, Afghanistan (9.30 a.m.) -- ", "Herat, Afghanistan", None, None, "-- "),
        ("BONN (dpa) -- ", "Bonn", None, "dpa", "-- "),
        ("ANKARA (Anadolu Agency) – ", "Ankara", None, "Anadolu Agency", "– "),
    ],
)  # fmt: skip
def test_dateline_forms_give_place_date_source_and_end(
    opening: str, place: str, when: date | None, source: str | None, marker: str
) -> None:
    text = opening + "Officials met on Thursday."

    dateline = parse_dateline(text, date(2021, 9, 17))

    assert dateline is not None
    assert (dateline.place, dateline.date, dateline.source) == (place, when, source)
    assert text[: dateline.end].endswith(marker)
    assert text[dateline.end :] == "Officials met on Thursday."


@pytest.mark.parametrize(
    "text",
    [
        "NATO - the alliance said on Friday.",
        "Note: the figures are provisional.",
        "UPDATE: talks resumed.",
        "The talks (held in Geneva) -- ended.",
        "US and China - a long rivalry.",
        "President Biden said the talks went well.",
        "TOP STORIES:   BORDER-TALKS   Officials met.",
        "WARNING: graphic content.",
        "Ahrar Al-Sham (a rebel coalition) – claimed the attack.",
    ],
)
def test_openings_that_are_not_datelines_are_left_alone(text: str) -> None:
    assert parse_dateline(text, date(2021, 9, 17)) is None


def test_december_dateline_in_a_january_story_is_last_year() -> None:
    dateline = parse_dateline("BEIJING, Dec. 31 (Xinhua) -- Fireworks.", date(2022, 1, 2))

    assert dateline is not None and dateline.date == date(2021, 12, 31)


# --- long texts: chunks or rejects ---------------------------------------------------------


def paragraphs(count: int) -> str:
    return "\n\n".join(
        f"Paragraph {n}: the envoys met again and said the talks were useful." for n in range(count)
    )


def test_long_text_is_split_at_paragraph_breaks_into_numbered_chunks(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    text = paragraphs(12)
    path.write_text(text, encoding="utf-8")

    items = read_all(path, options=ReadOptions(max_chars=300))

    assert all(isinstance(item, Article) for item in items) and len(items) > 2
    assert [item.id for item in items] == [f"long#{n}" for n in range(1, len(items) + 1)]
    assert [item.origin for item in items][:2] == [f"{path}#1", f"{path}#2"]
    assert all(len(item.text) <= 300 for item in items)
    assert "".join(item.text for item in items) == text  # nothing lost, nothing added
    assert all(item.text.startswith("Paragraph") for item in items)


def test_chunks_share_the_wire_header_and_dateline_but_only_the_first_skips_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wire.txt"
    path.write_text(
        "date 2023-03-10 Long story\n\nBRASILIA, March 9 (Xinhua) -- " + paragraphs(10),
        encoding="utf-8",
    )

    first, second, *_ = read_all(path, options=ReadOptions(max_chars=250))

    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.title, first.pub_date, second.title, second.pub_date) == (
        "Long story", date(2023, 3, 10), "Long story", date(2023, 3, 10),
    )  # fmt: skip
    assert first.dateline_end > 0 and second.dateline_end == 0
    assert (second.dateline_place, second.dateline_date, second.source) == (
        "Brasilia", date(2023, 3, 9), "Xinhua",
    )  # fmt: skip


def test_long_jsonl_record_is_chunked_and_a_short_one_keeps_its_id(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    records = [{"id": "big", "text": paragraphs(8)}, {"id": "small", "text": "Envoys met."}]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")

    ids = [item.id for item in read_all(path, options=ReadOptions(max_chars=200))]

    assert ids[0] == "big#1" and ids[-1] == "small" and "big#2" in ids


def test_text_without_any_break_is_cut_hard_at_the_limit() -> None:
    assert readers.split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_chunks_prefer_sentence_ends_when_there_is_no_paragraph_break() -> None:
    text = "One sentence here. Another sentence there. A third one follows."

    chunks = readers.split_text(text, 30)

    assert chunks[0] == "One sentence here. " and "".join(chunks) == text


def test_blank_stretches_between_chunks_are_not_numbered(tmp_path: Path) -> None:
    path = tmp_path / "gappy.txt"
    path.write_text("Envoys met in Geneva.\n" + " \n" * 200 + "Talks ended.", encoding="utf-8")

    items = read_all(path, options=ReadOptions(max_chars=40))

    assert [item.id for item in items] == ["gappy#1", "gappy#2"]


def test_large_text_file_is_streamed_in_blocks_and_chunked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "_STREAM_BYTES", 1000)
    monkeypatch.setattr(readers, "_BLOCK_BYTES", 97)  # cuts "\r\n" and UTF-8 sequences apart
    text = "date 2023-03-10 Big\r\n\r\n" + "Caf\u00e9 talks went on.\r\n\r\n" * 100
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode("utf-8"))

    items = read_all(path, options=ReadOptions(max_chars=500))

    assert all(isinstance(item, Article) for item in items) and len(items) > 3
    assert "".join(item.text for item in items) == text.replace("\r\n", "\n").split("\n\n", 1)[1]
    assert {item.title for item in items} == {"Big"}


def test_large_cp1252_file_is_streamed_with_the_fallback_codec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "_STREAM_BYTES", 100)
    path = tmp_path / "legacy.txt"
    path.write_bytes(("Caf\u00e9 talks \u201cwent well\u201d. " * 20).encode("cp1252"))

    article = only_article(read_all(path))

    assert article.text.startswith("Café talks “went well”.")


def test_large_binary_file_is_rejected_without_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "_STREAM_BYTES", 100)
    path = tmp_path / "blob.txt"
    path.write_bytes(b"Plain words to start with. " * 400 + b"\x00\x01" * 50)

    assert "binary" in only_reject(read_all(path)).reason


def test_read_options_refuse_nonsense() -> None:
    with pytest.raises(ValueError):
        ReadOptions(max_chars=0)
    with pytest.raises(ValueError):
        ReadOptions(oversize="truncate")


# --- HTML ----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><title>Envoys meet | Example Times</title>
<meta property="article:published_time" content="2023-05-04T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Envoys meet in Geneva</h1>
<p>GENEVA, May 3 (Reuters) -- The foreign ministers of Armenia and Azerbaijan met in Geneva on
Wednesday and agreed to continue talks on a peace treaty.</p>
<p>The meeting was hosted by the Swiss government, a spokesman said.</p></article>
<footer>Copyright 2023 Example Times. Subscribe to our newsletter.</footer></body></html>"""


def test_html_file_is_reduced_to_the_article_with_title_and_metadata_date(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")

    article = only_article(read_all(path))

    assert article.title == "Envoys meet in Geneva"
    assert article.pub_date == date(2023, 5, 4)
    assert article.text.startswith("GENEVA, May 3 (Reuters) -- The foreign ministers")
    assert (article.dateline_place, article.source) == ("Geneva", "Reuters")
    assert not any(noise in article.text for noise in ("Subscribe", "Home", "<"))


def test_html_page_without_a_dated_metadata_gets_no_guessed_date(tmp_path: Path) -> None:
    path = tmp_path / "undated.htm"
    path.write_text(PAGE.replace('<meta property="article:published_time" '
                                 'content="2023-05-04T10:00:00Z">', ""), encoding="utf-8")

    assert only_article(read_all(path)).pub_date is None  # not 2023-01-01 from the footer


def test_html_in_a_text_field_is_extracted_and_the_record_fields_win(tmp_path: Path) -> None:
    path = tmp_path / "scraped.jsonl"
    record = {"id": "s1", "text": "<div><p>Envoys met in Geneva on Friday.</p></div>",
              "date": "2023-06-02", "title": "Own title"}
    path.write_text(json.dumps(record), encoding="utf-8")

    article = only_article(read_all(path))

    assert (article.text, article.title, article.pub_date) == (
        "Envoys met in Geneva on Friday.", "Own title", date(2023, 6, 2),
    )  # fmt: skip


def test_prose_mentioning_a_tag_is_not_treated_as_html(tmp_path: Path) -> None:
    path = tmp_path / "prose.jsonl"
    path.write_text(json.dumps({"id": "p", "text": "Use <b> for bold, the editor said."}))

    assert only_article(read_all(path)).text == "Use <b> for bold, the editor said."


def test_html_with_no_article_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing</title></head><body></body></html>")

    assert "no article text" in only_reject(read_all(path)).reason


# --- language, dates, odd characters -------------------------------------------------------


def test_non_english_article_is_rejected_with_the_language_and_english_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mixed.jsonl"
    records = [
        {"id": "fr", "text": "Le ministre des affaires étrangères a rencontré son homologue "
                             "allemand à Paris pour discuter de la sécurité en Europe."},
        {"id": "ru", "text": "Министр обороны заявил о выводе войск из района."},
        {"id": "en", "text": "Tokayev met Kamikawa in Tashkent."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")

    french, russian, english = read_all(path)

    assert isinstance(french, Reject) and "looks like French" in french.reason
    assert isinstance(russian, Reject) and "Cyrillic" in russian.reason
    assert isinstance(english, Article)


def test_language_check_can_be_switched_off(tmp_path: Path) -> None:
    path = tmp_path / "fr.txt"
    path.write_text("Le président a rencontré son homologue à Paris pour discuter de la crise "
                    "dans la région.", encoding="utf-8")

    assert isinstance(read_all(path, options=ReadOptions(english_only=False))[0], Article)


@pytest.mark.parametrize(
    "value", ["2021-02-30", "2021-13-01", "0001-01-01", "9999-12-31", "", "yesterday", None, 7]
)
def test_missing_impossible_or_implausible_dates_keep_the_article_undated(
    tmp_path: Path, value: object
) -> None:
    path = tmp_path / "dates.jsonl"
    path.write_text(json.dumps({"id": "d", "text": "Envoys met.", "date": value}))

    article = only_article(read_all(path))

    assert (article.pub_date, article.reference_date) == (None, None)


def test_lone_surrogates_from_json_escapes_become_replacement_characters(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"id": "x\\ud800", "text": "Envoys \\udc80met.", "title": "T\\ud83d"}')

    article = only_article(read_all(path))

    assert (article.id, article.text, article.title) == ("x\ufffd", "Envoys \ufffdmet.", "T\ufffd")
    json.dumps(article.id, ensure_ascii=False).encode("utf-8")  # writable as UTF-8


def test_deeply_nested_json_line_is_rejected_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps({"text": "Envoys met."}))

    items = read_all(path)

    assert isinstance(items[0], Reject) and isinstance(items[1], Article)


@pytest.mark.parametrize(("name", "content"), [("empty.json", ""), ("empty.csv", "")])
def test_empty_json_or_csv_file_is_rejected_as_empty(tmp_path: Path, name: str,
                                                     content: str) -> None:
    path = tmp_path / name
    path.write_text(content)

    assert "empty" in only_reject(read_all(path)).reason
