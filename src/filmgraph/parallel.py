"""Spread any text stage over worker processes: ``filmgraph build --workers N``.

``ParallelTextStage`` implements the same ``TextStage`` protocol as the stage it wraps, so the
build does not know the difference. Reviews stream through in chunks with a bounded number of
chunks in flight, so memory stays flat however many reviews there are, and results come back in
input order. Workers extract; the main process, which alone writes the store, reads the reviews,
caches the results, resolves the whole store and writes the graphs, which the workers draw
(``draw_graphs``: each job carries its review's share of the resolution).

Where the platform forks (Linux), the main process builds the stage, warms it on one tiny review
(so whatever it loads lazily, a spaCy model, is loaded once) and then forks the workers: they
share the loaded model copy-on-write, and start without importing or loading anything. Two
workers then cost the CPU of one model load, as one worker does, not three (issue 13). Elsewhere
(``spawn``) each worker imports filmgraph and builds or unpickles its own stage. Results come back
compact: a review the stage did not refine is not sent back (the main process still has it).
"""

from __future__ import annotations

import gc
import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from .errors import ExtractionError
from .graph import ReviewGraph
from .iris import Iris
from .models import Review
from .pipeline import TextStage
from .render import draw
from .settings import Settings

#: ``make_text_stage(settings)``: must be a module-level function (it is pickled by name)
StageFactory = Callable[..., TextStage]


# --- in the worker processes --------------------------------------------------------------------
_STAGE: TextStage | None = None


def _init_worker(factory: StageFactory | None, stage: TextStage | None, settings: Settings) -> None:
    global _STAGE
    _STAGE = stage if stage is not None else factory(settings)  # type: ignore[misc]


def _fingerprint() -> str:
    assert _STAGE is not None
    return _STAGE.fingerprint


def _run_chunk(chunk: list[Review]) -> list[tuple[Review | None, object]]:
    """Each review's result, with the review itself only if the stage refined it."""
    assert _STAGE is not None
    out: list[tuple[Review | None, object]] = []
    for original, (review, result) in zip(chunk, _STAGE.analyse(chunk)):
        out.append((None if review == original else review, _portable(result)))
    return out


def _draw_chunk(jobs: list) -> list:
    """Each job's drawing (``render.draw``) with this worker's stage."""
    return [draw(job, _STAGE) for job in jobs]


def _portable(result: object) -> object:
    """Errors must survive pickling to reach the main process (some need extra arguments)."""
    if not isinstance(result, BaseException):
        return result
    try:
        pickle.loads(pickle.dumps(result))
        return result
    except Exception:
        return ExtractionError(str(result))


# --- in the main process ------------------------------------------------------------------------
#: the review the main process warms a stage on before forking its workers
WARM_UP_REVIEW = Review(source="<warm-up>", sha256="0" * 64, title="Hero", year=2002,
                        directors=("Zhang Yimou",), body="Zhang Yimou directed Hero, with Jet Li and Maggie Cheung.")


def default_start_method() -> str:
    """``fork`` on Linux (workers share the main process's loaded stage), else ``spawn``."""
    import multiprocessing

    return "fork" if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods() else "spawn"


