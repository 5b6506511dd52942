"""Link the store's entities and merge Wikidata's facts: the RDF this stage writes.

* ``{base}graph/links``: ``our-entity owl:sameAs wd:Q…`` and a link record ``{base}link/{entity-slug}``
  (``fg:Link``: ``fg:linkSubject``, ``fg:linkTarget``, ``fg:linkScore``, ``fg:linkReason``).
* ``{base}graph/wikidata``: what Wikidata says about each linked entity, in Wikidata's own
  vocabulary: ``wdt:P…`` statements, ``rdfs:label`` with language tags, ``schema:description``,
  ``schema:about`` from Wikipedia articles; plus the labels of the items those statements name
  when the data has them.

Review graphs are never touched. Both graphs are rebuilt from this run's decisions, except that an
entity whose lookup *failed* keeps whatever link and facts it had, so a flaky network loses nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..iris import Iris, slugify
from ..settings import Settings
from ..store import FilmStore, from_ox, to_ox
from ..vocab import FG, FG_IRI, SCHEMA, WD, WDT
from .entity import Entity
from .link import Linker, LinkReport, Mention

FG_AWARD, FG_PERIOD = (URIRef(FG_IRI + n) for n in ("Award", "HistoricalPeriod"))
TYPE_KIND = {str(SCHEMA.Movie): "film", str(SCHEMA.Person): "person", str(SCHEMA.Festival): "festival",
             str(FG_AWARD): "award", str(FG_PERIOD): "period", str(SCHEMA.Book): "novel",
             str(SCHEMA.CreativeWork): "work"}
PRIORITY = ["film", "person", "festival", "award", "period", "novel", "work"]


def links_graph(iris: Iris) -> URIRef:
    return URIRef(f"{iris.base}graph/links")


def link_record(iris: Iris, entity: str) -> URIRef:
    """``{base}film/one-second-2021`` -> ``{base}link/film-one-second-2021``."""
    local = entity[len(iris.base):] if entity.startswith(iris.base) else entity
    return URIRef(f"{iris.base}link/{slugify(local)}")


# --- what the store holds ----------------------------------------------------------------------------

def _rows(store: FilmStore, sparql: str) -> list[dict]:
    prefixes = f"PREFIX schema: <{SCHEMA}>\nPREFIX fg: <{FG_IRI}>\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    names = _vars(sparql)
    return [{v.value: from_ox(r[v]) for v in names if r[v] is not None} for r in store.query(prefixes + sparql)]


def _vars(sparql: str) -> list[ox.Variable]:
    import re

    head = sparql.split("WHERE")[0]
    return [ox.Variable(v) for v in dict.fromkeys(re.findall(r"\?(\w+)", head))]


def mentions_in(store: FilmStore) -> list[Mention]:
    """Every film, work, person, festival, award and historical period the store holds, with context.

    People who only write reviews (``schema:author`` of a ``schema:Review`` and nothing else) are
    left out: reviewers are rarely in Wikidata and a namesake would be a wrong link.
    """
    types = " ".join(f"<{t}>" for t in TYPE_KIND)
    names: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    kinds: dict[str, set[str]] = defaultdict(set)
    for r in _rows(store, f"SELECT ?e ?t ?n WHERE {{ VALUES ?t {{ {types} }} ?e a ?t . "
                          f"OPTIONAL {{ ?e schema:name|fg:originalTitle ?n }} FILTER(isIRI(?e)) }}"):
        iri = str(r["e"])
        kinds[iri].add(TYPE_KIND[str(r["t"])])
        n = r.get("n")
        if isinstance(n, Literal) and str(n).strip() and (str(n), n.language) not in names[iri]:
            names[iri].append((str(n).strip(), n.language))
    for r in _rows(store, "SELECT ?e ?k WHERE { ?e fg:workKind ?k }"):
        k = str(r["k"])
        if str(r["e"]) in kinds:
            kinds[str(r["e"])].add({"film": "film", "novel": "novel"}.get(k, "work"))
    years = {str(r["e"]): int(str(r["y"])[:4]) for r in _rows(store, "SELECT ?e ?y WHERE { ?e fg:releaseYear ?y }")
             if str(r["y"])[:4].isdigit()}
    people: dict[str, dict[str, list[tuple[str, str]]]] = {"director": defaultdict(list), "actor": defaultdict(list)}
    films_of: dict[str, set[str]] = defaultdict(set)
    for rel in ("director", "actor"):
        for r in _rows(store, f"SELECT DISTINCT ?f ?p ?n WHERE {{ ?f schema:{rel} ?p . ?p a schema:Person ; schema:name ?n }}"):
            pair = (str(r["p"]), str(r["n"]))
            if pair not in people[rel][str(r["f"])]:
                people[rel][str(r["f"])].append(pair)
            films_of[str(r["p"])].add(str(r["f"]))
    review_directors: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in _rows(store, "SELECT DISTINCT ?e ?d ?n WHERE { GRAPH ?g { ?r a schema:Review ; schema:itemReviewed ?f . "
                          "?f schema:director ?d . ?d schema:name ?n . "
                          "{ ?r schema:mentions ?e } UNION { ?f (schema:director|schema:actor) ?e } } }"):
        pair = (str(r["d"]), str(r["n"]))
        if pair not in review_directors[str(r["e"])]:
            review_directors[str(r["e"])].append(pair)
    authors = {str(r["p"]) for r in _rows(store, "SELECT DISTINCT ?p WHERE { ?r a schema:Review ; schema:author ?p }")}
    out = []
    for iri in sorted(kinds):
        kind = next(k for k in PRIORITY if k in kinds[iri])
        if not names[iri] or kind == "person" and iri in authors and iri not in films_of:
            continue
        out.append(Mention(iri, kind, tuple(names[iri]), years.get(iri), tuple(people["director"].get(iri, ())),
                           tuple(people["actor"].get(iri, ())), tuple(review_directors.get(iri, ())),
                           tuple(sorted(films_of.get(iri, ())))))
    return out


# --- the RDF ---------------------------------------------------------------------------------------------

def link_triples(iris: Iris, report: LinkReport) -> list[tuple]:
    out: list[tuple] = []
    for d in report.decisions:
        if d.status != "linked" or not d.qid:
            continue
        e, wd, rec = URIRef(d.mention.iri), WD[d.qid], link_record(iris, d.mention.iri)
        out += [(e, OWL.sameAs, wd), (rec, RDF.type, FG.Link), (rec, FG.linkSubject, e), (rec, FG.linkTarget, wd),
                (rec, FG.linkScore, Literal(f"{d.score:.3f}", datatype=XSD.decimal))]
        out += [(rec, FG.linkReason, Literal(r, lang="en")) for r in d.reasons]
    return out


def fact_triples(entities: dict[str, Entity], labels_from: Callable[[list[str]], dict[str, Entity]]) -> list[tuple]:
    """Wikidata's statements about ``entities`` in Wikidata's vocabulary; labels for the items they name."""
    out: list[tuple] = []
    named: set[str] = set()
    for e in entities.values():
        wd = WD[e.id]
        out += _labels(e)
        for site, title in e.sitelinks.items():
            lang = site.removesuffix("wiki")
            out.append((URIRef(f"https://{lang}.wikipedia.org/wiki/{title.replace(' ', '_')}"), SCHEMA.about, wd))
        for prop, values in e.claims.items():
            for v in values:
                term = _value(v)
                if term is not None:
                    out.append((wd, WDT[prop], term))
                    if isinstance(v, str):
                        named.add(v)
    for other in labels_from(sorted(named - set(entities))).values():
        out += [t for t in _labels(other) if t[1] == RDFS.label]
    return out


def _labels(e: Entity) -> list[tuple]:
    wd = WD[e.id]
    out = [(wd, RDFS.label, Literal(text, lang=lang)) for lang, text in sorted(e.labels.items())]
    out += [(wd, SCHEMA.description, Literal(text, lang=lang)) for lang, text in sorted(e.descriptions.items())]
    return out


def _value(v: object):
    if isinstance(v, str):
        return WD[v]
    if not isinstance(v, dict):
        return None
    if "time" in v:
        t = v["time"].lstrip("+")
        return Literal(t.replace("-00", "-01") if t[:4].isdigit() else t, datatype=XSD.dateTime)
    if "amount" in v:
        return Literal(v["amount"].lstrip("+"), datatype=XSD.decimal)
    if "text" in v:
        return Literal(v["text"], lang=v.get("language"))
    if "string" in v:
        return Literal(v["string"])
    return None


# --- the whole stage ---------------------------------------------------------------------------------------

def make_lookup(settings: Settings, *, session=None, warn: Callable[[str], None] = lambda m: None, sleep=None):
    """The lookup the settings ask for: cache; network unless offline; the bundled and imported snapshots."""
    from .cache import Cache
    from .client import WikidataClient
    from .lookup import Lookup
    from .snapshot import Snapshot, bundled_snapshot_dir

    folders: list[Path] = []
    if settings.wikidata_snapshot != Path("none"):
        folders.append(settings.wikidata_snapshot or bundled_snapshot_dir())
    folders.append(settings.wikidata_import_dir)
    snapshot = Snapshot.load(folders)
    client = None
    if not settings.offline:
        client = WikidataClient(settings, session=session, **({"sleep": sleep} if sleep else {}))
    return Lookup(settings, client=client, cache=Cache(settings.cache_dir, settings.cache_max_age_days),
                  snapshot=snapshot if len(snapshot) else None, warn=warn)


def link_store(store: FilmStore, settings: Settings, *, lookup=None, warn: Callable[[str], None] = lambda m: None,
               session=None) -> LinkReport:
    """Link every entity in ``store`` and rewrite its links and Wikidata graphs; return the report."""
    lookup = lookup if lookup is not None else make_lookup(settings, session=session, warn=warn)
    iris = store.iris
    mentions = mentions_in(store)
    decisions = Linker(lookup, settings.link_threshold).link(mentions)
    report = LinkReport(decisions, list(lookup.warnings), lookup.requests,
                        lookup.cache.hits if lookup.cache is not None else 0,
                        "offline (cache and snapshot)" if not lookup.online and lookup.client is None
                        else "Wikidata, with cache" + (" (network down: snapshot)" if lookup.network_down else ""))
    linked = {d.qid for d in decisions if d.status == "linked" and d.qid}
    entities = lookup.entities(sorted(linked)) if linked else {}

    def labels_from(ids: list[str]) -> dict[str, Entity]:
        # labels of the items statements name, only from what is already at hand: no extra requests
        found = lookup.snapshot.get(ids) if lookup.snapshot is not None else {}
        if lookup.cache is not None:
            for i in ids:
                hit = lookup.cache.get("entity", {"id": i}) if i not in found else None
                if hit is not None and "missing" not in hit.response:
                    found[i] = Entity.from_json(hit.response)
        return found

    links = link_triples(iris, report)
    facts = fact_triples(entities, labels_from)
    kept = _keep_failed(store, iris, [d.mention.iri for d in decisions if d.status == "failed"])
    links += kept[0]
    facts += kept[1]
    _write(store, links_graph(iris), links)
    _write(store, iris.wikidata_graph, facts)
    return report


def _keep_failed(store: FilmStore, iris: Iris, failed: list[str]) -> tuple[list[tuple], list[tuple]]:
    """The link records, sameAs and facts an entity had, when looking it up failed this time."""
    if not failed:
        return [], []
    old_links = store.graph(links_graph(iris))
    old_facts = store.graph(iris.wikidata_graph)
    links: list[tuple] = []
    facts: list[tuple] = []
    for iri in failed:
        e, rec = URIRef(iri), link_record(iris, iri)
        links += list(old_links.triples((e, None, None))) + list(old_links.triples((rec, None, None)))
        for wd in old_links.objects(e, OWL.sameAs):
            about = list(old_facts.triples((wd, None, None)))
            facts += about + list(old_facts.triples((None, SCHEMA.about, wd)))
            for _, p, o in about:
                if str(p).startswith(str(WDT)):
                    facts += list(old_facts.triples((o, RDFS.label, None)))
    return links, facts


def _write(store: FilmStore, graph: URIRef, triples: list[tuple]) -> None:
    unique = sorted(set(triples), key=lambda t: tuple(str(x) for x in t))
    key = hashlib.sha256("\n".join(" ".join(str(to_ox(x)) for x in t) for t in unique).encode()).hexdigest()
    store.replace_graph(graph, unique, source="wikidata linker", build_key=key)
