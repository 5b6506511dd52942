"""Work titles made whole: a span the NER clipped grows to the title the page or the snapshot knows.

The small model often tags part of a title (``The Road`` of *The Road Home*, ``Wars`` of *Star
Wars*, ``Crouching Tiger`` of *Crouching Tiger Hidden Dragon*, ``A Woman`` of *A Woman, a Gun and
a Noodle Shop*). A part is a wrong work and, worse, a wrong reviewed film. Rather than patterns
for each title, every work span is grown, a few words either way inside its sentence, to the
longest text that is a *known* title: one the review itself sets apart elsewhere (quotes, headings,
the page's address) or one of the bundled snapshot's films. A span inside another work span of the
same section then goes: it is the same mention, read twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .gazetteer import title_key

_WORD = re.compile(r"\w(?:[\w’'-]*\w)?")
_BOUNDARY = re.compile(r"[.!?;\n()\[\]\"“”]")
MAX_LEFT, MAX_RIGHT = 3, 6


def _word_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text, lo, hi)]


def _stop(text: str, i: int) -> bool:
    """Does ``text[i]`` end a title's stretch: a sentence end, a bracket, a double quote, or a single
    quote that is not an apostrophe inside a word (``Hero’s`` goes on, ``'Hero' Starring`` stops)?"""
    c = text[i]
    if _BOUNDARY.match(c):
        return True
    if c in "'’‘":
        inner = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
        return not inner
    return False


def _window(text: str, s: int, e: int) -> tuple[int, int]:
    """The stretch around a span that a title may cover: no sentence end, bracket or quote inside."""
    lo = s
    while lo > 0 and not _stop(text, lo - 1) and s - lo < 80:
        lo -= 1
    hi = e
    while hi < len(text) and not _stop(text, hi) and hi - e < 120:
        hi += 1
    return lo, hi


def grown_span(text: str, s: int, e: int, known: frozenset[str] | set[str],
               title_case_only: frozenset[str] | set[str] = frozenset()) -> tuple[int, int]:
    """The longest ``(start, end)`` around ``text[s:e]`` whose words are a known title; a title in
    ``title_case_only`` (an address's words, which may be a headline) only where the text writes it
    in title case."""
    from .subject import is_title_case

    best = (s, e)
    for a, b in _stretches(text, s, e):
        if b - a <= best[1] - best[0]:
            continue
        piece = text[a:b]
        if not piece[:1].isupper() and not piece[:1].isdigit():
            continue
        key = title_key(piece)
        if key in known or key in title_case_only and is_title_case(piece):
            best = (a, b)
    return best


def _stretches(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    """Every ``(start, end)`` that grows ``text[s:e]`` by up to ``MAX_LEFT`` words before and
    ``MAX_RIGHT`` after, inside its stretch (``_window``), the span itself left out."""
    lo, hi = _window(text, s, e)
    words = _word_spans(text, lo, hi)
    inside = [i for i, (a, b) in enumerate(words) if a >= s and b <= e]
    if not inside:
        return
    first, last = inside[0], inside[-1]
    for left in range(first, max(-1, first - MAX_LEFT - 1), -1):
        for right in range(last, min(len(words), last + MAX_RIGHT + 1)):
            if left != first or right != last:
                yield words[left][0], words[right][1]


def complete_titles(sections, known: frozenset[str] | set[str],
                    title_case_only: frozenset[str] | set[str] = frozenset()) -> None:
    """Grow each section's work spans to known titles, then drop spans inside another (in place)."""
    for f in sections:
        grown = []
        for s, e, attrs in f.works:
            a, b = grown_span(f.text, s, e, known, title_case_only)
            if (a, b) != (s, e):
                attrs = {**attrs, "grown_from": f.text[s:e]}
            grown.append((a, b, attrs))
        kept = []
        for i, (s, e, attrs) in enumerate(grown):
            if any(j != i and a <= s and e <= b and (b - a) > (e - s) for j, (a, b, _) in enumerate(grown)):
                continue
            if any((a, b) == (s, e) for a, b, _ in kept):
                continue
            kept.append((s, e, attrs))
        f.works = kept


def page_titles(sections, headings) -> set[str]:
    """Title keys the page itself vouches for: works in quotes or from the title rules, the parts of
    its headings."""
    from ..header import heading_parts
    from .subject import _QUOTE_BEFORE

    keys: set[str] = set()
    for f in sections:
        for s, e, attrs in f.works:
            if _QUOTE_BEFORE.search(f.text[max(0, s - 1):s]) or attrs.get("extractor") == "filmgraph_title_rules":
                if len(f.text[s:e].split()) >= 2:
                    keys.add(title_key(f.text[s:e]))
    for h in headings:
        for part in heading_parts(h):
            if len(part.split()) >= 2:
                keys.add(title_key(part))
    keys.discard("")
    return keys


def url_phrases(review) -> set[str]:
    """Runs of two to seven words of the page's address (or a saved page's file name):
    ``/movies/the-road-home/2001`` vouches for "the road home"."""
    from ..header import url_parts
    from .subject import page_address

    address = page_address(review)
    if not address:
        return set()
    words = [w for w in url_parts(address)[1].split() if w and not w.isdigit()]
    runs = (words[i:i + n] for n in range(2, 8) for i in range(len(words) - n + 1))
    return {title_key(" ".join(run)) for run in runs if not {"review", "reviews"} & set(run)}


_INNER_COMMA = re.compile(r",\s+(?:a|an|the|and|or)\s")  # the small word in lower case


def repeated_titles(sections) -> set[str]:
    """Title keys of comma titles the page writes out whole at least twice (*A Woman, a Gun and a
    Noodle Shop*): a work span followed by ", a ..." / ", and ..." in title case. The small word
    after the comma is lower case inside one title; a list of titles starts each with a capital
    (``Hero, House of Flying Daggers and Shadow`` stays three), so only that shape is joined."""
    from .subject import is_title_case

    texts = [f.text for f in sections]
    found: set[str] = set()
    for f in sections:
        for s, e, _attrs in f.works:
            for a, b in _stretches(f.text, s, e):
                piece = f.text[a:b]
                if not piece[:1].isupper() or not _INNER_COMMA.search(piece) or not is_title_case(piece):
                    continue
                pattern = re.compile(rf"(?<![\w-]){re.escape(piece)}(?![\w-])")
                if sum(len(pattern.findall(t)) for t in texts) >= 2:
                    found.add(title_key(piece))
    return found
