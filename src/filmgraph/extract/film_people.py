"""Who directed and who plays in the reviewed film, from the words around each name in prose.

A name is the film's director when the text says so of it: ``director X``, ``directed by X``,
``filmmaker X``, ``X's new film``, ``X-directed``, or ``X's <the reviewed film>``. A director of
another film named in passing (``Ang Lee's Crouching Tiger``) is not. A name is in the cast when the
text gives it a part: ``starring X``, ``X stars``, ``X plays``, ``X's performance``, ``actress X``,
a character beside it. Each decision keeps the words that made it.
"""

from __future__ import annotations

import re

from .gazetteer import person_key

_DIRECTOR_BEFORE = re.compile(
    r"(?:\bdirected\s+(?:and|&)\s+(?:co-?)?(?:written|acted|produced|edited|scored)\s+by|"
    r"\b(?:director|filmmaker|film-maker|helmer|auteur|master|maestro|writer-director|writer/director|"
    r"co-director)s?(?:\s+and\s+(?:co-?)?writer)?|\bdirected\s+by|\bhelmed\s+by|\bfrom\s+(?:director|filmmaker)|"
    r"\bby\s+(?:director|filmmaker)|\bdirector[’']s\s+chair,?|\bfifth[- ]generation\s+(?:director|filmmaker)|"
    r"(?:chinese|korean|japanese|taiwanese|hong kong|mainland|american|british|french|acclaimed|celebrated|"
    r"veteran|legendary|renowned|famed|great)\s+(?:director|filmmaker)|\bdirector,|"
    r"\b(?:new|latest|newest|recent|last)\s+(?:film|movie|feature|work|effort|offering|picture|epic)\s+(?:from|by)|"
    r"\b(?:an?|another)\s+(?:[\w-]+\s+){0,2}?(?:film|movie|feature|picture|masterpiece|epic|drama|triumph|gem)"
    r"\s+(?:from|by)|\b(?:film|movie|it)\s+(?:is|was)\s+by)"
    r"\s*[\"“]?$", re.IGNORECASE)
_NOT_DIRECTOR_BEFORE = re.compile(
    r"\b(?:director\s+of\s+photography|art\s+director|music\s+director|casting\s+director|action\s+director|"
    r"assistant\s+director|photography\s+director|martial[- ]arts\s+director|fight\s+director|"
    r"stunt\s+director|second[- ]unit\s+director|fellow\s+(?:[\w-]+\s+)?(?:director|filmmaker)s?)\s*$", re.IGNORECASE)
_DIRECTOR_AFTER = re.compile(
    r"^(?:[’']s?\s+(?:(?:brand[- ])?new|latest|newest|recent|current|upcoming|last)\s+(?:film|movie|feature|work|"
    r"effort|offering|outing|epic|picture|project)|[’']s?\s+(?:(?:feature\s+)?directorial|directing)\s+"
    r"(?:debut|effort|outing|work|style|hand|career|eye)|[’']s?\s+direction\b|-directed\b|\s*,?\s+(?:who\s+)?(?:directs|directed|helms|helmed)\b"
    r"|\s*\(\s*director\s*\)|\s*,\s+(?:the|its)\s+(?:film[’']s\s+)?director\b(?![’'])"
    r"|\s*,\s+(?:the|a|an|its)\s+(?:[\w-]+\s+){0,4}?(?:director|filmmaker|film-maker|auteur|helmer)\b"
    r"(?![’']|\s+of\s+photography)"
    r"|\s+(?:is|was)\s+(?:an?|the|one\s+of\s+the)\s+(?:[\w-]+\s+){0,3}?(?:director|filmmaker|film-maker)s?\b"
    r"(?![’']|\s+of\s+photography))",
    re.IGNORECASE)
#: words right before a name that make it a point of comparison, not the film's maker
#: (``in the same light as Woody Allen``, ``a la Wong Kar-wai``, ``more than Ang Lee``)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:like|unlike|than|as|à la|a la|vein of|shades of|reminiscent of|echoes of|compared (?:to|with)|"
    r"comparisons? (?:to|with)|school of|heirs? (?:to|of)|disciples? of|in the manner of|style of|"
    r"(?:the\s+)?(?:chinese|korean|japanese|asian|hong kong|taiwanese)\s+(?:equivalent|answer|version)\s+(?:of|to))\s*$",
    re.IGNORECASE)
_CAST_BEFORE = re.compile(
    r"(?:\bstarring|\bstars|\bco-?starring|\bdirects|\bcasts|\bcasting|\bfeaturing|\bactor|\bactress|\bactors|\bactresses|\bplayed\s+by|"
    r"\bportrayed\s+by|\bco-?star|\bleads?|\blead\s+actor|\blead\s+actress|\bnewcomer|\bheroine|\bhero|"
    r"\bperformances?\s+(?:from|by)|\b(?:turns?|cameos?|appearances?)\s+(?:from|by)|\bcast\s+(?:includes?|members?)|\bthe\s+(?:great|lovely|beautiful|luminous|"
    r"always\s+reliable|wonderful)|\bwith)"
    r"\s*(?:[\w-]+\s+){0,2}?$", re.IGNORECASE)
