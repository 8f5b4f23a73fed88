"""`accord actors lookup`: phrases as news writes them, resolved by the coder's own actor stage."""

from __future__ import annotations

import json
from datetime import date

from accord.cli import main
from accord.lookup import lookup_phrase


def test_a_group_phrase_resolves_to_state_and_sector_through_the_coder():
    found = lookup_phrase("three Egyptian fishermen", date(2015, 3, 1))
    assert (found["code"], found["sector"]) == ("EGY", "CVL")


def test_a_phrase_with_no_state_keeps_its_sector_and_a_null_code():
    found = lookup_phrase("looters", date(2003, 4, 10))
    assert (found["code"], found["sector"]) == (None, "CRM")


def test_batch_prints_one_json_line_per_phrase_with_its_date(tmp_path, capsys):
    batch = tmp_path / "phrases.tsv"
    batch.write_text("Egyptian warplanes\t2015-02-16\n\n# a comment\nThe Kremlin\n",
                     encoding="utf-8")
    assert main(["actors", "lookup", "--batch", str(batch)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["phrase"], r["date"], r["code"], r["sector"]) for r in lines] == [
        ("Egyptian warplanes", "2015-02-16", "EGY", "MIL"), ("The Kremlin", None, "RUS", "GOV")]


def test_batch_with_a_bad_date_is_a_usage_error(tmp_path, capsys):
    batch = tmp_path / "phrases.tsv"
    batch.write_text("Egyptian warplanes\t16/02/2015\n", encoding="utf-8")
    assert main(["actors", "lookup", "--batch", str(batch)]) == 2
    assert "line 1" in capsys.readouterr().err


def test_lookup_needs_a_phrase_or_a_batch(capsys):
    assert main(["actors", "lookup"]) == 2
