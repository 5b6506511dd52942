"""Comparisons: a work right after a cue (``in the vein of``, ``pales next to``), with the cue's polarity."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .spans import (DETS, EVENT, PERSON, TITLE_LIKE, WORK, after_names_word, doc_text, ent_at, is_cap, make_work,
                    sentence_of, state, title_run_end, token_at_char)

#: (cue, regex, polarity the cue itself carries)
CUES: list[tuple[str, str, str]] = [
    ("in the vein of", r"in\s+the\s+vein\s+of", "neutral"),
    ("version of", r"(?:[\w]+[’']s\s+)?(?:own\s+)?version\s+of", "neutral"),
    ("equivalent of", r"(?:the\s+)?(?:[\w]+\s+)?equivalent\s+of", "neutral"),
    ("reminiscent of", r"reminiscent\s+of", "neutral"),
    ("reminds one of", r"remind(?:s|ed|ing)?\s+(?:one|me|us|you|viewers|audiences)\s+of", "neutral"),
    ("recalls", r"recall(?:s|ed|ing)?", "neutral"),
    ("echoes", r"echo(?:es|ed|ing)?", "neutral"),
    ("resembles", r"resembl(?:es|ed|ing|e)", "neutral"),
    ("comparisons with", r"comparisons?\s+(?:with|to)", "neutral"),
    ("homage to", r"homage\s+to", "neutral"),
    ("evokes", r"evok(?:es|ed|ing|e)", "neutral"),
    ("in the tradition of", r"in\s+the\s+(?:tradition|mould|mold|spirit)\s+of", "neutral"),
    ("compared to", r"compared?\s+(?:to|with)", "neutral"),
    ("owes a debt to", r"owes?\s+(?:a|its)\s+(?:\w+\s+)?debt\s+to", "neutral"),
    ("akin to", r"akin\s+to", "neutral"),
    ("pale imitation of", r"(?:pale\s+|poor\s+)?imitation\s+of", "unfavourable"),
    ("pales next to", r"pales?\s+(?:next\s+to|beside|in\s+comparison\s+(?:to|with))", "unfavourable"),
    ("lacks the ... of", r"lacks?\s+the\s+(?:[\w-]+\s+){0,3}of", "unfavourable"),
    ("falls short of", r"falls?\s+short\s+of", "unfavourable"),
    ("lives up to", r"lives?\s+up\s+to", "favourable"),
    ("rivals", r"rivals", "favourable"),
]
_CUE_RX = re.compile(r"\b(?:" + "|".join(f"(?P<c{i}>{rx})" for i, (_, rx, _) in enumerate(CUES)) + r")\b",
                     re.IGNORECASE)
_INEVITABLE = re.compile(r"^\s*(?:are|is|were|was)\s+(?:\w+\s+)?inevitable")


def cue_case_ok(text: str, start: int) -> bool:
    """A capitalised cue word mid-sentence is part of a name (``the Echo Game``), not a cue."""
    if not text[start].isupper() or re.match(r"\w+['’]s\s", text[start:]):
        return True  # lower case, or an owner before the cue: "China's version of"
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:;\n“\"("


def find_comparisons(doc: Doc, max_gap: int = 4) -> None:
    """A work right after a comparison cue (``in the vein of Cinema Paradiso``) is compared to.

    A title the NER called an organisation there becomes a work. A mention without a cue is not
    a comparison. The polarity is the one the cue carries (``pales next to``: unfavourable,
    ``lives up to``: favourable), neutral otherwise.
    """
    fg = state(doc)
    seen: set[tuple[tuple[int, int], str]] = set()
    for m in _CUE_RX.finditer(doc_text(doc)):
        idx = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        _, _, polarity = CUES[idx]
        i = token_at_char(doc, m.end())
        cue_start = token_at_char(doc, m.start())
        if i is None or not cue_case_ok(doc_text(doc), m.start()):
            continue
        if after_names_word(doc_text(doc), m.start()):
            continue  # "assassins with names like Sky and Broken Sword": names, not works
        s0, s1 = sentence_of(doc, i)
        target = None
        k, limit = i, min(s1, i + max_gap + 1)
        while k < limit:
            e = ent_at(doc, start=k)
            if e is not None:
                if e.label_ != WORK and e.end < s1 and (e[-1].text in {"’s", "'s"} or doc[e.end].text in {"’s", "'s"}):
                    k = e.end + (doc[e.end].text in {"’s", "'s"})
                    limit = min(s1, k + 2)
                    continue  # "Tornatore's Cinema Paradiso"
                if e.label_ == WORK:
                    target = e
                elif e.label_ in TITLE_LIKE - {PERSON, EVENT, "GPE", "NORP"}:
                    target = make_work(doc, e.start, e.end, "filmgraph_comparisons", 0.7)
                break
            t = doc[k]
            if t.text in {"“", '"'} or (is_cap(t) and t.lower_ not in DETS):
                a = k + (t.text in {"“", '"'})
                j = title_run_end(doc, a, s1)
                if j > a:
                    target = make_work(doc, a, j, "filmgraph_comparisons", 0.6)
                break
            if t.is_punct and t.text not in {"’s", "'s"}:
                break
            k += 1
        if target is None:
            continue
        cue = " ".join(m.group(0).lower().split())
        if CUES[idx][0] == "comparisons with" and _INEVITABLE.match(doc_text(doc)[target.end_char:]):
            cue = f"{cue} ... are inevitable"
        if CUES[idx][0] == "lacks the ... of":
            cue = "lacks the ... of"
        key = ((target.start_char, target.end_char), cue)
        if key in seen:
            continue
        seen.add(key)
        fg["comparisons"].append({
            "work": (target.start_char, target.end_char), "cue": cue, "polarity": polarity,
            "start": doc[cue_start].idx if cue_start is not None else m.start(), "end": target.end_char,
            "extractor": "filmgraph_comparisons", "confidence": 0.8,
        })
