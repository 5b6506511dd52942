"""A store validated by the compiled shapes (``compile.py``): engine queries over the default graph,
cached per graph, re-run after a change only for the focus nodes it may have touched.

Cold, every check runs once over the whole store; each result is named under every data graph
that types its focus node (the review it comes from). What each graph stated when it was
validated (its nodes, and the types it gave them: ``fg:validationReads``) is cached beside its
verdict. After graphs change or go, the nodes they stated something about before and after are
the nodes a change can have touched; the focus nodes whose checks read one of them (the node
itself, a node a path steps from, or, for the types a change added or removed, a node whose type
``sh:class`` reads) are checked again with the same queries restricted by ``VALUES``, and the
verdicts of the graphs that type them are brought up to date. Everything else comes from the
cache.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS, Graph

from ..store import from_ox
from ..vocab import FG, ONTOLOGY_FILE, SHAPES_FILE
from .compile import CompiledShapes, compile_shapes
from .report import VERDICT, Finding, StoreValidation, _graph_keys, _load_shapes, _term_text, shapes_key

#: cached keys of this engine start with this (a verdict cached by the pySHACL path is not reused)
KEY_PREFIX = "sparql-1:"
#: more changed graphs than this share of the store: check everything again (cheaper than VALUES)
COLD_SHARE = 0.2
BATCH = 1000
SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _order(f: Finding) -> tuple:
    """The order of findings in a report (what ``sorted`` would give, without comparing dataclasses)."""
    return (f.focus, f.shape, f.path, f.constraint, f.value, f.message, f.graph)


def dataset(store) -> list:
    """The graphs the checks read as their default graph: the data (the default graph, the set
    union of the data graphs, or the data graphs themselves in a store written before it was kept)
    and the ontology, as pySHACL sees the data with the ontology mixed in."""
    ontology = ox.NamedNode(str(store.iris.ontology_graph))
    data = [ox.DefaultGraph()] if store.keeps_default_graph else [ox.NamedNode(g) for g in store.data_graphs()]
    return data + ([ontology] if store.oxigraph.contains_named_graph(ontology) else [])


def subclasses(store, graphs: list) -> dict[str, set[str]]:
    """Each class's subclasses, direct or not, from the data, the store's ontology and the ontology file."""
    direct: dict[str, set[str]] = defaultdict(set)
    for r in store.oxigraph.query(f"SELECT ?s ?o WHERE {{ ?s {SUBCLASS} ?o }}", default_graph=graphs):
        direct[r["o"].value].add(r["s"].value)
    for s, o in Graph().parse(ONTOLOGY_FILE, format="turtle").subject_objects(RDFS.subClassOf):
        direct[str(o)].add(str(s))
    out: dict[str, set[str]] = {}
    for c in direct:
        seen, todo = set(), [c]
        while todo:
            for sub in direct.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        out[c] = seen - {c}
    return out


def graph_keys(store, key: str, graphs: list[str]) -> dict[str, str]:
    """Each graph's validation key: its build key with ``key`` (or, for a graph written behind
    filmgraph's back, without a build key, a digest of its content)."""
    meta, bk = _nt(str(store.iris.meta_graph)), _nt(str(FG.buildKey))
    built = {r["g"].value: r["k"].value
             for r in store.oxigraph.query(f"SELECT ?g ?k WHERE {{ GRAPH {meta} {{ ?g {bk} ?k }} }}")}
    missing = [g for g in graphs if g not in built]
    out = {g: hashlib.sha256(f"{key}\x00{built[g]}".encode("utf-8")).hexdigest() for g in graphs if g in built}
    out.update(_graph_keys(store, key, missing) if missing else {})
    return out


def _nt(value: str) -> str:
    return str(ox.NamedNode(value))