#: what a character is (``Gong Li is a peasant girl who ...``): an actor named as the part they play
_CHARACTER_NOUN = (r"(?:girl|woman|man|boy|wife|husband|mother|father|son|daughter|widow|widower|bride|soldier|cop|"
                   r"policeman|officer|detective|assassin|killer|hitman|warrior|swordsman|peasant|farmer|villager|"
                   r"teacher|student|gangster|mercenar(?:y|ies)|lovers?|neighbou?rs?|emperor|empress|general|king|"
                   r"queen|prince|princess|concubine|servant|maid|driver|thief|thieves|convict|prisoner|orphan|monk|"
                   r"spy|agent|journalist|singer|dancer|courtesan|heroine|protagonist|couple|brothers|sisters)")
_CAST_AFTER = re.compile(
    r"^(?:[’']s?\s+(?:performance|portrayal|turn|character|role|acting|expressive|luminous|face)|"
    r"\s*,?\s+(?:who\s+)?(?:stars|star|co-stars|plays|played|portrays|portrayed|gives|gave|"
    r"delivers|delivered|"
    r"(?:is|are)\s+(?:(?:both|all|equally|especially|truly|simply|quite)\s+)?(?:superb|excellent|incredible|wonderful|terrific|great|good|fine|brilliant|magnificent|convincing|luminous|"
    r"stunning|outstanding|solid|moving|marvell?ous)|shines|excels|embodies|"
    r"makes\s+(?:the\s+most|an?\s+appearance)|appears|turns\s+in|is\s+cast|was\s+cast|reprises)\b"
    r"|\s+(?:play|co-star|portray)\b"  # the plural after the last of a list, never after a comma
    rf"|\s*,?\s+(?:is|are|was|were)\s+(?:a|an|the|two|both|a\s+couple\s+of)\s+(?:[\w'’-]+\s+){{0,3}}?{_CHARACTER_NOUN}\b"
    r"|\s*\(\s*as\s+)", re.IGNORECASE)
_POSSESSIVE_BEFORE = re.compile(r"([A-Z][\w’'.-]*(?:[\s-]+[A-Z][\w’'.-]*){0,3})[’']s?\s+(?:own\s+)?(?:new\s+|latest\s+)?[\"“‘]?$")
#: ``Feng Xiaogang's social comedy "I Am Not Madame Bovary"``: a kind of film between the owner and the title
_POSSESSIVE_KIND_BEFORE = re.compile(
    r"([A-Z][\w’'.-]*(?:[\s-]+[A-Z][\w’'.-]*){0,3})[’']s?\s+(?:own\s+)?(?:new\s+|latest\s+)?"
    r"(?:[a-z][\w-]*,?\s+){0,2}?(?:film|movie|drama|comedy|romance|thriller|epic|melodrama|masterpiece|feature|"
    r"documentary|western|satire|fable|picture|musical|fantasy|horror|noir),?\s+[\"“‘]?$")
_PERFORMANCE_SENTENCE = re.compile(r"\b(?:performance|performances|portrays|portrayal|plays|played|stars|starring|"
                                   r"co-stars|role|roles|acting|acted|actor|actors|actress|actresses|performers|ensemble|cast)\b", re.IGNORECASE)


#: the words that name someone's other job on the film: the cinematographer, writer, composer...
_CREW_BEFORE = re.compile(
    r"\b(?:cinematographer|director\s+of\s+photography|cameraman|camera\s+operator|photographed\s+by|"
    r"lensed\s+by|shot\s+by|(?:co-?|screen)?writer|scripted\s+by|written\s+by|screenplay\s+by|script\s+by|"
    r"editor|edited\s+by|composer|score\s+by|music\s+by|producer|co-producer|produced\s+by|production\s+designer|"
    r"art\s+director|costume\s+designer|choreographer|action\s+(?:director|choreographer)|novelist|author)"
    r",?\s*(?:the\s+)?(?:great\s+|legendary\s+|frequent\s+collaborator\s+)?$", re.IGNORECASE)
_CREW_AFTER = re.compile(
    r"^(?:[’']s?\s+(?:[\w-]+\s+){0,2}?(?:cinematography|camera|camerawork|photography|lensing|lens|score|music|"
    r"screenplay|script|editing|costumes|production\s+design|choreography|novel|book)\b|"
    r"\s*,\s+(?:the|its|his|her|a)\s+(?:[\w-]+\s+){0,3}?(?:cinematographer|director\s+of\s+photography|"
    r"screenwriter|writer|editor|composer|producer|cameraman|novelist|author)\b|"
    r"\s*\(\s*(?:cinematographer|writer|screenwriter|composer|editor|producer)\s*\))", re.IGNORECASE)
