#!/usr/bin/env python3
"""Which main-text extractor keeps a review page's review and drops its navigation?

    pip install readability-lxml   # the one compared against (not a filmgraph dependency)
    PYTHONPATH=src python benchmarks/bench_html_extract.py

The pages are the project's own (data/inputs/*.html, benchmarks/html_pages/*.html): each has a
review (header lines, paragraphs, verdict, byline) inside menus, sidebars, related-post
teasers, comments, newsletter boxes and footers. For each extractor and page we count

* kept: the review's lines (every header line and paragraph of the visible review) found
  whole on one line of the extracted text (a line split in two counts as lost);
* leaked: the lines of site furniture that turn up in the extracted text.

Results go to benchmarks/results/html-extract.json and the console.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import lxml.html

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted((REPO / "data" / "inputs").glob("*.html")) + sorted((REPO / "benchmarks" / "html_pages").glob("*.html"))
#: the element classes/ids/tags that hold site furniture on the project's pages
FURNITURE = ("nav", "header", "footer", "aside", ".sidebar", ".related", ".comments", "#comments", ".share",
             ".newsletter", ".footer", "#footer", ".widget", "#top-bar", ".menu", ".cookie-banner",
             ".related-posts", "#masthead", ".ad")
REVIEW = ("article", ".review", ".post", ".entry", ".content")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _lines_of(elements) -> list[str]:
    """The text lines of elements: each block (p, li, div without blocks, tr) or <br> line."""
    out: list[str] = []
    for el in elements:
        for block in el.iter("p", "li", "h1", "h2", "div", "tr"):
            if block.tag == "div" and any(c.tag in ("p", "div", "ul", "table", "h1", "h2") for c in block):
                continue
            if block.tag in ("p", "li", "div") and block.getparent() is not None and block.getparent().tag == "li":
                continue
            if block.tag == "tr":
                cells = [_norm(c.text_content()) for c in block if c.tag in ("th", "td")]
                text = f"{cells[0].rstrip(' :')}: {' '.join(cells[1:])}" if len(cells) == 2 else " ".join(cells)
                if text and text not in out:
                    out.append(text)
                continue
            html = lxml.html.tostring(block, encoding="unicode")
            for part in re.split(r"<br\s*/?>", html):
                text = _norm(lxml.html.fromstring(f"<div>{part}</div>").text_content())
                if text and text not in out:
                    out.append(text)
    return out


def truth(page: Path) -> tuple[list[str], list[str]]:
    """The page's review lines and furniture lines, read from its markup."""
    root = lxml.html.parse(str(page)).getroot()
    furniture = [e for sel in FURNITURE for e in root.cssselect(sel)]
    for e in furniture:
        if e.getparent() is not None:
            e.getparent().remove(e)
    review_el = next(iter([e for sel in REVIEW for e in root.cssselect(sel)]), root.find("body"))
    keep = [ln for ln in _lines_of([review_el]) if len(ln) > 3 and not ln.startswith(("By ", "Posted on"))]
    root2 = lxml.html.parse(str(page)).getroot()
    junk = [ln for ln in _lines_of([e for sel in FURNITURE for e in root2.cssselect(sel)]) if len(ln) > 12]
    return keep, junk


def with_trafilatura(html: str) -> str:
    """As filmgraph reads a page (inputs/html.py: trafilatura, table rows as header lines)."""
    from filmgraph.inputs.html import prepare_html

    try:
        return prepare_html(html, "page.html").text.replace("\n\n", "\n")
    except Exception:
        return ""


def with_readability(html: str) -> str:
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    root = lxml.html.fromstring(summary)
    return "\n".join(_lines_of([root]))


def score(text: str, keep: list[str], junk: list[str]) -> tuple[int, int, list[str]]:
    lines = {_norm(re.sub(r"^\s*[-*•]\s+", "", ln)) for ln in text.splitlines()}
    joined = _norm(text)
    lost = [k for k in keep if k not in lines]
    leaked = sum(1 for j in junk if j in joined)
    return len(keep) - len(lost), leaked, lost


def main() -> int:
    extractors = {"trafilatura": with_trafilatura}
    try:
        import readability  # noqa: F401

        extractors["readability-lxml"] = with_readability
    except ImportError:
        print("readability-lxml not installed: pip install readability-lxml to compare", file=sys.stderr)
    results: dict[str, dict] = {}
    for name, extract in extractors.items():
        total_keep = total_kept = total_junk = total_leaked = 0
        pages = {}
        started = time.perf_counter()
        for page in PAGES:
            html = page.read_text(encoding="utf-8")
            keep, junk = truth(page)
            kept, leaked, lost = score(extract(html), keep, junk)
            pages[page.name] = {"kept": kept, "of": len(keep), "leaked": leaked, "junk": len(junk), "lost": lost}
            total_keep += len(keep)
            total_kept += kept
            total_junk += len(junk)
            total_leaked += leaked
        results[name] = {"kept": total_kept, "review_lines": total_keep, "leaked": total_leaked,
                         "furniture_lines": total_junk, "seconds": round(time.perf_counter() - started, 2),
                         "pages": pages}
        print(f"{name:18} kept {total_kept}/{total_keep} review lines, leaked {total_leaked}/{total_junk} "
              f"furniture lines ({len(PAGES)} pages)")
        for page_name, p in pages.items():
            lost = "; ".join(l[:50] for l in p["lost"])
            print(f"  {page_name:34} kept {p['kept']:2}/{p['of']:2} leaked {p['leaked']}/{p['junk']}"
                  + (f"  lost: {lost}" if lost else ""))
    out = REPO / "benchmarks" / "results" / "html-extract.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
