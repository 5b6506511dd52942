"""Known titles and names for the gazetteer: from the store, a review's header, Wikidata.

An entry is a ``(label, kind)`` pair: ``("Cinema Paradiso", "film")``, ``("Zhang Yimou",
"person")``, ``("Berlin Film Festival", "festival")``. Any iterable of them plugs in, so the
Wikidata snapshot (issue 4) can feed it without this module knowing its format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from collections.abc import Iterable, Iterator

from ..models import Review

Entry = tuple[str, str]
#: entry kind -> entity label the components use
LABELS = {
    "film": "WORK_OF_ART", "novel": "WORK_OF_ART", "poem": "WORK_OF_ART", "other": "WORK_OF_ART",
    "work": "WORK_OF_ART",
    "person": "PERSON", "director": "PERSON", "cast": "PERSON", "reviewer": "PERSON", "filmmaker": "PERSON",
    "festival": "EVENT", "award": "EVENT", "period": "EVENT",
}

_STORE_QUERY = """
PREFIX schema: <https://schema.org/>
PREFIX fg: <https://w3id.org/filmgraph/ontology#>
SELECT DISTINCT ?name ?type ?kind ?year WHERE {
  ?x a ?type ; schema:name ?name .
  VALUES ?type { schema:Movie schema:CreativeWork schema:Person schema:Festival fg:Award fg:HistoricalPeriod }
  OPTIONAL { ?x fg:workKind ?kind }
  OPTIONAL { ?x fg:releaseYear ?year }
}
"""
_TYPE_KIND = {
    "https://schema.org/Movie": "film", "https://schema.org/CreativeWork": "other",
    "https://schema.org/Person": "person", "https://schema.org/Festival": "festival",
    "https://w3id.org/filmgraph/ontology#Award": "award",
    "https://w3id.org/filmgraph/ontology#HistoricalPeriod": "period",
}


_WIKIDATA_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT DISTINCT ?g ?label ?kind WHERE {
  GRAPH ?g {
    { ?x wdt:P57|wdt:P161 ?who . BIND("film" AS ?kind) }
    UNION { ?film wdt:P57|wdt:P161 ?x . BIND("person" AS ?kind) }
    ?x rdfs:label ?label .
    FILTER(langMatches(lang(?label), "en"))
  }
}
"""


def from_wikidata_graph(store) -> list[Entry]:
    """English labels of the films and people in the store's Wikidata graph (issue 4 fills it):
    subjects of director/cast-member statements are films, their objects people."""
    import pyoxigraph as ox

    rows = store.query(_WIKIDATA_QUERY, union=False,
                       substitutions={ox.Variable("g"): ox.NamedNode(str(store.iris.wikidata_graph))})
    return sorted({(r["label"].value, r["kind"].value) for r in rows})


def from_store(store) -> tuple[list[Entry], dict[str, int]]:
    """Titles and names the store already holds (headers, earlier reviews, Wikidata labels),
    and the release years of the films among them (to reuse a known film's IRI)."""
    entries: list[Entry] = []
    years: dict[str, int] = {}
    for row in store.query(_STORE_QUERY, union=True):
        name = row["name"].value
        kind = row["kind"].value if row["kind"] is not None else _TYPE_KIND[row["type"].value]
        if not name.isascii() and not any(c.isalpha() and c.isascii() for c in name):
            continue  # original-script titles (一秒钟) never occur in English text as such
        entries.append((name, kind))
        if row["year"] is not None and kind == "film":
            try:
                years.setdefault(name.lower(), int(row["year"].value[:4]))
            except ValueError:
                pass
    entries.extend(from_wikidata_graph(store))
    return sorted(set(entries)), years


def from_headers(reviews: Iterable[Review]) -> tuple[list[Entry], dict[str, int]]:
    """Titles and names the headers of a whole build give, before any review is analysed, so a
    film mentioned by an earlier review gets the year (and IRI) its own review's header states."""
    entries: set[Entry] = set()
    years: dict[str, int] = {}
    for review in reviews:
        entries.update(from_review(review))
        if review.title and review.year:
            years.setdefault(review.title.lower(), review.year)
    return sorted(entries), years


def from_review(review: Review) -> Iterator[Entry]:
    """The names a review's header gives: its film, director(s), cast and reviewer."""
    if review.title:
        yield review.title, "film"
    for name in review.directors:
        yield name, "director"
    for name in review.cast:
        yield name, "cast"
    if review.reviewer:
        yield review.reviewer, "reviewer"


def normalise_entries(entries: Iterable[tuple]) -> list[Entry]:
    """Keep ``(label, kind)`` pairs whose kind we know; ignore the rest."""
    return [(str(e[0]), str(e[1])) for e in entries if len(e) >= 2 and str(e[1]) in LABELS]


_WORK_DESCRIPTION = re.compile(
    r"\b(?:film|movie|animated feature|miniseries|television series|tv series|novel|novella|play|opera|"
    r"short story|manga|anime)(?:\s+(?:by|directed|starring|from|series|based|adaptation|written|trilogy)\b|\s*[,(]|\s*$)",
    re.IGNORECASE)
