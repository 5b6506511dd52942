"""Events on spacy.blank("en") docs: festivals, awards and historical periods by their naming patterns."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from filmgraph.extract.events import find_events  # noqa: E402
from filmgraph.extract.spans import EVENT, state  # noqa: E402
from rule_support import make_doc  # noqa: E402


def test_events_are_festivals_awards_and_periods(blank_en):
    doc = make_doc(blank_en, "Pulled from the Berlin Film Festival, a three-time Academy Award nominee's film "
                             "set during the Cultural Revolution and the Song dynasty.")
    find_events(doc)
    assert state(doc)["events"] and sorted(
        (e.text, state(doc)["events"][(e.start_char, e.end_char)]) for e in doc.ents
    ) == [("Academy Award", "award"), ("Berlin Film Festival", "festival"),
          ("Cultural Revolution", "period"), ("Song dynasty", "period")]


def test_events_component_runs_from_its_factory():
    blank = spacy.blank("en")
    blank.add_pipe("filmgraph_events")
    doc = blank("It won the Golden Bear.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Golden Bear", EVENT)]
    assert list(state(doc)["events"].values()) == ["award"]
