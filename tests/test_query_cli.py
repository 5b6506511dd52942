"""`filmgraph query` and `filmgraph serve` from the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading

import pytest
import requests
from click.testing import CliRunner
from rdflib import Graph

from conftest import REPO
from filmgraph.cli import main
from filmgraph.iris import Iris
from filmgraph.server import make_server
from filmgraph.settings import Settings
from filmgraph.store import FilmStore


@pytest.fixture
def built(tmp_path, sample_dir):
    store = tmp_path / "store"
    # header statements only (no text stage, no linking): the expected rows below are the headers' facts
    result = CliRunner().invoke(main, ["--store", str(store), "-q", "build", "--no-text", "--link", "off", str(sample_dir)],
                                catch_exceptions=False)
    assert result.exit_code == 0
    return store


def fg(store, *args):
    return CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)


def test_query_list_shows_every_bundled_query_with_its_bindings(tmp_path):
    out = fg(tmp_path / "none", "query", "--list").stdout
    names = re.findall(r"^(\S+)$", out, flags=re.M)
    assert names == sorted(names)
    assert set(names) >= {"cast-and-roles", "collaborators", "compared-works", "evidence", "films-by-director",
                          "mentioned-works", "reviews-of-film"}
    assert "bindings: ?director (a person IRI" in out


def test_query_by_name_with_a_bound_name_as_csv(built):
    result = fg(built, "query", "films-by-director", "--bind", "name=Ang Lee", "--format", "csv")
    assert result.exit_code == 0
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["director", "directorName", "film", "title", "year"],
        ["https://w3id.org/filmgraph/id/person/ang-lee", "Ang Lee",
         "https://w3id.org/filmgraph/id/film/crouching-tiger-hidden-dragon-2000", "Crouching Tiger, Hidden Dragon", "2000"],
    ]


def test_query_table_uses_prefixed_names(built):
    result = fg(built, "query", "films-by-director", "-b", "director=person:giuseppe-tornatore")
    assert result.stdout.splitlines() == [
        "director                   directorName        film                       title            year",
        "-------------------------  ------------------  -------------------------  ---------------  ----",
        "person:giuseppe-tornatore  Giuseppe Tornatore  film:cinema-paradiso-1988  Cinema Paradiso  1988",
        "(1 row)",
    ]


def test_query_text_json_and_limit(built):
    result = fg(built, "query", "SELECT ?f WHERE { ?f a <https://schema.org/Movie> } ORDER BY ?f", "--limit", "2",
                "--format", "json")
    doc = json.loads(result.stdout)
    assert [b["f"]["value"].rsplit("/", 1)[1] for b in doc["results"]["bindings"]] == [
        "cinema-paradiso-1988", "cliff-walkers-2021"]
    assert "stopped at --limit 2" in result.stderr


def test_construct_prints_turtle_and_ask_prints_true(built):
    out = fg(built, "query", "CONSTRUCT { ?f <https://schema.org/director> ?d } WHERE { ?f <https://schema.org/director> ?d }").stdout
    assert len(Graph().parse(data=out, format="turtle")) == 10  # 9 titled films and one known from its header only
    assert fg(built, "query", "ASK { ?f <https://schema.org/name> 'Hero'@en }").stdout == "true\n"


def test_query_errors_are_one_line_with_exit_code_2(built):
    bad = fg(built, "query", "SELECT ?x WHERE {\n ?x ?p }")
    assert bad.exit_code == 2
    assert re.fullmatch(r"filmgraph: error: SPARQL syntax error: .+ \(at line 2, column \d+\)\n", bad.stderr)
    assert fg(built, "query", "films-by-director", "--bind", "oops").exit_code == 2
    unknown = fg(built, "query", "no-such-query")
    assert unknown.exit_code == 2 and "no bundled query named 'no-such-query'" in unknown.stderr


def test_query_against_an_endpoint(tmp_path):
    store = FilmStore.in_memory(Iris("https://w3id.org/filmgraph/id/"))
    store.oxigraph.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <https://schema.org/name> "A \\"quoted\\" name" } }')
    srv = make_server(store, Settings())
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        result = fg(tmp_path / "unused", "query", "--endpoint", srv.url + "/sparql",
                    "SELECT ?s WHERE { ?s ?p ?n }", "--bind", 'n=A "quoted" name', "--format", "tsv")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "?s\n<urn:a>\n"
    finally:
        srv.shutdown()
        srv.server_close()


def test_serve_command_answers_sparql_until_stopped(built):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "filmgraph", "--store", str(built), "serve", "--port", "0"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline()
        url = re.search(r"(http://\S+/sparql)", line).group(1)
        r = requests.get(url, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?f a <https://schema.org/Movie> }"},
                         headers={"Accept": "text/csv"}, timeout=10)
        assert r.text == "n\r\n10\r\n"  # 9 titled films and one known only from its header
        refused = requests.post(url, data={"update": "CLEAR ALL"}, timeout=10)
        assert refused.status_code == 403
    finally:
        proc.terminate()
        proc.wait(timeout=10)
