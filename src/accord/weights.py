"""Model files on disk: event-type models (writing, reading, naming them, and which one is
active), and the feature weights of the conditional logits that choose a place or a recipient.

A model file is an `.npz` archive of plain arrays. It is written so that the same weights give
the same bytes: every weight is rounded to `DECIMALS` decimal places before it is stored as
float32, and the archive's members carry a fixed timestamp and a fixed order. Training is
bit-reproducible on one machine; across machines the solver's floating point may differ in the
last bits, so a retrained model matches a shipped one within `WEIGHT_TOLERANCE` (a test checks).

A file may say what it was trained on (`trained_on`: sha256 and name of each gold file), so an
evaluation on that same file can say it is in-sample. The packaged models say it in
`data/models/trained_on.tsv`.

The active model is the packaged one of the profile, unless `use_model_file` names another
(the CLI's `--model PATH`); it is passed by environment so worker processes see it too.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

DECIMALS = 6
# Largest difference between a weight trained here and the same weight trained on another
# machine (seen: 1.2e-7 fast, 2.4e-6 accurate before rounding), with room to spare.
WEIGHT_TOLERANCE = 1e-5
MODEL_ENV = "ACCORD_MODEL"
REQUIRED_ARRAYS = ("classes", "features", "weights", "bias")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_TRAINED_ON_TABLE = Path(__file__).parent / "data" / "models" / "trained_on.tsv"


class ModelFileError(ValueError):
    """A file that is not an accord event-type model."""


def write_arrays(path: str | Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays as a compressed .npz whose bytes depend on the values only."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, _stored(arrays[name]), allow_pickle=False)
            member = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            archive.writestr(member, buffer.getvalue(), compresslevel=6)


def _stored(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    if np.issubdtype(array.dtype, np.floating) and array.ndim > 0:
        return np.round(array.astype(np.float64), DECIMALS).astype(np.float32)
    return array


def read_arrays(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays of a model file; `ModelFileError` when it is not one."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ModelFileError(f"{path}: not an accord model file ({error})") from error
    missing = [name for name in REQUIRED_ARRAYS if name not in arrays]
    if missing:
        raise ModelFileError(f"{path}: not an accord model file (no {', '.join(missing)})")
    return arrays


def check_model_file(path: str | Path, profile: str) -> None:
    """Fail with the reason when `path` is not a model the `profile` can use."""
    arrays = read_arrays(path)
    uses_embedding = any(str(name).startswith("emb") for name in arrays["features"])
    if uses_embedding != (profile == "accurate"):
        made_for = "accurate" if uses_embedding else "fast"
        raise ModelFileError(f"{path}: a {made_for}-profile model; use --profile {made_for}")


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def trained_on(model_file: str | Path) -> dict[str, str]:
    """sha256 -> file name of the gold files a model was trained on, as far as it is known."""
    found: dict[str, str] = {}
    try:
        arrays = read_arrays(model_file)
    except ModelFileError:
        return found
    for entry in arrays.get("trained_on", np.array([], dtype=str)):
        digest, _, name = str(entry).partition(" ")
        found[digest] = name
    if _TRAINED_ON_TABLE.exists():
        from accord.knowledge import read_table

        for row in read_table(f"models/{_TRAINED_ON_TABLE.name}"):
            if row["model"] == Path(model_file).name and _is_packaged(model_file):
                found[row["sha256"]] = row["file"]
    return found


def _is_packaged(model_file: str | Path) -> bool:
    return Path(model_file).resolve().parent == _TRAINED_ON_TABLE.parent.resolve()


def active_model_file() -> Path | None:
    """The model file `--model` chose for this process and its workers, if any."""
    chosen = os.environ.get(MODEL_ENV)
    return Path(chosen) if chosen else None


@contextmanager
def use_model_file(path: str | Path | None) -> Iterator[None]:
    """Within the block, this process and the workers it starts use the model at `path`."""
    if path is None:
        yield
        return
    before = os.environ.get(MODEL_ENV)
    os.environ[MODEL_ENV] = str(Path(path).resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(MODEL_ENV, None)
        else:
            os.environ[MODEL_ENV] = before


@dataclass(frozen=True)
class FeatureWeights:
    """A conditional logit's weights by feature name: an option scores the sum of its features'
    weights, and features not in the table weigh zero."""

    weights: dict[str, float]

    def score(self, features: Collection[str]) -> float:
        return sum(map(self.weights.get, features, repeat(0.0)))


def read_feature_weights(path: Path) -> FeatureWeights:
    """A logit's weights from the JSON file its training bench wrote (`{"weights": {...}}`)."""
    with open(path, encoding="utf-8") as handle:
        return FeatureWeights(json.load(handle)["weights"])
