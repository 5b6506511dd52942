"""Acceptance: each view preset on the sample reviews (and the seed One Second review), built with the
real CLI and opened in headless Chromium with the network off."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser_support import browser_missing, console_errors, open_view, requested_urls, start_browser, stop_browser
from filmgraph.cli import main
from filmgraph.iris import Iris
from filmgraph.settings import DEFAULT_BASE_IRI
from filmgraph.store import FilmStore
from filmgraph.viewgraph import ViewSpec, view_graph

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "reviews"
SEED = REPO.parent / "shared" / "seed" / "one-second-review.txt"

PRESETS = {
    "whole": [],
    "director": ["--director", "Zhang Yimou"],
    "film": ["--film", "Hero"],
    "review": ["--review", "one-second-2021-by-john-li"],
    "focus": ["--focus", "Gong Li", "--depth", "2"],
    "query": ["--query", "film-people"],
}
SPECS = {
    "whole": ViewSpec(), "director": ViewSpec("director", "Zhang Yimou"), "film": ViewSpec("film", "Hero"),
    "review": ViewSpec("review", "one-second-2021-by-john-li"), "focus": ViewSpec("focus", "Gong Li", 2),
    "query": ViewSpec("query", "film-people"),
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing())),
    pytest.mark.skipif(not any(SAMPLES.glob("*.txt")), reason="no sample reviews in data/reviews"),
    pytest.mark.skipif(not SEED.exists(), reason=f"seed review not found at {SEED} (../shared is absent)"),
]


@pytest.fixture(scope="module")
def sample_pages(tmp_path_factory):
    """Every preset drawn by `filmgraph view` from a store `filmgraph build` made of the samples and the seed."""
    tmp = tmp_path_factory.mktemp("samples")
    store = tmp / "store"
    runner = CliRunner()
    built = runner.invoke(main, ["--store", str(store), "--quiet", "build", str(SAMPLES), str(SEED)])
    assert built.exit_code == 0, built.output
    pages = {}
    for name, options in PRESETS.items():
        out = tmp / f"{name}.html"
        result = runner.invoke(main, ["--store", str(store), "view", "-o", str(out), *options])
        assert result.exit_code == 0, result.output
        pages[name] = out
    with FilmStore.open(store, Iris(DEFAULT_BASE_IRI), read_only=True) as s:
        graphs = {name: view_graph(s, spec) for name, spec in SPECS.items()}
    return pages, graphs


@pytest.fixture(scope="module")
def browser():
    driver, profile = start_browser()
    yield driver
    stop_browser(driver, profile)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_on_the_samples_opens_offline_and_draws_the_whole_view(browser, sample_pages, preset):
    pages, graphs = sample_pages
    requested_urls(browser)
    browser.get_log("browser")
    open_view(browser, pages[preset])
    assert console_errors(browser) == []
    assert [u for u in requested_urls(browser) if not u.startswith(("file:", "data:", "blob:", "about:"))] == []
    g = graphs[preset]
    drawn = browser.execute_script(
        "var b = window.filmgraphView.network.body; return [b.nodeIndices.length, b.edgeIndices.length];")
    assert drawn == [g.number_of_nodes(), g.number_of_edges()]
    assert g.number_of_nodes() >= 3


def test_director_view_of_the_samples_holds_zhang_yimous_reviewed_films(sample_pages):
    pages, _ = sample_pages
    page = pages["director"].read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="fg-data">(.*?)</script>', page, re.S).group(1))
    films = {n["label"] for n in data["nodes"] if n["kind"] == "film"}
    assert {"Hero (2002)", "House of Flying Daggers (2004)", "To Live (1994)", "One Second (2021)"} <= films
    assert not any(label.startswith("Crouching Tiger") for label in films)  # Ang Lee's
