"""The build: sources -> read -> (extract) -> graph -> store, one review at a time.

A review that fails is reported and skipped; the others go on. Each review lands in the store in
one transaction, so an interrupted build leaves every review either as it was or complete.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

from rdflib import Graph

from .errors import FilmGraphError, ReadError
from .graph import ReviewGraph, review_graph, review_id
from .iris import Iris
from .models import BuildReport, Review, ReviewOutcome
from .read import iter_sources, read_review
from .settings import Settings
from .store import FilmStore
from .vocab import ONTOLOGY_FILE

#: bump when the graph a review produces changes shape, so stores rebuild their reviews
GRAPH_FORMAT_VERSION = "2"



class TextStage(Protocol):
    """What the build asks of a text-analysis stage (spaCy extraction is one).

    ``analyse`` takes reviews lazily and yields, in the same order, each review (refined: for
    example with an inferred subject) and its result, or a ``FilmGraphError`` for that review
    alone; it is free to batch (``nlp.pipe``) or fan out to worker processes. ``add_to_graph``
    turns a result into statements in the review's graph. ``fingerprint`` names the stage's
    configuration: changing it rebuilds every review.
    """

    fingerprint: str

    def analyse(self, reviews: Iterable[Review]) -> Iterator[tuple[Review, object]]: ...

    def add_to_graph(self, review: Review, result: object, rg: ReviewGraph, iris: Iris) -> None: ...


def build_key(source_sha256: str, settings: Settings, fingerprint: str = "") -> str:
    """What a review's graph depends on: its bytes, the base IRI, the code's graph format."""
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
) -> BuildReport:
    """Add the reviews at ``paths`` to ``store``; return what happened to each.

    Unchanged reviews (same bytes, same settings, same text stage) are skipped before any
    analysis. ``on_outcome`` is called as each review is done (for progress bars); ``force``
    rebuilds unchanged reviews too.
    """
    iris = Iris(settings.base_iri)
    fingerprint = text_stage.fingerprint if text_stage is not None else ""
    report = BuildReport()

    def done(outcome: ReviewOutcome) -> None:
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    load_ontology(store)
    seen: dict[str, str] = {}
    todo: dict[tuple[str, str], tuple[str, str, bool]] = {}  # (source, sha256) -> (review id, build key, existed)

    def to_analyse() -> Iterator[Review]:
        for item in iter_sources(paths, settings, stdin=stdin):
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
                done(ReviewOutcome(item.name, "skipped", str(iris.review(rid)),
                                   error=f"{item.name}: same review (film and reviewer) as {seen[graph_iri]}; skipped"))
                continue
            seen[graph_iri] = item.name
            key = build_key(item.sha256, settings, fingerprint)
            before = store.stored(iris.review_graph(rid))
            if before is not None and before.build_key == key and not force:
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
            rg = review_graph(review, iris, rid)
            if text_stage is not None:
                text_stage.add_to_graph(review, result, rg, iris)
            # what a review's text says depends on the review alone: an untitled review is not
            # retried (a rebuild would give the same graph)
            store.replace_graph(rg.graph_iri, rg.graph, source=name, build_key=key)
        except FilmGraphError as exc:
            done(ReviewOutcome(name, "failed", error=_named(name, exc)))
            continue
        done(ReviewOutcome(name, "replaced" if existed else "added", str(rg.review_iri),
                           triples=len(rg.graph), warnings=review.warnings))
    return report


def _named(source: str, exc: Exception) -> str:
    return str(exc) if str(exc).startswith(source) else f"{source}: {exc}"
