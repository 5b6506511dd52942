"""Fixtures shared by every test module; defined once here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from filmgraph.iris import Iris
from filmgraph.settings import Settings
from filmgraph.store import FilmStore

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SAMPLES = REPO / "data" / "reviews"
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "one-second-review.txt"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings isolated in a temporary directory (store, cache) and never online."""
    return Settings(store_path=tmp_path / "store", cache_dir=tmp_path / "cache", offline=True)


@pytest.fixture
def store(settings: Settings):
    with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as s:
        yield s


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"seed review not found at {SEED} (../shared is absent)")
    return SEED


@pytest.fixture
def reader_case():
    """Path of a tiny reader test file in tests/data/reader/."""
    return lambda name: DATA / "reader" / name


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled sample reviews (tests may modify it)."""
    if not any(SAMPLES.glob("*.txt")):
        pytest.skip("no sample reviews in data/reviews")
    target = tmp_path / "reviews"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture(scope="session")
def blank_en():
    """``spacy.blank("en")``: a tokenizer and no trained parts, for the rule components' unit tests."""
    return pytest.importorskip("spacy").blank("en")


@pytest.fixture(scope="session")
def stage():
    """The default text stage (the spaCy model loaded once for every test module that asks)."""
    from filmgraph.extract import make_text_stage

    return make_text_stage(Settings())


def analyse(stage, text: str, name: str = "page.txt"):
    """``(review as refined, result)`` of ``stage`` on a review read from ``text``."""
    from filmgraph.models import ReviewSource
    from filmgraph.read import read_review

    return stage.analyse_one(read_review(ReviewSource(name, text.encode("utf-8"))))

