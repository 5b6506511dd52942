"""Where answers come from: the cache first, then the network when allowed, then the offline snapshot.

``--offline`` (``Settings.offline``) never touches the network. The first failed connection marks
the network down for the rest of the run (one warning, no further attempts), and the lookup
falls back to the snapshot, so a build without a network finishes quickly.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..errors import LinkError
from ..settings import Settings
from .cache import Cache
from .client import Unreachable, WikidataClient
from .entity import Entity, from_wikibase
from .snapshot import Snapshot

#: failed lookups in a row after which the network is not asked again this run
BREAKER = 3
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def search_language(name: str) -> str:
    """``zh`` for a name in Chinese script, else ``en``: one search per distinct name."""
    return "zh" if CJK.search(name) else "en"


@dataclass
class Lookup:
    """Answers ``search`` and ``entities`` from cache, network and snapshot, and remembers what failed."""

    settings: Settings
    client: WikidataClient | None = None
    cache: Cache | None = None
    snapshot: Snapshot | None = None
    warn: Callable[[str], None] = lambda message: None
    network_down: bool = False
    #: a name or id -> why looking it up failed (reported with the entity, which stays unlinked)
    failures: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: set when the service kept failing (``BREAKER`` lookups in a row): no more requests this run
    broken: str | None = None
    _failing: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def online(self) -> bool:
        return self.client is not None and not self.settings.offline and not self.network_down

    @property
    def requests(self) -> int:
        return self.client.requests if self.client is not None else 0

    def _failed(self, exc: LinkError) -> str:
        """Count a failed lookup; after ``BREAKER`` in a row, stop asking (a slow or broken service must not hang a build)."""
        with self._lock:
            return self._count_failure(exc)

    def _count_failure(self, exc: LinkError) -> str:
        self._failing += 1
        if self._failing >= BREAKER and self.broken is None:
            self.broken = f"not looked up: Wikidata failed {self._failing} times in a row ({exc})"
            self.network_down = True
            message = (f"Wikidata keeps failing ({exc}); no more network requests this run; "
                       f"the entities not looked up stay unlinked (run `filmgraph link` again later)")
            self.warnings.append(message)
            self.warn(message)
        return str(exc)

    def _down(self, exc: Unreachable) -> None:
        with self._lock:
            if self.network_down and self.warnings:
                return  # another lookup already said so: one warning per run
            self._say_down(exc)

    def _say_down(self, exc: Unreachable) -> None:
        self.network_down = True
        fallback = " using the offline snapshot instead" if self.snapshot is not None else ""
        message = (f"Wikidata is unreachable ({exc}); no more network requests this run,{fallback}; "
                   f"entities not found stay unlinked (run `filmgraph link` again when online)")
        self.warnings.append(message)
        self.warn(message)

    def search_all(self, names: Iterable[str]) -> dict[str, list[str] | None]:
        """``search`` for each name; online, with up to ``wikidata_max_in_flight`` requests at once."""
        names = list(dict.fromkeys(names))
        workers = max(1, self.settings.wikidata_max_in_flight)
        if not self.online or workers == 1 or len(names) < 2:
            return {n: self.search(n) for n in names}
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return dict(zip(names, pool.map(self.search, names)))

    def search(self, name: str) -> list[str] | None:
        """Candidate ids for a name; ``None`` when the lookup itself failed."""
        lang = search_language(name)
        params = {"search": name, "language": lang}
        if self.cache is not None and (hit := self.cache.get("search", params)) is not None:
            return list(hit.response)
        if self.online:
            try:
                ids = [h["id"] for h in self.client.search(name, lang) if isinstance(h, dict) and "id" in h]
            except Unreachable as exc:
                self._down(exc)
            except LinkError as exc:
                self.failures[name] = self._failed(exc)
                return None
            else:
                self._failing = 0
                if self.cache is not None:
                    self.cache.put("search", params, ids)
                return ids
        if self.broken and self.snapshot is None:
            self.failures[name] = self.broken
            return None
        return self.snapshot.search(name) if self.snapshot is not None else []

    def entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """Entities by id; ids that are unknown (or whose lookup failed: see ``failures``) are absent."""
        found: dict[str, Entity] = {}
        todo: list[str] = []
        for i in dict.fromkeys(ids):
            hit = self.cache.get("entity", {"id": i}) if self.cache is not None else None
            if hit is None:
                todo.append(i)
            elif "missing" not in hit.response:
                found[i] = Entity.from_json(hit.response)
        if todo and self.online:
            try:
                raw = self.client.entities(todo)
            except Unreachable as exc:
                self._down(exc)
            except LinkError as exc:
                problem = self._failed(exc)
                for i in todo:
                    self.failures[i] = problem
                return found
            else:
                self._failing = 0
                for i in todo:
                    d = raw.get(i, {"id": i, "missing": ""})
                    if self.cache is not None:
                        self.cache.put("entity", {"id": i}, d)
                    if "missing" not in d:
                        found[i] = from_wikibase(d)
                return found
        if self.snapshot is not None:
            found.update(self.snapshot.get(todo))
        elif self.broken:
            self.failures.update({i: self.broken for i in todo})
        return found


def refresh_cache(settings: Settings, *, everything: bool = False, session=None) -> tuple[int, int]:
    """Fetch stale (or all) cached answers again; return (refreshed, failed). Needs the network."""
    if settings.offline:
        raise LinkError("cannot refresh the Wikidata cache offline")
    cache = Cache(settings.cache_dir, settings.cache_max_age_days)
    entries = list(cache.entries()) if everything else cache.stale()
    client = WikidataClient(settings, session=session)
    done = failed = 0
    ids = [e.params["id"] for e in entries if e.kind == "entity"]
    try:
        for i in range(0, len(ids), 50):
            batch = ids[i:i + 50]
            try:
                raw = client.entities(batch)
            except Unreachable:
                raise
            except LinkError:
                failed += len(batch)
                continue
            for q in batch:
                cache.put("entity", {"id": q}, raw.get(q, {"id": q, "missing": ""}))
                done += 1
        for e in entries:
            if e.kind != "search":
                continue
            try:
                hits = client.search(e.params["search"], e.params["language"])
            except Unreachable:
                raise
            except LinkError:
                failed += 1
                continue
            cache.put("search", e.params, [h["id"] for h in hits if "id" in h])
            done += 1
    except Unreachable as exc:
        raise LinkError(f"cannot refresh the Wikidata cache: {exc}") from None
    return done, failed
