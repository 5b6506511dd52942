"""The resolver keeps each mention's IRI as a default per name or work key plus the reviews that
differ, not one entry per mention: it must answer exactly what the entry-per-mention dict did."""

from __future__ import annotations

import random

from filmgraph.iris import Iris
from filmgraph.resolve import PersonMention as P
from filmgraph.resolve import ReviewMentions, resolve
from filmgraph.resolve import WorkMention as W
from filmgraph.resolve.records import MentionIris

BASE = "http://ex.org/"


def _first_letter(mention: tuple) -> str:
    return mention[1][0]


def test_mention_iris_answers_as_the_dict_of_every_mention_did():
    full = {("r1", "ab"): "X", ("r2", "ac"): "X", ("r3", "ad"): "Y", ("r4", "bz"): "Z"}
    m = MentionIris.of(lambda: full.items(), _first_letter)
    assert {k: m[k] for k in full} == full
    assert m.differ == {("r3", "ad"): "Y"}  # only the mention unlike its key's majority is kept apart
    assert m.values() == {"X", "Y", "Z"}


def test_mention_iris_of_a_mention_given_twice_keeps_its_last_iri():
    pairs = [(("r1", "ab"), "X"), (("r1", "ab"), "Y"), (("r2", "ac"), "Y")]
    m = MentionIris.of(lambda: iter(pairs), _first_letter)
    assert (m[("r1", "ab")], m[("r2", "ac")]) == ("Y", "Y")


def test_mention_iris_does_not_depend_on_the_order_of_its_pairs():
    pairs = [((f"r{i}", "a"), "X" if i % 3 else "Y") for i in range(12)] + [(("r99", "b"), "Z")]
    first = MentionIris.of(lambda: iter(pairs), _first_letter)
    for seed in range(5):
        shuffled = list(pairs)
        random.Random(seed).shuffle(shuffled)
        assert MentionIris.of(lambda: iter(shuffled), _first_letter) == first


def test_a_short_name_that_means_someone_else_in_one_review_is_kept_for_that_review_only():
    """'Leung' is Tony Leung Chiu-wai beside him, Tony Leung Ka-fai beside him; nowhere else."""
    reviews = [ReviewMentions("a", (P("Tony Leung Chiu-wai", "cast", ("In the Mood for Love",)), P("Leung", "person"))),
               ReviewMentions("b", (P("Tony Leung Ka-fai", "cast", ("The Lover",)), P("Leung", "person"))),
               ReviewMentions("c", (P("Leung", "person"),))]
    r = resolve(reviews, Iris(BASE))
    assert r.people[("a", "Leung")] == f"{BASE}person/tony-leung-chiu-wai"
    assert r.people[("b", "Leung")] == f"{BASE}person/tony-leung-ka-fai"
    assert r.people[("c", "Leung")] == f"{BASE}person/leung"
    assert len(r.people.differ) <= 2  # the one-review readings, not every mention


def test_the_resolution_keeps_no_entry_for_mentions_that_read_as_their_key_does():
    reviews = [ReviewMentions(f"r{i}", (P("Zhang Yimou", "director", ("Hero",)), P(f"Reviewer {i}", "reviewer")),
                              (W("Hero", "film", 2002, ("Zhang Yimou",), reviewed=True),)) for i in range(50)]
    r = resolve(reviews, Iris(BASE))
    assert r.people[("r7", "Zhang Yimou")] == f"{BASE}person/zhang-yimou"
    assert r.works[("r7", "film", "hero", 2002, "")] == f"{BASE}film/hero-2002"
    assert not r.people.differ and not r.works.differ
