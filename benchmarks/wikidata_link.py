"""Figures for Wikidata linking on the bundled samples (+ the seed when ../shared is there).

Prints: the build time (the baseline) and the offline link time with their ratio; the snapshot's
size and load time; request counts against the local test server (first run, second run);
the time to finish with no network at all.

    PYTHONPATH=src python benchmarks/wikidata_link.py
"""

from __future__ import annotations

import math
import socket
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import requests  # noqa: E402

from filmgraph.iris import Iris  # noqa: E402
from filmgraph.pipeline import build  # noqa: E402
from filmgraph.store import FilmStore  # noqa: E402
from filmgraph.wikidata.merge import link_store, make_lookup, mentions_in  # noqa: E402
from filmgraph.wikidata.snapshot import Snapshot, bundled_snapshot_dir  # noqa: E402
from wikidata_server import DATA, SEED, FakeWikidata, load_trig, offline_settings, online_settings  # noqa: E402


def main() -> None:
    paths = sorted((REPO / "data" / "reviews").glob("*.txt")) + ([SEED] if SEED.exists() else [])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = offline_settings(tmp)
        store = FilmStore.open(settings.store_path, Iris(settings.base_iri))
        t = time.perf_counter()
        build([str(p) for p in paths], store, settings)
        build_s = time.perf_counter() - t
        if SEED.exists():
            load_trig(store, DATA / "one-second-text.trig")
        n = len(mentions_in(store))
        t = time.perf_counter()
        report = link_store(store, settings)
        link_s = time.perf_counter() - t
        print(f"reviews: {len(paths)}; entities to link: {n}; linked offline: {len(report.linked)}")
        print(f"build (baseline): {build_s:.2f} s; offline link: {link_s:.2f} s; ratio {link_s / build_s:.2f}")

        t = time.perf_counter()
        snap = Snapshot.load([bundled_snapshot_dir()])
        size = (bundled_snapshot_dir() / "entities.jsonl.gz").stat().st_size
        print(f"snapshot: {len(snap)} entities, {sum(len(v) for e in snap.entities.values() for v in e.claims.values())} "
              f"statements, {size:,} bytes; load {time.perf_counter() - t:.2f} s")

        server = FakeWikidata().start()
        try:
            online = online_settings(tmp, server, cache_dir=tmp / "online-cache")
            t = time.perf_counter()
            first = link_store(store, online, lookup=make_lookup(online, session=requests.Session()))
            first_s = time.perf_counter() - t
            ids = {i for r in server.requests if r["kind"] == "wbgetentities" for i in r["params"]["ids"].split("|")}
            print(f"online (local server), first run: {server.total('wbsearchentities')} searches, "
                  f"{server.total('wbgetentities')} wbgetentities for {len(ids)} ids (budget ceil(N/50) = "
                  f"{math.ceil(len(ids) / 50)}), linked {len(first.linked)}, {first_s:.2f} s")
            before = server.total()
            t = time.perf_counter()
            second = link_store(store, online, lookup=make_lookup(online, session=requests.Session()))
            print(f"online, second run: {server.total() - before} requests, {second.cache_hits} cache hits, "
                  f"{time.perf_counter() - t:.2f} s")
        finally:
            server.stop()

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        down = settings.replace(offline=False, wikidata_api=f"http://127.0.0.1:{port}/w/api.php",
                                cache_dir=tmp / "down-cache")
        t = time.perf_counter()
        lookup = make_lookup(down)
        r = link_store(store, down, lookup=lookup)
        print(f"no network: finished in {time.perf_counter() - t:.2f} s after {lookup.requests} request(s), "
              f"{len(r.warnings)} warning, {len(r.linked)} linked from the snapshot")
        store.close()


if __name__ == "__main__":
    main()
