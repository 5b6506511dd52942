"""Drawing one review's graph: its cached reading and its share of the resolution in, N-Triples out.

A ``DrawJob`` is plain data (the review's cache entry, its ``ReviewResolution``) and a
``Drawing`` plain strings (the graph's statements, as ``store.graph_lines`` gives them), so a
graph is drawn the same in the build's own process or in its text-stage workers
(``ParallelTextStage.draw_graphs``): a build with two workers draws its graphs on both cores and
writes them from one (issue 13). ``pipeline.render`` decides which graphs to draw and writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FilmGraphError
from .graph import review_graph
from .resolve import ResolvedIris, ReviewResolution
from .resolve.cache import CacheEntry
from .store import graph_lines


@dataclass(frozen=True)
class DrawJob:
    graph_iri: str
    review_id: str
    render_key: str  # the build key the written graph gets
    base: str  # the store's base IRI
    entry: CacheEntry  # the review as read and its text stage's result
    view: ReviewResolution
    forced: bool = False  # the stored graph already has this render key: drawn again for --force


@dataclass(frozen=True)
class Drawing:
    source: str
    lines: frozenset[str]
    error: str | None = None  # one line naming the review, when it cannot be drawn


def draw(job: DrawJob, stage) -> Drawing:
    """The graph of ``job``'s review, drawn with ``stage.add_to_graph`` when it has a text result."""
    entry = job.entry
    iris = ResolvedIris(job.base, job.view)
    try:
        rg = review_graph(entry.review, iris, job.review_id)
        if entry.result is not None and stage is not None:
            stage.add_to_graph(entry.review, entry.result, rg, iris)
    except FilmGraphError as exc:
        return Drawing(entry.source, frozenset(), f"{entry.source}: cannot render its graph: {exc}")
    return Drawing(entry.source, graph_lines(rg.graph))
