"""A review becomes schema.org statements with deterministic, readable IRIs."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, XSD

from filmgraph.graph import review_graph, review_id
from filmgraph.iris import Iris, slugify
from filmgraph.models import ReviewSource
from filmgraph.read import read_review
from filmgraph.settings import DEFAULT_BASE_IRI
from filmgraph.vocab import FG, SCHEMA

from conftest import DATA

IRIS = Iris(DEFAULT_BASE_IRI)
ID = DEFAULT_BASE_IRI


def graph_of(path: Path):
    return review_graph(read_review(ReviewSource(str(path), path.read_bytes())), IRIS)


def assert_isomorphic(actual: Graph, expected: Graph) -> None:
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        raise AssertionError(
            "graphs differ\nonly in actual:\n" + only_actual.serialize(format="nt")
            + "\nonly in expected:\n" + only_expected.serialize(format="nt")
        )


def test_golden_review_graph_matches_expected_turtle():
    rg = graph_of(DATA / "golden" / "tiny-review.txt")
    expected = Graph().parse(DATA / "golden" / "tiny-review.ttl")
    assert_isomorphic(rg.graph, expected)


def test_seed_graph_holds_the_header_facts(seed_path):
    rg = graph_of(seed_path)
    g = rg.graph
    film = URIRef(ID + "film/one-second-2021")
    person = lambda slug: URIRef(ID + "person/" + slug)
    assert rg.film_iri == film
    assert (film, RDF.type, SCHEMA.Movie) in g
    assert set(g.objects(film, SCHEMA.name)) == {Literal("One Second", lang="en"), Literal("一秒钟", lang="zh")}
    assert g.value(film, FG.releaseYear) == Literal("2021", datatype=XSD.gYear)
    assert set(g.objects(film, SCHEMA.genre)) == {Literal("Drama")}
    assert set(g.objects(film, SCHEMA.director)) == {person("zhang-yimou")}
    assert set(g.objects(film, SCHEMA.actor)) == {person("zhang-yi"), person("liu-haocun"), person("fan-wei")}
    assert g.value(film, SCHEMA.duration) == Literal("PT1H44M", datatype=XSD.duration)
    assert g.value(film, SCHEMA.contentRating) == Literal("PG13")
    assert g.value(film, FG.contentAdvisory) == Literal("Some Coarse Language", lang="en")
    release = g.value(film, SCHEMA.releasedEvent)
    assert (release, RDF.type, SCHEMA.PublicationEvent) in g
    assert g.value(release, SCHEMA.startDate) == Literal("2021-09-23", datatype=XSD.date)
    distributor = g.value(release, SCHEMA.publishedBy)
    assert g.value(distributor, SCHEMA.name) == Literal("Clover Films")
    assert (distributor, RDF.type, SCHEMA.Organization) in g
    review = rg.review_iri
    assert g.value(review, SCHEMA.itemReviewed) == film
    assert g.value(review, SCHEMA.author) == person("john-li")
    assert g.value(person("john-li"), SCHEMA.name) == Literal("John Li")


def test_seed_graph_has_nothing_from_the_boilerplate(seed_path):
    text = Graph.serialize(graph_of(seed_path).graph, format="nt")
    for junk in ("You might also like", "Movie Stills", "Official Website"):
        assert junk not in text


def test_graph_has_no_blank_nodes(seed_path):
    from rdflib import BNode

    g = graph_of(seed_path).graph
    assert not [t for t in g if any(isinstance(x, BNode) for x in t)]


def test_review_identity_is_film_and_reviewer(seed_path):
    rg = graph_of(seed_path)
    assert rg.review_id == "one-second-2021-by-john-li"
    assert rg.graph_iri == URIRef(ID + "graph/review/one-second-2021-by-john-li")


def test_free_text_review_is_identified_by_its_file_name(reader_case):
    rg = graph_of(reader_case("free-text.txt"))
    assert rg.review_id == "free-text" and rg.film_iri is None
    assert (rg.review_iri, SCHEMA.reviewBody, None) in rg.graph


def test_slugify_is_readable_and_keeps_distinct_names_distinct():
    assert slugify("Zhang Yimou") == "zhang-yimou"
    assert slugify("Zhang Yi") != slugify("Zhang Yimou")
    assert slugify("Amélie") == "amelie"
    assert slugify("一秒钟") == "一秒钟"
    assert slugify("Crouching Tiger, Hidden Dragon") == "crouching-tiger-hidden-dragon"


def test_base_iri_is_a_setting(seed_path):
    rg = review_graph(read_review(ReviewSource("s.txt", seed_path.read_bytes())), Iris("http://example.org/kg/"))
    assert rg.film_iri == URIRef("http://example.org/kg/film/one-second-2021")


def test_release_country_from_settings_or_header_locates_the_release(seed_path):
    from filmgraph.settings import Settings

    review = read_review(ReviewSource("s.txt", seed_path.read_bytes()), Settings(release_country="Singapore"))
    g = review_graph(review, IRIS).graph
    release = g.value(URIRef(ID + "film/one-second-2021"), SCHEMA.releasedEvent)
    country = g.value(release, SCHEMA.location)
    assert (country, RDF.type, SCHEMA.Country) in g
    assert g.value(country, SCHEMA.name) == Literal("Singapore")
    with_header = read_review(ReviewSource("t.txt", b"Film Q (2001)\nCountry: Malaysia\nOpening Day: 1 May 2001\n\nMovie Review:\nOk.\n"))
    assert with_header.release_country == "Malaysia"
