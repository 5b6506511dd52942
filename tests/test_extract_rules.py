"""The rule components on spacy.blank("en") docs built by hand (fast; no trained model)."""

from __future__ import annotations

import pickle

import pytest

spacy = pytest.importorskip("spacy")
from spacy.tokens import Doc  # noqa: E402

from filmgraph.extract import rules  # noqa: E402
from filmgraph.extract.assemble import assemble, collect  # noqa: E402
from filmgraph.extract.components import add_components  # noqa: E402
from filmgraph.models import Review  # noqa: E402


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def make_doc(nlp, text: str, ents: dict[str, str] | None = None, tags: dict[str, str] | None = None) -> Doc:
    """A doc of ``text`` with entities given as {phrase: label} and tags as {word: tag}."""
    doc = nlp.make_doc(text)
    spans = []
    for phrase, label in (ents or {}).items():
        start = text.index(phrase)
        spans.append(doc.char_span(start, start + len(phrase), label=label))
    doc.ents = spans
    for t in doc:
        if tags and t.text in tags:
            t.tag_ = tags[t.text]
    return doc


def test_title_run_splits_missing_comma_before_capitalised_verb(nlp):
    doc = make_doc(nlp, "the days of Red Sorghum Raise the Red Lantern to now",
                   tags={"Red": "NNP", "Sorghum": "NNP", "Raise": "VBP", "Lantern": "NNP"})
    runs = [doc[a:b].text for a, b in rules.title_runs(doc, 0, len(doc))]
    assert runs == ["Red Sorghum", "Raise the Red Lantern"]


def test_year_possessive_and_bracketed_year_give_works_with_years(nlp):
    doc = make_doc(nlp, "Look at 1994's To Live and at Cinema Paradiso (1988) today.",
                   ents={"Cinema Paradiso": "ORG"})
    rules.find_titles(doc)
    works = {e.text: rules.state(doc)["works"][(e.start_char, e.end_char)].get("year")
             for e in doc.ents if e.label_ == rules.WORK}
    assert works == {"To Live": 1994, "Cinema Paradiso": 1988}


def test_event_years_are_not_film_years(nlp):
    doc = make_doc(nlp, "It is set in 1966 during the Cultural Revolution (1966-1976).")
    rules.find_events(doc)
    rules.find_titles(doc)
    assert [e.text for e in doc.ents if e.label_ == rules.WORK] == []
    assert [e.text for e in doc.ents if e.label_ == rules.EVENT] == ["Cultural Revolution"]


def test_appositive_possessive_names_the_maker(nlp):
    doc = make_doc(nlp, "China's version of Cinema Paradiso (1988), Giuseppe Tornatore's masterpiece about cinema.",
                   ents={"Cinema Paradiso": "ORG", "Giuseppe Tornatore": "PERSON"})
    rules.find_titles(doc)
    (work,) = [e for e in doc.ents if e.label_ == rules.WORK]
    assert rules.state(doc)["works"][(work.start_char, work.end_char)]["maker"] == "Giuseppe Tornatore"


def test_junk_filter_drops_field_labels_tagged_as_people(nlp):
    from filmgraph.extract.components import _default_junk

    doc = make_doc(nlp, "Genre: Drama. Movie Rating: good. Zhang Yimou directs.",
                   ents={"Genre": "PERSON", "Movie Rating": "PERSON", "Zhang Yimou": "PERSON"})
    rules.filter_junk(doc, set(_default_junk()))
    assert [e.text for e in doc.ents] == ["Zhang Yimou"]


def test_junk_filter_drops_the_signature_line(nlp):
    doc = make_doc(nlp, "A fine film.\nReview by John Li", ents={"John Li": "PERSON"})
    rules.filter_junk(doc, set())
    assert list(doc.ents) == []


def test_description_before_brackets_is_the_role(nlp):
    doc = make_doc(nlp, "a respected projectionist (Fan Wei in a role) comes in.", ents={"Fan Wei": "PERSON"})
    rules.find_roles(doc)
    assert [(r["character"]) for r in rules.state(doc)["roles"]] == ["respected projectionist"]


