"""Reading news inputs into `Article`s, and setting aside what cannot be read as `Reject`s.

Owns the input formats (plain and wire-format `.txt`, `.jsonl`/`.json`, `.csv`, stdin), their
decoding (UTF-8, BOM, a cautious cp1252 fallback, binary detection), and the wire dateline at
the start of a body ("DUSHANBE, Sept. 16 (Xinhua) --"). Reading streams: one article at a time,
never a whole corpus in memory. Bad input never stops the batch; it becomes a Reject naming the
problem and reading goes on.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from accord.model import Article, Reject
from accord.when import MONTH_PATTERN, parse_explicit_date

MAX_TEXT_CHARS = 2_000_000
READABLE_SUFFIXES = frozenset({".txt", ".jsonl", ".json", ".csv"})

_SNIFF_BYTES = 8192
_UTF8_BOM = b"\xef\xbb\xbf"
_MAX_UNPRINTABLE_SHARE = 0.3  # above this a file is binary, not text with a few stray bytes
_MAX_CP1252_NON_ASCII_SHARE = 0.3  # real Western-European text is mostly ASCII
_MAX_BYTES_PER_CHAR = 4  # UTF-8; lets a huge file be refused before it is read


class Unreadable(Exception):
    """Raised when bytes cannot become text; the message is the Reject reason."""


# --- entry point ---------------------------------------------------------------------------


def read_inputs(inputs: Sequence[str], stdin: TextIO | None = None) -> Iterator[Article | Reject]:
    """Yield an Article or a Reject for every document in `inputs`, in order.

    Each input is a file, a folder (read recursively in sorted order, hidden entries skipped) or
    `-` for stdin (JSON lines when it starts with `{`, else one text article with id `stdin`).
    """
    for given in inputs:
        if given == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin)
        else:
            yield from _read_path(given)


def _read_path(given: str) -> Iterator[Article | Reject]:
    path = Path(given)
    if path.is_dir():
        for file_origin in _readable_files(given):
            yield from _read_file(Path(file_origin), file_origin)
    elif path.is_file():
        # A file named explicitly is read whatever its extension: the user chose it.
        yield from _read_file(path, given)
    else:
        yield Reject(given, "file not found")


def _readable_files(folder: str) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in READABLE_SUFFIXES:
                yield os.path.join(root, name)


def _read_file(path: Path, origin: str) -> Iterator[Article | Reject]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            yield from _read_json_lines_file(path, origin)
        elif suffix == ".json":
            yield from _read_json_file(path, origin)
        elif suffix == ".csv":
            yield from _read_csv_file(path, origin)
        else:
            yield _read_text_file(path, origin)
    except OSError as error:
        yield Reject(origin, f"cannot read file: {error.strerror or error}")


# --- decoding ------------------------------------------------------------------------------


def decode_text(raw: bytes) -> str:
    """Bytes as text: UTF-8 (BOM dropped), else cp1252 when that plainly reads as text.

    Raises Unreadable("binary file") or Unreadable("not valid UTF-8 ...").
    """
    if b"\x00" in raw:
        raise Unreadable("binary file (contains NUL bytes)")
    raw = raw.removeprefix(_UTF8_BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if _looks_binary(raw.decode("utf-8", errors="replace")):
            raise Unreadable("binary file (mostly control bytes)") from None
        fallback = _cp1252_text(raw)
        if fallback is None:
            raise Unreadable(f"not valid UTF-8 (bad byte at offset {error.start})") from None
        return fallback
    if _looks_binary(text):
        raise Unreadable("binary file (mostly control characters)")
    return text


def _is_unprintable(char: str) -> bool:
    # Undecodable bytes (U+FFFD) do not count: they make a file "not valid UTF-8", not binary.
    if char in "\t\n\r\f\v":
        return False
    return unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"}


def _looks_binary(text: str) -> bool:
    sample = text[:_SNIFF_BYTES]
    if not sample:
        return False
    unprintable = sum(1 for char in sample if _is_unprintable(char))
    return unprintable / len(sample) > _MAX_UNPRINTABLE_SHARE


def _cp1252_text(raw: bytes) -> str | None:
    """cp1252 only when the result reads like Western text, not decoded noise."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [char for char in text if not char.isspace()]
    if not letters or any(_is_unprintable(char) for char in text):
        return None
    non_ascii = sum(1 for char in letters if ord(char) > 127)
    return text if non_ascii / len(letters) <= _MAX_CP1252_NON_ASCII_SHARE else None


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_sniff(path: Path) -> None:
    """Refuse a binary file before iterating its lines (one Reject, not one per line)."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if b"\x00" in head or _looks_binary(head.decode("utf-8", errors="replace")):
        raise Unreadable("binary file")


# --- plain and wire-format text ------------------------------------------------------------


def _read_text_file(path: Path, origin: str) -> Article | Reject:
    if path.stat().st_size > _MAX_BYTES_PER_CHAR * MAX_TEXT_CHARS:
        return Reject(origin, _too_large_reason(path.stat().st_size, unit="bytes"))
    try:
        text = decode_text(path.read_bytes())
    except Unreadable as error:
        return Reject(origin, str(error))
    return text_article(text, article_id=path.stem, origin=origin)


_WIRE_HEADER = re.compile(r"[ \t]*date[ \t]+(?P<date>\d{4}-\d{2}-\d{2})(?:[ \t]+(?P<title>.*))?")
_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_ENDS_WITH_DATE = re.compile(rf"(?:{MONTH_PATTERN}\s+\d{{1,2}},?\s+\d{{4}}|\d{{4}}-\d\d-\d\d)\s*$")
_HAS_MONTH = re.compile(MONTH_PATTERN)
_SOURCE_PREFIX = re.compile(r"\s*\(?(?P<agency>[A-Z][\w .&'-]{0,30}?)\)")
_MAX_SOURCE_LINE_CHARS = 100


def text_article(text: str, article_id: str, origin: str) -> Article | Reject:
    """One text document as an Article, reading the wire header when the first line has one."""
    text = _normalise_newlines(text)
    first_line, _, rest = text.partition("\n")
    header = _WIRE_HEADER.fullmatch(first_line)
    if not header:
        return make_article(article_id, text, origin)
    body, source = _drop_source_line(rest)
    return make_article(
        article_id,
        body,
        origin,
        title=(header["title"] or "").strip() or None,
        pub_date=parse_pub_date(header["date"]),
        source=source,
    )


def _drop_source_line(rest: str) -> tuple[str, str | None]:
    """Split off a wire source line ("Xinhua) 08:32, September 17, 2021") before the body."""
    body = rest.lstrip("\n")
    line, _, after = body.partition("\n")
    if not _is_source_line(line):
        return body, None
    prefix = _SOURCE_PREFIX.match(line)
    return after.lstrip("\n"), (prefix["agency"].strip() if prefix else None)


def _is_source_line(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > _MAX_SOURCE_LINE_CHARS or parse_dateline(line, None):
        return False
    has_time_and_month = bool(_CLOCK_TIME.search(line) and _HAS_MONTH.search(line))
    return has_time_and_month or bool(_ENDS_WITH_DATE.search(line))


def _too_large_reason(size: int, unit: str = "characters") -> str:
    return f"text too large: {size:,} {unit} (limit {MAX_TEXT_CHARS:,} characters)"


def make_article(
    article_id: str,
    text: str,
    origin: str,
    *,
    title: str | None = None,
    pub_date: date | None = None,
    url: str | None = None,
    source: str | None = None,
) -> Article | Reject:
    """An Article from a body, with its dateline read; a Reject when the body is unusable."""
    if not text.strip():
        return Reject(origin, "empty text")
    if len(text) > MAX_TEXT_CHARS:
        return Reject(origin, _too_large_reason(len(text)))
    dateline = parse_dateline(text, pub_date)
    return Article(
        id=article_id,
        text=text,
        title=title,
        pub_date=pub_date,
        dateline_place=dateline.place if dateline else None,
        dateline_date=dateline.date if dateline else None,
        dateline_end=dateline.end if dateline else 0,
        url=url,
        source=(dateline.source if dateline and dateline.source else source),
        origin=origin,
    )


def parse_pub_date(value: Any) -> date | None:
    """A publication date from `YYYY-MM-DD` or a datetime starting with it; None otherwise."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})(?!\d)", value)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


