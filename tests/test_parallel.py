"""--workers N: the text stage in worker processes gives exactly the serial result, streamed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from filmgraph.iris import Iris
from filmgraph.models import Review
from filmgraph.parallel import ParallelTextStage, load_factory
from filmgraph.pipeline import build
from filmgraph.settings import Settings
from filmgraph.store import FilmStore
from filmgraph.errors import ExtractionError

from conftest import REPO
from scale_helpers import CapitalisedWordsStage, generate_corpus, make_capitalised_words_stage


def dataset(store: FilmStore) -> set:
    return {(q.subject, q.predicate, q.object, q.graph_name) for q in store.oxigraph}


@pytest.fixture(scope="module")
def parallel_stage():
    """Two worker processes, small chunks (so the 40-review corpus spans many of them)."""
    with ParallelTextStage(make_capitalised_words_stage, Settings(), workers=2, chunk_size=3) as stage:
        yield stage


def test_parallel_build_gives_the_same_dataset_as_a_serial_build(tmp_path, parallel_stage):
    generate_corpus(40, tmp_path / "corpus")
    results = []
    for name, stage in (("serial", CapitalisedWordsStage()), ("parallel", parallel_stage)):
        settings = Settings(store_path=tmp_path / name)
        with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as st:
            report = build([tmp_path / "corpus"], st, settings, text_stage=stage)
            assert report.count("added") == 40
            results.append((dataset(st), [o.source for o in report.outcomes]))
    (serial, serial_order), (parallel, parallel_order) = results
    assert parallel == serial
    assert parallel_order == serial_order == sorted(str(p) for p in (tmp_path / "corpus").glob("*.txt"))
    assert any("wordCount" in str(q[1]) for q in parallel)  # the text stage's statements are there


def test_a_review_failing_in_a_worker_fails_alone_with_its_name(tmp_path, store, settings, parallel_stage):
    paths = generate_corpus(7, tmp_path / "corpus")
    bad = paths[3]
    bad.write_text(bad.read_text().replace("Throughout its", "FAIL-THIS-REVIEW. Throughout its"))
    report = build([tmp_path / "corpus"], store, settings, text_stage=parallel_stage)
    assert [o.status for o in report.outcomes].count("added") == 6
    assert [o.error for o in report.failed] == [f"{bad}: asked to fail"]
    assert len([g for g in store.content_graphs() if store.iris.is_review_graph(g)]) == 6


def test_switching_the_number_of_workers_rebuilds_nothing(tmp_path, store, settings, parallel_stage):
    generate_corpus(6, tmp_path / "corpus")
    build([tmp_path / "corpus"], store, settings, text_stage=CapitalisedWordsStage())
    report = build([tmp_path / "corpus"], store, settings, text_stage=parallel_stage)
    assert report.count("unchanged") == 6
    assert parallel_stage.fingerprint == CapitalisedWordsStage.fingerprint


def test_reviews_are_streamed_with_a_bounded_number_in_flight(parallel_stage):
    pulled = 0
    most_ahead = 0

    def reviews():
        nonlocal pulled
        for n in range(200):
            pulled += 1
            yield Review(source=f"r{n}.txt", sha256=str(n), title=f"Film {n}", body=f"Some Words here {n}.")

    for done, (review, result) in enumerate(parallel_stage.analyse(reviews()), start=1):
        assert review.source == f"r{done - 1}.txt"  # in input order
        most_ahead = max(most_ahead, pulled - done)
    assert done == 200
    # never more than in_flight chunks (plus the one being refilled) ahead of the consumer
    assert most_ahead <= (parallel_stage.in_flight + 1) * parallel_stage.chunk_size


def test_unknown_text_stage_setting_is_a_clear_error():
    with pytest.raises(ExtractionError, match=r"cannot load the text stage 'nowhere\.module:make'"):
        load_factory("nowhere.module:make")


def test_cli_build_with_workers_runs_the_configured_text_stage(tmp_path):
    generate_corpus(10, tmp_path / "corpus")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")]),
           "FILMGRAPH_TEXT_STAGE": "scale_helpers:make_capitalised_words_stage"}
    cmd = [sys.executable, "-m", "filmgraph", "--store", str(tmp_path / "store"), "build",
           str(tmp_path / "corpus"), "--workers", "2"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "built 10 review(s): 10 added" in result.stderr
    with FilmStore.open(tmp_path / "store", Iris(Settings().base_iri), read_only=True) as st:
        rows = list(st.query("SELECT (COUNT(*) AS ?n) WHERE { ?r <https://schema.org/wordCount> ?c }"))
        assert int(rows[0]["n"].value) == 10


def test_a_stage_built_in_the_main_process_is_shipped_to_the_workers(tmp_path, store, settings):
    """``text_stage_for`` builds the stage once in the main process, then pickles it to each worker."""
    from filmgraph.parallel import text_stage_for

    generate_corpus(5, tmp_path / "corpus")
    stage = text_stage_for(make_capitalised_words_stage, settings.replace(workers=2))
    with stage:
        assert isinstance(stage, ParallelTextStage) and stage.stage is not None
        report = build([tmp_path / "corpus"], store, settings, text_stage=stage)
    assert report.count("added") == 5
    assert text_stage_for(make_capitalised_words_stage, settings).__class__ is CapitalisedWordsStage


@pytest.mark.model
def test_parallel_extraction_gives_the_same_dataset_as_serial_extraction(tmp_path, sample_dir):
    """The real spaCy extraction over 2 workers writes exactly what it writes in-process."""
    from filmgraph.extract import make_text_stage
    from filmgraph.parallel import text_stage_for

    results = []
    for workers in (1, 2):
        settings = Settings(store_path=tmp_path / f"w{workers}", workers=workers)
        with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as st:
            stage = text_stage_for(make_text_stage, settings)
            try:
                report = build([sample_dir], st, settings, text_stage=stage)
            finally:
                getattr(stage, "close", lambda: None)()
            assert report.ok and report.count("added") == len(list(sample_dir.glob("*.txt")))
            results.append(dataset(st))
    serial, parallel = results
    assert parallel == serial
    assert any("hasSelector" in str(q[1]) for q in parallel)  # the extraction's evidence is there


def test_a_duplicate_met_while_the_first_is_in_a_worker_names_the_first(tmp_path, store, settings, parallel_stage):
    paths = generate_corpus(4, tmp_path / "corpus")
    copy = paths[0].with_name(paths[0].stem + "-copy.txt")  # sorts right before it: same chunk, still in flight
    copy.write_bytes(paths[0].read_bytes())
    report = build([tmp_path / "corpus"], store, settings, text_stage=parallel_stage)
    assert report.count("added") == 4 and report.count("skipped") == 1
    (skipped,) = report.problems
    assert skipped.error == f"{paths[0]}: same review (film and reviewer) as {copy}; skipped"


class LoadsOnFirstUse(CapitalisedWordsStage):
    """A stage that 'loads a model' on first use, and says in each result which process loaded it."""

    loaded_in: int | None = None

    def analyse(self, reviews):
        if self.loaded_in is None:
            self.loaded_in = os.getpid()
        for review, result in super().analyse(reviews):
            yield review, (result, self.loaded_in, os.getpid())

    def add_to_graph(self, review, result, rg, iris):
        super().add_to_graph(review, result[0], rg, iris)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")
def test_forked_workers_share_the_stage_the_main_process_loaded(tmp_path, store, settings):
    generate_corpus(12, tmp_path / "corpus")
    with ParallelTextStage(None, settings, workers=2, stage=LoadsOnFirstUse(), chunk_size=2) as stage:
        assert stage.start_method == "fork"
        results = [r for _, r in stage.analyse(
            Review(source=f"r{n}.txt", sha256=str(n), title=f"Film {n}", body="Some Words") for n in range(12))]
        report = build([tmp_path / "corpus"], store, settings, text_stage=stage)
    assert report.count("added") == 12
    workers = {pid for _, _, pid in results}
    assert {loaded for _, loaded, _ in results} == {os.getpid()}  # loaded once, here, before the fork
    assert os.getpid() not in workers and len(workers) >= 1


class RecordsWhereItDraws(CapitalisedWordsStage):
    """Writes the id of the process that drew each graph into it (to see where drawing runs)."""

    fingerprint = "records-where-it-draws/1"

    def add_to_graph(self, review, result, rg, iris):
        from rdflib import Literal, URIRef

        super().add_to_graph(review, result, rg, iris)
        rg.graph.add((rg.review_iri, URIRef("http://example.org/drawnBy"), Literal(os.getpid())))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")
def test_a_parallel_build_draws_its_graphs_in_the_workers_and_writes_them_all(tmp_path, store, settings):
    generate_corpus(20, tmp_path / "corpus")
    with ParallelTextStage(None, settings, workers=2, stage=RecordsWhereItDraws(), chunk_size=2) as stage:
        report = build([tmp_path / "corpus"], store, settings, text_stage=stage)
    assert report.count("added") == 20 and report.render.written == 20
    drawn_by = {int(r["pid"].value) for r in store.query(
        "SELECT ?pid WHERE { GRAPH ?g { ?r <http://example.org/drawnBy> ?pid } }")}
    assert drawn_by and os.getpid() not in drawn_by
    counts = [int(r["n"].value) for r in store.query(
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?r <http://example.org/drawnBy> ?pid } }")]
    assert counts == [20]