def _batches(items: list[str], size: int = BATCH) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run_checks(store, compiled: CompiledShapes, graphs: list, focus: set[str] | None = None) -> list[Finding]:
    """Every check over the store (or only over the ``focus`` IRIs); findings without their graph."""
    out: set[Finding] = set()
    per_target = focus_of_targets(store, compiled, graphs, focus) if focus is not None else []
    for check in compiled.checks:
        queries = [check.whole()] if focus is None else [
            check.restricted(_nt(f) for f in part) for part in _batches(sorted(per_target[check.target]))]
        for q in queries:
            for r in store.oxigraph.query(q, default_graph=graphs):
                f = r["f"]
                value = _term_text(from_ox(r["v"])) if check.reports_value and r["v"] is not None else ""
                out.add(Finding(f.value, check.shape, check.path, check.constraint, value, check.message))
    return sorted(out, key=_order)


def focus_of_targets(store, compiled: CompiledShapes, graphs: list, nodes: set[str]) -> list[set[str]]:
    """Which of ``nodes`` each targeted shape checks: by their types (one lookup each), or, for
    shapes with other targets, by their focus pattern."""
    types: dict[str, set[str]] = defaultdict(set)
    for part in _batches(sorted(nodes)):
        values = " ".join(_nt(n) for n in part)
        for r in store.oxigraph.query(f"SELECT ?f ?t WHERE {{ VALUES ?f {{ {values} }} ?f a ?t }}", default_graph=graphs):
            types[r["f"].value].add(r["t"].value)
    out = []
    for classes, pattern in zip(compiled.targets, compiled.focus_patterns):
        if classes is not None:
            out.append({n for n in nodes if types.get(n, set()) & classes})
            continue
        found: set[str] = set()
        for part in _batches(sorted(nodes)):
            values = " ".join(_nt(n) for n in part)
            rows = store.oxigraph.query(f"SELECT DISTINCT ?f WHERE {{ VALUES ?f {{ {values} }} {pattern} }}", default_graph=graphs)
            found |= {r["f"].value for r in rows}
        out.append(found)
    return out


def count_focus(store, compiled: CompiledShapes, graphs: list) -> int:
    union = " UNION ".join(f"{{ {p} }}" for p in compiled.focus_patterns)
    rows = store.oxigraph.query(f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ {union} }}", default_graph=graphs)
    return int(next(iter(rows))["n"].value)


def typing_graphs(store, focus: Iterable[str] | None) -> dict[str, set[str]]:
    """The data graphs that type each node (of ``focus``, or every node)."""
    skip = f"FILTER(?g NOT IN ({_nt(str(store.iris.meta_graph))}, {_nt(str(store.iris.ontology_graph))}))"
    out: dict[str, set[str]] = defaultdict(set)
    if focus is None:
        queries = [f"SELECT DISTINCT ?f ?g WHERE {{ GRAPH ?g {{ ?f a ?t }} {skip} }}"]
    else:
        queries = [f"SELECT DISTINCT ?f ?g WHERE {{ VALUES ?f {{ {' '.join(_nt(f) for f in part)} }} GRAPH ?g {{ ?f a ?t }} {skip} }}"
                   for part in _batches(sorted(set(focus)))]
    for q in queries:
        for r in store.oxigraph.query(q):
            out[r["f"].value].add(r["g"].value)
    return out


# --- what each graph stated, kept to know later what a change touched -----------------------------


