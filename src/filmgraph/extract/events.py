"""Events: festivals, awards and historical periods, by their naming patterns (and NER ``EVENT``)."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .spans import EVENT, PERSON, doc_text, overlaps_label, put_ents, state

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
