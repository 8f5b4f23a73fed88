"""What users type for codes and types means one thing on the command line and in the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from accord.cli import main
from accord.model import Actor, Article, EventRecord
from accord.queries import UnknownValue, actor_code, dyad_codes, event_types
from accord.store import Store


@pytest.mark.parametrize(("typed", "code"), [
    ("KGZ", "KGZ"), ("kgz", "KGZ"), (" Kyrgyzstan ", "KGZ"), ("kyrgyzstan", "KGZ"),
    ("China", "CHN"), ("Chinese", "CHN"), ("European Union", "EUR"), ("eur", "EUR"),
])
def test_codes_names_and_lowercase_codes_give_the_same_code(typed, code):
    assert actor_code(typed, "--actor") == code


def test_an_unknown_code_is_refused_naming_the_argument():
    with pytest.raises(UnknownValue, match="--actor: unknown 'XXX'"):
        actor_code("XXX", "--actor")
    with pytest.raises(UnknownValue, match="two different codes"):
        dyad_codes("Kyrgyzstan", "kgz")


def test_legacy_yield_means_both_types_plover_2_split_it_into():
    assert event_types("YIELD") == ("CONCEDE", "RETREAT")
    assert event_types("support") == ("SUPPORT",)
    assert event_types("demand") == ("REQUEST",)
    with pytest.raises(UnknownValue, match="valid types: ACCUSE, AGREE"):
        event_types("FOO")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    def event(event_id: str, kind: str) -> EventRecord:
        return EventRecord(id=event_id, doc_id="a", date="2021-09-16",
                           actor=[Actor("KGZ", "GOV", "Kyrgyzstan")], event=kind,
                           recipient=[Actor("CHN", "GOV", "China")], quad_code=2)

    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.add_article(Article("a", "Some text.", pub_date=date(2021, 9, 17)),
                          [event("e1", "CONCEDE"), event("e2", "RETREAT"),
                           event("e3", "SUPPORT")], "test")
    return path


def test_cli_and_api_read_yield_and_names_the_same_way(store_path, capsys):
    from fastapi.testclient import TestClient

    from accord.server import create_app

    assert main(["events", "--db", str(store_path), "--type", "yield",
                 "--actor", "Kyrgyzstan", "--recipient", "china"]) == 0
    from_cli = sorted(line for line in capsys.readouterr().out.splitlines() if line)
    assert len(from_cli) == 2
    with TestClient(create_app(store_path)) as client:
        page = client.get("/events", params={"type": "YIELD"}).json()
        assert sorted(item["event"] for item in page["items"]) == ["CONCEDE", "RETREAT"]
        refused = client.get("/events", params={"type": "FOO"})
    assert refused.status_code == 422
    assert "CONCEDE" in refused.text and "YIELD" in refused.text
    assert main(["events", "--db", str(store_path), "--type", "FOO"]) == 2
    assert "CONCEDE" in capsys.readouterr().err


def test_dyad_accepts_country_names(store_path, capsys):
    assert main(["dyad", "Kyrgyzstan", "china", "--db", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("KGZ <-> CHN") and "2021-09-01" in out
