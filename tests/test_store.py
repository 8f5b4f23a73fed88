"""Tests for accord.store: round trip, idempotence, atomic writes, filters and dyad summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from accord.model import Actor, Article, EventRecord, Location
from accord.store import Store, content_hash, open_store

CODER = "test-0"


def make_article(doc_id: str, text: str | None = None) -> Article:
    return Article(
        id=doc_id,
        text=text or f"Body of {doc_id}.",
        title=f"Title {doc_id}",
        pub_date=date(2024, 5, 17),
        dateline_place="TASHKENT",
        dateline_date=date(2024, 5, 16),
        source="Xinhua",
        origin=f"{doc_id}.txt",
    )


def make_event(
    event_id: str,
    doc_id: str,
    actors: list[str],
    event: str,
    recipients: list[str] | None = None,
    quad: int = 1,
    score: float = 2.5,
    goldstein: float = 1.0,
    day: str = "2024-05-16",
) -> EventRecord:
    return EventRecord(
        id=event_id,
        doc_id=doc_id,
        date=day,
        actor=[Actor(code=c, sector="GOV", entity_text=c) for c in actors],
        recipient=[Actor(code=c, sector="GOV", entity_text=c) for c in recipients or []],
        event=event,
        quad_code=quad,
        plover_score=score,
        goldstein=goldstein,
    )


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "events.duckdb") as opened:
        yield opened


def test_record_round_trips_unchanged_through_the_store(store: Store) -> None:
    record = EventRecord(
        id="a1-e1",
        doc_id="a1",
        date="2024-05-16",
        actor=[Actor("KAZ", "PRM", "President of Kazakhstan", "Tokayev", "president")],
        recipient=[Actor("JPN", "GOV", "Japan")],
        event="SUPPORT",
        mode=None,
        context=["diplomatic", "economic"],
        event_loc=Location("Tashkent", "Tashkent", 1512569, 41.26, 69.21, "UZB", "PPLC"),
        event_text="Kazakhstan firmly supports Japan",
        trigger="supports",
        quad_code=1,
        cameo="051",
        goldstein=3.4,
        plover_score=5.0,
        confidence=0.82,
        future=True,
        date_precision="day",
        evidence="Kazakhstan firmly supports Japan on ...",
        text_info={"start": 120, "end": 160},
        cite_info={"source": "Xinhua"},
    )
    assert store.add_article(make_article("a1"), [record], CODER) is True

    assert store.events() == [record.to_dict()]
    flat = store.events_frame().iloc[0]
    assert flat["actor_codes"].tolist() == ["KAZ"]
    assert flat["place_name"] == "Tashkent"
    assert flat["country_code"] == "UZB"
    assert (flat["text_start"], flat["text_end"]) == (120, 160)
    assert flat["date"].date() == date(2024, 5, 16)
    row = store.connection.execute(
        "SELECT doc_id, title, coder_version, pub_date FROM articles"
    ).fetchone()
    assert row == ("a1", "Title a1", CODER, date(2024, 5, 17))


def test_adding_the_same_text_twice_stores_it_once(store: Store) -> None:
    article = make_article("a1")
    events = [make_event("a1-e1", "a1", ["KAZ", "JPN"], "CONSULT")]
    assert store.add_article(article, events, CODER) is True
    renamed_copy = make_article("other-name", text=article.text)

    assert store.add_article(renamed_copy, events, CODER) is False
    assert store.counts() == {"articles": 1, "events": 1}
    assert store.has_article(content_hash(article.text))


def test_batch_skips_duplicates_within_the_batch_and_already_stored(store: Store) -> None:
    store.add_article(make_article("a1"), [], CODER)
    batch = [
        (make_article("a1"), [make_event("x", "a1", ["KAZ"], "AGREE")]),
        (make_article("a2"), [make_event("a2-e1", "a2", ["TUR"], "AGREE", ["EGY"])]),
        (make_article("a2-copy", text="Body of a2."), [make_event("y", "a2", ["TUR"], "AGREE")]),
    ]

    assert store.add_batch(batch, CODER) == (1, 2)
    assert store.counts() == {"articles": 2, "events": 1}


def test_failure_while_writing_events_leaves_nothing_of_the_article(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_insert(self: Store, rows: list[dict]) -> None:
        raise RuntimeError("disk full")

    article = make_article("a1")
    events = [make_event("a1-e1", "a1", ["KAZ", "JPN"], "CONSULT")]
    monkeypatch.setattr(Store, "_insert_events", broken_insert)
    with pytest.raises(RuntimeError):
        store.add_article(article, events, CODER)
    assert store.counts() == {"articles": 0, "events": 0}

    monkeypatch.undo()
    assert store.add_article(article, events, CODER) is True
    assert store.counts() == {"articles": 1, "events": 1}


def test_stored_rows_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "events.duckdb"
    with open_store(path) as first:
        first.add_article(make_article("a1"), [make_event("e", "a1", ["KAZ"], "AGREE")], CODER)
    with open_store(path) as second:
        assert second.counts() == {"articles": 1, "events": 1}
        assert second.add_article(make_article("a1"), [], CODER) is False


@pytest.fixture
def filled(store: Store) -> Store:
    store.add_batch(
        [
            (
                make_article("a1"),
                [
                    make_event("a1-1", "a1", ["KAZ", "JPN"], "CONSULT"),
                    make_event("a1-2", "a1", ["KAZ"], "SUPPORT", ["JPN"], score=5.0),
                    make_event("a1-3", "a1", ["JPN"], "AGREE", ["KAZ"]),
                ],
            ),
            (
                make_article("a2"),
                [make_event("a2-1", "a2", ["EUR"], "SANCTION", ["BLR"], quad=4, score=-6)],
            ),
        ],
        CODER,
    )
    return store


def test_events_filter_by_actor_recipient_and_type(filled: Store) -> None:
    def ids(records: list[dict]) -> list[str]:
        return [r["id"] for r in records]

    assert ids(filled.events(actor="KAZ")) == ["a1-1", "a1-2"]
    assert ids(filled.events(recipient="KAZ")) == ["a1-3"]
    assert ids(filled.events(actor="jpn", event_type="agree")) == ["a1-3"]
    assert ids(filled.events(event_type="SANCTION")) == ["a2-1"]
    assert len(filled.events(limit=2)) == 2
    assert filled.events_frame(actor="EUR")["event"].tolist() == ["SANCTION"]
    assert "record" not in filled.events_frame().columns


@pytest.mark.parametrize(
    "hostile",
    ["KAZ' OR '1'='1", "KAZ'); DROP TABLE events; --", "%", "KAZ\" OR 1=1 --"],
)
def test_injection_looking_filter_values_are_plain_values(filled: Store, hostile: str) -> None:
    assert filled.events(actor=hostile) == []
    assert filled.events(recipient=hostile, event_type=hostile) == []
    assert filled.events_frame(event_type=hostile).empty
    assert filled.counts() == {"articles": 2, "events": 4}


def test_dyad_summary_counts_directed_pairs_and_meetings_both_ways(store: Store) -> None:
    store.add_article(
        make_article("a1"),
        [
            # Meeting, actors given out of alphabetical order: counts for JPN <-> KAZ.
            make_event("m1", "a1", ["KAZ", "JPN"], "CONSULT", day="2024-05-16"),
            make_event("m2", "a1", ["JPN", "KAZ"], "CONSULT", day="2024-06-01", goldstein=1.0),
            make_event(
                "s1", "a1", ["KAZ"], "SUPPORT", ["JPN"], score=5.0, goldstein=3.0, day="2024-05-16"
            ),
            make_event(
                "s2", "a1", ["KAZ"], "ACCUSE", ["JPN"], quad=3, score=-3.0, goldstein=-2.0,
                day="2024-05-20",
            ),
            make_event(
                "s3", "a1", ["KAZ"], "AID", ["JPN"], quad=2, score=10.0, goldstein=7.0,
                day="2024-05-18",
            ),
            make_event("r1", "a1", ["JPN"], "AGREE", ["KAZ"], goldstein=4.0, day="2024-05-17"),
            # Single actor, no recipient: belongs to no dyad.
            make_event("solo", "a1", ["UZB"], "MOBILIZE", quad=4, score=-5.5),
        ],
        CODER,
    )

    summary = store.dyad_summary()

    assert [(d["actor"], d["direction"], d["recipient"], d["events"]) for d in summary] == [
        ("KAZ", "->", "JPN", 3),
        ("JPN", "<->", "KAZ", 2),
        ("JPN", "->", "KAZ", 1),
    ]
    kaz_jpn = summary[0]
    assert [kaz_jpn[f"quad{q}"] for q in (1, 2, 3, 4)] == [1, 1, 1, 0]
    assert kaz_jpn["mean_plover_score"] == pytest.approx((5.0 + -3.0 + 10.0) / 3)
    assert kaz_jpn["mean_goldstein"] == pytest.approx((3.0 + -2.0 + 7.0) / 3)
    assert (kaz_jpn["first_date"], kaz_jpn["last_date"]) == ("2024-05-16", "2024-05-20")
    meeting = summary[1]
    assert (meeting["first_date"], meeting["last_date"]) == ("2024-05-16", "2024-06-01")
    assert store.dyad_summary(limit=1) == summary[:1]


def test_multi_actor_event_with_recipient_counts_for_each_actor(store: Store) -> None:
    store.add_article(
        make_article("a1"),
        [make_event("j", "a1", ["USA", "GBR", "USA"], "SANCTION", ["IRN"], quad=4, score=-6)],
        CODER,
    )
    pairs = {(d["actor"], d["recipient"], d["events"]) for d in store.dyad_summary()}
    assert pairs == {("USA", "IRN", 1), ("GBR", "IRN", 1)}


def test_partial_event_dates_are_stored_and_kept_verbatim_in_the_record(store: Store) -> None:
    record = make_event("p", "a1", ["KAZ"], "AGREE", day="2024-05")
    store.add_article(make_article("a1"), [record], CODER)
    stored = store.connection.execute("SELECT date FROM events").fetchone()
    assert stored == (date(2024, 5, 1),)
    assert store.events()[0]["date"] == "2024-05"


def test_content_hash_is_sha256_of_the_text() -> None:
    assert content_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
