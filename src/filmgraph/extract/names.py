"""Names whole: ``Bong Joon-ho``, ``Tony Leung Chiu-wai``, ``Maggie Cheung Man-yuk``, ``Kim Ki-taek``.

The tokenizer splits ``Joon-ho`` at its hyphen and the small statistical NER often stops at the
first syllable (``Bong Joon``) or drops a leading given name (``Leung Chiu-wai``). A name then
directs the wrong films and a character becomes a second person. This component mends PERSON
spans: it carries a span over a ``-syllable`` glued to its last token, and takes in a capitalised
given name right before it. It also takes back a name the NER filed as an organisation
(``Hirokazu Kore-eda``, ``Hong-jin Na`` come out as ORG) when it has a name's shape: a
hyphenated given name, or the words around it give it a person's job (``directed by``, ``, who``).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from .spans import doc_text

#: words that start sentences or stand before names without being part of them
_NOT_GIVEN = {"The", "A", "An", "And", "But", "Or", "As", "In", "On", "At", "By", "For", "From", "With", "Of", "To",
              "Director", "Actor", "Actress", "Star", "Stars", "Starring", "Filmmaker", "Producer", "Writer",
              "Mr", "Mrs", "Ms", "Dr", "Detective", "Inspector", "Captain", "General", "King", "Queen", "Emperor",
              "Empress", "Prince", "Princess", "Lord", "Lady", "Master", "Madame", "Uncle", "Aunt", "Chancellor",
              "Commander", "Officer", "Sergeant", "Professor", "Father", "Mother", "Brother", "Sister", "When",
              "While", "Then", "Here", "There", "This", "That", "If", "So", "Yet", "Also", "Both", "Even",
              "Meanwhile", "However", "Later", "Now", "Once", "Only", "Still", "After", "Before", "Since", "Like",
              "Unlike", "Veteran", "Newcomer", "Legendary", "Co", "Cinematographer", "Composer"}


#: NER labels a person's name is often given by mistake
_MISFILED = {"ORG", "GPE", "NORP", "PRODUCT", "FAC", "WORK_OF_ART", "LOC"}
#: "Kore-eda", "Joon-ho", "Chiu-wai": a capitalised syllable, a hyphen, a short lower-case syllable
_HYPHENATED_NAME = re.compile(r"^[A-Z][a-z]{1,8}-[a-z]{1,5}$")
_NOT_NAME_WORDS = re.compile(
    r"\b(?:Films?|Pictures|Studios?|Entertainment|Company|Corporation|Festival|Group|Media|Productions?|Bank|"
    r"University|Records|Press|Society|Institute|Awards?|Prize|Dynasty|Empire|Kingdom|Republic|Party|Army|"
    r"Times|Post|News|Magazine|Channel|Network|Co|Inc|Ltd|The|Of|And)\b")
_PERSON_BEFORE = re.compile(r"(?:\b(?:directed|helmed|written|played|portrayed)\s+by|\b(?:director|filmmaker|"
                            r"film-maker|actor|actress|starring|co-starring|writer-director)s?)[\s\"“]*$", re.IGNORECASE)
_PERSON_AFTER = re.compile(r"^\s*,\s+who\b|^\s+(?:directs|directed|stars|starred|plays|played)\b")


def _person_shaped(doc: Doc, e: Span) -> bool:
    """Is the ``e`` the NER filed as an organisation (or place, product...) a person's name?"""
    text = doc_text(doc)
    words = e.text.split()
    if not 2 <= len(words) <= 3 or _NOT_NAME_WORDS.search(e.text):
        return False
    if not all(w[:1].isupper() and re.fullmatch(r"[A-Z][\w’'-]*", w) for w in words):
        return False
    if any(_HYPHENATED_NAME.match(w) for w in words) or _hyphen_tail(doc, e.end) > e.end:
        return True  # "Kore-eda", or "Hirokazu Kore" with its "-eda" left outside
    return bool(_PERSON_BEFORE.search(text[max(0, e.start_char - 30):e.start_char])
                or _PERSON_AFTER.match(text[e.end_char:e.end_char + 20]))


def _hyphen_tail(doc: Doc, end: int) -> int:
    """``Joon`` ``-`` ``ho`` glued together: the end past ``-ho``."""
    while (end + 1 < len(doc) and doc[end].text in {"-", "‐", "‑"} and not doc[end - 1].whitespace_
           and not doc[end].whitespace_ and doc[end + 1].is_alpha and doc[end + 1].text[:1].islower()
           and len(doc[end + 1]) <= 5):
        end += 2
    return end


def mend_names(doc: Doc) -> Doc:
    ents = list(doc.ents)
    changed = False
    out: list[Span] = []
    for i, e in enumerate(ents):
        start, end = e.start, e.end
        if e.label_ in _MISFILED and _person_shaped(doc, e):
            e = Span(doc, start, end, label="PERSON")
            changed = True
        if e.label_ == "PERSON":
            new_end = _hyphen_tail(doc, end)
            new_start = start
            if start > 0:
                prev = doc[start - 1]
                if (prev.is_alpha and prev.text[:1].isupper() and prev.text not in _NOT_GIVEN and prev.whitespace_
                        and not prev.is_sent_start and (start < 2 or doc[start - 2].text not in {"’s", "'s"})
                        and prev.tag_ in {"NNP", "NNPS"} and not any(o.end == start for o in ents)):
                    new_start = start - 1
            if (new_start, new_end) != (start, end) and not any(
                    o is not e and o.start < new_end and new_start < o.end for o in ents):
                e = Span(doc, new_start, new_end, label="PERSON")
                changed = True
        out.append(e)
    if changed:
        doc.ents = out
    return doc
