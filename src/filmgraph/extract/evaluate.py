"""Measured quality: precision, recall and F1 of the extraction against gold JSON files.

A gold file (``tests/data/gold/*.json``) names its review and what the review states: ``people``
(name, role), ``works`` (title, year, maker, kind), ``cast_roles`` (actor, character),
``comparisons`` (work, cue, polarity), ``events`` (name, kind) and ``subject``. Names match
case-insensitively after normalising punctuation, a leading "the" and a plural "s"; a character
matches when either phrase contains the other; a comparison matches on its work and its cue (either
cue contains a part of the other, "..." splitting parts); polarity is scored on matched pairs.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FilmGraphError
from ..settings import Settings

CATEGORIES = ("people", "works", "years", "cast-role pairs", "comparisons", "events")


def norm(text: str | None) -> str:
    if text is None:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("’", "'")
    text = re.sub(r"[^\w\s']", " ", text)
    text = re.sub(r"^(the)\s+", "", " ".join(text.split()))
    return re.sub(r"s$", "", text)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in CATEGORIES})
    polarity_right: int = 0
    polarity_total: int = 0
    files: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def table(self) -> str:
        rows = [f"{'category':<16} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
        for c in CATEGORIES:
            s = self.scores[c]
            rows.append(f"{c:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:4d} {s.fp:4d} {s.fn:4d}")
        if self.polarity_total:
            rows.append(f"comparison polarity: {self.polarity_right}/{self.polarity_total} right on matched pairs")
        rows.append(f"{len(self.files)} gold file(s)")
        return "\n".join(rows)


def _match(gold: list, got: list, same) -> tuple[int, int, int, list[tuple]]:
    """Greedy one-to-one matching; (tp, fp, fn, matched pairs)."""
    left = list(got)
    pairs = []
    for g in gold:
        hit = next((x for x in left if same(g, x)), None)
        if hit is not None:
            left.remove(hit)
            pairs.append((g, hit))
    return len(pairs), len(left), len(gold) - len(pairs), pairs


def _contains(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return bool(a and b) and (a in b or b in a)


def _cue_match(gold: str, got: str) -> bool:
    got_n = norm(got)
    return any(p and (p in got_n or got_n in p) for p in (norm(x) for x in gold.split("...")))


def score_file(ev: Evaluation, gold: dict, result, name: str) -> None:
    errs = ev.errors.setdefault(name, [])

    def add(cat: str, g: list, x: list, same, show) -> list:
        tp, fp, fn, pairs = _match(g, x, same)
        s = ev.scores[cat]
        s.tp, s.fp, s.fn = s.tp + tp, s.fp + fp, s.fn + fn
        matched_g = {id(a) for a, _ in pairs}
        matched_x = {id(b) for _, b in pairs}
        errs.extend(f"{cat}: missed {show(a)}" for a in g if id(a) not in matched_g)
        errs.extend(f"{cat}: extra {show(b)}" for b in x if id(b) not in matched_x)
        return pairs

    add("people", gold.get("people", []), list(result.people),
        lambda g, x: norm(g["name"]) == norm(x.name) and g["role"] == x.role, lambda v: v if isinstance(v, dict) else (v.name, v.role))
    add("works", gold.get("works", []), list(result.works),
        lambda g, x: norm(g["title"]) == norm(x.title), lambda v: v["title"] if isinstance(v, dict) else v.title)
    add("years", [w for w in gold.get("works", []) if w.get("year")], [w for w in result.works if w.year],
        lambda g, x: norm(g["title"]) == norm(x.title) and int(g["year"]) == x.year,
        lambda v: (v["title"], v["year"]) if isinstance(v, dict) else (v.title, v.year))
    add("cast-role pairs", gold.get("cast_roles", []), list(result.cast_roles),
        lambda g, x: norm(g["actor"]) == norm(x.actor) and _contains(g["character"], x.character),
        lambda v: (v["actor"], v["character"]) if isinstance(v, dict) else (v.actor, v.character))
    pairs = add("comparisons", gold.get("comparisons", []), list(result.comparisons),
                lambda g, x: norm(g["work"]) == norm(x.work) and _cue_match(g["cue"], x.cue),
                lambda v: (v["work"], v["cue"]) if isinstance(v, dict) else (v.work, v.cue))
    for g, x in pairs:
        ev.polarity_total += 1
        ev.polarity_right += g.get("polarity", "neutral") == x.polarity
    add("events", gold.get("events", []), list(result.events),
        lambda g, x: norm(g["name"]) == norm(x.name), lambda v: v["name"] if isinstance(v, dict) else v.name)


def _review_path(gold_file: Path, ref: str) -> Path:
    p = Path(ref)
    for base in (Path.cwd(), gold_file.resolve().parents[3] if len(gold_file.resolve().parents) > 3 else Path.cwd()):
        if (base / p).exists():
            return base / p
    return p


def evaluate(gold_dir: Path, settings: Settings, warm: bool = False, stage=None) -> Evaluation:
    """Run the extraction on every gold file's review and score it.

    ``warm``: the gazetteer knows every evaluated review's header first, as it does when the
    store already holds them (a second build); otherwise each review knows only its own header.
    """
    from ..read import _read_path, read_review
    from .gazetteer import from_review
    from .stage import SpacyTextStage

    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise FilmGraphError(f"{gold_dir}: no gold *.json files")
    loaded = []
    for f in files:
        try:
            gold = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise FilmGraphError(f"{f}: not a readable gold file ({exc})") from None
        path = _review_path(f, gold.get("review", ""))
        if not path.exists():
            continue  # e.g. the seed outside the repository
        src = _read_path(path, settings)
        if isinstance(src, Exception):
            raise src
        loaded.append((f, gold, read_review(src, settings)))
    known = [e for _, _, r in loaded for e in from_review(r)] if warm else []
    stage = stage or SpacyTextStage(settings, store_known=known)
    ev = Evaluation()
    for (f, gold, review), (_, result) in zip(loaded, stage.analyse(r for _, _, r in loaded)):
        if isinstance(result, Exception):
            raise result
        score_file(ev, gold, result, f.name)
        ev.files.append(f.name)
    return ev
