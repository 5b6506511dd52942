"""Junk: entities that are page furniture (field labels, boilerplate, signatures), not names."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from .spans import EVENT, PERSON, WORK, doc_text, state

_SIGNATURE = re.compile(r"^\s*(?:movie\s+|film\s+)?(?:review(?:ed)?|written)\s+by\b", re.IGNORECASE | re.MULTILINE)
_NAME_PARTICLES = {"de", "van", "von", "der", "da", "di", "del", "la", "le", "bin", "al", "du"}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def filter_junk(doc: Doc, junk_labels: set[str]) -> None:
    """Drop entities that are field labels, boilerplate or signatures; trim possessives.

    ``Genre``, ``Movie Rating``, ``Review by John Li`` are page furniture, not people.
    """
    kept = []
    signature_lines = [(m.start(), doc_text(doc).find("\n", m.start()) if "\n" in doc_text(doc)[m.start():] else len(doc_text(doc)))
                       for m in _SIGNATURE.finditer(doc_text(doc))]
    for e in doc.ents:
        if e.label_ in {PERSON, WORK, EVENT, "ORG", "PRODUCT", "FAC", "GPE", "NORP", "LOC"}:
            start, end = e.start, e.end
            while end > start and doc[end - 1].text in {"’s", "'s", "’", "'", "(", ")", "-"}:
                end -= 1
            while start < end and doc[start].is_punct:
                start += 1
            if end <= start:
                continue
            if (start, end) != (e.start, e.end):
                old = (e.start_char, e.end_char)
                e = Span(doc, start, end, label=e.label_)
                fg = state(doc)
                if old in fg["works"]:
                    fg["works"][(e.start_char, e.end_char)] = fg["works"].pop(old)
                if old in fg["events"]:
                    fg["events"][(e.start_char, e.end_char)] = fg["events"].pop(old)
        if _norm(e.text) in junk_labels:
            continue
        if "\n" in e.text:
            continue
        if any(a <= e.start_char < b for a, b in signature_lines) and e.label_ == PERSON:
            continue
        if e.label_ == PERSON:
            words = e.text.split()
            if any(ch.isdigit() for ch in e.text) or any(
                    not w[:1].isupper() and w.lower() not in _NAME_PARTICLES for w in words):
                continue
            if len(words) == 1 and _norm(words[0]) in junk_labels:
                continue
        kept.append(e)
    doc.ents = kept
