"""Who the act is done to: cross-validate and rebuild the recipient model on PLV's marked targets.

    .venv/bin/python bench/recipient_cv.py ../shared/data/plv/PLV_train.tsv          # 5-fold CV
    .venv/bin/python bench/recipient_cv.py ../shared/data/plv/PLV_train.tsv --ship   # rebuild

Each PLV sentence marks its source (<s>) and target (<t>). The whole coder (fast profile) codes
the sentence; its most confident record's clause is the item. A recipient is right when its
phrase overlaps the marked target; no recipient is right when the sentence marks no target or
the target is one of the record's actors ("The US and China signed").

Where the rules' pick is a party the tables know, it stands and the model is not asked; the item
scores the rules' pick for both rows. Elsewhere the model's options are the phrases
`recipient_choice` offered (those that can stand for someone) and "none of them", which leaves
the rules' pick. Items where the model is asked but no choice of its is right (the target is not
a phrase it is offered) count as wrong and are not trained on. The rules' row scores the rules'
pick on every item, so the two figures compare on the same items. Figures go to
docs/benchmarks.md.

The CV folds are fixed by the seed; the model of each fold is fitted on the other four with the
event-place model's fitting code (a conditional logit, bench/event_location_model.py).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import csv
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from accord import classify, recipient_choice  # noqa: E402
from accord.evaluate import GoldItem, parse_items  # noqa: E402
from accord.pipeline import code_document  # noqa: E402
from bench_record import record_benchmark  # noqa: E402
from event_location_model import fit  # noqa: E402

FOLDS = 5
SEED = 13
MARK = re.compile(r"(</?[st]>)")


@dataclass
class _Gold:
    gold: bool  # an offered option is right; otherwise "no option" is (read by the fitting code)


@dataclass
class Item:
    """One sentence's choice: the offered options' feature rows and which are right, whether
    the rules' pick is right (what the model choosing none of them leaves), and whether it
    stood unasked."""

    sentence_id: str
    rows: list[list[str]]
    labels: list[int]
    none_row: list[str]
    rules_right: bool  # also what the model choosing no option (leaving the rules' pick) gives
    rules_known: bool  # the rules' pick is a phrase the tables know and stood unasked

    @property
    def item(self) -> _Gold:
        return _Gold(any(self.labels))

    @property
    def learnable(self) -> bool:
        """Some choice of the model's is right: an offered option, or no option."""
        return any(self.labels) or self.rules_right

    @property
    def trainable(self) -> bool:
        """The model was asked here and can be right."""
        return self.learnable and not self.rules_known

    def right(self, chosen: int | None) -> bool:
        return self.rules_right if chosen is None else self.labels[chosen] == 1

    def model_right(self, model) -> bool:
        """Whether the coder is right with `model`: a known rules' pick stands unasked."""
        return self.rules_right if self.rules_known else self.right(model.choose(self))


def marked_target(marked: str) -> tuple[str, tuple[int, int] | None]:
    """The sentence without marks, and the character span of its <t> target (None if none)."""
    plain, start, end = "", None, None
    for piece in MARK.split(marked):
        if piece == "<t>":
            start = len(plain)
        elif piece == "</t>":
            end = len(plain)
        elif piece not in {"<s>", "</s>"}:
            plain += piece
    return plain, (start, end) if start is not None and end is not None else None


def _overlaps(first: tuple[int, int], second: tuple[int, int]) -> bool:
    return max(first[0], second[0]) < min(first[1], second[1])


def build_items(path: str) -> list[Item]:
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    gold = [GoldItem(row["sentence_id"], row["sentence"], row["gold_root"]) for row in rows]
    parsed = parse_items(gold, classify.FAST)
    models = classify.load_models(classify.FAST)
    items = []
    for row, one in zip(rows, parsed, strict=True):
        with recipient_choice.recording() as choices:
            records = code_document(one.article, one.doc, classify.FAST, models)
        best = max(records, key=lambda record: record.confidence, default=None)
        if best is None:
            continue
        start = best.text_info["trigger_start"]
        choice = next((c for c in choices if c.trigger.idx == start), None)
        if choice is None:
            continue  # a noun's event: its parties come from the noun phrase, not a choice
        items.append(_item(row, one.article.text, best, choice))
    return items


