"""Reading news inputs into `Article`s, and setting aside what cannot be read as `Reject`s.

Owns the input formats (plain and wire-format `.txt`, `.jsonl`/`.json`, `.csv`, `.html`, stdin),
their decoding (UTF-8, BOM, a cautious cp1252 fallback, binary detection), the wire dateline at
the start of a body ("DUSHANBE, Sept. 16 (Xinhua) --"), and what happens to texts over the size
limit: split at paragraph or sentence boundaries into chunks `<id>#<n>`, each its own Article
whose offsets count from the chunk's start, or rejected (`ReadOptions.oversize`). Reading
streams: one article at a time, never a whole corpus in memory, and a text file far over the
limit is decoded block by block. Bad input never stops the batch; it becomes a Reject naming the
problem and reading goes on. Non-English texts are rejected too (`accord.language`).
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from accord.language import non_english_reason
from accord.markup import MAX_HTML_CHARS, extract_page, looks_like_html
from accord.model import Article, Reject
from accord.when import MONTH_PATTERN, parse_explicit_date

# Almost every news story is shorter than this; longer texts (dumps, transcripts) are coded in
# pieces. Parser memory is bounded separately by the character budget of a batch (nlp.parse).
DEFAULT_MAX_CHARS = 30_000
OVERSIZE_MODES = ("chunk", "reject")
READABLE_SUFFIXES = frozenset({".txt", ".jsonl", ".json", ".csv", ".html", ".htm"})
# Held whole in memory: one JSON document, CSV field, stdin text or HTML page.
MAX_RECORD_CHARS = 64_000_000
# Publication years outside this range are typos or placeholders (0001-01-01), not dates.
PLAUSIBLE_YEARS = range(1900, 2101)

_SNIFF_BYTES = 8192
_UTF8_BOM = b"\xef\xbb\xbf"
_MAX_UNPRINTABLE_SHARE = 0.3  # above this a file is binary, not text with a few stray bytes
_MAX_CP1252_NON_ASCII_SHARE = 0.3  # real Western-European text is mostly ASCII
_MAX_BYTES_PER_CHAR = 4  # UTF-8; lets a huge file be refused before it is read
_STREAM_BYTES = 8 * 1024 * 1024  # text files above this are decoded block by block
_BLOCK_BYTES = 1024 * 1024
_HEAD_CHARS = 4096  # enough to hold a wire header, source line and dateline


class Unreadable(Exception):
    """Raised when bytes cannot become text; the message is the Reject reason."""


@dataclass(frozen=True)
class ReadOptions:
    """How readers treat long and foreign texts.

    `max_chars`: the longest text coded as one Article. `oversize`: "chunk" splits longer texts
    into Articles `<id>#1`, `<id>#2`, ... at paragraph or sentence boundaries; "reject" sets them
    aside. `english_only`: reject texts that are plainly not English.
    """

    max_chars: int = DEFAULT_MAX_CHARS
    oversize: str = "chunk"
    english_only: bool = True

    def __post_init__(self) -> None:
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be at least 1, not {self.max_chars}")
        if self.oversize not in OVERSIZE_MODES:
            raise ValueError(f"oversize must be one of {OVERSIZE_MODES}, not {self.oversize!r}")


class DocumentInfo(NamedTuple):
    """What is known about a document besides its body; every chunk of it shares this."""

    title: str | None = None
    pub_date: date | None = None
    url: str | None = None
    source: str | None = None


# --- entry point ---------------------------------------------------------------------------


def read_inputs(
    inputs: Sequence[str], stdin: TextIO | None = None, options: ReadOptions | None = None
) -> Iterator[Article | Reject]:
    """Yield an Article or a Reject for every document (or chunk) in `inputs`, in order.

    Each input is a file, a folder (read recursively in sorted order, hidden entries skipped) or
    `-` for stdin (JSON lines when it starts with `{`, else one text article with id `stdin`).
    """
    options = options or ReadOptions()
    for given in inputs:
        if given == "-":
            yield from _guarded("stdin", _read_stdin(stdin or sys.stdin, options))
        else:
            yield from _read_path(given, options)


def _guarded(origin: str, items: Iterator[Article | Reject]) -> Iterator[Article | Reject]:
    """Last line of defence: a reader bug costs the rest of one input, named, not the batch."""
    try:
        yield from items
    except Exception as error:  # noqa: BLE001 - any failure here must become a Reject
        yield Reject(origin, f"reading failed, rest of input skipped: {error!r}")


def _read_path(given: str, options: ReadOptions) -> Iterator[Article | Reject]:
    path = Path(given)
    if path.is_dir():
        for file_origin in readable_files(given):
            yield from _guarded(file_origin, _read_file(Path(file_origin), file_origin, options))
    elif path.is_file():
        # A file named explicitly is read whatever its extension: the user chose it.
        yield from _guarded(given, _read_file(path, given, options))
    else:
        yield Reject(given, "file not found")


def readable_files(folder: str) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in READABLE_SUFFIXES:
                yield os.path.join(root, name)


def _read_file(path: Path, origin: str, options: ReadOptions) -> Iterator[Article | Reject]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            yield from _read_json_lines_file(path, origin, options)
        elif suffix == ".json":
            yield from _read_json_file(path, origin, options)
        elif suffix == ".csv":
            yield from _read_csv_file(path, origin, options)
        elif suffix in {".html", ".htm"}:
            yield from _read_html_file(path, origin, options)
        else:
            yield from _read_text_file(path, origin, options)
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


def _check_sniff(path: Path) -> None:
    """Refuse a binary file before iterating its lines (one Reject, not one per line)."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if b"\x00" in head or _looks_binary(head.decode("utf-8", errors="replace")):
        raise Unreadable("binary file")


