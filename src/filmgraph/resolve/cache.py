"""The extraction cache: each review as read and what its text stage found, kept in the meta graph.

One entry per review graph, at ``{base}cache/{review id}`` in ``{base}graph/meta``: the build key
it was made with (``fg:buildKey``), the text stage's fingerprint (``fg:extractor``) and a
compressed JSON literal (``fg:extractionCache``) of the source's name, the ``Review`` and the
result. It has no ``fg:sourceName``, so it is never taken for a built graph. An unchanged review is never analysed again, yet every build can resolve and render
all reviews in the store. The JSON is tagged (dataclasses by name, tuples, dates), and only the
dataclasses of ``ALLOWED`` are ever rebuilt from it.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from ..errors import StoreError
from ..models import Review
from ..vocab import FG

#: cache format; bump when the encoding (not the extraction) changes
CACHE_VERSION = "1"


def _allowed() -> dict[str, type]:
    from ..extract import types

    names = ["Evidence", "Mention", "PersonRole", "Work", "CastRole", "Comparison", "Event", "Subject",
             "ExtractionResult"]
    found = {n: getattr(types, n) for n in names}
    found["Review"] = Review
    return found


@dataclass(frozen=True)
class CacheEntry:
    """One review's cached reading: its graph, the key and stage it was made with, and the data."""

    graph_iri: str
    review_id: str
    build_key: str
    fingerprint: str
    source: str
    review: Review
    result: object


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$": type(value).__name__, **{f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"$d": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(value: Any, allowed: dict[str, type] | None = None) -> Any:
    allowed = allowed if allowed is not None else _allowed()
    if isinstance(value, list):
        return [decode(v, allowed) for v in value]
    if not isinstance(value, dict):
        return value
    if "$t" in value:
        return tuple(decode(v, allowed) for v in value["$t"])
    if "$d" in value:
        return {decode(k, allowed): decode(v, allowed) for k, v in value["$d"]}
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    cls = allowed.get(value.get("$", ""))
    if cls is None:
        raise StoreError(f"the extraction cache holds an unknown type {value.get('$')!r}")
    return cls(**{k: decode(v, allowed) for k, v in value.items() if k != "$"})


def pack(review_id: str, source: str, review: Review, result: object) -> str:
    data = json.dumps({"v": CACHE_VERSION, "id": review_id, "source": source, "review": encode(review), "result": encode(result)},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def unpack(blob: str) -> tuple[str, str, Review, object]:
    d = json.loads(zlib.decompress(base64.b64decode(blob)))
    if d.get("v") != CACHE_VERSION:
        raise StoreError("the extraction cache is of another format version")
    allowed = _allowed()
    return d["id"], d["source"], decode(d["review"], allowed), decode(d["result"], allowed)


# --- in the store ---------------------------------------------------------------------------------

def entry_iri(store, review_id: str) -> URIRef:
    return URIRef(f"{store.iris.base}cache/{review_id}")


_PREDICATES = {"cache_of": FG.cacheOf, "key_p": FG.buildKey, "fp_p": FG.extractor, "blob_p": FG.extractionCache}


def _query(store, with_blob: bool, graph_iri: str | None = None) -> str:
    p = {k: ox.NamedNode(str(v)) for k, v in _PREDICATES.items()}
    meta = ox.NamedNode(str(store.iris.meta_graph))
    g = ox.NamedNode(graph_iri) if graph_iri else "?g"
    blob = f"; {p['blob_p']} ?blob " if with_blob else ""
    return (f"SELECT ?c ?g ?key ?fp{' ?blob' if with_blob else ''} WHERE {{ GRAPH {meta} {{ "
            f"?c {p['cache_of']} {g} ; {p['key_p']} ?key ; {p['fp_p']} ?fp {blob}}}"
            + (f" BIND({g} AS ?g)" if graph_iri else "") + " } ORDER BY ?g")


@dataclass(frozen=True)
class IndexEntry:
    """A cache entry without its data: enough to tell whether a review must be analysed again."""

    graph_iri: str
    build_key: str
    fingerprint: str


def read_index(store) -> dict[str, IndexEntry]:
    """Every cache entry's graph, build key and stage fingerprint (no data), by graph IRI."""
    return {r["g"]: IndexEntry(r["g"], r["key"], r["fp"]) for r in _select(store, _query(store, False))}


def iter_entries(store):
    """Every cache entry with its data, in graph IRI order, one at a time (memory stays flat)."""
    for row in _select(store, _query(store, True), lazy=True):
        entry = entry_of(row)
        if entry is not None:
            yield entry


def read_entry(store, graph_iri: str) -> CacheEntry | None:
    row = read_row(store, graph_iri)
    return entry_of(row) if row is not None else None


def read_row(store, graph_iri: str) -> dict[str, str] | None:
    """One cache entry as stored (its data still packed): cheap to read, decoded by ``entry_of``
    wherever the entry is used (a worker process, for one)."""
    rows = _select(store, _query(store, True, graph_iri))
    return rows[0] if rows else None


def entry_of(row: dict[str, str]) -> CacheEntry | None:
    try:
        rid, source, review, result = unpack(row["blob"])
    except (StoreError, ValueError, TypeError, KeyError, zlib.error):
        return None  # an entry this code cannot read is as good as none: the review is analysed again
    return CacheEntry(row["g"], rid, row["key"], row["fp"], source, review, result)


def write_entry(store, graph_iri: str, review_id: str, build_key: str, fingerprint: str, source: str,
                review: Review, result: object) -> None:
    """Replace one review's cache entry (one update: atomic on a local store)."""
    c = ox.NamedNode(str(entry_iri(store, review_id)))
    meta = ox.NamedNode(str(store.iris.meta_graph))
    blob = pack(review_id, source, review, result)
    body = (f"{c} {ox.NamedNode(str(FG.cacheOf))} {ox.NamedNode(graph_iri)} .\n"
            f"{c} {ox.NamedNode(str(FG.buildKey))} {ox.Literal(build_key)} .\n"
            f"{c} {ox.NamedNode(str(FG.extractor))} {ox.Literal(fingerprint)} .\n"
            f"{c} {ox.NamedNode(str(FG.extractionCache))} {ox.Literal(blob)} .")
    _update(store, f"DELETE WHERE {{ GRAPH {meta} {{ {c} ?p ?o }} }} ;\nINSERT DATA {{ GRAPH {meta} {{\n{body}\n}} }}")


def delete_entry(store, review_id: str) -> None:
    c = ox.NamedNode(str(entry_iri(store, review_id)))
    meta = ox.NamedNode(str(store.iris.meta_graph))
    _update(store, f"DELETE WHERE {{ GRAPH {meta} {{ {c} ?p ?o }} }}")


def _select(store, sparql: str, lazy: bool = False):
    client = getattr(store, "client", None)
    if client is not None:  # a remote store
        return [{k: str(v) for k, v in row.items()} for row in client.select(sparql)]
    result = store.oxigraph.query(sparql)
    names = result.variables
    rows = ({v.value: row[v].value for v in names if row[v] is not None} for row in result)
    return rows if lazy else list(rows)


def _update(store, sparql: str) -> None:
    client = getattr(store, "client", None)
    if client is not None:
        client.update(sparql, what="update the extraction cache")
        return
    try:
        store.oxigraph.update(sparql)
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot write the extraction cache: {exc}") from None