class ParallelTextStage:
    """A ``TextStage`` running ``factory(settings)`` in ``workers`` processes.

    Or, with ``stage=``, a stage built in the main process. With ``start_method="fork"`` (the
    default on Linux) the main process builds the stage (from the factory if no stage is given),
    warms it and forks the workers, which inherit it as it is; with ``spawn`` a given stage is
    pickled to each worker, so it must pickle cheaply (load models lazily, drop them in
    ``__getstate__``), and a factory runs in each worker. ``chunk_size`` reviews go to a worker at a
    time; at most ``in_flight`` chunks (default: two per worker) are queued or running, which
    bounds memory. Use as a context manager, or call ``close()``, to stop the workers.
    """

    def __init__(self, factory: StageFactory | None, settings: Settings, workers: int, *,
                 stage: TextStage | None = None, chunk_size: int = 8, in_flight: int | None = None,
                 start_method: str | None = None) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if (factory is None) == (stage is None):
            raise ValueError("give a factory or a stage")
        self.factory = factory
        self.stage = stage
        self.settings = settings
        self.workers = workers
        self.chunk_size = max(1, chunk_size)
        self.in_flight = in_flight or 2 * workers
        self.start_method = start_method or default_start_method()
        self._pool: Any = None
        self._fingerprint: str | None = stage.fingerprint if stage is not None else None

    def _executor(self):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            forking = self.start_method == "fork"
            if forking:
                if self.stage is None:
                    self.stage = self.factory(self.settings)  # type: ignore[misc]
                _warm(self.stage)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context(self.start_method),
                initializer=_init_worker, initargs=(self.factory, self.stage, self.settings),
            )
            if forking:
                self._fork_workers()
        return self._pool

    def _fork_workers(self) -> None:
        """Start every worker now, with the objects built so far frozen out of the collector's
        reach, so the workers' garbage collections do not write to (and so copy) the pages they share."""
        gc.collect()
        gc.freeze()
        try:
            self._result(self._pool.submit(_fingerprint))  # a fork pool starts all its workers on the first task
        finally:
            gc.unfreeze()

    @property
    def fingerprint(self) -> str:  # type: ignore[override]
        """The wrapped stage's own fingerprint: switching --workers rebuilds nothing."""
        if self._fingerprint is None:
            self._fingerprint = self._result(self._executor().submit(_fingerprint))
        return self._fingerprint

    def analyse(self, reviews: Iterable[Review]) -> Iterator[tuple[Review, object]]:
        for chunk, results in self._stream(_run_chunk, reviews):
            for original, (refined, result) in zip(chunk, results):
                yield (original if refined is None else refined), result

    def draw_graphs(self, jobs: Iterable) -> Iterator[tuple[object, object]]:
        """``(job, render.draw(job, stage))`` for each ``render.DrawJob``, in order, drawn in the
        workers: the build's main process only reads the cache and writes the store."""
        for chunk, drawings in self._stream(_draw_chunk, jobs):
            yield from zip(chunk, drawings)

    def _stream(self, task: Callable[[list], list], items: Iterable) -> Iterator[tuple[list, list]]:
        """``(chunk, task(chunk))`` for chunks of ``items`` run in the workers, in input order,
        with at most ``in_flight`` chunks queued or running (memory stays flat)."""
        pool = self._executor()
        source = iter(items)
        pending: deque = deque()
        exhausted = False

        def submit() -> bool:
            chunk = list(islice(source, self.chunk_size))
            if chunk:
                pending.append((chunk, pool.submit(task, chunk)))
            return bool(chunk)

        try:
            while not exhausted and len(pending) < self.in_flight:
                exhausted = not submit()
            while pending:
                chunk, future = pending.popleft()
                results = self._result(future)
                if not exhausted:
                    exhausted = not submit()
                yield chunk, results
        finally:
            for _, f in pending:
                f.cancel()

    def add_to_graph(self, review: Review, result: object, rg: ReviewGraph, iris: Iris) -> None:
        """Render in the main process, with the wrapped stage (built here once, model-free)."""
        if self.stage is None:
            self.stage = self.factory(self.settings)  # type: ignore[misc]
        self.stage.add_to_graph(review, result, rg, iris)

    @staticmethod
    def _result(future: Any) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool:
            raise ExtractionError(
                "a text-stage worker process died (out of memory, or killed); rerun the build: "
                "finished reviews are kept and skipped"
            ) from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "ParallelTextStage":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _warm(stage: TextStage) -> None:
    """Analyse one tiny review, so what the stage loads on first use is loaded before the fork."""
    for _ in stage.analyse([WARM_UP_REVIEW]):
        pass


def text_stage_for(factory: StageFactory, settings: Settings, **options: Any) -> TextStage:
    """The stage a build should use: ``factory(settings, **options)``, in-process for one worker,
    else that same stage in ``settings.workers`` processes (forked from this one where possible)."""
    stage = factory(settings, **options)
    if settings.workers <= 1:
        return stage
    return ParallelTextStage(None, settings, settings.workers, stage=stage)


def load_factory(spec: str) -> StageFactory:
    """``package.module:function`` to the text-stage factory it names."""
    import importlib

    module_name, _, attr = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr or "make_text_stage")
    except (ImportError, AttributeError) as exc:
        raise ExtractionError(f"cannot load the text stage {spec!r}: {exc} "
                              "(the setting text_stage is 'package.module:function')") from None
    if not callable(factory):
        raise ExtractionError(f"the text stage {spec!r} is not a function")
    return factory
