"""One section of a review as plain facts, and the few helpers every stage of ``assemble`` uses:
the facts a section's annotated ``Doc`` holds (``collect``), a name without its titles or
possessive (``clean_name``), a text's comparison key (``norm_text``), the evidence of a span
(``evidence_at``), and how the review refers to people (``Names``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Review
from .spans import doc_text, sentence_bounds
from .types import Evidence

_POSS = re.compile(r"[’']s?$")
_POSS_END = re.compile(r"(?<=\w)[’']s$")

@dataclass
class SectionFacts:
    """What the components found in one section, by character offsets (picklable)."""

    section: str
    text: str
    sentences: list[tuple[int, int]] = field(default_factory=list)
    persons: list[tuple[int, int]] = field(default_factory=list)
    works: list[tuple[int, int, dict]] = field(default_factory=list)
    events: list[tuple[int, int, str]] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    comparisons: list[dict] = field(default_factory=list)
    #: places, organisations, dates... (start, end, label): never titles
    others: list[tuple[int, int, str]] = field(default_factory=list)


def collect(doc, section: str) -> SectionFacts:
    """The plain facts of one annotated ``Doc``."""
    fg = doc.user_data.get("filmgraph") or {"works": {}, "events": {}, "roles": [], "comparisons": []}
    text = doc_text(doc)
    if doc.has_annotation("SENT_START"):
        # the rules' sentence ranges, already split once (``doc.sents`` walks every token again)
        sents = [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)) for a, b in sentence_bounds(doc) if b > a]
    else:
        sents = [(0, len(text))]
    facts = SectionFacts(section, text, sents)
    for e in doc.ents:
        key = (e.start_char, e.end_char)
        if e.label_ == "PERSON":
            # "Feng Xiaogang’s effort": the possessive is the cue after the name, not part of it
            possessive = _POSS_END.search(e.text)
            facts.persons.append((key[0], key[1] - len(possessive.group(0))) if possessive else key)
        elif e.label_ == "WORK_OF_ART":
            facts.works.append((*key, dict(fg["works"].get(key, {}))))
        elif e.label_ == "EVENT" and key in fg["events"]:
            facts.events.append((*key, fg["events"][key]))
        elif e.label_ in ("GPE", "LOC", "NORP", "DATE", "TIME", "MONEY", "PERCENT"):
            facts.others.append((*key, e.label_))
    facts.roles = list(fg["roles"])
    facts.comparisons = list(fg["comparisons"])
    return facts


_TITLES = re.compile(r"^(?:cinematographer|director|filmmaker|producer|composer|actor|actress|writer|"
                     r"screenwriter|novelist|author|star|co-star|newcomer|veteran|starring|stars|co-starring|"
                     r"featuring|language|cast|directed by|written by|written and directed by)\s+", re.IGNORECASE)
#: header words a flattened table leaves after a name (``Tianyuan Huang Theatre Release``)
_TRAILING_LABELS = re.compile(r"(?:\s+(?:theatre|theater|release|released|date|runtime|genre|genres|language|"
                              r"country|rating|spotlight|trailer|poster|gallery))+$", re.IGNORECASE)


def clean_name(text: str) -> str:
    """``Zhang Yimou’s`` -> ``Zhang Yimou``; ``Cinematographer Zhao Xiaoding`` -> ``Zhao Xiaoding``."""
    text = " ".join(text.split())
    text = _POSS.sub("", text).strip(" ,;:()“”\"")
    text = re.split(r"\s*[?!|]", text, maxsplit=1)[0]  # "Zhang Yimou? Really?"
    stripped = _TRAILING_LABELS.sub("", _TITLES.sub("", text))
    return stripped if stripped and stripped[:1].isupper() else text


def clean_title(text: str) -> str:
    """A title as ``clean_name`` tidies a name, but its first word is kept even when it names a
    job (``Star Wars``, ``Cast Away``, ``Director's Cut``): only a person carries a job title."""
    text = " ".join(text.split())
    text = _POSS.sub("", text).strip(" ,;:()“”\"")
    text = re.split(r"\s*[?!|]", text, maxsplit=1)[0]
    stripped = _TRAILING_LABELS.sub("", text)
    return stripped if stripped and stripped[:1].isupper() else text


def norm_text(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def evidence_at(f: SectionFacts, start: int, end: int, extractor: str, confidence: float) -> Evidence:
    s0, s1 = next(((a, b) for a, b in f.sentences if a <= start < b), (0, len(f.text)))
    return Evidence(f.section, start, end, f.text[s0:s1].strip(), s0, s1, extractor, round(float(confidence), 2))


class Names:
    """Resolves how a review refers to people to their full names."""

    def __init__(self, review: Review, text_names: list[str], known: set[str]) -> None:
        self.directors = list(review.directors)
        self.cast = list(review.cast)
        self.full: list[str] = []
        for n in [*review.directors, *review.cast, *( [review.reviewer] if review.reviewer else []), *text_names]:
            if n and len(n.split()) > 1 and n not in self.full:
                self.full.append(n)
        self.known = known

    def resolve(self, text: str) -> str | None:
        name = clean_name(text)
        if not name:
            return None
        if name in self.full or name in self.known:
            return name
        parts = name.split()
        if len(parts) > 1:
            return name
        cands = [n for n in self.full if name in n.replace("-", " ").split() or name in n.split()]
        if len(cands) == 1:
            return cands[0]
        for group in (self.directors, self.cast):
            pick = [n for n in cands if n in group]
            if len(pick) == 1:
                return pick[0]
        return None
