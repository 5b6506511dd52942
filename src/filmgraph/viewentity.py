"""Views: what one entity says, read by pattern from the store (label, type, facts, Wikidata, evidence).

Used by ``viewgraph`` to describe each node it draws. The evidence machinery of the RDF contract
(``oa:Annotation``, targets, selectors, extractors), ratings and link records are read here and
folded into the description of the thing they are about, never drawn as nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from dataclasses import dataclass, field

import pyoxigraph as ox

from .store import FilmStore
from .vocab import FG, FG_IRI, OA, PROV, SCHEMA

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"
S = str(SCHEMA)
WIKIDATA_ENTITY = re.compile(r"^https?://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")


@lru_cache(maxsize=None)
def fg(name: str) -> str:
    """An ``fg:`` IRI by name, through the closed ``FG`` namespace: a misspelled term raises."""
    return str(getattr(FG, name))


@dataclass(frozen=True)
class NodeType:
    """How one kind of entity is drawn: its key, legend name, colour and vis-network shape."""

    key: str
    name: str
    color: str
    shape: str


#: RDF classes to node types, most specific first (a node takes the first type it has)
NODE_TYPES: list[tuple[str, NodeType]] = [
    (f"{S}Review", NodeType("review", "Review", "#e15759", "star")),
    (f"{S}PerformanceRole", NodeType("role", "Role", "#76b7b2", "triangle")),
    (f"{S}Movie", NodeType("film", "Film", "#4e79a7", "dot")),
    (f"{S}Book", NodeType("work", "Other work", "#59a14f", "square")),
    (f"{S}CreativeWork", NodeType("work", "Other work", "#59a14f", "square")),
    (f"{S}Person", NodeType("person", "Person", "#f28e2b", "diamond")),
    (f"{S}Festival", NodeType("festival", "Festival", "#edc948", "hexagon")),
    (fg("Award"), NodeType("award", "Award", "#b07aa1", "star")),
    (fg("HistoricalPeriod"), NodeType("period", "Historical period", "#ff9da7", "hexagon")),
    (f"{S}PublicationEvent", NodeType("release", "Release", "#bab0ac", "square")),
    (f"{S}Event", NodeType("event", "Event", "#d4a6c8", "hexagon")),
    (f"{S}Organization", NodeType("organization", "Organization", "#9c755f", "triangleDown")),
    (f"{S}Country", NodeType("country", "Country", "#86bcb6", "dot")),
]
OTHER = NodeType("other", "Other", "#a0a0a0", "dot")
TYPES_BY_KEY: dict[str, NodeType] = {t.key: t for _, t in NODE_TYPES} | {OTHER.key: OTHER}

#: classes whose instances are folded into other nodes instead of drawn
FOLDED_TYPES = {
    str(OA.Annotation), str(OA.TextPositionSelector), str(OA.SpecificResource),
    str(PROV.SoftwareAgent), fg("Comparison"), f"{S}Rating",
    "http://www.w3.org/2002/07/owl#Ontology", "http://www.w3.org/2002/07/owl#Class",
}
#: predicates never drawn as edges
HIDDEN_PREDICATES = {RDF_TYPE, OWL_SAMEAS, f"{S}reviewRating"}

EDGE_LABELS = {
    f"{S}director": "director", f"{S}actor": "cast", f"{S}author": "author",
    f"{S}itemReviewed": "reviews", f"{S}mentions": "mentions", fg("comparedTo"): "compared to",
    f"{S}releasedEvent": "released", f"{S}publishedBy": "released by", f"{S}location": "in",
}
FACT_LABELS = {
    f"{S}name": "Name", fg("originalTitle"): "Original title", fg("releaseYear"): "Year",
    f"{S}genre": "Genre", f"{S}duration": "Duration", fg("runtimeMinutes"): "Runtime (min)",
    f"{S}contentRating": "Rating", fg("contentAdvisory"): "Advisory", f"{S}startDate": "Date",
    f"{S}characterName": "Character", fg("workKind"): "Kind", f"{S}abstract": "Synopsis",
    f"{S}reviewBody": "Review", f"{S}ratingExplanation": "Verdict", f"{S}inLanguage": "Language",
    f"{S}url": "Website", f"{S}description": "Description",
}
LONG_TEXT = 280  # characters of a long literal shown in a tooltip
WDT = "http://www.wikidata.org/prop/direct/"
#: names of the Wikidata properties the Wikidata graph holds (as Wikidata labels them)
WIKIDATA_PROPERTIES = {
    "P57": "director", "P161": "cast member", "P136": "genre", "P106": "occupation",
    "P27": "country of citizenship", "P495": "country of origin", "P19": "place of birth",
    "P20": "place of death", "P1412": "languages spoken, written, or signed", "P840": "narrative location",
    "P737": "influenced by", "P69": "educated at", "P26": "spouse", "P364": "original language",
    "P577": "publication date", "P2047": "duration", "P166": "award received", "P1411": "nominated for",
    "P58": "screenwriter", "P86": "composer", "P162": "producer", "P750": "distributed by",
}
WIKIPEDIA = re.compile(r"^https://[a-z-]+\.wikipedia\.org/wiki/[^\s]+$")
MAX_WIKIDATA_FACTS = 8


@dataclass
class Evidence:
    """One sentence an extractor read a statement from."""

    sentence: str
    section: str | None = None
    extractor: str | None = None
    confidence: str | None = None
    role: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Entity:
    """What a view says about one node."""

    iri: str
    type: NodeType
    label: str
    original: str | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    wikidata: str | None = None
    wikidata_description: str | None = None
    #: statements from the Wikidata graph: (property name, values joined), labels where known
    wikidata_facts: list[tuple[str, str]] = field(default_factory=list)
    wikipedia: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


class Reader:
    """Pattern reads on the store that skip the bookkeeping and ontology graphs."""

    def __init__(self, store: FilmStore) -> None:
        self.store = store
        self.ox = store.oxigraph
        self.skip = {str(store.iris.meta_graph), str(store.iris.ontology_graph)}
        self.wikidata_graph = str(store.iris.wikidata_graph)
        self.base = store.iris.base

    def quads(self, s=None, p=None, o=None) -> Iterable[ox.Quad]:
        nn = lambda v: ox.NamedNode(v) if isinstance(v, str) else v  # noqa: E731
        for q in self.ox.quads_for_pattern(nn(s), nn(p), nn(o), None):
            g = q.graph_name
            if isinstance(g, ox.DefaultGraph) or g.value in self.skip:
                continue  # the default graph repeats the named graphs (store.py)
            yield q

    def types(self, iri: str) -> list[str]:
        try:
            ox.NamedNode(iri)
        except ValueError:  # not an IRI at all (a title typed where an id could be): no types
            return []
        return [q.object.value for q in self.quads(iri, RDF_TYPE) if isinstance(q.object, ox.NamedNode)]

    def is_machinery(self, iri: str) -> bool:
        if any(iri.startswith(f"{self.base}{part}/") for part in ("annotation", "extractor", "link", "comparison", "rating")):
            return True
        return iri.startswith(("http://www.wikidata.org/", "https://www.wikidata.org/", FG_IRI))

    def drawable(self, iri: str) -> bool:
        """An entity a view draws: typed in our data, not evidence machinery."""
        if self.is_machinery(iri):
            return False
        types = self.types(iri)
        return bool(types) and not any(t in FOLDED_TYPES for t in types)

# --- describing nodes ------------------------------------------------------------------------------


def term_text(term: object) -> str:
    return term.value if isinstance(term, (ox.Literal, ox.NamedNode)) else str(term)


def best_name(literals: list[ox.Literal]) -> str | None:
    """English first, then untagged, then anything."""
    for test in (lambda l: l.language == "en", lambda l: not l.language, lambda l: True):  # noqa: E741
        for lit in literals:
            if test(lit):
                return lit.value
    return None


def _duration(text: str) -> str:
    """``PT1H44M`` as ``1 h 44 min``; anything else as it is."""
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", text)
    if not m or not any(m.groups()):
        return text
    return " ".join(f"{v} {u}" for v, u in zip(m.groups(), ("h", "min")) if v)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1].rstrip() + "…"


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1] or iri


def describe(reader: Reader, iri: str) -> Entity:
    """An entity's type, English label, original title, facts, Wikidata link and evidence."""
    quads = list(reader.quads(iri))
    types = [q.object.value for q in quads if q.predicate.value == RDF_TYPE]
    ntype = next((t for cls, t in NODE_TYPES if cls in types), OTHER)
    names = [q.object for q in quads if q.predicate.value in (f"{S}name", RDFS_LABEL) and isinstance(q.object, ox.Literal)]
    entity = Entity(iri, ntype, best_name(names) or local_name(iri))
    seen: set[tuple[str, str]] = set()
    for q in quads:
        p, o = q.predicate.value, q.object
        if p == fg("originalTitle") and isinstance(o, ox.Literal):
            entity.original = o.value
        if p == OWL_SAMEAS and isinstance(o, ox.NamedNode):
            m = WIKIDATA_ENTITY.match(o.value)
            if m and entity.wikidata is None:
                entity.wikidata = f"https://www.wikidata.org/wiki/{m.group(1)}"
                _add_wikidata(reader, entity, o)
        if isinstance(o, ox.Literal) and p not in (f"{S}name", RDFS_LABEL, fg("originalTitle")):
            value = _duration(o.value) if p == f"{S}duration" else o.value
            fact = (FACT_LABELS.get(p, local_name(p)), _short(value))
            if fact not in seen:
                seen.add(fact)
                entity.facts.append(fact)
        if p == f"{S}reviewRating" and isinstance(o, ox.NamedNode):  # a rating is folded into its review
            for rq in reader.quads(o.value):
                if isinstance(rq.object, ox.Literal):
                    entity.facts.append((FACT_LABELS.get(rq.predicate.value, local_name(rq.predicate.value)), _short(rq.object.value)))
    if ntype.key == "review":
        entity.label = _review_label(reader, iri, quads) or entity.label
    elif ntype.key == "role":
        entity.label = next((v for k, v in entity.facts if k == "Character"), entity.label)
    elif ntype.key == "film":  # a filmography reads better with years: "Hero (2002)"
        year = next((v for k, v in entity.facts if k == "Year"), None)
        if year and f"({year})" not in entity.label:
            entity.label = f"{entity.label} ({year})"
    elif ntype.key == "release":
        entity.label = "release " + next((v for k, v in entity.facts if k == "Date"), "(undated)")
    entity.facts.sort(key=lambda f: (f[0] in ("Synopsis", "Review", "Verdict"), f[0]))
    entity.evidence = evidence_for(reader, iri)
    return entity


