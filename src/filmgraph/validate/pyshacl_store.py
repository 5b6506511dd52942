"""A store validated with pySHACL, one data graph at a time (the fallback when the shapes use
SHACL the SPARQL compiler does not translate, and the reference the compiled checks are tested
against).

pySHACL on the union of a big store is slow (pySHACL #237: 322 s and 3.4 GB on 1M quads). Each
graph's *focus nodes* are the nodes it types; each is checked against everything the whole store
says about it and about the nodes it points to, two steps out (what ``sh:class`` and the
``sh:node`` of an annotation's target look at), read from the default graph, so a constraint
across reviews (two release years for one film) is still seen; only the focus nodes' results are
kept. Verdicts are cached in the bookkeeping graph, keyed like the build key (the graph's build
key, the shapes and the ontology), so a second run re-checks only the graphs that changed, and
the graphs whose cached verdict had violations whenever anything changed (a fix elsewhere may
clear them). Chunks of graphs go to worker processes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..store import from_ox
from ..vocab import FG, SHAPES_FILE
from .report import (VERDICT, Finding, StoreValidation, _graph_keys, _load_shapes, _run_pyshacl, findings,
                     shapes_key)

def _focus_nodes(store, graphs: list[str]) -> dict[str, list[str]]:
    """The IRIs each of ``graphs`` types (one query for all of them)."""
    values = " ".join(str(ox.NamedNode(g)) for g in graphs)
    out: dict[str, set[str]] = {g: set() for g in graphs}
    for r in store.query(f"SELECT DISTINCT ?g ?f WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?f a ?t }} FILTER(isIRI(?f)) }}",
                         union=False):
        out[r["g"].value].add(r["f"].value)
    return {g: sorted(f) for g, f in out.items()}


def _context(store, focus: Iterable[str]) -> str:
    """What the whole store says about ``focus`` and about the nodes they point to, two steps out
    (as N-Triples)."""
    values = " ".join(str(ox.NamedNode(f)) for f in sorted(set(focus)))
    if not values:
        return ""
    rows = store.query(
        f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ {{ SELECT DISTINCT ?x WHERE {{ VALUES ?f {{ {values} }} "
        "{ BIND(?f AS ?x) } UNION { ?f ?q ?x FILTER(!isLiteral(?x)) } "
        "UNION { ?f ?q ?v . ?v ?q2 ?x FILTER(!isLiteral(?v) && !isLiteral(?x)) } } } ?x ?p ?o }")
    return "".join(f"{t} .\n" for t in rows)


def _subjects(store, graphs: list[str]) -> set[str]:
    """Every IRI the ``graphs`` state something about (their subjects)."""
    out: set[str] = set()
    for graph in graphs:
        g = ox.NamedNode(graph)
        out.update(r["s"].value for r in store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH {g} {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}",
                                                     union=False))
    return out


def _typing_what_they_state(store, changed: list[str]) -> set[str]:
    """The graphs that type a node one of ``changed`` states something about without typing it
    (so that node's own check, in those graphs, sees the new statement)."""
    out: set[str] = set()
    for graph in changed:
        g = ox.NamedNode(graph)
        rows = store.query(f"SELECT DISTINCT ?h WHERE {{ GRAPH {g} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH {g} {{ ?s a ?t }} }} "
                           f"GRAPH ?h {{ ?s a ?u }} FILTER(?h != {g}) }}", union=False)
        out.update(r["h"].value for r in rows)
    return out


def _cached(store) -> dict[str, tuple[str, list[Finding]]]:
    meta = ox.NamedNode(str(store.iris.meta_graph))
    kp, rp = ox.NamedNode(str(FG.validationKey)), ox.NamedNode(str(FG.validationReport))
    rows = store.query(f"SELECT ?g ?k ?r WHERE {{ GRAPH {meta} {{ ?g {kp} ?k ; {rp} ?r }} }}", union=False)
    return {r["g"].value.removesuffix(VERDICT): (r["k"].value, [Finding(**f) for f in json.loads(r["r"].value)])
            for r in rows if r["g"].value.endswith(VERDICT) and not r["k"].value.startswith("sparql-")}


def _remember(store, verdicts: dict[str, tuple[str, list[Finding]]], gone: Iterable[str]) -> None:
    """Cache verdicts in the bookkeeping graph, in one transaction per batch (read-only stores skip this)."""
    meta = ox.NamedNode(str(store.iris.meta_graph))
    kp, rp = ox.NamedNode(str(FG.validationKey)), ox.NamedNode(str(FG.validationReport))
    items = [(g, None) for g in gone] + list(verdicts.items())
    for start in range(0, len(items), 500):
        parts, inserts = [], []
        for graph, verdict in items[start:start + 500]:
            g = ox.NamedNode(graph + VERDICT)
            parts.append(f"DELETE WHERE {{ GRAPH {meta} {{ {g} {kp} ?k }} }} ; DELETE WHERE {{ GRAPH {meta} {{ {g} {rp} ?r }} }}")
            if verdict is not None:
                report = json.dumps([f.__dict__ for f in verdict[1]], sort_keys=True)
                inserts.append(f"{g} {kp} {ox.Literal(verdict[0])} ; {rp} {ox.Literal(report)} .")
        update = " ;\n".join(parts) + (f" ;\nINSERT DATA {{ GRAPH {meta} {{ {' '.join(inserts)} }} }}" if inserts else "")
        store.oxigraph.update(update)


# in worker processes (and this one): each shapes file, parsed once
_SHAPES: dict[str, tuple[Graph, Graph]] = {}


def _init_worker(shapes_file: str) -> None:
    _SHAPES[shapes_file] = _load_shapes(Path(shapes_file))


def check_chunk(chunk: tuple[list[tuple[str, list[str]]], str],
                shapes_file: str = str(SHAPES_FILE)) -> list[tuple[str, list[Finding]]]:
    """Validate a few graphs in one pySHACL run: ``([(graph, focus nodes), ...], context N-Triples)``;
    the findings of each graph (a node several of them type is reported under each)."""
    if shapes_file not in _SHAPES:
        _init_worker(shapes_file)
    shapes, ontology = _SHAPES[shapes_file]
    members, context = chunk
    focus = {f for _, nodes in members for f in nodes}
    if not focus:
        return [(graph, []) for graph, _ in members]
    data = Graph()
    for q in ox.parse(context.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        data.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    # every node of the context is checked, but only the focus nodes' results count: the others
    # (nodes pointed to) come without their own context. (pySHACL's focus_nodes option would
    # skip them, but it also skips the value nodes of sh:node and sh:or, so misses results.)
    _, results, _ = _run_pyshacl(data, shapes, ontology, inplace=True)
    found = [f for f in findings(results, shapes) if f.focus in focus]
    return [(graph, [Finding(**{**f.__dict__, "graph": graph}) for f in found if f.focus in set(nodes)])
            for graph, nodes in members]


def validate_store(store, *, workers: int = 1, use_cache: bool = True, chunk_size: int = 25,
                   shapes_file: Path = SHAPES_FILE,
                   on_progress: Callable[[int], None] | None = None) -> StoreValidation:
    """Validate every data graph of ``store`` (reviews, links, Wikidata) with its context; reuse
    cached verdicts whose key still matches; cache the new ones when the store is writable."""
    _load_shapes(shapes_file)  # a broken shapes file fails here, before any work
    graphs = store.data_graphs()
    keys = _graph_keys(store, shapes_key(shapes_file), graphs)
    cached = _cached(store) if use_cache else {}
    gone = [g for g in cached if g not in keys and g != str(store.iris.meta_graph)]
    todo = [g for g in graphs if cached.get(g, ("",))[0] != keys[g]]
    # the whole store's state, recorded under the bookkeeping graph's own IRI
    state = hashlib.sha256("".join(f"{g}\x00{keys[g]}\n" for g in graphs).encode("utf-8")).hexdigest()
    meta = str(store.iris.meta_graph)
    if cached and (todo or gone or cached.get(meta, ("",))[0] != state):
        # something changed: a violation cached elsewhere may be gone. After a removal, re-check
        # every graph with cached violations; after changes only, those whose violations are about
        # a node a changed graph states something about
        flagged = {g for g in graphs if g not in todo and cached.get(g, ("", []))[1]}
        removed = bool(gone)
        if flagged and not removed:
            touched = _subjects(store, todo)
            flagged = {g for g in flagged if any(f.focus in touched for f in cached[g][1])}
        todo += sorted((flagged | _typing_what_they_state(store, todo)) - set(todo))
    todo.sort()
    out = StoreValidation(graphs=len(graphs), checked=len(todo), cached=len(graphs) - len(todo))
    verdicts: dict[str, tuple[str, list[Finding]]] = {}

    def chunks() -> Iterable[tuple[list[tuple[str, list[str]]], str]]:
        for start in range(0, len(todo), chunk_size):
            focus = _focus_nodes(store, todo[start:start + chunk_size])
            out.focus_nodes += sum(len(f) for f in focus.values())
            yield list(focus.items()), _context(store, (f for nodes in focus.values() for f in nodes))

    for found in _map(chunks(), workers, str(shapes_file)):
        for graph, results in found:
            verdicts[graph] = (keys[graph], results)
        if on_progress is not None:
            on_progress(len(found))
    for graph in graphs:
        out.findings += verdicts[graph][1] if graph in verdicts else cached[graph][1]
    out.findings.sort()
    if use_cache and cached.get(meta, ("",))[0] != state:
        verdicts[meta] = (state, [])
    if use_cache and (verdicts or gone):
        try:
            _remember(store, verdicts, gone)
        except OSError:
            pass  # a read-only store: the verdicts are simply not kept
    return out


def _map(chunks: Iterable, workers: int, shapes_file: str) -> Iterator[list[tuple[str, list[Finding]]]]:
    """``check_chunk`` over ``chunks``, in order: here, or in ``workers`` processes with at most two
    chunks each in flight (the main process reads the store while they check)."""
    if workers <= 1:
        yield from (check_chunk(c, shapes_file) for c in chunks)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker, initargs=(shapes_file,)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(check_chunk, chunk, shapes_file))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

