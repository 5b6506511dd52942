"""Vocabulary as code: the closed namespace of our ontology and the others we use.

``ontology/filmgraph.ttl`` is the source of truth; ``FG`` is closed (``_fail = True``), so a
misspelled term raises instead of minting a wrong IRI, and a test keeps the two in step.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace, SDO

FG_IRI = "https://w3id.org/filmgraph/ontology#"
ONTOLOGY_DIR = Path(__file__).resolve().parent / "ontology"
if not ONTOLOGY_DIR.exists():  # running from a source checkout: ontology/ sits at the repo root
    ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "filmgraph.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


class FG(DefinedNamespace):
    """filmgraph's own terms (see ``ontology/filmgraph.ttl`` for labels and comments)."""

    _NS = Namespace(FG_IRI)
    _fail = True

    # film facts schema.org has no exact term for
    releaseYear: URIRef
    originalTitle: URIRef
    runtimeMinutes: URIRef
    contentAdvisory: URIRef
    # --- text extraction (issue 3) ---
    workKind: URIRef
    comparedTo: URIRef
    Comparison: URIRef
    comparisonSubject: URIRef
    comparisonObject: URIRef
    cue: URIRef
    polarity: URIRef
    Polarity: URIRef
    Favourable: URIRef
    Unfavourable: URIRef
    Neutral: URIRef
    inReview: URIRef
    Award: URIRef
    HistoricalPeriod: URIRef
    mentionRole: URIRef
    section: URIRef
    sentence: URIRef
    extractor: URIRef
    confidence: URIRef
    # --- real-page extraction (issue 10) ---
    relation: URIRef
    ComparisonRelation: URIRef
    SimilarTo: URIRef
    Contrast: URIRef
    AdaptedFrom: URIRef
    InspiredBy: URIRef
    reason: URIRef
    subjectUnknown: URIRef
    HeaderField: URIRef
    headerField: URIRef
    fieldLabel: URIRef
    fieldValue: URIRef
    # bookkeeping in the meta graph
    buildKey: URIRef
    sourceName: URIRef
    describesReview: URIRef
    defaultGraphFormat: URIRef
    tripleCount: URIRef
    validationKey: URIRef
    validationReport: URIRef
    validationReads: URIRef
    # --- Wikidata links (issue 4) ---
    Link: URIRef
    linkSubject: URIRef
    linkTarget: URIRef
    linkScore: URIRef
    linkReason: URIRef
    # --- entity resolution (issue 11) ---
    Merge: URIRef
    mergedInto: URIRef
    mergedName: URIRef
    mergedVariant: URIRef
    mergeReason: URIRef
    mergeEvidence: URIRef
    NearMiss: URIRef
    nearMissOf: URIRef
    nameSimilarity: URIRef
    # bookkeeping of the resolve stage (meta graph)
    extractionCache: URIRef
    cacheOf: URIRef


SCHEMA = SDO
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")

#: prefixes used in every serialisation and query, so output is readable
PREFIXES: dict[str, str] = {
    "fg": FG_IRI,
    "schema": str(SDO),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": str(PROV),
    "oa": str(OA),
    "wd": str(WD),
    "wdt": str(WDT),
}


def prefixes_for(base_iri: str) -> dict[str, str]:
    """Our prefixes plus short ones for the data IRIs under ``base_iri``."""
    base = base_iri if base_iri.endswith(("/", "#")) else base_iri + "/"
    return {
        **PREFIXES,
        "film": f"{base}film/",
        "person": f"{base}person/",
        "org": f"{base}organization/",
        "review": f"{base}review/",
        "release": f"{base}release/",
        "rating": f"{base}rating/",
        "link": f"{base}link/",
        "merge": f"{base}merge/",
    }
