"""A build is a function of its set of reviews: killed and resumed, forced, or with a review added
and removed again, it writes the same store as one uninterrupted build."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from filmgraph.iris import Iris
from filmgraph.pipeline import build, remove_reviews
from filmgraph.settings import Settings
from filmgraph.store import FilmStore

from conftest import REPO
from resolve_helpers import sorted_export, whole_dataset, write_variant_reviews
from scale_helpers import CapitalisedWordsStage, generate_corpus

TOTAL = 150
KILLS = 3


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    generate_corpus(TOTAL, corpus)
    write_variant_reviews(corpus)
    return corpus


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")]),
            "FILMGRAPH_TEXT_STAGE": "scale_helpers:make_capitalised_words_stage"}


def _uninterrupted(tmp_path: Path, corpus: Path) -> bytes:
    fresh = Settings(store_path=tmp_path / "fresh")
    with FilmStore.open(fresh.store_path, Iris(fresh.base_iri)) as st:
        assert build([corpus], st, fresh, text_stage=CapitalisedWordsStage()).ok
        return sorted_export(st)


def test_a_build_killed_at_random_points_and_resumed_exports_the_same_bytes(tmp_path):
    corpus = _corpus(tmp_path)
    store_path = tmp_path / "store"
    cmd = [sys.executable, "-m", "filmgraph", "--quiet", "--store", str(store_path), "build", str(corpus),
           "--workers", "2", "--link", "off"]
    scratch = [c if c != str(store_path) else str(tmp_path / "scratch") for c in cmd]
    started = time.monotonic()
    subprocess.run(scratch, env=_env(), check=True, timeout=600)
    duration = time.monotonic() - started  # of a whole build
    started = time.monotonic()
    subprocess.run(scratch, env=_env(), check=True, timeout=600)
    startup = time.monotonic() - started  # of a build with nothing to do
    # kill points spread over the work; each run is killed after its start-up and its share of it
    rng = random.Random(11)
    points = sorted(rng.uniform(0.05, 0.95) * max(duration - startup, 0.5) for _ in range(KILLS))
    killed = 0
    for k in range(KILLS):
        delay = startup * 0.8 + points[k] - (points[k - 1] if k else 0.0)
        for _attempt in range(5):
            # its own process group: SIGKILL takes the main process and its workers at once, like an OOM kill
            proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
            time.sleep(delay)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                killed += 1
                break
            # it finished first (the machine ran faster than when timed): from nothing again, killed sooner
            shutil.rmtree(store_path, ignore_errors=True)
            delay *= 0.5
    assert killed >= 1, "no build was interrupted"
    again = subprocess.run([c for c in cmd if c != "--quiet"], env=_env(), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    with FilmStore.open(store_path, Iris(Settings().base_iri), read_only=True) as st:
        resumed = sorted_export(st)
    assert resumed == _uninterrupted(tmp_path, corpus)
    assert b"owl#sameAs" in resumed and b"ontology#Merge" in resumed  # the variant reviews did merge


def test_force_on_an_up_to_date_store_changes_nothing(tmp_path):
    corpus = _corpus(tmp_path)
    settings = Settings(store_path=tmp_path / "store")
    with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as st:
        build([corpus], st, settings, text_stage=CapitalisedWordsStage())
        before = whole_dataset(st)
        report = build([corpus], st, settings, text_stage=CapitalisedWordsStage(), force=True)
        assert report.count("replaced") == TOTAL + 3
        assert whole_dataset(st) == before


def test_adding_then_removing_a_review_gives_back_the_same_export(tmp_path):
    corpus = _corpus(tmp_path)
    extra = tmp_path / "extra"
    extra.mkdir()
    # a yearless Hero by Zhang Yimou: it joins film/hero-2002 and holds the merge while it is there
    (extra / "zhang-note.txt").write_text(
        "Shadow (2018)\n\nDirector: Zhang Yimou\n\nMovie Review:\nAfter Hero, Zhang Yimou drained the colour "
        "from the screen.\n\nReview by Cy Lund\n", encoding="utf-8")
    settings = Settings(store_path=tmp_path / "store")
    with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as st:
        build([corpus], st, settings, text_stage=CapitalisedWordsStage())
        before = sorted_export(st)
        build([extra], st, settings, text_stage=CapitalisedWordsStage())
        assert sorted_export(st) != before
        removed = remove_reviews(st, settings, [str(extra / "zhang-note.txt")], CapitalisedWordsStage())
        assert [rid for rid, _ in removed] == ["shadow-2018-by-cy-lund"]
        assert sorted_export(st) == before
