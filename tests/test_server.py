"""The HTTP API (accord.server): every endpoint and filter against a store coded from articles
written here, pagination, 413 and 422 answers, the write guard, and a schemathesis run that
finds no server error. Expected answers come from the stored records, filtered in Python."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from accord import cli  # noqa: E402
from accord.server import MAX_LIMIT, create_app  # noqa: E402
from accord.store import Store  # noqa: E402

ARTICLES = {
    "kenya_japan_aid.txt": """date 2024-02-05 Japan pledges drought aid to Kenya
NAIROBI, Feb. 5 (Xinhua) -- Kenyan President William Ruto met Japanese Foreign Minister Yoko \
Kamikawa in Nairobi on Monday.

Japan pledged 20 million U.S. dollars in aid to Kenya for drought relief, the two sides said \
after the talks.
""",
    "kenya_japan_dispute.txt": """date 2024-04-10 Kenya criticises Japan over fishing rules
NAIROBI, April 10 (Xinhua) -- Kenya on Wednesday accused Japan of ignoring a fisheries \
agreement off the coast of Mombasa.

Kenyan Foreign Minister Musalia Mudavadi said Nairobi rejected the new quotas announced by Tokyo.
""",
    "brazil_argentina_trade.txt": """date 2024-06-01 Brazil, Argentina sign trade pact
BRASILIA, June 1 (Xinhua) -- Brazil and Argentina signed a trade agreement in Brasilia on \
Saturday to cut tariffs on farm goods.
""",
    "eu_belarus_sanctions.txt": """date 2024-05-20 EU imposes sanctions on Belarus
BRUSSELS, May 20 (Xinhua) -- The European Union on Monday imposed sanctions on Belarus over the \
detention of opposition activists.