def graph_reads(store, graphs: list[str] | None, inverse: Iterable[str] = ()) -> dict[str, dict]:
    """Per data graph (all of them, or ``graphs``): the nodes a change to its statements can
    touch (their subjects, and the objects of ``inverse`` predicates, which checks read
    backwards), the (node, class) pairs it types, and whether it has blank nodes (which VALUES
    cannot name). Grouped in the engine: a Python object per quad would cost 3x more."""
    meta, onto = _nt(str(store.iris.meta_graph)), _nt(str(store.iris.ontology_graph))
    names = store.data_graphs() if graphs is None else graphs
    out = {g: {"n": set(), "t": set(), "b": False} for g in names}
    scopes = [f"FILTER(?g NOT IN ({meta}, {onto}))"] if graphs is None else [
        f"VALUES ?g {{ {' '.join(_nt(g) for g in part)} }}" for part in _batches(graphs, 200)]
    back = " ".join(_nt(p) for p in sorted(inverse))
    for scope in scopes:
        for r in store.oxigraph.query(
                "SELECT ?g (GROUP_CONCAT(IF(isIRI(?n), STR(?n), \"\"); separator=\" \") AS ?ns) "
                "(SUM(IF(isBlank(?n), 1, 0)) AS ?b) WHERE { { SELECT DISTINCT ?g ?n WHERE { "
                f"{scope} GRAPH ?g {{ ?n ?p ?o }} }} }} }} GROUP BY ?g"):
            entry = out.setdefault(r["g"].value, {"n": set(), "t": set(), "b": False})
            entry["n"].update(n for n in r["ns"].value.split(" ") if n)
            entry["b"] = entry["b"] or int(r["b"].value) > 0
        for r in store.oxigraph.query(
                "SELECT ?g (GROUP_CONCAT(CONCAT(STR(?s), \" \", STR(?c)); separator=\" \") AS ?ts) WHERE { "
                f"{scope} GRAPH ?g {{ ?s a ?c }} FILTER(isIRI(?s) && isIRI(?c)) }} GROUP BY ?g"):
            parts = r["ts"].value.split(" ")
            out.setdefault(r["g"].value, {"n": set(), "t": set(), "b": False})["t"].update(zip(parts[::2], parts[1::2]))
        if back:
            for r in store.oxigraph.query(f"SELECT DISTINCT ?g ?o WHERE {{ {scope} VALUES ?p {{ {back} }} GRAPH ?g {{ ?s ?p ?o }} }}"):
                entry = out.setdefault(r["g"].value, {"n": set(), "t": set(), "b": False})
                if isinstance(r["o"], ox.NamedNode):
                    entry["n"].add(r["o"].value)
                elif isinstance(r["o"], ox.BlankNode):
                    entry["b"] = True
    return out


