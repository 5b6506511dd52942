"""The bundled queries answer correctly: on the sample reviews (header facts) and on a
hand-written dataset that follows the RDF contract for text-derived facts (tests/data/sparql)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from filmgraph.pipeline import build
from filmgraph.query import parse_bindings, run_query

from conftest import DATA

ID = "https://w3id.org/filmgraph/id/"
FILM, PERSON, REVIEW = ID + "film/", ID + "person/", ID + "review/"


@pytest.fixture(scope="module")
def contract() -> ox.Store:
    s = ox.Store()
    s.load(path=str(DATA / "sparql" / "contract.trig"), format=ox.RdfFormat.TRIG)
    return s


@pytest.fixture
def samples(sample_dir, store, settings):
    """The store with every sample review built from its header (no text extraction)."""
    report = build([sample_dir], store, settings)
    assert report.ok
    return store


def rows(target, name, *binds):
    return run_query(target, name, parse_bindings(binds)).values()


def without(rows_, *columns):
    return [{k: v for k, v in r.items() if k not in columns} for r in rows_]


# --- header-derived, on the sample reviews ---------------------------------------------------


def test_films_by_director_lists_each_film_with_its_year_in_order(samples):
    expected = [
        ("to-live-1994", "To Live", "1994"),
        ("hero-2002", "Hero", "2002"),
        ("house-of-flying-daggers-2004", "House of Flying Daggers", "2004"),
        ("curse-of-the-golden-flower-2006", "Curse of the Golden Flower", "2006"),
        ("shadow-2018", "Shadow", "2018"),
        ("cliff-walkers-2021", "Cliff Walkers", "2021"),
        ("full-river-red-2023", "Full River Red", "2023"),
    ]
    got = rows(samples, "films-by-director", "name=zhang yimou")
    # Raise the Red Lantern's page names its film only in its text (no text stage here): the film
    # its header describes is kept, untitled, with its director
    untitled = {"director": PERSON + "zhang-yimou", "directorName": "Zhang Yimou",
                "film": FILM + "untitled-raise-the-red-lantern-1991"}
    assert got == [untitled] + [{"director": PERSON + "zhang-yimou", "directorName": "Zhang Yimou", "film": FILM + slug,
                                 "title": title, "year": year} for slug, title, year in expected]
    assert rows(samples, "films-by-director", "director=person:zhang-yimou") == got


def test_films_by_director_without_binding_covers_every_director(samples):
    got = [(r["directorName"], r.get("title")) for r in rows(samples, "films-by-director")]
    assert got[:2] == [("Ang Lee", "Crouching Tiger, Hidden Dragon"), ("Giuseppe Tornatore", "Cinema Paradiso")]
    assert len(got) == 10 and ("Zhang Yimou", None) in got  # one film known only from its header


def test_collaborators_are_people_on_two_or_more_films_of_the_director(samples):
    got = rows(samples, "collaborators", "name=Zhang Yimou")
    summary = [(r["personName"], r["films"], set(r["titles"].split(" | "))) for r in got]
    assert summary == [
        ("Gong Li", "3", {"To Live", "Curse of the Golden Flower", "(untitled)"}),  # Raise the Red Lantern, header only
        ("Ni Dahong", "3", {"To Live", "Curse of the Golden Flower", "Cliff Walkers"}),
        ("Zhang Yi", "2", {"Cliff Walkers", "Full River Red"}),
        ("Zhang Ziyi", "2", {"Hero", "House of Flying Daggers"}),
    ]
    # Zhang Ziyi also acted for Ang Lee, but only once: not his collaborator
    assert rows(samples, "collaborators", "director=person:ang-lee") == []


def test_reviews_of_film_gives_reviewer_date_and_verdict(samples):
    got = rows(samples, "reviews-of-film", "name=HERO")
    assert got == [{
        "film": FILM + "hero-2002", "title": "Hero", "review": REVIEW + "hero-2002-by-benedict-ong",
        "reviewer": PERSON + "benedict-ong", "reviewerName": "Benedict Ong", "date": "2002-10-24",
        "verdict": "A feast for the eyes that keeps the heart at a polite distance",
    }]
    assert rows(samples, "reviews-of-film", "film=film:hero-2002") == got
    assert rows(samples, "reviews-of-film", "name=英雄") == got  # any of the film's titles
    # a film with no opening day still has its review, with the date left empty
    paradiso = rows(samples, "reviews-of-film", "film=film:cinema-paradiso-1988")
    assert [(r["reviewerName"], "date" in r) for r in paradiso] == [("Gerald Sim", False)]


def test_cast_and_roles_lists_the_header_cast(samples):
    got = rows(samples, "cast-and-roles", "film=film:hero-2002")
    assert [(r["actorName"], r.get("character")) for r in got] == [
        ("Chen Daoming", None), ("Donnie Yen", None), ("Jet Li", None), ("Maggie Cheung", None),
        ("Tony Leung Chiu-wai", None), ("Zhang Ziyi", None)]
    assert {r["title"] for r in got} == {"Hero"}


# --- text-derived, on the contract fixture ---------------------------------------------------


def test_cast_and_roles_joins_characters_from_performance_roles(contract):
    got = rows(contract, "cast-and-roles", "name=One Second")
    assert without(got, "film", "title") == [
        {"actor": PERSON + "fan-wei", "actorName": "Fan Wei", "character": "projectionist"},
        {"actor": PERSON + "liu-haocun", "actorName": "Liu Haocun", "character": "orphan"},
        {"actor": PERSON + "zhang-yi", "actorName": "Zhang Yi"},
    ]
    assert rows(contract, "cast-and-roles", "film=film:one-second-2021") == got


def test_compared_works_gives_cue_and_polarity_per_comparison(contract):
    got = without(rows(contract, "compared-works"), "comparison")
    assert got == [
        {"review": REVIEW + "one-second-2021-by-john-li", "film": FILM + "one-second-2021",
         "work": FILM + "cinema-paradiso-1988", "workName": "Cinema Paradiso", "kind": "film",
         "cue": "china’s version of", "polarity": "https://w3id.org/filmgraph/ontology#Neutral"},
        {"review": REVIEW + "one-second-2021-by-john-li", "film": FILM + "one-second-2021",
         "work": FILM + "cinema-paradiso-1988", "workName": "Cinema Paradiso", "kind": "film",
         "cue": "in the vein of", "polarity": "https://w3id.org/filmgraph/ontology#Neutral"},
        {"review": REVIEW + "to-live-1994-by-shirin-kaur", "film": FILM + "to-live-1994",
         "work": ID + "work/to-live", "workName": "To Live", "kind": "novel",
         "cue": "lives up to", "polarity": "https://w3id.org/filmgraph/ontology#Favourable"},
    ]
    only = rows(contract, "compared-works", "review=review:to-live-1994-by-shirin-kaur")
    assert without(only, "comparison") == got[2:]


def test_mentioned_works_lists_films_and_books_with_kind_year_and_maker(contract):
    got = rows(contract, "mentioned-works")
    assert [(r["review"].rsplit("/", 1)[1], r["workName"], r["kind"], r.get("year"), r["makers"]) for r in got] == [
        ("one-second-2021-by-john-li", "Cinema Paradiso", "film", "1988", "Giuseppe Tornatore"),
        ("one-second-2021-by-john-li", "To Live", "film", "1994", "Zhang Yimou"),
        ("to-live-1994-by-shirin-kaur", "To Live", "novel", None, "Yu Hua"),
    ]
    # people and events the review mentions are not works
    assert all("/person/" not in r["work"] and "/event/" not in r["work"] for r in got)
    assert rows(contract, "mentioned-works", "film=film:to-live-1994") == got[2:]


def test_evidence_points_at_the_sentence_and_span_that_say_it(contract):
    got = rows(contract, "evidence", "name=projectionist")
    assert without(got, "annotation") == [{
        "about": ID + "role/one-second-2021--fan-wei", "review": REVIEW + "one-second-2021-by-john-li",
        "section": "body", "start": "177", "end": "199",
        "sentence": "A respected projectionist (Fan Wei in a role that exudes reputable charm) comes in to the picture.",
        "motivation": "http://www.w3.org/ns/oa#classifying", "mentionRole": "cast",
        "extractor": "filmgraph-rules", "confidence": "0.8",
    }]
    body = next(iter(contract.quads_for_pattern(
        ox.NamedNode(REVIEW + "one-second-2021-by-john-li"), ox.NamedNode("https://schema.org/reviewBody"), None))).object.value
    assert body[177:199] == "projectionist (Fan Wei"
    assert got[0]["sentence"] in body


def test_evidence_binds_by_node_or_by_review(contract):
    by_about = rows(contract, "evidence", f"about=<{ID}work/to-live>")
    assert [(r["sentence"], r["start"], r["end"]) for r in by_about] == [
        ("Adapted from Yu Hua’s novel To Live, the story opens in the 1940s.", "28", "35")]
    by_review = rows(contract, "evidence", "review=review:one-second-2021-by-john-li")
    assert [r["about"].rsplit("/", 1)[1] for r in by_review] == [
        "one-second-2021-by-john-li--cinema-paradiso", "one-second-2021--fan-wei"]
    assert len(rows(contract, "evidence")) == 3


@pytest.mark.parametrize("name, binding", [
    ("films-by-director", "director=person:zhang-yimou"),
    ("cast-and-roles", "film=film:one-second-2021"),
    ("compared-works", "review=review:one-second-2021-by-john-li"),
    ("mentioned-works", "review=review:to-live-1994-by-shirin-kaur"),
    ("reviews-of-film", "film=film:to-live-1994"),
    ("evidence", "about=role:one-second-2021--fan-wei"),
    ("collaborators", "director=person:zhang-yimou"),
])
def test_values_blocks_sent_to_endpoints_give_the_same_rows_as_substitution(contract, name, binding):
    """Remote endpoints get bindings as VALUES blocks (also inside sub-selects): same answers."""
    from filmgraph.query import _shape, _with_values, resolve_query

    text = resolve_query(name)
    bindings = parse_bindings([binding])
    rewritten = _with_values(text, bindings, _shape(text))
    assert rewritten.count("VALUES") >= 1
    assert run_query(contract, rewritten).values() == run_query(contract, text, bindings).values()
