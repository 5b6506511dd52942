"""People and roles on spacy.blank("en") docs: who plays whom, and short names of people."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from filmgraph.extract.roles import find_roles  # noqa: E402
from filmgraph.extract.spans import WORK, state  # noqa: E402
from filmgraph.extract.titles import find_titles  # noqa: E402
from filmgraph.models import Review  # noqa: E402
from rule_support import make_doc  # noqa: E402


def test_description_before_brackets_is_the_role(blank_en):
    doc = make_doc(blank_en, "a respected projectionist (Fan Wei in a role) comes in.", ents={"Fan Wei": "PERSON"})
    find_roles(doc)
    assert [(r["character"]) for r in state(doc)["roles"]] == ["respected projectionist"]


def test_possessive_description_names_the_role_of_the_person_in_brackets(blank_en):
    doc = make_doc(blank_en, "She is the mayor's (Ge You) daughter.", ents={"Ge You": "PERSON"})
    find_roles(doc)
    assert [r["character"] for r in state(doc)["roles"]] == ["mayor"]


def test_bracketed_other_film_is_not_a_role(blank_en):
    doc = make_doc(blank_en, 'Deng Chao ("The Mermaid") takes the lead.', ents={"Deng Chao": "PERSON"})
    find_titles(doc)
    find_roles(doc)
    assert state(doc)["roles"] == []
    assert [e.text for e in doc.ents if e.label_ == WORK] == ["The Mermaid"]


@pytest.mark.parametrize("text,character", [
    ("Jet Li plays Nameless, an official.", "Nameless"),
    ("Gong Li as Songlian is superb.", "Songlian"),
    ("Gao Bin, played by Ni Dahong, is a chief.", "Gao Bin"),
    ("the general (the ever-dependable Hu Jun) waits.", "general"),
])
def test_cast_patterns_pair_actor_and_character(blank_en, text, character):
    actors = {"Jet Li", "Gong Li", "Ni Dahong", "Hu Jun"}
    doc = make_doc(blank_en, text, ents={a: "PERSON" for a in actors if a in text})
    find_roles(doc)
    assert [r["character"] for r in state(doc)["roles"]] == [character]


def test_role_rules_component_runs_from_its_factory():
    blank = spacy.blank("en")
    blank.add_pipe("filmgraph_role_rules")
    doc = blank.make_doc("Gong Li as Songlian is superb.")
    doc.ents = [doc.char_span(0, 7, label="PERSON")]
    doc = blank(doc)
    assert [(doc.text[slice(*r["actor"])], r["character"]) for r in state(doc)["roles"]] == [("Gong Li", "Songlian")]


def test_zhang_yi_is_not_zhang_yimou():
    from filmgraph.extract.sections import Names

    names = Names(Review(source="t", sha256="0", directors=("Zhang Yimou",), cast=("Zhang Yi",)), [], set())
    assert names.resolve("Zhang Yi") == "Zhang Yi"
    assert names.resolve("Zhang’s") == "Zhang Yimou"
    assert names.resolve("Fan") is None


@pytest.mark.parametrize("text,roles", [
    ("As Ben, Steven Yeun unsettles everyone.", [("Steven Yeun", "Ben")]),
    ("As the emperor, Chow Yun-fat glowers.", [("Chow Yun-fat", "emperor")]),
    ("As a result, Steven Yeun has little to do.", []),
    ("As the film goes on, Chow Yun-fat fades.", []),
])
def test_a_sentence_opening_with_as_a_part_gives_it_to_the_actor_after_the_comma(blank_en, text, roles):
    actors = {"Steven Yeun", "Chow Yun-fat"}
    doc = make_doc(blank_en, text, ents={a: "PERSON" for a in actors if a in text})
    find_roles(doc)
    assert [(doc.text[slice(*r["actor"])], r["character"]) for r in state(doc)["roles"]] == roles
