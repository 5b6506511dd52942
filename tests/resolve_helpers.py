"""Helpers for the resolution tests: own-words reviews that exercise merges, and sorted exports."""

from __future__ import annotations

import io
import json
from pathlib import Path

from filmgraph.export import export, format_for
from filmgraph.store import FilmStore

#: short reviews written for these tests (true facts about real films), naming people and films
#: the way different sites do: Western order, no year, hyphens, a surname alone
VARIANT_REVIEWS = {
    "hero-note.txt": (
        "Hero (2002)\n\nGenre: Action\nDirector: Yimou Zhang\nCast: Jet Li, Tony Leung Chiu Wai, Maggie Cheung\n\n"
        "Movie Review:\nYimou Zhang stages every duel as a colour study. Zhang never lets the camera rest, and "
        "Tony Leung Chiu Wai plays the calligrapher with a quiet patience.\n\nReview by Ada Moss\n"),
    "parasite-note.txt": (
        "Parasite (2019)\n\nGenre: Drama\nDirector: Joon-ho Bong\nCast: Song Kang-ho, Choi Woo-shik\n\n"
        "Movie Review:\nJoon-ho Bong builds a house of stairs and lets the water find the bottom. Bong keeps "
        "the comedy sharp until the last act.\n\nReview by Ada Moss\n"),
    "lantern-note.txt": (
        "Raise the Red Lantern (1991)\n\nGenre: Drama\nDirector: Zhang Yimou\nCast: Gong Li, He Saifei\n\n"
        "Movie Review:\nGong Li is the fourth wife. Zhang Yimou later made Hero, a martial arts fable.\n\n"
        "Review by Ben Ortiz\n"),
}


def write_variant_reviews(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in VARIANT_REVIEWS.items():
        (folder / name).write_text(text, encoding="utf-8")
        out.append(folder / name)
    return out


def sorted_export(store: FilmStore) -> bytes:
    """The store as N-Quads, one statement a line, sorted: equal stores give equal bytes."""
    buf = io.BytesIO()
    export(store, format_for("nquads"), buf)
    return b"\n".join(sorted(line for line in buf.getvalue().splitlines() if line.strip())) + b"\n"


def whole_dataset(store: FilmStore) -> set:
    """Every quad, bookkeeping included."""
    return {(q.subject, q.predicate, q.object, q.graph_name) for q in store.oxigraph}


def varied_mentions(n: int = 120, seed: int = 14) -> list:
    """``n`` reviews' mentions drawn (seeded) from names and titles that exercise every rule: name
    order, hyphens, short names that fit one or two people, Chinese characters, one-letter slips,
    co-stars, yearless and adjacent years, namesakes of two years, a novel and its film, another
    title (AKA). Real people and films; the pairings are random, which is the point."""
    import random

    from filmgraph.resolve import PersonMention, ReviewMentions, WorkMention

    names = ["Zhang Yimou", "Yimou Zhang", "Zhang", "Zhang Yi", "张艺谋", "Tony Leung Chiu-wai", "Tony Leung Ka-fai",
             "Leung", "Tony Leung", "Leung Chiu Wai", "Gong Li", "Li Gong", "Michelle Yeoh", "Michelle Yeo",
             "Jing Tian", "Jiang Tian", "Matt Damon", "Andy Lau", "Ken Takakura", "Takakura Ken", "Maggie Cheung",
             "Bong Joon-ho", "Joon-ho Bong", "Bong", "Wong Kar-wai", "Kar-wai Wong", "Ge You", "Lu Wei"]
    films = [("Hero", 2002), ("Hero", None), ("Hero", 2003), ("To Live", 1994), ("To Live", None),
             ("Coming Home", 1978), ("Coming Home", 2014), ("Coming Home", None), ("Shadow", 2018),
             ("The Great Wall", 2016), ("Great Wall", None), ("Fireworks", 1997), ("Hana-Bi", None),
             ("In the Mood for Love", 2000), ("Parasite", 2019), ("Riding Alone for Thousands of Miles", 2005)]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        title, year = rng.choice(films)
        directors = tuple(rng.sample(names, rng.choice((0, 1, 1, 2))))
        cast = tuple(rng.sample(names, rng.choice((0, 1, 2, 3))))
        other = ("Hana-Bi",) if title == "Fireworks" and rng.random() < 0.7 else ()
        works = [WorkMention(title, "film", year, directors, reviewed=True, other_titles=other)]
        people = [PersonMention(d, "director", (title,)) for d in directors]
        people += [PersonMention(c, "cast", (title,)) for c in cast]
        for _ in range(rng.choice((0, 1, 2))):
            t2, y2 = rng.choice(films)
            maker = rng.choice(names) if rng.random() < 0.5 else None
            kind = "novel" if t2 == "To Live" and rng.random() < 0.3 else "film"
            works.append(WorkMention(t2, kind, y2, (maker,) if maker else ()))
            if maker:
                people.append(PersonMention(maker, "director" if kind == "film" else "author", (t2,)))
        people += [PersonMention(rng.choice(names), rng.choice(("person", "actor")), (title,))
                   for _ in range(rng.choice((0, 1, 2)))]
        people.append(PersonMention(f"Critic {i % 7}", "reviewer"))
        out.append(ReviewMentions(f"r{i:03d}", tuple(dict.fromkeys(people)), tuple(dict.fromkeys(works))))
    return out


def resolution_answers(reviews: list, resolution) -> dict:
    """Every answer a resolution gives about ``reviews``: each mention's IRI, each review's key and
    drawing share, the merges and near-misses (plain JSON, to compare two resolvers by)."""
    from filmgraph.resolve.names import fold, title_key

    out = {"reviews": {}, **resolution.to_json()}
    for rm in reviews:
        view = resolution.view(rm)
        works = {}
        for w in rm.works:
            for m in (*w.makers, None):
                key = (rm.review_id, w.kind, title_key(w.title), w.year, fold(m) if m else "")
                works[repr(key)] = resolution.works.get(key)
        out["reviews"][rm.review_id] = {
            "people": {p.name: resolution.people.get((rm.review_id, p.name)) for p in rm.people},
            "works": works, "key": resolution.review_key(rm.review_id),
            "view": [sorted(view.people.items()), sorted((repr(k), v) for k, v in view.works.items())]}
    return json.loads(json.dumps(out))


def varied_aliases(name: str) -> frozenset[str]:
    """A stand-in for the Wikidata snapshot's aliases over ``varied_mentions``' names (the items
    are made up for the test, not Wikidata's): name -> the items it names."""
    items = {"Q1": ("Zhang Yimou", "张艺谋", "Yimou Zhang"), "Q2": ("Wong Kar-wai", "Kar-wai Wong"),
             "Q3": ("Tony Leung Chiu-wai", "Leung Chiu Wai"), "Q4": ("Jing Tian", "Tian Jing")}
    return frozenset(q for q, names in items.items() if name in names)
