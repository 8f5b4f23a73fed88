"""The accurate profile's place pointer: a fine-tuned small transformer that reads a sentence with
its event's trigger marked and points at the words naming where that event happened, or at none.

Owns the pointer's input (the sentence's words cut into word pieces, the trigger between two "@"
marks), loading the shipped model once per process (all-MiniLM-L6-v2 fine-tuned on the
event-location data set, exported to ONNX with 8-bit weights, in `data/models/`; it reads the
sentence model's vocabulary) and the log-probability it gives each candidate mention and "no
place". place_choice adds these to its logit's scores. `bench/place_encoder_cv.py` trains,
cross-validates and exports it. The fast profile never imports this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from accord.sentence_model import MODEL_DIR, VOCABULARY_FILE, onnx_session, weight_parts
from accord.wordpiece import WordPiece, load_vocabulary

WEIGHTS_FILE = "place_pointer.onnx"
CARD_FILE = "place_pointer.json"
TRIGGER_MARK = "@"
MAX_PIECES = 128


class PointerInput:
    """A sentence as the pointer reads it: piece ids, and where each word's pieces lie."""

    def __init__(self, tokenizer: WordPiece, words: Sequence[str], trigger: int,
                 max_pieces: int = MAX_PIECES) -> None:
        ids = [tokenizer.start]
        self.word_pieces: list[range] = []
        for index, word in enumerate(words):
            if index == trigger:
                ids.extend(tokenizer.word_ids(TRIGGER_MARK))
            first = len(ids)
            ids.extend(tokenizer.word_ids(word))
            self.word_pieces.append(range(first, min(len(ids), max_pieces - 1)))
            if index == trigger:
                ids.extend(tokenizer.word_ids(TRIGGER_MARK))
        self.ids = ids[:max_pieces - 1] + [tokenizer.end]

    def pieces_of(self, start: int, end: int) -> list[int]:
        """The piece positions of words start..end-1 that fit in the input."""
        return [p for word in range(start, end) for p in self.word_pieces[word]]


def mention_scores(log_probs: np.ndarray, sentence: PointerInput,
                   mentions: Sequence[tuple[int, int]]) -> tuple[list[float | None], float]:
    """Each mention's score (its best piece's log-probability; None when it was cut off) and
    the "no place" score (the [CLS] position's)."""
    scores = []
    for start, end in mentions:
        pieces = sentence.pieces_of(start, end)
        scores.append(float(max(log_probs[p] for p in pieces)) if pieces else None)
    return scores, float(log_probs[0])


class PlacePointer:
    """Log-probabilities over a sentence's pieces of being where its marked event happened."""

    def __init__(self, directory: Path = MODEL_DIR, threads: int = 1) -> None:
        card = json.loads((directory / CARD_FILE).read_text(encoding="utf-8"))
        self.weight: float = float(card["weight"])
        self.tokenizer = load_vocabulary(directory / VOCABULARY_FILE)
        self.session = onnx_session(directory, WEIGHTS_FILE, threads)
        # An event's place is asked for its trigger, maybe its head, and once more without
        # excluding the parties: the same sentence and trigger run once.
        self._read_and_run = lru_cache(maxsize=256)(self._read_and_run_uncached)

    def read(self, words: Sequence[str], trigger: int) -> PointerInput:
        return PointerInput(self.tokenizer, words, trigger)

    def log_probs(self, inputs: Sequence[PointerInput]) -> list[np.ndarray]:
        """For each input, the log-probability of each of its pieces (position 0: no place)."""
        width = max(len(one.ids) for one in inputs)
        ids = np.full((len(inputs), width), self.tokenizer.pad, dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, one in enumerate(inputs):
            ids[row, :len(one.ids)] = one.ids
            mask[row, :len(one.ids)] = 1
        logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        logits = np.where(mask > 0, logits, -np.inf)
        top = logits.max(axis=1, keepdims=True)
        found = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        return [found[row, :len(one.ids)] for row, one in enumerate(inputs)]

    def scores(self, words: Sequence[str], trigger: int, mentions: Sequence[tuple[int, int]]
               ) -> tuple[list[float | None], float]:
        sentence, log_probs = self._read_and_run(tuple(words), trigger)
        return mention_scores(log_probs, sentence, mentions)

    def _read_and_run_uncached(self, words: tuple[str, ...], trigger: int
                               ) -> tuple[PointerInput, np.ndarray]:
        sentence = self.read(words, trigger)
        return sentence, self.log_probs([sentence])[0]


def is_shipped(directory: Path = MODEL_DIR) -> bool:
    return ((directory / CARD_FILE).is_file() and (directory / VOCABULARY_FILE).is_file()
            and bool(weight_parts(directory, WEIGHTS_FILE)))


@lru_cache(maxsize=1)
def load_place_pointer() -> PlacePointer | None:
    """The shipped pointer, loaded once per process (None when the package ships none)."""
    return PlacePointer() if is_shipped() else None
