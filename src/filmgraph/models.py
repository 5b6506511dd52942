"""The data types that flow between the stages. Plain, frozen dataclasses: no rdflib, no spaCy."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class ReviewSource:
    """The raw bytes of one review and where they came from (a path as given, or ``<stdin>``)."""

    name: str
    data: bytes
    #: what the bytes are: "" (decide by name and content), "text", "markdown", "html", or "row"
    #: (one dataset row as JSON, see ``filmgraph.inputs.dataset``)
    kind: str = ""

    @property
    def sha256(self) -> str:
        """Digest of the bytes; for a fetched page, of its URL too (the graph states it)."""
        import hashlib

        if self.name.startswith(("http://", "https://")):
            return hashlib.sha256(self.name.encode("utf-8") + b"\x00" + self.data).hexdigest()
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Review:
    """One review as read: the structured header (all optional) and the sections of free text.

    Text offsets used by later stages refer to ``synopsis``, ``body`` and ``verdict`` exactly as
    stored here (after line endings and non-breaking spaces are normalised).
    """

    source: str
    sha256: str
    title: str | None = None
    original_title: str | None = None
    #: BCP 47 tag of ``original_title`` when its script says it (``zh``, ``ja``, ``ko``, ...)
    original_language: str | None = None
    year: int | None = None
    genres: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    runtime_minutes: int | None = None
    content_rating: str | None = None
    content_advisory: str | None = None
    distributors: tuple[str, ...] = ()
    website: str | None = None
    opening_day: date | None = None
    release_country: str | None = None
    language: str | None = None
    reviewer: str | None = None
    #: when the review was published, when the input says so (web pages, datasets)
    date_published: date | None = None
    synopsis: str = ""
    body: str = ""
    verdict: str = ""
    rating_value: float | None = None
    rating_best: float | None = None
    #: False for free text with no header at all: the subject is then unknown until inferred
    has_header: bool = True
    #: the page's address (a ``SOURCE:`` line, or where it was fetched from)
    url: str | None = None
    #: short heading lines above the text that did not name the film outright: title candidates
    headings: tuple[str, ...] = ()
    #: actor -> character pairs from a credits block (``Jet Li as Nameless``, ``Gong Li (Phoenix)``)
    credits: tuple[tuple[str, str], ...] = ()
    #: labelled fields the reader has no slot for (``Trivia``, ``Producer``), as written
    extra_fields: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def has_subject(self) -> bool:
        return bool(self.title)

    def replace(self, **changes: object) -> "Review":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class ReviewOutcome:
    """What happened to one review during a build."""

    source: str
    status: str  # "added" | "replaced" | "unchanged" | "failed" | "skipped"
    review_iri: str | None = None
    triples: int = 0
    error: str | None = None
    warnings: tuple[str, ...] = ()


#: statuses of a review that did not go in (each has an ``error`` line)
PROBLEM_STATUSES = ("failed", "skipped")


@dataclass
class BuildReport:
    """The outcome of one build: every review counted by status, and outcomes kept up to a bound.

    A dataset can hold millions of rows, so the report's memory must not grow with them: it keeps
    the first ``keep`` outcomes in input order (all of them, in a build of up to ``keep`` reviews)
    and the first ``keep`` problems (failed or skipped reviews); past that it only counts. Every
    outcome, problems included, is still handed to the build's ``on_outcome`` as it happens (the
    CLI prints each problem's line there), so none is lost.
    """

    keep: int = 1000
    #: the first ``keep`` outcomes, in input order
    outcomes: list[ReviewOutcome] = field(default_factory=list)
    #: the first ``keep`` failed or skipped outcomes, in input order
    problems: list[ReviewOutcome] = field(default_factory=list)
    #: status -> how many reviews ended so (all of them, kept or not)
    counts: dict[str, int] = field(default_factory=dict)
    #: what resolving and rendering the whole store did (``pipeline.RenderReport``)
    render: object | None = field(default=None, repr=False)

    def add(self, outcome: ReviewOutcome) -> None:
        self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1
        if len(self.outcomes) < self.keep:
            self.outcomes.append(outcome)
        if outcome.status in PROBLEM_STATUSES and len(self.problems) < self.keep:
            self.problems.append(outcome)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def total(self) -> int:
        """Reviews (and unreadable inputs) the build met."""
        return sum(self.counts.values())

    @property
    def problems_not_kept(self) -> int:
        """Problems counted but not in ``problems`` (reported only through ``on_outcome``)."""
        return sum(self.count(s) for s in PROBLEM_STATUSES) - len(self.problems)

    @property
    def failed(self) -> list[ReviewOutcome]:
        """The failed outcomes kept (``count("failed")`` says how many there were)."""
        return [o for o in self.problems if o.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.count("failed")
