"""The build: read + extract each changed review, resolve over the whole store, write what changed.

1. **read + extract**: each review whose bytes, settings or text stage changed is read and
   analysed; what comes out depends on that review alone (and the settings and static data). The
   review as read and the stage's result are cached in the meta graph (``resolve/cache.py``), one
   update per review, so an interrupted build loses at most the reviews in flight.
2. **resolve**: every review in the store, cached or new, is resolved together
   (``resolve.resolve``): one IRI per real person, film or work, the merges and near-misses in
   ``{base}graph/resolution``.
3. **render**: each review's graph is drawn with that resolution and written only when what it
   depends on changed (its build key and the resolution of its mentions, kept as the graph's
   build key), each with its bookkeeping in one transaction or, for new graphs, in atomic bulk
   loads of many (``FilmStore.bulk_writes``). Graphs are drawn by the text stage's worker
   processes when it has them (``render.py``); the main process writes.

So the store is a function of the set of reviews in it: the order they came in, interruptions,
``--force`` and what the store held before do not change it. A review that fails is reported and
skipped; the others go on.

The build's own memory does not grow with the number of reviews it reads (a dataset can have
millions of rows): the report counts outcomes and keeps a bounded number (``BuildReport``); the
reviews already met, for the duplicate check, are kept as fixed-size digests (``DigestSet``); and
whether a review is unchanged, or a graph must be written, is asked of the store review by review;
the store flushes its write buffers as cache entries and graphs go in (``FilmStore.wrote``). The
resolve step, which by design sees every review at once, keeps what it knows per review and per
work in a temporary SQLite file beside the store (``resolve.WorkingSet``), and render reads its
per-review bookkeeping back from there (docs/inputs.md, "Memory").
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import sqlite3
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

from rdflib import Graph, URIRef

from .errors import FilmGraphError, ReadError, StoreError
from .graph import ReviewGraph, review_id
from .iris import Iris
from .models import BuildReport, Review, ReviewOutcome
from .read import iter_sources, read_review
from .render import DrawJob, draw
from .resolve import Resolution, WorkingSet, mentions_of, resolution_graph, resolve, snapshot_aliases
from .resolve import cache
from .resolve.workset import working_set_error
from .settings import Settings
from .store import FilmStore, to_ox
from .vocab import FG, ONTOLOGY_FILE

#: bump when the graph a review produces changes shape, so stores rebuild their reviews
GRAPH_FORMAT_VERSION = "3"


class TextStage(Protocol):
    """What the build asks of a text-analysis stage (spaCy extraction is one).

    ``analyse`` takes reviews lazily and yields, in the same order, each review (refined: for
    example with an inferred subject) and its result, or a ``FilmGraphError`` for that review
    alone; it is free to batch (``nlp.pipe``) or fan out to worker processes. Its result must
    depend on the review alone, and be made of plain values and the dataclasses of
    ``extract.types`` (it is cached in the store). ``add_to_graph`` turns a result into statements
    in the review's graph, minting IRIs with the ``iris`` it is given (a ``ResolvedIris``).
    ``fingerprint`` names the stage's configuration: changing it analyses every review again.
    """

    fingerprint: str

    def analyse(self, reviews: Iterable[Review]) -> Iterator[tuple[Review, object]]: ...

    def add_to_graph(self, review: Review, result: object, rg: ReviewGraph, iris: Iris) -> None: ...


@dataclass
class RenderReport:
    """What the resolve and render steps did."""

    reviews: int = 0
    written: int = 0
    merges: int = 0
    near_misses: int = 0
    #: graph IRI -> triples, for the graphs written that the caller asked about (``triples_of``)
    triples: dict[str, int] = field(default_factory=dict)
    #: the resolution the graphs were drawn with, closed: its merges and near-misses, not its lookups
    resolution: Resolution | None = None


class DigestSet:
    """A set of strings kept as 16-byte digests (BLAKE2b): ~80 bytes an item, whatever its length,
    where a set of graph IRIs takes ~200. Two different strings share a digest with probability
    ~2**-128, so membership is as good as exact."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self._digests: set[bytes] = set()
        for item in items:
            self.add(item)

    @staticmethod
    def _digest(item: str) -> bytes:
        return hashlib.blake2b(item.encode("utf-8"), digest_size=16).digest()

    def add(self, item: str) -> None:
        self._digests.add(self._digest(item))

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and self._digest(item) in self._digests

    def __len__(self) -> int:
        return len(self._digests)


