#!/usr/bin/env python3
"""Scale benchmark: build N generated reviews with 1 and 2 workers, then push to Virtuoso.

    PYTHONPATH=src python benchmarks/bench_scale.py --n 10000

Each build is a real ``filmgraph build --workers W`` subprocess into a fresh store. Reported:
wall time, reviews/s, peak memory (RSS summed over the whole process tree: the main process and
its workers, sampled every 0.1 s) and the speed-up of W workers over 1 worker *measured in the
same run*. Then the 1-worker store is pushed (``filmgraph push``) to a throwaway Virtuoso started
on 127.0.0.1 (or ``--endpoint``), reporting triples/s. Targets (issue 7): 2 workers >= 1.7x one
worker; peak < 2 GB for 10,000 reviews. Results go to stdout and ``--json``.

The text stage is filmgraph's extraction (``filmgraph.extract:make_text_stage``) when present,
else ``benchmarks/ner_stage.py`` (the spaCy pipeline over every review, a spaCy-bound stand-in);
the report says which.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of ``pid`` and all its descendants, from /proc."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time, peak RSS of the process tree, and the finished process (``.cpu_s``, ``.load``)."""
    import resource

    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    # CPU seconds of the whole tree (workers are reaped by the build), and the machine's load
    done.cpu_s = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)  # type: ignore[attr-defined]
    done.load = (load0, os.getloadavg()[0])  # type: ignore[attr-defined]
    return elapsed, peak, done


def text_stage_spec(requested: str | None) -> str:
    if requested:
        return requested
    if importlib.util.find_spec("filmgraph.extract") is not None:
        import filmgraph.extract as ex

        if hasattr(ex, "make_text_stage"):
            return "filmgraph.extract:make_text_stage"
    return "ner_stage:make_ner_stage"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="reviews to generate and build")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--text-stage", help="package.module:factory (default: the extraction, else ner_stage)")
    ap.add_argument("--workdir", type=Path, help="keep corpus and stores here (default: a temp dir)")
    ap.add_argument("--endpoint", help="push to this SPARQL endpoint instead of a throwaway Virtuoso")
    ap.add_argument("--graph-store", help="its Graph Store Protocol endpoint")
    ap.add_argument("--user")
    ap.add_argument("--no-push", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="fg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, work)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    corpus = work / f"corpus-{args.n}-{args.seed}"
    if not corpus.exists():
        _load(HERE / "generate_corpus.py", "generate_corpus").generate(args.n, corpus, args.seed)
    size = sum(p.stat().st_size for p in corpus.iterdir())
    stage = text_stage_spec(args.text_stage)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(HERE)]),
           "FILMGRAPH_TEXT_STAGE": stage}
    print(f"corpus: {args.n} reviews, {size / 1e6:.1f} MB; text stage: {stage}; cpus: {os.cpu_count()}; "
          f"load average {os.getloadavg()[0]:.2f} (other processes share these cpus)")
    results: dict[str, object] = {"n": args.n, "text_stage": stage, "corpus_mb": round(size / 1e6, 2), "builds": []}

    base_rate = None
    for w in args.workers:
        store = work / f"store-w{w}"
        shutil.rmtree(store, ignore_errors=True)
        cmd = [sys.executable, "-m", "filmgraph", "--store", str(store), "build", str(corpus), "--workers", str(w),
               "--link", "off"]  # linking (issue 4) runs after the build, the same with any --workers
        elapsed, peak, done = run_measured(cmd, env)
        summary = (done.stderr.strip().splitlines() or ["?"])[-1]
        if done.returncode not in (0, 1):
            print(done.stderr[-3000:], file=sys.stderr)
            return 2
        rate = args.n / elapsed
        base_rate = base_rate or rate
        row = {"workers": w, "seconds": round(elapsed, 1), "reviews_per_s": round(rate, 2),
               "peak_rss_mb": round(peak / 2**20), "speedup": round(rate / base_rate, 2),
               "cpu_s": round(done.cpu_s, 1), "cores_used": round(done.cpu_s / elapsed, 2),
               "load_before_after": [round(x, 2) for x in done.load], "summary": summary}
        results["builds"].append(row)  # type: ignore[union-attr]
        print(f"workers={w}: {elapsed:8.1f} s  {rate:7.2f} reviews/s  peak {peak / 2**20:7.0f} MB  "
              f"speed-up {rate / base_rate:4.2f}x  cpu {done.cpu_s:7.1f} s = {done.cpu_s / elapsed:4.2f} cores  "
              f"load {done.load[0]:.1f}->{done.load[1]:.1f}  ({summary})", flush=True)

    if not args.no_push:
        results["push"] = push(work / f"store-w{args.workers[0]}", env, args)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def push(store: Path, env: dict[str, str], args) -> dict[str, object]:
    server = proc = None
    if args.endpoint:
        endpoint, graph_store, user = args.endpoint, args.graph_store, args.user
    else:
        sys.path.insert(0, str(REPO / "tests"))
        cv = _load(REPO / "tests" / "conftest_virtuoso.py", "conftest_virtuoso")
        vdir = Path(tempfile.mkdtemp(prefix="fg-bench-virtuoso-"))
        proc, server = cv.start_virtuoso(vdir)
        endpoint, graph_store, user = server.sparql_auth, server.graph_store, server.user
        env = {**env, "FILMGRAPH_REMOTE_PASSWORD": server.password}
    try:
        cmd = [sys.executable, "-m", "filmgraph", "--store", str(store), "push", "--endpoint", endpoint]
        cmd += ["--graph-store", graph_store] if graph_store else []
        cmd += ["--user", user] if user else []
        elapsed, peak, done = run_measured(cmd, env)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return {"error": done.stderr.strip()[-500:]}
        m = re.search(r"pushed (\d+) graph\(s\), ([\d,]+) triples", done.stderr)
        graphs, triples = int(m.group(1)), int(m.group(2).replace(",", ""))
        print(f"push: {graphs} graphs, {triples:,} triples in {elapsed:.1f} s = {triples / elapsed:,.0f} triples/s "
              f"(peak {peak / 2**20:.0f} MB)")
        return {"graphs": graphs, "triples": triples, "seconds": round(elapsed, 1),
                "triples_per_s": round(triples / elapsed), "peak_rss_mb": round(peak / 2**20)}
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=60)
            shutil.rmtree(vdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
