"""Full extraction vs bare ``nlp.pipe`` of the same model on the same texts, in the same run.

    PYTHONPATH=src python benchmarks/bench_extract.py [N_REVIEWS [ROUNDS]]

The sample reviews are replicated (each copy made distinct by a suffix and its own identity) up
to N reviews (default 300); the two runs alternate for ROUNDS rounds (default 3) and the best
time of each counts, since the machine is shared. Prints reviews/s, tokens/s and the overhead ratio (target <= 1.2),
in wall-clock time and in this process's CPU time (which other work on a loaded machine inflates less).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from filmgraph.extract.stage import load_model, make_text_stage
from filmgraph.read import _read_path, read_review
from filmgraph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def corpus(n: int):
    settings = Settings()
    base = [read_review(_read_path(p, settings), settings) for p in sorted((ROOT / "data" / "reviews").glob("*.txt"))]
    out = []
    for i in range(n):
        r = base[i % len(base)]
        tag = f" (copy {i})"
        out.append(r.replace(source=f"{r.source}#{i}", sha256=f"{r.sha256[:50]}{i:014d}",
                             body=r.body + tag, synopsis=r.synopsis))
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    reviews = corpus(n)
    texts = [t for r in reviews for t in (r.synopsis, r.body, r.verdict) if t.strip()]
    bare = load_model(Settings().spacy_model)
    stage = make_text_stage(Settings())  # as a build runs it: with the Wikidata snapshot's gazetteer
    stage.nlp  # load outside the timing
    list(bare.pipe(texts[:30]))
    list(stage.analyse(reviews[:10]))
    # alternate the two, several rounds, and keep each one's best time: the machine is shared
    t_bare = t_full = c_bare = c_full = float("inf")
    tokens = 0
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        tokens = sum(len(d) for d in bare.pipe(texts, batch_size=64))
        t_bare, c_bare = min(t_bare, time.perf_counter() - t0), min(c_bare, time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        done = sum(1 for _ in stage.analyse(reviews))
        t_full, c_full = min(t_full, time.perf_counter() - t0), min(c_full, time.process_time() - c0)
        assert done == n
    print(f"reviews: {n}  texts: {len(texts)}  tokens: {tokens}")
    print(f"bare nlp.pipe     : {t_bare:7.2f} s  {n / t_bare:7.1f} reviews/s  {tokens / t_bare:9.0f} tokens/s")
    print(f"full extraction   : {t_full:7.2f} s  {n / t_full:7.1f} reviews/s  {tokens / t_full:9.0f} tokens/s")
    print(f"overhead ratio    : {t_full / t_bare:.3f}x (target <= 1.2x)")
    print(f"CPU time          : bare {c_bare:.2f} s, full {c_full:.2f} s: {c_full / c_bare:.3f}x")


if __name__ == "__main__":
    main()