_MAKER_FILM_AFTER = re.compile(r"^\s+(?:film|movie|picture|production|joint)\b", re.IGNORECASE)


def possessive_owner(text: str, start: int, through_kind: bool = False) -> str | None:
    """``Zhang Yimou's Hero`` -> ``Zhang Yimou`` for the mention of Hero at ``start``; with
    ``through_kind``, also ``Peter Chan's romance Comrades`` (who made it, not that it is the one
    reviewed: ``X's debut, The Chaser`` is often the film before)."""
    m = _POSSESSIVE_BEFORE.search(text[max(0, start - 60):start])
    if m is None and through_kind:
        m = _POSSESSIVE_KIND_BEFORE.search(text[max(0, start - 80):start])
    return m.group(1) if m else None


def director_cue(text: str, start: int, end: int) -> str | None:
    """The words that make the name at ``text[start:end]`` a director, if any."""
    before = text[max(0, start - 60):start]
    if _NOT_DIRECTOR_BEFORE.search(before):
        return None
    m = _DIRECTOR_BEFORE.search(before)
    if m:
        return " ".join(m.group(0).split())
    a = _DIRECTOR_AFTER.match(text[end:end + 50])
    if a:
        return " ".join(a.group(0).split())
    return None


def crew_cue(text: str, start: int, end: int) -> str | None:
    """The words that give the name at ``text[start:end]`` another job on the film than directing
    (``aided by cinematographer X``, ``X's cinematography``, ``X, the screenwriter``), if any."""
    m = _CREW_BEFORE.search(text[max(0, start - 60):start])
    if m:
        return " ".join(m.group(0).split())
    a = _CREW_AFTER.match(text[end:end + 60])
    return " ".join(a.group(0).split()) if a else None


_LONE_WORD = re.compile(r"(?<![\w’'-])([A-Z][\w-]{2,})(?=[’']s\b|(?![\w’'-]))")
_CAPITAL_NEXT = re.compile(r"^(?:[’']s)?[ \t]+[A-Z]")
_CAPITAL_BEFORE = re.compile(r"[A-Z][\w-]*[ \t]+$")
#: a capitalised word before the name that only opens the sentence (``But Ozu``)
_SENTENCE_OPENER = re.compile(r"[.!?:\n][\s\"“”]*[A-Z][a-z]*[ \t]+$")


def lone_name_parts(text: str, parts: set[str]) -> list[tuple[int, int]]:
    """Where ``text`` writes one of a person's name ``parts`` (lower case) as a word on its own,
    ``Ozu's mastery``, ``Mizoguchi was``: not inside a longer name (``Zhang Ziyi`` is not ``Zhang``)."""
    out = []
    for m in _LONE_WORD.finditer(text):
        word = m.group(1)
        keys = set(person_key(word).split())
        if not keys or not keys <= parts:
            continue
        if _CAPITAL_NEXT.match(text[m.end(1):m.end(1) + 4]):
            continue
        before = ("\n" if m.start() <= 30 else "") + text[max(0, m.start() - 30):m.start()]
        if _CAPITAL_BEFORE.search(before) and not _SENTENCE_OPENER.search(before):
            continue
        out.append((m.start(1), m.end(1)))
    return out


def maker_film_cue(text: str, start: int, end: int) -> str | None:
    """``an Ang Lee film``: the words around the name at ``text[start:end]``, if they make it a film's
    maker. A star's name stands there too (``a Matt Damon movie``), so the caller decides whom to trust."""
    before = text[max(0, start - 60):start]
    if _MAKER_FILM_AFTER.match(text[end:end + 20]) and re.search(r"\b(?:an?|this|his|her)\s+$", before):
        return f"{before.split()[-1]} ... {text[end:end + 20].split()[0]}"
    return None


def cast_cue(text: str, start: int, end: int, sentence: str) -> str | None:
    """The words that give the name at ``text[start:end]`` a part in the film, if any."""
    m = _CAST_BEFORE.search(text[max(0, start - 40):start])
    if m and m.group(0).strip().lower() != "with":
        return " ".join(m.group(0).split())
    after = text[end:end + 100]
    aside = _ASIDE.match(after)  # "Tony Leung ("Hard Boiled") plays": an aside between the name and its verb
    a = _CAST_AFTER.match(after[aside.end():] if aside else after)
    if a:
        return " ".join(a.group(0).split())
    return None


_ASIDE = re.compile(r"^\s*\([^()]{1,50}\)(?=\s*,?\s+[a-z])")


def performance_sentence(sentence: str) -> bool:
    """A sentence about acting (``performance``, ``plays``, ``role``): its names are likely cast."""
    return bool(_PERFORMANCE_SENTENCE.search(sentence))


def reference_cue(text: str, start: int) -> bool:
    """Is the name at ``start`` named as a point of comparison (``the same light as Woody Allen``)?"""
    return bool(_REFERENCE_BEFORE.search(text[max(0, start - 40):start]))
