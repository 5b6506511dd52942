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


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Sentence token ranges; the whole doc when nothing set sentence boundaries."""
    if doc.has_annotation("SENT_START"):
        return [(s.start, s.end) for s in doc.sents]
    return [(0, len(doc))]


def sentence_of(doc: Doc, i: int) -> tuple[int, int]:
    for s, e in sentence_bounds(doc):
        if s <= i < e:
            return s, e
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
    for e in doc.ents:
        if (start is None or e.start == start) and (end is None or e.end == end):
            return e
    return None


def token_at_char(doc: Doc, char: int) -> int | None:
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
        if t.like_num and j > i and not t.is_punct and t.text.isdigit() and len(t.text) <= 2:
            j += 1
            end = j
            continue
        if t.text in SMALL_WORDS and j + 1 < limit and is_cap(doc[j + 1]):
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
    """Start of the longest title run ending exactly at token ``end``."""
    for s in range(max(0, end - max_len), end):
        if title_run_end(doc, s, end) == end and (s == 0 or not (is_cap(doc[s - 1]) and not doc[s - 1].is_punct)
                                                  or title_run_end(doc, s - 1, end) != end):
            return s
    return None


def overlaps_label(doc: Doc, start: int, end: int, labels: set[str]) -> bool:
    return any(e.label_ in labels and e.start < end and start < e.end for e in doc.ents)


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
    tail = doc[end:min(len(doc), end + 4)]
    if len(tail) >= 2 and tail[0].text == ",":
        for t in tail[1:]:
            if t.lower_ in KIND_NOUNS:
                return KIND_NOUNS[t.lower_]
    return None


def make_work(doc: Doc, start: int, end: int, extractor: str, confidence: float, **attrs: object) -> Span | None:
    """Mark tokens ``start:end`` as a work unless they are a person or event already."""
    if end <= start or overlaps_label(doc, start, end, {EVENT}):
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


def apply_known(doc: Doc, matches: Iterable[tuple[int, int, str, str]]) -> None:
    """Known titles and names (token ranges with label and kind) override the NER.

    A known title inside a longer NER span (``Red Sorghum`` in ``Red Sorghum Raise``) splits it.
    """
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


def regex_matches(doc: Doc, entries: Sequence[tuple[str, str, str]]) -> list[tuple[int, int, str, str]]:
    """Token ranges where a few (text, label, kind) entries occur as whole words (case-sensitive)."""
    out = []
    for text, label, kind in entries:
        if not text.strip():
            continue
        for m in re.finditer(r"(?<![\w])" + re.escape(text) + r"(?![\w])", doc.text):
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
                         r"Rooster|Palm)s?|Silver\s+Bear|Palme\s+d['’]Or|BAFTAs?)(?![\w])")),
    ("period", re.compile(rf"\b((?:{_CAPW}\s+){{1,3}}(?:Revolution|War|Dynasty|Era|Uprising|Famine|Depression|"
                          r"Occupation|Leap\s+Forward|Rebellion|Massacre|Crisis)|World\s+War\s+(?:I{1,2}|One|Two|[12]))\b")),
]
_EVENT_STOP = {"The", "A", "An", "During", "In", "After", "Before", "Since", "At", "From", "Of", "And"}


def find_events(doc: Doc) -> None:
    """Festivals, awards and historical periods, by their naming patterns (and NER ``EVENT``)."""
    fg = state(doc)
    spans = []
    for kind, rx in EVENT_PATTERNS:
        for m in rx.finditer(doc.text):
            s, e = m.start(1), m.end(1)
            # "During the Cultural Revolution" at a sentence start: the preposition is not the name
            while True:
                first = doc.text[s:e].split(" ", 1)
                if len(first) == 2 and first[0] in _EVENT_STOP:
                    s += len(first[0]) + 1
                    continue
                break
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
    text = doc.text
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
            if sp is not None and not overlaps_label(doc, sp.start, sp.end, {PERSON, EVENT}):
                make_work(doc, sp.start, sp.end, "filmgraph_title_rules", 0.8)
    # titles listed after "Zhang's films", "films such as", ...
    for m in _FILMOGRAPHY.finditer(text):
        i = token_at_char(doc, m.end() - 1)
        if i is None:
            continue
        s0, s1 = sentence_of(doc, i)
        for a, b in title_runs(doc, i + 1, s1):
            if overlaps_label(doc, a, b, {PERSON, EVENT, "GPE", "NORP", "DATE", "LANGUAGE"}) and not \
                    overlaps_label(doc, a, b, {"ORG", WORK, "PRODUCT"}):
                continue
            ent = next((e for e in doc.ents if e.start < b and a < e.end and e.label_ in {PERSON, EVENT}), None)
            if ent is None:
                make_work(doc, a, b, "filmgraph_title_rules", 0.75)
    # Cinema Paradiso (1988)
    for m in _PAREN_YEAR.finditer(text):
        i = token_at_char(doc, m.start() if not text[m.start()].isspace() else m.start() + len(m.group(0)) - len(m.group(0).lstrip()))
        if i is None or i == 0:
            continue
        before = ent_at(doc, end=i)
        if before is not None and before.label_ in {PERSON, EVENT, "DATE", "NORP", "CARDINAL"}:
            continue
        start = before.start if before is not None else run_ending_at(doc, i)
        if start is None:
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
        kind = None
        while k < len(doc) and (doc[k].lower_ in KIND_NOUNS or doc[k].lower_ in {"new", "latest", "early", "own",
                                                                                 "acclaimed", "famous", "classic"}):
            kind = KIND_NOUNS.get(doc[k].lower_, kind)
            k += 1
        if k < len(doc) and doc[k].text in {"“", '"', "‘"}:
            k += 1
        j = title_run_end(doc, k)
        if j > k and not overlaps_label(doc, k, j, {PERSON, EVENT}):
            existing = ent_at(doc, start=k)
            end = existing.end if existing is not None and existing.label_ in TITLE_LIKE else j
            make_work(doc, k, end, "filmgraph_title_rules", 0.8, maker=_person_text(e), kind=kind)
    # existing title-like spans followed by ", Giuseppe Tornatore's masterpiece"
    for e in list(doc.ents):
        if e.label_ in TITLE_LIKE - {PERSON, EVENT}:
            _appositive_maker(doc, e)


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
    signature_lines = [(m.start(), doc.text.find("\n", m.start()) if "\n" in doc.text[m.start():] else len(doc.text))
                       for m in _SIGNATURE.finditer(doc.text)]
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
    if j > i and (doc[i].ent_type_ in {"", PERSON} or not doc[i].tag_):
        return j
    while i < limit and (_np_token(doc[i]) or (doc[i].text in {"’s", "'s"} and i > begin)):
        if doc[i].tag_ in {"VBG", "VBN"} and i > begin and doc[i - 1].tag_ in {"NN", "NNS"}:
            break  # "the general plotting ..." ends at the noun
        i += 1
    return i if i > begin else start


def _clean_character(text: str) -> str:
    words = text.strip(" ,;:-").split()
    while words and words[0].lower() in _DETS:
        words = words[1:]
    return " ".join(words)


def _add_role(doc: Doc, actor: Span, character: str, start: int, end: int, confidence: float,
              actor_inside: bool = False) -> None:
    character = _clean_character(character)
    if not character or character.lower() in PROFESSIONS or len(character.split()) > 6:
        return
    if character.split()[-1].lower() in PROFESSIONS:
        return
    state(doc)["roles"].append({
        "actor": (actor.start_char, actor.end_char), "character": character,
        "start": doc[start].idx, "end": doc[end - 1].idx + len(doc[end - 1].text),
        "extractor": "filmgraph_role_rules", "confidence": confidence, "ambiguous": actor_inside,
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


def find_roles(doc: Doc) -> None:
    """Cast and roles: ``X as Y``, ``X plays Y``, ``Y, played by X``, ``Y (X)``, ``X (Y)``,
    ``a respected projectionist (Fan Wei ...)``, ``the mayor's (X) daughter``."""
    for p in [e for e in doc.ents if e.label_ == PERSON]:
        s0, s1 = sentence_of(doc, p.start)
        # --- the person inside brackets: "a man (the ever reliable Zhang Yi)"
        k = p.start - 1
        while k >= s0 and (doc[k].lower_ in _LEADS or (doc[k].tag_ in {"RB", "JJ"} and k > s0 and doc[k - 1].text != "(")):
            k -= 1
        if k > s0 and doc[k].text == "(":
            close = _close_paren(doc, p.end)
            if close is not None and not _paren_bad(doc, k + 1, close):
                before = doc[k - 1]
                outer = ent_at(doc, end=k)
                if outer is not None and outer.label_ == PERSON:
                    _add_role(doc, p, outer.text, outer.start, close + 1, 0.7, actor_inside=True)
                elif before.text in {"’s", "'s"}:
                    start = _np_back(doc, k - 1, s0)
                    if start < k - 1:
                        _add_role(doc, p, doc[start:k - 1].text, start, close + 2, 0.8)
                elif _np_token(before) and before.ent_type_ == "":
                    start = _np_back(doc, k, s0)
                    if start < k:
                        _add_role(doc, p, doc[start:k].text, start, close + 1, 0.85)
                continue
        if p.end >= s1:
            continue
        nxt = doc[p.end]
        # --- "Fan Wei (the projectionist)"
        if nxt.text == "(":
            close = _close_paren(doc, p.end + 1)
            if close is not None and close > p.end + 1 and not _paren_bad(doc, p.end + 1, close):
                a = p.end + 1
                if doc[a].lower_ == "as":
                    a += 1
                inner_person = ent_at(doc, start=a)
                end = _np_forward(doc, a, close)
                if inner_person is not None and inner_person.label_ == PERSON:
                    continue
                if end == close:
                    _add_role(doc, p, doc[a:close].text, p.start, close + 1, 0.75)
            continue
        # --- "Zhang Yi as the prisoner", "Gong Li plays the wife"
        verb = nxt.lower_
        a = p.end + 1
        if verb == "as" or verb in _PLAY_VERBS:
            if verb == "stars" and a < s1 and doc[a].lower_ == "as":
                a += 1
            elif verb == "stars":
                continue
            end = _np_forward(doc, a, s1)
            if end > a and not overlaps_label(doc, a, end, {WORK, EVENT}):
                _add_role(doc, p, doc[a:end].text, p.start, end, 0.85 if verb != "as" else 0.75)
            continue
        # --- "the general, played by X"
    for p in [e for e in doc.ents if e.label_ == PERSON]:
        s0, _ = sentence_of(doc, p.start)
        k = p.start
        if k - 2 >= s0 and doc[k - 1].lower_ == "by" and doc[k - 2].lower_ in {"played", "portrayed"}:
            k -= 2
            if k > s0 and doc[k - 1].text in {",", "("}:
                k -= 1
            start = _np_back(doc, k, s0)
            if start < k:
                _add_role(doc, p, doc[start:k].text, start, p.end, 0.85)


