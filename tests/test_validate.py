"""SHACL validation of a store: the shapes compiled to SPARQL give whole-graph pySHACL's verdicts,
on the samples and on small graphs that break one constraint kind each; after a change only the
focus nodes it may touch are checked again, with the same result as checking everything; shapes
the compiler cannot translate go to pySHACL (one graph at a time), and the result says so."""

from __future__ import annotations

import pytest
from rdflib import RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from filmgraph.iris import Iris
from filmgraph.pipeline import build, load_ontology
from filmgraph.store import FilmStore
from filmgraph.validate import validate_graph, validate_store
from filmgraph.validate.compile import UnsupportedShape, compile_shapes
from filmgraph.vocab import SHAPES_FILE

SCHEMA = Namespace("https://schema.org/")
FGO = Namespace("https://w3id.org/filmgraph/ontology#")
ID = Namespace("https://w3id.org/filmgraph/id/")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")


def whole_graph(store, shapes_file=SHAPES_FILE) -> tuple[set, bool]:
    """pySHACL on the union of the store's data graphs: the reference."""
    result = validate_graph(store.union_graph(store.data_graphs()), shapes_file)
    return {f.key() for f in result.findings()}, result.conforms


def keys(result) -> set:
    return {f.key() for f in result.findings}


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


@pytest.fixture
def small():
    """An empty in-memory store with the ontology, for graphs that break one thing each."""
    s = FilmStore.in_memory(Iris("https://w3id.org/filmgraph/id/"))
    load_ontology(s)
    return s


def test_compiled_validation_of_the_samples_conforms_like_whole_graph_pyshacl(built):
    expected, conforms = whole_graph(built)
    result = validate_store(built, use_cache=False)
    assert result.engine == "sparql" and not result.fallback
    assert conforms and result.conforms and not expected
    assert result.graphs == len(built.data_graphs()) and result.focus_nodes >= 100


def test_compiled_validation_finds_what_whole_graph_pyshacl_finds(built):
    add_problems(built)
    expected, conforms = whole_graph(built)
    result = validate_store(built, use_cache=False)
    assert not conforms and not result.conforms
    assert keys(result) == expected
    kinds = {(f.focus.rsplit("/", 1)[-1], f.constraint) for f in result.findings}
    assert ("hero-2002", "MaxCountConstraintComponent") in kinds  # across two reviews
    assert ("to-live-1994", "MinExclusiveConstraintComponent") in kinds  # stated by a graph that does not type it
    assert ("nobody", "MinCountConstraintComponent") in kinds
    by_graph = {f.graph.rsplit("/", 1)[-1] for f in result.findings if f.focus.endswith("hero-2002")}
    assert "second-opinion" in by_graph and len(by_graph) == 2  # named under each review typing the film
    assert all(f.shape.startswith("https://w3id.org/filmgraph/shapes#") for f in result.findings)


def test_the_pyshacl_path_finds_the_same_as_the_compiled_one_on_one_or_two_workers(built):
    add_problems(built)
    compiled = validate_store(built, use_cache=False)
    one = validate_store(built, use_cache=False, engine="pyshacl", chunk_size=4)
    two = validate_store(built, use_cache=False, engine="pyshacl", workers=2, chunk_size=4)
    assert one.engine == "pyshacl" and one.findings == two.findings and one.findings
    assert keys(one) == keys(compiled)
    assert {(f.key(), f.graph) for f in one.findings} == {(f.key(), f.graph) for f in compiled.findings}


def test_problems_two_steps_out_are_found_like_whole_graph_pyshacl(built):
    """An annotation's target (checked through sh:node) without its sentence, and a film name that
    is neither a string nor language-tagged (sh:or on a literal)."""
    ann, target = ID["annotation/bad/1"], ID["annotation/bad/1/target"]
    review = next(iter(built.query("PREFIX schema: <https://schema.org/> SELECT ?r WHERE { ?r a schema:Review } LIMIT 1")))["r"]
    built.replace_graph(ID["graph/review/bad-evidence"], [
        (ann, RDF.type, OA.Annotation), (ann, OA.hasBody, ID["film/hero-2002"]), (ann, OA.hasTarget, target),
        (ann, FGO.extractor, Literal("test")), (ann, FGO.confidence, Literal("0.5", datatype=XSD.decimal)),
        (ann, PROV.wasGeneratedBy, ID["extractor/test"]), (ID["extractor/test"], RDF.type, PROV.SoftwareAgent),
        (target, OA.hasSource, URIRef(review.value)), (target, FGO.section, Literal("body")),
        (ID["film/odd"], RDF.type, SCHEMA.Movie), (ID["film/odd"], SCHEMA.name, Literal(7)),
    ], source="bad-evidence", build_key="k4")
    expected, _ = whole_graph(built)
    result = validate_store(built, use_cache=False)
    assert keys(result) == expected
    assert {f.focus.rsplit("/", 2)[-2] for f in result.findings} >= {"bad", "film"}


