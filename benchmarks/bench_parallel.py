"""Where a parallel build's extra CPU goes: ``filmgraph build`` of N generated reviews with the
text stage, 1 and 2 workers, in CPU seconds (robust on a shared machine, unlike wall time).

For each run: wall time, CPU of the main process and of its workers (``RUSAGE_SELF`` /
``RUSAGE_CHILDREN`` of the build process, reported by a wrapper), and, from a profile of the
main process (cProfile), its CPU in the store writes (``FilmStore.replace_graph``), in waiting for
and unpickling worker results, and in reading and building the header graphs. The workers' own
CPU beyond the 1-worker run's text-stage CPU is the cost of a second model load and of pickling.

    PYTHONPATH=src python benchmarks/bench_parallel.py --n 500
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

WRAPPER = """
import cProfile, os, resource, sys, time
sys.argv = ["filmgraph"] + sys.argv[2:]
prof = sys.argv and os.environ.get("BENCH_PROFILE")
t, c = time.perf_counter(), time.process_time()
from filmgraph.cli import main
try:
    if prof:
        cProfile.run("main()", prof)
    else:
        main()
except SystemExit:
    pass
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"@@ {time.perf_counter() - t:.2f} {me.ru_utime + me.ru_stime:.2f} {kids.ru_utime + kids.ru_stime:.2f}")
"""


def run(store: Path, corpus: Path, workers: int, profile: Path | None = None) -> tuple[float, float, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    if profile:
        env["BENCH_PROFILE"] = str(profile)
    cmd = [sys.executable, "-c", WRAPPER, "-", "--store", str(store), "--quiet", "build", str(corpus),
           "--workers", str(workers), "--link", "off"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    line = next(x for x in done.stdout.splitlines() if x.startswith("@@ "))
    wall, main_cpu, kids_cpu = (float(x) for x in line.split()[1:])
    return wall, main_cpu, kids_cpu


def profile_breakdown(path: Path) -> dict[str, float]:
    """Cumulative seconds of the main process in a few functions that matter."""
    stats = pstats.Stats(str(path))
    wanted = {"replace_graph": "store writes (replace_graph)", "_result": "waiting for / unpickling worker results",
              "review_graph": "header graphs (review_graph)", "read_review": "reading reviews",
              "make_text_stage": "building the text stage (gazetteer)", "load_ontology": "ontology"}
    out: dict[str, float] = {}
    for (file, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        if name in wanted and "filmgraph" in file:
            out[wanted[name]] = out.get(wanted[name], 0.0) + row[3]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500)
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("generate_corpus", HERE / "generate_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = gen
    spec.loader.exec_module(gen)  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        gen.generate(args.n, corpus, 7)
        rows = {}
        for w in (1, 2):
            rows[w] = run(Path(tmp) / f"store{w}", corpus, w)
            print(f"  {w} worker(s): wall {rows[w][0]:.1f} s, main CPU {rows[w][1]:.1f} s, workers {rows[w][2]:.1f} s",
                  file=sys.stderr, flush=True)
        prof = Path(tmp) / "main.prof"
        run(Path(tmp) / "store-prof", corpus, 2, prof)
        breakdown = profile_breakdown(prof)
    one, two = rows[1], rows[2]
    print(f"\n## Parallel build: {args.n} generated reviews with the text stage; {os.cpu_count()} CPUs\n")
    print("| workers | wall s | main process CPU s | worker CPU s | total CPU s |\n|---:|---:|---:|---:|---:|")
    for w, (wall, m, k) in rows.items():
        print(f"| {w} | {wall:.1f} | {m:.1f} | {k:.1f} | {m + k:.1f} |")
    extra = (two[1] + two[2]) - (one[1] + one[2])
    print(f"\n2 workers cost {extra:+.1f} CPU s ({extra / (one[1] + one[2]):+.1%}) over 1; wall speed-up "
          f"{one[0] / two[0]:.2f}x (wall time is noisy on a shared machine; CPU is not)")
    print("\nmain process of the 2-worker build, from its profile (cumulative s, profiler overhead included):\n")
    for k, v in sorted(breakdown.items(), key=lambda kv: -kv[1]):
        print(f"- {k}: {v:.1f}")


if __name__ == "__main__":
    main()
