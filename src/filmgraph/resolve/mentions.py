"""What resolution reads: the people and works each review names, with the context it gives.

One ``ReviewMentions`` per review, made from the review (its header, as refined by the text stage)
and the text stage's result. Only this review's own words go in: what other reviews say is the
resolver's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from sys import intern

from ..models import Review


@dataclass(frozen=True, slots=True)
class PersonMention:
    """A person as one review names them. ``films`` are the titles they are credited on there."""

    name: str
    role: str  # director | cast | actor (an actor the text pairs with a character) | reviewer | author | person
    films: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkMention:
    """A film or other work as one review names it. ``reviewed``: the film the review is about
    (its ``makers`` are the header's directors); any other work's makers were read from prose."""

    title: str
    kind: str = "film"  # film | novel | poem | other
    year: int | None = None
    makers: tuple[str, ...] = ()
    reviewed: bool = False
    #: other titles the review gives this work (the reviewed film's original title or AKA)
    other_titles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewMentions:
    review_id: str
    people: tuple[PersonMention, ...] = ()
    works: tuple[WorkMention, ...] = ()


def mentions_of(review_id: str, review: Review, result: object = None) -> ReviewMentions:
    """The header's film and people, and, when ``result`` is an ``ExtractionResult``, the text's.

    Header names are interned: the resolver keeps every review's mentions at once, and one
    director's name in 10,000 reviews is then one string, not 10,000 copies."""
    from ..extract.types import ExtractionResult

    people: list[PersonMention] = []
    works: list[WorkMention] = []
    film = review.title
    credited = (film,) if film else ()
    directors = tuple(intern(n) for n in review.directors)
    if film:
        other = (review.original_title,) if review.original_title and review.original_title != film else ()
        works.append(WorkMention(film, "film", review.year, directors, reviewed=True, other_titles=other))
    people += [PersonMention(n, "director", credited) for n in directors]
    people += [PersonMention(intern(n), "cast", credited) for n in review.cast]
    if review.reviewer:
        people.append(PersonMention(intern(review.reviewer), "reviewer"))
    if isinstance(result, ExtractionResult):
        people += [PersonMention(p.name, p.role) for p in result.people]
        for w in result.works:
            works.append(WorkMention(w.title, w.kind, w.year or w.known_year, (w.maker,) if w.maker else ()))
            if w.maker:
                people.append(PersonMention(w.maker, "director" if w.kind == "film" else "author", (w.title,)))
        # an actor the text pairs with a character: credited on the film, but not a header's spelling
        people += [PersonMention(c.actor, "actor", credited) for c in result.cast_roles]
    return ReviewMentions(review_id, _unique(people), _unique(works))


def _unique(items: Iterable) -> tuple:
    return tuple(dict.fromkeys(items))
