"""Web pages to review text: trafilatura's main text, its title, byline and date, and the markup.

trafilatura was measured against readability-lxml on the project's own pages
(``benchmarks/bench_html_extract.py``, figures in docs/inputs.md): both keep every review
paragraph and drop menus, sidebars, comments and footers, but readability-lxml dropped a
header block built of ``<div>``s, and it has no byline or date. trafilatura hands the main
text over as Markdown, which is read like a Markdown review (``markdown.py``): headings, list
items and lines after ``<br>`` stay lines the text reader knows (``Director: ...``), table rows
become header lines, and italic titles (``<i>To Live</i>``) become quoted ones, a title cue.
"""

from __future__ import annotations

import re

from ..errors import ReadError
from . import Prepared
from .markup import markup_nodes, review_fields

#: " | Site name", " – Site", " - Site" after a page title
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]+$")
_REVIEW_WORD = re.compile(r"\s*[:,-]?\s*\b(?:movie|film)?\s*review\b.*$", re.IGNORECASE)


def prepare_html(html: str, name: str, url: str | None = None) -> Prepared:
    """The page's main text for the text reader, its schema.org fields, its metadata as fallbacks."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, favor_recall=True, include_comments=False,
        include_tables=True, include_images=False, include_links=False, include_formatting=True,
        deduplicate=False,
        # dates the page states (meta tags, <time>, "Posted on ..."), never one guessed from a
        # copyright line or the film's year
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise ReadError(name, "no review text found in the page (nothing but navigation or markup)")
    # trafilatura writes the main text as Markdown (headings, lists, italics): read it as Markdown
    from .markdown import markdown_to_text

    text = markdown_to_text("\n".join(_table_row(ln.strip()) for ln in text.split("\n")))
    lines = [ln.strip() for ln in text.split("\n\n")]
    fallbacks: dict[str, object] = {}
    title = _page_title(getattr(doc, "title", None))
    if title:
        from ..values import _parse_title_line

        parsed = _parse_title_line(title)
        # a page title names the film only if the review does too (a site's name it never repeats)
        if str(parsed.get("title", "")).casefold() in text.casefold():
            fallbacks.update(parsed)
    author = getattr(doc, "author", None)
    if author and len(author) <= 80:
        fallbacks["reviewer"] = author.split(";")[0].strip()
    published = getattr(doc, "date", None)
    if published and re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        from datetime import date

        fallbacks["date_published"] = date.fromisoformat(published)
    page_url = url or getattr(doc, "url", None)
    if page_url and re.match(r"https?://", page_url):
        fallbacks["url"] = page_url
    return Prepared(
        text="\n\n".join(ln for ln in lines if ln) + "\n",
        fields=review_fields(markup_nodes(html, url)),
        fallbacks=fallbacks,
        origin="schema.org markup",
    )


def _table_row(line: str) -> str:
    """trafilatura writes tables as ``| Director: | Zhang Yimou |``: a two-cell row is a header line."""
    if not (line.startswith("|") and line.endswith("|")):
        return line
    cells = [c.strip() for c in line.strip("|").split("|")]
    if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
        return ""  # the |---|---| rule under a table's first row
    cells = [c for c in cells if c]
    if len(cells) == 2 and len(cells[0]) <= 30:
        return f"{cells[0].rstrip(' :')}: {cells[1]}"
    return " ".join(cells)


def _page_title(title: str | None) -> str | None:
    """``The Story of Qiu Ju (1992) review | Site`` -> ``The Story of Qiu Ju (1992)``."""
    if not title:
        return None
    title = _SITE_SUFFIX.sub("", title.strip())
    title = _REVIEW_WORD.sub("", title).strip(" :-–—|")
    return title or None
