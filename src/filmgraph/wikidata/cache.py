"""Every Wikidata answer on disk, keyed by the normalised request, so building again costs nothing.

One small JSON file per entry under ``{cache_dir}/wikidata/{kind}/{key[:2]}/{key}.json`` holding the
request (to refresh it later), when it was fetched, and the response. Entities are cached one
per file, whatever batch fetched them, so a later batch of different size still hits.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def request_key(kind: str, params: dict[str, Any]) -> str:
    """The same request in any parameter order (and without politeness-only parameters) is one key."""
    clean = {k: (str(v).strip() if not isinstance(v, (list, tuple)) else "|".join(sorted(map(str, v))))
             for k, v in params.items() if k not in ("maxlag", "format", "formatversion")}
    blob = json.dumps([kind, sorted(clean.items())], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    kind: str
    params: dict[str, Any]
    fetched: float
    response: Any
    path: Path

    def age_days(self, now: float | None = None) -> float:
        return ((now if now is not None else time.time()) - self.fetched) / 86400


class Cache:
    """Responses on disk. ``get`` never touches the network; writes are atomic (a crash leaves no half entry)."""

    def __init__(self, root: Path, max_age_days: float = 30.0) -> None:
        self.root = Path(root) / "wikidata"
        self.max_age_days = max_age_days
        self.hits = 0

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.json"

    def get(self, kind: str, params: dict[str, Any]) -> CacheEntry | None:
        path = self._path(kind, request_key(kind, params))
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # absent, or a damaged entry: treated as a miss and rewritten
        self.hits += 1
        return CacheEntry(d["kind"], d["params"], d["fetched"], d["response"], path)

    def put(self, kind: str, params: dict[str, Any], response: Any, fetched: float | None = None) -> None:
        path = self._path(kind, request_key(kind, params))
        record = {"kind": kind, "params": params, "fetched": fetched if fetched is not None else time.time(),
                  "response": response}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs a request next time

    def entries(self, kind: str | None = None) -> Iterator[CacheEntry]:
        base = self.root / kind if kind else self.root
        for f in sorted(base.rglob("*.json")) if base.exists() else ():
            try:
                d = json.loads(f.read_text(encoding="utf-8"))
                yield CacheEntry(d["kind"], d["params"], d["fetched"], d["response"], f)
            except (OSError, ValueError, KeyError):
                continue

    def stale(self, max_age_days: float | None = None) -> list[CacheEntry]:
        limit = self.max_age_days if max_age_days is None else max_age_days
        now = time.time()
        return [e for e in self.entries() if e.age_days(now) > limit]
