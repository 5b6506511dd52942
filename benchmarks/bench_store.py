"""Whole-store commands on a big store, each as a whole process, beside raw pyoxigraph (issue 13).

Builds the 1M-quad store of ``bench_sparql.py``'s generator (one named graph per review) twice:
raw pyoxigraph's ``bulk_load``, and filmgraph's write path (``FilmStore.replace_graph``, one
transaction per review, which also keeps the default graph the set union of the data graphs);
and, to price that default graph, the same transactions without it (the write path before it).
Then runs, each as its own process, with its wall time and peak memory (``ru_maxrss``):

* ``filmgraph export`` to Turtle and N-Quads, beside raw pyoxigraph dumping the same data
  (``Store.dump``: the default graph's triples as Turtle with filmgraph's prefixes, which must be
  the very bytes filmgraph writes; every quad as N-Quads; and the issue's baseline, the union of
  the graphs as Turtle through ``pyoxigraph.serialize``);
* ``filmgraph stats``; ``filmgraph validate`` cold, again unchanged, and after one review changed
  (the shapes compiled to SPARQL; its CPU seconds too, which a shared machine's load changes less);
* ``filmgraph view`` of the whole graph (the default node budget, 1,500).

Exports and the view run ``--repeat`` times (default 3), taking turns with their baselines; the
fastest run of each is reported, which on a machine shared with other jobs is the least disturbed.

    python benchmarks/bench_store.py --triples 1000000 --workers 2
    python benchmarks/bench_store.py --triples 50000            # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pyoxigraph as ox  # noqa: E402

from bench_sparql import BASE, generate  # noqa: E402
from filmgraph.iris import Iris  # noqa: E402
from filmgraph.store import FilmStore, from_ox  # noqa: E402
from filmgraph.vocab import prefixes_for  # noqa: E402


#: runs a command and prints its wall time and peak RSS: a small process of its own, because a
#: child's ru_maxrss starts from its parent's at fork (this benchmark holds the generated data)
MEASURE = """
import os, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(proc.pid, 0)
print(f"@@ {time.perf_counter() - t:.3f} {usage.ru_maxrss / 1024:.1f} {os.waitstatus_to_exitcode(status)} "
      f"{usage.ru_utime + usage.ru_stime:.3f}")
"""


#: CPU seconds (user + system) of each measured command, by label: on a shared machine the wall
#: time grows with the load, the CPU time much less
CPU: dict[str, list[float]] = {}


def run(argv: list[str], label: str) -> tuple[float, float, str]:
    """Run ``argv`` as a process: (seconds, peak MB, last line of its output)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, env=env)
    lines = (done.stdout + done.stderr).strip().splitlines()
    seconds, mb, code, cpu = next(line for line in lines if line.startswith("@@ ")).split()[1:]
    tail = next((line for line in reversed(lines) if not line.startswith("@@ ")), "")
    print(f"  {label}: {float(seconds):.2f} s, {float(cpu):.2f} CPU s, {float(mb):.0f} MB (exit {code}) {tail[:150]}",
          file=sys.stderr, flush=True)
    CPU.setdefault(label.split(" [")[0], []).append(float(cpu))
    return float(seconds), float(mb), tail


def best_of(runs: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, float, str]]:
    """Each command ``repeat`` times, the commands taking turns (so a burst of load on a shared
    machine falls on all of them alike); for each its fastest run and its highest peak memory."""
    done: dict[str, list[tuple[float, float, str]]] = {label: [] for label in runs}
    for i in range(repeat):
        for label, argv in runs.items():
            done[label].append(run(argv, f"{label} [{i + 1}/{repeat}]"))
    return {label: (min(r[0] for r in rs), max(r[1] for r in rs), rs[-1][2]) for label, rs in done.items()}


def cpu(label: str) -> float:
    return min(CPU[label])


def fg(store: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "filmgraph", "--store", str(store), "--quiet", *args]


