#!/usr/bin/env python3
"""Count person and film splits and list every merge on a folder of real review pages.

    PYTHONPATH=src python benchmarks/resolve_realworld.py path/to/realworld/texts [--gold path/to/gold]

Builds the folder into a fresh store (the spaCy extraction, no linking; each page's first line
``SOURCE: <url>`` is read as the page's address, as a URL input gives it, so two reviewerless
pages of one film stay two reviews), then prints:

* candidate person splits: people under more than one IRI whose names have the same words in any
  order, once folded (case, accents, hyphens), or that a gold file names as one person (with
  ``--gold``: each gold file's directors and cast, and its ``cast_aliases``);
* candidate film splits: films under more than one IRI with the same title key;
* possible slips: people under two IRIs whose names differ by one letter in one word of three
  letters or more (``Jiang Weng`` / ``Jiang Wen``), which the first list does not catch;
* every merge the resolver made (to check for wrong merges by hand).

A candidate is not yet a split: two films called *Coming Home* may be two films. A person split
whose short IRI (``tony-leung``) the resolver reported as a near-miss that "could be" one or
more longer names is listed apart, as a short name left as written on purpose. The output is for a
person to check against the gold files and notes; the counts it prints are of candidates.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("texts", type=Path)
    ap.add_argument("--gold", type=Path)
    ap.add_argument("--store", type=Path, help="Reuse this store (built if missing).")
    ap.add_argument("--split", choices=("dev", "test"),
                    help="Only the pages of this split (the manifest beside the texts folder, split.py).")
    args = ap.parse_args()
    from filmgraph.extract import make_text_stage
    from filmgraph.iris import Iris
    from filmgraph.pipeline import build, resolve_store
    from filmgraph.resolve.names import fold, split_tokens, title_key
    from filmgraph.settings import Settings
    from filmgraph.store import FilmStore

    scratch = Path(tempfile.mkdtemp(prefix="realworld-"))
    store_path = args.store or scratch / "store"
    sources = [args.texts]
    if args.split:
        sources = [f for f in sorted(args.texts.glob("*.txt")) if _split(f, args.texts.parent) == args.split]
        print(f"{len(sources)} pages in the {args.split} split")
    settings = Settings(store_path=store_path)
    with FilmStore.open(store_path, Iris(settings.base_iri)) as st:
        report = build(sources, st, settings, text_stage=make_text_stage(settings))
        print(f"built {len(report.outcomes)} pages: {report.count('added')} added, {report.count('unchanged')} "
              f"unchanged, {report.count('skipped')} skipped, {report.count('failed')} failed")
        people: dict[str, set[str]] = defaultdict(set)
        for r in st.query("PREFIX schema: <https://schema.org/> SELECT DISTINCT ?p ?n WHERE { ?p a schema:Person ; schema:name ?n }"):
            people[r["p"].value].add(r["n"].value)
        films: dict[str, set[str]] = defaultdict(set)
        for r in st.query("PREFIX schema: <https://schema.org/> SELECT DISTINCT ?f ?n WHERE { ?f a schema:Movie ; schema:name ?n }"):
            films[r["f"].value].add(r["n"].value)
        resolution = resolve_store(st, settings)
        resolution.close()  # its merges and near-misses are what is reported

    def loose(name: str) -> str:
        return " ".join(sorted(split_tokens(name)))

    groups: dict[str, set[str]] = defaultdict(set)
    for iri, names in people.items():
        for n in names:
            groups[loose(n)].add(iri)
    if args.gold:
        for f in sorted(args.gold.glob("*.json")):
            g = json.loads(f.read_text())
            for name, aliases in (g.get("cast_aliases") or {}).items():
                key = loose(name)
                for a in aliases if isinstance(aliases, list) else [aliases]:
                    groups[key] |= groups.get(loose(a), set())
    person_groups = sorted({tuple(sorted(v)) for v in groups.values() if len(v) > 1})
    # short names the resolver left as written: several longer names could complete them, or one
    # could but nothing in their review connects them (both reported as near-misses)
    ambiguous_iris = {i for n in resolution.near_misses if n.kind == "person" and " could be " in n.reason
                      for i, label in zip(n.iris, n.names) if n.reason.startswith(repr(label))}
    ambiguous = [g for g in person_groups if any(i in ambiguous_iris for i in g)]
    person_splits = [g for g in person_groups if g not in ambiguous]
    print(f"\ncandidate person splits ({len(person_splits)}):")
    for iris in person_splits:
        print("  " + " | ".join(f"{i.rsplit('/', 1)[-1]} {sorted(people[i])}" for i in iris))
    print(f"\nshort names left as written, reported as near-misses ({len(ambiguous)}):")
    for iris in ambiguous:
        print("  " + " | ".join(f"{i.rsplit('/', 1)[-1]} {sorted(people[i])}" for i in iris))
    from rapidfuzz.distance import Levenshtein

    by_shape: dict[tuple, set[str]] = defaultdict(set)
    for iri, names in people.items():
        for n in names:
            toks = split_tokens(n)
            for k in range(len(toks)):
                if len(toks) >= 2 and len(toks[k]) >= 3:
                    by_shape[(toks[:k], toks[k + 1:])].add((iri, toks[k]))
    slips = sorted({tuple(sorted((a, b))) for members in by_shape.values() for a, wa in members for b, wb in members
                    if a != b and Levenshtein.distance(wa, wb) == 1})
    print(f"\npossible slips, one letter apart ({len(slips)}):")
    for a, b in slips:
        print(f"  {a.rsplit('/', 1)[-1]} {sorted(people[a])} | {b.rsplit('/', 1)[-1]} {sorted(people[b])}")
    by_title: dict[str, set[str]] = defaultdict(set)
    for iri, names in films.items():
        for n in names:
            if any(c.isascii() and c.isalpha() for c in n):
                by_title[title_key(n)].add(iri)
    film_splits = sorted({tuple(sorted(v)) for v in by_title.values() if len(v) > 1})
    print(f"\ncandidate film splits ({len(film_splits)}):")
    for iris in film_splits:
        print("  " + " | ".join(i.rsplit("/", 1)[-1] for i in iris))
    print(f"\nmerges ({len(resolution.merges)}):")
    for m in resolution.merges:
        print(f"  {m.kind} {m.iri.rsplit('/', 1)[-1]} <- {', '.join(v.rsplit('/', 1)[-1] for v in m.variants)}: "
              f"{'; '.join(m.reasons)[:300]}")
    print(f"\nnear-misses ({len(resolution.near_misses)}):")
    for n in resolution.near_misses:
        print(f"  {n.kind} {n.names[0]!r} | {n.names[1]!r}: {n.reason[:160]}")
    print(f"\nstore: {store_path}")
    return 0


def _split(page: Path, folder: Path) -> str | None:
    """The split (dev or test) the manifest's URL for this page falls in."""
    import csv
    import importlib.util

    spec = importlib.util.spec_from_file_location("split", folder / "split.py")
    split = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(split)
    for tsv in sorted((folder / "manifest").glob("*.tsv")):
        with tsv.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row["id"] == page.stem:
                    return split.split_of(row["url"])
    return None


if __name__ == "__main__":
    sys.exit(main())
