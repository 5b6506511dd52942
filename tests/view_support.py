"""Stores for view tests: the hand-written One Second fixture and the hostile review."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from filmgraph.iris import Iris
from filmgraph.pipeline import build
from filmgraph.settings import Settings
from filmgraph.store import FilmStore

DATA = Path(__file__).resolve().parent / "data" / "views"
BASE = "https://w3id.org/filmgraph/id/"
FILM = BASE + "film/one-second-2021"
ZHANG_YIMOU = BASE + "person/zhang-yimou"
CINEMA_PARADISO = BASE + "film/cinema-paradiso-1988"
REVIEW = BASE + "review/one-second-2021-by-john-li"
HOSTILE_FILM = BASE + "film/the-script-alert-1-script-quoted-film-2020"


def fixture_store() -> FilmStore:
    """The One Second review as the RDF contract says the whole pipeline writes it (no extractor needed)."""
    store = FilmStore.in_memory(Iris(BASE))
    store.oxigraph.load(path=str(DATA / "one-second.trig"), format=ox.RdfFormat.TRIG)
    return store


def hostile_store() -> FilmStore:
    """A review whose title, names and sentences carry script and markup, built by the real pipeline."""
    store = FilmStore.in_memory(Iris(BASE))
    report = build([DATA / "hostile-review.txt"], store, Settings())
    assert report.ok, report.failed
    store.load(DATA / "hostile-evidence.trig", ox.RdfFormat.TRIG)
    return store