# --- one constraint kind at a time, on small graphs ------------------------------------------------

FILM, REVIEW, PERSON = ID["film/f"], ID["review/r"], ID["person/p"]
ANN, TARGET, SELECTOR = ID["annotation/a"], ID["annotation/a/target"], ID["annotation/a/selector"]
LINK, CMP = ID["link/l"], ID["comparison/c"]


def good_review() -> list:
    return [(REVIEW, RDF.type, SCHEMA.Review), (REVIEW, SCHEMA.itemReviewed, FILM),
            (REVIEW, SCHEMA.reviewBody, Literal("Fine.", lang="en")),
            (FILM, RDF.type, SCHEMA.Movie), (FILM, SCHEMA.name, Literal("F", lang="en"))]


def good_annotation() -> list:
    return [(ANN, RDF.type, OA.Annotation), (ANN, OA.hasBody, FILM), (ANN, OA.hasTarget, TARGET),
            (ANN, FGO.extractor, Literal("x")), (ANN, FGO.confidence, Literal("0.5", datatype=XSD.decimal)),
            (ANN, PROV.wasGeneratedBy, ID["extractor/x"]), (ID["extractor/x"], RDF.type, PROV.SoftwareAgent),
            (TARGET, OA.hasSource, REVIEW), (TARGET, FGO.section, Literal("body")),
            (TARGET, FGO.sentence, Literal("Fine.", lang="en")), (TARGET, OA.hasSelector, SELECTOR),
            (SELECTOR, OA.start, Literal("0", datatype=XSD.nonNegativeInteger)),
            (SELECTOR, OA.end, Literal("5", datatype=XSD.integer))]


def good_link() -> list:
    return [(LINK, RDF.type, FGO.Link), (LINK, FGO.linkSubject, FILM),
            (LINK, FGO.linkTarget, URIRef("http://www.wikidata.org/entity/Q1")),
            (LINK, FGO.linkScore, Literal("0.9", datatype=XSD.decimal)), (LINK, FGO.linkReason, Literal("title", lang="en"))]


def without(triples: list, *drop: tuple) -> list:
    return [t for t in triples if t[:2] not in drop and t not in drop]


#: (case, triples, the constraint component the reference reports)
BROKEN = [
    ("targetClass and minCount", [(PERSON, RDF.type, SCHEMA.Person)], "MinCountConstraintComponent"),
    ("maxCount", good_review() + [(FILM, FGO.releaseYear, Literal("2001", datatype=XSD.gYear)),
                                  (FILM, FGO.releaseYear, Literal("2002", datatype=XSD.gYear))], "MaxCountConstraintComponent"),
    ("datatype", good_review() + [(FILM, FGO.releaseYear, Literal("2001", datatype=XSD.integer))], "DatatypeConstraintComponent"),
    ("datatype, ill-formed literal", good_review() + [(FILM, FGO.runtimeMinutes, Literal("long", datatype=XSD.integer))],
     "DatatypeConstraintComponent"),
    ("datatype rdf:langString", without(good_review(), (REVIEW, SCHEMA.reviewBody)) + [(REVIEW, SCHEMA.reviewBody, Literal("Fine."))],
     "DatatypeConstraintComponent"),
    ("class", good_review() + [(FILM, SCHEMA.director, PERSON)], "ClassConstraintComponent"),
    ("class on a literal", good_review() + [(FILM, SCHEMA.director, Literal("Zhang Yimou"))], "ClassConstraintComponent"),
    ("nodeKind", good_link()[:-1] + [(LINK, FGO.linkReason, Literal("title", lang="en")), (LINK, FGO.linkSubject, Literal("F"))],
     "NodeKindConstraintComponent"),
    ("in", good_annotation() + good_review() + [(ANN, FGO.mentionRole, Literal("producer"))], "InConstraintComponent"),
    ("pattern", without(good_link(), (LINK, FGO.linkTarget)) + [(LINK, FGO.linkTarget, URIRef("http://www.wikidata.org/entity/P57"))],
     "PatternConstraintComponent"),
    ("minInclusive", without(good_link(), (LINK, FGO.linkScore)) + [(LINK, FGO.linkScore, Literal("-0.1", datatype=XSD.decimal))],
     "MinInclusiveConstraintComponent"),
    ("maxInclusive", without(good_link(), (LINK, FGO.linkScore)) + [(LINK, FGO.linkScore, Literal("1.5", datatype=XSD.decimal))],
     "MaxInclusiveConstraintComponent"),
    ("minExclusive", good_review() + [(FILM, FGO.runtimeMinutes, Literal(0))], "MinExclusiveConstraintComponent"),
    ("alternativePath", without(good_review(), (REVIEW, SCHEMA.reviewBody)), "MinCountConstraintComponent"),
    ("sequence path", without(good_annotation(), (SELECTOR, OA.end)) + good_review(), "NodeConstraintComponent"),
    ("node", without(good_annotation(), (TARGET, FGO.section)) + good_review(), "NodeConstraintComponent"),
    ("or (a node shape's own)", [(FILM, RDF.type, SCHEMA.Movie)], "OrConstraintComponent"),
    ("or, inversePath and hasValue", [(FILM, RDF.type, SCHEMA.Movie), (REVIEW, SCHEMA.itemReviewed, FILM),
                                       (REVIEW, FGO.subjectUnknown, Literal(False))], "OrConstraintComponent"),
    ("or on a property", good_review() + [(FILM, SCHEMA.name, Literal(7))], "OrConstraintComponent"),
    ("or of classes", good_review() + [(FILM, SCHEMA.actor, ID["org/o"]), (ID["org/o"], RDF.type, SCHEMA.Organization),
                                       (ID["org/o"], SCHEMA.name, Literal("O"))], "OrConstraintComponent"),
]


