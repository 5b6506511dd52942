"""Views: what each entity says (label, type, facts, Wikidata, evidence), read for all the nodes a
view draws in a few batched queries (``Statements``).

Used by ``viewgraph`` to describe each node it draws. The evidence machinery of the RDF contract
(``oa:Annotation``, targets, selectors, extractors), ratings and link records are read here and
folded into the description of the thing they are about, never drawn as nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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
OA_HAS_BODY, OA_HAS_TARGET = str(OA.hasBody), str(OA.hasTarget)
#: what an annotation and its target say that a piece of evidence shows
EVIDENCE_PREDICATES = (fg("sentence"), fg("section"), fg("extractor"), fg("confidence"), fg("mentionRole"))
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
        self.machinery = tuple(f"{self.base}{part}/" for part in ("annotation", "extractor", "link", "comparison", "rating")) + (
            "http://www.wikidata.org/", "https://www.wikidata.org/", FG_IRI)

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
        return iri.startswith(self.machinery)

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


#: IRIs per VALUES block of a batched read (one query per block)
VALUES_BLOCK = 1_000


def values_block(iris: Iterable[str]) -> str:
    """IRIs as SPARQL terms for a VALUES block: each through ``ox.NamedNode``, which rejects
    anything that is not an IRI, so no text is ever pasted into the query."""
    return " ".join(str(ox.NamedNode(i)) for i in iris)


class Statements:
    """What a view says about its nodes, read in a few batched queries instead of pattern reads
    per node (a whole-graph view of a big store draws 1,500 nodes, and each needs its own
    statements, its rating, the names of its film and author, its Wikidata item and the
    evidence sentences of its annotations).

    Each read is a SELECT over VALUES blocks of IRIs; rows come back in the engine's index
    order, as pattern reads return them, so the first name, fact or sentence chosen for a node
    is the one the per-node reads chose. The data is the default graph where the store keeps it
    as the union of the data graphs (each statement once), else every data graph, deduplicated.
    """

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        #: subject -> its (predicate, object) pairs in the data
        self.about: dict[str, list[tuple[str, object]]] = {}
        #: Wikidata item -> its (predicate, object) pairs in the Wikidata graph
        self.wikidata: dict[str, list[tuple[str, object]]] = {}
        #: Wikidata value (an item) -> its rdfs:label literals in the Wikidata graph
        self.wikidata_labels: dict[str, list[ox.Literal]] = {}
        #: Wikidata item -> the Wikipedia pages that are ``schema:about`` it
        self.pages: dict[str, list[str]] = {}
        #: annotation or target -> its (predicate, object) pairs that evidence shows (EVIDENCE_PREDICATES)
        self.evidence: dict[str, list[tuple[str, object]]] = {}
        #: predicate -> object -> the subjects that state it (``oa:hasBody``: a node's annotations)
        self.incoming: dict[str, dict[str, list[str]]] = {}

    # --- batched reads ----------------------------------------------------------------------------

    def _data(self, pattern: str, graph: str = "g") -> str:
        """``pattern`` over the data: the default graph if the store keeps the union there, else
        each data graph, as ``?graph`` (the caller's SELECT DISTINCT drops the repeats)."""
        store = self.reader.store
        if store.keeps_default_graph:
            return pattern
        skip = ", ".join(str(ox.NamedNode(g)) for g in sorted(self.reader.skip))
        return f"GRAPH ?{graph} {{ {pattern} }} FILTER(?{graph} NOT IN ({skip}))"

    def _wd(self, pattern: str) -> str:
        return f"GRAPH {ox.NamedNode(self.reader.wikidata_graph)} {{ {pattern} }}"

    def _rows(self, wanted: Iterable[str], have: dict, select: str, where) -> Iterator[ox.QuerySolution]:
        """The rows of ``SELECT DISTINCT select`` for each block of the ``wanted`` IRIs not yet
        in ``have`` (bound to ``?k``); each of them gets an entry in ``have``, empty if it has no rows."""
        missing = sorted({i for i in wanted if i not in have})
        for i in missing:
            have[i] = []
        distinct = "" if self.reader.store.keeps_default_graph else "DISTINCT "
        for at in range(0, len(missing), VALUES_BLOCK):
            block = values_block(missing[at: at + VALUES_BLOCK])
            yield from self.reader.store.query(
                f"SELECT {distinct}{select} WHERE {{ VALUES ?k {{ {block} }} {where} }}", union=False)

    def read_about(self, iris: Iterable[str]) -> None:
        for r in self._rows(iris, self.about, "?k ?p ?o", self._data("?k ?p ?o")):
            self.about[r[0].value].append((r[1].value, r[2]))

    SHOWN = ", ".join(str(ox.NamedNode(p)) for p in (OA_HAS_TARGET, *EVIDENCE_PREDICATES))

    def _read_evidence_rows(self, iris: Iterable[str]) -> None:
        """What evidence shows of each of ``iris`` (annotation targets)."""
        for r in self._rows(iris, self.evidence, "?k ?p ?o", self._data(f"?k ?p ?o FILTER(?p IN ({self.SHOWN}))")):
            self.evidence[r[0].value].append((r[1].value, r[2]))

    def read_wikidata(self, qids: Iterable[str]) -> None:
        for r in self._rows(qids, self.wikidata, "?k ?p ?o", self._wd("?k ?p ?o")):
            self.wikidata[r[0].value].append((r[1].value, r[2]))
        for r in self._rows(qids, self.pages, "?k ?page", self._wd(f"?page {ox.NamedNode(S + 'about')} ?k")):
            if isinstance(r[1], ox.NamedNode):
                self.pages[r[0].value].append(r[1].value)
        values = {o.value for q in qids for p, o in self.wikidata[q] if p.startswith(WDT) and isinstance(o, ox.NamedNode)}
        for r in self._rows(values, self.wikidata_labels, "?k ?label", self._wd(f"?k {ox.NamedNode(RDFS_LABEL)} ?label")):
            if isinstance(r[1], ox.Literal):
                self.wikidata_labels[r[0].value].append(r[1])

    def read_incoming(self, predicate: str, iris: Iterable[str]) -> dict[str, list[str]]:
        """The subjects (IRIs) that state ``predicate`` of each of ``iris``."""
        have = self.incoming.setdefault(predicate, {})
        for r in self._rows(iris, have, "?k ?s", self._data(f"?s {ox.NamedNode(predicate)} ?k")):
            if isinstance(r[1], ox.NamedNode):
                have[r[0].value].append(r[1].value)
        return have

    def read_evidence(self, iris: Iterable[str]) -> None:
        """The annotations whose body is one of ``iris`` with what evidence shows of them (one
        query per block: annotations without any of it are left out, as they show nothing), then
        their targets."""
        iris = list(iris)
        bodies = self.incoming.setdefault(OA_HAS_BODY, {})
        where = (self._data(f"?a {ox.NamedNode(OA_HAS_BODY)} ?k FILTER(isIRI(?a))", "g") + " "
                 + self._data(f"?a ?p ?o FILTER(?p IN ({self.SHOWN}))", "h"))
        filled_by: dict[str, str | None] = {}  # annotation -> the body whose rows fill it (None: read before)
        for r in self._rows(iris, bodies, "?k ?a ?p ?o", where):
            k, a = r[0].value, r[1].value
            if not bodies[k] or bodies[k][-1] != a:  # rows come annotation by annotation
                bodies[k].append(a)
            if a not in filled_by:
                filled_by[a] = None if a in self.evidence else k
                if filled_by[a]:
                    self.evidence[a] = []
            if filled_by[a] == k:
                self.evidence[a].append((r[2].value, r[3]))
        annotations = {a for i in iris for a in bodies[i]}
        self._read_evidence_rows({o.value for a in annotations for p, o in self.evidence[a]
                                  if p == OA_HAS_TARGET and isinstance(o, ox.NamedNode)})

    def read(self, iris: Iterable[str]) -> "Statements":
        """Everything ``describe`` needs about ``iris``, in about ten queries per 1,000 nodes."""
        iris = sorted(set(iris))
        self.read_about(iris)
        linked, qids = set(), []
        for i in iris:
            qid = None
            for p, o in self.about[i]:
                if p in (f"{S}reviewRating", f"{S}itemReviewed", f"{S}author") and isinstance(o, ox.NamedNode):
                    linked.add(o.value)  # folded into the node: a rating's facts, the names in a review's label
                if qid is None and p == OWL_SAMEAS and isinstance(o, ox.NamedNode) and WIKIDATA_ENTITY.match(o.value):
                    qid = o.value
            if qid:
                qids.append(qid)
        self.read_about(linked)
        self.read_wikidata(qids)
        self.read_evidence(iris)
        return self

    # --- what was read ----------------------------------------------------------------------------

    def objects(self, iri: str, predicate: str) -> list[object]:
        return [o for p, o in self.about.get(iri, ()) if p == predicate]


def describe(st: Statements, iri: str) -> Entity:
    """An entity's type, English label, original title, facts, Wikidata link and evidence, from
    statements already read (``Statements.read``)."""
    rows = st.about[iri]
    types = [o.value for p, o in rows if p == RDF_TYPE]
    ntype = next((t for cls, t in NODE_TYPES if cls in types), OTHER)
    names = [o for p, o in rows if p in (f"{S}name", RDFS_LABEL) and isinstance(o, ox.Literal)]
    entity = Entity(iri, ntype, best_name(names) or local_name(iri))
    seen: set[tuple[str, str]] = set()
    for p, o in rows:
        if p == fg("originalTitle") and isinstance(o, ox.Literal):
            entity.original = o.value
        if p == OWL_SAMEAS and isinstance(o, ox.NamedNode):
            m = WIKIDATA_ENTITY.match(o.value)
            if m and entity.wikidata is None:
                entity.wikidata = f"https://www.wikidata.org/wiki/{m.group(1)}"
                _add_wikidata(st, entity, o.value)
        if isinstance(o, ox.Literal) and p not in (f"{S}name", RDFS_LABEL, fg("originalTitle")):
            value = _duration(o.value) if p == f"{S}duration" else o.value
            fact = (FACT_LABELS.get(p, local_name(p)), _short(value))
            if fact not in seen:
                seen.add(fact)
                entity.facts.append(fact)
        if p == f"{S}reviewRating" and isinstance(o, ox.NamedNode):  # a rating is folded into its review
            for rp, ro in st.about[o.value]:
                if isinstance(ro, ox.Literal):
                    entity.facts.append((FACT_LABELS.get(rp, local_name(rp)), _short(ro.value)))
    if ntype.key == "review":
        entity.label = _review_label(st, rows) or entity.label
    elif ntype.key == "role":
        entity.label = next((v for k, v in entity.facts if k == "Character"), entity.label)
    elif ntype.key == "film":  # a filmography reads better with years: "Hero (2002)"
        year = next((v for k, v in entity.facts if k == "Year"), None)
        if year and f"({year})" not in entity.label:
            entity.label = f"{entity.label} ({year})"
    elif ntype.key == "release":
        entity.label = "release " + next((v for k, v in entity.facts if k == "Date"), "(undated)")
    entity.facts.sort(key=lambda f: (f[0] in ("Synopsis", "Review", "Verdict"), f[0]))
    entity.evidence = evidence_for(st, iri)
    return entity


def _add_wikidata(st: Statements, entity: Entity, qid: str) -> None:
    """What the Wikidata graph says about the entity's Wikidata item: description, Chinese name,
    Wikipedia article, and its statements with the labels of their values."""
    values: dict[str, list[str]] = {}
    for wp, wo in st.wikidata[qid]:
        if wp == f"{S}description" and isinstance(wo, ox.Literal) and wo.language in ("en", None, ""):
            entity.wikidata_description = wo.value
        elif wp == RDFS_LABEL and isinstance(wo, ox.Literal) and wo.language == "zh" and entity.original is None:
            entity.original = wo.value  # a person's name in Chinese, from Wikidata
        elif wp.startswith(WDT):
            pid = wp[len(WDT):]
            values.setdefault(WIKIDATA_PROPERTIES.get(pid, pid), []).append(_wikidata_value(st, wo))
    for page in st.pages[qid]:
        if WIKIPEDIA.match(page):
            if entity.wikipedia is None or "//en." in page:
                entity.wikipedia = page
    entity.wikidata_facts = [(name, _short(", ".join(sorted(set(vals)))))
                             for name, vals in sorted(values.items())][:MAX_WIKIDATA_FACTS]


def _wikidata_value(st: Statements, term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return best_name(st.wikidata_labels[term.value]) or local_name(term.value)
    return term_text(term)


def _review_label(st: Statements, rows: list[tuple[str, object]]) -> str | None:
    def name_of(p: str) -> str | None:
        for rp, o in rows:
            if rp == p and isinstance(o, ox.NamedNode):
                return best_name([n for n in st.objects(o.value, f"{S}name") if isinstance(n, ox.Literal)])
        return None

    film, author = name_of(f"{S}itemReviewed"), name_of(f"{S}author")
    if not film:
        return None
    return f"Review of {film}" + (f" by {author}" if author else "")


def evidence_for(st: Statements, iri: str) -> list[Evidence]:
    """The sentences annotations (``oa:hasBody iri``) were read from, most confident first."""
    found: list[Evidence] = []
    for ann in st.incoming[OA_HAS_BODY][iri]:
        props: dict[str, str] = {}  # the first value of each, the annotation's and its target's in order
        for p, o in st.evidence[ann]:
            props.setdefault(p, term_text(o))
            if p == OA_HAS_TARGET and isinstance(o, ox.NamedNode):
                for tp, to in st.evidence[o.value]:
                    props.setdefault(tp, term_text(to))
        sentence = props.get(fg("sentence"))
        if sentence:
            found.append(Evidence(_short(sentence), props.get(fg("section")), props.get(fg("extractor")),
                                  props.get(fg("confidence")), props.get(fg("mentionRole"))))
    found.sort(key=lambda e: -float(e.confidence or 0))
    unique: dict[str, Evidence] = {}
    for e in found:
        unique.setdefault(e.sentence, e)
    return list(unique.values())
