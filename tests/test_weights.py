"""Model files: the same training gives the same bytes, `--model` chooses the file code, eval
and info use, and an evaluation on the training file says it is in-sample."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from accord import classify
from accord.cli import main
from accord.weights import (
    DECIMALS,
    WEIGHT_TOLERANCE,
    ModelFileError,
    read_arrays,
    sha256,
    write_arrays,
)

SENTENCES = {
    "SANCTION": ["The European Union imposed sanctions on Iran on Monday.",
                 "Washington slapped new sanctions on Russian banks.",
                 "Britain froze the assets of five officials under new sanctions.",
                 "Canada imposed an arms embargo on the junta."],
    "ASSAULT": ["Russian troops shelled the city of Kharkiv overnight.",
                "Militants attacked an army post near the border, killing three soldiers.",
                "Aircraft bombed rebel positions in the north.",
                "Gunmen opened fire on a police convoy."],
    "CONSULT": ["The foreign ministers of Japan and India met in Tokyo.",
                "The president held talks with his French counterpart.",
                "Officials from both countries met to discuss trade.",
                "The prime minister received the visiting envoy."],
}


@pytest.fixture(scope="module")
def gold(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gold") / "tiny.tsv"
    pairs = [(label, text) for label, texts in SENTENCES.items() for text in texts]
    rows = [f"{i}\t{text}\t{label}" for i, (label, text) in enumerate(pairs)]
    path.write_text("sentence_id\tsentence\tgold_root\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


NON_EVENTS = ["The museum holds more than forty thousand paintings.",
              "Light rain is expected across the north on Friday.",
              "Shares closed slightly higher in thin trading.",
              "The recipe calls for two cups of flour."]


@pytest.fixture(scope="module")
def trained(gold, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("models")
    quiet = folder / "non_events.tsv"
    quiet.write_text("id\ttext\n" + "".join(f"{i}\t{t}\n" for i, t in enumerate(NON_EVENTS)),
                     encoding="utf-8")
    first, second = folder / "first.npz", folder / "second.npz"
    for out in (first, second):
        assert main(["train", "--data", str(gold), "--no-authored", "--non-events", str(quiet),
                     "--out", str(out)]) == 0
    return first, second


def test_training_twice_writes_identical_files(trained):
    first, second = trained
    assert first.read_bytes() == second.read_bytes()
    detectors = [classify.detector_beside(path) for path in trained]
    assert detectors[0].read_bytes() == detectors[1].read_bytes()


def test_a_model_file_has_fixed_timestamps_and_rounded_weights(tmp_path):
    out = tmp_path / "m.npz"
    weights = np.array([[0.1234567891, -2.0000004], [1e-9, 3.3333333333]])
    write_arrays(out, {"classes": np.array(["A", "B"]), "features": np.array(["f", "g"]),
                       "weights": weights, "bias": np.array([0.5, -0.5])})
    with zipfile.ZipFile(out) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    stored = read_arrays(out)["weights"]
    assert stored.dtype == np.float32
    assert np.allclose(stored, np.round(weights, DECIMALS), atol=1e-7)


def test_a_file_that_is_not_a_model_is_named_with_the_reason(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(ModelFileError, match="notes.npz: not an accord model file"):
        read_arrays(text)


def test_train_without_out_leaves_the_packaged_model_alone(gold, capsys):
    before = sha256(classify.packaged_model_path("fast"))
    assert main(["train", "--data", str(gold)]) == 2
    assert "--out" in capsys.readouterr().err
    assert sha256(classify.packaged_model_path("fast")) == before


def test_eval_and_code_use_the_model_given_with_model(trained, gold, tmp_path, capsys):
    model = trained[0]
    held_out = tmp_path / "held_out.tsv"
    held_out.write_text("sentence_id\tsentence\tgold_root\n"
                        "1\tFrance imposed sanctions on the regime.\tSANCTION\n", encoding="utf-8")
    assert main(["eval", "plv", str(held_out), "--model", str(model)]) == 0
    out = capsys.readouterr()
    assert "accuracy:" in out.out and "IN-SAMPLE" not in out.out + out.err
    story = tmp_path / "s.txt"
    story.write_text("Germany imposed sanctions on Belarus on Monday.\n", encoding="utf-8")
    assert main(["code", str(story), "--model", str(model)]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {e["event"] for e in events} <= {"SANCTION", "ASSAULT", "CONSULT", "COERCE"}
    assert classify.model_path() == classify.packaged_model_path()  # --model ends with the run


def test_eval_on_the_models_own_training_file_says_so_loudly(trained, gold, capsys):
    assert main(["eval", "plv", str(gold), "--model", str(trained[0])]) == 0
    out = capsys.readouterr()
    assert "IN-SAMPLE" in out.err
    assert out.out.startswith("!! IN-SAMPLE") and "--cv 5" in out.out


def test_info_names_the_active_model_and_its_sha256(trained, capsys):
    assert main(["info", "--json", "--model", str(trained[0])]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["active_model"] == {"path": str(trained[0].resolve()),
                                    "sha256": sha256(trained[0])}
    packaged = info["models"]["fast"]
    assert packaged["sha256"] == sha256(classify.packaged_model_path("fast"))


PLV = Path(__file__).resolve().parents[2] / "shared" / "data" / "plv" / "PLV_train.tsv"


@pytest.mark.slow
@pytest.mark.skipif(not PLV.exists(), reason="needs ../shared/data/plv/PLV_train.tsv")
def test_retraining_the_fast_model_matches_the_shipped_file_within_the_tolerance(tmp_path):
    out = tmp_path / "fast.npz"
    assert main(["train", "--data", str(PLV), "--out", str(out)]) == 0
    shipped, rebuilt = read_arrays(classify.packaged_model_path("fast")), read_arrays(out)
    for name in ("classes", "features"):
        assert list(rebuilt[name]) == list(shipped[name])
    for name in ("weights", "bias"):
        assert np.abs(rebuilt[name].astype(float) - shipped[name].astype(float)).max() \
            <= WEIGHT_TOLERANCE
    assert float(rebuilt["temperature"]) == pytest.approx(float(shipped["temperature"]))
