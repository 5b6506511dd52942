"""Score a built store against hand-annotated real review pages (``GOLD-FORMAT.md``).

What counts is what a user can ask the graph, so the score reads the store, not the extractor's
internals: for each page's review graph, the film it reviews (``schema:itemReviewed``), that film's
directors and actors, the actor -> character pairs (``schema:PerformanceRole``), the other works the
review mentions and the works the film is compared to (``fg:comparedTo``).

Names match after normalising case, accents, punctuation and a leading "the"; a person also matches
in the other name order (``Yimou Zhang`` = ``Zhang Yimou``) or under a spelling the gold lists in
``cast_aliases``; a character matches when either phrase contains the other.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FilmGraphError
from .extract.evaluate import Score  # the same precision/recall/F1 counts as the sample gold's
from .vocab import FG_IRI, SCHEMA

CATEGORIES = ("reviewed film", "directors", "cast", "actor->character", "other works", "compared to")


def norm(text: str | None) -> str:
    """``The  Flowers of War!`` -> ``flowers of war``."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"^(the|a|an)\s+", "", " ".join(text.split()))


def person_key(name: str) -> str:
    """Order-free key: ``Zhang Yimou`` and ``Yimou Zhang`` (and ``Chiu-wai``/``Chiu Wai``) agree."""
    return " ".join(sorted(norm(name.replace("-", " ")).split()))


@dataclass
class PageScores:
    scores: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in CATEGORIES})
    pages: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def table(self, title: str = "") -> str:
        rows = [title] if title else []
        rows.append(f"| {'category':<17} | {'P':>5} | {'R':>5} | {'F1':>5} | {'tp':>3} | {'fp':>3} | {'fn':>3} |")
        rows.append("|" + "|".join(["---"] * 7) + "|")
        for c in CATEGORIES:
            s = self.scores[c]
            rows.append(f"| {c:<17} | {s.precision:5.2f} | {s.recall:5.2f} | {s.f1:5.2f} | "
                        f"{s.tp:3d} | {s.fp:3d} | {s.fn:3d} |")
        rows.append(f"\n{len(self.pages)} page(s)")
        return "\n".join(rows)


@dataclass(frozen=True)
class Predicted:
    """What the store says about one review."""

    film_names: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    roles: tuple[tuple[str, str], ...] = ()
    works: tuple[str, ...] = ()
    compared: tuple[str, ...] = ()


def load_gold(path: Path) -> dict:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FilmGraphError(f"{path}: not a readable gold file ({exc})") from None
    if not isinstance(gold, dict) or "subject_film" not in gold:
        raise FilmGraphError(f"{path}: not a page gold file (no 'subject_film' key; see GOLD-FORMAT.md)")
    return gold


