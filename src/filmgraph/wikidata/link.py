"""Choosing the right Wikidata entity: candidates by name, filtered by type, scored by context.

Every candidate gets a score in 0..1 and the reasons for it. Names give the base (an English label
0.45, an alias 0.35, a Chinese label equal to the original title 0.45); the type must fit (films
are films, people are humans, festivals festivals ...: +0.1, otherwise the candidate is dropped);
context adds or takes away: the year (+0.25 equal, +0.1 a year apart, -0.5 otherwise), the
director (+0.25 when the candidate's P57 or description names our director, -0.5 when it names
someone else), the director of the film the review is about (+0.2), cast overlap with P161
(+0.1 each, up to 0.2), film occupations for people (+0.15), being in a linked film's P57/P161
(+0.25), being the only candidate (+0.05; +0.15 for a title of several words that are not all common). A title made only of common words (``Hero``,
``Coming Home``) is capped below the threshold unless something besides its name supports it.
The best candidate is linked when it reaches ``Settings.link_threshold`` and leads the next by
more than 0.05; otherwise the entity stays unlinked and is reported with its top candidates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .entity import Entity, normalise
from .lookup import Lookup

KINDS_FOR = {"film": {"film"}, "work": {"film", "book"}, "novel": {"book"}, "person": {"person"},
             "festival": {"festival"}, "award": {"award"}, "period": {"period"}}
MARGIN = 0.05

#: words too common for a title made only of them to be linked on its name alone
COMMON_WORDS = frozenset("""
a an the of to in on at by for and or with from as is be it my your his her our their this that
home coming going come go hero heroes shadow shadows live living life love lover lovers war peace day
days night nights man men woman women girl boy child children family father mother son daughter
brother sister friend friends house home city town road way time times world land sea sky sun moon
star stars fire water wind earth rain snow ice gold golden red black white blue green dark light
one two three four five first last second new old young big little long great good bad king queen
princess prince wall walls gate door river mountain island story stories dream dreams heart hearts
soul blood hand hands eye eyes face voice song dance game games fight run walk return back home
again alone together forever never always yesterday today tomorrow up down out away here there
hold keep stay leave let lost found free wild secret silence quiet storm still summer winter
spring autumn fall rise paradise hope fear truth lie lies money power glory honor honour
""".split())


@dataclass(frozen=True)
class Mention:
    """One of our entities to link, with the context the store gives for it."""

    iri: str
    kind: str  # film | work | novel | person | festival | award | period
    names: tuple[tuple[str, str | None], ...]  # (text, language tag)
    year: int | None = None
    directors: tuple[tuple[str, str], ...] = ()  # (iri, name) of its directors (films)
    cast: tuple[tuple[str, str], ...] = ()  # (iri, name) of its cast (films)
    review_directors: tuple[tuple[str, str], ...] = ()  # directors of the films its reviews are about
    films: tuple[str, ...] = ()  # for people: the films (iris) they direct or act in

    @property
    def name(self) -> str:
        return next((t for t, lang in self.names if lang in (None, "en")), self.names[0][0])


@dataclass(frozen=True)
class Candidate:
    qid: str
    label: str | None
    description: str | None
    score: float
    reasons: tuple[str, ...]

    def to_json(self) -> dict:
        return {"qid": self.qid, "label": self.label, "description": self.description,
                "score": round(self.score, 3), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class LinkDecision:
    """The outcome for one entity: ``linked`` (with ``qid``), ``ambiguous``, ``unlinked`` or ``failed``."""

    mention: Mention
    status: str
    qid: str | None = None
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    problem: str | None = None

    def to_json(self) -> dict:
        d = {"entity": self.mention.iri, "name": self.mention.name, "kind": self.mention.kind,
             "status": self.status, "qid": self.qid, "score": round(self.score, 3), "reasons": list(self.reasons),
             "candidates": [c.to_json() for c in self.candidates]}
        if self.problem:
            d["problem"] = self.problem
        return d

    def describe(self) -> str:
        head = f"{self.mention.kind} {self.mention.name!r} <{self.mention.iri}>"
        if self.status == "linked":
            return f"linked {head} -> {self.qid} (score {self.score:.2f}: {'; '.join(self.reasons)})"
        if self.status == "failed":
            return f"unlinked {head}: lookup failed: {self.problem}"
        if self.status == "ambiguous":
            tops = ", ".join(f"{c.qid} {c.label!r} {c.score:.2f}" for c in self.candidates[:3])
            return f"ambiguous {head}: not linked; top candidates: {tops}"
        return f"unlinked {head}: {self.problem or 'no candidate'}"


@dataclass
class LinkReport:
    decisions: list[LinkDecision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    requests: int = 0
    cache_hits: int = 0
    source: str = ""

    def by_status(self, status: str) -> list[LinkDecision]:
        return [d for d in self.decisions if d.status == status]

    @property
    def linked(self) -> dict[str, str]:
        return {d.mention.iri: d.qid for d in self.decisions if d.status == "linked" and d.qid}

    def summary(self) -> str:
        return (f"linked {len(self.by_status('linked'))} of {len(self.decisions)} entities; "
                f"{len(self.by_status('ambiguous'))} ambiguous, {len(self.by_status('unlinked'))} not found, "
                f"{len(self.by_status('failed'))} failed lookups; {self.requests} network request(s), "
                f"{self.cache_hits} cache hit(s)")

    def to_json(self) -> str:
        return json.dumps({"summary": self.summary(), "source": self.source, "warnings": self.warnings,
                           "requests": self.requests, "cache_hits": self.cache_hits,
                           "entities": [d.to_json() for d in self.decisions]}, indent=2, ensure_ascii=False)


# --- the linker ------------------------------------------------------------------------------------

class Linker:
    """Links mentions through a ``Lookup``: all searches first, then one batched entity fetch."""

    def __init__(self, lookup: Lookup, threshold: float) -> None:
        self.lookup = lookup
        self.threshold = threshold

    def link(self, mentions: Iterable[Mention]) -> list[LinkDecision]:
        mentions = list(mentions)
        hits = self.lookup.search_all(text for m in mentions for text, _lang in m.names)
        ids = [q for found in hits.values() if found for q in found]
        entities = self.lookup.entities(ids)
        decided: dict[str, LinkDecision] = {}
        order = ([m for m in mentions if m.kind == "person"], [m for m in mentions if m.kind != "person"],
                 [m for m in mentions if m.kind == "person"])
        for step, group in enumerate(order):
            for m in group:
                decided[m.iri] = self._decide(m, hits, entities, decided, second_pass=step == 2)
        return [decided[m.iri] for m in mentions]

    def _decide(self, m: Mention, hits: dict, entities: dict[str, Entity], decided: dict[str, LinkDecision],
                second_pass: bool) -> LinkDecision:
        problems = [self.lookup.failures[t] for t, _ in m.names if hits.get(t) is None and t in self.lookup.failures]
        qids = list(dict.fromkeys(q for t, _ in m.names for q in (hits.get(t) or ())))
        failed = [q for q in qids if q in self.lookup.failures and q not in entities]
        if failed:
            problems.append(self.lookup.failures[failed[0]])
        typed: list[tuple[Entity, float, list[str]]] = []
        for q in qids:
            e = entities.get(q)
            if e is None:
                continue
            base = self._name_score(m, e)
            if base is None:
                continue
            kind_ok, kind_reason = self._type(m, e)
            if not kind_ok:
                continue
            typed.append((e, base[0] + 0.1, [base[1], kind_reason]))
        candidates = []
        for e, score, reasons in typed:
            score, reasons = self._context(m, e, score, reasons, decided, entities, second_pass)
            if len(typed) == 1 and m.kind in ("film", "work", "novel") and len(normalise(m.name).split()) > 1 \
                    and not _common_title(m):
                score += 0.15
                reasons.append("a distinctive title, and the only candidate of the right type")
            elif len(typed) == 1:
                score += 0.05
                reasons.append("the only candidate of the right type")
            candidates.append(Candidate(e.id, e.label("en") or next(iter(e.labels.values()), None),
                                        e.descriptions.get("en"), round(min(max(score, 0.0), 1.0), 3), tuple(reasons)))
        candidates.sort(key=lambda c: (-c.score, int(c.qid[1:])))
        if problems and not candidates:
            return LinkDecision(m, "failed", problem=problems[0])
        if not candidates:
            where = "the offline snapshot" if not self.lookup.online else "Wikidata"
            return LinkDecision(m, "unlinked", problem=f"no {m.kind} of that name in {where}")
        best = candidates[0]
        runner = candidates[1].score if len(candidates) > 1 else 0.0
        if best.score >= self.threshold and best.score - runner > MARGIN:
            return LinkDecision(m, "linked", best.qid, best.score, best.reasons, tuple(candidates[:3]))
        why = (f"best score {best.score:.2f} is below the threshold {self.threshold:.2f}" if best.score < self.threshold
               else f"the top two candidates score within {MARGIN}")
        return LinkDecision(m, "ambiguous", None, best.score, best.reasons, tuple(candidates[:3]), problem=why)

    # --- parts of the score ----------------------------------------------------------------------
    @staticmethod
    def _name_score(m: Mention, e: Entity) -> tuple[float, str] | None:
        event = m.kind in ("festival", "award", "period")
        best: tuple[float, str] | None = None
        for text, lang in m.names:
            key = normalise(text)
            for name, elang, how in e.names():
                if normalise(name) != key:
                    continue
                if elang.startswith("zh"):
                    s, why = 0.45, f"Chinese label {name!r} equals the {'original title' if m.kind != 'person' else 'name'}"
                elif how == "label":
                    s, why = (0.55 if event else 0.45), f"label {name!r} equals the name"
                else:
                    s, why = (0.5 if event else 0.35), f"alias {name!r} equals the name"
                if best is None or s > best[0]:
                    best = (s, why)
        return best

    @staticmethod
    def _type(m: Mention, e: Entity) -> tuple[bool, str]:
        wanted = KINDS_FOR[m.kind]
        kinds = e.kinds()
        hit = wanted & kinds
        if not hit:
            return False, ""
        kind = sorted(hit)[0]
        p31 = e.items("P31")
        if p31:
            return True, f"type {kind} (P31 {', '.join(p31[:3])})"
        desc = e.descriptions.get("en")
        if kind == "person" and any(p in e.claims for p in ("P106", "P27", "P19", "P20", "P1412")):
            return True, "type person (it has statements only people have: occupation, citizenship, ...)"
        if desc:
            return True, f"type {kind} (from its description {desc!r})"
        return True, f"type {kind} (from its label)"

    def _context(self, m: Mention, e: Entity, score: float, reasons: list[str], decided: dict[str, LinkDecision],
                 entities: dict[str, Entity], second_pass: bool) -> tuple[float, list[str]]:
        supported = any(r.startswith("Chinese label") for r in reasons)
        if m.kind in ("film", "work"):
            years = e.years()
            if m.year and years:
                if m.year in years:
                    score += 0.25
                    reasons.append(f"year {m.year} matches")
                    supported = True
                elif min(abs(m.year - y) for y in years) == 1:
                    score += 0.1
                    reasons.append(f"year {m.year} is one year from Wikidata's {sorted(years)[0]}")
                    supported = True
                else:
                    score -= 0.5
                    reasons.append(f"year {m.year} contradicts Wikidata's {sorted(years)[0]}")
            wd_directors = set(e.items("P57"))
            described = e.described_director()
            ours = [(iri, name, _qid(decided, iri)) for iri, name in m.directors]
            if ours and (wd_directors or described):
                match = [name for _, name, q in ours if q in wd_directors or
                         described and normalise(described) == normalise(name)]
                if match:
                    score += 0.25
                    reasons.append(f"director {match[0]} matches")
                    supported = True
                else:
                    score -= 0.5
                    reasons.append(f"director {ours[0][1]} is not the candidate's director"
                                   + (f" ({described})" if described else ""))
            elif not ours and (wd_directors or described):
                match = [name for iri, name in m.review_directors
                         if _qid(decided, iri) in wd_directors or described and normalise(described) == normalise(name)]
                if match:
                    score += 0.2
                    reasons.append(f"directed by {match[0]}, director of the film the review is about")
                    supported = True
            cast = {q for iri, _ in m.cast if (q := _qid(decided, iri))} & set(e.items("P161"))
            if cast:
                score += min(0.2, 0.1 * len(cast))
                reasons.append(f"cast overlap with P161: {', '.join(sorted(cast))}")
                supported = True
        if m.kind == "person":
            career = e.film_career()
            if career:
                score += 0.15
                reasons.append(career)
            elif m.films:
                score -= 0.1
                reasons.append("credited on a film here, but nothing says the candidate works in film")
            if second_pass:
                in_films = [iri for iri in m.films if (q := _qid(decided, iri)) and q in entities and
                            e.id in set(entities[q].items("P57")) | set(entities[q].items("P161"))]
                if in_films:
                    score += 0.25
                    reasons.append(f"credited (P57/P161) on the linked film <{in_films[0]}>")
                    supported = True
        if m.kind in ("film", "work", "novel", "person") and _common_title(m) and not supported:
            cap = round(self.threshold - 0.1, 3)
            if score > cap:
                score = cap
                reasons.append(f"{'title' if m.kind != 'person' else 'name'} {m.name!r} is made of common words "
                               f"(or one word) and nothing else in the review supports this entity (score capped at {cap})")
        return score, reasons


def _qid(decided: dict[str, LinkDecision], iri: str) -> str | None:
    d = decided.get(iri)
    return d.qid if d is not None and d.status == "linked" else None


def _common_title(m: Mention) -> bool:
    """One word, or only common words: ``Hero``, ``Coming Home``; for people, a single name (``Gong``)."""
    words = normalise(m.name).split()
    if m.kind == "person":
        return len(words) == 1
    return bool(words) and (len(words) == 1 or all(w in COMMON_WORDS for w in words))
