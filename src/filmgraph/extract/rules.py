"""The rules behind our spaCy components, as plain functions of a ``Doc``.

Each function fixes one kind of error the trained NER makes on review text or finds one kind of
relation, and records what it found in ``doc.ents`` (labels ``PERSON``, ``WORK_OF_ART``,
``EVENT``) and in ``doc.user_data["filmgraph"]`` (attributes of works and events, role pairs,
comparisons), keyed by character offsets. They work on ``spacy.blank("en")`` docs too (then
without part-of-speech tags), which is how they are unit-tested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

WORK, PERSON, EVENT = "WORK_OF_ART", "PERSON", "EVENT"
#: NER labels the trained model gives titles by mistake; context may turn them into works
TITLE_LIKE = {"ORG", "PRODUCT", "FAC", "WORK_OF_ART", "LOC", "GPE", "PERSON", "NORP", "EVENT", "LAW"}
SMALL_WORDS = {"of", "the", "a", "an", "in", "on", "to", "for", "from", "with", "at", "by", "de", "du", "la",
               "le", "des", "del", "della", "di", "von", "van", "der"}
YEAR = r"(?:18|19|20)\d\d"
APOS = "'’"
KIND_NOUNS = {
    "film": "film", "movie": "film", "masterpiece": "film", "classic": "film", "debut": "film",
    "epic": "film", "drama": "film", "feature": "film", "picture": "film", "documentary": "film",
    "thriller": "film", "comedy": "film", "blockbuster": "film", "opus": "film", "gem": "film",
    "novel": "novel", "book": "novel", "novella": "novel",
    "poem": "poem", "poetry": "poem",
    "play": "other", "song": "other", "opera": "other", "series": "other", "show": "other",
    "painting": "other", "story": "other", "memoir": "other",
}
PROFESSIONS = {"director", "producer", "writer", "filmmaker", "actor", "actress", "screenwriter", "star",
               "lead", "cinematographer", "editor", "composer", "himself", "herself", "well"}


# --- shared helpers ------------------------------------------------------------------------------


def state(doc: Doc) -> dict:
    """This doc's filmgraph annotations (created on first use)."""
    fg = doc.user_data.get("filmgraph")
    if fg is None:
        fg = {"works": {}, "events": {}, "roles": [], "comparisons": [], "persons": {}}
        doc.user_data["filmgraph"] = fg
    return fg


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins the tokens anew on every access."""
    fg = state(doc)
    text = fg.get("text")
    if text is None:
        text = fg["text"] = doc.text
    return text


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Sentence token ranges (computed once per doc); the whole doc when nothing set them."""
    fg = state(doc)
    if "sents" not in fg:
        if doc.has_annotation("SENT_START"):
            fg["sents"] = [(s.start, s.end) for s in doc.sents]
        else:
            fg["sents"] = [(0, len(doc))]
    return fg["sents"]


def sentence_of(doc: Doc, i: int) -> tuple[int, int]:
    from bisect import bisect_right

    bounds = sentence_bounds(doc)
    k = bisect_right([s for s, _ in bounds], i) - 1
    if 0 <= k < len(bounds) and bounds[k][0] <= i < bounds[k][1]:
        return bounds[k]
    return 0, len(doc)


def is_cap(tok: Token) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper() and t[0].isalpha() and not (len(t) == 1 and t in "AI" and False)


def _tag(tok: Token) -> str:
    return tok.tag_ or ""


def put_ents(doc: Doc, spans: Iterable[Span]) -> None:
    """Add ``spans`` to ``doc.ents``; existing entities that overlap them give way."""
    new = filter_spans(list(spans))
    if not new:
        return
    taken = set()
    for sp in new:
        taken.update(range(sp.start, sp.end))
    kept = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end))]
    doc.ents = sorted(kept + new, key=lambda s: s.start)


def ent_at(doc: Doc, start: int | None = None, end: int | None = None) -> Span | None:
    """The entity starting at token ``start`` and/or ending at ``end`` (read from the tokens'
    IOB tags: ``doc.ents`` builds every span anew on each access)."""
    n = len(doc)
    if start is not None:
        if start >= n or doc[start].ent_iob_ != "B":
            return None
        j = start + 1
        while j < n and doc[j].ent_iob_ == "I":
            j += 1
        if end is not None and j != end:
            return None
        return Span(doc, start, j, label=doc[start].ent_type_)
    if end is None or end <= 0 or end > n or doc[end - 1].ent_iob_ not in {"B", "I"}:
        return None
    if end < n and doc[end].ent_iob_ == "I":
        return None
    i = end - 1
    while i > 0 and doc[i].ent_iob_ == "I":
        i -= 1
    return Span(doc, i, end, label=doc[i].ent_type_)


def token_at_char(doc: Doc, char: int) -> int | None:
    """The token at (or, after whitespace, next after) character ``char``."""
    while char < len(doc_text(doc)) and doc_text(doc)[char].isspace():
        char += 1
    if char >= len(doc_text(doc)):
        return None
    sp = doc.char_span(char, char + 1, alignment_mode="expand")
    return sp.start if sp is not None and len(sp) else None


def title_run_end(doc: Doc, i: int, limit: int | None = None) -> int:
    """End (exclusive) of the title-case run starting at token ``i``; ``i`` if there is none.

    Small words (``of``, ``the``) continue a run only between capitalised words, so ``Raise the
    Red Lantern`` is one run. A capitalised verb straight after a capitalised noun starts a new
    run (``Red Sorghum | Raise the Red Lantern``: a missing comma between two titles).
    """
    limit = len(doc) if limit is None else limit
    if i >= limit or not is_cap(doc[i]) or doc[i].is_punct:
        return i
    j = end = i + 1
    while j < limit:
        t = doc[j]
        if is_cap(t) and not t.is_punct:
            prev = doc[j - 1]
            if _tag(t) in {"VB", "VBP", "VBZ", "VBD"} and _tag(prev) in {"NNP", "NNPS", "NN", "NNS"} and is_cap(prev):
                break
            j += 1
            end = j
            continue
        if j > i and t.text.isdigit() and (len(t.text) <= 2 or doc[j - 1].text in SMALL_WORDS):
            j += 1
            end = j
            continue
        if t.text in SMALL_WORDS and j + 1 < limit and (is_cap(doc[j + 1]) or doc[j + 1].text.isdigit()):
            j += 1
            continue
        break
    return end


