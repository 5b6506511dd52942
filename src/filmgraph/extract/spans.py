"""Shared helpers of our rule components: the doc's filmgraph state, sentences, entities, title runs.

Every rule module (``titles``, ``roles``, ``comparisons``, ``events``, ``junk``) records what it finds
in ``doc.ents`` (labels ``PERSON``, ``WORK_OF_ART``, ``EVENT``) and in ``doc.user_data["filmgraph"]``
(attributes of works and events, role pairs, comparisons), keyed by character offsets, through these
helpers. They work on ``spacy.blank("en")`` docs too (then without part-of-speech tags), which is how
the rules are unit-tested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

WORK, PERSON, EVENT = "WORK_OF_ART", "PERSON", "EVENT"
#: ``doc.user_data`` key of the names the review's own header gives, as ``(text, kind)`` pairs
DOC_KNOWN = "filmgraph_known"
#: NER labels the trained model gives titles by mistake; context may turn them into works
TITLE_LIKE = {"ORG", "PRODUCT", "FAC", "WORK_OF_ART", "LOC", "GPE", "PERSON", "NORP", "EVENT", "LAW"}
SMALL_WORDS = {"of", "the", "a", "an", "in", "on", "to", "for", "from", "with", "at", "by", "de", "du", "la",
               "le", "des", "del", "della", "di", "von", "van", "der"}
YEAR = r"(?:18|19|20)\d\d"
KIND_NOUNS = {
    "film": "film", "movie": "film", "masterpiece": "film", "classic": "film", "debut": "film",
    "epic": "film", "drama": "film", "feature": "film", "picture": "film", "documentary": "film",
    "thriller": "film", "comedy": "film", "blockbuster": "film", "opus": "film", "gem": "film",
    "novel": "novel", "book": "novel", "novella": "novel",
    "poem": "poem", "poetry": "poem",
    "play": "other", "song": "other", "opera": "other", "series": "other", "show": "other",
    "painting": "other", "story": "other", "memoir": "other",
}
#: determiners and possessive pronouns that open a description (``the mayor``, ``his wife``)
DETS = {"a", "an", "the", "his", "her", "their", "its", "this", "that"}


def header_names(doc: Doc, kind: str) -> set[str]:
    """The names of one ``kind`` (``director``, ``cast``, ``film``) the review's header gives."""
    return {t for t, k in doc.user_data.get(DOC_KNOWN) or () if k == kind}


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


#: words that make what follows a name, not a title: ``with names like``, ``known as``, ``nicknamed``
_NAMES_CUE = re.compile(r"\b(?:names?|named|called|nicknamed|known\s+as|aliases?|monikers?)\s*(?:such\s+)?$",
                        re.IGNORECASE)


def after_names_word(text: str, start: int) -> bool:
    """A word for names ends right before ``start`` (``assassins with names like ...``): the list a
    cue there opens holds names, not titles."""
    return _NAMES_CUE.search(text, max(0, start - 30), start) is not None


def names_listed_before(doc: Doc, end: int) -> list[Span]:
    """The people named in a list that ends at token ``end`` (``Ki-woo and Ki-jung``, ``A, B and
    C``), first to last: the characters a bracket of as many actors follows."""
    out: list[Span] = []
    e = ent_at(doc, end=end)
    while e is not None and e.label_ == PERSON:
        out.insert(0, e)
        k = e.start - 1
        if k > 0 and doc[k].lower_ == "and" and doc[k - 1].text == ",":
            k -= 1
        if k <= 0 or doc[k].lower_ not in {"and", ","}:
            break
        e = ent_at(doc, end=k)
    return out


def split_at(doc: Doc, a: int, b: int, separators: set[str]) -> list[tuple[int, int]]:
    """The non-empty token ranges of ``a:b`` between tokens whose lower case is a separator."""
    out, start = [], a
    for j in range(a, b + 1):
        if j == b or doc[j].lower_ in separators:
            if j > start:
                out.append((start, j))
            start = j + 1
    return out


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
    if i >= limit or doc[i].is_punct:
        return i
    if not is_cap(doc[i]):
        # "24 City", "12 Angry Men": a short number opens a title when a capitalised word follows
        if not (len(doc[i].text) <= 3 and doc[i].text.isdigit() and i + 1 < limit and is_cap(doc[i + 1])):
            return i
    j = end = i + 1
    while j < limit:
        t = doc[j]
        if is_cap(t) and not t.is_punct:
            prev = doc[j - 1]
            if _tag(t) in {"VB", "VBP", "VBZ", "VBD"} and _tag(prev) in {"NNP", "NNPS", "NN", "NNS"} and is_cap(prev) \
                    and _run_goes_on(doc, j + 1, limit):
                break
            j += 1
            end = j
            continue
        if j > i and t.text.isdigit() and (len(t.text) <= 2 or doc[j - 1].text in SMALL_WORDS):
            j += 1
            end = j
            continue
        # "A Scene at the Sea", "The Lord of the Rings": one or two small words between capitals
        small = 1 + (j + 1 < limit and doc[j + 1].text in SMALL_WORDS and doc[j + 1].text != t.text)
        if t.text in SMALL_WORDS and j + small < limit and (is_cap(doc[j + small]) or doc[j + small].text.isdigit()):
            j += small
            continue
        break
    return end


def _run_goes_on(doc: Doc, j: int, limit: int) -> bool:
    """Whether a title-case run would go on at token ``j`` (a capital, or a small word before one):
    a capitalised verb after a noun starts a new title only if that title has more words
    (``Red Sorghum Raise the Red Lantern``), not at the end (``Star Wars``)."""
    if j >= limit:
        return False
    t = doc[j]
    return (is_cap(t) and not t.is_punct) or (t.text in SMALL_WORDS and j + 1 < limit and is_cap(doc[j + 1]))


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


def tokens_matching(doc: Doc, rx: re.Pattern[str]) -> list[Token]:
    """The tokens a word pattern finds in the text (cheaper than visiting every token)."""
    out = []
    for m in rx.finditer(doc_text(doc)):
        i = token_at_char(doc, m.start())
        if i is not None and doc[i].idx == m.start():
            out.append(doc[i])
    return out
