"""The store: one named graph per review, rebuilt only when changed, never half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.compare import isomorphic

from filmgraph.graph import review_graph
from filmgraph.iris import Iris
from filmgraph.models import ReviewSource
from filmgraph.pipeline import remove_reviews, build
from filmgraph.read import read_review
from filmgraph.settings import Settings
from filmgraph.store import FilmStore
from filmgraph.vocab import FG

from conftest import DATA, REPO

TEMPLATE = """{title} (2010)

Genre: Drama
Director: {director}
Cast: Actor {n}, Shared Star

Movie Review:
Film number {n} is reviewed here at some length. {padding}

Review by Critic {n}
"""


def write_reviews(folder: Path, count: int, padding: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        p = folder / f"review-{n:05d}.txt"
        p.write_text(TEMPLATE.format(title=f"Film {n}", director=f"Director {n % 7}", n=n, padding=padding))
        paths.append(p)
    return paths


def dataset(store: FilmStore) -> set:
    return {(q.subject, q.predicate, q.object, q.graph_name) for q in store.oxigraph}


def test_build_puts_each_review_in_its_own_named_graph(store, settings, tmp_path):
    write_reviews(tmp_path / "r", 3)
    report = build([tmp_path / "r"], store, settings)
    assert [o.status for o in report.outcomes] == ["added"] * 3
    review_graphs = [g for g in store.content_graphs() if store.iris.is_review_graph(g)]
    assert review_graphs == [str(store.iris.review_graph(f"film-{n}-2010-by-critic-{n}")) for n in range(3)]
    assert str(store.iris.ontology_graph) in store.content_graphs()


def test_same_person_in_two_reviews_is_one_node(store, settings, tmp_path):
    write_reviews(tmp_path / "r", 2)
    build([tmp_path / "r"], store, settings)
    rows = list(store.query('SELECT DISTINCT ?p WHERE { ?p <https://schema.org/name> "Shared Star" }'))
    assert [r["p"].value for r in rows] == [settings.base_iri + "person/shared-star"]
    graphs = list(store.query('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?f <https://schema.org/actor> ?p . '
                              '?p <https://schema.org/name> "Shared Star" } }'))
    assert len(graphs) == 2  # stated by both reviews, each in its own graph


def test_rebuilding_an_unchanged_review_changes_nothing(store, settings, tmp_path):
    write_reviews(tmp_path / "r", 3)
    build([tmp_path / "r"], store, settings)
    before = dataset(store)
    report = build([tmp_path / "r"], store, settings)
    assert [o.status for o in report.outcomes] == ["unchanged"] * 3
    assert dataset(store) == before


def test_changed_review_replaces_its_graph(store, settings, tmp_path):
    [p, _] = write_reviews(tmp_path / "r", 2)
    build([tmp_path / "r"], store, settings)
    p.write_text(p.read_text().replace("Actor 0, Shared Star", "Someone New"))
    report = build([tmp_path / "r"], store, settings)
    assert [o.status for o in report.outcomes] == ["replaced", "unchanged"]
    g = store.graph(store.iris.review_graph("film-0-2010-by-critic-0"))
    names = {str(o) for o in g.objects(None, URIRef("https://schema.org/name"))}
    assert "Someone New" in names and "Actor 0" not in names


def test_building_twice_into_fresh_stores_gives_the_same_dataset(tmp_path):
    write_reviews(tmp_path / "r", 4)
    results = []
    for run in ("a", "b"):
        s = Settings(store_path=tmp_path / run)
        with FilmStore.open(s.store_path, Iris(s.base_iri)) as st:
            build([tmp_path / "r"], st, s)
            results.append(dataset(st))
    assert results[0] == results[1]


def test_stored_graph_equals_the_review_graph(store, settings, seed_path):
    build([seed_path], store, settings)
    rg = review_graph(read_review(ReviewSource(str(seed_path), seed_path.read_bytes())), store.iris)
    assert isomorphic(store.graph(rg.graph_iri), rg.graph)


def test_a_failed_review_does_not_stop_the_others(store, settings, tmp_path):
    write_reviews(tmp_path / "r", 2)
    (tmp_path / "r" / "review-00000b.txt").write_bytes(b"")
    report = build([tmp_path / "r"], store, settings)
    assert [o.status for o in report.outcomes] == ["added", "failed", "added"]
    assert report.failed[0].error.endswith("review-00000b.txt: empty file")


def test_duplicate_review_in_one_build_is_skipped_with_a_warning(store, settings, tmp_path):
    [p] = write_reviews(tmp_path / "r", 1)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(p.read_bytes())
    report = build([p, copy], store, settings)
    assert [o.status for o in report.outcomes] == ["added", "skipped"]
    assert str(p) in report.outcomes[1].error


def test_read_only_open_of_a_missing_store_is_a_clear_error(tmp_path):
    from filmgraph.errors import StoreError

    with pytest.raises(StoreError, match="no store at .*run `filmgraph build` first"):
        FilmStore.open(tmp_path / "nothing", Iris(Settings().base_iri), read_only=True)


def _review_graph_count(path: Path) -> int:
    """Reviews a running build has got to: analysed and cached (their graphs follow once all are)."""
    try:
        ro = ox.Store.read_only(str(path))
    except (OSError, RuntimeError):  # the build has created the folder, not yet the whole database
        return 0
    try:
        return sum(1 for _ in ro.quads_for_pattern(None, ox.NamedNode(str(FG.cacheOf)), None, None))
    finally:
        del ro


def _build_until_some_reviews_are_stored(tmp_path: Path, total: int, store_path: Path) -> subprocess.Popen:
    """Start a real `filmgraph build` of ``total`` reviews; return once 20 of them are cached in the store."""
    write_reviews(tmp_path / "r", total, padding="More words. " * 30)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    # header statements only: the graphs are compared with review_graph() and resumed without a text stage
    cmd = [sys.executable, "-m", "filmgraph", "--quiet", "--store", str(store_path), "build", "--no-text",
           str(tmp_path / "r")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if store_path.exists() and _review_graph_count(store_path) >= 20:
            break
        time.sleep(0.02)
    return proc


def test_killed_build_leaves_every_review_complete_and_resumes(tmp_path):
    """SIGKILL a real `filmgraph build` mid-way: no review is half-written, and a rerun finishes the rest."""
    total = 1500
    store_path = tmp_path / "store"
    proc = _build_until_some_reviews_are_stored(tmp_path, total, store_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    settings = Settings(store_path=store_path)
    iris = Iris(settings.base_iri)
    with FilmStore.open(store_path, iris) as st:
        from filmgraph.resolve import cache

        done = [s for s in st.stored_graphs() if iris.is_review_graph(s.graph_iri)]
        graphs = [g for g in st.content_graphs() if iris.is_review_graph(g)]
        assert 20 <= len(cache.read_index(st)) and len(done) < total, "the build was not interrupted mid-way"
        assert sorted(s.graph_iri for s in done) == graphs  # no graph without its bookkeeping
        for s in done:  # every review that is there is complete
            src = Path(s.source)
            expected = review_graph(read_review(ReviewSource(str(src), src.read_bytes())), iris)
            assert isomorphic(st.graph(s.graph_iri), expected.graph), s.source
        analysed = len(cache.read_index(st))  # read and cached; rendered or not
        assert analysed >= len(done)
        report = build([tmp_path / "r"], st, settings)
        assert report.count("unchanged") == analysed  # never analysed twice
        assert report.count("added") == total - analysed
        resumed = dataset(st)
    fresh = Settings(store_path=tmp_path / "fresh")
    with FilmStore.open(fresh.store_path, iris) as st:
        build([tmp_path / "r"], st, fresh)
        assert dataset(st) == resumed


def test_ctrl_c_stops_a_build_cleanly_with_exit_130(tmp_path):
    """SIGINT (Ctrl-C) mid-build: one message, exit code 130, every stored review complete."""
    total = 1500
    store_path = tmp_path / "store"
    proc = _build_until_some_reviews_are_stored(tmp_path, total, store_path)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr.strip() == "filmgraph: interrupted; every review already written is complete in the store"
    iris = Iris(Settings().base_iri)
    with FilmStore.open(store_path, iris) as st:
        from filmgraph.resolve import cache

        done = [s for s in st.stored_graphs() if iris.is_review_graph(s.graph_iri)]
        assert 20 <= len(cache.read_index(st)) and len(done) < total
        assert sorted(s.graph_iri for s in done) == [g for g in st.content_graphs() if iris.is_review_graph(g)]


# --- the default graph with set semantics (issue 11) -----------------------------------------

COUNTS = """PREFIX schema: <https://schema.org/>
SELECT (COUNT(?p) AS ?plain) (COUNT(DISTINCT ?p) AS ?distinct) WHERE { ?p a schema:Person }"""


def counts(store: FilmStore, sparql: str = COUNTS) -> tuple[int, int]:
    row = next(iter(store.query(sparql)))
    return int(row["plain"].value), int(row["distinct"].value)


def default_triples(store: FilmStore) -> set:
    return {q.triple for q in store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def union_of_data(store: FilmStore) -> set:
    return {q.triple for q in store.quads(store.data_graphs())}


def test_default_graph_sees_each_statement_once_and_counts_equal_stats(store, settings, tmp_path):
    from filmgraph.stats import store_stats

    build(write_reviews(tmp_path / "in", 3), store, settings)  # "Shared Star" is in all three
    plain, distinct = counts(store)
    stats = store_stats(store)
    assert plain == distinct == stats.people
    triples = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value
    assert int(triples) == stats.triples < stats.quads
    assert default_triples(store) == union_of_data(store)
    ontology = {q.triple for q in store.quads([str(store.iris.ontology_graph)])}
    assert ontology and not ontology & default_triples(store)  # nor the bookkeeping: data only


def test_a_statement_leaves_the_default_graph_only_when_no_review_states_it(store, settings, tmp_path):
    paths = write_reviews(tmp_path / "in", 2)
    build(paths, store, settings)
    shared = next(t for t in default_triples(store) if t.object == ox.Literal("Shared Star"))
    first = next(g for g in store.data_graphs() if "review/" in g)
    remove_reviews(store, settings, [first])  # the review and its cached reading, then the rest re-resolved
    assert shared in default_triples(store)  # the other review still says it
    assert default_triples(store) == union_of_data(store)
    paths[1].write_text(paths[1].read_text().replace("Shared Star", "Someone Else"))
    build(paths[1:], store, settings)  # replaced: its old statements leave with it
    assert shared not in default_triples(store)
    assert default_triples(store) == union_of_data(store)


def test_a_store_written_before_the_default_graph_was_kept_is_queried_as_a_union_then_filled(settings, tmp_path):
    path = tmp_path / "store"
    with FilmStore.open(path, Iris(settings.base_iri)) as fresh:
        build(write_reviews(tmp_path / "in", 2), fresh, settings)
        expected = union_of_data(fresh)
    legacy = tmp_path / "legacy.nq"
    with FilmStore.open(path, Iris(settings.base_iri)) as s:  # what an older filmgraph left behind
        meta = ox.NamedNode(str(s.iris.meta_graph))
        quads = [q for q in s.oxigraph if not isinstance(q.graph_name, ox.DefaultGraph)
                 and not (q.graph_name == meta and q.subject == meta)]
    with open(legacy, "wb") as fh:
        ox.serialize(quads, fh, ox.RdfFormat.N_QUADS)
    old = FilmStore.in_memory(Iris(settings.base_iri))
    old.oxigraph.load(path=str(legacy), format=ox.RdfFormat.N_QUADS)
    assert not old.keeps_default_graph and not default_triples(old)
    plain, distinct = counts(old)
    assert plain > distinct > 0  # Oxigraph's union, duplicates and all, as before
    build(write_reviews(tmp_path / "more", 3)[2:], old, settings)  # the first write fills it
    assert old.keeps_default_graph
    assert default_triples(old) == union_of_data(old) > expected
    plain, distinct = counts(old)
    assert plain == distinct


def test_loading_a_file_keeps_the_default_graph(store, settings, tmp_path):
    build(write_reviews(tmp_path / "in", 1), store, settings)
    trig = tmp_path / "extra.trig"
    trig.write_text('<https://w3id.org/filmgraph/id/graph/extra> { <https://w3id.org/filmgraph/id/film/x> '
                    '<https://schema.org/name> "X" }\n')
    store.load(trig)
    assert store.query("ASK { ?s ?p 'X' }")
    store.update("DROP GRAPH <https://w3id.org/filmgraph/id/graph/extra>")
    assert not store.query("ASK { ?s ?p 'X' }")
    assert default_triples(store) == union_of_data(store)


def test_stats_from_recorded_counts_equal_stats_from_counting(store, settings, tmp_path):
    from filmgraph.stats import store_stats

    build(write_reviews(tmp_path / "in", 3), store, settings)
    build(write_reviews(tmp_path / "in", 3)[:1], store, settings, force=True)  # rewritten in place
    recorded = store_stats(store)
    assert recorded.quads == sum(store.graph_size(g) for g in store.data_graphs())
    meta = ox.NamedNode(str(store.iris.meta_graph))
    store.oxigraph.remove(next(q for q in store.oxigraph.quads_for_pattern(None, None, None, meta)
                                if q.predicate.value.endswith("#tripleCount")))
    assert store_stats(store) == recorded  # one graph without a count: every graph counted


def _quads(store: FilmStore) -> set:
    return {(q.subject, q.predicate, q.object, q.graph_name) for q in store.oxigraph}


def _triples(n: int, shared: str = "shared") -> list:
    from rdflib import Literal

    s = URIRef(f"http://example.org/film/{n}")
    return [(s, URIRef("https://schema.org/name"), Literal(f"Film {n}")),
            (URIRef("http://example.org/person/" + shared), URIRef("https://schema.org/name"), Literal(shared))]


def test_graphs_written_in_bulk_equal_graphs_written_one_by_one(tmp_path):
    iris = Iris(Settings().base_iri)
    graphs = [URIRef(f"{iris.base}graph/review/r{n}") for n in range(7)]
    stores = []
    for name, bulk in (("one-by-one", False), ("bulk", True)):
        st = FilmStore.open(tmp_path / name, iris)
        st.replace_graph(graphs[0], _triples(0), source="r0.txt", build_key="k0")  # an existing graph
        st.BULK_QUADS = 5  # several bulk loads within the block
        with (st.bulk_writes() if bulk else open(os.devnull)):
            for n, g in enumerate(graphs[1:], 1):
                st.replace_graph(g, _triples(n), source=f"r{n}.txt", build_key=f"k{n}")
            st.replace_graph(graphs[0], _triples(0, "other"), source="r0.txt", build_key="k0b")  # replaced inside
        stores.append(st)
    one, bulk = stores
    assert _quads(one) == _quads(bulk)
    # the default graph keeps set semantics: the person the six new graphs share is there once
    rows = list(bulk.query("SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/person/shared> ?p ?o }"))
    assert rows[0]["n"].value == "1"
    assert bulk.stored(graphs[3]).build_key == "k3"
    for st in stores:
        st.close()


def test_an_error_inside_bulk_writes_loses_whole_graphs_never_half_of_one(tmp_path):
    iris = Iris(Settings().base_iri)
    st = FilmStore.open(tmp_path / "s", iris)
    g = [URIRef(f"{iris.base}graph/review/r{n}") for n in range(3)]
    st.replace_graph(URIRef(f"{iris.base}graph/review/before"), _triples(9), source="b.txt", build_key="b")
    st.BULK_QUADS = 10  # the first two graphs (7 quads each) go out in one load, the third waits
    with pytest.raises(RuntimeError):
        with st.bulk_writes():
            for n in range(3):
                st.replace_graph(g[n], _triples(n, f"p{n}"), source=f"r{n}.txt", build_key=f"k{n}")
            raise RuntimeError("interrupted")
    assert [st.stored(x) is not None for x in g] == [True, True, False]
    assert st.graph_size(g[1]) == 2 and st.graph_size(g[2]) == 0
    st.close()