def title_runs(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    runs, i = [], start
    while i < end:
        j = title_run_end(doc, i, end)
        if j > i:
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def run_ending_at(doc: Doc, end: int, max_len: int = 8) -> int | None:
    """Start of the longest title run ending exactly at token ``end`` (a capitalised preposition
    opening the sentence, ``After The Great Wall``, is not part of it)."""
    for s in range(max(0, end - max_len), end):
        if (s == 0 or doc[s].is_sent_start) and doc[s].tag_ in {"IN", "RB", "CC"} and s + 1 < end:
            continue
        if title_run_end(doc, s, end) == end and (s == 0 or not (is_cap(doc[s - 1]) and not doc[s - 1].is_punct)
                                                  or title_run_end(doc, s - 1, end) != end):
            return s
    return None


def overlaps_label(doc: Doc, start: int, end: int, labels: set[str]) -> bool:
    return any(doc[i].ent_type_ in labels for i in range(max(0, start), min(end, len(doc))))


def work_attrs(doc: Doc, span: Span, **attrs: object) -> None:
    """Record attributes (year, maker, kind, extractor, confidence) of the work at ``span``."""
    key = (span.start_char, span.end_char)
    current = state(doc)["works"].setdefault(key, {})
    for k, v in attrs.items():
        if v is not None and current.get(k) is None:
            current[k] = v


def kind_near(doc: Doc, start: int, end: int) -> str | None:
    """The kind of work the words just before a title say (``the novel X``, ``his film X``)."""
    for t in doc[max(0, start - 3):start]:
        if t.lower_ in KIND_NOUNS:
            return KIND_NOUNS[t.lower_]
    # "X, the novel by ..." / "X, a poem"
    k = end + (end < len(doc) and doc[end].text in {"”", '"', "’"})
    tail = doc[k:min(len(doc), k + 6)]
    if len(tail) >= 2 and tail[0].text == ",":
        for t in tail[1:]:
            if t.lower_ in KIND_NOUNS:
                return KIND_NOUNS[t.lower_]
    return None


def make_work(doc: Doc, start: int, end: int, extractor: str, confidence: float, **attrs: object) -> Span | None:
    """Mark tokens ``start:end`` as a work unless they are an event or a known name already."""
    known = state(doc).get("known", set())
    if end <= start or overlaps_label(doc, start, end, {EVENT}) or any(
            e.label_ == PERSON and (e.start_char, e.end_char) in known and e.start < end and start < e.end
            for e in doc.ents):
        return None
    while end > start and doc[end - 1].text in {"’s", "'s", ",", "."}:
        end -= 1
    if end <= start:
        return None
    span = Span(doc, start, end, label=WORK)
    put_ents(doc, [span])
    attrs.setdefault("kind", kind_near(doc, start, end))
    work_attrs(doc, span, extractor=extractor, confidence=confidence, **attrs)
    return span


# --- gazetteer ----------------------------------------------------------------------------------


def tidy_ents(doc: Doc) -> None:
    """The NER sometimes takes in a bracket or quote (``The Great Wall (``): trim them."""
    ents, changed = [], False
    for e in doc.ents:
        a, b = e.start, e.end
        while b > a and doc[b - 1].is_punct and doc[b - 1].text not in {"’s", "'s", "."}:
            b -= 1
        while a < b and doc[a].is_punct:
            a += 1
        if (a, b) != (e.start, e.end):
            changed = True
            if b > a:
                ents.append(Span(doc, a, b, label=e.label_))
        else:
            ents.append(e)
    if changed:
        doc.ents = ents


def split_possessives(doc: Doc) -> None:
    """``Ang Lee's Crouching Tiger`` tagged as one entity: it ends at the possessive, and a short
    capitalised phrase before a possessive is the person who owns what follows."""
    changed, ents = False, []
    for e in doc.ents:
        cut = next((t.i for t in e[:-1] if t.text in {"’s", "'s"}), None) if len(e) > 1 else None
        if cut is not None and cut > e.start:
            head = doc[e.start:cut]
            label = PERSON if e.label_ == PERSON or (len(head) <= 3 and all(is_cap(t) for t in head)) else e.label_
            ents.append(Span(doc, e.start, cut, label=label))
            changed = True
        else:
            ents.append(e)
    if changed:
        doc.ents = ents


def apply_known(doc: Doc, matches: Iterable[tuple[int, int, str, str]]) -> None:
    """Known titles and names (token ranges with label and kind) override the NER.

    A known title inside a longer NER span (``Red Sorghum`` in ``Red Sorghum Raise``) splits it.
    """
    tidy_ents(doc)
    split_possessives(doc)
    spans = []
    kinds: dict[tuple[int, int], str] = {}
    for start, end, label, kind in matches:
        sp = Span(doc, start, end, label=label)
        spans.append(sp)
        kinds[(start, end)] = kind
    spans = filter_spans(spans)
    put_ents(doc, spans)
    fg = state(doc)
    for sp in spans:
        kind = kinds[(sp.start, sp.end)]
        if sp.label_ == WORK:
            work_attrs(doc, sp, kind=kind, extractor="filmgraph_gazetteer", confidence=0.9)
        elif sp.label_ == EVENT:
            fg["events"][(sp.start_char, sp.end_char)] = kind
        fg.setdefault("known", set()).add((sp.start_char, sp.end_char))


@lru_cache(maxsize=4096)
def _whole_word(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])" + re.escape(text) + r"(?![\w])")