# --- datelines -----------------------------------------------------------------------------


class Dateline(NamedTuple):
    """A wire dateline: where and when the story was filed, by whom, and where it ends."""

    place: str
    date: date | None
    source: str | None
    end: int


_WORD = r"[^\W\d_][\w.'’&-]*"
_DATELINE = re.compile(
    rf"""
    (?P<place>{_WORD}(?:[ ]{_WORD}){{0,4}}?)
    (?:,[ ]+(?!{MONTH_PATTERN}[ ]*\d)(?P<region>{_WORD}(?:[ ]{_WORD}){{0,2}}?))?
    (?:,?[ ]+(?P<date>{MONTH_PATTERN}[ ]+\d{{1,2}}(?:,[ ]*\d{{4}})?))?
    (?:[ ]*\((?P<time>\d{{1,2}}[:.]\d\d[^()\n]{{0,12}})\))?
    (?:[ ]*\((?P<agency>[^\W\d_][^()\n\d]{{0,39}})\))?
    [ ]*(?P<mark>-{{2,3}}|[—–―]|-(?=\s|$)|:(?=[ ](?![A-Z]{{2,}}\b)[A-Z\d"“‘']))[ \t]*
    """,
    re.VERBOSE,
)
# Headings that look like a colon dateline but are not places. The colon form also needs one
# space and a capitalised word after it, which rules out "TOP STORIES:   CANADA-...".
_NOT_PLACES = frozenset({"UPDATE", "NOTE", "EDITOR'S NOTE", "BREAKING", "CORRECTION", "WATCH"})