# --- plain and wire-format text ------------------------------------------------------------


def _read_text_file(path: Path, origin: str, options: ReadOptions) -> Iterator[Article | Reject]:
    size = path.stat().st_size
    if options.oversize == "reject" and size > _MAX_BYTES_PER_CHAR * options.max_chars:
        yield Reject(origin, _too_large_reason(size, options.max_chars, unit="bytes"))
        return
    try:
        if size <= _STREAM_BYTES:
            pieces: Iterable[str] = [decode_text(path.read_bytes())]
        else:
            pieces = _decoded_blocks(path, _stream_codec(path))
        yield from text_articles(pieces, path.stem, origin, options)
    except Unreadable as error:
        yield Reject(origin, str(error))
    except UnicodeDecodeError as error:  # the file changed between checking and reading
        yield Reject(origin, f"not valid UTF-8 ({error.reason}), rest of file skipped")


def _blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK_BYTES):
            yield block


def _stream_codec(path: Path) -> str:
    """The codec of a file too big to read at once, checked block by block without keeping it."""
    _check_sniff(path)
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        for block in _blocks(path):
            if b"\x00" in block:
                raise Unreadable("binary file (contains NUL bytes)")
            utf8.decode(block)
        utf8.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError as error:
        bad_at = error.start
    if all(b"\x00" not in block and _cp1252_text(block) is not None for block in _blocks(path)):
        return "cp1252"
    raise Unreadable(f"not valid UTF-8 (bad byte in a block at offset {bad_at})")


