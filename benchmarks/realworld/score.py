"""Score filmgraph on the real-page set: one table per split (dev, test).

    python benchmarks/realworld/score.py               # both tables
    python benchmarks/realworld/score.py --errors dev  # and every miss on the dev split

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


def manifest_urls() -> dict[str, str]:
    urls = {}
    for part in sorted((HERE / "manifest").glob("*.tsv")):
        with part.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                urls[row["id"]] = row["url"]
    return urls


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", choices=("dev", "test"), action="append", default=[],
                    help="print every miss and extra of this split")
    ap.add_argument("--split", choices=("dev", "test", "both"), default="both")
    ap.add_argument("--model", default=None, help="spaCy model (default: the setting's)")
    args = ap.parse_args()
    settings = Settings() if args.model is None else Settings(spacy_model=args.model)
    urls = manifest_urls()
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