def regex_matches(doc: Doc, entries: Sequence[tuple[str, str, str]]) -> list[tuple[int, int, str, str]]:
    """Token ranges where a few (text, label, kind) entries occur as whole words (case-sensitive)."""
    out = []
    text_all = doc_text(doc)
    for text, label, kind in entries:
        if not text.strip() or text not in text_all:
            continue
        for m in _whole_word(text).finditer(text_all):
            sp = doc.char_span(m.start(), m.end(), alignment_mode="strict")
            if sp is not None:
                out.append((sp.start, sp.end, label, kind))
    return out


# --- events -------------------------------------------------------------------------------------

_CAPW = r"[A-Z][\w'’.-]*"
EVENT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("festival", re.compile(rf"\b((?:{_CAPW}\s+){{1,4}}(?:International\s+)?Film\s+Festival|Festival\s+de\s+Cannes|"
                            r"Berlinale|Sundance(?:\s+Film\s+Festival)?)\b")),
    ("award", re.compile(rf"\b((?:{_CAPW}\s+){{1,3}}(?:Awards?|Prize|Medal)|Oscars?|Golden\s+(?:Bear|Lion|Globe|Horse|"
                         r"Rooster|Palm)s?|Silver\s+(?:Bear|Lion)|Palme\s+d['’]Or|BAFTAs?)(?![\w])")),
    ("period", re.compile(rf"\b((?:{_CAPW}\s+){{1,3}}(?:Revolution|War|[Dd]ynasty|[Ee]ra|[Pp]eriod|Uprising|Famine|"
                          r"Depression|Occupation|Leap\s+Forward|Rebellion|Massacre|Crisis)|World\s+War\s+(?:I{1,2}|One|Two|[12]))\b")),
]
_EVENT_KEYS = {
    "festival": ("Festival", "Berlinale", "Sundance"),
    "award": ("Award", "Prize", "Medal", "Oscar", "Golden", "Silver", "Palme", "BAFTA"),
    "period": ("Revolution", "War", "ynasty", "Era", "era", "eriod", "Uprising", "Famine", "Depression",
               "Occupation", "Forward", "Rebellion", "Massacre", "Crisis"),
}
_EVENT_STOP = {"The", "A", "An", "During", "In", "After", "Before", "Since", "At", "From", "Of", "And"}


def find_events(doc: Doc) -> None:
    """Festivals, awards and historical periods, by their naming patterns (and NER ``EVENT``)."""
    fg = state(doc)
    spans = []
    for kind, rx in EVENT_PATTERNS:
        if not any(k in doc_text(doc) for k in _EVENT_KEYS[kind]):
            continue  # the head word is not there: skip the (backtracking) pattern
        for m in rx.finditer(doc_text(doc)):
            s, e = m.start(1), m.end(1)
            # "During the Cultural Revolution" at a sentence start: the preposition is not the name
            while True:
                first = doc_text(doc)[s:e].split(" ", 1)
                if len(first) == 2 and first[0] in _EVENT_STOP:
                    s += len(first[0]) + 1
                    continue
                break
            if " " not in doc_text(doc)[s:e].strip() and kind == "period":
                continue  # "The period" is no name
            sp = doc.char_span(s, e, label=EVENT, alignment_mode="expand")
            if sp is None or overlaps_label(doc, sp.start, sp.end, {PERSON}) and kind != "award":
                continue
            spans.append(sp)
            fg["events"][(sp.start_char, sp.end_char)] = kind
    put_ents(doc, spans)
    # the model's own EVENT spans that name a period ("the Cultural Revolution") are kept too
    for e in doc.ents:
        if e.label_ == EVENT and (e.start_char, e.end_char) not in fg["events"]:
            text = e.text[4:] if e.text.lower().startswith("the ") else e.text
            if EVENT_PATTERNS[2][1].fullmatch(text):
                fg["events"][(e.start_char, e.end_char)] = "period"


# --- titles -------------------------------------------------------------------------------------

_YEAR_POSS = re.compile(rf"\b({YEAR})[{APOS}]s\s+")
_PAREN_YEAR = re.compile(rf"\s*\(({YEAR})\)")
_QUOTED = re.compile(r"[“\"]([^”\"\n]{1,100}?)[”\"]")
_FILMOGRAPHY = re.compile(
    r"(?:[’']s\s+(?:early\s+|earlier\s+|later\s+|recent\s+|previous\s+|other\s+|best\s+)?(?:films|movies|works|filmography|oeuvre|pictures)"
    r"|\b(?:films|movies|works)\s+(?:such\s+as|like|including)|\bfrom\s+the\s+early\s+days\s+of)\b",
    re.IGNORECASE,
)


def is_title_case(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 10 or not words[0][:1].isupper():
        return False
    if text.rstrip()[-1:] in ".,;:!?":
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in SMALL_WORDS or w in {"and", "&"} for w in words)


