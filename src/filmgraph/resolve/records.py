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
