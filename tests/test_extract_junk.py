"""Junk on spacy.blank("en") docs: field labels, boilerplate and signatures are no names."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from filmgraph.extract.components import _default_junk  # noqa: E402
from filmgraph.extract.junk import filter_junk  # noqa: E402
from rule_support import make_doc  # noqa: E402


def test_junk_filter_drops_field_labels_tagged_as_people(blank_en):
    doc = make_doc(blank_en, "Genre: Drama. Movie Rating: good. Zhang Yimou directs.",
                   ents={"Genre": "PERSON", "Movie Rating": "PERSON", "Zhang Yimou": "PERSON"})
    filter_junk(doc, set(_default_junk()))
    assert [e.text for e in doc.ents] == ["Zhang Yimou"]


def test_junk_filter_drops_the_signature_line(blank_en):
    doc = make_doc(blank_en, "A fine film.\nReview by John Li", ents={"John Li": "PERSON"})
    filter_junk(doc, set())
    assert list(doc.ents) == []


def test_junk_filter_component_takes_its_labels_from_its_config():
    blank = spacy.blank("en")
    blank.add_pipe("filmgraph_junk_filter", config={"labels": ["genre"]})
    doc = blank.make_doc("Genre and more")
    doc.ents = [doc.char_span(0, 5, label="PERSON")]
    assert list(blank(doc).ents) == []
