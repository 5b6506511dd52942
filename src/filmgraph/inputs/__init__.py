"""Reviews as users have them: web pages, URLs, Markdown and review datasets.

Every kind of input becomes two things: plain review text, which the text reader
(``filmgraph.read``) parses exactly as it parses a ``.txt`` review, and structured fields
(schema.org markup on a page, mapped columns of a dataset) that win over the text for their
fields. Where the two disagree, the structured value is kept and a warning says so.

::

    kind        text from                              structured fields from
    text        the bytes                              -
    markdown    markdown-it tokens (markdown.py)       -
    html        trafilatura's main text (html.py)      JSON-LD, microdata, RDFa (markup.py)
    row         one dataset row (dataset.py)           the row's score, date and URL columns

URLs (urls.py) are fetched into bytes of one of these kinds first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Mapping

from ..models import Review, ReviewSource

TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
DATASET_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson")
#: every file suffix a directory is searched for
ALL_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES + DATASET_SUFFIXES

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


def is_url(raw: object) -> bool:
    return isinstance(raw, str) and re.match(r"^https?://", raw, re.IGNORECASE) is not None


def kind_of(source: ReviewSource) -> str:
    """What a source's bytes are: its declared kind, else by suffix, else by its first bytes."""
    if source.kind:
        return source.kind
    path = source.name.split("?", 1)[0].split("#", 1)[0] if is_url(source.name) else source.name
    suffix = PurePath(path).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    head = source.data[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = source.data[:2048].decode("utf-16", "replace").encode("utf-8", "replace")
    if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return "html"
    return "text"


@dataclass(frozen=True)
class Prepared:
    """A non-plain-text input made ready for the text reader.

    ``fields`` (``Review`` field name -> value) come from structured data and override what the
    text says; ``fallbacks`` (page title, byline metadata) fill only what the text left empty.
    ``origin`` names where ``fields`` came from, for the disagreement warnings.
    """

    text: str
    fields: Mapping[str, object] = field(default_factory=dict)
    fallbacks: Mapping[str, object] = field(default_factory=dict)
    origin: str = "markup"
    warnings: tuple[str, ...] = ()


def prepare(source: ReviewSource, text: str | None = None) -> Prepared | None:
    """The text and fields of a Markdown, HTML or dataset-row source; None for plain text.

    ``text`` is the already decoded text of the source, where the caller has it.
    """
    kind = kind_of(source)
    url = source.name if is_url(source.name) else None
    if kind == "text" and url is None:
        return None
    if kind == "row":
        from .dataset import prepare_row

        return prepare_row(source)
    from .encoding import decode_bytes

    if text is None:
        text = decode_bytes(source.data, source.name)
    if kind == "text":
        prepared = Prepared(text)
    elif kind == "markdown":
        from .markdown import markdown_to_text

        prepared = Prepared(markdown_to_text(text))
    elif kind == "html":
        from .html import prepare_html

        prepared = prepare_html(text, source.name, url)
    else:
        from ..errors import ReadError

        raise ReadError(source.name, f"unknown input kind {kind!r}")
    if url is not None:  # a fetched page: its URL is where the review is, and evidence of its film
        from ..header import SOURCE_LINE

        first = next((ln for ln in prepared.text.split("\n") if ln.strip()), "")
        text = prepared.text if SOURCE_LINE.match(first) else f"SOURCE: {url}\n\n{prepared.text}"
        prepared = replace(prepared, text=text, fields={**prepared.fields, "url": url})
    return prepared


#: how each field is named in a disagreement warning
_FIELD_LABELS = {
    "title": "title", "original_title": "original title", "year": "year", "genres": "genres",
    "directors": "director", "cast": "cast", "runtime_minutes": "runtime (minutes)",
    "content_rating": "content rating", "language": "language", "reviewer": "author",
    "rating_value": "rating", "rating_best": "best rating", "date_published": "date published",
    "url": "URL", "body": "review text",
}


def apply(review: Review, prepared: Prepared) -> Review:
    """``review`` (as read from ``prepared.text``) with the structured fields laid over it."""
    from ..values import script_language

    changes: dict[str, object] = {}
    warnings = list(prepared.warnings)
    for name, value in prepared.fields.items():
        if value in (None, "", ()):
            continue
        current = getattr(review, name)
        if name != "url" and current not in (None, "", ()) and _comparable(current) != _comparable(value):
            warnings.append(
                f"{prepared.origin} says {_FIELD_LABELS.get(name, name)} {_shown(value)}, "
                f"the text {_shown(current)}; using the {prepared.origin}"
            )
        changes[name] = value
    for name, value in prepared.fallbacks.items():
        if value not in (None, "", ()) and getattr(review, name) in (None, "", ()) and name not in changes:
            changes[name] = value
    if "original_title" in changes:
        changes["original_language"] = script_language(str(changes["original_title"]))
    if changes.get("title") and not review.title:
        # the film is now known: the text's "no title line" warning no longer holds
        warnings = [w for w in warnings if not w.startswith("no title line")]
        kept = [w for w in review.warnings if not w.startswith("no title line")]
        review = review.replace(warnings=tuple(kept), has_header=True)
    if not changes and not warnings:
        return review
    return review.replace(**changes, warnings=review.warnings + tuple(warnings))


def _comparable(value: object) -> object:
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip().casefold()
    if isinstance(value, tuple):
        return tuple(_comparable(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return repr(", ".join(str(v) for v in value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(str(value)) if not isinstance(value, (int, float)) else str(value)