def predicted_for(store, review_iri: str, graph_iri: str) -> Predicted:
    """Read what the review's own named graph ``graph_iri`` says about the review ``review_iri``:
    what this review states, not what other reviews of the same film add."""
    def names(sparql: str) -> list[tuple[str, ...]]:
        sparql = re.sub(r"WHERE \{(.*)\}", lambda m: "WHERE { GRAPH ?GRAPH {" + m.group(1) + "} }", sparql,
                        count=1, flags=re.S)
        rows = store.query(sparql.replace("?REVIEW", f"<{review_iri}>").replace("?GRAPH", f"<{graph_iri}>")
                           .replace("<FG_IRI>", f"<{FG_IRI}>").replace("<SCHEMA_IRI>", f"<{SCHEMA}>"))
        return [tuple(str(v.value) if v is not None else "" for v in row) for row in rows]

    def named(sparql: str) -> tuple[str, ...]:
        """One name per node (rows of node, name): the one its IRI was minted from, else the
        longest, so the score does not hang on which of a node's names the engine meets first
        (``SAMPLE`` took any, and Oxigraph's choice varied from run to run)."""
        by_node: dict[str, list[str]] = {}
        for node, name in names(sparql):
            by_node.setdefault(node, []).append(name)
        return tuple(_name_of_node(node, found) for node, found in by_node.items())

    film = names("""PREFIX schema: <SCHEMA_IRI>
        SELECT DISTINCT ?n WHERE { ?REVIEW schema:itemReviewed ?f . ?f schema:name ?n }""")
    directors = named("""PREFIX schema: <SCHEMA_IRI>
        SELECT DISTINCT ?d ?n WHERE { ?REVIEW schema:itemReviewed ?f .
          ?f schema:director ?d . ?d schema:name ?n }""")
    cast = named("""PREFIX schema: <SCHEMA_IRI>
        SELECT DISTINCT ?a ?n WHERE { ?REVIEW schema:itemReviewed ?f .
          ?f schema:actor ?a . ?a a schema:Person ; schema:name ?n }""")
    # one name per actor node, as for the cast: an actor known by two names ("Leon Lai", "Leon Lai
    # Ming") plays a part once, not once per name
    by_role: dict[tuple[str, str], list[str]] = {}
    for node, character, name in names("""PREFIX schema: <SCHEMA_IRI>
        SELECT DISTINCT ?a ?c ?n WHERE { ?REVIEW schema:itemReviewed ?f . ?f schema:actor ?r .
          ?r a schema:PerformanceRole ; schema:actor ?a ; schema:characterName ?c . ?a schema:name ?n }"""):
        by_role.setdefault((node, character), []).append(name)
    roles = [(_name_of_node(node, found), character) for (node, character), found in by_role.items()]
    works = named("""PREFIX schema: <SCHEMA_IRI>
        SELECT DISTINCT ?w ?n WHERE { ?REVIEW schema:mentions ?w .
          { ?w a schema:Movie } UNION { ?w a schema:CreativeWork }
          ?w schema:name ?n . FILTER NOT EXISTS { ?REVIEW schema:itemReviewed ?w } }""")
    compared = named("""PREFIX schema: <SCHEMA_IRI> PREFIX fg: <FG_IRI>
        SELECT DISTINCT ?w ?n WHERE { ?c fg:inReview ?REVIEW ; fg:comparisonObject ?w .
          ?w schema:name ?n }""")
    return Predicted(
        film_names=tuple(r[0] for r in film),
        directors=directors,
        cast=cast,
        roles=tuple((r[0], r[1]) for r in roles),
        works=works,
        compared=compared,
    )


def _name_of_node(node: str, names: list[str]) -> str:
    """The name ``node``'s IRI was minted from (``person/zhang-yimou``), else the longest, else
    the first in order."""
    from .iris import slugify

    local = node.rstrip("/").rsplit("/", 1)[-1]
    minted = [n for n in names if slugify(n) and local.startswith(slugify(n))]
    pool = minted or names
    return min(pool, key=lambda n: (-len(n), n))


def _person_matcher(gold: dict):
    aliases: dict[str, str] = {}
    for canonical, others in (gold.get("cast_aliases") or {}).items():
        for other in [canonical, *(others or [])]:
            aliases[person_key(other)] = person_key(canonical)

    def key(name: str) -> str:
        k = person_key(name)
        return aliases.get(k, k)

    return key


def _count(score: Score, errs: list[str], cat: str, gold: list[str], got: list[str], key,
           surnames: bool = False) -> None:
    gold_keys = {key(g): g for g in gold if g}
    got_keys = {key(g): g for g in got if g}
    if surnames:  # gold "Lau" (the text's only spelling in the gold) is the predicted "Andy Lau"
        for gk in [k for k in gold_keys if " " not in k]:
            hits = [k for k in got_keys if gk in k.split() and k not in gold_keys]
            if len(hits) == 1:
                got_keys[gk] = got_keys.pop(hits[0])
    for k, g in gold_keys.items():
        if k in got_keys:
            score.tp += 1
        else:
            score.fn += 1
            errs.append(f"{cat}: missed {g!r}")
    for k, g in got_keys.items():
        if k not in gold_keys:
            score.fp += 1
            errs.append(f"{cat}: extra {g!r}")