def _add_wikidata(reader: Reader, entity: Entity, qid: ox.NamedNode) -> None:
    """What the Wikidata graph says about the entity's Wikidata item: description, Chinese name,
    Wikipedia article, and its statements with the labels of their values."""
    wd_graph = ox.NamedNode(reader.wikidata_graph)
    values: dict[str, list[str]] = {}
    for wq in reader.ox.quads_for_pattern(qid, None, None, wd_graph):
        wp, wo = wq.predicate.value, wq.object
        if wp == f"{S}description" and isinstance(wo, ox.Literal) and wo.language in ("en", None, ""):
            entity.wikidata_description = wo.value
        elif wp == RDFS_LABEL and isinstance(wo, ox.Literal) and wo.language == "zh" and entity.original is None:
            entity.original = wo.value  # a person's name in Chinese, from Wikidata
        elif wp.startswith(WDT):
            pid = wp[len(WDT):]
            values.setdefault(WIKIDATA_PROPERTIES.get(pid, pid), []).append(_wikidata_value(reader, wo, wd_graph))
    for wq in reader.ox.quads_for_pattern(None, ox.NamedNode(f"{S}about"), qid, wd_graph):
        if isinstance(wq.subject, ox.NamedNode) and WIKIPEDIA.match(wq.subject.value):
            if entity.wikipedia is None or "//en." in wq.subject.value:
                entity.wikipedia = wq.subject.value
    entity.wikidata_facts = [(name, _short(", ".join(sorted(set(vals)))))
                             for name, vals in sorted(values.items())][:MAX_WIKIDATA_FACTS]


