"""Checks on SPARQL text made before any parser sees it: length and bracket nesting depth.

Why: pyoxigraph's parser and planner recurse once per nesting level and once per operator in
a chain, on the calling thread's stack, and a deep enough query overflows it: the process dies
with SIGSEGV, no exception. Measured on pyoxigraph 0.5 with an 8 MB stack: ``{`` nested 3,000
deep (6 KB of text), ``(`` nested 5,000 deep, and a 16 KB chain of ``+1`` all crash; 1,000-deep
nesting and a 12 KB chain do not. Real queries nest a dozen levels at most, so the limits below
leave a wide margin on both sides: a deep query is refused with one line, never run.

The depth count skips what the SPARQL grammar skips - string literals, IRIs and ``#`` comments -
and errs the safe way: text it cannot classify counts as brackets.
"""

from __future__ import annotations

import re

from .errors import QueryLimitError

#: the longest query (or update) text accepted, in characters
MAX_QUERY_CHARS = 10_000
#: the deepest nesting of ``(``, ``{`` and ``[`` accepted
MAX_QUERY_DEPTH = 64

# one alternation, tried left to right at each position; order matters: IRIs before strings
# (``<http://x/it's>`` holds a quote), long strings before short ones, escaped ``\#`` (allowed
# in prefixed names) before comments
_TOKEN = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")"""
    r"""|(?P<short>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")"""
    r"""|(?P<escape>\\.)"""
    r"""|(?P<comment>\#[^\n\r]*)"""
    r"""|(?P<open>[({\[])"""
    r"""|(?P<close>[)}\]])""",
    re.DOTALL,
)
_INTERESTING = re.compile(r"""[<'"\\#(){}\[\]]""")


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting in SPARQL ``text``, outside strings, IRIs and comments."""
    depth = deepest = 0
    pos, end = 0, len(text)
    while pos < end:
        hit = _INTERESTING.search(text, pos)
        if hit is None:
            break
        m = _TOKEN.match(text, hit.start())
        if m is None:  # a lone quote or '<' (less-than): an ordinary character
            pos = hit.start() + 1
            continue
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
        pos = m.end()
    return deepest


_SERVICE = re.compile(r"(?<![\w:$?])SERVICE\s+(?:SILENT\s+)?(<I(\d+)>|[^\s{]+)", re.IGNORECASE)


def service_endpoints(text: str) -> list[str]:
    """What each ``SERVICE`` clause in ``text`` calls: an IRI, or the variable / prefixed name as written.

    >>> service_endpoints('SELECT * { SERVICE SILENT <http://a/sparql> { ?s ?p ?o } SERVICE ?x {} } # SERVICE <c>')
    ['http://a/sparql', '?x']
    """
    if "service" not in text.lower():
        return []
    masked: list[str] = []
    iris: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        masked.append(text[pos:m.start()])
        if m.lastgroup == "iri":
            masked.append(f" <I{len(iris)}> ")
            iris.append(m.group()[1:-1])
        elif m.lastgroup in ("long", "short", "comment"):
            masked.append(" ")
        else:
            masked.append(m.group())
        pos = m.end()
    masked.append(text[pos:])
    return [iris[int(m.group(2))] if m.group(2) else m.group(1) for m in _SERVICE.finditer("".join(masked))]


def check_query(text: str, what: str = "query", *, max_chars: int = MAX_QUERY_CHARS,
                max_depth: int = MAX_QUERY_DEPTH) -> None:
    """Raise ``QueryLimitError`` (limit ``"size"`` or ``"depth"``) for text too long or too deep to parse safely.

    >>> check_query("SELECT * WHERE { ?s ?p ?o }")
    >>> check_query("ASK " + "{" * 100 + "}" * 100)
    Traceback (most recent call last):
    ...
    filmgraph.errors.QueryLimitError: the query nests brackets 100 deep; at most 64 are allowed
    """
    if len(text) > max_chars:
        raise QueryLimitError(f"the {what} is {len(text):,} characters long; at most {max_chars:,} are allowed",
                              limit="size")
    if text.count("(") + text.count("{") + text.count("[") <= max_depth:
        return  # cannot nest deeper than it has brackets: no need to scan
    depth = nesting_depth(text)
    if depth > max_depth:
        raise QueryLimitError(f"the {what} nests brackets {depth:,} deep; at most {max_depth} are allowed",
                              limit="depth")