def test_possessive_description_names_the_role_of_the_person_in_brackets(nlp):
    doc = make_doc(nlp, "She is the mayor's (Ge You) daughter.", ents={"Ge You": "PERSON"})
    rules.find_roles(doc)
    assert [r["character"] for r in rules.state(doc)["roles"]] == ["mayor"]


def test_bracketed_other_film_is_not_a_role(nlp):
    doc = make_doc(nlp, 'Deng Chao ("The Mermaid") takes the lead.', ents={"Deng Chao": "PERSON"})
    rules.find_titles(doc)
    rules.find_roles(doc)
    assert rules.state(doc)["roles"] == []
    assert [e.text for e in doc.ents if e.label_ == rules.WORK] == ["The Mermaid"]


@pytest.mark.parametrize("text,character", [
    ("Jet Li plays Nameless, an official.", "Nameless"),
    ("Gong Li as Songlian is superb.", "Songlian"),
    ("Gao Bin, played by Ni Dahong, is a chief.", "Gao Bin"),
    ("the general (the ever-dependable Hu Jun) waits.", "general"),
])
def test_cast_patterns_pair_actor_and_character(nlp, text, character):
    actors = {"Jet Li", "Gong Li", "Ni Dahong", "Hu Jun"}
    doc = make_doc(nlp, text, ents={a: "PERSON" for a in actors if a in text})
    rules.find_roles(doc)
    assert [r["character"] for r in rules.state(doc)["roles"]] == [character]


def test_comparison_cue_makes_the_org_a_work_and_a_bare_mention_is_no_comparison(nlp):
    doc = make_doc(nlp, "A homage in the vein of Cinema Paradiso. Shadow is also good.",
                   ents={"Cinema Paradiso": "ORG", "Shadow": "WORK_OF_ART"})
    rules.find_comparisons(doc)
    (c,) = rules.state(doc)["comparisons"]
    assert (doc.text[slice(*c["work"])], c["cue"], c["polarity"]) == ("Cinema Paradiso", "in the vein of", "neutral")


def test_cue_polarity_unfavourable(nlp):
    doc = make_doc(nlp, "It pales next to Raise the Red Lantern.")
    rules.find_comparisons(doc)
    assert [c["polarity"] for c in rules.state(doc)["comparisons"]] == ["unfavourable"]


def test_events_are_festivals_awards_and_periods(nlp):
    doc = make_doc(nlp, "Pulled from the Berlin Film Festival, a three-time Academy Award nominee's film "
                        "set during the Cultural Revolution and the Song dynasty.")
    rules.find_events(doc)
    assert rules.state(doc)["events"] and sorted(
        (e.text, rules.state(doc)["events"][(e.start_char, e.end_char)]) for e in doc.ents
    ) == [("Academy Award", "award"), ("Berlin Film Festival", "festival"),
          ("Cultural Revolution", "period"), ("Song dynasty", "period")]


def test_gazetteer_component_overrides_ner_and_short_names_resolve(nlp):
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


def test_zhang_yi_is_not_zhang_yimou(nlp):
    from filmgraph.extract.assemble import _Names

    names = _Names(Review(source="t", sha256="0", directors=("Zhang Yimou",), cast=("Zhang Yi",)), [], set())
    assert names.resolve("Zhang Yi") == "Zhang Yi"
    assert names.resolve("Zhang’s") == "Zhang Yimou"
    assert names.resolve("Fan") is None


def test_capitalised_cue_word_inside_a_name_is_no_cue(nlp):
    doc = make_doc(nlp, "Early on, in the Echo Game, she dances.")
    rules.find_comparisons(doc)
    assert rules.state(doc)["comparisons"] == []


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


def test_components_are_registered_factories_with_configs():
    blank = spacy.blank("en")
    blank.add_pipe("filmgraph_junk_filter", config={"labels": ["genre"]})
    blank.add_pipe("filmgraph_comparisons", config={"max_gap": 2})
    doc = blank.make_doc("Genre and more")
    doc.ents = [doc.char_span(0, 5, label="PERSON")]
    assert list(blank(doc).ents) == []
    assert blank.get_pipe_config("filmgraph_comparisons")["max_gap"] == 2