RAW_DUMP = """
import json, sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], "wb") as fh:
    if sys.argv[3] == "nquads":
        store.dump(fh, ox.RdfFormat.N_QUADS)
    elif sys.argv[3] == "turtle-default":  # with filmgraph's prefixes: the same bytes filmgraph writes
        store.dump(fh, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=json.loads(sys.argv[4]))
    else:  # the union of the named graphs as triples (duplicates and all), as the issue measured
        ox.serialize((q.triple for q in store), fh, ox.RdfFormat.TURTLE, prefixes={"schema": "https://schema.org/"})
"""


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def build_stores(tmp: Path, n_triples: int, before_too: bool = True) -> dict[str, float]:
    """The raw, filmgraph and before-the-default-graph stores; their load times and sizes."""
    t = time.perf_counter()
    nquads, _ = generate(n_triples)
    quads = nquads.count("\n")
    print(f"generated {quads:,} quads in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    out: dict[str, float] = {"quads": quads}
    raw = ox.Store(str(tmp / "raw"))
    t = time.perf_counter()
    raw.bulk_load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    raw.flush()
    out["raw_load_s"] = time.perf_counter() - t
    del raw
    per_graph: dict[str, list] = defaultdict(list)
    for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        per_graph[quad.graph_name.value].append((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    del nquads
    out["reviews"] = len(per_graph)
    from rdflib import URIRef

    from filmgraph.pipeline import load_ontology

    # before: the same transaction per new review graph (one ``Store.extend``), without the
    # default graph's copy: what the set-semantics default graph costs, and nothing else
    from filmgraph.store import to_ox

    before = ox.Store(str(tmp / "before"))
    t = time.perf_counter()
    for gname, triples in per_graph.items() if before_too else ():
        g = ox.NamedNode(gname)
        before.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples])
    before.flush()
    out["before_load_s"] = time.perf_counter() - t
    del before

    store = FilmStore.open(tmp / "fg", Iris(BASE))
    load_ontology(store)
    t = time.perf_counter()
    for gname, triples in per_graph.items():
        store.replace_graph(URIRef(gname), triples, source=gname, build_key="bench")
    store.oxigraph.flush()
    out["fg_load_s"] = time.perf_counter() - t
    store.close()
    for name in ("raw", "before", "fg"):
        out[f"{name}_mb"] = du_mb(tmp / name)
    if not before_too:
        out["before_load_s"] = out["before_mb"] = float("nan")
    return out


def change_one_review(path: Path) -> None:
    """Give one review's film a different genre (what a fixed typo in one file does)."""
    from rdflib import Literal, URIRef

    with FilmStore.open(path, Iris(BASE)) as store:
        name = f"{BASE}graph/review/r7"
        triples = [t for t in store.graph(name) if str(t[1]) != "https://schema.org/genre"]
        triples.append((URIRef(f"{BASE}film/f7"), URIRef("https://schema.org/genre"), Literal("Musical")))
        store.replace_graph(URIRef(name), triples, source=name, build_key="bench-changed")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2, help="processes for validate")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each export and view (the fastest is reported)")
    ap.add_argument("--skip", nargs="*", default=[], help="steps to skip: before (the write path without the default graph), export stats validate view")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    try:
        built = build_stores(tmp, args.triples, before_too="before" not in args.skip)
        fgs, raws = tmp / "fg", tmp / "raw"
        rows: list[tuple[str, tuple[float, float, str], tuple[float, float, str] | None]] = []
        if "export" not in args.skip:
            prefixes = json.dumps(prefixes_for(BASE))
            measured = best_of({
                "raw Store.dump Turtle (default graph)": [sys.executable, "-c", RAW_DUMP, str(fgs), str(tmp / "raw.ttl"),
                                                          "turtle-default", prefixes],
                "filmgraph export Turtle": fg(fgs, "export", "-o", str(tmp / "out.ttl")),
                "raw serialize Turtle (union of the graphs, as in the issue)": [
                    sys.executable, "-c", RAW_DUMP, str(raws), str(tmp / "raw-union.ttl"), "union"],
                "raw Store.dump N-Quads": [sys.executable, "-c", RAW_DUMP, str(raws), str(tmp / "raw.nq"), "nquads"],
                "filmgraph export N-Quads": fg(fgs, "export", "-o", str(tmp / "out.nq")),
            }, args.repeat)
            ttl, nq = measured["filmgraph export Turtle"], measured["filmgraph export N-Quads"]
            rows += [("export Turtle (vs raw dump of the same triples)", ttl, measured["raw Store.dump Turtle (default graph)"]),
                     ("export Turtle (vs the issue's raw union dump)", ttl,
                      measured["raw serialize Turtle (union of the graphs, as in the issue)"]),
                     ("export N-Quads", nq, measured["raw Store.dump N-Quads"])]
            sizes = {p: (tmp / p).stat().st_size / 1e6 for p in ("out.ttl", "out.nq", "raw.ttl", "raw.nq")}
            same_turtle = (tmp / "out.ttl").read_bytes() == (tmp / "raw.ttl").read_bytes()
            for p in (tmp / "raw.ttl", tmp / "raw-union.ttl", tmp / "raw.nq", tmp / "out.nq"):
                p.unlink()
        if "stats" not in args.skip:
            rows.append(("stats", run(fg(fgs, "stats"), "filmgraph stats"), None))
        if "validate" not in args.skip:
            rows.append((f"validate, cold ({args.workers} workers)",
                         run(fg(fgs, "validate", "--workers", str(args.workers)), "validate cold"), None))
            rows.append(("validate, nothing changed", run(fg(fgs, "validate"), "validate again"), None))
            change_one_review(fgs)
            rows.append(("validate, one review changed", run(fg(fgs, "validate"), "validate after one change"), None))
        if "view" not in args.skip:
            rows.append(("view, whole graph (1,500-node budget)",
                         best_of({"view whole": fg(fgs, "view", "-o", str(tmp / "whole.html"))}, args.repeat)["view whole"],
                         None))

        print(f"\n## Whole-store commands: {built['quads']:,.0f} quads in {built['reviews']:,.0f} review graphs; "
              f"{os.cpu_count()} CPUs; each command a whole process\n")
        print("| load | seconds | on disk (MB) |\n|---|---:|---:|")
        print(f"| raw pyoxigraph bulk_load | {built['raw_load_s']:.1f} | {built['raw_mb']:.0f} |")
        print(f"| one transaction (Store.extend) per review, no default graph | {built['before_load_s']:.1f} | {built['before_mb']:.0f} |")
        print(f"| FilmStore.replace_graph, default graph kept as a set | {built['fg_load_s']:.1f} | {built['fg_mb']:.0f} |")
        print(f"\nthe set-semantics default graph costs {built['fg_load_s'] / built['before_load_s']:.2f}x the write time "
              f"and {built['fg_mb'] / built['before_mb']:.2f}x the disk (before compaction)\n")
        print("| command | seconds | peak MB | raw pyoxigraph s | raw MB | time ratio |\n|---|---:|---:|---:|---:|---:|")
        for label, (s, mb, _), raw in rows:
            if raw is None:
                print(f"| {label} | {s:.2f} | {mb:.0f} | | | |")
            else:
                print(f"| {label} | {s:.2f} | {mb:.0f} | {raw[0]:.2f} | {raw[1]:.0f} | {s / raw[0]:.2f} |")
        if "export" not in args.skip:
            print(f"\nfiles: export Turtle {sizes['out.ttl']:.0f} MB (raw dump {sizes['raw.ttl']:.0f} MB, "
                  f"{'the same bytes' if same_turtle else 'DIFFERENT bytes'}), "
                  f"N-Quads {sizes['out.nq']:.0f} MB (raw {sizes['raw.nq']:.0f} MB)")
        if "export" not in args.skip:
            raw_cpu = cpu("raw Store.dump Turtle (default graph)")
            print(f"\nCPU seconds (least of the runs): export Turtle {cpu('filmgraph export Turtle'):.2f} vs raw "
                  f"{raw_cpu:.2f} ({cpu('filmgraph export Turtle') / raw_cpu:.2f}x); export N-Quads "
                  f"{cpu('filmgraph export N-Quads'):.2f} vs raw {cpu('raw Store.dump N-Quads'):.2f} "
                  f"({cpu('filmgraph export N-Quads') / cpu('raw Store.dump N-Quads'):.2f}x)")
        if "view" not in args.skip:
            print(f"CPU seconds (least of the runs): view of the whole graph {cpu('view whole'):.2f}")
        print(f"\nfastest of {args.repeat} runs of each export and view, taking turns; load average before and "
              f"after: {load_before} / {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
