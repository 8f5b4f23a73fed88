"""Reading gold and training files: PLV TSV sentences, PLOVER JSON records, accord's TSV.

Owns the file formats and nothing else: it sits below the coder, so the pipeline, training and
evaluation can all read gold data without importing one another.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from accord.knowledge import canonical_type


@dataclass
class GoldItem:
    id: str
    text: str
    label: str
    source: tuple[int, int] | None = None  # character span of a marked source, if any
    target: tuple[int, int] | None = None
    roles: GoldRoles | None = None  # who did it to whom, when the gold says


@dataclass(frozen=True)
class GoldRoles:
    """The gold's parties: PLV names them as phrases of the sentence, PLOVER records as
    entities with codes. An empty `target_codes` says the record has no recipient."""

    source_text: str = ""
    target_text: str = ""
    source_codes: frozenset[str] | None = None
    target_codes: frozenset[str] | None = None


MARK = re.compile(r"</?[st]>")


def strip_marks(marked: str) -> tuple[str, tuple[int, int] | None, tuple[int, int] | None]:
    """PLV's `marked_sentence` without its <s>/<t> tags, and the character spans they enclosed."""
    text: list[str] = []
    spans: dict[str, list[int]] = {}
    position = 0
    for match in MARK.finditer(marked):
        text.append(marked[position:match.start()])
        tag = match.group()
        offset = sum(len(part) for part in text)
        spans.setdefault(tag.strip("</>"), []).append(offset)
        position = match.end()
    text.append(marked[position:])

    def span(key: str) -> tuple[int, int] | None:
        found = spans.get(key, [])
        return (found[0], found[1]) if len(found) >= 2 else None

    return "".join(text), span("s"), span("t")


class GoldFormatError(ValueError):
    """A gold file that is not in the format it was given as; the message names file and place."""


PLV_COLUMNS = ("sentence", "gold_root")


def read_plv(path: str | Path, marked: bool = False) -> Iterator[GoldItem]:
    """PLV TSV: the raw `sentence` and its `gold_root`; with `marked`, the text comes from
    `marked_sentence` and keeps the character spans of the marked source and target."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        missing = [column for column in PLV_COLUMNS if column not in (rows.fieldnames or [])]
        if missing:
            raise GoldFormatError(f"{path}: not a PLV TSV file: no {' or '.join(missing)} "
                                  f"column in its header")
        for number, row in enumerate(rows, start=1):
            text, label = (row.get("sentence") or "").strip(), (row.get("gold_root") or "").strip()
            if not (text and label):
                continue
            item = GoldItem(str(row.get("sentence_id") or number), text, label.upper(),
                            roles=_plv_roles(row))
            if marked and (row.get("marked_sentence") or "").strip():
                raw, item.source, item.target = strip_marks(row["marked_sentence"].strip())
                item.text = raw.strip()
                shift = len(raw) - len(raw.lstrip())
                item.source, item.target = _shift(item.source, shift), _shift(item.target, shift)
            yield item


def _plv_roles(row: dict) -> GoldRoles | None:
    source, target = (row.get("source") or "").strip(), (row.get("target") or "").strip()
    return GoldRoles(source_text=source, target_text=target) if source or target else None


def _shift(span: tuple[int, int] | None, by: int) -> tuple[int, int] | None:
    return (span[0] - by, span[1] - by) if span else None


def read_plover_json(path: str | Path) -> Iterator[GoldItem]:
    """PLOVER records (a JSON list or JSON lines), each with `text` or `event_text`, and `event`."""
    raw = Path(path).read_text(encoding="utf-8").strip()
    for number, record in enumerate(_json_records(path, raw), start=1):
        if not isinstance(record, dict):
            raise GoldFormatError(f"{path}: record {number} is not a JSON object")
        text = record.get("text") or record.get("sentence") or record.get("event_text")
        label = record.get("event") or record.get("event_type")
        if text and label:
            yield GoldItem(str(record.get("id", number)), text, canonical_type(label),
                           roles=_plover_roles(record))


def _plover_roles(record: dict) -> GoldRoles | None:
    """The codes of a PLOVER record's `actor` and `recipient` entities (an entity is an object
    with `code`, or a bare code); None when the record has no `actor`."""
    if not record.get("actor"):
        return None
    return GoldRoles(source_codes=_entity_codes(record["actor"]),
                     target_codes=_entity_codes(record.get("recipient") or []))


def _entity_codes(entities: object) -> frozenset[str]:
    listed = entities if isinstance(entities, list) else [entities]
    codes = (entity.get("code") if isinstance(entity, dict) else entity for entity in listed)
    return frozenset(code.strip().upper() for code in codes
                     if isinstance(code, str) and code.strip())


def _json_records(path: str | Path, raw: str) -> list:
    if raw.startswith("["):
        try:
            return json.loads(raw)
        except json.JSONDecodeError as error:
            raise GoldFormatError(f"{path}: not a JSON list: {error}") from error
    records = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise GoldFormatError(f"{path}: line {number} is not JSON: {error.msg}") from error
    return records


def read_authored(path: str | Path) -> list[GoldItem]:
    """accord's authored training examples (TSV with `text` and `event`), as gold items."""
    if not Path(path).exists():
        return []
    return [GoldItem(f"authored-{number}", example.text, example.label)
            for number, example in enumerate(read_training_file(path), start=1)]


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    origin: str


def read_training_file(path: str | Path) -> Iterator[Example]:
    """PLV TSV (`sentence`, `gold_root`), accord's authored TSV (`text`, `event`), or PLOVER
    JSON/JSONL records."""
    path = Path(path)
    if path.suffix in {".json", ".jsonl"}:
        for item in read_plover_json(path):
            yield Example(item.text, item.label, str(path))
        return
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")),
                              delimiter="\t")
        columns = set(rows.fieldnames or [])
        if not (columns & {"sentence", "text"} and columns & {"gold_root", "event"}):
            raise GoldFormatError(f"{path}: a training TSV needs a sentence (or text) and a "
                                  f"gold_root (or event) column")
        for row in rows:
            text = (row.get("sentence") or row.get("text") or "").strip()
            label = (row.get("gold_root") or row.get("event") or "").strip()
            if text and label:
                yield Example(text, label.upper(), str(path))



def read_texts(path: str | Path) -> list[str]:
    """Sentences without labels: a TSV with a `text` (or `sentence`) column, or JSON lines with
    `text`. Used for sentences known to report an event, or known to report none."""
    path = Path(path)
    if path.suffix in {".json", ".jsonl"}:
        return [record["text"] for record in _json_records(path, path.read_text(encoding="utf-8"))
                if isinstance(record, dict) and record.get("text")]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")),
                              delimiter="\t")
        column = next((c for c in ("text", "sentence") if c in (rows.fieldnames or [])), None)
        if column is None:
            raise GoldFormatError(f"{path}: a sentence TSV needs a text (or sentence) column")
        return [row[column].strip() for row in rows if (row.get(column) or "").strip()]
