"""Titles on spacy.blank("en") docs built by hand: the gazetteer (known titles and names over the
NER's guesses) and the title rules (titles the NER misses, with years and makers)."""

from __future__ import annotations

import pickle

import pytest

spacy = pytest.importorskip("spacy")

from filmgraph.extract.assemble import assemble  # noqa: E402
from filmgraph.extract.sections import collect  # noqa: E402
from filmgraph.extract.components import add_components  # noqa: E402
from filmgraph.extract.events import find_events  # noqa: E402
from filmgraph.extract.spans import EVENT, WORK, state, title_runs  # noqa: E402
from filmgraph.extract.titles import find_titles  # noqa: E402
from filmgraph.models import Review  # noqa: E402
from rule_support import make_doc  # noqa: E402


def test_title_run_splits_missing_comma_before_capitalised_verb(blank_en):
    doc = make_doc(blank_en, "the days of Red Sorghum Raise the Red Lantern to now",
                   tags={"Red": "NNP", "Sorghum": "NNP", "Raise": "VBP", "Lantern": "NNP"})
    runs = [doc[a:b].text for a, b in title_runs(doc, 0, len(doc))]
    assert runs == ["Red Sorghum", "Raise the Red Lantern"]


def test_year_possessive_and_bracketed_year_give_works_with_years(blank_en):
    doc = make_doc(blank_en, "Look at 1994's To Live and at Cinema Paradiso (1988) today.",
                   ents={"Cinema Paradiso": "ORG"})
    find_titles(doc)
    works = {e.text: state(doc)["works"][(e.start_char, e.end_char)].get("year")
             for e in doc.ents if e.label_ == WORK}
    assert works == {"To Live": 1994, "Cinema Paradiso": 1988}


def test_event_years_are_not_film_years(blank_en):
    doc = make_doc(blank_en, "It is set in 1966 during the Cultural Revolution (1966-1976).")
    find_events(doc)
    find_titles(doc)
    assert [e.text for e in doc.ents if e.label_ == WORK] == []
    assert [e.text for e in doc.ents if e.label_ == EVENT] == ["Cultural Revolution"]


def test_appositive_possessive_names_the_maker(blank_en):
    doc = make_doc(blank_en, "China's version of Cinema Paradiso (1988), Giuseppe Tornatore's masterpiece about cinema.",
                   ents={"Cinema Paradiso": "ORG", "Giuseppe Tornatore": "PERSON"})
    find_titles(doc)
    (work,) = [e for e in doc.ents if e.label_ == WORK]
    assert state(doc)["works"][(work.start_char, work.end_char)]["maker"] == "Giuseppe Tornatore"


def test_title_rules_component_runs_from_its_factory():
    blank = spacy.blank("en")
    blank.add_pipe("filmgraph_title_rules")
    doc = blank("We saw 1994's To Live again.")
    assert [(e.text, e.label_) for e in doc.ents] == [("To Live", WORK)]
    assert state(doc)["works"][(doc.ents[0].start_char, doc.ents[0].end_char)]["year"] == 1994


def test_gazetteer_component_overrides_ner_and_short_names_resolve():
    blank = spacy.blank("en")
    add_components(blank, [("House of Flying Daggers", "film"), ("Fan Wei", "person")])
    doc = blank.make_doc("Fan Wei loves House of Flying Daggers. Later Fan sets up a loop reel.")
    doc.ents = [doc.char_span(14, 37, label="ORG"), doc.char_span(45, 48, label="PERSON")]
    doc = blank(doc)
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels["House of Flying Daggers"] == "WORK_OF_ART" and labels["Fan Wei"] == "PERSON"
    review = Review(source="t.txt", sha256="0", title="One Second", cast=("Fan Wei", "Zhang Yi"), body=doc.text)
    _, result = assemble(review, [collect(doc, "body")])
    assert {m.name for m in result.mentions if m.label == "PERSON"} == {"Fan Wei"}
    assert [w.title for w in result.works] == ["House of Flying Daggers"]
    assert pickle.loads(pickle.dumps(result)) == result


def test_gazetteer_reads_titles_and_names_from_the_store_and_its_wikidata_graph():
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from filmgraph.extract.gazetteer import from_store
    from filmgraph.iris import Iris
    from filmgraph.store import FilmStore
    from filmgraph.vocab import FG, SCHEMA, WD, WDT

    iris = Iris("https://w3id.org/filmgraph/id/")
    store = FilmStore.in_memory(iris)
    g = Graph()
    film = iris.film("Shadow", 2018)
    g.add((film, RDF.type, SCHEMA.Movie))
    g.add((film, SCHEMA.name, Literal("Shadow", lang="en")))
    g.add((film, FG.releaseYear, Literal("2018", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))))
    store.replace_graph(iris.review_graph("shadow-2018"), g, source="s.txt", build_key="k")
    wd = Graph()  # real Wikidata: Zhang Yimou (Q55430) directed House of Flying Daggers (Q369388)
    wd.add((WD.Q369388, WDT.P57, WD.Q55430))
    wd.add((WD.Q369388, RDFS.label, Literal("House of Flying Daggers", lang="en")))
    wd.add((WD.Q55430, RDFS.label, Literal("Zhang Yimou", lang="en")))
    store.replace_graph(iris.wikidata_graph, wd, source="wikidata", build_key="k")
    entries, years = from_store(store)
    assert set(entries) == {("Shadow", "film"), ("House of Flying Daggers", "film"), ("Zhang Yimou", "person")}
    assert years == {"shadow": 2018}
