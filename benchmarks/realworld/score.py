"""Score filmgraph on the real-page set: one table per split (dev, test).

    python benchmarks/realworld/score.py               # both tables
    python benchmarks/realworld/score.py --errors dev  # and every miss on the dev split
    python benchmarks/realworld/score.py --by-kind     # and per kind of page (header / prose)

The test split's misses are never printed unless asked with ``--errors test`` (read them only at
the end: the test split exists to measure text that was not tuned on). Needs ``texts/`` (git-ignored;
see README.md for how to get the texts back).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from split import split_of  # noqa: E402

from filmgraph.pagescore import evaluate_pages, page_pairs  # noqa: E402
from filmgraph.settings import Settings  # noqa: E402


def manifest_rows() -> dict[str, dict[str, str]]:
    """Page id -> its manifest row (url, query, layout, kind, ...)."""
    rows = {}
    for part in sorted((HERE / "manifest").glob("*.tsv")):
        with part.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                rows[row["id"]] = row
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", choices=("dev", "test"), action="append", default=[],
                    help="print every miss and extra of this split")
    ap.add_argument("--split", choices=("dev", "test", "both"), default="both")
    ap.add_argument("--model", default=None, help="spaCy model (default: the setting's)")
    ap.add_argument("--by-kind", action="store_true",
                    help="also a table per kind of page (labelled header / prose) in each split")
    args = ap.parse_args()
    settings = Settings() if args.model is None else Settings(spacy_model=args.model)
    rows = manifest_rows()
    urls = {page: row["url"] for page, row in rows.items()}
    pairs = page_pairs(HERE / "gold", HERE / "texts")
    splits = {"dev": [], "test": []}
    for gold, text in pairs:
        stem = gold.name[: -len(".gold.json")]
        url = urls.get(stem)
        if url is None:
            print(f"{gold.name}: not in the manifest; left out", file=sys.stderr)
            continue
        splits[split_of(url)].append((gold, text))
    for name in (("dev", "test") if args.split == "both" else (args.split,)):
        result = evaluate_pages(splits[name], settings)
        print(result.table(f"### {name} split"))
        missing = [p for p, errs in result.errors.items() if any(e.startswith("no text") for e in errs)]
        if missing:
            print(f"({len(missing)} page(s) without text: re-retrieve them, see README.md)")
        if name in args.errors:
            for page, errs in sorted(result.errors.items()):
                for e in errs:
                    print(f"{page}: {e}")
        print()
        if args.by_kind:
            for kind in ("header", "prose"):
                pages = [(g, t) for g, t in splits[name] if rows[g.name[: -len(".gold.json")]].get("kind") == kind]
                if pages:
                    print(evaluate_pages(pages, settings).table(f"### {name} split, {kind} pages"))
                    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
