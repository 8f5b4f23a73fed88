"""The event-location data set (Halterman's, MIT): items, their spaCy parses (cached), and the
candidate places of each item with their gold labels. Shared by the CV and training commands."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, DocBin, Span, Token

from accord import place_choice
from accord.nlp import load_pipeline

CACHE_DIR = Path.home() / ".cache" / "accord"


@dataclass
class Item:
    """One sentence, its event verb, and the character spans of the gold places (maybe none)."""

    text: str
    verb: tuple[int, int]
    gold: list[tuple[int, int]]


@dataclass
class Example:
    """An item's candidate mentions with their features and labels (1 = a gold place), and the
    features of its "no place here" option."""

    item: Item
    rows: list[list[str]]
    labels: list[int]
    mentions: list[str]
    none_row: list[str]


def read_items(path: str | Path) -> list[Item]:
    items = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            verb = record["verb"][0]
            gold = [(loc["char_start"], loc["char_end"]) for loc in record["event_locations"]]
            items.append(Item(record["text"], (verb["char_start"], verb["char_end"]), gold))
    return items


def parse_items(items: list[Item], path: str | Path) -> list[Doc]:
    """Parses of the items, cached by the file's content so a second run skips spaCy."""
    nlp = load_pipeline()
    digest = hashlib.sha1(Path(path).read_bytes()).hexdigest()[:16]
    cache = CACHE_DIR / f"event_location_{digest}.spacy"
    if cache.exists():
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    docs = list(nlp.pipe((item.text for item in items), batch_size=64))
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(cache)
    return docs


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < gold_end and gold_start < end for gold_start, gold_end in spans)


def _trigger(doc: Doc, verb: tuple[int, int]) -> Token | None:
    span = doc.char_span(verb[0], verb[1], alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _sentence_of(token: Token) -> Span:
    # An item is one sentence of the data set even where the tagger splits it in two.
    return token.doc[:]


def build_examples(items: list[Item], docs: list[Doc]) -> list[Example]:
    examples = []
    for item, doc in zip(items, docs, strict=True):
        trigger = _trigger(doc, item.verb)
        if trigger is None:
            examples.append(Example(item, [], [], [], ["NONE"]))
            continue
        sentence = _sentence_of(trigger)
        mentions = place_choice.place_mentions(sentence)
        rule = place_choice.where.locate_event(sentence, trigger) if mentions else None
        rows = place_choice.mention_features(sentence, trigger, mentions, rule)
        labels = [int(_overlaps(m.span.start_char, m.span.end_char, item.gold)) for m in mentions]
        none_row = place_choice.none_features(trigger, len(mentions))
        examples.append(Example(item, rows, labels, [m.text for m in mentions], none_row))
    return examples