def build_key(source_sha256: str, settings: Settings, fingerprint: str = "") -> str:
    """What a review's extraction depends on: its bytes, the base IRI, the graph format, the stage."""
    h = hashlib.sha256()
    for part in (source_sha256, settings.base_iri, GRAPH_FORMAT_VERSION, fingerprint):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def load_ontology(store: FilmStore) -> bool:
    """Keep the store's ontology graph equal to ``ontology/filmgraph.ttl``; True if it changed."""
    data = ONTOLOGY_FILE.read_bytes()
    key = hashlib.sha256(data).hexdigest()
    current = store.stored(store.iris.ontology_graph)
    if current is not None and current.build_key == key:
        return False
    g = Graph().parse(data=data, format="turtle")
    store.replace_graph(store.iris.ontology_graph, g, source=str(ONTOLOGY_FILE.name), build_key=key)
    return True


def build(
    paths: Iterable[str | Path],
    store: FilmStore,
    settings: Settings,
    *,
    text_stage: TextStage | None = None,
    stdin: BinaryIO | None = None,
    on_outcome: Callable[[ReviewOutcome], None] | None = None,
    force: bool = False,
    fetcher=None,
    keep_outcomes: int = BuildReport.keep,
) -> BuildReport:
    """Add the reviews at ``paths`` to ``store``, resolve the whole store, and write what changed.

    Unchanged reviews (same bytes, same settings, same text stage) are not analysed again.
    ``on_outcome`` is called as each review is analysed (for progress bars); ``force`` analyses
    unchanged reviews too (which changes nothing in the store: the result is the same).
    ``fetcher`` (``inputs.urls.Fetcher``) fetches URL inputs. The report counts every review and
    keeps the first ``keep_outcomes`` outcomes and problems (``on_outcome`` sees them all).
    """
    iris = Iris(settings.base_iri)
    fingerprint = text_stage.fingerprint if text_stage is not None else ""
    report = BuildReport(keep=keep_outcomes)

    def done(outcome: ReviewOutcome) -> None:
        report.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    load_ontology(store)
    cached_key = _cached_keys(store)
    seen = DigestSet()  # review graphs met in this build
    todo: dict[tuple[str, str], tuple[str, str, bool]] = {}  # (source, sha256) -> (review id, build key, existed)
    fresh = DigestSet()  # graphs analysed by this build (kept only with --force, which needs them)

    def to_analyse() -> Iterator[Review]:
        for item in iter_sources(paths, settings, stdin=stdin, fetcher=fetcher):
            if isinstance(item, ReadError):
                done(ReviewOutcome(item.source, "failed", error=str(item)))
                continue
            try:
                review = read_review(item, settings)
            except FilmGraphError as exc:
                done(ReviewOutcome(item.name, "failed", error=_named(item.name, exc)))
                continue
            rid = review_id(review)
            graph_iri = str(iris.review_graph(rid))
            if graph_iri in seen:
                first = _first_source(store, graph_iri, rid, todo)
                done(ReviewOutcome(item.name, "skipped", str(iris.review(rid)),
                                   error=f"{item.name}: same review (film and reviewer) as {first}; skipped"))
                continue
            seen.add(graph_iri)
            key = build_key(item.sha256, settings, fingerprint)
            before = cached_key(graph_iri, rid)
            if before == key and not force:
                done(ReviewOutcome(item.name, "unchanged", str(iris.review(rid)), warnings=review.warnings))
                continue
            todo[(review.source, review.sha256)] = (rid, key, before is not None)
            yield review

    analysed: Iterable[tuple[Review, object]]
    if text_stage is None:
        analysed = ((r, None) for r in to_analyse())
    else:
        analysed = text_stage.analyse(to_analyse())
    for review, result in analysed:
        # a text stage may hand back a refined copy: source and sha256 identify it
        rid, key, existed = todo.pop((review.source, review.sha256))
        name = review.source
        try:
            if isinstance(result, FilmGraphError):
                raise result
            graph_iri = str(iris.review_graph(rid))
            cache.write_entry(store, graph_iri, rid, key, fingerprint, name, review, result)
            if force:
                fresh.add(graph_iri)
        except FilmGraphError as exc:
            done(ReviewOutcome(name, "failed", error=_named(name, exc)))
            continue
        except TypeError as exc:  # a result the cache cannot hold: the stage's bug, reported per review
            done(ReviewOutcome(name, "failed", error=f"{name}: the text stage's result cannot be cached: {exc}"))
            continue
        done(ReviewOutcome(name, "replaced" if existed else "added", str(iris.review(rid)), warnings=review.warnings))
    kept = {_graph_of(iris, o) for o in report.outcomes} - {""}
    rendered = render(store, settings, text_stage, force_graphs=fresh, triples_of=kept)
    report.outcomes = [dataclasses.replace(o, triples=rendered.triples.get(_graph_of(iris, o), o.triples))
                       for o in report.outcomes]
    report.render = rendered
    return report


