"""SHACL validation of a store one graph at a time gives whole-graph pySHACL's verdicts, and
re-checks only what changed."""

from __future__ import annotations

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from filmgraph.pipeline import build
from filmgraph.validate import validate_graph, validate_store

SCHEMA = Namespace("https://schema.org/")
FGO = Namespace("https://w3id.org/filmgraph/ontology#")
ID = Namespace("https://w3id.org/filmgraph/id/")


def whole_graph_keys(store) -> set:
    data = store.union_graph(store.data_graphs())
    result = validate_graph(data)
    return {f.key() for f in result.findings()}, result.conforms


def add_problems(store) -> None:
    """Graphs that break shapes on their own, and together with the samples' graphs."""
    hero = ID["film/hero-2002"]
    assert any(store.oxigraph.quads_for_pattern(None, None, None, None)), "samples first"
    store.replace_graph(ID["graph/review/second-opinion"], [  # a second year for a film, typed here too
        (hero, RDF.type, SCHEMA.Movie), (hero, SCHEMA.name, Literal("Hero", lang="en")),
        (hero, FGO.releaseYear, Literal("2003", datatype=XSD.gYear)),
    ], source="second-opinion", build_key="k1")
    store.replace_graph(ID["graph/review/untyped-claim"], [  # a claim about a film it does not type
        (ID["film/to-live-1994"], FGO.runtimeMinutes, Literal(-5)),
    ], source="untyped-claim", build_key="k2")
    role = ID["role/x--nobody"]
    store.replace_graph(ID["graph/review/nameless"], [  # a person without a name; a role with two actors
        (ID["person/nobody"], RDF.type, SCHEMA.Person),
        (role, RDF.type, SCHEMA.PerformanceRole), (role, SCHEMA.characterName, Literal("Nobody")),
        (role, SCHEMA.actor, ID["person/nobody"]), (role, SCHEMA.actor, ID["person/zhang-yimou"]),
    ], source="nameless", build_key="k3")


@pytest.fixture
def built(store, settings, sample_dir):
    assert build([sample_dir], store, settings).ok
    return store


def test_per_graph_validation_of_the_samples_conforms_like_whole_graph_validation(built):
    expected, conforms = whole_graph_keys(built)
    result = validate_store(built, use_cache=False)
    assert conforms and result.conforms and not expected
    assert result.graphs == len(built.data_graphs()) and result.focus_nodes > 100


def test_per_graph_validation_finds_what_whole_graph_validation_finds(built):
    add_problems(built)
    expected, conforms = whole_graph_keys(built)
    result = validate_store(built, use_cache=False)
    assert not conforms and not result.conforms
    assert {f.key() for f in result.findings} == expected
    kinds = {(f.focus.rsplit("/", 1)[-1], f.constraint) for f in result.findings}
    assert ("hero-2002", "MaxCountConstraintComponent") in kinds  # across two reviews
    assert ("to-live-1994", "MinExclusiveConstraintComponent") in kinds  # stated by a graph that does not type it
    assert ("nobody", "MinCountConstraintComponent") in kinds
    by_graph = {f.graph.rsplit("/", 1)[-1] for f in result.findings if f.focus.endswith("hero-2002")}
    assert "second-opinion" in by_graph and len(by_graph) == 2  # named under each review typing the film


def test_parallel_validation_gives_the_same_findings(built):
    add_problems(built)
    one = validate_store(built, use_cache=False, chunk_size=4)
    two = validate_store(built, use_cache=False, workers=2, chunk_size=4)
    assert one.findings == two.findings and one.findings


def test_validation_rechecks_only_changed_graphs_and_clears_fixed_problems(built):
    first = validate_store(built)
    assert first.conforms and first.checked == first.graphs
    again = validate_store(built)
    assert again.checked == 0 and again.cached == again.graphs and again.conforms
    add_problems(built)
    after = validate_store(built)
    assert after.checked == 4 and not after.conforms  # the three new graphs, and To Live's (claimed about)
    assert {f.key() for f in after.findings} == {f.key() for f in validate_store(built, use_cache=False).findings}
    built.replace_graph(ID["graph/review/nameless"], [(ID["person/nobody"], RDF.type, SCHEMA.Person)],
                        source="nameless", build_key="k3b")
    changed = validate_store(built)  # violations about nodes the change does not touch stay cached
    assert changed.checked == 1 and {f.key() for f in changed.findings} == {
        f.key() for f in validate_store(built, use_cache=False).findings}
    for name in ("second-opinion", "untyped-claim", "nameless"):
        built.remove_graph(ID[f"graph/review/{name}"])
    fixed = validate_store(built)  # the graphs whose cached verdicts had violations are re-checked
    assert fixed.conforms and 0 < fixed.checked < fixed.graphs


def test_problems_two_steps_out_are_found_like_whole_graph_validation(built):
    """An annotation's target (checked through sh:node) without its sentence, and a film name that
    is neither a string nor language-tagged (sh:or on a literal)."""
    OA = Namespace("http://www.w3.org/ns/oa#")
    PROV = Namespace("http://www.w3.org/ns/prov#")
    ann, target = ID["annotation/bad/1"], ID["annotation/bad/1/target"]
    review = next(iter(built.query("PREFIX schema: <https://schema.org/> SELECT ?r WHERE { ?r a schema:Review } LIMIT 1")))["r"]
    built.replace_graph(ID["graph/review/bad-evidence"], [
        (ann, RDF.type, OA.Annotation), (ann, OA.hasBody, ID["film/hero-2002"]), (ann, OA.hasTarget, target),
        (ann, FGO.extractor, Literal("test")), (ann, FGO.confidence, Literal("0.5", datatype=XSD.decimal)),
        (ann, PROV.wasGeneratedBy, ID["extractor/test"]), (ID["extractor/test"], RDF.type, PROV.SoftwareAgent),
        (target, OA.hasSource, URIRef(review.value)), (target, FGO.section, Literal("body")),
        (ID["film/odd"], RDF.type, SCHEMA.Movie), (ID["film/odd"], SCHEMA.name, Literal(7)),
    ], source="bad-evidence", build_key="k4")
    expected, _ = whole_graph_keys(built)
    result = validate_store(built, use_cache=False)
    assert {f.key() for f in result.findings} == expected
    assert {f.focus.rsplit("/", 2)[-2] for f in result.findings} >= {"bad", "film"}
