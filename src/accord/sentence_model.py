"""The accurate profile's fine-tuned sentence model: a small transformer that reads the whole
sentence and gives a probability for each event type.

Owns loading the shipped model once per process (all-MiniLM-L6-v2 fine-tuned on PLV_train and
accord's authored examples, exported to ONNX with 8-bit weights, with its vocabulary and label
list beside it in `data/models/`) and running it on a batch of sentences with onnxruntime on the
CPU: no torch, nothing fetched at run time. `bench/encoder_cv.py` trains, cross-validates and
exports it. The fast profile never imports this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from accord.wordpiece import load_vocabulary

MODEL_DIR = Path(__file__).parent / "data" / "models"
WEIGHTS_FILE = "sentence_types.onnx"
# A graph is kept in parts of at most PART_BYTES (sentence_types.onnx.part0, .part1, ...), so no
# file in the repository is large; they are joined in memory when the model loads.
PART_BYTES = 12_000_000
VOCABULARY_FILE = "sentence_types.vocab.txt"
CARD_FILE = "sentence_types.json"
BATCH = 32


class SentenceModelUnavailable(RuntimeError):
    """The shipped sentence model cannot run on this machine."""


class SentenceModel:
    """Event-type probabilities for whole sentences (rows follow `labels`)."""

    def __init__(self, directory: Path = MODEL_DIR, threads: int = 1) -> None:
        card = json.loads((directory / CARD_FILE).read_text(encoding="utf-8"))
        self.labels: tuple[str, ...] = tuple(card["labels"])
        self.max_tokens: int = int(card["max_tokens"])
        self.tokenizer = load_vocabulary(directory / VOCABULARY_FILE)
        self.session = onnx_session(directory, WEIGHTS_FILE, threads)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row of probabilities per text; texts of like length are batched together so
        little is padding."""
        found = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            ids, mask = self.tokenizer.batch([texts[i] for i in rows], self.max_tokens)
            logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            found[rows] = _softmax(logits)
        return found

    def label_probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [dict(zip(self.labels, map(float, row), strict=True))
                for row in self.probabilities(texts)]


def onnx_session(directory: Path, graph: str, threads: int = 1):
    """An onnxruntime session on the CPU over a shipped graph's parts."""
    try:
        import onnxruntime
    except ImportError as error:
        raise SentenceModelUnavailable(
            f"the accurate profile needs onnxruntime: {error}; use --profile fast") from error
    options = onnxruntime.SessionOptions()
    # One thread per process: parallel coding runs one process per core.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(
        b"".join(part.read_bytes() for part in weight_parts(directory, graph)), options,
        providers=["CPUExecutionProvider"])


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def weight_parts(directory: Path, graph: str = WEIGHTS_FILE) -> list[Path]:
    """A graph's parts in order (part10 after part9)."""
    return sorted(directory.glob(f"{graph}.part*"),
                  key=lambda path: int(path.suffix.removeprefix(".part")))


def split_weights(graph: Path) -> list[Path]:
    """Cut an exported graph into the parts accord ships, beside it, and remove the whole."""
    data = graph.read_bytes()
    parts = []
    for number, start in enumerate(range(0, len(data), PART_BYTES)):
        part = graph.with_name(f"{graph.name}.part{number}")
        part.write_bytes(data[start:start + PART_BYTES])
        parts.append(part)
    graph.unlink()
    return parts


def is_shipped(directory: Path = MODEL_DIR) -> bool:
    return bool(weight_parts(directory)) and all(
        (directory / name).is_file() for name in (VOCABULARY_FILE, CARD_FILE))


@lru_cache(maxsize=1)
def load_sentence_model() -> SentenceModel | None:
    """The shipped model, loaded once per process (None when the package ships none)."""
    return SentenceModel() if is_shipped() else None
