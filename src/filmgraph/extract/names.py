"""Names whole: ``Bong Joon-ho``, ``Tony Leung Chiu-wai``, ``Maggie Cheung Man-yuk``, ``Kim Ki-taek``.

The tokenizer splits ``Joon-ho`` at its hyphen and the small statistical NER often stops at the
first syllable (``Bong Joon``) or drops a leading given name (``Leung Chiu-wai``). A name then
directs the wrong films and a character becomes a second person. This component mends PERSON
spans: it carries a span over a ``-syllable`` glued to its last token, and takes in a capitalised
given name right before it.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

#: words that start sentences or stand before names without being part of them
_NOT_GIVEN = {"The", "A", "An", "And", "But", "Or", "As", "In", "On", "At", "By", "For", "From", "With", "Of", "To",
              "Director", "Actor", "Actress", "Star", "Stars", "Starring", "Filmmaker", "Producer", "Writer",
              "Mr", "Mrs", "Ms", "Dr", "Detective", "Inspector", "Captain", "General", "King", "Queen", "Emperor",
              "Empress", "Prince", "Princess", "Lord", "Lady", "Master", "Madame", "Uncle", "Aunt", "Chancellor",
              "Commander", "Officer", "Sergeant", "Professor", "Father", "Mother", "Brother", "Sister", "When",
              "While", "Then", "Here", "There", "This", "That", "If", "So", "Yet", "Also", "Both", "Even",
              "Meanwhile", "However", "Later", "Now", "Once", "Only", "Still", "After", "Before", "Since", "Like",
              "Unlike", "Veteran", "Newcomer", "Legendary", "Co", "Cinematographer", "Composer"}


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
