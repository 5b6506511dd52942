"""Vocabulary as code: the closed FG namespace and ontology/filmgraph.ttl stay in step."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from filmgraph.vocab import FG, FG_IRI, ONTOLOGY_FILE, SHAPES_FILE


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def ontology_terms(g: Graph) -> set[str]:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual, RDF.Property,
             OWL.AnnotationProperty, RDFS.Class}
    return {str(s)[len(FG_IRI):] for s, _, k in g.triples((None, RDF.type, None))
            if k in kinds and str(s).startswith(FG_IRI)}


def test_python_namespace_and_ontology_declare_the_same_terms(ontology):
    python_terms = {name for name in FG.__annotations__}
    assert python_terms == ontology_terms(ontology)


def test_every_term_has_an_english_label_and_comment(ontology):
    for name in ontology_terms(ontology):
        term = URIRef(FG_IRI + name)
        assert any(l.language == "en" for l in ontology.objects(term, RDFS.label)), name
        assert any(c.language == "en" for c in ontology.objects(term, RDFS.comment)), name


def test_misspelled_term_raises_instead_of_minting_an_iri():
    with pytest.raises(AttributeError):
        FG.releaseYaer  # noqa: B018


def test_director_and_cast_are_aligned_with_wikidata(ontology):
    skos_exact = URIRef("http://www.w3.org/2004/02/skos/core#exactMatch")
    assert (URIRef("https://schema.org/director"), skos_exact, URIRef("http://www.wikidata.org/prop/direct/P57")) in ontology
    assert (URIRef("https://schema.org/actor"), skos_exact, URIRef("http://www.wikidata.org/prop/direct/P161")) in ontology


def test_shapes_file_parses():
    assert len(Graph().parse(SHAPES_FILE, format="turtle")) > 20
