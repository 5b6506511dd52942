"""Helpers for the resolution tests: own-words reviews that exercise merges, and sorted exports."""

from __future__ import annotations

import io
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
