"""Helpers for the scale tests: the benchmark's corpus generator, and a small real text stage."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from filmgraph.errors import ExtractionError
from filmgraph.graph import ReviewGraph
from filmgraph.iris import Iris, slugify
from filmgraph.models import Review
from filmgraph.vocab import SCHEMA

REPO = Path(__file__).resolve().parents[1]


def generate_corpus(n: int, out: Path, seed: int = 7) -> list[Path]:
    """``benchmarks/generate_corpus.py``'s reviews: n files in ``out``."""
    spec = importlib.util.spec_from_file_location("generate_corpus", REPO / "benchmarks" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.generate(n, out, seed)


class CapitalisedWordsStage:
    """A real (if simple) text stage: counts a review's words and names the capitalised phrases.

    The review gets ``schema:wordCount`` and ``schema:keywords`` for every run of capitalised
    words; each such phrase is a ``schema:Thing`` it ``schema:mentions``. A review whose body
    contains ``FAIL-THIS-REVIEW`` fails with an ``ExtractionError`` (to test failures in workers).
    """

    fingerprint = "capitalised-words/1"

    def analyse(self, reviews: Iterable[Review]) -> Iterator[tuple[Review, object]]:
        for review in reviews:
            if "FAIL-THIS-REVIEW" in review.body:
                yield review, ExtractionError(f"{review.source}: asked to fail")
                continue
            words = re.findall(r"\w+", review.body)
            phrases = sorted(set(re.findall(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+", review.body)))
            yield review, (len(words), tuple(phrases))

    def add_to_graph(self, review: Review, result: object, rg: ReviewGraph, iris: Iris) -> None:
        count, phrases = result  # type: ignore[misc]
        rg.graph.add((rg.review_iri, SCHEMA.wordCount, Literal(count, datatype=XSD.integer)))
        for phrase in phrases:
            thing = URIRef(f"{iris.base}thing/{slugify(phrase)}")
            rg.graph.add((rg.review_iri, SCHEMA.mentions, thing))
            rg.graph.add((thing, RDF.type, SCHEMA.Thing))
            rg.graph.add((thing, SCHEMA.name, Literal(phrase)))


def make_capitalised_words_stage(settings, store=None) -> CapitalisedWordsStage:
    """The factory, as ``text_stage = "scale_helpers:make_capitalised_words_stage"`` names it."""
    return CapitalisedWordsStage()