def find_titles(doc: Doc) -> None:
    """Titles the NER misses or mislabels, found by how reviews write them.

    ``1994's To Live``, ``Cinema Paradiso (1988)``, a quoted title-case phrase, the titles listed
    after ``X's films``, and ``X, Giuseppe Tornatore's masterpiece`` / ``Zhang Yimou's "Shadow"``
    (which also give the maker).
    """
    text = doc_text(doc)
    # 1994's To Live
    for m in _YEAR_POSS.finditer(text):
        i = token_at_char(doc, m.end())
        if i is None:
            continue
        j = title_run_end(doc, i)
        if j > i and not overlaps_label(doc, i, j, {PERSON, EVENT}):
            make_work(doc, i, j, "filmgraph_title_rules", 0.85, year=int(m.group(1)))
    # "Shadow", ‘Shadow’
    for m in _QUOTED.finditer(text):
        if is_title_case(m.group(1)):
            sp = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
            if sp is not None and not overlaps_label(doc, sp.start, sp.end, {EVENT}):
                make_work(doc, sp.start, sp.end, "filmgraph_title_rules", 0.8)
    # titles listed after "Zhang's films", "films such as", ...
    for m in _FILMOGRAPHY.finditer(text):
        i = token_at_char(doc, m.end() - 1)
        if i is None:
            continue
        s0, s1 = sentence_of(doc, i)
        owner = None
        q = token_at_char(doc, m.start())
        if q is not None and q > 0:
            ent = next((e for e in doc.ents if e.label_ == PERSON and e.end in (q, q + 1)), None)
            owner = _person_text(ent) if ent is not None else (doc[q - 1].text if is_cap(doc[q - 1]) else None)
        for a, b in title_runs(doc, i + 1, s1):
            ent = next((e for e in doc.ents if e.start < b and a < e.end and e.label_ in {PERSON, EVENT, "GPE", "NORP"}), None)
            if ent is None:
                make_work(doc, a, b, "filmgraph_title_rules", 0.75, maker=owner)
    # "who went on to make The Legend of 1900 and Malena": the subject made them
    for m in _MADE.finditer(text):
        i = token_at_char(doc, m.end())
        if i is None:
            continue
        s0, s1 = sentence_of(doc, i)
        maker = _person_before(doc, i, s0)
        k = i
        while k < s1:
            j = title_run_end(doc, k, s1)
            if j == k or overlaps_label(doc, k, j, {PERSON, EVENT, "GPE", "NORP"}):
                break
            make_work(doc, k, j, "filmgraph_title_rules", 0.7, maker=maker)
            if j < s1 and doc[j].lower_ in {"and", ","}:
                k = j + 1
                continue
            break
    # mid-sentence "The Wedding Banquet": a capitalised article starts a title
    for t in _tokens_matching(doc, _ARTICLE):
        if t.i > 0 and not doc[t.i - 1].is_sent_start and not doc[t.i - 1].text in {".", "!", "?", "“", '"', ":"} \
                and not t.is_sent_start:
            j = title_run_end(doc, t.i)
            if j > t.i + 1 and not overlaps_label(doc, t.i, j, {PERSON, EVENT, "GPE", "NORP", WORK}):
                make_work(doc, t.i, j, "filmgraph_title_rules", 0.55)
    # Cinema Paradiso (1988)
    for m in _PAREN_YEAR.finditer(text):
        i = token_at_char(doc, m.start() if not text[m.start()].isspace() else m.start() + len(m.group(0)) - len(m.group(0).lstrip()))
        if i is None or i == 0:
            continue
        before = ent_at(doc, end=i)
        start = before.start if before is not None else run_ending_at(doc, i)
        if start is None:
            continue
        # "Ang Lee's Lust, Caution (2007)": a comma inside a title the possessive opens
        if start > 2 and doc[start - 1].text == ",":
            s2 = run_ending_at(doc, start - 1)
            if s2 is not None and s2 > 0 and doc[s2 - 1].text in {"’s", "'s"}:
                start, before = s2, None
        if before is not None and before.label_ in {PERSON, EVENT, "DATE", "NORP", "CARDINAL"}:
            # a person the NER guessed, right before a year in brackets, is a title (Ju Dou (1990))
            if not (before.label_ == PERSON and (before.start_char, before.end_char) not in state(doc).get("known", ())):
                continue
        sp = make_work(doc, start, i, "filmgraph_title_rules", 0.85, year=int(m.group(1)))
        if sp is not None:
            _appositive_maker(doc, sp)
    # Zhang Yimou's "Shadow" / Giuseppe Tornatore's Cinema Paradiso / Yan Geling's novel The Flowers
    for e in list(doc.ents):
        if e.label_ != PERSON or e.end >= len(doc):
            continue
        k = e.end
        if e[-1].text in {"’s", "'s"}:
            k = e.end
        elif doc[k].text in {"’s", "'s"}:
            k += 1
        else:
            continue
        kind, year = None, None
        while k < len(doc) and (doc[k].lower_ in KIND_NOUNS or doc[k].lower_ in {"new", "latest", "early", "own",
                                                                                 "acclaimed", "famous", "classic"}
                                or re.fullmatch(YEAR, doc[k].text)):
            if re.fullmatch(YEAR, doc[k].text):
                year = int(doc[k].text)
            kind = KIND_NOUNS.get(doc[k].lower_, kind)
            k += 1
        if k < len(doc) and doc[k].text in {"“", '"', "‘"}:
            k += 1
        j = title_run_end(doc, k)
        if j > k and not overlaps_label(doc, k, j, {PERSON, EVENT}):
            existing = ent_at(doc, start=k)
            end = existing.end if existing is not None and existing.label_ in TITLE_LIKE else j
            # "Su Tong's novella Wives and Concubines," : "and" inside a title that ends the phrase
            if end + 1 < len(doc) and doc[end].lower_ == "and":
                j2 = title_run_end(doc, end + 1)
                if j2 > end + 1 and (j2 >= len(doc) or doc[j2].is_punct):
                    end = j2
            sp = make_work(doc, k, end, "filmgraph_title_rules", 0.8, maker=_person_text(e), kind=kind, year=year)
            if sp is not None and kind is not None:  # "Yu Hua's novel To Live": the words say the kind
                state(doc)["works"][(sp.start_char, sp.end_char)]["kind"] = kind
    # existing title-like spans followed by ", Giuseppe Tornatore's masterpiece"
    for e in list(doc.ents):
        if e.label_ in TITLE_LIKE - {PERSON, EVENT}:
            _appositive_maker(doc, e)
    # "his own Hero (2002)": the maker is the person the sentence is about
    for e in list(doc.ents):
        if e.label_ != WORK:
            continue
        k = e.start - 1
        while k >= 0 and doc[k].lower_ in {"own", "early", "earlier", "intimate", "new", "latest", "last", "recent",
                                           "previous", "first", "debut", "film", "movie"}:
            k -= 1
        if k >= 0 and doc[k].lower_ in {"his", "her"}:
            s0, _ = sentence_of(doc, k)
            maker = _person_before(doc, k, s0)
            if maker is not None:
                work_attrs(doc, e, maker=maker)


