"""Comparisons on spacy.blank("en") docs: a work right after a cue, with the cue's polarity."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from filmgraph.extract.comparisons import find_comparisons  # noqa: E402
from filmgraph.extract.spans import state  # noqa: E402
from rule_support import make_doc  # noqa: E402


def test_comparison_cue_makes_the_org_a_work_and_a_bare_mention_is_no_comparison(blank_en):
    doc = make_doc(blank_en, "A homage in the vein of Cinema Paradiso. Shadow is also good.",
                   ents={"Cinema Paradiso": "ORG", "Shadow": "WORK_OF_ART"})
    find_comparisons(doc)
    (c,) = state(doc)["comparisons"]
    assert (doc.text[slice(*c["work"])], c["cue"], c["polarity"]) == ("Cinema Paradiso", "in the vein of", "neutral")


def test_cue_polarity_unfavourable(blank_en):
    doc = make_doc(blank_en, "It pales next to Raise the Red Lantern.")
    find_comparisons(doc)
    assert [c["polarity"] for c in state(doc)["comparisons"]] == ["unfavourable"]


def test_capitalised_cue_word_inside_a_name_is_no_cue(blank_en):
    doc = make_doc(blank_en, "Early on, in the Echo Game, she dances.")
    find_comparisons(doc)
    assert state(doc)["comparisons"] == []


def test_comparisons_component_looks_only_max_gap_words_past_the_cue():
    text = "It is in the vein of the very old Cinema Paradiso."
    found = {}
    for gap in (2, 4):
        blank = spacy.blank("en")
        blank.add_pipe("filmgraph_comparisons", config={"max_gap": gap})
        assert blank.get_pipe_config("filmgraph_comparisons")["max_gap"] == gap
        doc = blank(text)
        found[gap] = [doc.text[slice(*c["work"])] for c in state(doc)["comparisons"]]
    assert found == {2: [], 4: ["Cinema Paradiso"]}
