"""Scoring the coder against gold data given by path: PLV sentences (TSV) and PLOVER JSON records.

Owns the gold-data readers and the metrics: accuracy, per-type precision/recall/F1, macro-F1
over the gold labels, and the confusion matrix. The coder's answer for a text is its primary
event: the candidate with the highest confidence (or NONE when it finds no event).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from accord.knowledge import canonical_type
from accord.model import Article
from accord.nlp import parse
from accord.pipeline import article_candidates

NO_EVENT = "NONE"
# PLV's gold labels predate PLOVER 2.0: CONCEDE and RETREAT were one type, YIELD.
PLV_LABELS = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}


@dataclass
class GoldItem:
    id: str
    text: str
    label: str


@dataclass
class Scores:
    gold: list[str]
    predicted: list[str]
    labels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.labels:
            self.labels = sorted(set(self.gold))

    @property
    def accuracy(self) -> float:
        hits = sum(g == p for g, p in zip(self.gold, self.predicted, strict=True))
        return hits / len(self.gold) if self.gold else 0.0

    def per_label(self) -> dict[str, tuple[float, float, float, int]]:
        """label -> (precision, recall, F1, support)."""
        pairs = list(zip(self.gold, self.predicted, strict=True))
        table = {}
        for label in self.labels:
            tp = sum(g == label and p == label for g, p in pairs)
            predicted = sum(p == label for _, p in pairs)
            support = sum(g == label for g, _ in pairs)
            precision = tp / predicted if predicted else 0.0
            recall = tp / support if support else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            table[label] = (precision, recall, f1, support)
        return table

    @property
    def macro_f1(self) -> float:
        table = self.per_label()
        return sum(row[2] for row in table.values()) / len(table) if table else 0.0

    def confusion(self) -> dict[str, Counter]:
        matrix: dict[str, Counter] = {label: Counter() for label in self.labels}
        for gold, predicted in zip(self.gold, self.predicted, strict=True):
            matrix.setdefault(gold, Counter())[predicted] += 1
        return matrix


# ---------------------------------------------------------------- gold readers


def read_plv(path: str | Path) -> Iterator[GoldItem]:
    """PLV TSV: the raw `sentence` (no actor/target marks) and its `gold_root`."""
    column = "sentence"
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=1):
            text, label = (row.get(column) or "").strip(), (row.get("gold_root") or "").strip()
            if text and label:
                yield GoldItem(str(row.get("sentence_id") or number), text, label.upper())


def read_plover_json(path: str | Path) -> Iterator[GoldItem]:
    """PLOVER records (a JSON list or JSON lines), each with `text` or `event_text`, and `event`."""
    raw = Path(path).read_text(encoding="utf-8").strip()
    records = json.loads(raw) if raw.startswith("[") else [
        json.loads(line) for line in raw.splitlines() if line.strip()]
    for number, record in enumerate(records, start=1):
        text = record.get("text") or record.get("sentence") or record.get("event_text")
        label = record.get("event") or record.get("event_type")
        if text and label:
            yield GoldItem(str(record.get("id", number)), text, canonical_type(label))


# ---------------------------------------------------------------- running the coder


def primary_types(items: Iterable[GoldItem]) -> Iterator[tuple[GoldItem, str]]:
    """The coder's primary event type for each gold text, streaming through one spaCy pass."""
    pending: dict[str, GoldItem] = {}

    def articles() -> Iterator[Article]:
        for position, item in enumerate(items):
            key = f"{position}"
            pending[key] = item
            yield Article(id=key, text=item.text)

    for article, doc in parse(articles(), batch_size=64):
        best = max((c for _, _, c in article_candidates(article, doc)),
                   key=lambda c: c.confidence, default=None)
        yield pending.pop(article.id), best.event_type if best else NO_EVENT


def evaluate(items: Iterable[GoldItem], label_map: dict[str, str] | None = None) -> Scores:
    label_map = label_map or {}
    gold, predicted = [], []
    for item, event_type in primary_types(items):
        gold.append(label_map.get(item.label, item.label))
        predicted.append(label_map.get(event_type, event_type))
    return Scores(gold, predicted)


def report(scores: Scores, title: str) -> str:
    lines = [f"# {title}", f"items: {len(scores.gold)}",
             f"accuracy: {scores.accuracy:.3f}", f"macro-F1: {scores.macro_f1:.3f}", "",
             f"{'type':<11} {'prec':>6} {'recall':>6} {'F1':>6} {'support':>7}"]
    for label, (precision, recall, f1, support) in scores.per_label().items():
        lines.append(f"{label:<11} {precision:6.3f} {recall:6.3f} {f1:6.3f} {support:7d}")
    lines += ["", "confusion (rows gold, columns predicted):"]
    columns = sorted(set(scores.labels) | set(scores.predicted))
    short = [c[:5] for c in columns]
    lines.append(" " * 11 + " ".join(f"{c:>5}" for c in short))
    for label, counts in scores.confusion().items():
        lines.append(f"{label:<11}" + " ".join(f"{counts.get(c, 0):5d}" for c in columns))
    return "\n".join(lines)
