"""Deterministic, readable IRIs: ``{base}film/one-second-2021``, ``{base}person/zhang-yimou``.

The same name always mints the same IRI. These are the *name-minted* IRIs; the build's resolve
stage (``resolve/``) decides which of them name one real thing, gives each thing one canonical
IRI, and links every other variant to it with ``owl:sameAs``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef


def slugify(text: str) -> str:
    """``Zhang Yimou`` -> ``zhang-yimou``; accents dropped, CJK kept (IRIs allow it)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^\w]+", "-", stripped.lower(), flags=re.UNICODE).strip("-_")
    slug = slug.replace("_", "-")
    return slug or hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


class Iris:
    """Mints every IRI filmgraph uses from one base IRI (a setting)."""

    def __init__(self, base: str) -> None:
        if not re.match(r"^[a-z][a-z0-9+.-]*:", base):
            raise ValueError(f"base IRI must be absolute, got {base!r}")
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def film(self, title: str, year: int | None) -> URIRef:
        return URIRef(f"{self.base}film/{slugify(title)}" + (f"-{year}" if year else ""))

    def person(self, name: str) -> URIRef:
        return URIRef(f"{self.base}person/{slugify(name)}")

    def work(self, title: str, kind: str = "film", year: int | None = None, maker: str | None = None) -> URIRef:
        """A work a review names: a film by title and year, any other work (novel, poem) by title.

        ``maker`` is not part of a name-minted IRI; a resolution (``resolve.ResolvedIris``) uses it
        to tell same-titled works apart.
        """
        if kind == "film":
            return self.film(title, year)
        return self.entity("work", title)

    def organization(self, name: str) -> URIRef:
        return URIRef(f"{self.base}organization/{slugify(name)}")

    def review(self, review_id: str) -> URIRef:
        return URIRef(f"{self.base}review/{review_id}")

    def review_graph(self, review_id: str) -> URIRef:
        return URIRef(f"{self.base}graph/review/{review_id}")

    def entity(self, kind: str, name: str) -> URIRef:
        """Any other named thing (``work``, ``event``, ...)."""
        return URIRef(f"{self.base}{kind}/{slugify(name)}")

    @property
    def ontology_graph(self) -> URIRef:
        return URIRef(f"{self.base}graph/ontology")

    @property
    def meta_graph(self) -> URIRef:
        """Bookkeeping (which source built which graph, and from what bytes); never exported."""
        return URIRef(f"{self.base}graph/meta")

    @property
    def wikidata_graph(self) -> URIRef:
        return URIRef(f"{self.base}graph/wikidata")

    def is_review_graph(self, iri: str) -> bool:
        return iri.startswith(f"{self.base}graph/review/")