def _item(row: dict, text: str, record, choice: recipient_choice.Choice) -> Item:
    plain, target = marked_target(row["marked_sentence"])
    offset = max(text.find(plain[:40]), 0)
    spans = [recipient_choice.phrase_span(option.head) for option in choice.options]
    if target is None:
        right, nobody_right = [False] * len(spans), True
    else:
        gold = (target[0] + offset, target[1] + offset)
        right = [_overlaps(span, gold) for span in spans]
        actor_spans = [(found, found + len(actor.entity_text)) for actor in record.actor
                       if actor.entity_text and (found := text.find(actor.entity_text)) >= 0]
        nobody_right = not any(right) and any(_overlaps(span, gold) for span in actor_spans)

    def outcome(index: int | None) -> bool:
        return nobody_right if index is None else right[index]

    rule = choice.rule_pick
    labels = [int(right[index]) for index in choice.offered]
    return Item(row["sentence_id"], choice.rows, labels, choice.none_row, outcome(rule),
                not choice.asked)


def folds_of(count: int) -> list[list[int]]:
    order = list(range(count))
    random.Random(SEED).shuffle(order)
    return [order[k::FOLDS] for k in range(FOLDS)]


def cross_validate(items: list[Item]) -> list[tuple[int, float, float]]:
    """Per fold: items, share right by the rules' pick, share right by the model."""
    results = []
    for test in folds_of(len(items)):
        held = set(test)
        model = fit([items[i] for i in range(len(items)) if i not in held and items[i].trainable])
        rules = sum(items[i].rules_right for i in test) / len(test)
        chosen = sum(items[i].model_right(model) for i in test) / len(test)
        results.append((len(test), rules, chosen))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="PLV TSV with marked_sentence (<s> source, <t> target)")
    parser.add_argument("--ship", action="store_true", help="fit on all items and write the "
                        "packaged model instead of cross-validating")
    parser.add_argument("--out", default=str(recipient_choice.MODEL_PATH))
    args = parser.parse_args(argv)
    if not Path(args.path).is_file():
        print(f"error: {args.path}: no such file", file=sys.stderr)
        return 2
    items = build_items(args.path)
    unreachable = sum(not item.learnable and not item.rules_known for item in items)
    asked = sum(not item.rules_known for item in items)
    if args.ship:
        model = fit([item for item in items if item.trainable])
        trained = sum(item.trainable for item in items)
        model.to_json(Path(args.out), f"recipient model: conditional logit over the options of "
                      f"{trained} PLV sentences' primary clauses (Hu et al. "
                      "2024, marked targets); rebuilt by bench/recipient_cv.py --ship")
        print(f"wrote {args.out}: {len(model.weights)} features")
        return 0
    results = cross_validate(items)
    lines = [f"{'fold':<6}{'items':>6}{'rules':>8}{'model':>8}"]
    lines += [f"{n:<6}{size:>6}{rules:>8.3f}{chosen:>8.3f}"
              for n, (size, rules, chosen) in enumerate(results, start=1)]
    total = sum(size for size, _, _ in results)
    rules_mean = sum(size * rules for size, rules, _ in results) / total
    model_mean = sum(size * chosen for size, _, chosen in results) / total
    lines.append(f"{'all':<6}{total:>6}{rules_mean:>8.3f}{model_mean:>8.3f}")
    lines.append(f"items where the rules' pick is a party the tables know and stands: "
                 f"{len(items) - asked}; the model is asked on {asked}, and on {unreachable} of "
                 "them no choice is right (the target is no phrase it is offered)")
    print("\n".join(lines))
    record_benchmark(
        "Recipient choice: 5-fold CV on PLV's marked targets (fast profile's primary clause)",
        f".venv/bin/python bench/recipient_cv.py {args.path}",
        f"recipient right in {model_mean:.3f} of {total} items with the model, "
        f"{rules_mean:.3f} with the rules' pick", "\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
