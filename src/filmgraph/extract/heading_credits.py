"""Who a page's heading lines credit with the film: ``Shanghai Triad (Zhang Yimou)``.

Review pages put the director in the heading beside the title far more often than in a labelled
field: ``Full River Red (2023) by Zhang Yimou``, ``Kiyoshi Kurosawa - Cure (1997)``, or a credits
line of name and year under the title (``Wong Kar-wai, 2000, Hong Kong``). The reader keeps those
lines as headings, outside the text the rules read, so the NER runs on them as a section of their
own (``headings``) and this module reads who they pair with the title. A star may be paired with
a title too, but with a cue (``starring``) that the caller's cast rules see; a byline has the word
``review`` or ``posted`` between, which no credit has.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_YEAR = r"(?:\(\s*)?(?:19|20)\d{2}(?:\s*\))?"
#: between the title and the name after it: a year, a bracket, a dash, ``by``, ``directed by``
_TITLE_THEN_NAME = re.compile(
    rf"^\s*(?:{_YEAR}\s*)?(?:[-–—:/|,(]\s*)*(?:{_YEAR}\s*)?(?:[-–—:/|,(]\s*)*"
    r"(?:(?:(?:a\s+)?(?:film|movie)\s+)?by\s+|(?:written\s+and\s+)?directed\s+by\s+|dir\.\s*|director:?\s*)?$",
    re.IGNORECASE)
#: between a name and the title after it: a dash, a colon, a slash, a possessive
_NAME_THEN_TITLE = re.compile(r"^\s*(?:[’']s\s+|[-–—:/|]\s*)[\"“‘']?$")
#: a credits line: the name beside a year and little else (``Wong Kar-wai, 2000``, ``2002 / Lee Chang-dong``)
_NAME_YEAR_AFTER = re.compile(r"^\s*[,/|–—-]\s*(?:19|20)\d{2}\b")
_YEAR_NAME_BEFORE = re.compile(r"(?:^|\s)(?:19|20)\d{2}\s*[,/|–—-]\s*$")


def _lines(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def _title_at(line: str, title: str) -> tuple[int, int] | None:
    """Where ``line`` writes ``title`` (case aside, a leading article optional)."""
    low = line.lower()
    for t in dict.fromkeys((title.lower(), re.sub(r"^(?:the|a|an)\s+", "", title.lower()))):
        if not t:
            continue
        for m in re.finditer(re.escape(t), low):
            before, after = low[m.start() - 1:m.start()], low[m.end():m.end() + 1]
            if not (before.isalnum() or after.isalnum()):
                return m.start(), m.end()
    return None


_SENTENCE_END = re.compile(r"[.!?…][\"”’']?\s*$")


def credited_in_headings(text: str, persons: list[tuple[int, int]], title: str,
                         resolve: Callable[[str], str | None], every_line: bool = True) -> dict[str, str]:
    """The names the heading lines in ``text`` credit with the film ``title``, each with the words
    that credit it: the name beside the title with only a year, a bracket, a dash or ``by``
    between, or beside a year on a line of its own. With ``every_line`` False (a section of the
    review's text), only its short lines that are no sentence count as headings."""
    found: dict[str, str] = {}
    for a, b in _lines(text):
        line = text[a:b]
        if not every_line and (len(line.split()) > 12 or _SENTENCE_END.search(line)):
            continue
        where = _title_at(line, title) if title else None
        for s, e in persons:
            if not (a <= s and e <= b):
                continue
            name = resolve(text[s:e])
            if not name:
                continue
            s, e = s - a, e - a
            cue = None
            if where and where[1] <= s and _TITLE_THEN_NAME.match(line[where[1]:s]):
                cue = f"heading: {line[where[0]:e].strip()}"
            elif where and e <= where[0] and _NAME_THEN_TITLE.match(line[e:where[0]]):
                cue = f"heading: {line[s:where[1]].strip()}"
            elif _NAME_YEAR_AFTER.match(line[e:]) or _YEAR_NAME_BEFORE.search(line[:s]):
                cue = f"credits line: {line.strip()[:60]}"
            if cue:
                found.setdefault(name, cue)
    return found
