"""The resolver's working set on disk (issue 14): the same answers as the in-memory resolver it
replaced, whatever the order of the reviews, and a file that is gone once the resolution is closed,
the build is done, or the build failed."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from filmgraph.errors import StoreError
from filmgraph.iris import Iris
from filmgraph.pipeline import build, resolve_store
from filmgraph.resolve import PersonMention, ReviewMentions, WorkingSet, WorkMention, resolve
from filmgraph.settings import Settings
from filmgraph.store import FilmStore
from resolve_helpers import resolution_answers, varied_aliases, varied_mentions, write_variant_reviews

BASE = "http://ex.org/"
IRIS = Iris(BASE)
#: what the in-memory resolver (before the working set went to disk) answered about
#: ``varied_mentions()``, without and with ``varied_aliases``
GOLDEN = Path(__file__).parent / "data" / "resolve_varied_golden.json"


def _working_sets(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".filmgraph-resolve-"))


def test_the_on_disk_resolver_answers_as_the_in_memory_one_did_on_a_varied_set():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    reviews = varied_mentions()
    with resolve(reviews, IRIS) as plain, resolve(reviews, IRIS, varied_aliases) as aliased:
        assert resolution_answers(reviews, plain) == golden["plain"]
        assert resolution_answers(reviews, aliased) == golden["aliases"]
    assert golden["plain"]["merges"] and golden["plain"]["near_misses"]  # the set exercises the rules
    assert golden["plain"] != golden["aliases"]


def test_the_on_disk_resolution_does_not_depend_on_the_order_reviews_come_in():
    reviews = varied_mentions(60, seed=3)
    with resolve(reviews, IRIS, varied_aliases) as first:
        expected = resolution_answers(reviews, first)
    for seed in range(3):
        shuffled = list(reviews)
        random.Random(seed).shuffle(shuffled)
        with resolve(shuffled, IRIS, varied_aliases) as again:
            assert resolution_answers(reviews, again) == expected


def test_a_review_given_twice_keeps_its_last_mentions():
    first = ReviewMentions("a", (PersonMention("Gong Li", "cast", ("To Live",)),), (WorkMention("To Live", "film", 1994),))
    last = ReviewMentions("a", (PersonMention("Ge You", "cast", ("To Live",)),), (WorkMention("To Live", "film", 1994),))
    with resolve([first, last], IRIS) as twice, resolve([last], IRIS) as once:
        assert resolution_answers([last], twice) == resolution_answers([last], once)
        assert twice.people.get(("a", "Gong Li")) is None


def test_closing_a_resolution_removes_its_file_and_keeps_its_report(tmp_path):
    r = resolve(varied_mentions(30), IRIS, directory=tmp_path)
    assert len(_working_sets(tmp_path)) == 1
    report = r.to_json()
    r.close()
    assert _working_sets(tmp_path) == []
    assert r.to_json() == report and r.merges
    with pytest.raises(Exception):
        r.review_key("r000")
    r.close()  # twice is fine


def test_a_resolution_that_fails_removes_its_file(tmp_path):
    def aliases(name: str) -> frozenset[str]:
        raise RuntimeError("the alias index broke")

    with pytest.raises(RuntimeError):
        resolve(varied_mentions(10), IRIS, aliases, directory=tmp_path)
    assert _working_sets(tmp_path) == []


def test_a_working_set_never_closed_is_removed_when_collected(tmp_path):
    ws = WorkingSet(tmp_path).add_all(varied_mentions(5))
    assert len(ws) == 5 and _working_sets(tmp_path)
    del ws
    assert _working_sets(tmp_path) == []


class _Exploding:
    """A text stage that draws nothing: every review's graph fails to render."""

    fingerprint = "exploding"

    def __init__(self, seen: list[list[str]], folder: Path) -> None:
        self.seen, self.folder = seen, folder

    def analyse(self, reviews):
        for review in reviews:
            yield review, {"note": "analysed"}

    def add_to_graph(self, review, result, rg, iris):
        from filmgraph.errors import FilmGraphError

        self.seen.append(_working_sets(self.folder))  # the working set, while the build renders
        raise FilmGraphError("this stage cannot draw")


def test_a_build_keeps_its_working_set_beside_the_store_and_removes_it_even_when_it_fails(tmp_path):
    paths = write_variant_reviews(tmp_path / "reviews")
    settings = Settings(store_path=tmp_path / "store")
    seen: list[list[str]] = []
    with FilmStore.open(settings.store_path, IRIS) as store:
        with pytest.raises(StoreError, match="cannot render"):
            build(paths, store, settings, text_stage=_Exploding(seen, tmp_path))
    assert seen and len(seen[0]) == 1  # beside the store while the build ran
    assert _working_sets(tmp_path) == []
    with FilmStore.open(settings.store_path, IRIS) as store:
        report = build(paths, store, settings)  # and a build that succeeds leaves none either
        assert report.render.written == 3
        with resolve_store(store, settings) as resolution:
            assert resolution.merges and len(_working_sets(tmp_path)) == 1
    assert _working_sets(tmp_path) == []


def test_a_working_set_that_sqlite_cannot_write_is_one_store_error_and_its_file_goes(tmp_path):
    ws = WorkingSet(tmp_path).add_all(varied_mentions(10))
    ws.conn.execute("DROP TABLE form_item")  # as good as a full disk for the next write
    with pytest.raises(StoreError, match="the resolver's working set .* failed: no such table"):
        resolve(ws, IRIS)
    assert _working_sets(tmp_path) == []
