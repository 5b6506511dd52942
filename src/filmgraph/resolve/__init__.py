"""Stage 3, resolve: which mentions, across every review in the store, name one real thing.

``resolve(mentions, iris)`` is the one public function: from each review's mentions
(``mentions_of``) to a ``Resolution``, which gives every mention its canonical IRI and records
each merge (with its reasons) and each near-miss kept apart. It is a function of the *set* of
reviews: their order, how the store got there and what it held before play no part. The build
renders each review's graph through ``ResolvedIris`` (an ``Iris`` whose ``person``/``film``/
``work`` answer with canonical IRIs) and writes ``resolution_triples`` into
``{base}graph/resolution``; ``people.py`` and ``works.py`` say what merges and what does not.
What the rules index while they decide, and what the resolution keeps per review or per work,
is on disk (``workset.py``), so memory does not grow with the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from ..iris import Iris
from .mentions import PersonMention, ReviewMentions, WorkMention, mentions_of
from .names import fold, title_key
from .people import resolve_people
from .records import MentionIris, Merge, NearMiss
from .works import resolve_works
from .workset import DiskMap, WorkingSet

__all__ = ["resolve", "Resolution", "ResolvedIris", "ReviewResolution", "Merge", "NearMiss", "ReviewMentions", "PersonMention",
           "WorkMention", "WorkingSet", "mentions_of", "snapshot_aliases", "resolution_graph"]


@dataclass
class Resolution:
    """Every mention's canonical IRI, and the decisions behind them.

    The lookups (``people``, ``works``, ``review_key``, ``view``) read the working set on disk
    (``workset.WorkingSet``) and work until ``close``; ``merges``, ``near_misses`` and ``to_json``
    are plain data and outlive it. ``with resolve(...) as r:`` closes it (the file is removed);
    a resolution never closed is closed when it is garbage-collected.
    """

    people: MentionIris  # (review id, name as written) -> IRI
    person_keys: dict[str, str]
    works: MentionIris  # (review id, kind, title key, year, folded maker or "") -> IRI
    merges: list[Merge]
    near_misses: list[NearMiss]
    #: review id -> ``review_key``, kept as the digest (one row a review, in the working set)
    _review_keys: DiskMap
    _working_set: WorkingSet

    def review_key(self, review_id: str) -> str:
        """A digest of what this resolution decided for one review's mentions: when it is the same,
        the review's rendered graph is the same."""
        return self._review_keys.get((review_id,)) or _digest(())

    def close(self) -> None:
        """Remove the working set (idempotent): the lookups stop working, the reports do not."""
        self._working_set.close()

    def __enter__(self) -> "Resolution":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def iris_for(self, base: str, mentions: ReviewMentions) -> "ResolvedIris":
        return ResolvedIris(base, self.view(mentions))

    def view(self, mentions: ReviewMentions) -> "ReviewResolution":
        """What this resolution decided for one review's mentions, alone: small and picklable, so a
        worker process can draw the review's graph without the whole resolution."""
        people, works = {}, {}
        # self.people answers a name no review reads otherwise with its key's IRI (person_keys)
        for item in _decisions(mentions, lambda rid, name: self.people.get((rid, name)), self.works):
            if item[-1] is None:
                continue  # drawn with its name-minted IRI
            if item[0] == "p":
                people[item[1]] = item[2]
            else:
                _, title, kind, year, maker, iri = item
                works[(kind, title_key(title), year, fold(maker) if maker else "")] = iri
        return ReviewResolution(mentions.review_id, people, works)

    def to_json(self) -> dict:
        return {"merges": [m.to_json() for m in self.merges], "near_misses": [n.to_json() for n in self.near_misses]}


@dataclass(frozen=True)
class ReviewResolution:
    """One review's share of a ``Resolution``: each of its names and works to its canonical IRI."""

    review_id: str
    people: dict[str, str]  # name as written -> IRI
    works: dict[tuple, str]  # (kind, title key, year as written, folded maker or "") -> IRI


class ResolvedIris(Iris):
    """The IRIs of one review's graph: people and works by their resolution, the rest as ``Iris``.

    A name or work none of the review's mentions carries (a custom text stage may mint its own)
    gets its name-minted IRI: the graph depends only on the review's own share of the resolution,
    which is what lets worker processes draw it.
    """

    def __init__(self, base: str, view: ReviewResolution) -> None:
        super().__init__(base)
        self.view = view
        self.review_id = view.review_id

    def person(self, name: str) -> URIRef:
        found = self.view.people.get(name)
        return URIRef(found) if found else Iris.person(self, name)

    def film(self, title: str, year: int | None) -> URIRef:
        return self.work(title, "film", year)

    def work(self, title: str, kind: str = "film", year: int | None = None, maker: str | None = None) -> URIRef:
        works = self.view.works
        key = (kind, title_key(title), year)
        found = works.get(key + (fold(maker) if maker else "",)) or works.get(key + ("",))
        if found:
            return URIRef(found)
        return Iris.film(self, title, year) if kind == "film" else self.entity("work", title)