def _decoded_blocks(path: Path, codec: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(codec)()
    for block in _blocks(path):
        yield decoder.decode(block)
    yield decoder.decode(b"", final=True)


_WIRE_HEADER = re.compile(r"[ \t]*date[ \t]+(?P<date>\d{4}-\d{2}-\d{2})(?:[ \t]+(?P<title>.*))?")
_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_ENDS_WITH_DATE = re.compile(rf"(?:{MONTH_PATTERN}\s+\d{{1,2}},?\s+\d{{4}}|\d{{4}}-\d\d-\d\d)\s*$")
_HAS_MONTH = re.compile(MONTH_PATTERN)
_SOURCE_PREFIX = re.compile(r"\s*\(?(?P<agency>[A-Z][\w .&'-]{0,30}?)\)")
_MAX_SOURCE_LINE_CHARS = 100


def text_articles(
    pieces: Iterable[str], article_id: str, origin: str, options: ReadOptions | None = None
) -> Iterator[Article | Reject]:
    """One text document, given whole or piece by piece, as Articles: the wire header is read
    from its first line when there is one, then the body is coded whole or in chunks."""
    stream = _normalised(pieces)
    head = _take(stream, _HEAD_CHARS)
    info, body_start = _wire_header(head)
    body = itertools.chain([body_start], stream)
    yield from document_articles(body, article_id, origin, options or ReadOptions(), info)


def _wire_header(head: str) -> tuple[DocumentInfo, str]:
    """The title, date and source of a wire header, and the text after it."""
    first_line, newline, rest = head.partition("\n")
    header = _WIRE_HEADER.fullmatch(first_line) if newline else None
    if not header:
        return DocumentInfo(), head
    body, source = _drop_source_line(rest)
    title = (header["title"] or "").strip() or None
    return DocumentInfo(title=title, pub_date=parse_pub_date(header["date"]), source=source), body


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


def _too_large_reason(size: int, limit: int, unit: str = "characters") -> str:
    return f"text too large: {size:,} {unit} (limit {limit:,} characters)"


# --- cleaning and chunking -----------------------------------------------------------------

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text safe to write out: lone UTF-16 surrogates (from JSON escapes or undecodable file
    names) become U+FFFD, one character for one, so offsets do not move."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _normalised(pieces: Iterable[str]) -> Iterator[str]:
    """Pieces with newlines normalised and surrogates cleaned, a "\r\n" split across two
    pieces included."""
    carry = ""
    for piece in pieces:
        piece = carry + piece
        carry = "\r" if piece.endswith("\r") else ""
        if carry:
            piece = piece[:-1]
        yield clean_text(_normalise_newlines(piece))
    if carry:
        yield "\n"


def _take(stream: Iterator[str], size: int) -> str:
    """At least `size` characters from the start of `stream` (or all of it)."""
    parts: list[str] = []
    taken = 0
    for piece in stream:
        parts.append(piece)
        taken += len(piece)
        if taken >= size:
            break
    return "".join(parts)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")


def cut_point(text: str, start: int, limit: int) -> int:
    """Where a chunk starting at `start` should end, at most `limit` characters on: after the
    last paragraph break, else sentence end, else space, in the second half of that window."""
    end = min(len(text), start + limit)
    if end == len(text):
        return end
    floor = start + limit // 2  # never a chunk shorter than half the limit
    for boundary in (_PARAGRAPH_BREAK, _SENTENCE_END, _SPACE):
        last = None
        for last in boundary.finditer(text, floor, end):  # noqa: B007 - the last one is wanted
            pass
        if last is not None:
            return last.end()
    return end


def split_text(text: str, limit: int) -> list[str]:
    """`text` as consecutive chunks of at most `limit` characters; joined, they are `text`."""
    return list(_bounded_chunks([text], limit))


def _bounded_chunks(pieces: Iterable[str], limit: int) -> Iterator[str]:
    """Re-cut a stream of text pieces into chunks of at most `limit` characters, holding no
    more than about one chunk and one piece in memory."""
    parts: list[str] = []
    size = 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size <= limit:
            continue
        text, start = "".join(parts), 0
        while len(text) - start > limit:
            end = cut_point(text, start, limit)
            yield text[start:end]
            start = end
        parts, size = [text[start:]], len(text) - start
    if size:
        yield "".join(parts)


# --- articles from a body ------------------------------------------------------------------


def document_articles(
    body: Iterable[str],
    article_id: str,
    origin: str,
    options: ReadOptions,
    info: DocumentInfo = DocumentInfo(),  # noqa: B008 - an immutable tuple
) -> Iterator[Article | Reject]:
    """A document body (given in pieces) as one Article, or as chunks `<id>#<n>` when it is
    over `options.max_chars`, or a Reject when it is empty, foreign or over the limit."""
    chunks = _bounded_chunks(body, options.max_chars)
    first, second = next(chunks, ""), next(chunks, None)
    if second is None:
        yield _checked_article(first, article_id, origin, options, info)
        return
    if options.oversize == "reject":
        total = len(first) + len(second) + sum(len(chunk) for chunk in chunks)
        yield Reject(origin, _too_large_reason(total, options.max_chars))
        return
    yield from _chunk_articles(itertools.chain([first, second], chunks), article_id, origin,
                               options, info)


def _chunk_articles(
    chunks: Iterable[str], article_id: str, origin: str, options: ReadOptions, info: DocumentInfo
) -> Iterator[Article | Reject]:
    number = 0
    dateline: Dateline | None = None
    for chunk in chunks:
        if not chunk.strip():
            continue  # blank stretches between chunks hold nothing to lose
        number += 1
        item = _checked_article(chunk, f"{article_id}#{number}", f"{origin}#{number}", options,
                                info, inherited=dateline if number > 1 else None)
        if number == 1 and isinstance(item, Article) and item.dateline_place:
            dateline = Dateline(item.dateline_place, item.dateline_date, item.source, 0)
        yield item
    if number == 0:
        yield Reject(origin, "empty text")


def _checked_article(
    text: str,
    article_id: str,
    origin: str,
    options: ReadOptions,
    info: DocumentInfo,
    inherited: Dateline | None = None,
) -> Article | Reject:
    """An Article from one body or chunk; later chunks share the first one's dateline."""
    if not text.strip():
        return Reject(origin, "empty text")
    foreign = non_english_reason(text) if options.english_only else None
    if foreign:
        return Reject(origin, foreign)
    dateline = inherited or parse_dateline(text, info.pub_date)
    return Article(
        id=article_id,
        text=text,
        title=info.title,
        pub_date=info.pub_date,
        dateline_place=dateline.place if dateline else None,
        dateline_date=dateline.date if dateline else None,
        dateline_end=dateline.end if dateline else 0,
        url=info.url,
        source=(dateline.source if dateline and dateline.source else info.source),
        origin=origin,
    )


def parse_pub_date(value: Any) -> date | None:
    """A publication date from `YYYY-MM-DD` or a datetime starting with it; None otherwise.

    Impossible dates (2021-02-30) and implausible years give None: an article with no date is
    coded with no reference date, so its relative expressions stay undated, never guessed.
    """
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})(?!\d)", value)
    if not match or int(match[1]) not in PLAUSIBLE_YEARS:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


