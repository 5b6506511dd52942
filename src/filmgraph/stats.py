"""Counts that tell a user what a store holds: reviews, films, people, triples, by type."""

from __future__ import annotations

from dataclasses import dataclass, field

from .store import FilmStore
from .vocab import PREFIXES


def _curie(iri: str) -> str:
    """``https://schema.org/Movie`` -> ``schema:Movie``, for the prefixes filmgraph declares."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@dataclass(frozen=True)
class StoreStats:
    reviews: int
    films: int
    people: int
    organizations: int
    triples: int
    quads: int
    graphs: int
    by_type: dict[str, int] = field(default_factory=dict)

    def as_rows(self) -> list[tuple[str, int]]:
        rows = [("reviews", self.reviews), ("films", self.films), ("people", self.people),
                ("organizations", self.organizations), ("triples (distinct)", self.triples),
                ("quads", self.quads), ("named graphs", self.graphs)]
        return rows + [(f"type {t}", n) for t, n in self.by_type.items()]


def store_stats(store: FilmStore) -> StoreStats:
    graphs = store.data_graphs()
    values = " ".join(f"<{g}>" for g in graphs)
    by_type: dict[str, int] = {}
    if graphs:
        rows = store.query(
            f"SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s a ?t }} }}"
            " GROUP BY ?t ORDER BY DESC(?n) ?t"
        )
        for row in rows:
            by_type[_curie(row["t"].value)] = int(row["n"].value)
    quads = 0
    distinct: set = set()
    for q in store.quads(graphs):  # one pass: a triple stated by several reviews counts once
        quads += 1
        distinct.add(q.triple)
    triples = len(distinct)
    return StoreStats(
        reviews=by_type.get("schema:Review", 0),
        films=by_type.get("schema:Movie", 0),
        people=by_type.get("schema:Person", 0),
        organizations=by_type.get("schema:Organization", 0),
        triples=triples,
        quads=quads,
        graphs=len(graphs),
        by_type=by_type,
    )
