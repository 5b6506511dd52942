"""Views read what they draw in a few batched queries: the same nodes, edges and tooltips as reading
each node by pattern, as views did before, and the same budgeted choice as ranking in one query."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import filmgraph.viewgraph as viewgraph
from filmgraph.cli import main
from filmgraph.iris import Iris
from filmgraph.pipeline import build
from filmgraph.settings import DEFAULT_BASE_IRI, Settings
from filmgraph.store import FilmStore
from filmgraph.view import render_html
from filmgraph.viewentity import (EDGE_LABELS, EVIDENCE_PREDICATES, FOLDED_TYPES, OA_HAS_TARGET, RDFS_LABEL, S,
                                  Reader, Statements)
from filmgraph.viewgraph import ViewSpec, view_graph
from filmgraph.vocab import OA
from view_support import BASE, DATA, fixture_store

from conftest import SAMPLES, SEED


class PerNodeStatements(Statements):
    """The reads views made before batching: pattern reads, node by node, through every data graph."""

    def read_about(self, iris):
        for i in iris:
            if i not in self.about:
                self.about[i] = [(q.predicate.value, q.object) for q in self.reader.quads(i)]

    def _read_evidence_rows(self, iris):
        shown = {OA_HAS_TARGET, *EVIDENCE_PREDICATES}
        for i in iris:
            if i not in self.evidence:
                self.evidence[i] = [(q.predicate.value, q.object) for q in self.reader.quads(i)
                                    if q.predicate.value in shown]

    def read_evidence(self, iris):
        iris = list(iris)
        bodies = self.read_incoming(str(OA.hasBody), iris)
        annotations = {a for i in iris for a in bodies[i]}
        self._read_evidence_rows(annotations)
        self._read_evidence_rows({o.value for a in annotations for p, o in self.evidence[a]
                                  if p == OA_HAS_TARGET and isinstance(o, ox.NamedNode)})

    def read_incoming(self, predicate, iris):
        have = self.incoming.setdefault(predicate, {})
        for i in iris:
            if i not in have:
                have[i] = [q.subject.value for q in self.reader.quads(p=predicate, o=i)
                           if isinstance(q.subject, ox.NamedNode)]
        return have

    def read_wikidata(self, qids):
        wd = ox.NamedNode(self.reader.wikidata_graph)
        for qid in qids:
            item = ox.NamedNode(qid)
            self.wikidata[qid] = [(q.predicate.value, q.object) for q in self.reader.ox.quads_for_pattern(item, None, None, wd)]
            self.pages[qid] = [q.subject.value for q in self.reader.ox.quads_for_pattern(None, ox.NamedNode(f"{S}about"), item, wd)]
            for _, o in self.wikidata[qid]:
                if isinstance(o, ox.NamedNode):
                    self.wikidata_labels[o.value] = [
                        q.object for q in self.reader.ox.quads_for_pattern(o, ox.NamedNode(RDFS_LABEL), None, wd)
                        if isinstance(q.object, ox.Literal)]


def ranked_in_one_query(store, budget: int) -> list[str]:
    """The budgeted whole view's nodes as one SPARQL query ranked them before (degree, filters, order)."""
    reader = Reader(store)
    starts = " || ".join(f"STRSTARTS(STR(?n), {ox.Literal(m)})" for m in reader.machinery)
    folded = " ".join(f"<{t}>" for t in sorted(FOLDED_TYPES))
    relations = " ".join(f"<{p}>" for p in sorted(EDGE_LABELS))
    return [r["n"].value for r in store.query(
        f"SELECT ?n ?d WHERE {{ {{ SELECT ?n (COUNT(*) AS ?d) WHERE {{ VALUES ?p {{ {relations} }} "
        "{ ?n ?p ?m } UNION { ?m ?p ?n } FILTER(isIRI(?n) && isIRI(?m)) } GROUP BY ?n } "
        f"FILTER(!({starts})) FILTER EXISTS {{ ?n a ?t }} FILTER NOT EXISTS {{ VALUES ?f {{ {folded} }} ?n a ?f }} }} "
        f"ORDER BY DESC(?d) ?n LIMIT {int(budget)}")]


def drawn(g) -> dict:
    """Everything a page shows of a view graph: nodes with their whole description, edges with their
    labels, colours and evidence, in the graph's order."""
    return {
        "nodes": [(n, g.nodes[n]["entity"]) for n in g.nodes],
        "edges": [(s, o, d["relations"], d["polarity"], d["evidence"]) for s, o, d in g.edges(data=True)],
        "left_out": g.graph.get("left_out"), "title": g.graph["title"],
    }