# --- comparisons --------------------------------------------------------------------------------

CUES: list[tuple[str, str]] = [
    ("in the vein of", r"in the vein of"),
    ("version of", r"(?:[\w]+[’']s\s+)?(?:own\s+)?version\s+of"),
    ("equivalent of", r"equivalent\s+of"),
    ("reminiscent of", r"reminiscent\s+of"),
    ("reminds one of", r"remind(?:s|ed|ing)?\s+(?:one|me|us|you|viewers|audiences)\s+of"),
    ("recalls", r"recall(?:s|ed|ing)"),
    ("echoes", r"echo(?:es|ed|ing)"),
    ("resembles", r"resembl(?:es|ed|ing)"),
    ("comparisons with", r"comparisons?\s+(?:with|to)"),
    ("homage to", r"homage\s+to"),
    ("evokes", r"evok(?:es|ed|ing)"),
    ("in the tradition of", r"in\s+the\s+(?:tradition|mould|mold|spirit)\s+of"),
    ("compared to", r"compared?\s+(?:to|with)"),
    ("pale imitation of", r"(?:pale\s+)?imitation\s+of"),
    ("owes a debt to", r"owes?\s+(?:a|its)\s+(?:\w+\s+)?debt\s+to"),
    ("a la", r"[àa]\s+la"),
    ("akin to", r"akin\s+to"),
]
_CUE_RX = re.compile(r"\b(?:" + "|".join(f"(?P<c{i}>{rx})" for i, (_, rx) in enumerate(CUES)) + r")\b", re.IGNORECASE)

