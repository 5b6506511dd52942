"""A read-only `filmgraph serve` beside a `filmgraph build` writing the same store.

The server follows the store (``SparqlApp.follow_store``): it never answers 5xx while the
build writes, and its answers include the new reviews within the stated delay (2 s after the
build's last write: 1 s polling, one reopen, one fork).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time

import requests

from conftest import REPO
from test_server_hostile import _start, _stop

GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
STATED_DELAY_S = 2.0


def _build(store, reviews):
    return subprocess.Popen([sys.executable, "-m", "filmgraph", "--store", str(store), "-q", "build", "--no-text",
                             "--link", "off", str(reviews)], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _graphs(url) -> tuple[int, int]:
    r = requests.get(url + "/sparql", params={"query": GRAPHS}, headers={"Accept": "text/csv"}, timeout=10)
    return r.status_code, (int(r.text.split()[1]) if r.status_code == 200 else -1)


def test_serving_while_a_build_writes_never_fails_and_sees_new_reviews(tmp_path):
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate_corpus.py"), "300", str(corpus), "--seed", "5"],
                   check=True, capture_output=True)
    first = tmp_path / "first"
    first.mkdir()
    for path in sorted(corpus.glob("*.txt"))[:30]:
        shutil.copy(path, first)
    store = tmp_path / "store"
    assert _build(store, first).wait(120) == 0
    proc, url = _start(store, "--timeout", "5")
    try:
        status, before = _graphs(url)
        assert status == 200 and before >= 30  # 30 review graphs, and the bookkeeping ones
        expected = before + 270
        statuses: list[int] = []
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                statuses.append(_graphs(url)[0])

        clients = [threading.Thread(target=hammer) for _ in range(3)]
        for c in clients:
            c.start()
        build = _build(store, corpus)
        assert build.wait(300) == 0, build.stderr.read()
        landed = time.monotonic()
        seen = -1
        while time.monotonic() - landed < STATED_DELAY_S + 3:
            seen = _graphs(url)[1]
            if seen == expected:
                break
            time.sleep(0.1)
        lag = time.monotonic() - landed
        stop.set()
        for c in clients:
            c.join()
        assert seen == expected
        assert lag <= STATED_DELAY_S + 0.5, f"new reviews showed {lag:.1f} s after the build"
        assert statuses and all(s == 200 for s in statuses), {s: statuses.count(s) for s in set(statuses)}
    finally:
        _stop(proc)
