"""A parallel build of 1,000 reviews, SIGKILLed half-way, resumes to exactly the uninterrupted result."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from filmgraph.iris import Iris
from filmgraph.pipeline import build
from filmgraph.settings import Settings
from filmgraph.store import FilmStore

from conftest import REPO
from scale_helpers import CapitalisedWordsStage, generate_corpus

TOTAL = 1000


def _review_graphs(path: Path) -> int:
    try:
        ro = ox.Store.read_only(str(path))
    except (OSError, RuntimeError):  # the folder exists but not yet (all of) the database
        return 0
    try:
        return sum(1 for g in ro.named_graphs() if "/graph/review/" in g.value)
    finally:
        del ro


def dataset(store: FilmStore) -> set:
    return {(q.subject, q.predicate, q.object, q.graph_name) for q in store.oxigraph}


def test_killed_parallel_build_resumes_without_redoing_and_equals_an_uninterrupted_one(tmp_path):
    generate_corpus(TOTAL, tmp_path / "corpus")
    store_path = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")]),
           "FILMGRAPH_TEXT_STAGE": "scale_helpers:make_capitalised_words_stage"}
    cmd = [sys.executable, "-m", "filmgraph", "--quiet", "--store", str(store_path), "build",
           str(tmp_path / "corpus"), "--workers", "2", "--link", "off"]  # linking is not what is resumed here
    # its own process group: SIGKILL takes the main process and its workers at once, like an OOM kill
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if store_path.exists() and _review_graphs(store_path) >= TOTAL // 3:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    iris = Iris(Settings().base_iri)
    with FilmStore.open(store_path, iris, read_only=True) as st:
        done = len([s for s in st.stored_graphs() if iris.is_review_graph(s.graph_iri)])
    assert TOTAL // 3 <= done < TOTAL, "the build was not interrupted mid-way"

    again = subprocess.run([c for c in cmd if c != "--quiet"], env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    m = re.search(r"built (\d+) review\(s\): (\d+) added, (\d+) replaced, (\d+) unchanged", again.stderr)
    assert m and [int(x) for x in m.groups()] == [TOTAL, TOTAL - done, 0, done], again.stderr

    fresh = Settings(store_path=tmp_path / "fresh")
    with FilmStore.open(fresh.store_path, iris) as st:
        build([tmp_path / "corpus"], st, fresh, text_stage=CapitalisedWordsStage())
        uninterrupted = dataset(st)
    with FilmStore.open(store_path, iris, read_only=True) as st:
        assert dataset(st) == uninterrupted
