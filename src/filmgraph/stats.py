"""Counts that tell a user what a store holds: reviews, films, people, triples, by type."""

from __future__ import annotations

from dataclasses import dataclass, field

from .store import FilmStore
from .vocab import FG, PREFIXES


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
    """The counts, as SPARQL aggregates the engine computes (nothing is read into Python but the
    answers): distinct triples from the default graph, which holds each data statement once
    (store.py), quads over the data graphs."""
    graphs = store.data_graphs()
    if not graphs:
        return StoreStats(0, 0, 0, 0, 0, 0, 0, {})
    in_data = f"VALUES ?g {{ {' '.join(f'<{g}>' for g in graphs)} }}"
    if store.keeps_default_graph:
        types = "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t"
        triples = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    else:  # a store written before the default graph was kept: the same counts, deduplicated here
        types = f"SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {in_data} GRAPH ?g {{ ?s a ?t }} }} GROUP BY ?t"
        triples = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {in_data} GRAPH ?g {{ ?s ?p ?o }} }} }}"
    quads = f"SELECT (COUNT(*) AS ?n) WHERE {{ {in_data} GRAPH ?g {{ ?s ?p ?o }} }}"
    recorded = _recorded_counts(store)
    if all(g in recorded for g in graphs):  # as filmgraph wrote them: a sum over the bookkeeping
        quads_n = sum(recorded[g] for g in graphs)
    else:
        quads_n = _count(store, quads)
    rows = sorted(((r["t"].value, int(r["n"].value)) for r in store.query(types, union=False)),
                  key=lambda tn: (-tn[1], tn[0]))
    by_type = {_curie(t): n for t, n in rows}
    return StoreStats(
        reviews=by_type.get("schema:Review", 0),
        films=by_type.get("schema:Movie", 0),
        people=by_type.get("schema:Person", 0),
        organizations=by_type.get("schema:Organization", 0),
        triples=_count(store, triples),
        quads=quads_n,
        graphs=len(graphs),
        by_type=by_type,
    )


def _recorded_counts(store: FilmStore) -> dict[str, int]:
    """The triple count the bookkeeping records for each graph filmgraph wrote."""
    meta, count = f"<{store.iris.meta_graph}>", f"<{FG.tripleCount}>"
    return {r["g"].value: int(r["n"].value) for r in store.query(f"SELECT ?g ?n WHERE {{ GRAPH {meta} {{ ?g {count} ?n }} }}", union=False)}


def _count(store: FilmStore, sparql: str) -> int:
    return int(next(iter(store.query(sparql, union=False)))["n"].value)
