"""The persistent store: an Oxigraph (RocksDB) dataset on disk, one named graph per review.

Why Oxigraph: on a 1M-triple graph measured here its SPARQL engine answered a GROUP BY count
in ~45 ms against ~1.5 s for rdflib's, and loaded in ~4 s against ~28 s. Graphs are still
*built* with rdflib (simpler, and what other tools expect); they cross into Oxigraph here.

Every review's graph is written with its bookkeeping in one transaction (a SPARQL Update when it
replaces a graph, one N-Quads load when the graph is new; a build writes its new graphs in bulk
loads of many graphs, each committed atomically): the old graph is dropped, the new one inserted
and the bookkeeping updated together, so a crash or Ctrl-C mid-build leaves each review either as
it was or fully replaced, never half-written.

The default graph has set semantics (issue 11): it holds the union of the data graphs (every
review, links and Wikidata graph; not the bookkeeping or ontology graphs), each statement once,
kept in the same transaction as each write (a statement leaves it when no data graph states it
any more). SPARQL over the whole store then reads one index without duplicates: counts equal
``stats`` and aggregates need no dedupe, for 2.0 ms of CPU per new review graph against 1.6 ms
without it, and ~43% more index entries (docs/remote.md). A store written before this (or loaded behind filmgraph's back,
with ``oxigraph.load``) has no such marker, and is queried through Oxigraph's union of all
graphs, as before, until its next write through ``FilmStore`` fills the default graph.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import QueryError, StoreError
from .iris import Iris
from .vocab import FG

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the equal Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot store {term!r}")


def from_ox(term: object) -> Node:
    """An Oxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"cannot convert {term!r}")


def release_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; a no-op elsewhere).

    RocksDB frees a write buffer once it is flushed, but glibc keeps freed memory in its arenas
    for reuse, so without this a build's RSS kept the high-water mark of every buffer it had
    filled (benchmarks/bench_dataset_memory.py).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim():
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def graph_lines(triples: Iterable[tuple[Node, Node, Node]]) -> frozenset[str]:
    """The triples as N-Triples statements without their final ``.``, each once: what a write sends
    to the store (plain strings, so a worker process can draw a graph and hand it over)."""
    return frozenset(f"{to_ox(s)} {to_ox(p)} {to_ox(o)}" for s, p, o in triples)


@dataclass(frozen=True)
class StoredGraph:
    """Bookkeeping for one named graph: where it came from and the key it was built with."""

    graph_iri: str
    source: str | None
    build_key: str | None


def _refuse_foreign_directory(path: Path) -> None:
    """A store goes in a new or empty directory, or one that already is a store (RocksDB's CURRENT
    file): never among a user's own files."""
    try:
        if path.is_dir() and not (path / "CURRENT").exists() and any(path.iterdir()):
            raise StoreError(f"{path} is a directory with other files in it, not a filmgraph store; "
                             "give a new or empty directory (--store, FILMGRAPH_STORE, store_path)")
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path} is a file, not a store directory")
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc.strerror or exc}") from None


