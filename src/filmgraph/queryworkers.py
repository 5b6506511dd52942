"""Worker processes that run the server's queries and views, so that a query can be stopped.

Why processes: pyoxigraph evaluates a query in Rust without checking for Python signals, so a
thread running a cartesian product cannot be stopped; it runs on after its client got a 503,
and an ``ORDER BY`` over one grew the server to 10 GB. A process can be killed: at its time
limit the worker gets SIGKILL, the kernel frees its memory, and a fresh worker takes its place.

How:

- Workers are forked from the server, so they share its open store (in memory or on disk)
  copy-on-write and need no second open. When the data changes (an update, a build landing
  in a watched store) ``refresh()`` starts a new generation; older workers retire as they come
  back, so every query after the change sees it.
- Each worker's address space is capped (``RLIMIT_AS``: its size when forked plus
  ``memory_mb``): a query that needs more fails inside the worker, never in the server.
- At most ``workers`` queries run at once and at most ``queue`` more wait; past that a request
  gets 503 at once. A query that has used ``heavy_after_s`` of CPU is *heavy* (CPU, not wall
  time: on a busy machine a light query may wait that long for a core): it is reniced to 19 and
  takes one of ``heavy_slots`` slots; when those are taken it is stopped with a 503, so
  the other ``workers - heavy_slots`` workers are always free for light queries.

Jobs are module-level functions ``fn(context, *args)`` whose results and arguments pickle;
``context`` is the object given to the pool (the server's app), as it was at fork time.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .errors import FilmGraphError, QueryError, QueryLimitError, ViewError


@dataclass
class PoolLimits:
    """How many workers, how long and how much memory a query may use."""

    workers: int = 4
    heavy_slots: int = 2
    heavy_after_s: float = 0.25
    memory_mb: int = 1024
    queue: int = 256


class JobFailed(Exception):
    """A job raised an error the worker reported back (``kind`` is its class name)."""

    def __init__(self, kind: str, message: str, limit: str | None, status: int | None) -> None:
        super().__init__(message)
        self.kind, self.message, self.limit, self.status = kind, message, limit, status


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    generation: int
    heavy: bool = False
    dead: bool = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL and reap: once this returns, the worker's memory is back with the system."""
        if self.dead:
            return  # reaped already: its pid may belong to another process by now
        self.dead = True
        try:
            os.kill(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, TypeError):
            pass
        self.process.join(timeout=2)
        self.conn.close()


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _close_inherited_sockets(keep: int) -> None:
    """Close the sockets the fork copied (the listening one, clients', other workers' pipes).

    Otherwise a worker would keep the server's port bound after the server stops, and hold
    connections the server has closed. Files (the store's) stay open.
    """
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd == keep or fd < 3:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def _worker_main(conn: Connection, context: object, memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _close_inherited_sockets(keep=conn.fileno())
    if memory_mb:
        cap = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply: tuple = ("ok", fn(context, *args))
        except MemoryError:
            reply = ("err", "QueryLimitError", f"the query needs more than {memory_mb:,} MB "
                     "(the per-query memory cap)", "memory", None)
        except FilmGraphError as exc:
            reply = ("err", type(exc).__name__, str(exc), getattr(exc, "limit", None), None)
        except Exception as exc:  # noqa: BLE001 - the HTTP layer turns it into a 500
            status = getattr(exc, "status", None)
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            reply = ("err", type(exc).__name__, message, None, status if isinstance(status, int) else None)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            os._exit(1)


class WorkerPool:
    """Run jobs in forked worker processes, each stopped (killed) at its time limit."""

    def __init__(self, context: object, limits: PoolLimits | None = None) -> None:
        self.context = context
        self.limits = limits or PoolLimits()
        self._mp = mp.get_context("fork")
        self._lock = threading.Condition()
        self._idle: list[_Worker] = []
        self._running: set[_Worker] = set()
        self._waiting = 0
        self._generation = 0
        self._closed = False

    # --- the one call ---------------------------------------------------------------------
    def run(self, fn: Callable[..., Any], args: tuple, timeout_s: float) -> Any:
        """``fn(context, *args)`` in a worker; ``QueryLimitError`` (time, busy, memory) or ``JobFailed``."""
        started = time.monotonic()
        deadline = started + timeout_s
        worker = self._acquire(deadline, timeout_s)
        ok = False
        try:
            worker.conn.send((fn, args))
            reply = self._wait(worker, started, deadline, timeout_s)
            ok = True
        finally:
            self._release(worker, reusable=ok and not worker.heavy)
        if reply[0] == "ok":
            return reply[1]
        _, kind, message, limit, status = reply
        raise JobFailed(kind, message, limit, status)

    def _wait(self, worker: _Worker, started: float, deadline: float, timeout_s: float) -> tuple:
        cpu_at_start = _cpu_seconds(worker.pid)
        step = self.limits.heavy_after_s
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                if worker.conn.poll(min(step, left)):
                    return worker.conn.recv()
                # long by CPU used, not by wall time: on a busy machine a light query can wait
                # for a core for longer than heavy_after_s
                if worker.heavy or _cpu_seconds(worker.pid) - cpu_at_start < step:
                    continue
                with self._lock:
                    if sum(1 for w in self._running if w.heavy) < self.limits.heavy_slots:
                        worker.heavy = True
                if not worker.heavy:
                    worker.kill()
                    raise QueryLimitError(
                        f"the server is running {self.limits.heavy_slots} long queries already; this one was "
                        f"stopped after {time.monotonic() - started:.1f} s; try again shortly", limit="busy")
                try:
                    os.setpriority(os.PRIO_PROCESS, worker.pid, 19)  # light queries come first
                except OSError:
                    pass
            worker.kill()
            raise QueryLimitError(f"the query took longer than {timeout_s:g} s (the query_timeout_s setting) and was stopped",
                                  limit="time")
        except (EOFError, OSError, ConnectionError):
            worker.kill()
            raise QueryLimitError(
                f"the query stopped its worker process (it may need more than {self.limits.memory_mb:,} MB, "
                "the per-query memory cap)", limit="memory") from None

    # --- workers ----------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent, child = self._mp.Pipe()
        process = self._mp.Process(target=_worker_main, args=(child, self.context, self.limits.memory_mb),
                                   daemon=True, name="filmgraph-query-worker")
        process.start()
        child.close()
        return _Worker(process, parent, self._generation)

    def _acquire(self, deadline: float, timeout_s: float) -> _Worker:
        with self._lock:
            if self._closed:
                raise QueryLimitError("the server is shutting down", limit="busy")
            if len(self._running) >= self.limits.workers and self._waiting >= self.limits.queue:
                raise QueryLimitError("too many queries are waiting; try again shortly", limit="busy")
            self._waiting += 1
            try:
                while len(self._running) >= self.limits.workers:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._lock.wait(left):
                        raise QueryLimitError(f"no query worker became free within {timeout_s:g} s; "
                                              "try again shortly", limit="busy")
            finally:
                self._waiting -= 1
            stale = [w for w in self._idle if w.generation != self._generation or not w.process.is_alive()]
            self._idle = [w for w in self._idle if w not in stale]
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                worker = self._spawn()
            self._running.add(worker)
        for w in stale:
            w.kill()
        return worker

    def _release(self, worker: _Worker, reusable: bool) -> None:
        retire = not reusable
        with self._lock:
            self._running.discard(worker)
            if reusable and worker.generation == self._generation and not self._closed:
                self._idle.append(worker)
            else:
                retire = True
            self._lock.notify()
        if retire:
            worker.kill()

    def refresh(self) -> None:
        """Start a new generation: from now on, queries run in workers forked after the change."""
        with self._lock:
            self._generation += 1
            old, self._idle = self._idle, []
        for w in old:
            w.kill()

    def pids(self) -> list[int]:
        """The process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return [w.pid for w in [*self._idle, *self._running]]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._idle = [*self._idle, *self._running], []
        for w in workers:
            w.kill()


def raise_job_error(exc: JobFailed) -> None:
    """Re-raise a worker's error as the filmgraph error it was (the server maps those to statuses)."""
    if exc.kind == "QueryLimitError":
        raise QueryLimitError(exc.message, limit=exc.limit or "rows") from None
    if exc.kind == "ViewError":
        raise ViewError(exc.message) from None
    if exc.kind in ("QueryError", "StoreError", "FilmGraphError"):
        raise QueryError(exc.message) from None
    raise exc
