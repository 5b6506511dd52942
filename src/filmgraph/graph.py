"""Stage 4, graph: a ``Review`` (and later what was extracted from it) to an rdflib graph.

schema.org is the core vocabulary; our own terms (``FG``) only fill its gaps. No blank nodes:
every node has a deterministic IRI, so building twice gives the same graph and exports round-trip
with the same triple count through any parser.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .iris import Iris, slugify
from .models import Review
from .values import iso_duration
from .vocab import FG, SCHEMA, prefixes_for


@dataclass(frozen=True)
class ReviewGraph:
    """One review's statements, ready for the store: its named graph IRI and its triples."""

    review_id: str
    review_iri: URIRef
    graph_iri: URIRef
    graph: Graph
    film_iri: URIRef | None


def review_id(review: Review) -> str:
    """A review's stable identity: its film and reviewer when the header says them.

    ``one-second-2021-by-john-li``; a web page naming no reviewer adds its site and a digest of
    its address (``hero-2002-from-example-org-3f2a9c``); without a title (free text, or a header with no title line),
    the source file's name, or for standard input a digest of the text.
    """
    if review.title:
        rid = slugify(review.title) + (f"-{review.year}" if review.year else "")
        if review.reviewer:
            return rid + f"-by-{slugify(review.reviewer)}"
        if review.url:
            # no reviewer named: two pages reviewing one film are still two reviews
            return rid + f"-from-{_page_key(review.url)}"
        return rid
    from pathlib import PurePath

    if review.source.startswith("<"):
        return f"text-{review.sha256[:12]}"
    return slugify(PurePath(review.source).stem)


def _page_key(url: str) -> str:
    """``https://www.empireonline.com/movies/x/review/`` -> ``empireonline-com-3f2a9c``: the site,
    readable, and a digest of the whole address, so two pages of one site stay apart."""
    import hashlib
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or "page"
    host = host.removeprefix("www.")
    return f"{slugify(host)}-{hashlib.sha256(url.strip().encode('utf-8')).hexdigest()[:6]}"


def film_iri(review: Review, iris: Iris, rid: str | None = None) -> URIRef | None:
    """The reviewed film's IRI: from its title; for a header that never names its film but states
    its director, cast, year or runtime, a film of its own (``film/untitled-<review id>``), so no
    header fact is lost; None when nothing at all is known of the film."""
    if review.title:
        return iris.film(review.title, review.year)
    if rid and _has_film_facts(review):
        return iris.entity("film", f"untitled-{rid}")
    return None


def _has_film_facts(review: Review) -> bool:
    return bool(review.directors or review.cast or review.credits or review.runtime_minutes or review.genres
                or review.year or review.original_title or review.distributors or review.opening_day)


def new_graph(base_iri: str) -> Graph:
    g = Graph()
    for prefix, ns in prefixes_for(base_iri).items():
        g.bind(prefix, ns, override=True)
    return g


def review_graph(review: Review, iris: Iris, rid: str | None = None) -> ReviewGraph:
    """The header and text of one review as schema.org statements.

    ``rid`` is the review's identity as read; the build passes it so that a subject the text
    stage infers later never moves a review to another named graph.
    """
    rid = rid or review_id(review)
    g = new_graph(iris.base)
    r = iris.review(rid)
    g.add((r, RDF.type, SCHEMA.Review))
    if review.body:
        g.add((r, SCHEMA.reviewBody, Literal(review.body, lang="en")))
    if review.synopsis:
        g.add((r, SCHEMA.abstract, Literal(review.synopsis, lang="en")))
    if review.reviewer:
        author = _person(g, iris, review.reviewer)
        g.add((r, SCHEMA.author, author))
    if review.date_published:  # web pages and datasets (inputs/)
        g.add((r, SCHEMA.datePublished, Literal(review.date_published.isoformat(), datatype=XSD.date)))
    if review.url:
        g.add((r, SCHEMA.url, Literal(review.url, datatype=XSD.anyURI)))
    if review.verdict or review.rating_value is not None:
        rating = URIRef(f"{iris.base}rating/{rid}")
        g.add((r, SCHEMA.reviewRating, rating))
        g.add((rating, RDF.type, SCHEMA.Rating))
        if review.verdict:
            g.add((rating, SCHEMA.ratingExplanation, Literal(review.verdict, lang="en")))
        if review.rating_value is not None:
            g.add((rating, SCHEMA.ratingValue, Literal(review.rating_value)))
            g.add((rating, SCHEMA.bestRating, Literal(review.rating_best)))

    if review.url:
        g.add((r, SCHEMA.url, Literal(review.url, datatype=XSD.anyURI)))
    for n, (label, value) in enumerate(review.extra_fields, 1):
        field = URIRef(f"{iris.base}field/{rid}/{n}")
        g.add((r, FG.headerField, field))
        g.add((field, RDF.type, FG.HeaderField))
        g.add((field, FG.fieldLabel, Literal(label)))
        g.add((field, FG.fieldValue, Literal(value)))
    film = film_iri(review, iris, rid)
    if film is not None:
        _add_film(g, iris, review, film)
        g.add((r, SCHEMA.itemReviewed, film))
    if not review.title:
        g.add((r, FG.subjectUnknown, Literal(True)))
    return ReviewGraph(rid, r, iris.review_graph(rid), g, film)


