#!/usr/bin/env python3
"""Resume benchmark (issue 11): a build SIGKILLed at random points and resumed equals an
uninterrupted one, byte for byte.

    PYTHONPATH=src python benchmarks/bench_resume.py --n 1000 --kills 5

Writes ``--n`` generated reviews (``generate_corpus.py``), builds them once uninterrupted into a
fresh store (timing it), then starts the same ``filmgraph build --workers W`` again and again in a
second store, each time SIGKILLing the whole process group (main process and workers, like an OOM
kill) at a random moment within the uninterrupted build's duration, ``--kills`` times, then lets a
last run finish. Reported: the kill times, how many reviews were cached and graphs written at each
kill (each run is killed after its start-up time plus its share of kill points spread over the
uninterrupted build's work), quads and the SHA-256 of the sorted N-Quads export of both stores (equal is the pass), and
whether ``build --force`` on the finished store changed any quad (bookkeeping included). The text
stage is filmgraph's spaCy extraction (``--stage spacy``, default) or the test suite's
capitalised-words stage (``--stage words``, no model, fast).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _generate(n: int, out: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_corpus", HERE / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.generate(n, out, 7)


def _env(stage: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")])}
    if stage == "words":
        env["FILMGRAPH_TEXT_STAGE"] = "scale_helpers:make_capitalised_words_stage"
    return env


def _cmd(store: Path, corpus: Path, workers: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "filmgraph", "--quiet", "--store", str(store), "build", str(corpus),
            "--workers", str(workers), "--link", "off", *extra]


def _state(store: Path) -> dict:
    """Reviews cached, review graphs written, quads and the sorted export's digest of a store."""
    import io

    from filmgraph.export import export, format_for
    from filmgraph.iris import Iris
    from filmgraph.resolve import cache
    from filmgraph.settings import Settings
    from filmgraph.store import FilmStore

    iris = Iris(Settings().base_iri)
    try:
        st = FilmStore.open(store, iris, read_only=True)
    except Exception as exc:  # killed before the store existed
        return {"cached": 0, "graphs": 0, "error": str(exc)[:80]}
    with st:
        buf = io.BytesIO()
        export(st, format_for("nquads"), buf)
        lines = sorted(line for line in buf.getvalue().splitlines() if line.strip())
        everything = sorted(str(q) for q in st.oxigraph)
        return {"cached": len(cache.read_index(st)),
                "graphs": sum(1 for g in st.content_graphs() if iris.is_review_graph(g)),
                "quads": len(lines), "export_sha256": hashlib.sha256(b"\n".join(lines)).hexdigest(),
                "dataset_sha256": hashlib.sha256("\n".join(everything).encode()).hexdigest()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--stage", choices=["spacy", "words"], default="spacy")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    work = Path(tempfile.mkdtemp(prefix="bench-resume-"))
    try:
        corpus = work / "corpus"
        _generate(args.n, corpus)
        env = _env(args.stage)
        t0 = time.monotonic()
        subprocess.run(_cmd(work / "fresh", corpus, args.workers), env=env, check=True)
        duration = time.monotonic() - t0
        fresh = _state(work / "fresh")
        print(f"uninterrupted: {args.n} reviews in {duration:.1f} s; {fresh['quads']} quads, "
              f"export {fresh['export_sha256'][:16]}", flush=True)
        t0 = time.monotonic()
        subprocess.run(_cmd(work / "fresh", corpus, args.workers), env=env, check=True)
        startup = time.monotonic() - t0  # a build with nothing to do: start, read the store, resolve
        # kill points spread over the work: cumulative times sorted in (0, duration); each run is
        # killed after its start-up plus its share, so every kill lands in the middle of real work
        rng = random.Random(args.seed)
        points = sorted(rng.uniform(0.02, 0.98) * (duration - startup) for _ in range(args.kills))
        kills = []
        for k in range(args.kills):
            at = startup + points[k] - (points[k - 1] if k else 0.0)
            proc = subprocess.Popen(_cmd(work / "killed", corpus, args.workers), env=env, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                proc.wait(timeout=at)
                finished = True
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                finished = False
            s = _state(work / "killed")
            kills.append({"at_s": round(at, 2), "finished_before_kill": finished, "cached": s["cached"],
                          "graphs": s["graphs"]})
            print(f"kill {k + 1}: at {at:.1f} s{' (had finished)' if finished else ''}: "
                  f"{s['cached']} reviews cached, {s['graphs']} review graphs written", flush=True)
        t1 = time.monotonic()
        subprocess.run(_cmd(work / "killed", corpus, args.workers), env=env, check=True)
        resume_s = time.monotonic() - t1
        resumed = _state(work / "killed")
        before_force = resumed["dataset_sha256"]
        subprocess.run(_cmd(work / "killed", corpus, args.workers, "--force"), env=env, check=True)
        forced = _state(work / "killed")
        result = {"n": args.n, "kills": kills, "workers": args.workers, "stage": args.stage,
                  "uninterrupted_s": round(duration, 1), "startup_s": round(startup, 1), "last_resume_s": round(resume_s, 1),
                  "uninterrupted_quads": fresh["quads"], "resumed_quads": resumed["quads"],
                  "uninterrupted_export_sha256": fresh["export_sha256"], "resumed_export_sha256": resumed["export_sha256"],
                  "identical": fresh["export_sha256"] == resumed["export_sha256"],
                  "force_changed_nothing": forced["dataset_sha256"] == before_force}
        print(f"resumed: {resumed['quads']} quads, export {resumed['export_sha256'][:16]}: "
              f"{'IDENTICAL' if result['identical'] else 'DIFFERENT'} to the uninterrupted build; "
              f"build --force {'changed nothing' if result['force_changed_nothing'] else 'CHANGED the store'}")
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n")
        return 0 if result["identical"] and result["force_changed_nothing"] else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
