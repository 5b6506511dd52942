"""Markdown reviews to plain review text, parsed as Markdown (markdown-it-py, CommonMark).

Read as plain text, ``**Director:** Zhang Yimou`` is no header field (the label starts with
``*``) and ``# Hero (2002)`` names a film called ``# Hero``. Parsed, the markup goes and the
structure stays:

* a heading is a line of its own: the first is the title line; one named like a section
  (``## Synopsis``, ``## Movie Review``) opens that section; one named like a field
  (``## Cast``) takes the list below it as the field's value;
* ``**Label:** value`` and ``- **Label:** value`` become ``Label: value`` header lines;
* emphasis and links around a title (``*Hero* (2002)``, ``[Hero](https://...) (2002)``) are
  cues that it is a title: on the title line the markup is dropped so the line parses as one; in
  the review text an italic title-case phrase is set in quotes (``*Coming Home*`` ->
  ``“Coming Home”``), the cue the text stage reads in plain text (links are not: they name
  people as often as films);
* a list under a ``Cast:`` label (or ``## Cast``) becomes ``Cast: A, B, C``;
* code, raw HTML and images contribute their text only (an image its alt text).
"""

from __future__ import annotations

import re

_LABEL_START = re.compile(r"^\s*[A-Za-z][A-Za-z .'/&-]{0,30}?\s*:")
_LABEL_ONLY = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z .'/-]{0,30}?)\s*:?\s*$")


def markdown_to_text(markdown: str) -> str:
    """The review text of a Markdown document, blocks separated by blank lines."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    blocks: list[str] = []
    pending_list_label: str | None = None  # "Cast" when the block before a list is a bare label
    list_items: list[str] = []
    depth = 0  # list nesting
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth == 1:
                list_items = []
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                blocks.extend(_list_block(list_items, pending_list_label, blocks))
                pending_list_label = None
        elif tok.type == "heading_open":
            text = _inline_text(tokens[i + 1])
            blocks.append(_heading_line(text, first=not blocks))
            pending_list_label = _field_label(text)
            i += 2  # inline, heading_close
        elif tok.type == "inline":
            text = _inline_text(tok)
            if not _LABEL_START.match(text):  # prose, not a header line: italic titles become cues
                text = _inline_text(tok, cues=True)
            if depth:
                list_items.append(text)
            elif text.strip():
                blocks.append(text)
                pending_list_label = _field_label(text) if _is_bare_label(text) else None
        elif tok.type in ("fence", "code_block"):
            blocks.append(tok.content.rstrip("\n"))
            pending_list_label = None
        elif tok.type == "html_block":
            stripped = re.sub(r"<[^>]*>", " ", tok.content).strip()
            if stripped:
                blocks.append(stripped)
        i += 1
    return "\n\n".join(b for b in blocks if b.strip()) + "\n"


def _inline_text(tok, cues: bool = False) -> str:
    """An inline token's text without its markup; soft and hard breaks kept as line breaks.

    With ``cues``, an italic title-case phrase (``*Coming Home*``) comes out in quotes
    (``“Coming Home”``), the way plain text sets a title apart and the text stage reads it.
    """
    out: list[str] = []
    opened: list[int] = []
    for child in tok.children or ():
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "image":
            out.append(child.content)  # alt text
        elif child.type == "em_open":
            opened.append(len(out))
        elif child.type == "em_close" and opened:
            start = opened.pop()
            span = "".join(out[start:])
            if cues and not opened and _title_like(span):
                out[start:] = [f"“{span}”"]
        # strong and link open and close, raw inline HTML: dropped
    return "".join(out).strip()


_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
                "the", "to", "with", "&"}


def _title_like(span: str) -> bool:
    """``Coming Home``, ``In the Mood for Love``: a title-case phrase of at most ten words."""
    words = span.split()
    if not words or len(words) > 10 or not words[0][:1].isupper() or span.rstrip()[-1:] in ".,;:!?":
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL_WORDS for w in words)


def _heading_line(text: str, first: bool) -> str:
    from ..header import SECTION_LABELS, norm_label

    key = norm_label(text)
    if key in SECTION_LABELS and not first:
        return text.rstrip(" :") + ":"  # "## Movie Review" opens the review section
    return text


def _field_label(text: str) -> str | None:
    """``Cast`` for a block that is only a field label (``Cast``, ``Cast:``, ``**Starring:**``)."""
    from ..header import FIELD_LABELS, norm_label

    m = _LABEL_ONLY.match(text)
    if m and norm_label(m.group("label")) in FIELD_LABELS:
        return m.group("label").strip()
    return None


def _is_bare_label(text: str) -> bool:
    return "\n" not in text and text.rstrip().endswith(":") and _field_label(text) is not None


def _list_block(items: list[str], label: str | None, blocks: list[str]) -> list[str]:
    """A list: under a bare field label, that field's value; else each item on its own."""
    items = [it for it in items if it.strip()]
    if not items:
        return []
    if label is not None:
        if blocks and _field_label(blocks[-1]) is not None:
            blocks.pop()  # the label line is replaced by "Label: item, item"
        names = [re.sub(r"\s+", " ", it).strip() for it in items]
        return [f"{label}: {', '.join(names)}"]
    return items