Belarus condemned the sanctions and threatened to retaliate against the bloc.
""",
}

NEW_ARTICLE = ("MOSCOW, July 2 (Xinhua) -- Russian President Vladimir Putin met Chinese "
               "President Xi Jinping in Moscow on Tuesday.")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder.parent / "api.duckdb"
    assert cli.main(["code", str(folder), "--db", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def records(store_path: Path) -> list[dict]:
    """Every stored record with its article hash: the oracle the API answers are checked on."""
    with Store(store_path, read_only=True) as store:
        rows = store.connection.execute(
            "SELECT content_hash, record FROM events "
            "ORDER BY date NULLS LAST, doc_id, text_start NULLS LAST, event_id").fetchall()
    found = [{**json.loads(record), "content_hash": digest} for digest, record in rows]
    assert len(found) >= 4
    return found


@pytest.fixture(scope="module")
def client(store_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store_path)) as test_client:
        yield test_client


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


def codes(parties: list[dict]) -> set[str]:
    return {party["code"] for party in parties if party["code"]}


def listed(client: TestClient, **params: object) -> dict:
    response = client.get("/events", params={"limit": MAX_LIMIT, **params})
    assert response.status_code == 200, response.text
    return response.json()


def error_fields(response) -> set[str]:
    assert response.status_code == 422, response.text
    return {error["loc"][-1] for error in response.json()["detail"]}


# ---------------------------------------------------------------- read endpoints


def test_health_reports_the_store_counts(client: TestClient, records: list[dict]) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["articles"] == len(ARTICLES)
    assert body["events"] == len(records)
    assert body["clusters"] >= 1
    assert body["writable"] is False


def test_codes_lists_every_party_code_with_its_name(client: TestClient,
                                                    records: list[dict]) -> None:
    listed_codes = {item["code"]: item for item in client.get("/codes").json()}
    expected = set().union(*(codes(r["actor"]) | codes(r["recipient"]) for r in records))
    assert set(listed_codes) == expected
    assert listed_codes["KEN"]["name"] == "Kenya"


def test_events_without_filters_list_every_record_in_store_order(
    client: TestClient, records: list[dict]
) -> None:
    page = listed(client)
    assert page["total"] == len(records)
    assert ids(page["items"]) == ids(records)
    first = page["items"][0]
    assert first["evidence"] and first["text_info"] and first["content_hash"]
    assert "cluster_id" in first


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"actor": "ken"}, lambda r: "KEN" in codes(r["actor"])),
        ({"recipient": "JPN"}, lambda r: "JPN" in codes(r["recipient"])),
        ({"type": "accuse"}, lambda r: r["event"] == "ACCUSE"),
        ({"quad": 3}, lambda r: r["quad_code"] == 3),
        ({"start": "2024-04-01"}, lambda r: r["date"] and r["date"] >= "2024-04-01"),
        ({"end": "2024-04-30"}, lambda r: r["date"] and r["date"] <= "2024-04-30"),
        ({"start": "2024-04-01", "end": "2024-05-31"},
         lambda r: r["date"] and "2024-04-01" <= r["date"] <= "2024-05-31"),
        ({"place": "nairo"},
         lambda r: "nairo" in ((r["event_loc"] or {}).get("resolved_place") or "").lower()),
        ({"country": "bel"}, lambda r: (r["event_loc"] or {}).get("country_code") == "BEL"),
        ({"q": "SANCTIONS"}, lambda r: "sanctions" in r["evidence"].lower()),
        ({"a": "KEN", "b": "JPN"},
         lambda r: ({"KEN", "JPN"} <= codes(r["actor"]) and not codes(r["recipient"]))
         or ("KEN" in codes(r["actor"]) and "JPN" in codes(r["recipient"]))
         or ("JPN" in codes(r["actor"]) and "KEN" in codes(r["recipient"]))),
        ({"actor": "KEN", "quad": 1, "end": "2024-03-01"},
         lambda r: "KEN" in codes(r["actor"]) and r["quad_code"] == 1
         and r["date"] <= "2024-03-01"),
    ],
    ids=["actor", "recipient", "type", "quad", "start", "end", "date-range", "place", "country",
         "text", "dyad", "combined"],
)
def test_each_event_filter_keeps_exactly_the_matching_records(
    client: TestClient, records: list[dict], params: dict, keep
) -> None:
    expected = [r for r in records if keep(r)]
    assert expected, f"the sample articles should give events for {params}"
    page = listed(client, **params)
    assert ids(page["items"]) == ids(expected)
    assert page["total"] == len(expected)


def test_text_search_treats_wildcards_and_quotes_as_plain_characters(
    client: TestClient, records: list[dict]
) -> None:
    assert listed(client, q="%")["total"] == 0
    assert listed(client, q="_")["total"] == 0
    assert listed(client, q="'; DROP TABLE events; --")["total"] == 0
    assert listed(client)["total"] == len(records)


def test_pages_partition_the_listing_and_keep_the_total(
    client: TestClient, records: list[dict]
) -> None:
    pages = [client.get("/events", params={"limit": 2, "offset": offset}).json()
             for offset in range(0, len(records) + 2, 2)]
    assert all(page["total"] == len(records) for page in pages)
    assert all(len(page["items"]) <= 2 for page in pages)
    assert [i for page in pages for i in ids(page["items"])] == ids(records)
    assert pages[-1]["items"] == []


def test_clusters_page_and_filter_by_actor(client: TestClient, store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        total = store.cluster_count()
    everything = client.get("/clusters", params={"limit": MAX_LIMIT}).json()
    assert everything["total"] == total == len(everything["items"])
    mentions = [c["mentions"] for c in everything["items"]]
    assert mentions == sorted(mentions, reverse=True)
    first = client.get("/clusters", params={"limit": 1, "offset": 1}).json()
    assert first["items"] == everything["items"][1:2]
    kenyan = client.get("/clusters", params={"actor": "KEN"}).json()
    assert kenyan["total"] >= 1
    assert all("KEN" in c["actor_codes"] for c in kenyan["items"])
    quad = client.get("/clusters", params={"quad": 4, "type": "SANCTION"}).json()
    assert all(c["quad_code"] == 4 and c["event"] == "SANCTION" for c in quad["items"])


def test_dyad_series_counts_the_dyad_events_per_month(
    client: TestClient, records: list[dict]
) -> None:
    between = listed(client, a="KEN", b="JPN")["items"]
    body = client.get("/dyad", params={"a": "ken", "b": "JPN"}).json()
    assert (body["a"], body["b"], body["freq"]) == ("KEN", "JPN", "month")
    assert sum(p["events"] for p in body["periods"]) == len(between)
    months = sorted({r["date"][:7] + "-01" for r in between})
    assert [p["period"] for p in body["periods"]] == months
    for period in body["periods"]:
        assert period["events"] == sum(period[f"quad{q}"] for q in range(1, 5))
    clustered = client.get("/dyad", params={"a": "KEN", "b": "JPN", "clustered": True,
                                            "freq": "quarter"}).json()
    assert 1 <= sum(p["events"] for p in clustered["periods"]) <= len(between)
    directed = client.get("/dyad", params={"a": "KEN", "b": "JPN", "directed": True}).json()
    assert sum(p["events"] for p in directed["periods"]) <= len(between)


def test_top_dyads_are_limited_and_most_active_first(client: TestClient) -> None:
    rows = client.get("/top-dyads", params={"limit": 3}).json()
    assert 1 <= len(rows) <= 3
    assert [r["events"] for r in rows] == sorted((r["events"] for r in rows), reverse=True)


def test_article_view_has_the_text_and_its_events(client: TestClient,
                                                  records: list[dict]) -> None:
    body = client.get("/articles/kenya_japan_dispute").json()
    assert "accused Japan" in body["text"]
    assert body["title"] == "Kenya criticises Japan over fishing rules"
    expected = [r for r in records if r["doc_id"] == "kenya_japan_dispute"]
    assert sorted(ids(body["events"])) == sorted(ids(expected))
    for event in body["events"]:
        info = event["text_info"]
        assert body["text"][info["trigger_start"]:info["trigger_end"]] == event["trigger"]
    digest = body["content_hash"]
    again = client.get("/articles/kenya_japan_dispute", params={"content_hash": digest})
    assert again.json()["content_hash"] == digest


def test_unknown_article_is_404(client: TestClient) -> None:
    assert client.get("/articles/no_such_article").status_code == 404
    other_hash = "0" * 64
    response = client.get("/articles/kenya_japan_dispute", params={"content_hash": other_hash})
    assert response.status_code == 404


def test_dashboard_and_docs_are_served_without_any_cdn(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'src="/static/app.js"' in page.text
    docs = client.get("/docs").text
    for text in (page.text, docs):
        assert "http://" not in text and "https://" not in text.replace("https://swagger", "")
    for asset in ("/static/app.js", "/static/style.css",
                  "/static/vendor/world-atlas/countries-110m.json",
                  "/static/vendor/swagger-ui/swagger-ui-bundle.js"):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/openapi.json").json()["info"]["title"] == "accord"


# ---------------------------------------------------------------- 422 and 413


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/events", {"limit": MAX_LIMIT + 1}, "limit"),
        ("/events", {"limit": 0}, "limit"),
        ("/events", {"offset": -1}, "offset"),
        ("/events", {"quad": 5}, "quad"),
        ("/events", {"start": "2024-13-01"}, "start"),
        ("/events", {"start": "2024-05-01", "end": "2024-04-01"}, "end"),
        ("/events", {"actor": "KENYA"}, "actor"),
        ("/events", {"type": "HUG"}, "type"),
        ("/events", {"a": "KEN"}, "b"),
        ("/events", {"a": "KEN", "b": "ken"}, "b"),
        ("/clusters", {"end": "yesterday"}, "end"),
        ("/clusters", {"type": "NOPE"}, "type"),
        ("/dyad", {"a": "KEN"}, "b"),
        ("/dyad", {"a": "KEN", "b": "JPN", "freq": "day"}, "freq"),
        ("/dyad", {"a": "KEN", "b": "KEN"}, "b"),
        ("/dyad", {"a": "KEN", "b": "JPN", "clustered": "maybe"}, "clustered"),
        ("/top-dyads", {"limit": "ten"}, "limit"),
        ("/articles/x", {"content_hash": "abc"}, "content_hash"),
    ],
)
def test_malformed_parameters_get_422_naming_the_field(
    client: TestClient, path: str, params: dict, field: str
) -> None:
    assert field in error_fields(client.get(path, params=params))


def writable_app(store_path: Path, tmp_path: Path, **options):
    copy = tmp_path / "writable.duckdb"
    shutil.copy(store_path, copy)
    return create_app(copy, allow_write=True, **options)


def test_bodies_over_the_limit_get_413_declared_or_streamed(
    store_path: Path, tmp_path: Path
) -> None:
    app = writable_app(store_path, tmp_path, token="secret", max_body_bytes=1000)
    auth = {"Authorization": "Bearer secret"}
    with TestClient(app) as writer:
        big = writer.post("/code", json={"text": "x" * 2000}, headers=auth)
        assert big.status_code == 413
        streamed = writer.post("/code", content=(b"x" * 400 for _ in range(5)),
                               headers={**auth, "Content-Type": "application/json"})
        assert streamed.status_code == 413
    with TestClient(create_app(store_path, max_body_bytes=1000)) as reader:
        assert reader.post("/code", content=b"{" * 5000).status_code == 413


# ---------------------------------------------------------------- the write guard


def test_writing_is_refused_by_a_read_only_server(client: TestClient) -> None:
    response = client.post("/code", json={"text": NEW_ARTICLE},
                           headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_allow_write_without_a_token_is_refused_at_start(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    with pytest.raises(ValueError, match="token"):
        create_app(store_path, allow_write=True)


def test_write_needs_the_right_bearer_token(store_path: Path, tmp_path: Path) -> None:
    with TestClient(writable_app(store_path, tmp_path, token="s3cret")) as writer:
        body = {"text": NEW_ARTICLE, "id": "putin_xi", "date": "2024-07-02"}
        missing = writer.post("/code", json=body)
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        wrong = writer.post("/code", json=body, headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 403
        assert writer.get("/health").json()["articles"] == len(ARTICLES)
        right = writer.post("/code", json=body, headers={"Authorization": "Bearer s3cret"})
        assert right.status_code == 200, right.text
        result = right.json()
        assert result["added"] == 1 and result["events"]
        assert writer.get("/health").json()["articles"] == len(ARTICLES) + 1
        stored = writer.get("/events", params={"a": "RUS", "b": "CHN"}).json()
        assert stored["total"] >= 1
        assert writer.get("/articles/putin_xi").json()["text"] == NEW_ARTICLE
        again = writer.post("/code", json=body, headers={"Authorization": "Bearer s3cret"})
        assert again.json()["duplicates"] == 1


def test_write_token_may_come_from_the_environment(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_TOKEN", "from-env")
    with TestClient(writable_app(store_path, tmp_path)) as writer:
        malformed = writer.post("/code", json={"title": "no text"},
                                headers={"Authorization": "Bearer from-env"})
        assert "text" in error_fields(malformed)
        empty = writer.post("/code", json={"text": ""}, headers={"Authorization": "Bearer x"})
        assert empty.status_code == 403


def test_a_missing_store_is_refused_unless_writing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        create_app(tmp_path / "none.duckdb")


def test_serve_command_reports_usage_errors(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    assert cli.main(["serve", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert cli.main(["serve", "--db", str(tmp_path / "new.duckdb"), "--allow-write"]) == 2


def test_serve_command_runs_uvicorn_with_the_given_address(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    assert cli.main(["serve", "--db", str(store_path), "--port", "8123"]) == 0
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    assert seen["app"].title == "accord"


# ---------------------------------------------------------------- schemathesis


@pytest.fixture(scope="module")
def api_schema(store_path: Path):
    schemathesis = pytest.importorskip("schemathesis")
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(store_path))


def test_schemathesis_finds_no_server_error(api_schema) -> None:
    from schemathesis import GenerationMode

    failures: list[tuple] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(operation, mode, failures)
    assert not failures


def fuzz_operation(operation, mode, failures: list[tuple]) -> None:
    """Call one operation with generated requests; collect every 5xx answer."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error

    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case) -> None:
        response = case.call()
        if response.status_code >= 500:
            failures.append((operation.label, mode.value, case.path_parameters, case.query,
                             response.status_code, response.text[:200]))
        case.validate_response(response, checks=[not_a_server_error])

    try:
        call()
    except Unsatisfiable:
        pass  # no parameters to make invalid (negative mode on /health)
    except Exception as error:  # noqa: BLE001 - reported with the 5xx answers
        failures.append((operation.label, mode.value, repr(error)[:500]))
