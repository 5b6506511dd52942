"""What keeps a large build's memory down: cache writes flush the store's write buffers like graph
writes do, the resolver keeps one digest a review instead of its decisions, and header names are
one string however many reviews write them. (The figures are in benchmarks/bench_dataset_memory.py.)"""

from __future__ import annotations

import hashlib

from filmgraph.iris import Iris
from filmgraph.models import Review
from filmgraph.resolve import PersonMention, ReviewMentions, WorkMention, cache, mentions_of, resolve
from filmgraph.resolve.names import fold, title_key
from filmgraph.store import FilmStore

BASE = "http://ex.org/"


def _review(i: int) -> Review:
    """A review whose names are strings of its own (as decoded from the cache), not shared constants."""
    def own(*words: str) -> str:
        return " ".join(list(words))

    return Review(source=f"r{i}.txt", sha256=f"{i:064x}", title=f"Film {i}", year=2000 + i,
                  directors=(own("Zhang", "Yimou"),), cast=(own("Gong", "Li"),), reviewer=own("Ann", "Lee"),
                  body="Fine.")


def _sst_files(path):
    return sorted(p.name for p in path.iterdir() if p.suffix == ".sst")


def test_cache_entries_flush_the_write_buffers_every_flush_every_writes(tmp_path):
    with FilmStore.open(tmp_path / "store", Iris(BASE)) as store:
        store.FLUSH_EVERY = 3
        for i in range(2):
            cache.write_entry(store, f"{BASE}graph/review/r{i}", f"r{i}", "key", "", f"r{i}.txt", _review(i), None)
        before = _sst_files(tmp_path / "store")  # the two entries are in the write-ahead log and memtables
        cache.write_entry(store, f"{BASE}graph/review/r2", "r2", "key", "", "r2.txt", _review(2), None)
        assert set(_sst_files(tmp_path / "store")) - set(before)  # the third write flushed them to table files
        assert {e.review_id for e in cache.iter_entries(store)} == {"r0", "r1", "r2"}


def test_review_key_is_the_digest_of_the_review_decisions_as_before(tmp_path):
    """Stores built before keep their graphs' keys: the key is computed as it always was."""
    reviews = [ReviewMentions("a", (PersonMention("Zhang Yimou", "director", ("Hero",)),),
                              (WorkMention("Hero", "film", 2002, ("Zhang Yimou",), reviewed=True),)),
               ReviewMentions("b", (PersonMention("Yimou Zhang", "person"),))]
    iris = Iris(BASE)
    r = resolve(reviews, iris)
    person = f"{BASE}person/zhang-yimou"
    film = r.works[("a", "film", title_key("Hero"), 2002, "")]
    items = sorted({("p", "Zhang Yimou", person),
                    ("w", "Hero", "film", 2002, "Zhang Yimou", r.works[("a", "film", "hero", 2002, fold("Zhang Yimou"))]),
                    ("w", "Hero", "film", 2002, None, film)}, key=repr)
    h = hashlib.sha256()
    for item in items:
        h.update(repr(item).encode("utf-8"))
        h.update(b"\x00")
    assert r.review_key("a") == h.hexdigest()[:32]
    assert r.review_key("b") != r.review_key("a")
    assert r.review_key("no such review") == hashlib.sha256().hexdigest()[:32]


def test_header_names_of_many_reviews_are_one_string():
    first, second = (mentions_of(f"r{i}", _review(i)) for i in (1, 2))
    names = {p.role: p.name for p in first.people}
    others = {p.role: p.name for p in second.people}
    for role in ("director", "cast", "reviewer"):
        assert names[role] == others[role]
        assert names[role] is others[role]