def assert_batched_reads_draw_what_per_node_reads_drew(store, specs, monkeypatch):
    for spec in specs:
        batched = view_graph(store, spec)
        with monkeypatch.context() as m:
            m.setattr(viewgraph, "Statements", PerNodeStatements)
            per_node = view_graph(store, spec)
        assert drawn(batched) == drawn(per_node), spec
        assert render_html(batched) == render_html(per_node), spec  # the same page, tooltips and all
        assert batched.number_of_nodes() > 0
    return batched


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    """The sample reviews (and the seed review, where it is), built by the CLI with the text stage and
    offline linking, on disk:
    RocksDB returns statements in index order, the order both kinds of read are compared in."""
    if not any(SAMPLES.glob("*.txt")):
        pytest.skip("no sample reviews in data/reviews")
    tmp = tmp_path_factory.mktemp("batched")
    reviews = tmp / "reviews"
    shutil.copytree(SAMPLES, reviews)
    if SEED.exists():
        shutil.copy(SEED, reviews / SEED.name)
    built = CliRunner().invoke(main, ["--store", str(tmp / "store"), "--quiet", "build", str(reviews)])
    assert built.exit_code == 0, built.output
    with FilmStore.open(tmp / "store", Iris(DEFAULT_BASE_IRI), read_only=True) as store:
        yield store


def on_disk(tmp_path, fill) -> FilmStore:
    store = FilmStore.open(tmp_path / "store", Iris(BASE))
    fill(store)
    return store


SAMPLE_SPECS = [ViewSpec(), ViewSpec(budget=40), ViewSpec("director", "Zhang Yimou"), ViewSpec("film", "Hero"),
                ViewSpec("review", "hero-2002-by-benedict-ong"), ViewSpec("focus", "Gong Li", 2),
                ViewSpec("query", "film-people")]


def test_batched_reads_draw_the_samples_as_per_node_reads_did(sample_store, monkeypatch):
    assert sample_store.keeps_default_graph  # read from the default graph, each statement once
    whole = assert_batched_reads_draw_what_per_node_reads_drew(sample_store, SAMPLE_SPECS, monkeypatch)
    entities = [whole.nodes[n]["entity"] for n in whole]
    assert sum(1 for e in entities if e.evidence) > 50 and sum(1 for e in entities if e.wikidata) > 20


def test_batched_reads_draw_a_store_without_a_kept_default_graph_as_per_node_reads_did(tmp_path, monkeypatch):
    # loaded behind filmgraph's back: no default graph, so every data graph is read, deduplicated
    store = on_disk(tmp_path, lambda s: s.oxigraph.load(path=str(DATA / "one-second.trig"), format=ox.RdfFormat.TRIG))
    assert not store.keeps_default_graph
    specs = [ViewSpec(), ViewSpec(budget=5), ViewSpec("review", "One Second"), ViewSpec("director", "zhang yimou")]
    assert_batched_reads_draw_what_per_node_reads_drew(store, specs, monkeypatch)
    store.close()


def test_batched_reads_keep_hostile_text_as_it_is(tmp_path, monkeypatch):
    def fill(store):
        assert build([DATA / "hostile-review.txt"], store, Settings()).ok
        store.load(DATA / "hostile-evidence.trig", ox.RdfFormat.TRIG)

    store = on_disk(tmp_path, fill)
    assert_batched_reads_draw_what_per_node_reads_drew(store, [ViewSpec(), ViewSpec(budget=3)], monkeypatch)
    store.close()


def test_the_budget_keeps_the_nodes_one_ranking_query_chose(sample_store):
    store = fixture_store()
    cut = []
    for s, budget in ((store, 5), (store, 12), (store, 30), (sample_store, 40), (sample_store, 150), (sample_store, 400)):
        chosen, ranked = viewgraph.select(s, ViewSpec(budget=budget)), ranked_in_one_query(s, budget + 1)
        if len(ranked) > budget:
            assert chosen.nodes == set(ranked[:budget])
            cut.append(budget)
        else:  # no more connected entities than the budget: every drawable node, as without one
            assert chosen.total is None and chosen.nodes == viewgraph.select(s, ViewSpec()).nodes
    assert cut == [5, 12, 40, 150]


def test_nodes_in_batched_reads_are_bound_as_iris_not_pasted():
    store = fixture_store()
    statements = Statements(Reader(store))
    with pytest.raises(ValueError):  # what VALUES would have been given: never reaches the query
        statements.read_about([f'{BASE}film/x> }} ; DROP ALL ; #'])
    assert len(store) > 400
