"""Tests for accord.store: round trip, idempotence, atomic writes, filters, dyad summary,
recoding and exports."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from accord.cli import main
from accord.exports import GDELT_COLUMNS, export_events
from accord.model import Actor, Article, EventRecord, Location
from accord.store import (
    Store,
    content_hash,
    knowledge_id,
    open_store,
    recode,
)

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


# ---------------------------------------------------------------- knowledge and recoding


def test_articles_keep_text_coder_version_and_knowledge_checksum(store: Store) -> None:
    article = make_article("a1")
    article.dateline_end = 7
    store.add_article(article, [], CODER)
    row = store.connection.execute(
        "SELECT text, dateline_end, coder_version, knowledge FROM articles"
    ).fetchone()
    assert row == ("Body of a1.", 7, CODER, knowledge_id())
    assert len(knowledge_id()) == 16


def test_a_store_written_before_the_new_columns_gains_them_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE articles (doc_id VARCHAR NOT NULL, "
                    "content_hash VARCHAR PRIMARY KEY, coder_version VARCHAR)")
        con.execute("INSERT INTO articles VALUES ('old', 'abc', '0.0.1')")
    with Store(path) as store:
        assert store.has_table("clusters") and store.has_table("event_clusters")
        columns = {row[0] for row in store.connection.execute("DESCRIBE articles").fetchall()}
        assert {"knowledge", "text", "dateline_end", "source"} <= columns
        recodable, without_text = store.stale_hashes(CODER, "k")
        assert (recodable, without_text) == ([], 1)


def fake_coder(event_type: str):
    """A stand-in for the pipeline: one event of `event_type` per article."""

    def code(articles):
        for article in articles:
            yield article, [make_event(f"{article.id}-new", article.id, ["KAZ"], event_type)]

    return code


def test_recode_replaces_events_of_outdated_articles_only(store: Store) -> None:
    store.add_batch(
        [(make_article("current"), [make_event("c", "current", ["KAZ"], "AGREE")])],
        CODER, knowledge="k-now")
    store.add_batch(
        [(make_article("old-coder"), [make_event("o1", "old-coder", ["KAZ"], "AGREE"),
                                      make_event("o2", "old-coder", ["JPN"], "AGREE")])],
        "test-old", knowledge="k-now")
    store.add_batch(
        [(make_article("old-data"), [make_event("d", "old-data", ["KAZ"], "AGREE")])],
        CODER, knowledge="k-before")
    coded_twice = []

    def counting_coder(articles):
        articles = list(articles)
        coded_twice.extend(a.id for a in articles)
        yield from fake_coder("SUPPORT")(articles)

    result = recode(store, coder=counting_coder, batch_size=1, coder_version=CODER,
                    knowledge="k-now")

    assert sorted(coded_twice) == ["old-coder", "old-data"]
    assert (result.recoded, result.events_before, result.events_after) == (2, 3, 2)
    events = {(e["doc_id"], e["id"], e["event"]) for e in store.events()}
    assert events == {("current", "c", "AGREE"), ("old-coder", "old-coder-new", "SUPPORT"),
                      ("old-data", "old-data-new", "SUPPORT")}
    assert store.connection.execute(
        "SELECT DISTINCT coder_version, knowledge FROM articles").fetchall() == [(CODER, "k-now")]
    # Nothing is outdated any more: a second run codes nothing.
    assert recode(store, coder=counting_coder, coder_version=CODER, knowledge="k-now").recoded == 0


def test_recoded_article_keeps_its_fields_for_the_coder(store: Store) -> None:
    article = make_article("a1")
    article.dateline_end = 12
    store.add_article(article, [], "test-old", knowledge="k")
    seen = []

    def remembering_coder(articles):
        for item in articles:
            seen.append(item)
            yield item, []

    recode(store, coder=remembering_coder, coder_version=CODER, knowledge="k")
    assert seen == [article]


def test_a_failing_recode_batch_leaves_the_old_events(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_article(make_article("a1"), [make_event("e", "a1", ["KAZ"], "AGREE")], "test-old")

    def broken_insert(self: Store, rows: list[dict]) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "_insert_events", broken_insert)
    with pytest.raises(RuntimeError):
        recode(store, coder=fake_coder("SUPPORT"), coder_version=CODER, knowledge="k")
    assert [e["id"] for e in store.events()] == ["e"]
    assert store.stale_hashes(CODER, "k")[0] == [content_hash("Body of a1.")]


# ---------------------------------------------------------------- exports


@pytest.fixture
def clustered(filled: Store) -> Store:
    from accord.analyse import rebuild_clusters

    rebuild_clusters(filled)
    return filled


def test_jsonl_export_writes_the_records_as_coded(clustered: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    assert export_events(clustered, "jsonl", out) == 4
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records == clustered.events()


def test_parquet_export_is_partitioned_by_month(clustered: Store, tmp_path: Path) -> None:
    clustered.add_article(
        make_article("june"),
        [make_event("j", "june", ["KAZ"], "AGREE", day="2024-06-02"),
         make_event("u", "june", ["KAZ"], "AGREE", day=None)],
        CODER)
    out = tmp_path / "parquet"
    assert export_events(clustered, "parquet", out) == 6
    assert sorted(p.name for p in out.iterdir()) == [
        "month=2024-05", "month=2024-06", "month=undated"]
    table = pq.read_table(out)
    assert table.num_rows == 6
    assert {"event_id", "actor_codes", "cluster_id", "source", "evidence"} <= set(
        table.column_names)


def test_csv_export_has_one_row_per_event_with_lists_joined(
    clustered: Store, tmp_path: Path
) -> None:
    out = tmp_path / "events.csv"
    assert export_events(clustered, "csv", out) == 4
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    meeting = next(row for row in rows if row["event_id"] == "a1-1")
    assert meeting["actor_codes"] == "KAZ|JPN"
    assert meeting["cluster_id"]
    assert meeting["source"] == "Xinhua"


def test_gdelt_export_follows_the_documented_column_order(
    clustered: Store, tmp_path: Path
) -> None:
    out = tmp_path / "events.tsv"
    assert export_events(clustered, "gdelt", out) == 4
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert {len(row) for row in rows} == {len(GDELT_COLUMNS)} == {61}
    sanction = dict(zip(GDELT_COLUMNS, next(r for r in rows if "BLR" in r[15]), strict=True))
    assert sanction["SQLDATE"] == "20240516"
    assert sanction["Actor1Code"] == "EURGOV"
    assert sanction["Actor1KnownGroupCode"] == "EUR"
    assert (sanction["Actor2Code"], sanction["Actor2CountryCode"]) == ("BLRGOV", "BLR")
    assert sanction["NumMentions"] == "1"
    documented = (Path(__file__).resolve().parents[1] / "docs" / "exports.md").read_text()
    listed = [line.split("|")[2].strip(" `") for line in documented.splitlines()
              if line.startswith("| ") and line.split("|")[1].strip().isdigit()]
    assert listed == list(GDELT_COLUMNS)


def test_export_and_recode_commands(clustered: Store, tmp_path: Path, capsys) -> None:
    db = tmp_path / "events.duckdb"
    clustered.close()
    out = tmp_path / "out.csv"
    assert main(["export", "--db", str(db), "--format", "csv", "--out", str(out)]) == 0
    assert "wrote 4 row(s)" in capsys.readouterr().err
    assert main(["export", "--db", str(tmp_path / "none.duckdb"), "--format", "csv",
                 "--out", str(out)]) == 2


def test_recode_command_codes_outdated_articles_again_with_the_real_coder(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sanctions.txt").write_text(
        " date 2024-04-23 EU sanctions Belarus\n\nBRUSSELS, April 22 (Xinhua) -- The European "
        "Union on Monday imposed sanctions on Belarus.\n", encoding="utf-8")
    db = str(tmp_path / "events.duckdb")
    assert main(["code", str(folder), "--db", db]) == 0
    with Store(db) as store:
        coded = store.events()
        store.connection.execute("UPDATE articles SET coder_version = '0.0.0'")
    capsys.readouterr()

    assert main(["recode", "--db", db]) == 0
    assert "recoded 1 article(s): 1 event(s) replaced by 1" in capsys.readouterr().err
    with Store(db, read_only=True) as store:
        assert store.events() == coded
        assert store.cluster_count() == 1
    assert main(["recode", "--db", db]) == 0
    assert "recoded 0 article(s)" in capsys.readouterr().err