_PERSON_DESCRIPTION = re.compile(
    r"\b(?:actor|actress|director|film ?maker|screenwriter|producer|cinematographer|composer|singer|novelist|"
    r"writer|author|martial artist|choreographer|artist|comedian|musician|model|politician|dancer|poet|painter|"
    r"presenter|rapper|playwright|photographer|editor|critic|born)\b", re.IGNORECASE)
_NOVEL = re.compile(r"\b(?:novel|novella|short story|book)\b", re.IGNORECASE)


def from_snapshot(snapshot) -> list[Entry]:
    """Films, novels and people of a Wikidata snapshot, by English label and alias.

    Kinds come from what the snapshot says: films are the subjects of director/cast-member
    statements or items described as a film; people the objects of those statements or items
    described by a profession. Only names of two or more words are kept: one-word titles
    (``Hero``, ``Signs``) and names are too often ordinary words. Static data, so the text stage's
    result depends only on the review (and the snapshot's version, in its fingerprint).
    """
    people_ids: set[str] = set()
    entries: dict[str, str] = {}
    for e in snapshot.entities.values():
        for prop in ("P57", "P161"):
            people_ids.update(e.items(prop))
    for e in snapshot.entities.values():
        description = e.descriptions.get("en", "") or ""
        if e.id in people_ids or _PERSON_DESCRIPTION.search(description):
            kind = "person"
        elif e.items("P57") or e.items("P161") or _WORK_DESCRIPTION.search(description):
            kind = "novel" if _NOVEL.search(description) and not re.search(r"\bfilm\b", description) else "film"
        else:
            continue
        for text, lang, _how in e.names(("en",)):
            text = text.strip()
            if len(text.split()) >= 2 and len(text) <= 60 and text[:1].isupper() and not text.isupper():
                entries.setdefault(text, kind)
    return sorted(entries.items())


def bundled_entries(settings) -> list[Entry]:
    """``from_snapshot`` of the snapshot the settings name (the bundled one by default)."""
    from pathlib import Path

    from ..wikidata.snapshot import Snapshot, bundled_snapshot_dir

    if settings.wikidata_snapshot == Path("none"):
        return []
    return from_snapshot(Snapshot.load([settings.wikidata_snapshot or bundled_snapshot_dir()]))


@lru_cache(maxsize=1 << 16)
def person_key(name: str) -> str:
    """Order-free, hyphen-free key: ``Yimou Zhang`` = ``Zhang Yimou``; ``Chiu-wai`` = ``Chiu Wai``."""
    import unicodedata

    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(sorted(re.sub(r"[^\w\s]", " ", text.replace("-", " ")).split()))


@dataclass(frozen=True)
class KnownFacts:
    """What the Wikidata snapshot says about people and films, for deciding roles in a review:
    who is a film director at all, and who directed or played in a film of a given title."""

    directors: frozenset[str] = frozenset()
    film_directors: dict[str, frozenset[str]] = field(default_factory=dict)
    film_cast: dict[str, frozenset[str]] = field(default_factory=dict)
    #: title keys of the snapshot's films and novels (two words or more): titles a clipped span may grow to
    titles: frozenset[str] = frozenset()

    @cached_property
    def director_surnames(self) -> frozenset[str]:
        """The distinctive words (five letters or more) of the directors' names: a surname that may
        stand alone for its director (``Fellini``, ``Kurosawa``)."""
        return frozenset(w for key in self.directors for w in key.split() if len(w) >= 5)


def title_key(title: str) -> str:
    t = " ".join(re.sub(r"[^\w\s]", " ", title.lower().replace("’", "'")).split())
    return re.sub(r"^(?:the|a|an)\s+", "", t)


def facts_from_snapshot(snapshot) -> KnownFacts:
    directors: set[str] = set()
    film_directors: dict[str, set[str]] = {}
    film_cast: dict[str, set[str]] = {}
    by_id = snapshot.entities

    def names_of(ids) -> set[str]:
        return {person_key(t) for i in ids if i in by_id for t, _l, _h in by_id[i].names(("en",))}

    for e in by_id.values():
        description = e.descriptions.get("en", "") or ""
        if re.search(r"\b(?:film ?maker|(?:film |movie )?director)\b", description, re.IGNORECASE):
            directors.update(person_key(t) for t, _l, _h in e.names(("en",)))
        d, c = e.items("P57"), e.items("P161")
        if d or c:
            for t, _l, _h in e.names(("en",)):
                if d:
                    film_directors.setdefault(title_key(t), set()).update(names_of(d))
                    directors.update(names_of(d))
                if c:
                    film_cast.setdefault(title_key(t), set()).update(names_of(c))
    titles = frozenset(title_key(t) for t, kind in from_snapshot(snapshot) if kind in ("film", "novel"))
    return KnownFacts(frozenset(directors), {k: frozenset(v) for k, v in film_directors.items()},
                      {k: frozenset(v) for k, v in film_cast.items()}, titles)


def bundled_facts(settings) -> KnownFacts:
    from pathlib import Path

    from ..wikidata.snapshot import Snapshot, bundled_snapshot_dir

    if settings.wikidata_snapshot == Path("none"):
        return KnownFacts()
    return facts_from_snapshot(Snapshot.load([settings.wikidata_snapshot or bundled_snapshot_dir()]))