@pytest.mark.parametrize("case,triples,component", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_constraint_kind_breaks_like_in_whole_graph_pyshacl(small, case, triples, component):
    small.replace_graph(ID["graph/review/broken"], triples, source="broken", build_key="b")
    expected, conforms = whole_graph(small)
    result = validate_store(small, use_cache=False, engine="sparql")
    assert not conforms and component in {k[3] for k in expected}
    assert keys(result) == expected


def test_good_small_graphs_conform_in_both(small):
    small.replace_graph(ID["graph/review/good"], good_review() + good_annotation() + good_link() + [
        (FILM, RDF.type, SCHEMA.Movie), (REVIEW, FGO.subjectUnknown, Literal(True))], source="good", build_key="g")
    assert whole_graph(small) == (set(), True)
    assert validate_store(small, use_cache=False, engine="sparql").conforms


def test_a_subclass_counts_for_sh_class_and_for_targets_as_in_pyshacl(small):
    auteur = URIRef("https://example.org/Auteur")
    small.replace_graph(ID["graph/review/sub"], good_review() + [
        (auteur, RDFS.subClassOf, SCHEMA.Person), (FILM, SCHEMA.director, PERSON), (PERSON, RDF.type, auteur),
    ], source="sub", build_key="s")
    expected, _ = whole_graph(small)
    result = validate_store(small, use_cache=False, engine="sparql")
    assert keys(result) == expected == {(str(PERSON), "https://w3id.org/filmgraph/shapes#PersonShape",
                                         str(SCHEMA.name), "MinCountConstraintComponent", "")}


# --- shapes the compiler does not translate ------------------------------------------------------


def test_shapes_the_compiler_does_not_translate_go_to_pyshacl_and_say_so(small, tmp_path):
    shapes = Graph().parse(SHAPES_FILE)
    SH = Namespace("http://www.w3.org/ns/shacl#")
    FGSH = Namespace("https://w3id.org/filmgraph/shapes#")
    shapes.add((FGSH.PersonShape, SH.closed, Literal(True)))
    ignored = BNode()
    shapes.add((FGSH.PersonShape, SH.ignoredProperties, ignored))
    shapes.add((ignored, RDF.first, RDF.type))
    shapes.add((ignored, RDF.rest, RDF.nil))
    closed = tmp_path / "closed.ttl"
    closed.write_text(shapes.serialize(format="turtle"))
    with pytest.raises(UnsupportedShape, match="PersonShape uses sh:closed"):
        compile_shapes(shapes)
    small.replace_graph(ID["graph/review/p"], [(PERSON, RDF.type, SCHEMA.Person), (PERSON, SCHEMA.name, Literal("P")),
                                               (PERSON, SCHEMA.birthDate, Literal("1950"))], source="p", build_key="p")
    result = validate_store(small, use_cache=False, shapes_file=closed)
    assert result.engine == "pyshacl" and "sh:closed" in result.fallback
    assert keys(result) == whole_graph(small, closed)[0] and {k[3] for k in keys(result)} == {"ClosedConstraintComponent"}


# --- incremental --------------------------------------------------------------------------------


def same_as_checking_everything(store, result) -> None:
    full = validate_store(store, use_cache=False)
    assert result.findings == full.findings
    assert keys(result) == whole_graph(store)[0]


def test_validation_rechecks_only_what_a_change_touches_and_agrees_with_checking_everything(built):
    first = validate_store(built)
    assert first.conforms and first.checked == first.graphs and first.focus_nodes >= 100
    again = validate_store(built)
    assert again.checked == 0 and again.cached == again.graphs and again.conforms
    add_problems(built)
    after = validate_store(built)
    assert not after.conforms and after.focus_nodes < first.focus_nodes / 3
    same_as_checking_everything(built, after)
    built.replace_graph(ID["graph/review/nameless"], [(ID["person/nobody"], RDF.type, SCHEMA.Person)],
                        source="nameless", build_key="k3b")
    changed = validate_store(built)
    assert changed.focus_nodes < 10 and changed.checked < changed.graphs
    same_as_checking_everything(built, changed)
    for name in ("second-opinion", "untyped-claim", "nameless"):
        built.remove_graph(ID[f"graph/review/{name}"])
    fixed = validate_store(built)
    assert fixed.conforms and 0 < fixed.checked < fixed.graphs
    same_as_checking_everything(built, fixed)


def test_a_statement_another_graph_relied_on_is_missed_when_it_goes(built):
    """Only one review names a person another review types: when that review stops naming them,
    the person's check (cached with the other review) is run again and fails."""
    ghost = ID["person/ghost"]
    built.replace_graph(ID["graph/review/types-ghost"], [(ghost, RDF.type, SCHEMA.Person)], source="a", build_key="a1")
    built.replace_graph(ID["graph/review/names-ghost"], [(ghost, SCHEMA.name, Literal("Ghost"))], source="b", build_key="b1")
    assert validate_store(built).conforms
    built.replace_graph(ID["graph/review/names-ghost"], [(ID["person/other"], SCHEMA.name, Literal("Other"))],
                        source="b", build_key="b2")
    after = validate_store(built)
    assert {(f.focus, f.constraint, f.graph.rsplit("/", 1)[-1]) for f in after.findings} == {
        (str(ghost), "MinCountConstraintComponent", "types-ghost")}
    same_as_checking_everything(built, after)
    built.remove_graph(ID["graph/review/names-ghost"])
    built.replace_graph(ID["graph/review/names-ghost-again"], [(ghost, SCHEMA.name, Literal("Ghost"))], source="c", build_key="c1")
    back = validate_store(built)
    assert back.conforms
    same_as_checking_everything(built, back)


def test_a_type_a_change_removes_is_seen_by_the_nodes_that_point_to_it(built):
    """A review types a film's director; when it no longer does, the film (typed by another
    review) breaks its sh:class, though nothing about the film itself changed."""
    film, director = ID["film/typed-elsewhere"], ID["person/typed-here"]
    built.replace_graph(ID["graph/review/film"], [(film, RDF.type, SCHEMA.Movie), (film, SCHEMA.name, Literal("T", lang="en")),
                                                 (film, SCHEMA.director, director)], source="f", build_key="f1")
    built.replace_graph(ID["graph/review/person"], [(director, RDF.type, SCHEMA.Person), (director, SCHEMA.name, Literal("D"))],
                        source="p", build_key="p1")
    assert validate_store(built).conforms
    built.replace_graph(ID["graph/review/person"], [(director, SCHEMA.name, Literal("D"))], source="p", build_key="p2")
    after = validate_store(built)
    assert {(f.focus, f.constraint) for f in after.findings} == {(str(film), "ClassConstraintComponent")}
    same_as_checking_everything(built, after)


def test_verdicts_cached_by_the_pyshacl_path_are_not_reused_by_the_compiled_one(built):
    add_problems(built)
    validate_store(built, engine="pyshacl")
    compiled = validate_store(built)
    assert compiled.engine == "sparql" and compiled.checked == compiled.graphs
    same_as_checking_everything(built, compiled)


# --- the command line ------------------------------------------------------------------------------


def test_build_validate_checks_the_store_and_names_node_shape_and_review(tmp_path, sample_dir):
    from click.testing import CliRunner

    from filmgraph.cli import main

    store = tmp_path / "store"

    def run(*args: str):
        return CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)

    first = run("build", str(sample_dir), "--validate")
    assert first.exit_code == 0 and "conforms:" in first.stderr
    with FilmStore.open(store, Iris("https://w3id.org/filmgraph/id/")) as s:
        s.replace_graph(ID["graph/review/nameless"], [(PERSON, RDF.type, SCHEMA.Person)], source="nameless", build_key="n")
    again = run("build", str(sample_dir), "--validate")
    assert again.exit_code == 1
    line = next(x for x in again.stdout.splitlines() if str(PERSON) in x)
    assert line.startswith(str(ID["graph/review/nameless"])) and "PersonShape" in line and "a person has a name" in line
    assert run("validate", "--engine", "pyshacl").stdout == run("validate", "--full").stdout