_MADE = re.compile(r"\b(?:went\s+on\s+to\s+)?(?:make|made|direct|directed)\s+(?=[A-Z])")


def _person_before(doc: Doc, i: int, floor: int) -> str | None:
    """The last person named before token ``i`` in the sentence (the subject of ``his``, ``made``)."""
    best = None
    for e in doc.ents:
        if e.label_ == PERSON and floor <= e.start and e.end <= i:
            best = e
    return _person_text(best) if best is not None else None


def _person_text(span: Span) -> str:
    text = span.text
    for suffix in ("’s", "'s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip()


def _appositive_maker(doc: Doc, work: Span) -> None:
    """``Cinema Paradiso (1988), Giuseppe Tornatore's masterpiece``: the maker of the work."""
    k = work.end
    if k + 3 < len(doc) and doc[k].text == "(" and doc[k + 2].text == ")":
        k += 3
    if k >= len(doc) or doc[k].text != ",":
        return
    k += 1
    if k < len(doc) and doc[k].lower_ in {"the", "a"}:
        k += 1
    person = ent_at(doc, start=k)
    if person is None or person.label_ != PERSON:
        return
    k = person.end
    if person[-1].text not in {"’s", "'s"}:
        if k >= len(doc) or doc[k].text not in {"’s", "'s"}:
            return
        k += 1
    for t in doc[k:k + 4]:
        if t.lower_ in KIND_NOUNS:
            if work.label_ != WORK:
                work = make_work(doc, work.start, work.end, "filmgraph_title_rules", 0.8) or work
            work_attrs(doc, work, maker=_person_text(person), kind=KIND_NOUNS[t.lower_])
            return


# --- junk ---------------------------------------------------------------------------------------

_SIGNATURE = re.compile(r"^\s*(?:movie\s+|film\s+)?(?:review(?:ed)?|written)\s+by\b", re.IGNORECASE | re.MULTILINE)
_NAME_PARTICLES = {"de", "van", "von", "der", "da", "di", "del", "la", "le", "bin", "al", "du"}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def filter_junk(doc: Doc, junk_labels: set[str]) -> None:
    """Drop entities that are field labels, boilerplate or signatures; trim possessives.

    ``Genre``, ``Movie Rating``, ``Review by John Li`` are page furniture, not people.
    """
    kept = []
    signature_lines = [(m.start(), doc_text(doc).find("\n", m.start()) if "\n" in doc_text(doc)[m.start():] else len(doc_text(doc)))
                       for m in _SIGNATURE.finditer(doc_text(doc))]
    for e in doc.ents:
        if e.label_ in {PERSON, WORK, EVENT, "ORG", "PRODUCT", "FAC", "GPE", "NORP", "LOC"}:
            start, end = e.start, e.end
            while end > start and doc[end - 1].text in {"’s", "'s", "’", "'", "(", ")", "-"}:
                end -= 1
            while start < end and doc[start].is_punct:
                start += 1
            if end <= start:
                continue
            if (start, end) != (e.start, e.end):
                old = (e.start_char, e.end_char)
                e = Span(doc, start, end, label=e.label_)
                fg = state(doc)
                if old in fg["works"]:
                    fg["works"][(e.start_char, e.end_char)] = fg["works"].pop(old)
                if old in fg["events"]:
                    fg["events"][(e.start_char, e.end_char)] = fg["events"].pop(old)
        if _norm(e.text) in junk_labels:
            continue
        if "\n" in e.text:
            continue
        if any(a <= e.start_char < b for a, b in signature_lines) and e.label_ == PERSON:
            continue
        if e.label_ == PERSON:
            words = e.text.split()
            if any(ch.isdigit() for ch in e.text) or any(
                    not w[:1].isupper() and w.lower() not in _NAME_PARTICLES for w in words):
                continue
            if len(words) == 1 and _norm(words[0]) in junk_labels:
                continue
        kept.append(e)
    doc.ents = kept


# --- roles --------------------------------------------------------------------------------------

_NP_TAGS = {"JJ", "JJR", "JJS", "NN", "NNS", "VBN", "VBG", "HYPH", "NNP", "NNPS"}
_DETS = {"a", "an", "the", "his", "her", "their", "its", "this", "that"}
_LEADS = {"the", "a", "an", "ever", "always", "ever-reliable", "ever-dependable", "excellent", "great", "wonderful",
          "reliable", "dependable", "superb", "veteran", "brilliant", "talented", "terrific", "-", "newcomer",
          "young", "legendary", "likeable", "charismatic", "inimitable", "fine", "outstanding", "underrated"}
_PLAY_VERBS = {"plays", "played", "playing", "portrays", "portrayed", "portraying", "embodies", "stars"}


def _np_token(t: Token) -> bool:
    if t.is_punct and t.text != "-":
        return False
    if t.tag_:
        return t.tag_ in _NP_TAGS
    return t.is_alpha and not t.is_stop


def _np_back(doc: Doc, end: int, floor: int) -> int:
    """Start of the noun phrase ending at token ``end`` (exclusive), determiners left out."""
    i = end
    while i > floor and _np_token(doc[i - 1]) and not (doc[i - 1].ent_type_ == PERSON):
        i -= 1
    return i


def _np_forward(doc: Doc, start: int, limit: int) -> int:
    """End of a description starting at ``start``: adjectives and nouns, ``the mayor's daughter``."""
    i = start
    while i < limit and doc[i].lower_ in _DETS:
        i += 1
    begin = i
    j = title_run_end(doc, i, limit)
    if j > i and _name_like(doc, i):
        return j
    while i < limit and (_np_token(doc[i]) or (doc[i].text in {"’s", "'s"} and i > begin)):
        if doc[i].tag_ in {"VBG", "VBN"} and i > begin and doc[i - 1].tag_ in {"NN", "NNS"}:
            break  # "the general plotting ..." ends at the noun
        i += 1
    # "his wife and fellow agent Wang Yu,": a second description that ends in the character's name
    if i > begin and i + 1 < limit and doc[i].lower_ == "and":
        j = i + 1
        while j < limit and _np_token(doc[j]) and not is_cap(doc[j]):
            j += 1
        k = title_run_end(doc, j, limit)
        if k > j and (k >= limit or doc[k].is_punct):
            return k
    return i if i > begin else start


def _name_like(doc: Doc, i: int) -> bool:
    """Token ``i`` may start a character's name: not a date, an event, or a work our rules found."""
    t = doc[i]
    if t.ent_type_ in {"", PERSON, "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT"} or not t.tag_:
        return True
    if t.ent_type_ == WORK:
        return not any(a <= t.idx < b for a, b in state(doc)["works"])
    return False


def _our_work(doc: Doc, a: int, b: int) -> bool:
    """Tokens ``a:b`` overlap a work our rules or the gazetteer found (not a guess of the NER's)."""
    works = state(doc)["works"]
    return any(e.label_ == EVENT or (e.label_ == WORK and (e.start_char, e.end_char) in works)
               for e in doc.ents if e.start < b and a < e.end)


def _clean_character(text: str) -> str:
    """``the stoic Chu Liang`` -> ``Chu Liang``; ``a respected projectionist`` stays a description."""
    words = text.strip(" ,;:-").split()
    while words and words[0].lower() in _DETS:
        words = words[1:]
    tail: list[str] = []
    for w in reversed(words):
        if w[:1].isupper() or (w in SMALL_WORDS and tail):
            tail.insert(0, w)
        else:
            break
    while tail and tail[0] in SMALL_WORDS:
        tail = tail[1:]
    if tail and len(tail) < len(words):
        return " ".join(tail)
    return " ".join(words)


def _add_role(doc: Doc, actor: Span, character: str, start: int, end: int, confidence: float,
              actor_inside: bool = False, weak: bool = False) -> None:
    character = _clean_character(character)
    if not character or character.lower() in PROFESSIONS or len(character.split()) > 6:
        return
    if character.split()[-1].lower() in PROFESSIONS:
        return
    state(doc)["roles"].append({
        "actor": (actor.start_char, actor.end_char), "character": character,
        "start": doc[start].idx, "end": doc[end - 1].idx + len(doc[end - 1].text),
        "extractor": "filmgraph_role_rules", "confidence": confidence, "ambiguous": actor_inside, "weak": weak,
    })


def _paren_bad(doc: Doc, a: int, b: int) -> bool:
    """Brackets that hold a year, a quote or a title are not a role (``X ("Other Film")``)."""
    inner = doc[a:b]
    return (bool(re.search(rf"{YEAR}|[“”\"‘]", inner.text))
            or overlaps_label(doc, a, b, {WORK, EVENT, "DATE"}))


def _close_paren(doc: Doc, i: int, limit: int = 12) -> int | None:
    for k in range(i, min(len(doc), i + limit)):
        if doc[k].text == ")":
            return k
        if doc[k].text == "(":
            return None
    return None


def _desc_back(doc: Doc, end: int, floor: int) -> int:
    """Start of the character description ending at ``end``: a name run or a noun phrase."""
    if end > floor and is_cap(doc[end - 1]):
        start = run_ending_at(doc, end)
        if start is not None and start >= floor:
            return start
    return _np_back(doc, end, floor)


_ROLE_NOUNS = {"role", "roles", "turn", "part", "performance", "performances"}
_AS = re.compile(r"\bas\b")
_ARTICLE = re.compile(r"\b(?:The|A)\b")
_COPULA = re.compile(r"\b(?:is|was)\b")
_PLAYS = re.compile(r"\b(?:plays|played|portrays|portrayed)\b")


def _tokens_matching(doc: Doc, rx: re.Pattern[str]) -> list[Token]:
    """The tokens a word pattern finds in the text (cheaper than visiting every token)."""
    out = []
    for m in rx.finditer(doc_text(doc)):
        i = token_at_char(doc, m.start())
        if i is not None and doc[i].idx == m.start():
            out.append(doc[i])
    return out


def find_roles(doc: Doc) -> None:
    """Cast and roles: ``X as Y``, ``X plays Y``, ``Y, played by X``, ``Y (X)``, ``X (Y)``,
    ``a respected projectionist (Fan Wei ...)``, ``the mayor's (X) daughter``, ``X is Y``."""
    people = [e for e in doc.ents if e.label_ == PERSON]
    for p in people:
        s0, s1 = sentence_of(doc, p.start)
        # --- the person inside brackets: "a man (the ever reliable Zhang Yi)"
        k = p.start - 1
        while k >= s0 and (doc[k].lower_ in _LEADS or (doc[k].tag_ in {"RB", "JJ"} and k > s0 and doc[k - 1].text != "(")):
            k -= 1
        if k > s0 and doc[k].text == "(":
            close = _close_paren(doc, p.end, limit=40)
            if close is not None:
                before = doc[k - 1]
                outer = ent_at(doc, end=k)
                if outer is not None and outer.label_ == PERSON:
                    _add_role(doc, p, outer.text, outer.start, close + 1, 0.7, actor_inside=True)
                elif before.text in {"’s", "'s"}:
                    start = _np_back(doc, k - 1, s0)
                    if start < k - 1:
                        _add_role(doc, p, doc[start:k - 1].text, start, close + 2, 0.8)
                elif (_np_token(before) or is_cap(before)) and _name_like(doc, before.i):
                    start = _desc_back(doc, k, s0)
                    if start < k:
                        _add_role(doc, p, doc[start:k].text, start, close + 1, 0.85)
                continue
        if p.end >= s1:
            continue
        a = p.end
        # --- "Fan Wei (the projectionist)"; "X ("Other Film")" is no role: skip it and read on
        if doc[a].text == "(":
            close = _close_paren(doc, a + 1)
            if close is None:
                continue
            if close > a + 1 and not _paren_bad(doc, a + 1, close):
                b = a + 1 + (doc[a + 1].lower_ == "as")
                inner_person = ent_at(doc, start=b)
                if inner_person is None or inner_person.label_ != PERSON:
                    if _np_forward(doc, b, close) == close:
                        _add_role(doc, p, doc[b:close].text, p.start, close + 1, 0.75)
                continue
            a = close + 1
        if a < s1 and doc[a].text == ",":
            a += 1
        if a >= s1:
            continue
        verb = doc[a].lower_
        # --- "Kong Lin is memorable as Yan'er", "Zheng Kai is a hoot as the King of Pei"
        if verb in {"is", "was"}:
            for b in range(a + 1, min(s1, a + 5)):
                if doc[b].lower_ == "as":
                    a, verb = b, "as"
                    break
                if doc[b].is_punct or doc[b].tag_.startswith("VB") or doc[b].ent_type_ == PERSON:
                    break
        # --- "Zhang Yi as the prisoner", "Gong Li plays the wife", "Zhang Ziyi is Moon"
        if verb == "as" or verb in _PLAY_VERBS:
            b = a + 1
            if verb == "stars":
                if b < s1 and doc[b].lower_ == "as":
                    b += 1
                else:
                    continue
            end = _np_forward(doc, b, s1)
            if end > b and not _our_work(doc, b, end):
                character = doc[b:end].text
                # "as the youngest son, Prince Yu,": the name after the description
                if end + 1 < s1 and doc[end].text == "," and not is_cap(doc[b + (doc[b].lower_ in _DETS)]):
                    j = title_run_end(doc, end + 1, s1)
                    if j > end + 1 and (j >= s1 or doc[j].is_punct):
                        character, end = doc[end + 1:j].text, j
                _add_role(doc, p, character, p.start, end, 0.85 if verb != "as" else 0.75)
            continue
        if verb in {"is", "was"} and a + 1 < s1:
            b = a + 1
            while b < s1 and doc[b].lower_ in _DETS | {"stoic", "chancellor"} or (b < s1 and doc[b].tag_ in {"JJ"}):
                b += 1
            end = title_run_end(doc, b, s1)
            if end > b and (end >= s1 or doc[end].is_punct) and not overlaps_label(doc, b, end, {WORK, EVENT}):
                _add_role(doc, p, doc[a + 1:end].text, p.start, end, 0.5, weak=True)
    # --- "Zhang Yi's He Li, the chancellor's chief steward": an actor's possessive names a character
    for p in people:
        k = p.end + (p.end < len(doc) and doc[p.end].text in {"’s", "'s"})
        if k == p.end and p[-1].text not in {"’s", "'s"}:
            continue
        q = ent_at(doc, start=k)
        if q is not None and q.label_ == PERSON and q.end < len(doc) and doc[q.end].text == ",":
            _add_role(doc, p, q.text, p.start, q.end, 0.5, weak=True)
    # --- "the general, played by X"
    for p in people:
        s0, _ = sentence_of(doc, p.start)
        k = p.start
        if k - 2 >= s0 and doc[k - 1].lower_ == "by" and doc[k - 2].lower_ in {"played", "portrayed"}:
            k -= 2
            if k > s0 and doc[k - 1].text in {",", "("}:
                k -= 1
            start = _desc_back(doc, k, s0)
            if start < k:
                _add_role(doc, p, doc[start:k].text, start, p.end, 0.85)
    # --- "gives one of the great performances of his career as Alfredo", "his brief turn as Sky"
    for t in _tokens_matching(doc, _AS):
        if t.i > 0:
            s0, s1 = sentence_of(doc, t.i)
            back = [x for x in doc[max(s0, t.i - 8):t.i] if x.lower_ in _ROLE_NOUNS]
            if not back or ent_at(doc, end=t.i) is not None:
                continue
            actors = [e for e in people if s0 <= e.start and e.end <= back[0].i]
            if not actors:
                continue
            end = _np_forward(doc, t.i + 1, s1)
            if end > t.i + 1 and not overlaps_label(doc, t.i + 1, end, {WORK, EVENT}):
                _add_role(doc, actors[-1], doc[t.i + 1:end].text, actors[-1].start, end, 0.65)
    # --- the parse: "Sun Li, Deng's wife off screen, plays Xiao Ai"; "Zhang Ziyi, who plays Jen Yu";
    # "Gong Li, working with Zhang again, is the Empress" (weak: kept only for the film's cast)
    if doc.has_annotation("DEP"):
        for t in _tokens_matching(doc, _COPULA):
            if t.tag_ in {"VBZ", "VBD"}:
                subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
                attr = next((c for c in t.children if c.dep_ == "attr"), None)
                actor = next((e for e in people if subj is not None and e.start <= subj.i < e.end), None)
                if actor is None or attr is None or attr.i < t.i or not is_cap(attr):
                    continue
                if any(r["actor"] == (actor.start_char, actor.end_char) for r in state(doc)["roles"]):
                    continue
                start = attr.left_edge.i
                end = attr.i + 1
                while end < len(doc) and is_cap(doc[end]) and doc[end].head.i == attr.i and doc[end].i < attr.right_edge.i + 1 \
                        and not doc[end].is_punct:
                    end += 1
                if not _our_work(doc, start, end):
                    _add_role(doc, actor, doc[start:end].text, actor.start, end, 0.5, weak=True)
        for t in _tokens_matching(doc, _PLAYS):
            if t.tag_ not in {"VBZ", "VBD"}:
                continue
            subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
            obj = next((c for c in t.children if c.dep_ == "dobj"), None)
            if subj is None or obj is None:
                continue
            if subj.lower_ in {"who", "that"} and t.dep_ == "relcl":
                subj = t.head
            actor = next((e for e in people if e.start <= subj.i < e.end), None)
            if actor is None or obj.i < t.i:
                continue
            start = obj.left_edge.i
            end = obj.i + 1
            if any(r["actor"] == (actor.start_char, actor.end_char) for r in state(doc)["roles"]):
                continue
            _add_role(doc, actor, doc[start:end].text, actor.start, end, 0.7)


# --- comparisons --------------------------------------------------------------------------------

#: (cue, regex, polarity the cue itself carries)
CUES: list[tuple[str, str, str]] = [
    ("in the vein of", r"in\s+the\s+vein\s+of", "neutral"),
    ("version of", r"(?:[\w]+[’']s\s+)?(?:own\s+)?version\s+of", "neutral"),
    ("equivalent of", r"(?:the\s+)?(?:[\w]+\s+)?equivalent\s+of", "neutral"),
    ("reminiscent of", r"reminiscent\s+of", "neutral"),
    ("reminds one of", r"remind(?:s|ed|ing)?\s+(?:one|me|us|you|viewers|audiences)\s+of", "neutral"),
    ("recalls", r"recall(?:s|ed|ing)?", "neutral"),
    ("echoes", r"echo(?:es|ed|ing)?", "neutral"),
    ("resembles", r"resembl(?:es|ed|ing|e)", "neutral"),
    ("comparisons with", r"comparisons?\s+(?:with|to)", "neutral"),
    ("homage to", r"homage\s+to", "neutral"),
    ("evokes", r"evok(?:es|ed|ing|e)", "neutral"),
    ("in the tradition of", r"in\s+the\s+(?:tradition|mould|mold|spirit)\s+of", "neutral"),
    ("compared to", r"compared?\s+(?:to|with)", "neutral"),
    ("owes a debt to", r"owes?\s+(?:a|its)\s+(?:\w+\s+)?debt\s+to", "neutral"),
    ("akin to", r"akin\s+to", "neutral"),
    ("pale imitation of", r"(?:pale\s+|poor\s+)?imitation\s+of", "unfavourable"),
    ("pales next to", r"pales?\s+(?:next\s+to|beside|in\s+comparison\s+(?:to|with))", "unfavourable"),
    ("lacks the ... of", r"lacks?\s+the\s+(?:[\w-]+\s+){0,3}of", "unfavourable"),
    ("falls short of", r"falls?\s+short\s+of", "unfavourable"),
    ("lives up to", r"lives?\s+up\s+to", "favourable"),
    ("rivals", r"rivals", "favourable"),
]
_CUE_RX = re.compile(r"\b(?:" + "|".join(f"(?P<c{i}>{rx})" for i, (_, rx, _) in enumerate(CUES)) + r")\b",
                     re.IGNORECASE)
_INEVITABLE = re.compile(r"^\s*(?:are|is|were|was)\s+(?:\w+\s+)?inevitable")


def cue_case_ok(text: str, start: int) -> bool:
    """A capitalised cue word mid-sentence is part of a name (``the Echo Game``), not a cue."""
    if not text[start].isupper() or re.match(r"\w+['’]s\s", text[start:]):
        return True  # lower case, or an owner before the cue: "China's version of"
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:;\n“\"("


def find_comparisons(doc: Doc, max_gap: int = 4) -> None:
    """A work right after a comparison cue (``in the vein of Cinema Paradiso``) is compared to.

    A title the NER called an organisation there becomes a work. A mention without a cue is not
    a comparison. The polarity is the one the cue carries (``pales next to``: unfavourable,
    ``lives up to``: favourable), neutral otherwise.
    """
    fg = state(doc)
    seen: set[tuple[tuple[int, int], str]] = set()
    for m in _CUE_RX.finditer(doc_text(doc)):
        idx = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        _, _, polarity = CUES[idx]
        i = token_at_char(doc, m.end())
        cue_start = token_at_char(doc, m.start())
        if i is None or not cue_case_ok(doc_text(doc), m.start()):
            continue
        s0, s1 = sentence_of(doc, i)
        target = None
        k, limit = i, min(s1, i + max_gap + 1)
        while k < limit:
            e = ent_at(doc, start=k)
            if e is not None:
                if e.label_ != WORK and e.end < s1 and (e[-1].text in {"’s", "'s"} or doc[e.end].text in {"’s", "'s"}):
                    k = e.end + (doc[e.end].text in {"’s", "'s"})
                    limit = min(s1, k + 2)
                    continue  # "Tornatore's Cinema Paradiso"
                if e.label_ == WORK:
                    target = e
                elif e.label_ in TITLE_LIKE - {PERSON, EVENT, "GPE", "NORP"}:
                    target = make_work(doc, e.start, e.end, "filmgraph_comparisons", 0.7)
                break
            t = doc[k]
            if t.text in {"“", '"'} or (is_cap(t) and t.lower_ not in _DETS):
                a = k + (t.text in {"“", '"'})
                j = title_run_end(doc, a, s1)
                if j > a:
                    target = make_work(doc, a, j, "filmgraph_comparisons", 0.6)
                break
            if t.is_punct and t.text not in {"’s", "'s"}:
                break
            k += 1
        if target is None:
            continue
        cue = " ".join(m.group(0).lower().split())
        if CUES[idx][0] == "comparisons with" and _INEVITABLE.match(doc_text(doc)[target.end_char:]):
            cue = f"{cue} ... are inevitable"
        if CUES[idx][0] == "lacks the ... of":
            cue = "lacks the ... of"
        key = ((target.start_char, target.end_char), cue)
        if key in seen:
            continue
        seen.add(key)
        fg["comparisons"].append({
            "work": (target.start_char, target.end_char), "cue": cue, "polarity": polarity,
            "start": doc[cue_start].idx if cue_start is not None else m.start(), "end": target.end_char,
            "extractor": "filmgraph_comparisons", "confidence": 0.8,
        })