FAVOURABLE = {"beautiful", "moving", "masterpiece", "masterful", "worthy", "wonderful", "brilliant", "heartfelt",
              "love", "delightful", "triumph", "triumphs", "gem", "magic", "magical", "stunning", "excellent",
              "superb", "rivals", "charming", "captivating", "powerful", "poignant", "affectionate", "loving",
              "personal", "best", "great", "fine", "touching", "gorgeous", "heartwarming", "admirable", "lovely",
              "successful", "succeeds", "matches", "equals", "inspired"}
UNFAVOURABLE = {"pale", "pales", "imitation", "lacks", "lacking", "fails", "failed", "inferior", "weaker", "weak",
                "derivative", "rip-off", "knock-off", "disappointing", "lesser", "cheap", "dull", "tedious", "bland",
                "forgettable", "misfire", "shallow", "clumsy", "short", "never", "poor", "worse", "uninspired",
                "unoriginal", "copy", "hollow", "without", "mediocre", "falls"}


def polarity_of(words: Iterable[str]) -> str:
    fav = unfav = 0
    for w in words:
        w = w.lower()
        fav += w in FAVOURABLE
        unfav += w in UNFAVOURABLE
    if fav > unfav:
        return "favourable"
    if unfav > fav:
        return "unfavourable"
    return "neutral"


