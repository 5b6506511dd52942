"""filmgraph's spaCy pipeline components, registered as factories with a ``default_config``.

They run after the trained ``ner`` and correct it with what we know (the gazetteer) and how
reviews are written. Each is a thin shell over the rules of one concern, plain functions of a ``Doc``
in their own module: ``names`` (names whole), ``titles`` (the gazetteer and the title rules),
``events``, ``junk``, ``roles`` and ``comparisons`` (with the helpers they share in ``spans``). Add
them with ``add_components(nlp)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .comparisons import find_comparisons
from .events import find_events
from .gazetteer import LABELS, Entry
from .junk import filter_junk
from .roles import find_roles
from .spans import DOC_KNOWN
from .titles import apply_known, find_titles, regex_matches

#: per-doc known names (this review's header), set on ``doc.user_data`` before the pipeline runs
COMPONENTS = (
    "filmgraph_names",
    "filmgraph_gazetteer",
    "filmgraph_events",
    "filmgraph_title_rules",
    "filmgraph_junk_filter",
    "filmgraph_role_rules",
    "filmgraph_comparisons",
)


def _default_junk() -> list[str]:
    from ..header import FIELD_LABELS, SECTION_LABELS

    return sorted(set(FIELD_LABELS) | set(SECTION_LABELS) | {
        "youmightalsolike", "moviestills", "reviewby", "relatedposts", "sharethis", "advertisement",
        "readmore", "leaveacomment", "moviereview", "movierating", "officialwebsite", "openingday",
        "releasedby", "runtime", "genre", "synopsis", "cast", "director", "rating", "stills", "trailer",
    })


class Gazetteer:
    """Marks known titles and names (from the store, the header, Wikidata) over the NER's guesses."""

    def __init__(self, nlp: Language, name: str, min_single_word: int) -> None:
        self.name = name
        self.nlp = nlp
        self.min_single_word = min_single_word
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.kinds: dict[str, tuple[str, str]] = {}

    def add_entries(self, entries: Iterable[Entry]) -> int:
        """Add known (text, kind) entries; single words only if long enough to be safe."""
        new = []
        for text, kind in entries:
            text = text.strip()
            label = LABELS.get(kind)
            if label is None or not text or text in self.kinds:
                continue
            if " " not in text and len(text) < self.min_single_word:
                continue
            self.kinds[text] = (label, kind)
            new.append(text)
        for text in new:
            label, kind = self.kinds[text]
            self.matcher.add(f"{label}|{kind}", [self.nlp.make_doc(text)])
        return len(new)

    def __call__(self, doc: Doc) -> Doc:
        found = [(s, e, *self.nlp.vocab.strings[mid].split("|", 1)) for mid, s, e in self.matcher(doc)]
        local = doc.user_data.get(DOC_KNOWN) or ()
        found += regex_matches(doc, [(t, LABELS[k], k) for t, k in local if k in LABELS])
        # a known name inside a longer name the NER found ("Tony Leung" in "Tony Leung Chiu-wai") is
        # another person: the longer span stands
        people = [(e.start, e.end) for e in doc.ents if e.label_ == "PERSON"]
        found = [m for m in found if not (m[2] == "PERSON" and any(
            a <= m[0] and m[1] <= b and (a, b) != (m[0], m[1]) for a, b in people))]
        apply_known(doc, found)
        # "Fan sets up a loop reel": a one-word entity that is part of a known name is that person
        parts = {w for t, k in local if LABELS.get(k) == "PERSON" for w in t.split() if len(w) > 1}
        if parts:
            from spacy.tokens import Span

            ents = [Span(doc, e.start, e.end, label="PERSON") if len(e) == 1 and e.text in parts
                    and e.label_ not in {"PERSON", "WORK_OF_ART", "EVENT"} else e for e in doc.ents]
            doc.ents = ents
        return doc


@Language.factory("filmgraph_gazetteer", default_config={"min_single_word": 4},
                  assigns=["doc.ents"], requires=["doc.ents"])
def make_gazetteer(nlp: Language, name: str, min_single_word: int) -> Gazetteer:
    return Gazetteer(nlp, name, min_single_word)


@Language.factory("filmgraph_names", default_config={}, assigns=["doc.ents"], requires=["doc.ents"])
def make_names(nlp: Language, name: str):
    from .names import mend_names

    return mend_names


@Language.factory("filmgraph_events", default_config={}, assigns=["doc.ents"])
def make_events(nlp: Language, name: str):
    def events(doc: Doc) -> Doc:
        find_events(doc)
        return doc

    return events


@Language.factory("filmgraph_title_rules", default_config={}, assigns=["doc.ents"])
def make_title_rules(nlp: Language, name: str):
    def title_rules(doc: Doc) -> Doc:
        find_titles(doc)
        return doc

    return title_rules


@Language.factory("filmgraph_junk_filter", default_config={"labels": None}, assigns=["doc.ents"])
def make_junk_filter(nlp: Language, name: str, labels: list[str] | None):
    junk = set(labels if labels is not None else _default_junk())

    def junk_filter(doc: Doc) -> Doc:
        filter_junk(doc, junk)
        return doc

    return junk_filter


@Language.factory("filmgraph_role_rules", default_config={}, requires=["doc.ents"])
def make_role_rules(nlp: Language, name: str):
    def role_rules(doc: Doc) -> Doc:
        find_roles(doc)
        return doc

    return role_rules


@Language.factory("filmgraph_comparisons", default_config={"max_gap": 4}, requires=["doc.ents"])
def make_comparisons(nlp: Language, name: str, max_gap: int):
    def comparisons(doc: Doc) -> Doc:
        find_comparisons(doc, max_gap=max_gap)
        return doc

    return comparisons


def add_components(nlp: Language, known: Iterable[Entry] = ()) -> Language:
    """Append our components (after ``ner`` when there is one) and load the gazetteer."""
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    nlp.get_pipe("filmgraph_gazetteer").add_entries(known)
    return nlp
