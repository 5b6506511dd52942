#!/usr/bin/env python3
"""Memory of a build from one large generated CSV: does it stay flat as the rows go by?

    PYTHONPATH=src python benchmarks/bench_dataset_memory.py build 10000 100000
    PYTHONPATH=src python benchmarks/bench_dataset_memory.py read 10000 100000   # the reader alone

For each size a CSV of that many distinct reviews (own generated text, real-looking fields) is
written, then built in a fresh process **without the spaCy text stage** (header and review
statements only: extraction runs at ~9 reviews/s on this machine, so 100,000 rows with it would
take hours; the dataset reader is what is measured). The process's RSS is sampled every 10% of
the rows and its peak (ru_maxrss) reported. Flat means the reader streams: the peak at 100,000
rows is close to the peak at 10,000, the difference being the per-review report the build keeps
(a few hundred bytes a review) and the set of review ids it has seen (for duplicates).

Results: benchmarks/results/dataset-memory-{build,read}.json.
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
import tempfile
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
    samples: list[tuple[int, float]] = [(0, round(rss_mb(), 1))]
    count = 0
    step = max(rows // 10, 1)

    def on_outcome(_outcome) -> None:
        nonlocal count
        count += 1
        if count % step == 0:
            samples.append((count, round(rss_mb(), 1)))

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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"mode": mode, "rows": rows, "added": added, "failed": failed,
                      "seconds": round(seconds, 1), "cpu_s": round(cpu.ru_utime + cpu.ru_stime, 1),
                      "rows_per_s": round(rows / seconds), "peak_rss_mb": round(peak, 1),
                      "rss_samples_mb": samples}))


def main(mode: str, sizes: list[int]) -> int:
    results = []
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"reviews-{rows}.csv"
            write_csv(path, rows)
            out = subprocess.run([sys.executable, __file__, "--child", mode, str(path), str(Path(tmp) / "store"),
                                  str(rows)],
                                 capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            result["csv_mb"] = round(path.stat().st_size / 1e6, 1)
            results.append(result)
            print(f"{mode}: {rows:>8,} rows ({result['csv_mb']} MB): {result['seconds']} s, {result['rows_per_s']} rows/s, "
                  f"peak RSS {result['peak_rss_mb']} MB; RSS by rows: "
                  + ", ".join(f"{n:,}:{mb:.0f}" for n, mb in result["rss_samples_mb"]), flush=True)
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"peak RSS {last['rows']:,} rows / {first['rows']:,} rows: "
              f"{last['peak_rss_mb'] / first['peak_rss_mb']:.2f}x for {last['rows'] / first['rows']:.0f}x the rows")
    out_path = REPO / "benchmarks" / "results" / f"dataset-memory-{mode}.json"
    out_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        sys.exit(0)
    args = sys.argv[1:]
    chosen = args.pop(0) if args and args[0] in ("read", "build") else "build"
    sys.exit(main(chosen, [int(a) for a in args] or [10_000, 100_000]))
