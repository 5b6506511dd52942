"""What the extraction stage hands on: plain, frozen, picklable dataclasses (no spaCy objects).

Offsets are character offsets into one section of the review (``Review.synopsis``, ``.body`` or
``.verdict``, exactly as read), so a statement can always be traced back to the words that say it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SECTIONS = ("synopsis", "body", "verdict")
#: the section name of a review's title line and headings, read for the people they credit only
HEADINGS = "headings"


def heading_lines(review) -> str:
    """The review's title line and heading lines, one a line (each once)."""
    lines = [line for line in dict.fromkeys((review.title or "", *review.headings)) if line.strip()]
    return "\n".join(" ".join(line.split()) for line in lines)


PERSON_ROLES = ("director", "cast", "reviewer", "filmmaker", "person")
WORK_KINDS = ("film", "novel", "poem", "other")
EVENT_KINDS = ("festival", "award", "period")
POLARITIES = ("favourable", "unfavourable", "neutral")
RELATIONS = ("similar to", "contrast", "adapted from", "inspired by")


@dataclass(frozen=True)
class Evidence:
    """Where a statement comes from: a span of one section, its sentence, and who said so."""

    section: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    extractor: str
    confidence: float


@dataclass(frozen=True)
class Mention:
    """One span of text naming a person, work or event; ``name`` is what it resolves to."""

    text: str
    label: str  # PERSON | WORK | EVENT
    kind: str  # person role, work kind or event kind
    name: str
    section: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class PersonRole:
    """A person the review names, and what they are in it (``director``, ``cast``, ...)."""

    name: str
    role: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Work:
    """Another work the review names. ``year`` is the year the text states; ``known_year`` one
    known from elsewhere (the store, the gazetteer) that only chooses the film's IRI."""

    title: str
    kind: str = "film"
    year: int | None = None
    maker: str | None = None
    known_year: int | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class CastRole:
    """An actor and the character (a name or a description: ``the projectionist``) they play."""

    actor: str
    character: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """The review compares its film to ``work`` (a title among ``ExtractionResult.works``)."""

    work: str
    cue: str
    polarity: str = "neutral"
    evidence: tuple[Evidence, ...] = ()
    #: similar to / contrast / adapted from / inspired by
    relation: str = "similar to"


@dataclass(frozen=True)
class Event:
    """A festival, an award or a historical period the review names."""

    name: str
    kind: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Subject:
    """The film a free-text review is about, as inferred from its text."""

    title: str
    year: int | None = None
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    #: how sure the ranking is (0-1), and what spoke for and against the choice
    confidence: float = 0.0
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExtractionResult:
    """Everything extracted from one review."""

    mentions: tuple[Mention, ...] = ()
    people: tuple[PersonRole, ...] = ()
    works: tuple[Work, ...] = ()
    cast_roles: tuple[CastRole, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    events: tuple[Event, ...] = ()
    subject: Subject | None = None
    warnings: tuple[str, ...] = field(default=())