def typing_from_reads(reads: dict[str, dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for g, r in reads.items():
        for node, _ in r["t"]:
            out[node].add(g)
    return out


def _pack(reads: dict) -> str:
    data = {"n": sorted(reads["n"]), "t": sorted(list(t) for t in reads["t"]), "b": reads["b"]}
    return base64.b64encode(zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 6)).decode("ascii")


def _unpack(text: str) -> dict:
    data = json.loads(zlib.decompress(base64.b64decode(text)))
    return {"n": set(data["n"]), "t": {tuple(t) for t in data["t"]}, "b": data["b"]}


# --- the cache in the bookkeeping graph -------------------------------------------------------------


def _verdict_node(graph: str) -> ox.NamedNode:
    return ox.NamedNode(graph + VERDICT)


def cached_verdicts(store) -> dict[str, tuple[str, list[Finding]]]:
    meta = ox.NamedNode(str(store.iris.meta_graph))
    kp, rp = ox.NamedNode(str(FG.validationKey)), ox.NamedNode(str(FG.validationReport))
    rows = store.oxigraph.query(f"SELECT ?g ?k ?r WHERE {{ GRAPH {meta} {{ ?g {kp} ?k ; {rp} ?r }} }}")
    out = {}
    for r in rows:
        g, key = r["g"].value, r["k"].value
        if g.endswith(VERDICT):  # a verdict of the pySHACL path is not parsed: it is not reused
            out[g.removesuffix(VERDICT)] = (key, [Finding(*f) for f in json.loads(r["r"].value)] if key.startswith(KEY_PREFIX) else [])
    return out


def cached_reads(store, graphs: Iterable[str]) -> dict[str, dict]:
    meta = ox.NamedNode(str(store.iris.meta_graph))
    rd = ox.NamedNode(str(FG.validationReads))
    out = {}
    for part in _batches(sorted(graphs), 500):
        values = " ".join(str(_verdict_node(g)) for g in part)
        for r in store.oxigraph.query(f"SELECT ?v ?r WHERE {{ VALUES ?v {{ {values} }} GRAPH {meta} {{ ?v {rd} ?r }} }}"):
            out[r["v"].value.removesuffix(VERDICT)] = _unpack(r["r"].value)
    return out


def remember(store, verdicts: dict[str, tuple[str, list[Finding]]], reads: dict[str, dict], gone: Iterable[str]) -> None:
    """Replace the cached verdicts (and reads) of these graphs, and drop those of ``gone`` ones (a
    read-only store raises OSError: the verdicts are then not kept)."""
    meta = ox.NamedNode(str(store.iris.meta_graph))
    kp, rp, rd = (ox.NamedNode(str(p)) for p in (FG.validationKey, FG.validationReport, FG.validationReads))
    gone = set(gone)
    state = str(store.iris.meta_graph)  # the store's state goes first and comes back last, so a
    for q in list(store.oxigraph.quads_for_pattern(_verdict_node(state), None, None, meta)):  # run cut
        store.oxigraph.remove(q)  # short leaves no state, and the next run checks everything
    for part in [*_batches(sorted((set(verdicts) | set(reads) | gone) - {state}), 500), [state]]:
        old, new = [], []
        for graph in part:
            v = _verdict_node(graph)
            for p in [kp, rp] if graph in verdicts or graph in gone else []:
                old += store.oxigraph.quads_for_pattern(v, p, None, meta)
            if graph in reads or graph in gone:
                old += store.oxigraph.quads_for_pattern(v, rd, None, meta)
            if graph in verdicts:
                key, found = verdicts[graph]
                report = json.dumps([[f.focus, f.shape, f.path, f.constraint, f.value, f.message, f.graph] for f in found],
                                    separators=(",", ":"))
                new += [ox.Quad(v, kp, ox.Literal(key), meta), ox.Quad(v, rp, ox.Literal(report), meta)]
            if graph in reads:
                new.append(ox.Quad(v, rd, ox.Literal(_pack(reads[graph])), meta))
        for q in old:
            store.oxigraph.remove(q)
        store.oxigraph.extend(new)


# --- validating ----------------------------------------------------------------------------------------


def validate_compiled(store, *, use_cache: bool = True, shapes_file: Path = SHAPES_FILE,
                      on_progress: Callable[[int], None] | None = None) -> StoreValidation:
    """Validate every data graph of ``store`` with the compiled shapes (raises ``UnsupportedShape``
    if they cannot be compiled), reusing cached verdicts that still hold."""
    shapes, _ = _load_shapes(shapes_file)
    graphs_read = dataset(store)
    hierarchy = subclasses(store, graphs_read)
    compiled = compile_shapes(shapes, hierarchy)
    digest = hashlib.sha256(json.dumps(sorted((k, sorted(v)) for k, v in hierarchy.items())).encode()).hexdigest()
    key = KEY_PREFIX + hashlib.sha256(f"{shapes_key(shapes_file)}\x00{digest}".encode()).hexdigest()
    graphs = store.data_graphs()
    keys = {g: KEY_PREFIX + k for g, k in graph_keys(store, key, graphs).items()}
    meta = str(store.iris.meta_graph)
    state = KEY_PREFIX + hashlib.sha256("".join(f"{g}\x00{keys[g]}\n" for g in graphs).encode("utf-8")).hexdigest()
    keys[meta] = state  # findings about nodes no data graph types are kept under the bookkeeping graph

    cached = cached_verdicts(store) if use_cache else {}
    if cached and (meta not in cached or any(not k.startswith(KEY_PREFIX) for k, _ in cached.values())):
        cached = {}  # a run cut short, or verdicts of the pySHACL path (which do not say what they read)
    out = StoreValidation(graphs=len(graphs), engine="sparql")
    if cached and cached.get(meta, ("",))[0] == state and all(cached.get(g, ("",))[0] == keys[g] for g in graphs):
        out.cached = len(graphs)
        out.findings = sorted((f for g in [*graphs, meta] for f in cached.get(g, ("", []))[1]), key=_order)
        return out

    changed = [g for g in graphs if cached.get(g, ("",))[0] != keys[g]]
    gone = [g for g in cached if g not in keys]
    verdicts: dict[str, tuple[str, list[Finding]]] = {}
    reads: dict[str, dict] = {}
    focus: set[str] | None = None
    if cached and len(changed) <= max(20, COLD_SHARE * len(graphs)):
        old = cached_reads(store, changed + gone)
        reads = graph_reads(store, changed, compiled.reads.inverse)
        if not any(g in cached and g not in old for g in changed + gone):  # else: not known what they stated
            focus = affected(store, compiled, graphs_read, old, reads)
    if focus is None:  # cold: everything
        reads = graph_reads(store, None, compiled.reads.inverse)
        found = run_checks(store, compiled, graphs_read)
        by_graph = typing_from_reads(reads)
        if any(r["b"] for r in reads.values()):  # typed blank nodes: ask the engine
            by_graph = typing_graphs(store, None)
        if not use_cache:
            reads = {}
        fresh: dict[str, list[Finding]] = defaultdict(list)
        for f in found:
            for g in sorted(by_graph.get(f.focus, ())) or [meta]:
                fresh[g].append(Finding(**{**f.__dict__, "graph": g if g != meta else ""}))
        verdicts = {g: (keys[g], fresh.get(g, [])) for g in [*graphs, meta]}
        out.checked = len(graphs)
        out.focus_nodes = count_focus(store, compiled, graphs_read)
    else:
        found = run_checks(store, compiled, graphs_read, focus)
        by_graph = typing_graphs(store, focus)
        fresh = defaultdict(list)
        for f in found:
            for g in sorted(by_graph.get(f.focus, ())) or [meta]:
                fresh[g].append(Finding(**{**f.__dict__, "graph": g if g != meta else ""}))
        touched = set(changed) | {g for gs in by_graph.values() for g in gs} | {meta}
        for g in touched:
            kept = [f for f in cached.get(g, ("", []))[1] if f.focus not in focus]
            verdicts[g] = (keys[g], sorted(kept + fresh.get(g, []), key=_order))
        out.checked = len(touched - {meta})
        out.focus_nodes = len(focus)
    out.cached = len(graphs) - out.checked
    for g in [*graphs, meta]:
        out.findings += verdicts[g][1] if g in verdicts else cached.get(g, ("", []))[1]
    out.findings.sort(key=_order)
    if on_progress is not None:
        on_progress(out.checked)
    if use_cache:
        try:
            remember(store, verdicts, reads, gone)
        except OSError:
            pass  # a read-only store: the verdicts are simply not kept
    return out


def affected(store, compiled: CompiledShapes, graphs: list, before: dict[str, dict], after: dict[str, dict]) -> set[str] | None:
    """The focus nodes whose verdicts the changes may have touched (None: any of them, so check all).

    ``before``/``after``: what each changed (or removed) graph stated then and now. The statements
    that changed are about nodes of either; the types that changed are pairs in one but not the
    other."""
    empty = {"n": set(), "t": set(), "b": False}
    if compiled.reads.everything or any(r["b"] for r in [*before.values(), *after.values()]):
        return None
    nodes: set[str] = set()
    typed: set[str] = set()
    for g in set(before) | set(after):
        then, now = before.get(g, empty), after.get(g, empty)
        nodes |= then["n"] | now["n"]
        typed |= {s for s, _ in then["t"] ^ now["t"]}
    out = set(nodes)
    edges = sorted(p for p in compiled.reads.edges if p)
    types = sorted(p for p in compiled.reads.types if p)
    for paths, targets in ((edges, nodes), (types, typed)):
        if not paths or not targets:
            continue
        path = "|".join(f"({p})" for p in paths)
        for part in _batches(sorted(targets), 500):
            values = " ".join(_nt(n) for n in part)
            for r in store.oxigraph.query(f"SELECT DISTINCT ?f WHERE {{ VALUES ?n {{ {values} }} ?f {path} ?n }}",
                                          default_graph=graphs):
                if isinstance(r["f"], ox.BlankNode):
                    return None
                out.add(r["f"].value)
    return out