def _first_source(store, graph_iri: str, rid: str, todo: dict[tuple[str, str], tuple[str, str, bool]]) -> str:
    """The name of the input that first gave review ``rid`` in this build, for a duplicate's message:
    one still in the text stage (``todo``), else the one whose reading the store now caches."""
    for (source, _), (other, _, _) in todo.items():
        if other == rid:
            return source
    entry = cache.read_entry(store, graph_iri)
    return entry.source if entry is not None else "an earlier input of this build"


def _cached_keys(store) -> Callable[[str, str], str | None]:
    """``lookup(graph IRI, review id)``: the build key of the review's cache entry, or None.

    A local store is asked review by review (an index lookup), so a build of a large store holds
    no copy of its index; a remote one's index is read once (one request, not one per review).
    """
    if not isinstance(store, FilmStore):
        index = cache.read_index(store)
        return lambda graph_iri, rid: (e.build_key if (e := index.get(graph_iri)) is not None else None)
    import pyoxigraph as ox

    meta, key_p = ox.NamedNode(str(store.iris.meta_graph)), ox.NamedNode(str(FG.buildKey))
    cache_of = ox.NamedNode(str(FG.cacheOf))

    def lookup(graph_iri: str, rid: str) -> str | None:
        c = ox.NamedNode(str(cache.entry_iri(store, rid)))
        if not any(True for _ in store.oxigraph.quads_for_pattern(c, cache_of, ox.NamedNode(graph_iri), meta)):
            return None
        return next((q.object.value for q in store.oxigraph.quads_for_pattern(c, key_p, None, meta)), None)

    return lookup


def _stored_keys(store) -> Callable[[str], str | None]:
    """``lookup(graph IRI)``: the build key the store's copy of a graph was written with, or None
    (per graph on a local store; a remote store's bookkeeping is read once)."""
    if not isinstance(store, FilmStore):
        stored = {s.graph_iri: s.build_key for s in store.stored_graphs()}
        return stored.get
    import pyoxigraph as ox

    meta, key_p = ox.NamedNode(str(store.iris.meta_graph)), ox.NamedNode(str(FG.buildKey))

    def lookup(graph_iri: str) -> str | None:
        quads = store.oxigraph.quads_for_pattern(ox.NamedNode(graph_iri), key_p, None, meta)
        return next((q.object.value for q in quads), None)

    return lookup


