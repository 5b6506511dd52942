"""Titles the statistical NER misses, found by how reviewers write them rather than by what they are.

Reviewers set titles apart: in quotes of every kind (``‘Hero’``, ``''Ju Dou''``, ``”Brief
Encounter.”``), in a parenthesised filmography after a name (``Zhang Yimou (Ju Dou, Raise the Red
Lantern, To Live)``), in lists after ``films such as``, ``the director of``, ``seen in``, and with a
year (``1990's Ju Dou``, ``Ju Dou (1990)``). Each pattern gives title-case spans; names of people,
characters, periods and events are left to the other rules.
"""

from __future__ import annotations

import re

from .spans import after_names_word

_SMALL = r"(?:of|the|a|an|and|in|on|for|to|at|with|from|by|&|de|la|le|du|or|is|are|my|your|his|her|no|not)"
_WORD = r"(?:[A-Z0-9][\w'’-]*[!?]?|[\u4e00-\u9fff]+)"
TITLE = rf"{_WORD}(?:[ \t]+(?:{_SMALL}[ \t]+)*{_WORD})*"
_TITLE_RX = re.compile(TITLE)
#: one item of a list of titles: "and" / "or" separate items rather than join words
_ITEM_RX = re.compile(TITLE.replace("and|", "").replace("&|", "").replace("|or|", "|"))
#: quotes that set a title apart (opening, closing)
_QUOTED = re.compile(
    r"(?:‘|''|``|“|”|\"|(?<![\w])'|\*|_)(?P<t>[A-Z0-9][^‘’“”\"\n*_]{0,80}?)[,.!?]?(?:’|''|”|\"|'(?![\w])|\*|_)")
#: a parenthesised list of titles after a name: "Zhang Yimou (Ju Dou, Raise the Red Lantern)"
_PAREN_LIST = re.compile(r"\((?P<list>[^()\n]{2,160})\)")
#: words after which a list of titles follows
_LIST_CUE = re.compile(
    r"(?:films?|movies?|works?|pictures?|projects?|epics?|efforts?|features?|dramas?|classics?|outings?)\s+"
    r"(?:such\s+as|like|including|as)\s+|such\s+as\s+|(?:the\s+)?(?:director|maker|star|helmer|auteur)\s+(?:of|behind)\s+|"
    r"(?:seen|starred|appeared|featured)\s+in\s+|(?:since|like|than|unlike)\s+(?=(?:the\s+)?[A-Z])|"
    r"(?:cross|mix|blend)\s+(?:between|of)\s+|comparisons?\s+(?:to|with)\s+|equivalent\s+of\s+|successor\s+to\s+|"
    r"version\s+of\s+|vein\s+of\s+|reminiscent\s+of\s+|(?:recalls|echoes|evokes)\s+|owes\s+(?:more\s+|much\s+)?to\s+|"
    r"(?:based|adapted)\s+(?:on|from)\s+(?:[\w-]+[’']s\s+)?(?:(?:novel|novella|play|book|story|memoir)\s+)?|"
    r"(?:first|last|latest|previous|earlier|debut|next|new|breakthrough)\s+(?:film|movie|feature|picture|work|effort)s?,?\s+|"
    r"(?:his|her|their|[\w-]+[’']s)\s+(?:[\w-]+\s+){0,3}?(?:films|movies|works|projects|features|pictures|epics)"
    r"(?:\s+(?:for|with)\s+[A-Z][\w-]+)?(?:\s*[-—–:]+|,)?\s+(?=[A-Z])",
    re.IGNORECASE)
_YEAR_TITLE = re.compile(rf"\b(?:18|19|20)\d\d[’']s\s+(?P<t>{TITLE})|(?P<u>{TITLE})\s+\((?:18|19|20)\d\d\)")
#: what follows one title of a list: an owner's ``'s``, a separator, a year (matched in place, not on a copy)
_OWNER_S = re.compile(r"[’']s\s+")
_SPACES = re.compile(r"\s*")
_KIND_WORDS = re.compile(r"(?:(?:novel|novella|play|book|story|memoir|film|movie|classic|masterpiece)\s+)+")
_LIST_SEP = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*;\s*)(?:(?:his|her|their|the)\s+"
                       r"(?:last|latest|first|next|new|previous)\s+(?:film|movie),?\s+)?")
