"""The command-line contract: outputs, the store round trip, rejects and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

PROTEST = """\
 date 2023-10-11 Police fire tear gas at fuel protest in Nairobi

Xinhua) 10:02, October 11, 2023

NAIROBI, Oct. 10 (Xinhua) -- Kenyan police on Tuesday fired tear gas at thousands of \
protesters who marched on parliament in Nairobi against a rise in fuel taxes.

The opposition accused the government of ignoring the poor, and demanded that the tax be \
withdrawn.
"""

SANCTIONS = """\
 date 2024-04-23 EU imposes sanctions on Belarusian officials

Xinhua) 08:00, April 23, 2024

BRUSSELS, April 22 (Xinhua) -- The European Union on Monday imposed sanctions on Belarus \
over the detention of opposition activists.

Belarus condemned the European Union and threatened to retaliate, the Belarusian Foreign \
Ministry said.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "protest.txt").write_text(PROTEST, encoding="utf-8")
    (folder / "sanctions.txt").write_text(SANCTIONS, encoding="utf-8")
    return folder


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_code_writes_one_jsonl_event_per_line_and_exits_zero(corpus, capsys):
    assert main(["code", str(corpus)]) == 0
    events = lines(capsys.readouterr().out)
    assert {e["doc_id"] for e in events} == {"protest", "sanctions"}
    sanction = next(e for e in events if e["event"] == "SANCTION")
    assert [a["code"] for a in sanction["actor"]] == ["EUR"]
    assert [r["code"] for r in sanction["recipient"]] == ["BLR"]
    assert sanction["date"] == "2024-04-22"


def test_the_accurate_profile_codes_the_same_acts_between_the_same_parties(corpus, capsys):
    def acts(profile: str) -> set[tuple]:
        assert main(["code", str(corpus), "--profile", profile]) == 0
        return {(e["doc_id"], e["event"], tuple(a["code"] for a in e["actor"]),
                 tuple(r["code"] for r in e["recipient"]))
                for e in lines(capsys.readouterr().out)}

    fast, accurate = acts("fast"), acts("accurate")
    assert ("sanctions", "SANCTION", ("EUR",), ("BLR",)) in fast & accurate
    assert ("protest", "ASSAULT", ("KEN",), ("KEN",)) in fast & accurate  # crowd control
    assert ("protest", "PROTEST", ("KEN",), ("KEN",)) in fast & accurate  # "who marched"


def test_bad_inputs_are_named_with_a_reason_and_the_good_ones_still_coded(corpus, tmp_path, capsys):
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    (corpus / "latin.txt").write_bytes(b"\xff\xfe\xfa bad \x81\x8d\x8f\x90\x9d")
    rejects = tmp_path / "rejects.jsonl"
    assert main(["code", str(corpus), "--rejects", str(rejects)]) == 1
    captured = capsys.readouterr()
    assert {e["doc_id"] for e in lines(captured.out)} == {"protest", "sanctions"}
    for name in ("empty.txt", "binary.txt", "latin.txt"):
        assert name in captured.err
    reported = {Path(r["input"]).name: r["reason"] for r in lines(rejects.read_text())}
    assert set(reported) == {"empty.txt", "binary.txt", "latin.txt"}
    assert all(reason for reason in reported.values())


def test_store_round_trip_is_idempotent_and_filterable(corpus, tmp_path, capsys):
    db = str(tmp_path / "events.duckdb")
    assert main(["code", str(corpus), "--db", db]) == 0
    assert main(["code", str(corpus), "--db", db]) == 0
    capsys.readouterr()
    assert main(["events", "--db", db, "--actor", "EUR", "--type", "SANCTION"]) == 0
    stored = lines(capsys.readouterr().out)
    assert len(stored) == 1 and stored[0]["recipient"][0]["code"] == "BLR"
    assert main(["top-dyads", "--db", db]) == 0
    table = capsys.readouterr().out
    pair = next(line.split() for line in table.splitlines() if line.startswith("BLR EUR"))
    # the sanction (EUR at BLR: B>A) and the condemnation (BLR at EUR: A>B) on one row
    assert pair[2:6] == ["2", "1", "1", "0"]
    assert "q1-q4: events per quad class" in table


def test_parquet_output_needs_a_path(corpus, capsys):
    assert main(["code", str(corpus), "--format", "parquet"]) == 2
    assert "--out" in capsys.readouterr().err


def test_info_reports_model_and_data_versions(capsys):
    assert main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["spacy_model"]["version"] == "3.8.0"
    assert "triggers.tsv" in info["data_files"]