def resolve_store(store: FilmStore, settings: Settings) -> Resolution:
    """The resolution of every review the store holds (what ``build`` wrote into graph/resolution).
    Its working set is beside the store until the caller closes it (``Resolution.close``)."""
    iris = Iris(settings.base_iri)
    ws = WorkingSet(_beside(store))
    with ws.closed_on_failure():
        for e in cache.iter_entries(store):
            ws.add(mentions_of(e.review_id, e.review, e.result))
    return resolve(ws, iris, snapshot_aliases(settings))


def _beside(store) -> Path | None:
    """Where the resolver's working set goes: the directory the store is in (the same disk), or
    the system's temporary directory for a store with no path (in memory, remote)."""
    path = getattr(store, "path", None)
    return Path(path).resolve().parent if path is not None else None


def render(store: FilmStore, settings: Settings, text_stage: TextStage | None = None, *,
           force_graphs: Container[str] = frozenset(), triples_of: Container[str] = frozenset()) -> RenderReport:
    """Resolve every cached review together and write each graph whose content changed.

    The resolver's working set (``resolve.WorkingSet``) is a file beside the store for the
    duration, removed when this returns or raises; the report's ``resolution`` keeps its merges
    and near-misses, not its lookups.

    A review analysed by another text stage than ``text_stage`` (say, built with the default
    stage, now built with ``--no-text``) keeps its graph: only its own stage can draw it.
    ``force_graphs`` are drawn again even when their key says unchanged (and written if they
    differ); the report gives the triple count of each graph written that is in ``triples_of``.
    """
    iris = Iris(settings.base_iri)
    # each review's mentions, and (graph IRI unless it is the review id's, build key, stage
    # fingerprint) to render it by, go to the resolver's working set on disk, not into a list
    ws = WorkingSet(_beside(store))
    with contextlib.closing(ws):
        try:
            return _render(store, settings, text_stage, ws, iris, force_graphs, triples_of)
        except sqlite3.Error as exc:
            raise working_set_error(exc, ws.path) from None


def _render(store, settings, text_stage, ws: WorkingSet, iris: Iris, force_graphs: Container[str],
            triples_of: Container[str]) -> RenderReport:
    fingerprint = text_stage.fingerprint if text_stage is not None else ""
    reviews = 0
    for e in cache.iter_entries(store):
        fp = e.fingerprint if e.result is not None else ""
        own = None if e.graph_iri == str(iris.review_graph(e.review_id)) else e.graph_iri
        ws.add(mentions_of(e.review_id, e.review, e.result), (own, _compact_key(e.build_key), fp))
        reviews += 1
    resolution = resolve(ws, iris, snapshot_aliases(settings))
    out = RenderReport(reviews, merges=len(resolution.merges), near_misses=len(resolution.near_misses),
                       resolution=resolution)
    stored_key = _stored_keys(store)

    def jobs() -> Iterator[DrawJob]:
        for rid, (own, compact, fp) in ws.extras():
            graph_iri = own or str(iris.review_graph(rid))
            if fp and fp != fingerprint:
                continue
            key = compact.hex() if isinstance(compact, bytes) else compact
            render_key = f"{key}/{resolution.review_key(rid)}"
            up_to_date = stored_key(graph_iri) == render_key
            if up_to_date and graph_iri not in force_graphs:
                continue
            e = cache.read_entry(store, graph_iri)
            if e is not None:
                view = resolution.view(mentions_of(rid, e.review, e.result))
                yield DrawJob(graph_iri, rid, render_key, iris.base, e, view, forced=up_to_date)

    # a stage running in worker processes draws there too (ParallelTextStage.draw_graphs)
    draw_graphs = getattr(text_stage, "draw_graphs", None)
    drawings = draw_graphs(jobs()) if callable(draw_graphs) else ((j, draw(j, text_stage)) for j in jobs())
    local = isinstance(store, FilmStore)
    with (store.bulk_writes() if local else contextlib.nullcontext()):
        for job, drawing in drawings:
            if drawing.error:
                raise StoreError(drawing.error)
            if job.forced and _same_content(store, job.graph_iri, drawing.lines):
                continue  # forced, and drawn the same: nothing to write
            if local:
                store.replace_graph_lines(job.graph_iri, drawing.lines, source=drawing.source, build_key=job.render_key)
            else:
                store.replace_graph(URIRef(job.graph_iri), _triples(drawing.lines), source=drawing.source,
                                    build_key=job.render_key)
            out.written += 1
            if job.graph_iri in triples_of:
                out.triples[job.graph_iri] = len(drawing.lines)
    _write_resolution(store, iris, resolution)
    return out