def _add_film(g: Graph, iris: Iris, review: Review, film: URIRef) -> None:
    g.add((film, RDF.type, SCHEMA.Movie))
    if review.title:
        g.add((film, SCHEMA.name, Literal(review.title, lang="en")))
    if review.original_title and review.original_title != review.title:
        original = Literal(review.original_title, lang=review.original_language)
        g.add((film, SCHEMA.name, original))
        g.add((film, FG.originalTitle, original))
    if review.year:
        g.add((film, FG.releaseYear, Literal(str(review.year), datatype=XSD.gYear)))
    for genre in review.genres:
        g.add((film, SCHEMA.genre, Literal(genre)))
    for name in review.directors:
        g.add((film, SCHEMA.director, _person(g, iris, name)))
    for name in review.cast:
        g.add((film, SCHEMA.actor, _person(g, iris, name)))
    if review.runtime_minutes:
        g.add((film, SCHEMA.duration, Literal(iso_duration(review.runtime_minutes), datatype=XSD.duration)))
        g.add((film, FG.runtimeMinutes, Literal(review.runtime_minutes)))
    if review.content_rating:
        g.add((film, SCHEMA.contentRating, Literal(review.content_rating)))
    if review.content_advisory:
        g.add((film, FG.contentAdvisory, Literal(review.content_advisory, lang="en")))
    if review.website:
        g.add((film, SCHEMA.url, Literal(review.website, datatype=XSD.anyURI)))
    if review.language:
        g.add((film, SCHEMA.inLanguage, Literal(review.language)))
    if review.opening_day or review.distributors:
        _add_release(g, iris, review, film)


def _add_release(g: Graph, iris: Iris, review: Review, film: URIRef) -> None:
    """The release a review's ``Opening Day`` and ``Released By`` describe."""
    where = f"-{slugify(review.release_country)}" if review.release_country else ""
    when = review.opening_day.isoformat() if review.opening_day else "undated"
    event = URIRef(f"{iris.base}release/{film.rsplit('/', 1)[-1]}{where}-{when}")
    g.add((film, SCHEMA.releasedEvent, event))
    g.add((event, RDF.type, SCHEMA.PublicationEvent))
    if review.opening_day:
        g.add((event, SCHEMA.startDate, Literal(review.opening_day.isoformat(), datatype=XSD.date)))
    for name in review.distributors:
        org = iris.organization(name)
        g.add((org, RDF.type, SCHEMA.Organization))
        g.add((org, SCHEMA.name, Literal(name)))
        g.add((event, SCHEMA.publishedBy, org))
    if review.release_country:
        country = iris.entity("country", review.release_country)
        g.add((country, RDF.type, SCHEMA.Country))
        g.add((country, SCHEMA.name, Literal(review.release_country)))
        g.add((event, SCHEMA.location, country))


def _person(g: Graph, iris: Iris, name: str) -> URIRef:
    p = iris.person(name)
    g.add((p, RDF.type, SCHEMA.Person))
    g.add((p, SCHEMA.name, Literal(name)))
    return p
