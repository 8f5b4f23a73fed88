"""Turning text into the word-piece ids of an uncased BERT vocabulary.

Owns the tokenizer of the accurate profile's fine-tuned sentence model: the text is cleaned and
lowercased with accents removed, split at spaces and around each punctuation mark and CJK
character, and each word is cut into the longest pieces the vocabulary knows (a word that cannot
be cut entirely becomes [UNK]). It gives the ids the model was trained on, so that coding needs
no tokenizer library and nothing from a model hub.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

UNKNOWN, START, END, PAD = "[UNK]", "[CLS]", "[SEP]", "[PAD]"
LONGEST_WORD = 100  # characters; a longer "word" is not language
CONTINUATION = "##"


def _is_punctuation(char: str) -> bool:
    # BERT counts every ASCII symbol as punctuation ("$", "^", "`"), not only Unicode's P classes.
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F
            or 0x2B820 <= code <= 0x2CEAF or 0xF900 <= code <= 0xFAFF
            or 0x2F800 <= code <= 0x2FA1F)


def _normalised(text: str) -> str:
    """Control characters dropped, any space a plain space, CJK set apart, lowercase, no accents."""
    kept = []
    for char in text:
        code = ord(char)
        if code == 0 or code == 0xFFFD:
            continue
        category = unicodedata.category(char)
        if char in "\t\n\r" or category == "Zs":
            kept.append(" ")
        elif category.startswith("C"):
            continue
        elif _is_cjk(code):
            kept.append(f" {char} ")
        else:
            kept.append(char)
    decomposed = unicodedata.normalize("NFD", "".join(kept).lower())
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def _words(text: str) -> list[str]:
    """Whitespace-separated words with each punctuation mark as a word of its own."""
    words: list[str] = []
    for chunk in text.split():
        current = ""
        for char in chunk:
            if _is_punctuation(char):
                if current:
                    words.append(current)
                words.append(char)
                current = ""
            else:
                current += char
        if current:
            words.append(current)
    return words


class WordPiece:
    """An uncased word-piece tokenizer over a vocabulary file (one piece a line, id = line)."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self.ids = {piece: index for index, piece in enumerate(vocabulary)}
        self.unknown = self.ids[UNKNOWN]
        self.start, self.end, self.pad = self.ids[START], self.ids[END], self.ids[PAD]
        self._pieces = lru_cache(maxsize=65536)(self._pieces_uncached)

    @classmethod
    def from_file(cls, path: str | Path) -> WordPiece:
        return cls(Path(path).read_text(encoding="utf-8").splitlines())

    def _pieces_uncached(self, word: str) -> tuple[int, ...]:
        if len(word) > LONGEST_WORD:
            return (self.unknown,)
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else CONTINUATION + word[start:end]
                if piece in self.ids:
                    pieces.append(self.ids[piece])
                    break
                end -= 1
            if end == start:
                return (self.unknown,)
            start = end
        return tuple(pieces)

    def word_ids(self, text: str) -> list[int]:
        """The pieces of a text without [CLS] and [SEP] (a sentence's words one at a time)."""
        return [piece for word in _words(_normalised(text)) for piece in self._pieces(word)]

    def encode(self, text: str, max_length: int) -> list[int]:
        """[CLS], the text's pieces (cut to fit), [SEP]."""
        ids = [self.start]
        for word in _words(_normalised(text)):
            ids.extend(self._pieces(word))
            if len(ids) >= max_length - 1:
                break
        return ids[:max_length - 1] + [self.end]

    def batch(self, texts: Sequence[str], max_length: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids and attention mask of a batch, padded to its longest text."""
        encoded = [self.encode(text, max_length) for text in texts]
        width = max((len(ids) for ids in encoded), default=2)
        ids = np.full((len(encoded), width), self.pad, dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, found in enumerate(encoded):
            ids[row, :len(found)] = found
            mask[row, :len(found)] = 1
        return ids, mask


@lru_cache(maxsize=4)
def load_vocabulary(path: Path) -> WordPiece:
    """The tokenizer of a vocabulary file, read once per process: the sentence model and the
    place pointer share one."""
    return WordPiece.from_file(path)
