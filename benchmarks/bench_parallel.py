"""Where a parallel build's extra CPU goes: ``filmgraph build`` of N generated reviews with the
text stage, 1 and 2 workers, in CPU seconds (robust on a shared machine, unlike wall time).

For each run: wall time, CPU of the main process and of its workers (``RUSAGE_SELF`` /
``RUSAGE_CHILDREN`` of the build process, reported by a wrapper), CPU ms per review and the
ratio of the 2-worker CPU to the 1-worker CPU *in the same run*, with the load average. The
2-worker build runs once per start method (``--methods fork,spawn``): ``fork`` (the default on
Linux: workers share the main process's loaded model) against ``spawn`` (each worker imports and
loads its own), so the saving is measured, not assumed. ``--profile`` adds a cProfile of the main
process of a 2-worker build (cumulative wall seconds in the store writes, waiting for results...).

    PYTHONPATH=src python benchmarks/bench_parallel.py --n 300

Results: benchmarks/results/parallel-N.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
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
if os.environ.get("BENCH_START_METHOD"):
    import filmgraph.parallel
    filmgraph.parallel.default_start_method = lambda: os.environ["BENCH_START_METHOD"]
from filmgraph.cli import main
code = 0
try:
    if prof:
        cProfile.run("main()", prof)
    else:
        main()
except SystemExit as exc:
    code = exc.code or 0
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"@@ {time.perf_counter() - t:.2f} {me.ru_utime + me.ru_stime:.2f} {kids.ru_utime + kids.ru_stime:.2f} {code}")
"""


