#!/usr/bin/env python3
"""Memory of a build from one large generated CSV: does it stay flat as the rows go by?

    PYTHONPATH=src python benchmarks/bench_dataset_memory.py build 1000 10000
    PYTHONPATH=src python benchmarks/bench_dataset_memory.py build 1000 10000 --baseline-src OLD/src
    PYTHONPATH=src python benchmarks/bench_dataset_memory.py build 1000 10000 100000 \
        --baseline-src OLD/src --baseline-sizes 1000,10000   # the baseline at the small sizes only
    PYTHONPATH=src python benchmarks/bench_dataset_memory.py read 10000 100000   # the reader alone

For each size a CSV of that many distinct reviews (own generated text, real-looking fields) is
written, then built in a fresh process **without a text stage** (header and review statements
only: spaCy extraction runs at ~9 reviews/s on this machine, and even without it a build writes
~40-80 reviews/s, so 100,000 rows take ~45 minutes; the build's own bookkeeping is what is
measured). The process's RSS is sampled every 0.2 s by a thread (so the resolve and render steps
after the reading are seen too); reported are the RSS every 10% of the rows, the peak while
reading, the overall peak (ru_maxrss), and the growth per review between the smallest and largest
size. ``--baseline-src`` builds the same CSVs with another source tree (say, the previous
commit's ``src``) in the same run, for a comparison under the same load. ``--trace`` also runs
``tracemalloc`` (twice as slow): the Python heap at the end of the reading step and its peak,
which is what the build itself keeps (RSS also has the store's native buffers and caches).

Results: benchmarks/results/dataset-memory-{build,read}.json.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DIRECTORS = ["Zhang Yimou", "Chen Kaige", "Ang Lee", "Wong Kar-wai", "Jia Zhangke", "Hou Hsiao-hsien"]
ACTORS = ["Gong Li", "Tony Leung Chiu-wai", "Maggie Cheung", "Zhang Ziyi", "Chow Yun-fat", "Jet Li"]
WORDS = ("quiet patient lavish bitter tender precise slow bright cold generous restless "
         "careful ornate plain moving funny strange").split()


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "year", "director", "cast", "reviewer", "score", "review"])
        for i in range(rows):
            a, b = WORDS[i % len(WORDS)], WORDS[(i // len(WORDS)) % len(WORDS)]
            text = (f"A {a} film about a {b} family, told over one long winter. "
                    f"The camera stays close, the colours are muted, and the ending is earned. (Generated review {i}.)")
            w.writerow([f"g{i}", f"Generated Film {i}", 1980 + i % 45, DIRECTORS[i % 6],
                        f"{ACTORS[i % 6]}, {ACTORS[(i + 1) % 6]}", f"Reviewer {i % 997}", 1 + i % 5, text])


def child(mode: str, csv_path: str, store_dir: str, rows: int) -> None:
    from filmgraph.iris import Iris
    from filmgraph.pipeline import build
    from filmgraph.settings import Settings
    from filmgraph.store import FilmStore

    def rss_mb() -> float:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    settings = Settings(store_path=Path(store_dir))
    tracing = os.environ.get("BENCH_TRACE") == "1"
    if tracing:
        import tracemalloc

        tracemalloc.start()
    heap_after_reading = [0.0]
    samples: list[tuple[int, float]] = [(0, round(rss_mb(), 1))]
    count = 0
    step = max(rows // 10, 1)
    peaks = {"reading": 0.0, "all": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            mb = rss_mb()
            peaks["all"] = max(peaks["all"], mb)
            if count < rows:
                peaks["reading"] = max(peaks["reading"], mb)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    def on_outcome(_outcome) -> None:
        nonlocal count
        count += 1
        if count % step == 0:
            samples.append((count, round(rss_mb(), 1)))
        if tracing and count == rows:
            heap_after_reading[0] = tracemalloc.get_traced_memory()[0] / 2**20

    started = time.perf_counter()
    if mode == "read":  # the reader alone: rows -> Review -> review graph, no store
        from filmgraph.errors import ReadError
        from filmgraph.graph import review_graph
        from filmgraph.read import iter_sources, read_review

        iris, added, failed = Iris(settings.base_iri), 0, 0
        for item in iter_sources([csv_path], settings):
            if isinstance(item, ReadError):
                failed += 1
            else:
                review_graph(read_review(item, settings), iris)
                added += 1
            on_outcome(None)
    else:
        with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as store:
            report = build([csv_path], store, settings, on_outcome=on_outcome)
        added, failed = report.count("added"), report.count("failed")
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"mode": mode, "rows": rows, "added": added, "failed": failed,
                      "seconds": round(seconds, 1), "cpu_s": round(cpu.ru_utime + cpu.ru_stime, 1),
                      "rows_per_s": round(rows / seconds), "peak_rss_mb": round(peak, 1),
                      "peak_rss_reading_mb": round(peaks["reading"], 1), "rss_samples_mb": samples,
                      **({"python_heap_after_reading_mb": round(heap_after_reading[0], 2),
                          "python_heap_peak_mb": round(tracemalloc.get_traced_memory()[1] / 2**20, 2)}
                         if tracing else {})}))


def measure(mode: str, rows: int, src: Path, tmp: str, trace: bool = False) -> dict:
    path = Path(tmp) / f"reviews-{rows}.csv"
    if not path.exists():
        write_csv(path, rows)
    store = Path(tempfile.mkdtemp(dir=tmp))
    env = {**os.environ, "PYTHONPATH": str(src), "BENCH_TRACE": "1" if trace else ""}
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path), str(store / "store"), str(rows)],
                         capture_output=True, text=True, check=True, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["csv_mb"] = round(path.stat().st_size / 1e6, 1)
    return result


def main(mode: str, sizes: list[int], baseline: Path | None, trace: bool = False,
         baseline_sizes: list[int] | None = None) -> int:
    trees = [("this tree", REPO / "src")] + ([("baseline", baseline)] if baseline else [])
    load_before = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, src in trees:
            for rows in (baseline_sizes or sizes) if label == "baseline" else sizes:
                result = measure(mode, rows, src, tmp, trace)
                result["tree"] = label
                results.append(result)
                print(f"{mode} ({label}): {rows:>8,} rows ({result['csv_mb']} MB): {result['seconds']} s, "
                      f"{result['rows_per_s']} rows/s, peak RSS {result['peak_rss_mb']} MB "
                      f"(reading {result.get('peak_rss_reading_mb', '-')} MB); RSS by rows: "
                      + ", ".join(f"{n:,}:{mb:.0f}" for n, mb in result["rss_samples_mb"])
                      + (f"; Python heap after reading {result['python_heap_after_reading_mb']} MB, peak "
                         f"{result['python_heap_peak_mb']} MB" if trace else ""), flush=True)
    load_after = os.getloadavg()[0]
    summary = []
    for label, _ in trees:
        mine = [r for r in results if r["tree"] == label]
        if len(mine) > 1:
            first, last = mine[0], mine[-1]
            per_review_kb = (last["peak_rss_mb"] - first["peak_rss_mb"]) * 1024 / (last["rows"] - first["rows"])
            line = (f"{label}: peak RSS {last['rows']:,} rows / {first['rows']:,} rows: "
                    f"{last['peak_rss_mb'] / first['peak_rss_mb']:.2f}x for {last['rows'] / first['rows']:.0f}x the rows "
                    f"({per_review_kb:.2f} KB more per review)")
            if trace:
                heap_kb = ((last["python_heap_after_reading_mb"] - first["python_heap_after_reading_mb"]) * 1024
                           / (last["rows"] - first["rows"]))
                line += f"; Python heap after reading: {heap_kb * 1024:.0f} bytes more per review"
            summary.append(line)
            print(line)
    print(f"load average {load_before:.2f} before, {load_after:.2f} after")
    out_path = REPO / "benchmarks" / "results" / f"dataset-memory-{mode}{'-heap' if trace else ''}.json"
    out_path.write_text(json.dumps({"load_average": [load_before, load_after], "summary": summary,
                                    "runs": results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        sys.exit(0)
    args = sys.argv[1:]
    base = None
    if "--baseline-src" in args:
        i = args.index("--baseline-src")
        base = Path(args[i + 1]).resolve()
        del args[i:i + 2]
    base_sizes = None
    if "--baseline-sizes" in args:  # say, 1000,10000: the baseline at the small sizes only
        i = args.index("--baseline-sizes")
        base_sizes = [int(n) for n in args[i + 1].split(",")]
        del args[i:i + 2]
    trace = "--trace" in args
    args = [a for a in args if a != "--trace"]
    chosen = args.pop(0) if args and args[0] in ("read", "build") else "build"
    sys.exit(main(chosen, [int(a) for a in args] or [1_000, 10_000], base, trace, base_sizes))
