"""Coding on many processes gives exactly what one process gives, in the same order."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from accord import cli, scale
from accord.model import Article, Reject
from accord.pipeline import code_articles
from accord.readers import read_inputs

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 12


def _corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scale") / "corpus"
    _corpus_module().write_corpus(folder, ARTICLES, seed=11)
    return folder


def event_keys(outcomes) -> list[tuple]:
    return sorted(
        (event.id, event.event, tuple(actor.code or "" for actor in event.actor),
         tuple(actor.code or "" for actor in event.recipient))
        for outcome in outcomes if isinstance(outcome, tuple) for event in outcome[1])


def article_order(outcomes) -> list[str]:
    return [outcome[0].id for outcome in outcomes if isinstance(outcome, tuple)]


@pytest.fixture(scope="module")
def single_process(corpus: Path) -> list:
    return list(code_articles(read_inputs([str(corpus)])))


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        yield cluster


def test_two_dask_workers_code_exactly_the_events_of_one_process(
        corpus, single_process, dask_cluster):
    from distributed import Client

    stats = scale.RunStats()
    with Client(dask_cluster) as client:
        outcomes = list(scale.code_on_dask(read_inputs([str(corpus)]), client,
                                           partition_size=3, stats=stats))
    assert event_keys(single_process)  # the corpus does produce events
    assert event_keys(outcomes) == event_keys(single_process)
    assert article_order(outcomes) == article_order(single_process)
    assert stats.articles == ARTICLES and stats.partitions == 4
    assert all(0 < peak < 1500 for peak in stats.worker_peak_mb.values())


def test_process_pool_codes_exactly_the_events_of_one_process_in_order(
        corpus, single_process):
    outcomes = list(scale.code_parallel(read_inputs([str(corpus)]), workers=2,
                                        partition_size=3))
    assert event_keys(outcomes) == event_keys(single_process)
    assert article_order(outcomes) == article_order(single_process)


def test_cli_on_a_dask_scheduler_writes_parquet_parts_and_still_reports_rejects(
        corpus, single_process, dask_cluster, tmp_path, capsys):
    out = tmp_path / "events"
    missing = str(tmp_path / "missing.txt")
    rejects = tmp_path / "rejects.jsonl"
    code = cli.main(["code", str(corpus), missing, "--engine", "dask", "--scheduler",
                     dask_cluster.scheduler_address, "--out", str(out), "--format", "parquet",
                     "--rejects", str(rejects)])
    assert code == 1
    assert f"rejected {missing}: file not found" in capsys.readouterr().err
    assert json.loads(rejects.read_text())["input"] == missing
    # the same layout as --engine local and `accord export`: a directory partitioned by month
    assert {p.name.split("=")[0] for p in out.iterdir()} == {"month"}
    table = pq.read_table(out).to_pylist()
    expected = {(key[0], key[1]) for key in event_keys(single_process)}
    assert {(row["event_id"], row["event"]) for row in table} == expected


def test_scheduler_without_dask_engine_is_a_usage_error(corpus):
    assert cli.main(["code", str(corpus), "--scheduler", "tcp://127.0.0.1:1"]) == 2


def test_partitions_close_at_article_count_or_characters_and_keep_rejects_in_place():
    items = [Article("a", "x" * 10), Reject("bad", "empty"), Article("b", "x" * 10),
             Article("c", "x" * 50), Article("d", "x" * 10)]
    chunks = list(scale.partitions(items, size=2, char_budget=40))
    assert [[getattr(item, "id", "R") for item in chunk] for chunk in chunks] == [
        ["a", "R", "b"], ["c"], ["d"]]


def test_a_failed_partition_rejects_each_of_its_articles_and_keeps_its_rejects():
    items = [Article("a", "text", origin="a.txt"), Reject("b.txt", "empty")]
    outcomes = scale.failed_partition(items, MemoryError("worker killed"))
    assert outcomes[0].origin == "a.txt" and "worker killed" in outcomes[0].reason
    assert outcomes[1] == items[1]


