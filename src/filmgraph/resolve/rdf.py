"""A ``Resolution`` as RDF, for ``{base}graph/resolution``: ``owl:sameAs`` from every variant IRI to
its canonical one, one ``fg:Merge`` per merge and one ``fg:NearMiss`` per pair kept apart."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from ..iris import Iris, slugify
from ..vocab import FG
from . import Resolution


def resolution_triples(resolution: Resolution, iris: Iris) -> list[tuple]:
    out: list[tuple] = []
    for m in resolution.merges:
        canonical = URIRef(m.iri)
        rec = URIRef(f"{iris.base}merge/{m.kind}/{m.iri.rsplit('/', 1)[-1]}")
        out += [(rec, RDF.type, FG.Merge), (rec, FG.mergedInto, canonical)]
        out += [(rec, FG.mergedName, Literal(n)) for n in m.names]
        for v in m.variants:
            out += [(URIRef(v), OWL.sameAs, canonical), (rec, FG.mergedVariant, URIRef(v))]
        out += [(rec, FG.mergeReason, Literal(r, lang="en")) for r in m.reasons]
        out += [(rec, FG.mergeEvidence, iris.review(rid)) for rid in m.reviews]
    for n in resolution.near_misses:
        a, b = n.iris
        rec = URIRef(f"{iris.base}near-miss/{_local(iris, a)}--{_local(iris, b)}")
        out += [(rec, RDF.type, FG.NearMiss), (rec, FG.nearMissOf, URIRef(a)), (rec, FG.nearMissOf, URIRef(b)),
                (rec, FG.mergeReason, Literal(n.reason, lang="en")),
                (rec, FG.nameSimilarity, Literal(Decimal(f"{n.score:.1f}"), datatype=XSD.decimal))]
        out += [(rec, FG.mergeEvidence, iris.review(rid)) for rid in n.reviews]
    return out


def _local(iris: Iris, iri: str) -> str:
    return slugify(iri[len(iris.base):] if iri.startswith(iris.base) else iri)