def remove_reviews(store: FilmStore, settings: Settings, names: Iterable[str],
                   text_stage: TextStage | None = None) -> list[tuple[str, str]]:
    """Remove reviews (by review id, graph IRI or source file) and resolve the rest again, so the
    store equals a build without them; return ``(review id, source)`` of each removed."""
    iris = Iris(settings.base_iri)
    prefix = str(iris.review_graph(""))
    index = cache.read_index(store)
    graphs = {s.graph_iri: s.source for s in store.stored_graphs() if iris.is_review_graph(s.graph_iri)}
    graphs.update({g: graphs.get(g) for g in index})
    removed: list[tuple[str, str]] = []
    for name in names:
        matches = sorted(g for g, src in graphs.items() if name in (g, g[len(prefix):], src))
        if not matches:
            raise StoreError(f"no review {name!r} in the store (see `filmgraph reviews`)")
        for g in matches:
            rid = g[len(prefix):]
            store.remove_graph(URIRef(g))
            cache.delete_entry(store, rid)
            removed.append((rid, graphs[g] or ""))
    render(store, settings, text_stage)
    return removed


def _write_resolution(store: FilmStore, iris: Iris, resolution: Resolution) -> None:
    from .resolve.rdf import resolution_triples

    triples = sorted(set(resolution_triples(resolution, iris)), key=lambda t: tuple(str(x) for x in t))
    key = hashlib.sha256("\n".join(" ".join(str(to_ox(x)) for x in t) for t in triples).encode()).hexdigest()
    graph = resolution_graph(iris)
    current = store.stored(graph)
    if current is None or current.build_key != key:
        store.replace_graph(graph, triples, source="resolver", build_key=key)


def _compact_key(key: str) -> bytes | str:
    """A build key (64 hex digits) as its 32 bytes: half the memory, for a key per review in the store."""
    try:
        packed = bytes.fromhex(key)
    except ValueError:
        return key
    return packed if packed.hex() == key else key


def _same_content(store: FilmStore, graph_iri: str, lines: frozenset[str]) -> bool:
    """Whether the store's graph holds exactly these statements (compared as Oxigraph terms)."""
    import pyoxigraph as ox

    scratch = ox.Store()  # through Oxigraph, which stores some datatypes canonically (nonNegativeInteger)
    scratch.load("".join(f"{t} .\n" for t in lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    mine = {(q.subject, q.predicate, q.object) for q in scratch}
    theirs = {(q.subject, q.predicate, q.object)
              for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))}
    return mine == theirs


def _triples(lines: frozenset[str]) -> Graph:
    """Statements as an rdflib graph, for a store that takes triples (a remote one)."""
    return Graph().parse(data="".join(f"{t} .\n" for t in lines), format="nt")


def _graph_of(iris: Iris, outcome: ReviewOutcome) -> str:
    if not outcome.review_iri:
        return ""
    return str(iris.review_graph(outcome.review_iri.rsplit("/", 1)[-1]))


def _named(source: str, exc: Exception) -> str:
    return str(exc) if str(exc).startswith(source) else f"{source}: {exc}"