_CUE_SEP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+")
_YEAR_AFTER = re.compile(r"\s*\((?:18|19|20)\d\d\)")
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bor\b|&|/)\s*")
#: words that make a title-case run something else than a work
NOT_WORK = re.compile(
    r"\b(?:dynasty|war|wars|revolution|festival|award|awards|academy|oscar|oscars|prize|empire|kingdom|era|"
    r"period|province|city|street|university|studios?|pictures|films|entertainment|inc|ltd|company|"
    r"china|chinese|japan|japanese|korea|korean|hong kong|taiwan|america|american|british|france|french|"
    r"english|mandarin|cantonese|dvd|blu-ray|imdb|netflix|amazon)\b", re.IGNORECASE)
_BAD_START = re.compile(r"^(?:I|We|He|She|It|They|You|This|That|These|Those|There|Here|But|And|Or|So|If|When|"
                        r"While|As|In|On|At|By|For|From|With|After|Before|Since|Like|Unlike|Than|Including|Despite|Whereas|Mr|Mrs|Ms|Dr|Also|Even|Yet|Then|"
                        r"Now|Just|Only|Still|Though|Although|Because|What|Who|How|Why|Where|Yes|No|Oh|"
                        r"\d+(?:\s|$))\b")


_PUNCT = re.compile(r"[^\w\s]")
_NAME_PARTS = re.compile(r"\s+and\s+|,\s*")
_SMALL_RX = re.compile(_SMALL, re.IGNORECASE)
_NUMBERS = re.compile(r"[\d\s,./:-]+")


#: a list of names ending where a bracket opens: ``Jeanne and Simon``, ``Ennis, Jack and Alma``
_NAME = r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2}"
_NAMES_LISTED = re.compile(rf"{_NAME}(?:\s*,\s*{_NAME})*,?\s+(?:and|&)\s+{_NAME}\s*$")


def _person_key(name: str) -> str:
    return " ".join(sorted(_PUNCT.sub(" ", name.lower().replace("-", " ")).split()))


def _title_like(t: str, people: set[str]) -> bool:
    t = t.strip(" ,.;:!?")
    words = t.split()
    if _person_key(t) in people or any(_person_key(p) in people for p in _NAME_PARTS.split(t) if p):
        return False
    if not words or len(words) > 9 or len(t) < 2:
        return False
    if _BAD_START.match(t) or NOT_WORK.search(t) or t.lower() in people:
        return False
    if _NUMBERS.fullmatch(t) or t.isupper() and len(t) <= 3:
        return False
    caps = [w for w in words if not _SMALL_RX.fullmatch(w)]
    return bool(caps) and all(w[0].isupper() or w[0].isdigit() or ord(w[0]) > 0x2e80 for w in caps)