def parse_dateline(text: str, pub_date: date | None) -> Dateline | None:
    """The dateline opening `text` (after leading whitespace), or None when there is none.

    Dates without a year resolve to the latest such day up to `pub_date` + 1 day.
    """
    start = len(text) - len(text.lstrip())
    match = _DATELINE.match(text, start)
    if not match or not _is_plausible_dateline(match):
        return None
    return Dateline(
        place=_place_name(match["place"], match["region"]),
        date=parse_explicit_date(match["date"], pub_date) if match["date"] else None,
        source=match["agency"].strip() if match["agency"] else None,
        end=match.end(),
    )


def _is_plausible_dateline(match: re.Match[str]) -> bool:
    place, region = match["place"], match["region"]
    words = place.split() + (region.split() if region else [])
    if not all(word[0].isupper() for word in words) or place.upper() in _NOT_PLACES:
        return False
    if match["agency"] and not _looks_like_agency(match["agency"]):
        return False
    has_evidence = bool(match["date"] or match["time"] or match["agency"])
    # Without a date or agency only the all-caps wire convention marks a dateline, and a single
    # hyphen is too common in prose to count on its own.
    return has_evidence or (place.isupper() and match["mark"] != "-")


_MAX_AGENCY_WORDS = 4


def _looks_like_agency(name: str) -> bool:
    """ "Xinhua", "AP", "dpa", "Anadolu Agency"; not "(Syrian Al-Qaeda group)" prose asides."""
    words = name.split()
    if len(words) > _MAX_AGENCY_WORDS:
        return False
    return len(words) == 1 or all(word[0].isupper() or word == "&" for word in words)


_LETTER_RUN = re.compile(r"(?<![\w'’])[^\W\d_]+")


def _title_case(name: str) -> str:
    """ "NEW DELHI" -> "New Delhi", "D.C." stays, "N'DJAMENA" -> "N'djamena"."""
    lowered = name.lower()
    return _LETTER_RUN.sub(lambda run: run[0][:1].upper() + run[0][1:], lowered)


def _place_name(place: str, region: str | None) -> str:
    name = _title_case(place) if place.isupper() else place
    if region:
        name += ", " + (_title_case(region) if region.isupper() else region)
    return name


# --- records: JSON lines, JSON, CSV ---------------------------------------------------------


def record_article(record: Any, default_id: str, origin: str) -> Article | Reject:
    """An Article from one JSON object or CSV row with `id`, `text`, `date`, `title`, `url`."""
    if not isinstance(record, dict):
        return Reject(origin, f"record is a JSON {type(record).__name__}, not an object")
    text = record.get("text")
    if text is None:
        return Reject(origin, "record has no 'text' field")
    if not isinstance(text, str):
        return Reject(origin, f"'text' is a {type(text).__name__}, not a string")
    raw_id = record.get("id")
    article_id = default_id if raw_id is None or str(raw_id).strip() == "" else str(raw_id)
    return make_article(
        article_id,
        _normalise_newlines(text),
        origin,
        title=_optional_string(record.get("title")),
        pub_date=parse_pub_date(record.get("date")),
        url=_optional_string(record.get("url")),
    )