def run(store: Path, corpus: Path, workers: int, profile: Path | None = None,
        start_method: str = "") -> tuple[float, float, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "BENCH_START_METHOD": start_method}
    if profile:
        env["BENCH_PROFILE"] = str(profile)
    cmd = [sys.executable, "-c", WRAPPER, "-", "--store", str(store), "--quiet", "build", str(corpus),
           "--workers", str(workers), "--link", "off"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    line = next((x for x in done.stdout.splitlines() if x.startswith("@@ ")), "")
    if not line or line.split()[-1] != "0":
        raise SystemExit(f"the {workers}-worker build failed:\n{done.stderr[-2000:]}")
    wall, main_cpu, kids_cpu = (float(x) for x in line.split()[1:4])
    return wall, main_cpu, kids_cpu


STARTUP = """
import os, resource, sys
from pathlib import Path
from filmgraph.extract import make_text_stage
from filmgraph.parallel import ParallelTextStage
from filmgraph.read import iter_sources, read_review
from filmgraph.settings import Settings
settings = Settings()
reviews = [read_review(s, settings) for s in iter_sources([Path(sys.argv[2])], settings)][:4]
stage = make_text_stage(settings)
if sys.argv[1] == "in-process":
    list(stage.analyse(reviews))
else:
    with ParallelTextStage(None, settings, 2, stage=stage, start_method=sys.argv[1], chunk_size=1) as par:
        list(par.analyse(reviews))
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"@@ {me.ru_utime + me.ru_stime:.2f} {kids.ru_utime + kids.ru_stime:.2f}")
"""


def startup_cpu(method: str, corpus: Path) -> float:
    """CPU seconds of a process that builds the text stage and analyses 4 reviews in-process, or on
    2 workers started with ``method``: the fixed cost of a parallel build, without the per-review work."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", STARTUP, method, str(corpus)], capture_output=True, text=True, env=env)
    line = next((x for x in done.stdout.splitlines() if x.startswith("@@ ")), None)
    if line is None:
        raise SystemExit(f"the start-up run ({method}) failed:\n{done.stderr[-2000:]}")
    return sum(float(x) for x in line.split()[1:])


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
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--methods", default="fork,spawn", help="start methods to run 2 workers with")
    ap.add_argument("--profile", action="store_true", help="also profile a 2-worker build's main process")
    ap.add_argument("--startup", type=int, default=0, metavar="R",
                    help="also measure the fixed cost (stage, workers, 4 reviews) R times per start method")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run the whole plan this many times, interleaved, and report each configuration's median")
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("generate_corpus", HERE / "generate_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = gen
    spec.loader.exec_module(gen)  # type: ignore[union-attr]
    load_before = os.getloadavg()
    runs: list[tuple[str, int, tuple[float, float, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        gen.generate(args.n, corpus, 7)
        plan = [("in-process", 1)] + [(m, 2) for m in args.methods.split(",") if m]
        measured: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
        for attempt in range(args.repeat):
            for label, w in plan:
                result = run(Path(tmp) / f"store-{label}-{w}-{attempt}", corpus, w,
                             start_method="" if w == 1 else label)
                measured.setdefault((label, w), []).append(result)
                print(f"  {w} worker(s), {label}: wall {result[0]:.1f} s, main CPU {result[1]:.1f} s, "
                      f"workers {result[2]:.1f} s", file=sys.stderr, flush=True)
        for label, w in plan:  # the median run by total CPU
            ordered = sorted(measured[(label, w)], key=lambda r: r[1] + r[2])
            runs.append((label, w, ordered[len(ordered) // 2]))
        startup: dict[str, list[float]] = {}
        for _ in range(args.startup):
            for label in ["in-process"] + [m for m in args.methods.split(",") if m]:
                startup.setdefault(label, []).append(startup_cpu(label, corpus))
        breakdown = {}
        if args.profile:
            prof = Path(tmp) / "main.prof"
            run(Path(tmp) / "store-prof", corpus, 2, prof)
            breakdown = profile_breakdown(prof)
    load_after = os.getloadavg()
    base = runs[0][2][1] + runs[0][2][2]
    print(f"\n## Parallel build: {args.n} generated reviews with the text stage; {os.cpu_count()} CPUs; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
          + (f"; median of {args.repeat} interleaved runs" if args.repeat > 1 else "") + "\n")
    print("| workers | start | wall s | main CPU s | worker CPU s | total CPU s | CPU ms/review | CPU vs 1 worker |\n"
          "|---:|---|---:|---:|---:|---:|---:|---:|")
    rows = []
    for label, w, (wall, m, k) in runs:
        total = m + k
        print(f"| {w} | {label} | {wall:.1f} | {m:.1f} | {k:.1f} | {total:.1f} | {1000 * total / args.n:.0f} | "
              f"{total / base:.3f}x |")
        rows.append({"workers": w, "start": label, "wall_s": wall, "main_cpu_s": m, "worker_cpu_s": k,
                     "cpu_ms_per_review": round(1000 * total / args.n, 1), "cpu_ratio": round(total / base, 3)})
    print("\n(wall time is noisy on a shared machine; CPU less so, but at a load above the core count both vary)")
    fixed = {}
    if startup:
        print(f"\nFixed cost: build the stage, start the workers, analyse 4 reviews (CPU s, median of {args.startup}):\n")
        for label, values in startup.items():
            median = sorted(values)[len(values) // 2]
            fixed[label] = median
            print(f"- {label}{'' if label == 'in-process' else ', 2 workers'}: {median:.2f} s "
                  f"(runs: {', '.join(f'{v:.2f}' for v in values)})")
    for k, v in sorted(breakdown.items(), key=lambda kv: -kv[1]):
        print(f"- main process, {k}: {v:.1f} s (cumulative, profiled)")
    out = REPO / "benchmarks" / "results" / f"parallel-{args.n}.json"
    out.write_text(json.dumps({"reviews": args.n, "cpus": os.cpu_count(), "load_average": [load_before[0], load_after[0]],
                               "repeat": args.repeat, "runs": rows, "fixed_cost_cpu_s": fixed}, indent=2) + "\n",
                   encoding="utf-8")


if __name__ == "__main__":
    main()
