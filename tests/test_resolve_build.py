"""The resolve stage inside a build: one IRI per real thing in the store, the merges queryable in
SPARQL, `filmgraph resolve --report`, and a store that does not depend on the order of building."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from filmgraph.cli import main
from filmgraph.iris import Iris
from filmgraph.pipeline import build
from filmgraph.settings import Settings
from filmgraph.store import FilmStore

from conftest import REPO
from resolve_helpers import sorted_export, write_variant_reviews

MERGES = """
PREFIX fg: <https://w3id.org/filmgraph/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?canonical ?variant ?reason WHERE {
  ?m a fg:Merge ; fg:mergedInto ?canonical ; fg:mergedVariant ?variant ; fg:mergeReason ?reason .
  ?variant owl:sameAs ?canonical .
} ORDER BY ?canonical ?variant
"""


def test_header_names_in_western_order_become_one_person_with_a_merge_record_in_sparql(tmp_path):
    folder = tmp_path / "r"
    write_variant_reviews(folder)
    settings = Settings(store_path=tmp_path / "store")
    with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as st:
        assert build([folder], st, settings).ok
        rows = [(r["canonical"].value.rsplit("/", 2)[-2:], r["variant"].value.rsplit("/", 1)[-1], r["reason"].value)
                for r in st.query(MERGES)]
        directors = {r["d"].value for r in st.query(
            "PREFIX schema: <https://schema.org/> SELECT DISTINCT ?d WHERE { ?f schema:director ?d }")}
    assert (["person", "zhang-yimou"], "yimou-zhang",
            "'Yimou Zhang' is 'Zhang Yimou' in Western order (Zhang is a known family name)") in rows
    # one node per director: Hero's and Raise the Red Lantern's are the same person
    assert {d.rsplit("/", 1)[-1] for d in directors} == {"zhang-yimou", "joon-ho-bong"}


def test_resolve_report_lists_merges_and_near_misses_as_a_table_and_as_json(tmp_path):
    folder = tmp_path / "r"
    write_variant_reviews(folder)
    (folder / "cliff.txt").write_text("Cliff Walkers (2021)\n\nDirector: Zhang Yimou\nCast: Zhang Yi, Qin Hailu\n\n"
                                      "Movie Review:\nSpies in the snow.\n\nReview by Ben Ortiz\n", encoding="utf-8")
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(main, ["--store", store, "-q", "build", "--no-text", "--link", "off", str(folder)]).exit_code == 0
    table = runner.invoke(main, ["--store", store, "resolve", "--report"])
    assert table.exit_code == 0, table.output
    assert "person:zhang-yimou  <- person:yimou-zhang" in table.stdout
    assert "person:zhang-yi | person:zhang-yimou" in table.stdout
    data = json.loads(runner.invoke(main, ["--store", store, "resolve", "--report", "--format", "json"]).stdout)
    assert {m["iri"].rsplit("/", 1)[-1] for m in data["merges"] if m["kind"] == "person"} == {"zhang-yimou"}
    assert any(sorted(n["names"]) == ["Zhang Yi", "Zhang Yimou"] for n in data["near_misses"])


def test_removing_the_review_that_held_a_merge_together_undoes_it(tmp_path):
    folder = tmp_path / "r"
    write_variant_reviews(folder)
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(main, ["--store", store, "-q", "build", "--no-text", "--link", "off", str(folder)]).exit_code == 0
    removed = runner.invoke(main, ["--store", store, "remove", "--no-text", str(folder / "lantern-note.txt")])
    assert removed.exit_code == 0, removed.output
    data = json.loads(runner.invoke(main, ["--store", store, "resolve", "--format", "json"]).stdout)
    assert not any(m["iri"].endswith("/zhang-yimou") for m in data["merges"])
    with FilmStore.open(tmp_path / "store", Iris(Settings().base_iri), read_only=True) as st:
        people = {r["p"].value.rsplit("/", 1)[-1] for r in st.query(
            "PREFIX schema: <https://schema.org/> SELECT ?p WHERE { ?f schema:director ?p }")}
    assert "yimou-zhang" in people  # Hero's director, as its review writes him, with nothing to merge with


@pytest.mark.model
def test_the_samples_built_forward_and_one_by_one_in_reverse_export_the_same_bytes(tmp_path):
    from filmgraph.extract import make_text_stage

    write_variant_reviews(tmp_path / "own")
    paths = sorted((REPO / "data" / "reviews").glob("*.txt")) + sorted((tmp_path / "own").glob("*.txt"))
    exports = []
    for name, batches in (("forward", [paths]), ("reverse", [[p] for p in reversed(paths)])):
        settings = Settings(store_path=tmp_path / name)
        stage = make_text_stage(settings)
        with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as st:
            for batch in batches:
                assert build(batch, st, settings, text_stage=stage).ok
            exports.append(sorted_export(st))
    assert exports[0] == exports[1]
    assert b"ontology#Merge" in exports[0]


def test_a_header_s_aka_joins_the_film_another_review_names_by_that_title(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "fireworks.txt").write_text(
        "Fireworks (1997)\n\nAKA: Hana-Bi\nDirector: Takeshi Kitano\nCast: Takeshi Kitano, Kayoko Kishimoto\n\n"
        "Movie Review:\nA cop who left the force paints and waits.\n\nReview by Ada Moss\n", encoding="utf-8")
    (folder / "sonatine.txt").write_text(
        "Sonatine (1993)\n\nDirector: Takeshi Kitano\n\nMovie Review:\nKitano sends his gangsters to a beach in "
        "Okinawa. His later film \"Hana-Bi\" won the Golden Lion at Venice.\n\nReview by Ben Ortiz\n", encoding="utf-8")
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(main, ["--store", store, "-q", "build", "--link", "off", str(folder)]).exit_code == 0
    data = json.loads(runner.invoke(main, ["--store", store, "resolve", "--report", "--format", "json"]).stdout)
    [merge] = [m for m in data["merges"] if m["kind"] == "film"]
    assert merge["iri"].endswith("/film/fireworks-1997") and [v.rsplit("/", 1)[-1] for v in merge["variants"]] == ["hana-bi"]
    assert any("'Hana-Bi' is the other title" in reason for reason in merge["reasons"])