def _optional_string(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _json_line_records(
    lines: Iterable[tuple[int, str | Unreadable]], stem: str, origin: str
) -> Iterator[Article | Reject]:
    for number, line in lines:
        line_origin = f"{origin}:{number}"
        if isinstance(line, Unreadable):
            yield Reject(line_origin, str(line))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Reject(line_origin, f"not valid JSON ({error.msg})")
            continue
        yield record_article(record, f"{stem}:{number}", line_origin)


def _decoded_lines(handle: Iterable[bytes]) -> Iterator[tuple[int, str | Unreadable]]:
    """Number and decode byte lines one by one, so one bad line costs only itself."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield number, decode_text(raw)
        except Unreadable as error:
            yield number, error


def _read_json_lines_file(path: Path, origin: str) -> Iterator[Article | Reject]:
    try:
        _check_sniff(path)
    except Unreadable as error:
        yield Reject(origin, str(error))
        return
    yield from _json_lines_of(path, origin)


def _json_lines_of(path: Path, origin: str) -> Iterator[Article | Reject]:
    with path.open("rb") as handle:
        yield from _json_line_records(_decoded_lines(handle), path.stem, origin)


def _read_json_file(path: Path, origin: str) -> Iterator[Article | Reject]:
    """A `.json` file holding JSON lines, one object, or an array of objects."""
    try:
        _check_sniff(path)
        with path.open("rb") as handle:
            first_line = _first_nonblank(_decoded_lines(handle))
        if first_line is None:
            return  # an empty file has nothing to read, like an empty folder
        if _is_complete_json(first_line) and not first_line.lstrip().startswith("["):
            yield from _json_lines_of(path, origin)
            return
        if path.stat().st_size > _MAX_BYTES_PER_CHAR * MAX_TEXT_CHARS:
            yield Reject(origin, _too_large_reason(path.stat().st_size, unit="bytes"))
            return
        document = json.loads(decode_text(path.read_bytes()))
    except Unreadable as error:
        yield Reject(origin, str(error))
        return
    except json.JSONDecodeError as error:
        yield Reject(origin, f"not valid JSON ({error.msg} at line {error.lineno})")
        return
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, start=1):
        yield record_article(record, f"{path.stem}:{number}", f"{origin}:{number}")


def _first_nonblank(lines: Iterable[tuple[int, str | Unreadable]]) -> str | None:
    for _number, line in lines:
        if isinstance(line, Unreadable):
            raise line
        if line.strip():
            return line
    return None


def _is_complete_json(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def _read_csv_file(path: Path, origin: str) -> Iterator[Article | Reject]:
    try:
        _check_sniff(path)
    except Unreadable as error:
        yield Reject(origin, str(error))
        return
    # Let over-long fields reach the size check below, which names the real limit.
    csv.field_size_limit(max(csv.field_size_limit(), 2 * MAX_TEXT_CHARS))
    with path.open("rb") as handle:
        yield from _csv_records(_strict_lines(handle), path.stem, origin)


def _strict_lines(handle: Iterable[bytes]) -> Iterator[str]:
    for number, line in _decoded_lines(handle):
        if isinstance(line, Unreadable):
            raise Unreadable(f"{line} on line {number}")
        yield line


def _csv_records(lines: Iterator[str], stem: str, origin: str) -> Iterator[Article | Reject]:
    reader = csv.DictReader(lines)
    row_number = 0
    try:
        if reader.fieldnames is None:
            return  # no header at all: an empty file
        if "text" not in [name.strip() for name in reader.fieldnames]:
            columns = ", ".join(reader.fieldnames)
            yield Reject(origin, f"CSV has no 'text' column (columns: {columns})")
            return
        for row_number, row in enumerate(reader, start=1):
            fields = {(key or "").strip(): value for key, value in row.items()}
            yield record_article(fields, f"{stem}:{row_number}", f"{origin}:{row_number}")
    except (Unreadable, csv.Error) as error:
        # A CSV cannot resume after a broken record; the rows before it were kept.
        yield Reject(f"{origin}:{row_number + 1}", f"unreadable CSV, rest of file skipped: {error}")


# --- stdin ---------------------------------------------------------------------------------


_STDIN_ORIGIN = "stdin"


def _read_stdin(stream: TextIO) -> Iterator[Article | Reject]:
    """JSON lines when the first non-blank character is `{`, else one text article."""
    lines = _stdin_lines(stream)
    head: list[tuple[int, str | Unreadable]] = []
    for numbered in lines:
        head.append(numbered)
        line = numbered[1]
        if isinstance(line, Unreadable) or line.strip():
            break
    first = head[-1][1] if head else ""
    if isinstance(first, str) and first.lstrip().startswith("{"):
        yield from _json_line_records(itertools.chain(head, lines), _STDIN_ORIGIN, _STDIN_ORIGIN)
        return
    try:
        text = "".join(_text_of(itertools.chain(head, lines)))
        if "\x00" in text or _looks_binary(text):
            raise Unreadable("binary input")
    except Unreadable as error:
        yield Reject(_STDIN_ORIGIN, str(error))
        return
    yield text_article(text, article_id=_STDIN_ORIGIN, origin=_STDIN_ORIGIN)


def _stdin_lines(stream: TextIO) -> Iterator[tuple[int, str | Unreadable]]:
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:  # a real stdin: decode its bytes the same way as files
        yield from _decoded_lines(buffer)
        return
    try:
        for number, line in enumerate(stream, start=1):
            yield number, line.removeprefix("\ufeff") if number == 1 else line
    except UnicodeDecodeError as error:
        yield 0, Unreadable(f"not valid UTF-8 ({error.reason})")


def _text_of(lines: Iterable[tuple[int, str | Unreadable]]) -> Iterator[str]:
    # Stop a runaway stream early; make_article applies the exact limit to the body.
    total = 0
    for _number, line in lines:
        if isinstance(line, Unreadable):
            raise line
        total += len(line)
        if total > _MAX_BYTES_PER_CHAR * MAX_TEXT_CHARS:
            raise Unreadable(_too_large_reason(total))
        yield line
