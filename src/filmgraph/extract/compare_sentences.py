"""Comparisons in ordinary reviewer language: a cue and another work in the same sentence.

Reviewers compare in many ways: ``the Chinese equivalent of X``, ``comparisons to X are
inevitable``, ``a cross between X and Y``, ``owes more to X than Y``, ``a worthy successor to X``,
``Like X, ...``, ``not since X``, ``returns to the form of X``, ``based on <author>'s novel X``.
Rather than one rule per phrasing, each sentence that names another work is searched for a cue
from one lexicon; the cue nearest the work (before it, or right after it: ``X-like``, ``are
inevitable``) decides the relation (similar to, contrast, adapted from, inspired by) and the
polarity. Works joined by ``and`` / ``or`` / commas to a compared work share its cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: (relation, polarity, regex) — the regex is matched case-insensitively on the words as written
CUES: list[tuple[str, str, str]] = [
    ("adapted from", "neutral", r"(?:based|adapted)\s+(?:loosely\s+)?(?:on|from)|adaptation\s+of|adapts|adapting|"
                                r"retelling\s+of|re-?imagining\s+of|version\s+of\s+(?:the\s+)?(?:novel|play|story|book)"),
    ("inspired by", "neutral", r"inspired\s+by|influenced\s+by|owes?\s+(?:more|a\s+(?:\w+\s+)?debt|much|a\s+lot|"
                               r"something)?\s*to|homage\s+to|tribute\s+to|nods?\s+to|borrows?\s+(?:from|heavily)|"
                               r"pays?\s+(?:homage|tribute)|in\s+the\s+(?:tradition|footsteps|spirit|mould|mold)\s+of|"
                               r"harks?\s+back\s+to|channels|riffs?\s+on|throwback\s+to|heir\s+to|descendant\s+of|"
                               r"in\s+the\s+(?:manner|style)\s+of|takes?\s+(?:its|a|their)\s+cues?\s+from|"
                               r"draws?\s+(?:heavily\s+)?(?:on|from)|steals?\s+from|lifts?\s+from|apes|mimics|"
                               r"emulat(?:es|ing)|imitat(?:es|ing)|(?:rip|knock)-?off\s+of|derivative\s+of"),
    ("contrast", "unfavourable", r"pales?\s+(?:next\s+to|beside|in\s+comparison)|falls?\s+short\s+of|"
                                 r"lacks?\s+the\s+(?:[\w-]+\s+){0,3}of|(?:is|was)n[’']?t\s+(?:nearly\s+)?as\s+\w+\s+as|"
                                 r"not\s+(?:nearly\s+|quite\s+)?as\s+(?:\w+\s+)?as|no\s+match\s+for|inferior\s+to|"
                                 r"weaker\s+than|worse\s+than|pale\s+imitation|poor\s+(?:man[’']s\s+)?(?:imitation|copy)"),
    ("contrast", "favourable", r"better\s+than|surpass(?:es|ed)?|outshines?|superior\s+to|improves?\s+(?:up)?on|"
                               r"lives?\s+up\s+to|rivals?|worthy\s+successor|return\s+to\s+form|"
                               r"(?:the\s+)?greater\s+film|stronger\s+than|more\s+\w+\s+than"),
    ("contrast", "neutral", r"unlike|in\s+contrast\s+(?:to|with)|a\s+far\s+cry\s+from|departure\s+from|"
                            r"different\s+from|differs?\s+from|compared\s+to\s+(?:the\s+)?(?:\w+\s+)?(?:of\s+)?|"
                            r"as\s+opposed\s+to|rather\s+than|less\s+\w+\s+than|than|after\s+(?:the\s+)?(?:\w+\s+){0,2}"
                            r"(?:of|failure|success|disappointment|misfire|flop|bombast|excess)|"
                            r"following\s+(?:his|her|their|the)\s+(?:[\w-]+,?\s+){0,5}|(?<!first time )since|"
                            r"(?:not\s+long|shortly|soon|right|years|months)\s+after|makes\s+up\s+for|"
                            r"(?:his|her|their)\s+(?:previous|earlier|last|latest|prior|past|other|former)\s+"
                            r"(?:film|films|movie|movies|work|works|effort|efforts|epic|epics|outing|outings|picture|pictures)|"
                            r"(?:his|her|their)\s+(?:[\w-]+\s+){0,3}?(?:films|movies|works|projects|features|pictures|epics)"),
    ("similar to", "neutral", r"in\s+the\s+vein\s+of|(?:[\w]+[’']s\s+)?(?:own\s+)?(?:answer|version|equivalent)\s+(?:to|of)|"
                              r"reminiscent\s+of|remind(?:s|ed|ing)?\s+(?:one|me|us|you|viewers|audiences)?\s*of|"
                              r"recall(?:s|ed|ing)?|echo(?:es|ed|ing)?|resembl(?:es|ed|ing|e)|evok(?:es|ed|ing|e)|"
                              r"comparisons?\s+(?:with|to|between)|compar(?:e|es|ed|ing)\s+(?:\w+\s+){0,6}?(?:to|with)|"
                              r"comparable\s+to|similar(?:ly)?\s+to|similar|akin\s+to|like|à\s+la|a\s+la|"
                              r"cross\s+between|mix\s+of|blend\s+of|meets|by\s+way\s+of|shades\s+of|"
                              r"calls?\s+to\s+mind|brings?\s+to\s+mind|(?:follow(?:s|ed|ing)?|treads?)\s+in\s+the\s+"
                              r"(?:path|footsteps|wake)\s+of|follow-?up\s+to|successor\s+to|sequel\s+to|prequel\s+to|"
                              r"companion\s+piece\s+to|companion\s+to|same\s+(?:\w+\s+){0,2}as|as\s+\w+\s+as|"
                              r"kind\s+of|type\s+of|sort\s+of|spiritual\s+(?:sequel|successor)|remake\s+of|"
                              r"along\s+the\s+lines\s+of|on\s+(?:a\s+)?par\s+with|in\s+the\s+same\s+(?:league|class|breath)\s+as|"
                              r"not\s+unlike|rehash\s+of|retread\s+of|reboot\s+of|(?:fresh\s+|new\s+)?take\s+on|spin\s+on|"
                              r"measured\s+against|stacks?\s+up\s+(?:against|to)|next\s+to|beside|as\s+with|"
                              r"think|trilogy|cycle|also\s+(?:did|made|directed)|continu(?:es|ing)|"
                              r"goes\s+on\s+to|as\s+(?:he|she|they)\s+did\s+(?:in|with)|again|"
                              r"(?:a\s+)?(?:better|obvious|apt|fair|closer|natural)?\s*comparisons?(?:\s+(?:may|might|would|is|are)\s+be)?|"
                              r"look-?alike|(?:a\s+)?(?:dash|hint|hints|touch|touches|trace|traces|echo|echoes|whiff)\s+of|"
                              r"as\s+in|alongside|up\s+there\s+with|ranks?\s+(?:with|among|alongside)|"
                              r"aligning\s+it\s+with|classics\s+(?:such\s+as|like)|hark(?:s|ens|ened|ening)?\s+back\s+to|"
                              r"(?:the\s+)?(?:director|maker|helmer)\s+(?:of|behind)|in\s+the\s+mould\s+of"),
]
_CUE_RX = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<c{i}>{rx})" for i, (_, _, rx) in enumerate(CUES)) +
                     r")(?![\w-])", re.IGNORECASE)
#: cues that stand right after the work: "comparisons to X are inevitable" is caught before; these after
_AFTER_RX = re.compile(r"^[”\"’']?(?:\s*\(\d{4}\))?\s*(?:-like\b|-esque\b|\s+comparisons?\b|\s+(?:comes?|came)\s+to\s+mind|"
                       r"\s+(?:it|this)\s+(?:is\s+)?not|\s+meets\b)", re.IGNORECASE)
#: how far before a work a cue may stand (characters), within the sentence
MAX_BEFORE = 140


@dataclass(frozen=True)
class FoundComparison:
    start: int  # the cue's start
    end: int  # the work's end
    work_start: int
    work_end: int
    cue: str
    relation: str
    polarity: str


def _cue_at(text: str, work_start: int, floor: int) -> tuple[re.Match, int] | None:
    """The nearest cue before the work in its sentence (not past another work in between)."""
    best = None
    for m in _CUE_RX.finditer(text, max(floor, work_start - MAX_BEFORE), work_start):
        if m.end() <= work_start:
            best = m
    if best is None:
        return None
    idx = next(int(k[1:]) for k, v in best.groupdict().items() if v is not None)
    return best, idx


def find(text: str, sentences: list[tuple[int, int]], works: list[tuple[int, int]],
         subject_spans: list[tuple[int, int]] = ()) -> list[FoundComparison]:
    """Comparisons in one section: ``works`` are the spans of other works the text names (not the
    reviewed film); ``subject_spans`` the reviewed film's own mentions (never a comparison target)."""
    found: list[FoundComparison] = []
    ordered = sorted(set(works))
    for s0, s1 in sentences:
        in_sentence = [w for w in ordered if s0 <= w[0] < s1]
        if not in_sentence:
            continue
        shared: tuple[str, str, str, int] | None = None
        prev_end = s0
        for ws, we in in_sentence:
            hit = _cue_at(text, ws, max(s0, prev_end if shared is None else s0))
            joined = shared is not None and re.fullmatch(r"[\s,]*(?:and|or|&|,|as well as|nor)?[\s,\"“”‘’'(]*(?:the\s+)?"
                                                         r"(?:[\w-]+[’']s\s+)?", text[prev_end:ws] or " ")
            if hit is not None and not (joined and hit[0].start() < prev_end):
                m, idx = hit
                relation, polarity, _ = CUES[idx]
                cue = " ".join(m.group(0).lower().split())
                shared = (cue, relation, polarity, m.start())
            elif joined and shared is not None:
                pass  # "Hero and House of Flying Daggers" after one cue: both compared
            else:
                after = _AFTER_RX.match(text[we:we + 40])
                if after:
                    shared = (" ".join(after.group(0).lower().strip(" ”\"’'").split()), "similar to", "neutral", ws)
                else:
                    shared = None
                    prev_end = we
                    continue
            cue, relation, polarity, cstart = shared
            found.append(FoundComparison(cstart, we, ws, we, cue, relation, polarity))
            prev_end = we
    return found


#: words that set one film beside another in a sentence, when no cue of ``CUES`` stands before the
#: work: on the real dev pages most films a review names in such a sentence are compared with the
#: reviewed one (``as good as``, ``his earlier``, ``after``, ``even``), so they count, at a lower confidence
_WEAK_RX = re.compile(r"\b(?:than|as|more|less|better|worse|like|same|similar|both|too|also|again|follow\w*|"
                      r"sequel|remake|earlier|previous|latest|last|since|after|before|another|other|even)\b",
                      re.IGNORECASE)
_WEAK_CONTRAST = {"than", "better", "worse", "less", "more"}


def weak_cue(sentence: str) -> tuple[str, str] | None:
    """``(word, relation)``: the word of ``sentence`` that sets one film beside another (a word of
    contrast, ``than``, ``better``, before any other)."""
    words = [m.group(0).lower() for m in _WEAK_RX.finditer(sentence)]
    if not words:
        return None
    contrast = next((w for w in words if w in _WEAK_CONTRAST), None)
    return (contrast, "contrast") if contrast else (words[0], "similar to")
