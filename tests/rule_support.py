"""Docs built by hand for the rule components' tests on ``spacy.blank("en")`` (no trained model)."""

from __future__ import annotations


def make_doc(nlp, text: str, ents: dict[str, str] | None = None, tags: dict[str, str] | None = None):
    """A doc of ``text`` with entities given as {phrase: label} and tags as {word: tag}."""
    doc = nlp.make_doc(text)
    spans = []
    for phrase, label in (ents or {}).items():
        start = text.index(phrase)
        spans.append(doc.char_span(start, start + len(phrase), label=label))
    doc.ents = spans
    for t in doc:
        if tags and t.text in tags:
            t.tag_ = tags[t.text]
    return doc
