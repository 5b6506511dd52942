"""What resolution decides, as plain data: merges with their reasons, and near-misses kept apart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Merge:
    """Several names (and the IRIs a name-minted build gave them) are one ``kind`` entity ``iri``."""

    kind: str  # person | film | work
    iri: str
    names: tuple[str, ...]
    variants: tuple[str, ...]  # name-minted IRIs that now mean ``iri`` (each gets owl:sameAs)
    reasons: tuple[str, ...]
    reviews: tuple[str, ...]  # ids of the reviews whose mentions were merged

    def to_json(self) -> dict:
        return {"kind": self.kind, "iri": self.iri, "names": list(self.names), "variants": list(self.variants),
                "reasons": list(self.reasons), "reviews": list(self.reviews)}


@dataclass(frozen=True)
class NearMiss:
    """Two entities that look alike but were kept apart, and why."""

    kind: str
    iris: tuple[str, str]
    names: tuple[str, str]
    score: float  # rapidfuzz similarity of the names, 0..100
    reason: str
    reviews: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"kind": self.kind, "iris": list(self.iris), "names": list(self.names),
                "score": round(self.score, 1), "reason": self.reason, "reviews": list(self.reviews)}


class MentionIris:
    """Each mention's IRI, kept as the IRI its mention key (a name's compact key; a work's kind,
    title key, year and maker) has by default, plus the mentions that differ.

    A dict with one entry per mention grows with every review a store holds (~0.5 KB a review,
    issue 14); most mentions of a key get one IRI, so only the exceptions are kept per review.
    ``get(mention)`` answers what the dict of every mention would, for every mention the
    resolution saw. ``default`` and ``differ`` are dicts, or tables of the resolver's working set
    on disk (``workset.DiskMap``) when they grow with the store.
    """

    __slots__ = ("default", "differ", "_key_of")

    def __init__(self, default: dict, key_of, differ: dict | None = None) -> None:
        self.default = default
        self.differ = differ if differ is not None else {}
        self._key_of = key_of

    @classmethod
    def of(cls, pairs, key_of) -> "MentionIris":
        """The answers of the dict ``dict(pairs())`` (mention -> IRI; a mention given twice has
        its last IRI), kept compactly without making that dict: ``pairs`` is called twice. A
        key's default is the IRI most of its mentions have (the first in IRI order on a tie), so
        the result does not depend on the order of ``pairs``."""
        from collections import Counter

        default: dict = {}
        conflicted: set = set()
        for mention, iri in pairs():
            if default.setdefault(key_of(mention), iri) != iri:
                conflicted.add(key_of(mention))
        if not conflicted:
            return cls(default, key_of)
        final = {mention: iri for mention, iri in pairs() if key_of(mention) in conflicted}
        chosen: dict = {}
        counts = Counter((key_of(mention), iri) for mention, iri in final.items())
        for (key, iri), _n in sorted(counts.items(), key=lambda item: (-item[1], item[0][1])):
            chosen.setdefault(key, iri)
        default.update(chosen)
        return cls(default, key_of, {m: iri for m, iri in final.items() if default[key_of(m)] != iri})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MentionIris):
            return NotImplemented
        return (self.default, self.differ) == (other.default, other.differ)

    def __repr__(self) -> str:
        return f"MentionIris({len(self.default)} keys, {len(self.differ)} mentions that differ)"

    def get(self, mention, fallback=None):
        found = self.differ.get(mention)
        if found is None:
            found = self.default.get(self._key_of(mention))
        return fallback if found is None else found

    def __getitem__(self, mention) -> str:
        found = self.get(mention)
        if found is None:
            raise KeyError(mention)
        return found

    def values(self) -> set[str]:
        """Every IRI some mention has."""
        return set(self.default.values()) | set(self.differ.values())