def find_comparisons(doc: Doc, max_gap: int = 4) -> None:
    """A work right after a comparison cue (``in the vein of Cinema Paradiso``) is compared to.

    A title the NER called an organisation there becomes a work. A mention without a cue is not
    a comparison. Polarity comes from the evaluative words of the sentence.
    """
    fg = state(doc)
    seen: set[tuple[int, int]] = set()
    for m in _CUE_RX.finditer(doc.text):
        name = next(CUES[int(k[1:])][0] for k, v in m.groupdict().items() if v is not None)
        i = token_at_char(doc, m.end())
        if i is None:
            continue
        cue_start = token_at_char(doc, m.start())
        s0, s1 = sentence_of(doc, i)
        target = None
        for k in range(i, min(s1, i + max_gap + 1)):
            e = ent_at(doc, start=k)
            if e is not None:
                if e.label_ == WORK:
                    target = e
                elif e.label_ in TITLE_LIKE - {PERSON, EVENT, "GPE", "NORP"}:
                    target = make_work(doc, e.start, e.end, "filmgraph_comparisons", 0.7)
                elif e.label_ == PERSON and k + 1 < s1 and doc[e.end].text in {"’s", "'s"}:
                    continue  # "Tornatore's Cinema Paradiso"
                break
            if doc[k].text in {"“", '"'} or (is_cap(doc[k]) and doc[k].lower_ not in _DETS and k > i):
                j = title_run_end(doc, k + (doc[k].text in {"“", '"'}), s1)
                if j > k:
                    target = make_work(doc, k + (doc[k].text in {"“", '"'}), j, "filmgraph_comparisons", 0.6)
                break
            if doc[k].is_punct and doc[k].text not in {"’s", "'s"}:
                break
        if target is None or (target.start_char, target.end_char) in seen:
            continue
        seen.add((target.start_char, target.end_char))
        sent = doc[s0:s1]
        fg["comparisons"].append({
            "work": (target.start_char, target.end_char), "cue": name,
            "polarity": polarity_of(t.text for t in sent),
            "start": doc[cue_start].idx if cue_start is not None else m.start(), "end": target.end_char,
            "extractor": "filmgraph_comparisons", "confidence": 0.8,
        })
