"""Titles: known titles and names over the NER's guesses, and the titles the NER misses.

``apply_known`` (the ``filmgraph_gazetteer`` component) trims and splits the NER's spans and marks
known titles and names; ``find_titles`` (``filmgraph_title_rules``) finds titles by how reviews
write them, with their years, kinds and makers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .spans import (EVENT, KIND_NOUNS, PERSON, SMALL_WORDS, TITLE_LIKE, WORK, YEAR, doc_text, ent_at,
                    is_cap, make_work, names_listed_before, overlaps_label, put_ents, run_ending_at, sentence_of,
                    split_at, state, title_run_end, title_runs, token_at_char, tokens_matching, work_attrs)

APOS = "'’"
_ARTICLE = re.compile(r"\b(?:The|A)\b")


# --- known titles and names (the gazetteer) -----------------------------------------------------


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
    spans = [sp for sp in filter_spans(spans) if not _inside_a_longer_title(doc, sp, spans)]
    put_ents(doc, spans)
    fg = state(doc)
    for sp in spans:
        kind = kinds[(sp.start, sp.end)]
        if sp.label_ == WORK:
            work_attrs(doc, sp, kind=kind, extractor="filmgraph_gazetteer", confidence=0.9)
        elif sp.label_ == EVENT:
            fg["events"][(sp.start_char, sp.end_char)] = kind
        fg.setdefault("known", set()).add((sp.start_char, sp.end_char))


def _inside_a_longer_title(doc: Doc, sp: Span, known: list[Span]) -> bool:
    """A known title that begins a longer title the NER tagged as one run of capitalised words
    (``The Road`` of *The Road Home*): the longer one stands. Not when another known name or
    title follows in the span (``Hero`` before ``Jet Li``) or the run breaks (``Red Sorghum
    Raise the Red Lantern``: a capitalised verb starts the next title)."""
    if sp.label_ != WORK:
        return False
    outer = next((e for e in doc.ents if e.start == sp.start and e.end > sp.end
                  and e.label_ in {"WORK_OF_ART", "FAC", "ORG", "PRODUCT", "LOC"}), None)
    if outer is None or title_run_end(doc, outer.start, outer.end) != outer.end:
        return False
    return not any(k is not sp and k.start < outer.end and sp.end <= k.start for k in known)


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


# --- titles by how reviews write them ----------------------------------------------------------

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
        if j > i and not overlaps_label(doc, i, j, {EVENT}):  # "1990's Ju Dou": a name the NER guessed is the title
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
    for t in tokens_matching(doc, _ARTICLE):
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
    # "the director's 2018 masterpiece Shadow", "his breakthrough The Chaser": a film noun, then its title
    for t in tokens_matching(doc, _FILM_NOUN):
        k = t.i + 1
        if k < len(doc) and doc[k].text == ",":
            k += 1  # "a sequel, 2046"
        if k < len(doc) and doc[k].text in {"“", '"', "‘"}:
            continue  # a quoted title has its own rule
        j = title_run_end(doc, k) if k < len(doc) and not doc[k].text.isdigit() else (
            k + 1 if k < len(doc) and re.fullmatch(r"\d{3,4}", doc[k].text) and t.lower_ == "sequel" else k)
        if j > k and t.i > 0 and doc[t.i - 1].lower_ in _FILM_NOUN_OWNERS | {"’s", "'s"} | _year_before(doc, t.i) \
                and not overlaps_label(doc, k, j, {PERSON, EVENT, "GPE", "NORP", "LOC", "ORG", "DATE"}):
            make_work(doc, k, j, "filmgraph_title_rules", 0.65)
    # "Hero and House of Flying Daggers", "(Raise the Red Lantern, Hero, ...)": a title-case phrase
    # listed with a work is another work
    _bracketed_lists(doc)
    _listed_with_works(doc)
    # "Yellow Earth is another film about ...": what a sentence calls a film is no person
    for e in list(doc.ents):
        if e.label_ == PERSON and e.start == sentence_of(doc, e.start)[0] \
                and _CALLED_A_FILM.match(text, e.end_char) and e.end_char - e.start_char >= 4:
            make_work(doc, e.start, e.end, "filmgraph_title_rules", 0.7)
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


_FILM_NOUN = re.compile(r"\b(?i:masterpiece|breakthrough|sequel|prequel|remake|debut|film|movie|"
                        r"feature|classic|thriller|drama|documentary|epic)\b")
#: what stands before the film noun when a title follows it ("his breakthrough X", "the 2018 masterpiece X")
_FILM_NOUN_OWNERS = {"his", "her", "their", "its", "the", "a", "earlier", "later", "previous", "last", "latest",
                     "first", "second", "third", "next", "new", "own", "acclaimed", "famous", "breakthrough"}


def _year_before(doc: Doc, i: int) -> set[str]:
    """A year right before the film noun (``2018 masterpiece``) stands for its owner."""
    return {doc[i - 1].lower_} if i > 1 and re.fullmatch(YEAR, doc[i - 1].text) else set()


_LIST_GAP = {",", "and", "or", "&"}
_LIST_LEADS = {"including", "e.g.", "eg", "like", "notably", "among", "them", "others", "such", "as"}


def _bracket_items(doc: Doc, a: int, b: int) -> list[tuple[int, int]]:
    """The phrases of tokens ``a:b`` split at commas, and the last one at ``and`` / ``or`` / ``&``
    (``A, B and C``); without a comma, at ``and`` only into phrases of two words or more (``To Live
    and The Story of Qiu Ju``, not ``Sense and Sensibility``)."""
    parts = split_at(doc, a, b, {","})
    if not parts:
        return []
    pieces = split_at(doc, *parts[-1], {"and", "or", "&"})
    if len(parts) > 1 or all(q - p >= 2 for p, q in pieces):
        parts[-1:] = pieces
    return parts


def _bracketed_lists(doc: Doc) -> None:
    """``Lee Chang-dong (Green Fish, Oasis and Peppermint Candy)``, ``Zhang Yimou (Raise the Red
    Lantern, To Live)``: a bracket of two or more title-case phrases after a person, or with a work
    among them, lists works; the small model takes some of them for names (*Peppermint Candy*).
    One phrase alone in brackets after a name is an actor or a character, not this."""
    for t in doc:
        if t.text != "(" or t.i == 0:
            continue
        close = next((k for k in range(t.i + 1, min(len(doc), t.i + 25)) if doc[k].text in {")", "("}), None)
        if close is None or doc[close].text != ")":
            continue
        k = t.i + 1
        while k < close and doc[k].lower_ in _LIST_LEADS:
            k += 1
        items = _bracket_items(doc, k, close)
        if len(items) < 2 or any(title_run_end(doc, a, b) != b for a, b in items):
            continue
        before = ent_at(doc, end=t.i)
        after_person = before is not None and before.label_ == PERSON
        with_work = any(overlaps_label(doc, a, b, {WORK}) for a, b in items)
        tagged = [overlaps_label(doc, a, b, {PERSON}) for a, b in items]
        if not (with_work or after_person and not all(tagged)):
            continue
        if after_person and len(names_listed_before(doc, t.i)) == len(items):
            continue  # "Ki-woo and Ki-jung (Choi Woo-shik and Park So-dam)": as many actors as characters
        bare = any(not any(e.start < b and a < e.end for e in doc.ents) for a, b in items)
        allowed = {PERSON, "ORG", "PRODUCT", "FAC", WORK} | ({"GPE", "LOC"} if with_work or bare else set())

        def fits(e: Span, a: int, b: int) -> bool:
            """An entity inside the phrase (it grows to the whole), or a work the tagger ran over
            two phrases of the list (``To Live and The Story of Qiu Ju``: it splits)."""
            if a <= e.start and e.end <= b:
                return e.label_ in allowed and (e.label_ != WORK or (e.start, e.end) != (a, b))
            return e.label_ == WORK and sum(e.start <= x and y <= e.end for x, y in items) >= 2

        for a, b in items:
            inside = [e for e in doc.ents if e.start < b and a < e.end]
            if all(fits(e, a, b) for e in inside):
                make_work(doc, a, b, "filmgraph_title_rules", 0.6)


def _listed_with_works(doc: Doc) -> None:
    """Title-case phrases joined by ``and`` / ``or`` / commas to a work are works too (either side)."""
    changed = True
    while changed:
        changed = False
        works = [e for e in doc.ents if e.label_ == WORK]
        for e in works:
            # after: "Hero and House of Flying Daggers" -> the phrase after the joiner
            k = e.end
            if k < len(doc) and doc[k].text in {"”", '"', "’"}:
                k += 1  # "‘Curse of the Golden Flower’, Hero": the quote closes the title before the list goes on
            if k < len(doc) - 1 and doc[k].text in _LIST_GAP:
                k += 1 if not (doc[k].text == "," and k + 1 < len(doc) and doc[k + 1].lower_ in {"and", "or"}) else 2
                j = title_run_end(doc, k)
                if j < len(doc) and doc[j].text in {"’s", "'s"}:
                    continue  # "Howl’s Moving Castle": a possessive opens a longer title
                if j > k and ent_at(doc, start=k) is None and _listable(doc, k, j):
                    changed |= make_work(doc, k, j, "filmgraph_title_rules", 0.6) is not None
            # before: "Hero and House of Flying Daggers" -> the phrase before the joiner
            k = e.start - 1
            if k > 0 and doc[k].text in _LIST_GAP:
                start = run_ending_at(doc, k)
                if start is not None and start < k and ent_at(doc, end=k) is None and _listable(doc, start, k):
                    changed |= make_work(doc, start, k, "filmgraph_title_rules", 0.6) is not None


def _listable(doc: Doc, a: int, b: int) -> bool:
    """Tokens ``a:b`` may be a title in a list: not a name, place or date, not a sentence's first word."""
    if overlaps_label(doc, a, b, {PERSON, EVENT, "GPE", "NORP", "LOC", "ORG", "DATE", "CARDINAL", WORK}):
        return False
    return not doc[a].is_sent_start and doc[a].text not in {"I", "The"} or b - a > 1


_CALLED_A_FILM = re.compile(
    r"\s+(?:is|was|remains)\s+(?:(?:a|an|another|the|one)\s+)(?:[\w-]+\s+){0,3}?"
    r"(?:film|movie|drama|documentary|comedy|thriller|melodrama|picture|feature|masterpiece|epic)s?\b(?![’']|\s+(?:director|maker|star|critic))")
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