# --- HTML ----------------------------------------------------------------------------------


def _read_html_file(path: Path, origin: str, options: ReadOptions) -> Iterator[Article | Reject]:
    size = path.stat().st_size
    if size > _MAX_BYTES_PER_CHAR * MAX_HTML_CHARS:
        yield Reject(origin, f"HTML too large to extract: {size:,} bytes")
        return
    try:
        page = extract_page(clean_text(decode_text(path.read_bytes())))
    except (Unreadable, ValueError) as error:
        yield Reject(origin, str(error))
        return
    info = DocumentInfo(title=page.title, pub_date=page.pub_date)
    yield from document_articles(_normalised([page.text]), path.stem, origin, options, info)


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


def record_articles(
    record: Any, default_id: str, origin: str, options: ReadOptions | None = None
) -> Iterator[Article | Reject]:
    """Articles from one JSON object or CSV row with `id`, `text`, `date`, `title`, `url`; a
    `text` that is HTML is reduced to its article text first."""
    if not isinstance(record, dict):
        yield Reject(origin, f"record is a JSON {type(record).__name__}, not an object")
        return
    text = record.get("text")
    if text is None:
        yield Reject(origin, "record has no 'text' field")
        return
    if not isinstance(text, str):
        yield Reject(origin, f"'text' is a {type(text).__name__}, not a string")
        return
    raw_id = record.get("id")
    article_id = default_id if raw_id is None or str(raw_id).strip() == "" else str(raw_id)
    info = DocumentInfo(
        title=_optional_string(record.get("title")),
        pub_date=parse_pub_date(record.get("date")),
        url=_optional_string(record.get("url")),
    )
    if looks_like_html(text):
        try:
            page = extract_page(text)
        except ValueError as error:
            yield Reject(origin, str(error))
            return
        text = page.text
        info = info._replace(title=info.title or page.title,
                             pub_date=info.pub_date or page.pub_date)
    yield from document_articles(_normalised([text]), clean_text(article_id), origin,
                                 options or ReadOptions(), info)


def _optional_string(value: Any) -> str | None:
    return (clean_text(value.strip()) or None) if isinstance(value, str) else None


def _json_line_records(
    lines: Iterable[tuple[int, str | Unreadable]], stem: str, origin: str, options: ReadOptions
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
        except (json.JSONDecodeError, RecursionError) as error:
            yield Reject(line_origin, json_failure(error))
            continue
        yield from record_articles(record, f"{stem}:{number}", line_origin, options)


def json_failure(error: Exception) -> str:
    """Why a JSON text could not be read, for a reject."""
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at line {error.lineno})"
    return "not readable JSON (nested too deeply)"


