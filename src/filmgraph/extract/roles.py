"""People and roles: which actor plays which character (``X as Y``, ``X plays Y``, ``Y (X)``, ...)."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from .spans import (DETS, EVENT, PERSON, SMALL_WORDS, WORK, YEAR, ent_at, header_names, is_cap, names_listed_before,
                    overlaps_label, run_ending_at, sentence_of, split_at, state, title_run_end, tokens_matching)

PROFESSIONS = {"director", "producer", "writer", "filmmaker", "actor", "actress", "screenwriter", "star",
               "lead", "cinematographer", "editor", "composer", "himself", "herself", "well"}

_NP_TAGS = {"JJ", "JJR", "JJS", "NN", "NNS", "VBN", "VBG", "HYPH", "NNP", "NNPS"}
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
    while i < limit and doc[i].lower_ in DETS:
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
    while words and words[0].lower() in DETS:
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


#: two to four capitalised words, hyphenated parts in lower case allowed: ``Sun Honglei``, ``Gwei Lun-mei``
_UNTAGGED_NAME = re.compile(r"[A-Z][\w’']+(?:-[\w’']+)?(?:\s+[A-Z][\w’']+(?:-[\w’']+)?){1,3}")
_ROLE_NOUNS = {"role", "roles", "turn", "part", "performance", "performances"}
_AS = re.compile(r"\bas\b")
_COPULA = re.compile(r"\b(?:is|was)\b")
_PLAYS = re.compile(r"\b(?:plays|played|portrays|portrayed)\b")


def _paired_lists(doc: Doc) -> set[int]:
    """``the siblings Ki-woo and Ki-jung (Choi Woo-shik and Park So-dam)``: a list of characters and
    a bracket of as many full names after it pair in order, tagged or not. The start tokens of
    every name so paired, for the one-to-one rules to leave alone."""
    handled: set[int] = set()
    for t in doc:
        if t.text != "(" or t.i < 3:
            continue
        characters = names_listed_before(doc, t.i)
        close = _close_paren(doc, t.i + 1, limit=30) if len(characters) >= 2 else None
        if close is None:
            continue
        items = split_at(doc, t.i + 1, close, {"and", ",", "&"})
        if len(items) != len(characters):
            continue
        if not all((ent_at(doc, a, b) is not None and doc[a].ent_type_ == PERSON)
                   or (_UNTAGGED_NAME.fullmatch(doc[a:b].text)
                       and not overlaps_label(doc, a, b, {"GPE", "LOC", "NORP", "ORG", "FAC", WORK}))
                   for a, b in items):
            continue
        for character, (a, b) in zip(characters, items):
            _add_role(doc, doc[a:b], character.text, characters[0].start, close + 1, 0.75, actor_inside=True)
            handled |= {a, character.start}
    return handled


_NOT_A_PART = {"film", "movie", "picture", "story", "result", "rule", "whole", "usual", "ever", "always"}


def _opening_as_roles(doc: Doc, people: list[Span]) -> None:
    """``As Jong-su, Yoo Ah-in mesmerizes``, ``As the emperor, Chow Yun-fat ...``: a sentence that
    opens with ``As`` and a name or a definite description, then a comma and the actor. An
    indefinite description (``As a result``) or a clause (``As the film goes on``) is no part."""
    for p in people:
        s0, _s1 = sentence_of(doc, p.start)
        while s0 < p.start and (doc[s0].is_quote or doc[s0].is_space):
            s0 += 1
        comma = p.start - 1
        if doc[s0].lower_ != "as" or comma <= s0 + 1 or doc[comma].text != ",":
            continue
        b = s0 + 1
        named = ent_at(doc, b, comma) is not None and doc[b].ent_type_ == PERSON
        definite = doc[b].lower_ == "the" and _np_forward(doc, b, comma) == comma
        name_run = title_run_end(doc, b, comma) == comma and _name_like(doc, b)
        if not (named or definite or name_run) or comma - b > 6:
            continue
        if any(t.lower_ in _NOT_A_PART for t in doc[b:comma]) or _our_work(doc, b, comma):
            continue
        _add_role(doc, p, doc[b:comma].text, s0, p.end, 0.75)


def find_roles(doc: Doc) -> None:
    """Cast and roles: ``X as Y``, ``X plays Y``, ``Y, played by X``, ``Y (X)``, ``X (Y)``,
    ``a respected projectionist (Fan Wei ...)``, ``the mayor's (X) daughter``, ``X is Y``."""
    people = [e for e in doc.ents if e.label_ == PERSON]
    paired = _paired_lists(doc)
    directors = header_names(doc, "director")
    for p in people:
        if p.start in paired:
            continue
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
            # "Hirokazu Kore-eda (Nobody Knows)": after the header's director, brackets name a film
            if close > a + 1 and not _paren_bad(doc, a + 1, close) and p.text not in directors:
                b = a + 1 + (doc[a + 1].lower_ == "as")
                inner_person = ent_at(doc, start=b)
                if inner_person is None or inner_person.label_ != PERSON:
                    if b == a + 1 and _UNTAGGED_NAME.fullmatch(doc[b:close].text) and not overlaps_label(
                            doc, b, close, {"GPE", "LOC", "NORP", "ORG", "FAC"}):
                        # "Captain Zhang (Sun Honglei)": a full name the NER missed in brackets after a
                        # character is the actor, as with two tagged names (ambiguous: the header's
                        # cast list turns it round)
                        _add_role(doc, doc[b:close], p.text, p.start, close + 1, 0.7, actor_inside=True)
                    elif _np_forward(doc, b, close) == close:
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
                if end + 1 < s1 and doc[end].text == "," and not is_cap(doc[b + (doc[b].lower_ in DETS)]):
                    j = title_run_end(doc, end + 1, s1)
                    if j > end + 1 and (j >= s1 or doc[j].is_punct):
                        character, end = doc[end + 1:j].text, j
                _add_role(doc, p, character, p.start, end, 0.85 if verb != "as" else 0.75)
            continue
        if verb in {"is", "was"} and a + 1 < s1:
            b = a + 1
            while b < s1 and doc[b].lower_ in DETS | {"stoic", "chancellor"} or (b < s1 and doc[b].tag_ in {"JJ"}):
                b += 1
            end = title_run_end(doc, b, s1)
            if end > b and (end >= s1 or doc[end].is_punct) and not overlaps_label(doc, b, end, {WORK, EVENT}):
                _add_role(doc, p, doc[a + 1:end].text, p.start, end, 0.5, weak=True)
    _opening_as_roles(doc, people)
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
    for t in tokens_matching(doc, _AS):
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
        for t in tokens_matching(doc, _COPULA):
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
        for t in tokens_matching(doc, _PLAYS):
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