def _wikidata_value(reader: Reader, term: object, wd_graph: ox.NamedNode) -> str:
    if isinstance(term, ox.NamedNode):
        labels = [q.object for q in reader.ox.quads_for_pattern(term, ox.NamedNode(RDFS_LABEL), None, wd_graph)
                  if isinstance(q.object, ox.Literal)]
        return best_name(labels) or local_name(term.value)
    return term_text(term)


def _review_label(reader: Reader, iri: str, quads: list[ox.Quad]) -> str | None:
    def name_of(p: str) -> str | None:
        for q in quads:
            if q.predicate.value == p and isinstance(q.object, ox.NamedNode):
                names = [n.object for n in reader.quads(q.object.value, f"{S}name") if isinstance(n.object, ox.Literal)]
                return best_name(names)
        return None

    film, author = name_of(f"{S}itemReviewed"), name_of(f"{S}author")
    if not film:
        return None
    return f"Review of {film}" + (f" by {author}" if author else "")


def evidence_for(reader: Reader, iri: str) -> list[Evidence]:
    """The sentences annotations (``oa:hasBody iri``) were read from, most confident first."""
    found: list[Evidence] = []
    for q in reader.quads(p=str(OA.hasBody), o=iri):
        ann = q.subject.value
        props: dict[str, str] = {}
        for aq in reader.quads(ann):
            p = aq.predicate.value
            props.setdefault(p, term_text(aq.object))
            if p == str(OA.hasTarget) and isinstance(aq.object, ox.NamedNode):
                for tq in reader.quads(aq.object.value):
                    props.setdefault(tq.predicate.value, term_text(tq.object))
        sentence = props.get(fg("sentence"))
        if sentence:
            found.append(Evidence(_short(sentence), props.get(fg("section")), props.get(fg("extractor")),
                                  props.get(fg("confidence")), props.get(fg("mentionRole"))))
    found.sort(key=lambda e: -float(e.confidence or 0))
    unique: dict[str, Evidence] = {}
    for e in found:
        unique.setdefault(e.sentence, e)
    return list(unique.values())