def _decoded_lines(handle: Iterable[bytes]) -> Iterator[tuple[int, str | Unreadable]]:
    """Number and decode byte lines one by one, so one bad line costs only itself."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield number, decode_text(raw)
        except Unreadable as error:
            yield number, error


def _read_json_lines_file(
    path: Path, origin: str, options: ReadOptions
) -> Iterator[Article | Reject]:
    try:
        _check_sniff(path)
    except Unreadable as error:
        yield Reject(origin, str(error))
        return
    yield from _json_lines_of(path, origin, options)


def _json_lines_of(path: Path, origin: str, options: ReadOptions) -> Iterator[Article | Reject]:
    with path.open("rb") as handle:
        records = _json_line_records(_decoded_lines(handle), path.stem, origin, options)
        yield from _or_reject(records, origin, "empty file (no JSON lines)")


def _or_reject(items: Iterator[Article | Reject], origin: str,
               reason: str) -> Iterator[Article | Reject]:
    """`items`, or one Reject when there are none: every input is either coded or named."""
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        yield Reject(origin, reason)


def _read_json_file(path: Path, origin: str, options: ReadOptions) -> Iterator[Article | Reject]:
    """A `.json` file holding JSON lines, one object, or an array of objects."""
    try:
        _check_sniff(path)
        with path.open("rb") as handle:
            first_line = _first_nonblank(_decoded_lines(handle))
        if first_line is None:
            yield Reject(origin, "empty file")
            return
        if _is_complete_json(first_line) and not first_line.lstrip().startswith("["):
            yield from _json_lines_of(path, origin, options)
            return
        if path.stat().st_size > MAX_RECORD_CHARS:
            yield Reject(origin, f"JSON document too large to read whole: "
                                 f"{path.stat().st_size:,} bytes (use JSON lines)")
            return
        document = json.loads(decode_text(path.read_bytes()))
    except Unreadable as error:
        yield Reject(origin, str(error))
        return
    except (json.JSONDecodeError, RecursionError) as error:
        yield Reject(origin, json_failure(error))
        return
    records = document if isinstance(document, list) else [document]
    if not records:
        yield Reject(origin, "JSON array holds no records")
    for number, record in enumerate(records, start=1):
        yield from record_articles(record, f"{path.stem}:{number}", f"{origin}:{number}", options)


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
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _read_csv_file(path: Path, origin: str, options: ReadOptions) -> Iterator[Article | Reject]:
    try:
        _check_sniff(path)
    except Unreadable as error:
        yield Reject(origin, str(error))
        return
    # Let long fields through to the size handling of document_articles.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_CHARS))
    with path.open("rb") as handle:
        rows = _csv_records(_strict_lines(handle), path.stem, origin, options)
        yield from _or_reject(rows, origin, "CSV has a header but no rows")


def _strict_lines(handle: Iterable[bytes]) -> Iterator[str]:
    for number, line in _decoded_lines(handle):
        if isinstance(line, Unreadable):
            raise Unreadable(f"{line} on line {number}")
        yield line


def _csv_records(
    lines: Iterator[str], stem: str, origin: str, options: ReadOptions
) -> Iterator[Article | Reject]:
    reader = csv.DictReader(lines)
    row_number = 0
    try:
        if reader.fieldnames is None:
            yield Reject(origin, "empty file")
            return
        if "text" not in [name.strip() for name in reader.fieldnames]:
            columns = ", ".join(reader.fieldnames)
            yield Reject(origin, f"CSV has no 'text' column (columns: {columns})")
            return
        for row_number, row in enumerate(reader, start=1):
            fields = {(key or "").strip(): value for key, value in row.items()}
            yield from record_articles(fields, f"{stem}:{row_number}", f"{origin}:{row_number}",
                                       options)
    except (Unreadable, csv.Error) as error:
        # A CSV cannot resume after a broken record; the rows before it were kept.
        yield Reject(f"{origin}:{row_number + 1}", f"unreadable CSV, rest of file skipped: {error}")


# --- stdin ---------------------------------------------------------------------------------


_STDIN_ORIGIN = "stdin"


def _read_stdin(stream: TextIO, options: ReadOptions) -> Iterator[Article | Reject]:
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
        records = _json_line_records(itertools.chain(head, lines), _STDIN_ORIGIN, _STDIN_ORIGIN,
                                     options)
        yield from _or_reject(records, _STDIN_ORIGIN, "empty input")
        return
    limit = MAX_RECORD_CHARS
    if options.oversize == "reject":
        limit = _MAX_BYTES_PER_CHAR * options.max_chars
    try:
        text = "".join(_text_of(itertools.chain(head, lines), limit, options.max_chars))
        if "\x00" in text or _looks_binary(text):
            raise Unreadable("binary input")
    except Unreadable as error:
        yield Reject(_STDIN_ORIGIN, str(error))
        return
    yield from text_articles([text], _STDIN_ORIGIN, _STDIN_ORIGIN, options)


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


def _text_of(
    lines: Iterable[tuple[int, str | Unreadable]], limit: int, max_chars: int
) -> Iterator[str]:
    # Stop a runaway stream early; document_articles applies the exact limit to the body.
    total = 0
    for _number, line in lines:
        if isinstance(line, Unreadable):
            raise line
        total += len(line)
        if total > limit:
            raise Unreadable(_too_large_reason(total, max_chars))
        yield line
