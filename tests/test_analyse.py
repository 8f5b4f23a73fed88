"""Tests for accord.analyse: event clusters, dyad series and the `accord.open` surface."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import accord
from accord.analyse import rebuild_clusters, update_clusters
from accord.cli import main
from accord.model import Actor, Article, EventRecord, Location
from accord.store import Store

CODER = "test-0"
KNOWLEDGE = "test-knowledge"

BEIJING = Location("Beijing", "Beijing", 1816670, 39.9, 116.4, "CHN", "PPLC")
SHANGHAI = Location("Shanghai", "Shanghai", 1796236, 31.2, 121.5, "CHN", "PPLA")
MOSCOW = Location("Moscow", "Moscow", 524901, 55.8, 37.6, "RUS", "PPLC")
ASTANA = Location("Astana", "Astana", 1526273, 51.2, 71.4, "KAZ", "PPLC")


def event(
    event_id: str,
    day: str | None,
    actors: list[str],
    event_type: str = "CONSULT",
    recipients: list[str] | None = None,
    place: Location | None = None,
    confidence: float = 0.8,
    quad: int = 1,
    score: float = 2.5,
    goldstein: float = 1.0,
    negated: bool = False,
) -> EventRecord:
    return EventRecord(
        id=event_id, doc_id=event_id, date=day, event=event_type,
        actor=[Actor(code, "GOV", code) for code in actors],
        recipient=[Actor(code, "GOV", code) for code in recipients or []],
        event_loc=place, confidence=confidence, quad_code=quad, plover_score=score,
        goldstein=goldstein, negated=negated, cameo="040",
    )


def article(doc_id: str, dateline: str | None = None, source: str | None = None) -> Article:
    return Article(id=doc_id, text=f"Report {doc_id}.", pub_date=date(2024, 5, 15),
                   dateline_place=dateline, source=source or f"outlet-{doc_id}")


def store_reports(store: Store, *reports: tuple[Article, list[EventRecord]]) -> None:
    store.add_batch(list(reports), CODER, KNOWLEDGE)


def one_each(*events: EventRecord) -> list[tuple[Article, list[EventRecord]]]:
    """Each event in an article of its own, as separate outlets would report it."""
    return [(article(e.id), [e]) for e in events]


def memberships(store: Store) -> list[set[str]]:
    rows = store.connection.execute(
        "SELECT cluster_id, list(event_id ORDER BY event_id) FROM event_clusters "
        "GROUP BY cluster_id"
    ).fetchall()
    return sorted((set(ids) for _, ids in rows), key=sorted)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "events.duckdb") as opened:
        yield opened


# ---------------------------------------------------------------- clustering


def test_reports_of_one_event_within_the_window_form_one_cluster(store: Store) -> None:
    store_reports(store, *one_each(
        event("a", "2024-05-14", ["KGZ", "CHN"], place=BEIJING, confidence=0.7),
        event("b", "2024-05-15", ["CHN", "KGZ"], confidence=0.95),
        event("c", "2024-05-16", ["KGZ", "CHN", "KGZ"], place=BEIJING),
    ))

    summary = rebuild_clusters(store)

    assert (summary.events, summary.clusters, summary.window_days) == (3, 1, 2)
    cluster = store.connection.execute(
        "SELECT event, actor_codes, recipient_codes, first_date, last_date, mentions, articles, "
        "sources, representative_event_id, place, country_code, geonameid FROM clusters"
    ).fetchone()
    assert cluster == ("CONSULT", ["CHN", "KGZ"], [], date(2024, 5, 14), date(2024, 5, 16),
                       3, 3, 3, "b", "Beijing", "CHN", 1816670)


def test_same_pair_and_type_beyond_the_window_is_another_event(store: Store) -> None:
    store_reports(store, *one_each(
        event("monday", "2024-05-13", ["KGZ", "CHN"]),
        event("wednesday", "2024-05-15", ["KGZ", "CHN"]),
        event("thursday", "2024-05-16", ["KGZ", "CHN"]),
    ))
    rebuild_clusters(store)
    # A cluster spans at most the window from its first date: no chaining day after day.
    assert memberships(store) == [{"monday", "wednesday"}, {"thursday"}]


def test_window_is_configurable_and_kept_by_later_rebuilds(store: Store) -> None:
    store_reports(store, *one_each(
        event("a", "2024-05-10", ["KGZ", "CHN"]), event("b", "2024-05-16", ["KGZ", "CHN"]),
    ))
    assert rebuild_clusters(store).clusters == 2
    assert rebuild_clusters(store, window_days=7).clusters == 1
    assert rebuild_clusters(store).window_days == 7
    assert rebuild_clusters(store, window_days=0).clusters == 2


def test_places_in_different_countries_or_towns_split_and_unknown_place_joins_the_best_attested(
    store: Store,
) -> None:
    store_reports(store, *one_each(
        event("beijing", "2024-05-14", ["KGZ", "CHN"], place=BEIJING),
        event("beijing-again", "2024-05-15", ["KGZ", "CHN"], place=BEIJING),
        event("nowhere", "2024-05-14", ["KGZ", "CHN"]),
        event("moscow", "2024-05-14", ["KGZ", "CHN"], place=MOSCOW),
        event("shanghai", "2024-05-14", ["KGZ", "CHN"], place=SHANGHAI),
    ))
    rebuild_clusters(store)
    assert memberships(store) == [
        {"beijing", "beijing-again", "nowhere"}, {"moscow"}, {"shanghai"},
    ]


def test_a_place_that_is_only_the_dateline_does_not_split_reports(store: Store) -> None:
    # Outlets file from their own cities; the coder's dateline fallback must not split them.
    store_reports(
        store,
        (article("from-astana", dateline="ASTANA"),
         [event("from-astana", "2024-03-04", ["KAZ"], "AID", ["TJK"], place=ASTANA)]),
        (article("from-moscow", dateline="MOSCOW"),
         [event("from-moscow", "2024-03-04", ["KAZ"], "AID", ["TJK"], place=MOSCOW)]),
    )
    assert rebuild_clusters(store).clusters == 1


def test_other_recipients_types_or_negation_make_other_events(store: Store) -> None:
    store_reports(store, *one_each(
        event("aid-tjk", "2024-03-04", ["KAZ"], "AID", ["TJK"]),
        event("aid-kgz", "2024-03-04", ["KAZ"], "AID", ["KGZ"]),
        event("agree-tjk", "2024-03-04", ["KAZ"], "AGREE", ["TJK"]),
        event("no-aid-tjk", "2024-03-04", ["KAZ"], "AID", ["TJK"], negated=True),
    ))
    assert rebuild_clusters(store).clusters == 4


def test_undated_events_and_events_without_codes_stay_alone(store: Store) -> None:
    store_reports(store, *one_each(
        event("undated-1", None, ["KAZ"], "AID", ["TJK"]),
        event("undated-2", None, ["KAZ"], "AID", ["TJK"]),
        event("nobody-1", "2024-03-04", [], "PROTEST", quad=4),
        event("nobody-2", "2024-03-04", [], "PROTEST", quad=4),
    ))
    assert rebuild_clusters(store).clusters == 4


def test_rebuilding_replaces_clusters_with_the_same_ids(store: Store) -> None:
    store_reports(store, *one_each(event("a", "2024-05-14", ["KGZ", "CHN"])))
    rebuild_clusters(store)
    first_ids = store.connection.execute("SELECT cluster_id FROM clusters").fetchall()
    rebuild_clusters(store)
    assert store.connection.execute("SELECT cluster_id FROM clusters").fetchall() == first_ids
    assert store.connection.execute("SELECT count(*) FROM event_clusters").fetchone() == (1,)


def test_updating_after_new_reports_equals_a_full_rebuild(store: Store) -> None:
    store_reports(store, *one_each(
        event("a", "2024-05-14", ["KGZ", "CHN"]), event("x", "2024-05-14", ["KAZ"], "AID", ["TJK"]),
    ))
    assert update_clusters(store).clusters == 2
    store_reports(store, *one_each(
        event("b", "2024-05-15", ["CHN", "KGZ"]),  # joins an existing cluster
        event("c", "2024-05-30", ["KGZ", "CHN"]),  # a new event of a known key
        event("d", "2024-05-14", ["RUS"], "ACCUSE", ["UKR"]),  # a new key
    ))

    updated = update_clusters(store)
    incremental = (memberships(store), _cluster_table(store))
    rebuild_clusters(store)

    assert (updated.events, updated.clusters) == (5, 4)
    assert incremental == (memberships(store), _cluster_table(store))
    assert memberships(store)[0] == {"a", "b"}


def _cluster_table(store: Store) -> list[tuple]:
    return store.connection.execute("SELECT * FROM clusters ORDER BY cluster_id").fetchall()


# ---------------------------------------------------------------- dyads


@pytest.fixture
def dyad_store(store: Store) -> Store:
    """KGZ-CHN in May 2024: one meeting reported three times, aid both ways, one accusation;
    one June meeting; noise between other pairs."""
    store_reports(store, *one_each(
        event("meet-1", "2024-05-14", ["KGZ", "CHN"]),
        event("meet-2", "2024-05-14", ["CHN", "KGZ"]),
        event("meet-3", "2024-05-15", ["KGZ", "CHN"]),
        event("aid", "2024-05-20", ["CHN"], "AID", ["KGZ"], quad=2, score=10, goldstein=7),
        event("accuse", "2024-05-21", ["KGZ"], "ACCUSE", ["CHN"], quad=3, score=-3, goldstein=-2),
        event("june", "2024-06-03", ["KGZ", "CHN"]),
        event("other", "2024-05-14", ["KAZ", "CHN"]),
        event("solo", "2024-05-14", ["KGZ"], "MOBILIZE", quad=4, score=-5.5),
        event("group", "2024-05-14", ["KGZ", "CHN"], "SANCTION", ["USA"], quad=4, score=-6),
    ))
    rebuild_clusters(store)
    return store


def test_dyad_counts_events_per_month_and_quad_class_both_ways(dyad_store: Store) -> None:
    frame = _frame(dyad_store, "KGZ", "CHN")
    assert frame["period"].dt.strftime("%Y-%m").tolist() == ["2024-05", "2024-06"]
    may = frame.iloc[0]
    assert [may[c] for c in ("events", "quad1", "quad2", "quad3", "quad4")] == [5, 3, 1, 1, 0]
    assert may["mean_plover_score"] == pytest.approx((2.5 * 3 + 10 - 3) / 5)
    assert may["mean_goldstein"] == pytest.approx((1.0 * 3 + 7 - 2) / 5)


def test_clustered_dyad_counts_each_real_world_event_once(dyad_store: Store) -> None:
    clustered = _frame(dyad_store, "chn", "kgz", clustered=True)
    may = clustered.iloc[0]
    assert [may[c] for c in ("events", "quad1", "quad2", "quad3")] == [3, 1, 1, 1]


def test_directed_dyad_keeps_only_the_first_code_acting_on_the_second(dyad_store: Store) -> None:
    directed = _frame(dyad_store, "KGZ", "CHN", directed=True)
    assert directed["events"].tolist() == [1]
    assert directed["quad3"].tolist() == [1]


def test_dyad_frequencies_and_bad_arguments(dyad_store: Store) -> None:
    assert _frame(dyad_store, "KGZ", "CHN", freq="quarter")["events"].tolist() == [6]
    weeks = _frame(dyad_store, "KGZ", "CHN", freq="week")
    assert weeks["period"].dt.day_of_week.eq(0).all()
    assert weeks["events"].sum() == 6
    with pytest.raises(ValueError):
        _frame(dyad_store, "KGZ", "CHN", freq="decade")
    with pytest.raises(ValueError):
        _frame(dyad_store, "KGZ", "kgz")


def _frame(store: Store, a: str, b: str, **options) -> pd.DataFrame:
    from accord.analyse import DYAD_COLUMNS, dyad_rows

    rows = dyad_rows(store.connection, a, b, **options)
    frame = pd.DataFrame(rows, columns=list(DYAD_COLUMNS))
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def test_open_returns_dataframes_arrow_tables_and_raw_sql(dyad_store: Store, tmp_path) -> None:
    path = tmp_path / "events.duckdb"
    dyad_store.close()
    with accord.open(path) as db:
        series = db.dyad("KGZ", "CHN", freq="month")
        assert isinstance(series, pd.DataFrame)
        assert series["events"].tolist() == [5, 1]
        assert db.dyad("KGZ", "CHN", clustered=True)["events"].tolist() == [3, 1]
        events = db.events(actor="KGZ", event_type="consult", start="2024-05-15")
        assert sorted(events["event_id"]) == ["june", "meet-3"]
        assert events["cluster_id"].notna().all()
        table = db.events(recipient="CHN", as_="arrow")
        assert isinstance(table, pa.Table)
        assert table.column("event_id").to_pylist() == ["accuse"]
        assert len(db.events(limit=2)) == 2
        clusters = db.clusters()
        assert clusters.iloc[0]["mentions"] == 3
        assert isinstance(db.clusters(as_="arrow"), pa.Table)
        counted = db.sql("SELECT count(*) AS n FROM events WHERE event = ?", ["AID"])
        assert counted["n"].tolist() == [1]
        assert db.connection.execute("SELECT count(*) FROM clusters").fetchone()[0] == 7
    with pytest.raises(FileNotFoundError):
        accord.open(tmp_path / "missing.duckdb")


# ---------------------------------------------------------------- command line


def test_cluster_and_dyad_commands_print_their_tables(dyad_store: Store, tmp_path, capsys):
    db = str(tmp_path / "events.duckdb")
    dyad_store.close()
    assert main(["cluster", "--db", db, "--window-days", "0"]) == 0
    assert "in 8 cluster(s) (window 0 day(s))" in capsys.readouterr().err

    assert main(["dyad", "KGZ", "CHN", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "KGZ <-> CHN, events per month"
    assert lines[2].split() == ["2024-05-01", "5", "3", "1", "1", "0", "2.90", "1.60"]

    assert main(["dyad", "KGZ", "CHN", "--db", db, "--clustered", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("period,events,quad1")
    assert rows[1].split(",")[:2] == ["2024-05-01", "4"]  # window 0: the 15th is another day


def test_analysis_commands_reject_missing_stores_and_equal_codes(tmp_path, capsys):
    missing = str(tmp_path / "none.duckdb")
    assert main(["dyad", "KGZ", "CHN", "--db", missing]) == 2
    assert main(["cluster", "--db", missing]) == 2
    assert main(["dyad", "KGZ", "kgz", "--db", missing]) == 2
    assert "no store" in capsys.readouterr().err
    assert not Path(missing).exists()


# ---------------------------------------------------------------- the coder, for real

# Three real-world events, each reported by several outlets in their own words, filed from
# different cities on different days. Every article is coded by the real pipeline.
MEETING = [
    ("BEIJING", "2024-05-15", "Xinhua",
     "Chinese President Xi Jinping held talks with Kyrgyz President Sadyr Japarov in Beijing "
     "on Tuesday."),
    ("BISHKEK", "2024-05-15", "AKIpress",
     "Kyrgyz President Sadyr Japarov met Chinese President Xi Jinping in Beijing on Tuesday, "
     "the presidential press service said."),
    ("MOSCOW", "2024-05-16", "TASS",
     "Kyrgyz President Sadyr Japarov held talks with Chinese President Xi Jinping in Beijing on "
     "Tuesday."),
    ("ALMATY", "2024-05-15", "Kazinform",
     "Kyrgyzstan's President Sadyr Japarov and China's President Xi Jinping met in the Chinese "
     "capital on Tuesday."),
    ("TOKYO", "2024-05-17", "Kyodo",
     "Xi Jinping, the Chinese president, received Kyrgyz President Sadyr Japarov in Beijing on "
     "Tuesday."),
]
SANCTIONS = [
    ("BRUSSELS", "2024-04-23", "Xinhua",
     "The European Union on Monday imposed sanctions on Belarus over the detention of "
     "opposition activists."),
    ("PARIS", "2024-04-23", "AFP",
     "The European Union imposed new sanctions on Belarus on Monday."),
    ("LONDON", "2024-04-24", "Reuters",
     "The EU sanctioned Belarus on Monday for its crackdown on dissent."),
]
FLOOD_AID = [
    ("ASTANA", "2024-03-05", "Kazinform",
     "Kazakhstan on Monday delivered humanitarian aid to Tajikistan after floods."),
    # No day named: dated by its dateline, a day after the others, still inside the window.
    ("DUSHANBE", "2024-03-05", "Asia-Plus",
     "Kazakhstan has sent humanitarian aid to Tajikistan."),
    ("TASHKENT", "2024-03-06", "UzA",
     "The government of Kazakhstan provided emergency aid to Tajikistan on Monday."),
]


def write_wire(folder: Path, name: str, city: str, published: str, agency: str,
               body: str) -> None:
    day = date.fromisoformat(published)
    text = (f" date {published} Report from {city.title()}\n\n"
            f"{city}, {day:%B} {day.day} ({agency}) -- {body}\n")
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def coded_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("three_events")
    corpus = folder / "articles"
    corpus.mkdir()
    for label, reports in (("meeting", MEETING), ("sanctions", SANCTIONS), ("aid", FLOOD_AID)):
        for number, report in enumerate(reports):
            write_wire(corpus, f"{label}_{number}", *report)
    db = folder / "corpus.duckdb"
    assert main(["code", str(corpus), "--db", str(db)]) == 0
    return db


def test_eleven_reports_of_three_events_make_exactly_three_clusters(coded_corpus: Path) -> None:
    with accord.open(coded_corpus) as db:
        assert db.sql("SELECT count(*) AS n FROM articles")["n"].tolist() == [11]
        clusters = db.clusters()
    found = {
        (row.event, tuple(row.actor_codes), tuple(row.recipient_codes)):
            (row.mentions, row.articles, row.sources, f"{row.first_date:%Y-%m-%d}")
        for row in clusters.itertuples()
    }
    assert found == {
        ("CONSULT", ("CHN", "KGZ"), ()): (5, 5, 5, "2024-05-14"),
        ("SANCTION", ("EUR",), ("BLR",)): (3, 3, 3, "2024-04-22"),
        ("AID", ("KAZ",), ("TJK",)): (3, 3, 3, "2024-03-04"),
    }


def test_a_zero_day_window_separates_the_report_dated_by_its_dateline(
    coded_corpus: Path, capsys
) -> None:
    assert main(["cluster", "--db", str(coded_corpus), "--window-days", "0"]) == 0
    assert "in 4 cluster(s)" in capsys.readouterr().err
    assert main(["cluster", "--db", str(coded_corpus), "--window-days", "2"]) == 0
    assert "in 3 cluster(s)" in capsys.readouterr().err


def test_a_place_the_clause_names_counts_even_when_it_is_the_dateline_city():
    from accord.cluster_tables import _event_place

    row = {"place_name": "Dushanbe", "country_code": "TJK", "geonameid": 1221874,
           "feature_code": "PPLC", "lat": 38.54, "lon": 68.78, "extracted_place": "Dushanbe",
           "dateline_place": "Dushanbe"}
    assert _event_place({**row, "place_basis": "text"}).country_code == "TJK"
    assert _event_place({**row, "place_basis": "dateline"}) is None
    assert _event_place({**row, "place_basis": None}) is None  # stores from before `basis`