class FilmStore:
    """A filmgraph dataset. Open one per process; close it (or use ``with``) to release the lock."""

    #: flush RocksDB's write buffers every this many graph writes (issue 7): without it each of
    #: Oxigraph's ~10 indexes buffers up to its own limit, and a 10,000-review build's memory grew
    #: by ~38 KB per review (450 MB without a text stage); with it, it stays flat (~95 MB)
    FLUSH_EVERY = 500

    #: the value of ``fg:defaultGraphFormat`` in the meta graph of a store whose default graph
    #: is kept as the set union of its data graphs
    DEFAULT_GRAPH_FORMAT = "set-union-1"

    #: in ``bulk_writes()``, new graphs are written together once this many quads wait
    BULK_QUADS = 100_000

    def __init__(self, store: ox.Store, iris: Iris, path: Path | None = None) -> None:
        self._store: ox.Store | None = store
        self.iris = iris
        self.path = path
        self._writes = 0
        self._keeps_default: bool | None = None
        self._pending: list[str] | None = None  # N-Quads of new graphs not yet written (bulk_writes)
        self._pending_quads = 0
        self._pending_graphs: set[str] = set()

    # --- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, iris: Iris, read_only: bool = False) -> "FilmStore":
        """Open (creating if needed) the store directory at ``path``."""
        path = Path(path)
        _refuse_foreign_directory(path)
        try:
            if read_only:
                if not path.exists():
                    raise StoreError(f"no store at {path}: run `filmgraph build` first")
                return cls(ox.Store.read_only(str(path)), iris, path)
            path.mkdir(parents=True, exist_ok=True)
            return cls(ox.Store(str(path)), iris, path)
        except (OSError, RuntimeError) as exc:
            hint = " (is another filmgraph process using it?)" if "lock" in str(exc).lower() else ""
            raise StoreError(f"cannot open the store at {path}: {exc}{hint}") from None

    @classmethod
    def in_memory(cls, iris: Iris) -> "FilmStore":
        return cls(ox.Store(), iris, None)

    def close(self) -> None:
        if self._store is not None:
            try:
                self._store.flush()
            except (OSError, AttributeError, RuntimeError):
                pass  # read-only stores cannot flush, and have nothing to flush
            self._store = None
            gc.collect()  # Oxigraph releases the RocksDB lock when the object is freed

    def __enter__(self) -> "FilmStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def oxigraph(self) -> ox.Store:
        if self._store is None:
            raise StoreError("the store is closed")
        return self._store

    # --- the default graph: the set union of the data graphs ------------------------------------
    @property
    def keeps_default_graph(self) -> bool:
        """True when the default graph holds the union of the data graphs (each statement once);
        False for a store written before that (SPARQL then uses Oxigraph's union of all graphs)."""
        if self._keeps_default is None:
            marker = self.oxigraph.quads_for_pattern(
                to_ox(self.iris.meta_graph), to_ox(FG.defaultGraphFormat), None, to_ox(self.iris.meta_graph))
            self._keeps_default = any(q.object.value == self.DEFAULT_GRAPH_FORMAT for q in marker)
        return self._keeps_default

    def _not_data(self, var: str, *more: str) -> str:
        """A FILTER keeping ``?var`` to data graphs (not the bookkeeping, ontology or ``more`` graphs)."""
        skip = ", ".join([str(to_ox(self.iris.meta_graph)), str(to_ox(self.iris.ontology_graph)), *more])
        return f"FILTER(?{var} NOT IN ({skip}))"

    def _sync_default_graph(self) -> str:
        """SPARQL Update that makes the default graph the union of the data graphs again, touching
        only what differs, and marks the store as keeping it."""
        meta, fmt = to_ox(self.iris.meta_graph), to_ox(FG.defaultGraphFormat)
        return (
            f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} {self._not_data('g')} }} }} ;\n"
            f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._not_data('g')} FILTER NOT EXISTS {{ ?s ?p ?o }} }} ;\n"
            f"DELETE WHERE {{ GRAPH {meta} {{ {meta} {fmt} ?f }} }} ;\n"
            f"INSERT DATA {{ GRAPH {meta} {{ {meta} {fmt} {ox.Literal(self.DEFAULT_GRAPH_FORMAT)} }} }}"
        )

    def _leave_default_graph(self, g: ox.NamedNode) -> str:
        """SPARQL Update removing from the default graph what only ``g`` states (before dropping ``g``)."""
        return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
                f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} {self._not_data('h', str(g))} }} }} ;\n")

    def sync_default_graph(self) -> None:
        """Rebuild the default graph from the data graphs (after writes that bypassed ``FilmStore``,
        such as ``oxigraph.load``); reads the whole store, so it is not for every write."""
        try:
            self.oxigraph.update(self._sync_default_graph())
        except (OSError, SyntaxError, ValueError, RuntimeError) as exc:
            raise StoreError(f"cannot rebuild the default graph: {exc}") from None
        self._keeps_default = True

    def load(self, path: Path, rdf_format: ox.RdfFormat | None = None) -> None:
        """Add an RDF file's quads (TriG, N-Quads, ...) to the store, then bring the default graph up to date."""
        try:
            self.oxigraph.load(path=str(path), format=rdf_format)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot load {path}: {exc}") from None
        self.sync_default_graph()

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update, and bring the default graph up to date in the same transaction
        (the update may write any graph; this reads the whole store, so it costs O(store))."""
        self.oxigraph.update(sparql_update.rstrip().rstrip(";") + " ;\n" + self._sync_default_graph())
        self._keeps_default = True

    # --- writing ----------------------------------------------------------------------------
    def replace_graph(
        self, graph_iri: URIRef, triples: Iterable[tuple[Node, Node, Node]], source: str, build_key: str
    ) -> None:
        """Atomically make ``graph_iri`` hold exactly ``triples``, record where they came from, and
        keep the default graph the union of the data graphs."""
        self.replace_graph_lines(graph_iri, graph_lines(triples), source, build_key)

    def replace_graph_lines(self, graph_iri: URIRef | str, lines: Iterable[str], source: str, build_key: str) -> None:
        """``replace_graph`` with the triples already as N-Triples statements (``graph_lines``)."""
        g = ox.NamedNode(str(graph_iri))
        meta = to_ox(self.iris.meta_graph)
        is_data = str(graph_iri) not in (str(self.iris.meta_graph), str(self.iris.ontology_graph))
        first = not self.keeps_default_graph
        lines = lines if isinstance(lines, (set, frozenset)) else set(lines)
        try:
            if not first and not self._has_graph(g):
                # a new graph (most writes of a build): N-Quads, no SPARQL to parse
                self._add_new_graph(g, lines, source, build_key, is_data)
            else:
                self.write_pending()
                body = "\n".join(f"{t} ." for t in lines)
                meta_body = (
                    f"{g} {to_ox(FG.sourceName)} {ox.Literal(source)} .\n"
                    f"{g} {to_ox(FG.buildKey)} {ox.Literal(build_key)} .\n"
                    f"{g} {to_ox(FG.tripleCount)} {ox.Literal(str(len(lines)), datatype=XSD_INTEGER)} ."
                )
                update = (
                    (self._leave_default_graph(g) if is_data and not first else "")
                    + f"DROP SILENT GRAPH {g} ;\n"
                    f"DELETE WHERE {{ GRAPH {meta} {{ {g} ?p ?o }} }} ;\n"
                    f"INSERT DATA {{ GRAPH {g} {{\n{body}\n}} GRAPH {meta} {{\n{meta_body}\n}} "
                    + (f"\n{body}\n" if is_data and not first else "") + "}"
                    + (" ;\n" + self._sync_default_graph() if first else "")
                )
                self.oxigraph.update(update)
            self._keeps_default = True
            self.wrote()
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot write graph {graph_iri}: {exc}") from None

    def wrote(self) -> None:
        """Count one write (a graph, a cache entry); every ``FLUSH_EVERY`` writes, flush RocksDB's
        write buffers to disk and hand the heap they freed back to the system (``release_memory``)."""
        self._writes += 1
        if self._writes % self.FLUSH_EVERY == 0 and self.path is not None and self._pending is None:
            self.oxigraph.flush()
            release_memory()

    def _has_graph(self, g: ox.NamedNode) -> bool:
        """Whether ``g`` holds quads or has bookkeeping (or waits to be written with them)."""
        if g.value in self._pending_graphs:
            return True
        meta = to_ox(self.iris.meta_graph)
        return self.oxigraph.contains_named_graph(g) or any(
            True for _ in self.oxigraph.quads_for_pattern(g, None, None, meta))

    def _add_new_graph(self, g: ox.NamedNode, lines: frozenset[str] | set[str], source: str,
                       build_key: str, is_data: bool) -> None:
        """The graph, its copy in the default graph (a triple already there stays once) and its
        bookkeeping as one N-Quads document: one transactional ``Store.load``, or, inside
        ``bulk_writes()``, part of the next bulk load."""
        meta = to_ox(self.iris.meta_graph)
        text = "".join(f"{t} {g} .\n" for t in lines)
        if is_data:
            text += "".join(f"{t} .\n" for t in lines)
        integer = ox.Literal(str(len(lines)), datatype=XSD_INTEGER)
        text += (f"{g} {to_ox(FG.sourceName)} {ox.Literal(source)} {meta} .\n"
                 f"{g} {to_ox(FG.buildKey)} {ox.Literal(build_key)} {meta} .\n"
                 f"{g} {to_ox(FG.tripleCount)} {integer} {meta} .\n")
        if self._pending is None:
            self.oxigraph.load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            return
        self._pending.append(text)
        self._pending_graphs.add(g.value)
        self._pending_quads += (2 if is_data else 1) * len(lines) + 3
        if self._pending_quads >= self.BULK_QUADS:
            self.write_pending()

    @contextmanager
    def bulk_writes(self) -> Iterator["FilmStore"]:
        """Write the new graphs of a block together, in bulk loads of ``BULK_QUADS`` quads.

        Oxigraph's bulk loader writes index files directly instead of one transaction per graph
        (about half the CPU for a build's graphs), and commits each load atomically: a crash loses
        whole graphs, with their bookkeeping, never half of one. Replaced graphs are still written
        one transaction each. Reads inside the block do not see the graphs still waiting; the
        block writes them when it ends without an error."""
        if self._pending is not None:
            yield self
            return
        self._pending, self._pending_quads = [], 0
        try:
            yield self
            self.write_pending()
        finally:
            self._pending, self._pending_quads = None, 0
            self._pending_graphs.clear()

    def write_pending(self) -> None:
        """Write the new graphs ``bulk_writes()`` holds back."""
        if not self._pending:
            return
        data = "".join(self._pending).encode("utf-8")
        self._pending.clear()
        self._pending_graphs.clear()
        self._pending_quads = 0
        try:
            self.oxigraph.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot write graphs: {exc}") from None

    def remove_graph(self, graph_iri: URIRef) -> bool:
        """Drop a named graph and its bookkeeping (and what only it stated, from the default graph);
        True if it existed."""
        existed = self.stored(graph_iri) is not None or self.oxigraph.contains_named_graph(to_ox(graph_iri))
        g, meta = to_ox(graph_iri), to_ox(self.iris.meta_graph)
        first = not self.keeps_default_graph
        update = ("" if first else self._leave_default_graph(g)) + (
            f"DROP SILENT GRAPH {g} ; DELETE WHERE {{ GRAPH {meta} {{ {g} ?p ?o }} }}")
        self.oxigraph.update(update + (" ;\n" + self._sync_default_graph() if first else ""))
        self._keeps_default = True
        return existed

    # --- reading ----------------------------------------------------------------------------
    def stored(self, graph_iri: URIRef) -> StoredGraph | None:
        """The bookkeeping of one graph, or None if the store has never built it."""
        rows = self.oxigraph.query(
            "SELECT ?g ?meta ?p ?o WHERE { GRAPH ?meta { ?g ?p ?o } }",
            substitutions={ox.Variable("g"): to_ox(graph_iri), ox.Variable("meta"): to_ox(self.iris.meta_graph)},
        )
        found = {str(r["p"].value): r["o"].value for r in rows}
        if not found:
            return None
        return StoredGraph(str(graph_iri), found.get(str(FG.sourceName)), found.get(str(FG.buildKey)))

    def stored_graphs(self) -> list[StoredGraph]:
        """Every graph the store has built, in IRI order."""
        rows = self.oxigraph.query(
            "SELECT ?meta ?sp ?kp ?g ?src ?key WHERE { GRAPH ?meta { ?g ?sp ?src ; ?kp ?key } } ORDER BY ?g",
            substitutions={
                ox.Variable("meta"): to_ox(self.iris.meta_graph),
                ox.Variable("sp"): to_ox(FG.sourceName),
                ox.Variable("kp"): to_ox(FG.buildKey),
            },
        )
        return [StoredGraph(r["g"].value, r["src"].value, r["key"].value) for r in rows]

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode))

    def content_graphs(self) -> list[str]:
        """Named graphs that hold data (everything but the bookkeeping graph)."""
        meta = str(self.iris.meta_graph)
        return [g for g in self.named_graphs() if g != meta]

    def data_graphs(self, include_ontology: bool = False) -> list[str]:
        """The graphs users see as data: every review graph, the links and Wikidata graphs, and
        the ontology graph on request (what export, stats and validate read)."""
        ontology = str(self.iris.ontology_graph)
        return [g for g in self.content_graphs() if include_ontology or g != ontology]

    def graph(self, graph_iri: str | URIRef) -> Graph:
        """One named graph as an rdflib ``Graph``."""
        g = Graph()
        for q in self.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(str(graph_iri))):
            g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
        return g

    def graph_size(self, graph_iri: str | URIRef) -> int:
        """How many triples one named graph holds."""
        return sum(1 for _ in self.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(str(graph_iri))))

    def union_graph(self, graphs: Iterable[str] | None = None) -> Graph:
        """The union of content graphs (all of them by default) as one rdflib ``Graph``."""
        g = Graph()
        for name in graphs if graphs is not None else self.content_graphs():
            for q in self.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
        return g

    def quads(self, graphs: Iterable[str] | None = None) -> Iterator[ox.Quad]:
        for name in graphs if graphs is not None else self.content_graphs():
            yield from self.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(name))

    def query(self, sparql: str, substitutions: dict | None = None, union: bool = True):
        """Run SPARQL on the store. The default graph is the data of the whole store, each statement
        once (or, in a store written before that was kept, Oxigraph's union of all graphs);
        ``union=False`` asks for the stored default graph alone (for queries that name their graphs)."""
        try:
            return self.oxigraph.query(
                sparql, use_default_graph_as_union=union and not self.keeps_default_graph,
                substitutions=substitutions or None,
            )
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    def __len__(self) -> int:
        return len(self.oxigraph)