def find(text: str, people: set[str], makers: set[str] = frozenset(),
         known_people: set[str] = frozenset()) -> list[tuple[int, int, str]]:
    """``(start, end, how)`` for each title span; ``people``: the names the text names, as
    order-free keys (``_person_key``); ``known_people``: names known for certain (the header, the
    gazetteer): only these veto a title the text sets apart in quotes or after a comparison cue."""
    spans: list[tuple[int, int, str]] = []

    def add(start: int, end: int, how: str, veto: set[str] = people) -> None:
        t = text[start:end]
        lead = len(t) - len(t.lstrip(" ,.;:!?"))
        t = t.strip(" ,.;:!?")
        start += lead
        end = start + len(t)
        if _title_like(t, veto) and not any(a <= start < b or start <= a < end for a, b, _ in spans):
            spans.append((start, end, how))

    for m in _QUOTED.finditer(text):
        t = m.group("t")
        if len(t.split()) <= 8 and not re.search(r"[.!?]\s+[A-Z]", t):
            add(m.start("t"), m.end("t"), "quoted", known_people)
    # "Bong Joon-ho's Parasite": a title after the possessive of a known director
    for m in re.finditer(r"((?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+)[’']s\s+(?:own\s+|new\s+|latest\s+)?(" + _ITEM_RX.pattern + r")", text):
        after = text[m.end(2):m.end(2) + 12]
        if _person_key(m.group(1)) in makers or m.start() < 300 and re.match(r"\s+(?:is|was)\b", after):
            add(m.start(2), m.end(2), "after its director's name")
    for m in _YEAR_TITLE.finditer(text):
        g = "t" if m.group("t") else "u"
        add(m.start(g), m.end(g), "with its year")
    for m in _PAREN_LIST.finditer(text):
        inner = m.group("list")
        if re.fullmatch(r"\s*(?:18|19|20)\d\d\s*", inner) or not re.search(r"[A-Z]", inner):
            continue
        before = text[max(0, m.start() - 40):m.start()]
        owner = re.search(r"((?:[A-Z][\w’'-]+\s+){0,3}[A-Z][\w’'-]+)\s*$", before)
        # the name's last words ("Japan’s Hirokazu Kore-eda": the name is the last two)
        owners = {_person_key(" ".join(owner.group(1).split()[-n:])) for n in range(1, 5)} if owner else set()
        by_maker = bool(owners & makers)
        if not (owners & people
                or re.search(r"(?:films?|movies?|works?|credits|filmography|director)\s*$", before, re.IGNORECASE)
                or re.search(r"[,;]\s*(?:et\s+al|etc)\.?\s*$", inner)):  # "(Ju Dou, Shanghai Triad, et al)"
            continue
        parts = [p for p in _SPLIT.split(inner) if p.strip() and p.strip().lower() not in ("etc", "et al", "etc.")]
        listed = _NAMES_LISTED.search(before)
        characters = _SPLIT.split(listed.group(0).strip()) if listed else []
        if characters and len(parts) == len(characters) and all(_person_key(n) in people for n in characters):
            continue  # "the twins Jeanne and Simon (A and B)": as many actors as characters
        quoted = bool(re.search(r"[“”\"‘’]", inner)) or bool(re.search(r"\b(?:18|19|20)\d\d\b", inner))
        if not parts or len(parts) < 2 and not quoted and not by_maker:
            continue  # "Chow Yun-fat (Li Mu Bai)" is an actor and a character; "Kore-eda (Nobody Knows)" a film
        if not all(_title_like(p.strip(" “”\"‘’"), known_people) for p in parts):
            continue
        pos = m.start("list")
        for p in parts:
            p = p.strip(" “”\"‘’")
            k = text.find(p, pos)
            if k >= 0:
                add(k, k + len(p), "in a filmography", known_people)
                pos = k + len(p)
    for m in _LIST_CUE.finditer(text):
        if after_names_word(text, m.start()):
            continue  # "assassins with names like Sky, Broken Sword and Flying Snow": names, not works
        pos = m.end()
        comparing = not re.match(r"(?:since|like|than|unlike|from|in|seen|starred|appeared|featured|films?|movies?|"
                                 r"works?|such|the|first|last|latest|previous|earlier|debut|next|new)\b",
                                 m.group(0).strip(), re.IGNORECASE)
        for n in range(6):
            t = _ITEM_RX.match(text, pos)
            if not t:
                break
            owner = _OWNER_S.match(text, t.end())
            if owner or re.search(r"[’']s$", t.group(0)):  # "recalls Akira Kurosawa's Kagemusha": owner, then title
                pos = owner.end() if owner else t.end()
                pos = _SPACES.match(text, pos).end()
                kind = _KIND_WORDS.match(text, pos)
                pos = kind.end() if kind else pos
                continue
            add(t.start(), t.end(), "after a list cue", known_people if comparing else people)
            sep = _LIST_SEP.match(text, t.end())
            if not sep or not sep.group(0):
                break
            pos = sep.end()
    # any comparison cue of the lexicon (``hasn't worn as well as The Killer``, ``akin to``, ``X meets
    # Y``) sets the title-case words right after it apart, as the list cues do
    from .compare_sentences import _CUE_RX, CUES

    for m in _CUE_RX.finditer(text):
        idx = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        if CUES[idx][0] == "adapted from" or after_names_word(text, m.start()):
            continue  # "based on Yu Hua's novel": an author's name follows as often as a title; "names like"
        pos = m.end()
        pos += len(text[pos:pos + 3]) - len(text[pos:pos + 3].lstrip(" \"“‘'("))
        for _ in range(4):
            t = _ITEM_RX.match(text, pos)
            if not t or re.match(r"[’']s\b", text[t.end():t.end() + 2]) or not t.group(0)[:1].isalpha():
                break
            if len(t.group(0).split()) >= 2 or _YEAR_AFTER.match(text, t.end()):
                add(t.start(), t.end(), "after a comparison cue")  # one word is too often a name
            sep = _CUE_SEP.match(text, t.end())
            if not sep:
                break
            pos = sep.end()
    # "a Power Rangers-esque army", "Independence Day-style scope": a title made into an adjective
    for m in re.finditer(rf"(?<![\w-])({TITLE})-(?:esque|style|like|inspired|type)\b", text):
        if m.group(1)[:1].isalpha() and len(m.group(1).split()) >= 2:
            add(m.start(1), m.end(1), "before -esque")
    # "Lee's Peppermint Candy", "Jackie Chan's Project A": a title after a named person's possessive
    named_words = {w for k in people for w in k.split()}
    for m in re.finditer(r"((?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+)[’']s?\s+(?:own\s+|new\s+|latest\s+|early\s+)?(" +
                         _ITEM_RX.pattern + r")", text):
        owner = _person_key(m.group(1))
        if owner in people or owner in named_words:
            add(m.start(2), m.end(2), "after a person's possessive")
    return spans