def test_eval_prints_accuracy_macro_f1_and_per_type_table(tmp_path, capsys):
    gold = tmp_path / "gold.tsv"
    gold.write_text(
        "sentence_id\tsentence\tgold_root\n"
        "1\tThe European Union imposed sanctions on Iran on Monday.\tSANCTION\n"
        "2\tRussian troops shelled the city of Kharkiv overnight.\tASSAULT\n"
        "3\tThe rebels released twelve hostages after talks.\tYIELD\n",
        encoding="utf-8",
    )
    for profile in ("fast", "accurate"):
        assert main(["eval", "plv", str(gold), "--profile", profile]) == 0
        out = capsys.readouterr().out
        assert f"({profile} profile)" in out
        assert "accuracy:" in out and "macro-F1:" in out
        assert "SANCTION" in out and "YIELD" in out and "confusion" in out


def test_a_gold_file_in_the_wrong_format_is_named_with_the_reason(tmp_path, capsys):
    tsv = tmp_path / "notes.tsv"
    tsv.write_text("id\tcomment\n1\tnothing to score\n", encoding="utf-8")
    binary = tmp_path / "blob.tsv"
    binary.write_bytes(b"\xff\xfe\x00\x81binary")
    assert main(["eval", "plv", str(tsv)]) == 2
    assert "notes.tsv: not a PLV TSV file: no sentence or gold_root column" in \
        capsys.readouterr().err
    assert main(["eval", "plover", str(tsv)]) == 2
    assert "notes.tsv: line 1 is not JSON" in capsys.readouterr().err
    assert main(["eval", "plv", str(binary)]) == 2
    assert "blob.tsv: not UTF-8 text" in capsys.readouterr().err
    assert main(["train", "--data", str(tsv), "--out", str(tmp_path / "m.npz")]) == 2
    assert "a training TSV needs a sentence (or text) and a gold_root (or event) column" in \
        capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()


def test_help_describes_every_command_and_every_option_shows_help_and_default(capsys):
    import argparse

    from accord.cli import HelpFormatter, build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    for name, sub in commands.choices.items():
        assert f"\n  {name} " in top, f"accord --help does not describe {name}"
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            assert action.help, f"{name} {action.dest} has no help"
            if action.option_strings and action.default not in (None, False):
                shown = HelpFormatter(name)._get_help_string(action)
                assert "default" in shown, f"{name} {action.option_strings[0]} hides its default"


def test_eval_none_reports_the_share_of_non_event_sentences_that_produce_an_event(tmp_path,
                                                                                  capsys):
    quiet = tmp_path / "quiet.tsv"
    quiet.write_text("id\ttext\n"
                     "1\tThe museum holds more than forty thousand paintings.\n"
                     "2\tLight rain is expected across the north on Friday.\n", encoding="utf-8")
    assert main(["eval", "none", str(quiet)]) == 0
    out = capsys.readouterr().out
    assert "sentences: 2" in out and "produce an event: 0 (0.000)" in out


def test_eval_end_to_end_prints_the_no_event_rate(tmp_path, capsys):
    gold = tmp_path / "gold.tsv"
    gold.write_text(
        "sentence_id\tsentence\tgold_root\n"
        "1\tRussian troops shelled the city of Kharkiv overnight.\tASSAULT\n"
        "2\tThe museum holds more than forty thousand paintings.\tPROTEST\n",
        encoding="utf-8")
    assert main(["eval", "plv", str(gold), "--end-to-end"]) == 0
    out = capsys.readouterr().out
    assert "(end to end)" in out and "no-event rate: 0.500" in out
    assert main(["eval", "plv", str(gold), "--end-to-end", "--cv", "1"]) == 2


def test_eval_end_to_end_scores_who_did_it_to_whom_against_plover_records(tmp_path, capsys):
    records = [
        {"id": "a", "event": "SANCTION", "text": "The European Union imposed sanctions on Iran "
         "on Monday.", "actor": [{"code": "EUR"}], "recipient": [{"code": "IRN"}]},
        {"id": "b", "event": "ASSAULT", "text": "Russian troops shelled the Ukrainian city of "
         "Kharkiv overnight.", "actor": [{"code": "RUS", "sector": "MIL"}],
         "recipient": [{"code": "BRA"}]},
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(record) for record in records), encoding="utf-8")
    assert main(["eval", "plover", str(gold), "--end-to-end"]) == 0
    out = capsys.readouterr().out
    assert "source right: 1.000 (2 of 2)" in out
    assert "recipient right: 0.500 (1 of 2); where the type is right: 0.500 (1 of 2)" in out
