"""The real-page set is well formed (without its texts), and the page scorer counts what a graph says."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from filmgraph.pagescore import PageScores, Predicted, evaluate_pages, page_pairs, person_key, score_page
from filmgraph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
REALWORLD = ROOT / "benchmarks" / "realworld"
RESERVED = ROOT.parent / "shared" / "eval-reserved-urls.txt"
GOLD_KEYS = {"format", "text_complete", "subject_film", "directors", "cast", "cast_aliases", "cast_roles",
             "characters_without_actor", "other_works", "other_work_performances", "compared_to", "reviewer",
             "events", "header", "notes", "source"}

sys.path.insert(0, str(REALWORLD))
from split import split_of  # noqa: E402


def _manifest() -> list[dict]:
    rows = []
    for part in sorted((REALWORLD / "manifest").glob("*.tsv")):
        with part.open(encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh, delimiter="\t"))
    return rows


def _bare(url: str) -> str:
    return url.strip().lower().split("://", 1)[-1].removeprefix("www.").rstrip("/")


def test_every_gold_file_has_the_gold_format_keys_and_a_manifest_row():
    rows = {r["id"]: r for r in _manifest()}
    golds = sorted((REALWORLD / "gold").glob("*.gold.json"))
    assert len(golds) >= 80
    for g in golds:
        gold = json.loads(g.read_text(encoding="utf-8"))
        assert GOLD_KEYS <= set(gold), (g.name, GOLD_KEYS - set(gold))
        stem = g.name[: -len(".gold.json")]
        assert stem in rows, f"{g.name} has no manifest row"
        assert gold["source"] == rows[stem]["url"]
    assert set(rows) == {g.name[: -len(".gold.json")] for g in golds}
    assert all(r["query"].strip() for r in rows.values())  # how to get each text back


def test_no_page_is_reserved_for_the_independent_evaluation():
    if not RESERVED.exists():
        pytest.skip("../shared is not beside the repository")
    reserved = {_bare(ln) for ln in RESERVED.read_text(encoding="utf-8").splitlines()
                if ln.strip() and not ln.startswith("#")}
    assert not {_bare(r["url"]) for r in _manifest()} & reserved


def test_no_page_text_is_in_the_repository():
    import subprocess

    tracked = subprocess.run(["git", "ls-files", "benchmarks/realworld"], cwd=ROOT, capture_output=True,
                             text=True).stdout.split()
    assert tracked and not [t for t in tracked if t.endswith(".txt") or "/texts/" in t]


def test_the_split_depends_on_the_url_alone_and_keeps_both_sides():
    rows = _manifest()
    splits = [split_of(r["url"]) for r in rows]
    assert splits == [split_of(r["url"]) for r in rows]
    assert 0.3 <= splits.count("test") / len(splits) <= 0.5


def test_names_match_in_either_order_and_under_their_aliases():
    result = PageScores()
    gold = {"subject_film": {"title": "Raise the Red Lantern"}, "directors": ["Zhang Yimou"],
            "cast": ["Gong Li"], "cast_aliases": {"Gong Li": ["Li Gong"]},
            "cast_roles": [{"actor": "Gong Li", "character": "Songlian"}],
            "other_works": [{"title": "Ju Dou"}], "compared_to": [{"title": "Ju Dou"}]}
    got = Predicted(film_names=("Raise the Red Lantern",), directors=("Yimou Zhang",), cast=("Li Gong", "He Saifei"),
                    roles=(("Li Gong", "the fourth wife Songlian"),), works=("Ju Dou",), compared=())
    score_page(result, "page", gold, got)
    s = result.scores
    assert (s["reviewed film"].tp, s["directors"].tp, s["cast"].tp, s["cast"].fp) == (1, 1, 1, 1)
    assert s["actor->character"].tp == 1 and s["other works"].tp == 1
    assert s["compared to"].fn == 1
    assert person_key("Tony Leung Chiu-wai") == person_key("Chiu Wai Tony Leung")


@pytest.mark.model
def test_a_page_is_scored_from_its_own_graph_after_a_real_build(tmp_path):
    (tmp_path / "01_hero.txt").write_text(
        "SOURCE: https://example.org/reviews/hero\nHero Review\n\nJet Li as Nameless\n\n"
        "Director Zhang Yimou's Hero owes a debt to Rashomon.\n", encoding="utf-8")
    gold = {k: None for k in GOLD_KEYS} | {
        "subject_film": {"title": "Hero", "original_title": None, "year": None}, "directors": ["Zhang Yimou"],
        "cast": ["Jet Li"], "cast_aliases": {}, "cast_roles": [{"actor": "Jet Li", "character": "Nameless"}],
        "other_works": [{"title": "Rashomon"}], "compared_to": [{"title": "Rashomon"}], "events": []}
    (tmp_path / "01_hero.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    result = evaluate_pages(page_pairs(tmp_path), Settings())
    assert result.pages == ["01_hero"]
    assert {c: s.f1 for c, s in result.scores.items()} == {c: 1.0 for c in result.scores}, result.errors


def test_a_node_with_several_names_is_scored_by_the_name_its_iri_was_minted_from():
    from filmgraph.pagescore import _name_of_node

    iri = "https://w3id.org/filmgraph/id/person/zhang-yimou"
    assert _name_of_node(iri, ["Yimou Zhang", "Zhang", "Zhang Yimou"]) == "Zhang Yimou"
    assert _name_of_node(iri, ["Zhang", "Zhang Yimou", "Yimou Zhang"]) == "Zhang Yimou"  # whatever the order
    film = "https://w3id.org/filmgraph/id/film/hero-2002"
    assert _name_of_node(film, ["Hero", "Ying xiong"]) == "Hero"  # the other is not what the IRI spells
    assert _name_of_node(film, ["Ying xiong", "Hero"]) == "Hero"


def test_an_actor_known_by_two_names_plays_a_part_once_in_the_score(tmp_path):
    from filmgraph.extract import make_text_stage
    from filmgraph.iris import Iris
    from filmgraph.pagescore import SCHEMA, predicted_for
    from filmgraph.pipeline import build
    from filmgraph.store import FilmStore

    page = tmp_path / "01_hero.txt"
    page.write_text("SOURCE: https://example.org/reviews/hero\nHero Review\n\nJet Li as Nameless\n\n"
                    "Director Zhang Yimou's Hero owes a debt to Rashomon.\n", encoding="utf-8")
    settings = Settings(offline=True)
    store = FilmStore.in_memory(Iris(settings.base_iri))
    outcome = build([page], store, settings, text_stage=make_text_stage(settings)).outcomes[0]
    graph = str(store.iris.review_graph(outcome.review_iri.rsplit("/", 1)[-1]))
    assert predicted_for(store, outcome.review_iri, graph).roles == (("Jet Li", "Nameless"),)
    rows = store.query(f"""SELECT ?a WHERE {{ GRAPH <{graph}> {{ ?r a <{SCHEMA}PerformanceRole> ; <{SCHEMA}actor> ?a }} }}""")
    actor = next(iter(rows))[0].value
    store.update(f'INSERT DATA {{ GRAPH <{graph}> {{ <{actor}> <{SCHEMA}name> "Li Lianjie" }} }}')
    assert predicted_for(store, outcome.review_iri, graph).roles == (("Jet Li", "Nameless"),)
