#!/usr/bin/env python3
"""Memory of a build as it goes: RSS of the process every 1,000 reviews (header graphs only).

    PYTHONPATH=src python benchmarks/bench_memory.py /tmp/corpus

Flat means streaming works: nothing grows with the number of reviews but the per-review report
(a few hundred bytes each). Before ``FilmStore.FLUSH_EVERY`` it grew ~38 KB per review (RocksDB
write buffers of Oxigraph's indexes): 449 MB at 10,000 reviews; after, 105 MB.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from filmgraph.iris import Iris
from filmgraph.pipeline import build
from filmgraph.settings import Settings
from filmgraph.store import FilmStore


def rss_mb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def main() -> int:
    corpus = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(store_path=Path(tmp) / "store")
        count = 0

        def on_outcome(_outcome) -> None:
            nonlocal count
            count += 1
            if count % 1000 == 0:
                print(f"{count:>7,} reviews  {rss_mb():>5} MB", flush=True)

        print(f"{0:>7,} reviews  {rss_mb():>5} MB (before)")
        with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as st:
            build([corpus], st, settings, on_outcome=on_outcome)
    return 0


if __name__ == "__main__":
    sys.exit(main())