def resolve(reviews: Iterable[ReviewMentions] | WorkingSet, iris: Iris,
            aliases: Callable[[str], frozenset[str]] | None = None, *,
            directory: str | Path | None = None) -> Resolution:
    """Resolve the mentions of a set of reviews (in any order) to canonical IRIs.

    ``reviews`` are ``ReviewMentions`` (a review id given twice keeps its last), or a
    ``WorkingSet`` they were added to, which the resolution then owns (and closes on failure);
    otherwise one is made in ``directory`` (default: the system's temporary directory).
    ``aliases(name)`` gives the Wikidata items (QIDs) a person's name is a label or alias of
    (``snapshot_aliases``); two names of one and only one item are one person.

    >>> from filmgraph.iris import Iris
    >>> from filmgraph.resolve import PersonMention, ReviewMentions, resolve
    >>> r = resolve([ReviewMentions("a", (PersonMention("Zhang Yimou", "director", ("Hero",)),)),
    ...              ReviewMentions("b", (PersonMention("Yimou Zhang", "person"),))], Iris("http://ex.org/"))
    >>> r.people[("b", "Yimou Zhang")]
    'http://ex.org/person/zhang-yimou'
    """
    ws = reviews if isinstance(reviews, WorkingSet) else WorkingSet(directory).add_all(reviews)
    with ws.closed_on_failure():
        people = resolve_people(ws, iris, aliases)

        def person(rid: str, name: str) -> str:
            return people.by_mention.get((rid, name)) or str(iris.person(name))  # by_mention falls back to by_key

        works = resolve_works(ws, iris, person)
        for rm in ws.reviews():
            ws.insert("review_key", "INSERT INTO review_key VALUES (?, ?)",
                      (rm.review_id, _digest(sorted(set(_decisions(rm, person, works.by_mention)), key=repr))))
        ws.flush()
        variants = {v for m in people.merges + works.merges for v in m.variants}
        canonical = (variants & people.by_mention.values()) | _among(variants, works.by_mention)
        merges = _unambiguous(people.merges + works.merges, canonical)
        near = sorted((_ordered(n) for n in people.near_misses + works.near_misses),
                      key=lambda n: (n.kind, n.iris, n.reason))
        return Resolution(people.by_mention, people.by_key, works.by_mention, merges, near,
                          DiskMap(ws, "review_key", ("rid",), "digest"), ws)


def _among(iris: set[str], mentions: MentionIris) -> set[str]:
    """Those of ``iris`` some mention has (one scan of each table, not a set of every IRI)."""
    if not iris:
        return set()
    return {i for table in (mentions.default, mentions.differ) for i in table.has_value(iris)}


def _decisions(rm: ReviewMentions, person: Callable[[str, str], str | None], works: MentionIris) -> list[tuple]:
    """Each of one review's mentions with the IRI it was given: ``("p", name, IRI)`` and
    ``("w", title, kind, year, maker or None, IRI or None)``; what ``review_key`` digests and
    ``Resolution.view`` hands to the drawing."""
    items: list[tuple] = [("p", p.name, person(rm.review_id, p.name)) for p in rm.people]
    for w in rm.works:
        k = (rm.review_id, w.kind, title_key(w.title), w.year)
        items += [("w", w.title, w.kind, w.year, m, works.get(k + (fold(m) if m else "",))) for m in (*w.makers, None)]
    return items


def _digest(items) -> str:
    """``review_key``'s digest of one review's decisions (sorted items), 32 hex digits."""
    h = hashlib.sha256()
    for item in items:
        h.update(repr(item).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


def _unambiguous(merges: list[Merge], canonical: set[str]) -> list[Merge]:
    """Merges with only the variants that mean one thing: an IRI that is itself some entity's
    canonical IRI (a yearless film that stayed yearless elsewhere), or a variant of two merges
    (``person/zhang`` for two Zhangs), gets no ``owl:sameAs``."""
    from collections import Counter
    from dataclasses import replace

    seen = Counter(v for m in merges for v in m.variants)
    out = [replace(m, variants=tuple(v for v in m.variants if v not in canonical and seen[v] == 1)) for m in merges]
    return sorted(out, key=lambda m: (m.kind, m.iri))


def _ordered(n: NearMiss) -> NearMiss:
    """The pair in IRI order, so each near-miss has one name."""
    if n.iris[0] <= n.iris[1]:
        return n
    return NearMiss(n.kind, (n.iris[1], n.iris[0]), (n.names[1], n.names[0]), n.score, n.reason, n.reviews)


def resolution_graph(iris: Iris) -> URIRef:
    return URIRef(f"{iris.base}graph/resolution")


@lru_cache(maxsize=4)
def _snapshot_index(folders: tuple[str, ...]):
    from ..wikidata.snapshot import Snapshot

    return Snapshot.load([Path(f) for f in folders])


def snapshot_aliases(settings) -> Callable[[str], frozenset[str]] | None:
    """People's names from the offline Wikidata snapshots (bundled and imported): name -> QIDs."""
    from ..wikidata.snapshot import bundled_snapshot_dir

    folders: list[str] = []
    if settings.wikidata_snapshot != Path("none"):
        folders.append(str(settings.wikidata_snapshot or bundled_snapshot_dir()))
    folders.append(str(settings.wikidata_import_dir))
    snap = _snapshot_index(tuple(folders))
    if not len(snap):
        return None

    def aliases(name: str) -> frozenset[str]:
        found = snap.get(snap.search(name))
        return frozenset(q for q, e in found.items() if e.kinds() == {"person"})

    return aliases