def score_page(result: PageScores, name: str, gold: dict, got: Predicted) -> None:
    errs = result.errors.setdefault(name, [])
    s = result.scores
    subject = gold.get("subject_film") or {}
    titles = {norm(t) for t in (subject.get("title"), subject.get("original_title")) if t}
    got_titles = {norm(t) for t in got.film_names}
    if titles:
        if titles & got_titles:
            s["reviewed film"].tp += 1
        else:
            s["reviewed film"].fn += 1
            errs.append(f"reviewed film: missed {subject.get('title')!r}"
                        + (f", got {sorted(got.film_names)}" if got.film_names else ""))
            if got_titles:
                s["reviewed film"].fp += 1
    elif got_titles:
        s["reviewed film"].fp += 1
        errs.append(f"reviewed film: text never names it, got {sorted(got.film_names)}")
    person = _person_matcher(gold)
    _count(s["directors"], errs, "directors", list(gold.get("directors") or []), list(got.directors), person, True)
    _count(s["cast"], errs, "cast", list(gold.get("cast") or []), list(got.cast), person, True)
    gold_roles = [f"{r['actor']} => {r['character']}" for r in gold.get("cast_roles") or []
                  if r.get("actor") and r.get("character")]
    got_roles = [f"{a} => {c}" for a, c in got.roles]

    matched_roles = _match_roles(gold.get("cast_roles") or [], got.roles, person)
    sr = s["actor->character"]
    sr.tp += len(matched_roles)
    sr.fn += len(gold_roles) - len(matched_roles)
    sr.fp += len(got_roles) - len(matched_roles)
    matched_gold = {id(g) for g, _ in matched_roles}
    matched_got = {x for _, x in matched_roles}
    errs.extend(f"actor->character: missed {r['actor']!r} as {r['character']!r}"
                for r in gold.get("cast_roles") or [] if id(r) not in matched_gold and r.get("actor"))
    errs.extend(f"actor->character: extra {a!r} as {c!r}" for a, c in got.roles if (a, c) not in matched_got)
    work_titles = [w["title"] for w in gold.get("other_works") or [] if w.get("title")]
    _count(s["other works"], errs, "other works", work_titles, list(got.works), norm)
    compared = [c["title"] for c in gold.get("compared_to") or [] if c.get("title")]
    _count(s["compared to"], errs, "compared to", compared, list(got.compared), norm)


def _match_roles(gold_roles: list[dict], got_roles: tuple[tuple[str, str], ...], person) -> list:
    left = list(got_roles)
    pairs = []
    for g in gold_roles:
        if not g.get("actor") or not g.get("character"):
            continue
        for x in left:
            a, c = norm(g["character"]), norm(x[1])
            if person(g["actor"]) == person(x[0]) and a and c and (a in c or c in a):
                left.remove(x)
                pairs.append((g, x))
                break
    return pairs


def page_pairs(gold_dir: Path, texts_dir: Path | None = None) -> list[tuple[Path, Path]]:
    """Each ``NN_slug.gold.json`` with its ``NN_slug.txt`` (beside it, or in ``texts_dir``)."""
    pairs = []
    for gold in sorted(Path(gold_dir).glob("*.gold.json")):
        stem = gold.name[: -len(".gold.json")]
        text = (Path(texts_dir) if texts_dir else gold.parent) / f"{stem}.txt"
        pairs.append((gold, text))
    if not pairs:
        raise FilmGraphError(f"{gold_dir}: no *.gold.json page gold files")
    return pairs


def evaluate_pages(pairs: list[tuple[Path, Path]], settings, text_stage=None) -> PageScores:
    """Build the pages' texts into a fresh in-memory store, as ``filmgraph build`` would, and score
    each page's review graph against its gold. Pages whose text is missing are skipped (and named
    in ``errors``): the texts are third-party and live outside the repository."""
    from .extract import make_text_stage
    from .iris import Iris
    from .pipeline import build
    from .store import FilmStore

    result = PageScores()
    present = [(g, t) for g, t in pairs if t.exists()]
    for g, t in pairs:
        if not t.exists():
            result.errors.setdefault(g.name, []).append(f"no text at {t}")
    if not present:
        return result
    store = FilmStore.in_memory(Iris(settings.base_iri))
    stage = text_stage or make_text_stage(settings)
    report = build([t for _, t in present], store, settings, text_stage=stage)
    by_source = {o.source: o for o in report.outcomes}
    for gold_path, text_path in present:
        outcome = by_source.get(str(text_path))
        name = gold_path.name[: -len(".gold.json")]
        gold = load_gold(gold_path)
        if outcome is None or outcome.review_iri is None:
            got = Predicted()
            result.errors.setdefault(name, []).append(
                f"not built: {outcome.error if outcome else 'no outcome'}")
        else:
            rid = outcome.review_iri.rsplit("/", 1)[-1]
            got = predicted_for(store, outcome.review_iri, str(store.iris.review_graph(rid)))
        score_page(result, name, gold, got)
        result.pages.append(name)
    return result
