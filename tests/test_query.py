"""run_query: bindings as RDF terms, result formats, limits and errors, on a local store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from filmgraph.errors import QueryError, QueryLimitError
from filmgraph.query import (
    QUERIES_DIR, named_queries, parse_bindings, parse_term, resolve_query, run_query,
)

EX = "http://example.org/"
NASTY = 'x" } ; DROP ALL ; INSERT DATA { <http://example.org/evil> <http://example.org/p> "pwned" } #\n} UNION { ?s ?p ?o }'


@pytest.fixture
def small() -> ox.Store:
    """Four triples: two films and their titles, one of which is a hostile string."""
    s = ox.Store()
    g = ox.NamedNode(EX + "g")
    p = ox.NamedNode(EX + "title")
    s.add(ox.Quad(ox.NamedNode(EX + "a"), p, ox.Literal("Hero", language="en"), g))
    s.add(ox.Quad(ox.NamedNode(EX + "b"), p, ox.Literal(NASTY), g))
    s.add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "year"), ox.Literal("2002", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")), g))
    s.add(ox.Quad(ox.NamedNode(EX + "b"), ox.NamedNode(EX + "rank"), ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), g))
    return s


def test_parse_term_follows_the_documented_rules():
    assert parse_term("<http://example.org/x>") == ox.NamedNode("http://example.org/x")
    assert parse_term("http://example.org/x") == ox.NamedNode("http://example.org/x")
    assert parse_term("person:zhang-yimou") == ox.NamedNode("https://w3id.org/filmgraph/id/person/zhang-yimou")
    assert parse_term('"One Second"@en') == ox.Literal("One Second", language="en")
    assert parse_term('"2021"^^xsd:gYear') == ox.Literal("2021", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    assert parse_term('"a\\"b\\nc"') == ox.Literal('a"b\nc')
    assert parse_term("42") == ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert parse_term("4.5") == ox.Literal("4.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    assert parse_term("Zhang Yimou") == ox.Literal("Zhang Yimou")
    assert parse_term("Star Wars: A New Hope") == ox.Literal("Star Wars: A New Hope")
    assert parse_term(NASTY) == ox.Literal(NASTY)
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_term("<not an iri>")


def test_parse_bindings_rejects_a_missing_name():
    assert parse_bindings(["?who=Hero"]) == {"who": ox.Literal("Hero")}
    with pytest.raises(QueryError, match="NAME=VALUE"):
        parse_bindings(["no-equals-sign"])


def test_bound_value_with_quotes_braces_and_newlines_is_one_term_when_projected(small):
    q = f"SELECT ?film ?t WHERE {{ ?film <{EX}title> ?t }}"
    rows = run_query(small, q, {"t": ox.Literal(NASTY)}).values()
    assert rows == [{"film": EX + "b", "t": NASTY}]
    assert len(small) == 4 and not list(small.quads_for_pattern(ox.NamedNode(EX + "evil"), None, None))


def test_bound_value_with_quotes_braces_and_newlines_is_one_term_when_not_projected(small):
    q = f"SELECT ?film WHERE {{ ?film <{EX}title> ?t }} ORDER BY ?film"
    assert run_query(small, q, {"t": ox.Literal(NASTY)}).values() == [{"film": EX + "b"}]
    # the same text, one character off, matches nothing: no UNION { ?s ?p ?o } got in
    assert run_query(small, q, {"t": ox.Literal(NASTY + " ")}).values() == []
    assert run_query(small, q, parse_bindings([f"t={NASTY}"])).values() == [{"film": EX + "b"}]
    assert len(small) == 4


def test_bindings_work_in_aggregate_queries_that_do_not_project_them(small):
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?film <{EX}title> ?t }}"
    assert run_query(small, q).values() == [{"n": "2"}]
    assert run_query(small, q, {"film": URIRef(EX + "a")}).values() == [{"n": "1"}]


def test_bindings_accept_rdflib_terms_and_python_values(small):
    q = f"SELECT ?film ?r WHERE {{ ?film <{EX}rank> ?r }}"
    assert run_query(small, q, {"r": 2}).values() == [{"film": EX + "b", "r": "2"}]
    q = f"SELECT ?film WHERE {{ ?film <{EX}title> ?t }}"
    assert run_query(small, q, {"t": Literal("Hero", lang="en")}).values() == [{"film": EX + "a"}]


def test_syntax_error_is_a_query_error_with_line_and_column(small):
    with pytest.raises(QueryError) as info:
        run_query(small, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  BIND(1 AS ?x AS ?y)\n}")
    assert info.value.position == "line 3, column 16"  # the second AS
    assert str(info.value) == 'SPARQL syntax error: expected ")" (at line 3, column 16)'


def test_syntax_error_position_refers_to_the_text_written_even_with_bindings(small):
    with pytest.raises(QueryError) as info:
        run_query(small, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  BIND(1 AS ?x AS ?y)\n}", {"o": "x"})
    assert info.value.position == "line 3, column 16"


def test_result_kinds_and_rdflib_rows(small):
    r = run_query(small, f"SELECT ?t WHERE {{ <{EX}a> <{EX}title> ?t }}")
    assert r.kind == "select" and r.variables == ["t"]
    assert r.rows == [{"t": Literal("Hero", lang="en")}]
    assert run_query(small, "ASK { ?s ?p ?o }").boolean is True
    c = run_query(small, f"CONSTRUCT {{ ?s <{EX}name> ?t }} WHERE {{ ?s <{EX}title> ?t }}")
    assert c.kind == "construct" and len(c.triples) == 2
    d = run_query(small, f"DESCRIBE <{EX}a>")
    assert d.kind == "construct" and len(d.triples) == 2


def _select(small):
    return run_query(small, f"SELECT ?s ?o ?missing WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}none> ?missing }} }} ORDER BY ?s ?o")


def test_select_json_and_xml_are_w3c_results_that_parse_back(small):
    r = _select(small)
    for fmt, oxfmt in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)):
        data = r.serialize(fmt)
        back = ox.parse_query_results(data, format=oxfmt)
        assert [v.value for v in back.variables] == ["s", "o", "missing"]
        assert [tuple(s) for s in back] == r.ox_rows
        parsed = Result.parse(io.BytesIO(data), format=fmt)
        assert [tuple(row) for row in parsed] == [tuple(d.get(v) for v in ("s", "o", "missing")) for d in r.rows]
    doc = json.loads(r.serialize("json"))
    assert doc["head"]["vars"] == ["s", "o", "missing"]


def test_select_tsv_parses_back_and_csv_holds_plain_values(small):
    r = _select(small)
    back = ox.parse_query_results(r.serialize("tsv"), format=ox.QueryResultsFormat.TSV)
    assert [tuple(s) for s in back] == r.ox_rows
    rows = list(csv.reader(io.StringIO(r.serialize("csv").decode("utf-8"))))
    assert rows[0] == ["s", "o", "missing"]
    assert [EX + "b", NASTY, ""] in rows


def test_table_shows_prefixed_names_and_a_row_count(small):
    text = run_query(small, f"SELECT ?s WHERE {{ ?s <{EX}title> ?t }} ORDER BY ?s").serialize(
        "table", {"ex": EX}).decode()
    assert text.splitlines() == ["s", "----", "ex:a", "ex:b", "(2 rows)"]


def test_ask_formats(small):
    r = run_query(small, "ASK { ?s ?p 'nothing' }")
    assert r.serialize("table") == b"false\n"
    assert json.loads(r.serialize("json")) == {"head": {}, "boolean": False}
    assert bool(ox.parse_query_results(r.serialize("xml"), format=ox.QueryResultsFormat.XML)) is False


def test_construct_serialises_to_turtle_and_jsonld_that_parse_back(small):
    r = run_query(small, "CONSTRUCT WHERE { ?s ?p ?o }")
    expected = Graph()
    for t in r.triples:
        expected.add(t)
    for fmt, rdflib_fmt in (("turtle", "turtle"), ("jsonld", "json-ld"), ("ntriples", "nt"), ("xml", "xml")):
        assert isomorphic(Graph().parse(data=r.serialize(fmt), format=rdflib_fmt), expected), fmt


def test_unknown_format_is_a_clear_error(small):
    with pytest.raises(QueryError, match="unknown format 'yaml'"):
        _select(small).serialize("yaml")


def test_limit_cuts_the_answer_short_and_says_so(small):
    r = run_query(small, "SELECT * WHERE { ?s ?p ?o }", limit=3)
    assert len(r.ox_rows) == 3 and r.truncated
    assert not run_query(small, "SELECT * WHERE { ?s ?p ?o }", limit=10).truncated


def test_more_rows_than_the_cap_is_refused(small):
    with pytest.raises(QueryLimitError, match="more than 3 rows") as info:
        run_query(small, "SELECT * WHERE { ?s ?p ?o }", max_rows=3)
    assert info.value.limit == "rows"
    assert len(run_query(small, "SELECT * WHERE { ?s ?p ?o }", max_rows=4).ox_rows) == 4


def test_a_slow_query_is_stopped_at_the_time_limit():
    s = ox.Store()
    s.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i))) for i in range(400))
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }"  # 400^3 = 64M combinations
    with pytest.raises(QueryLimitError, match="longer than 0.2 s") as info:
        run_query(s, slow, timeout_s=0.2)
    assert info.value.limit == "time"
    assert run_query(s, "ASK { ?a ?p ?x }", timeout_s=5).boolean is True


def test_named_queries_are_listed_with_description_and_bindings(tmp_path: Path):
    names = {q.name: q for q in named_queries()}
    assert {"films-by-director", "cast-and-roles", "compared-works", "mentioned-works", "reviews-of-film",
            "evidence", "collaborators"} <= set(names)
    assert "director" in names["films-by-director"].bindings
    assert names["collaborators"].description.startswith("People who worked with a director")
    (tmp_path / "wikidata-links.rq").write_text("# Entities and their Wikidata IDs.\n# bindings: none\nSELECT * {}\n")
    listed = named_queries(tmp_path)
    assert [(q.name, q.description, q.bindings) for q in listed] == [("wikidata-links", "Entities and their Wikidata IDs.", "none")]


def test_every_bundled_query_parses():
    for q in named_queries():
        run_query(ox.Store(), q.name)  # raises QueryError on a syntax error


def test_query_text_comes_from_a_name_a_file_or_the_text(tmp_path: Path):
    assert resolve_query("films-by-director") == (QUERIES_DIR / "films-by-director.rq").read_text()
    f = tmp_path / "mine.rq"
    f.write_text("ASK {}")
    assert resolve_query(str(f)) == "ASK {}"
    assert resolve_query("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
    with pytest.raises(QueryError, match="no bundled query named 'nope'.*films-by-director"):
        resolve_query("nope")
    with pytest.raises(QueryError, match="cannot read the query file"):
        resolve_query(str(tmp_path / "absent.rq"))


def test_every_bundled_query_is_documented():
    from conftest import REPO

    doc = (REPO / "docs" / "sparql.md").read_text(encoding="utf-8")
    for q in named_queries():
        assert f"`{q.name}`" in doc, f"docs/sparql.md does not mention `{q.name}`"


def test_an_iri_binding_cannot_carry_query_text(small):
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_term(f"<{EX}a> }} UNION {{ ?s ?p <{EX}b>")
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_term(f'<{EX}a"> }}>')
    q = f"SELECT ?t WHERE {{ ?film <{EX}title> ?t }}"
    assert run_query(small, q, {"film": URIRef(EX + "a")}).values() == [{"t": "Hero"}]
    with pytest.raises(QueryError):  # Oxigraph refuses the IRI before any text is written
        run_query(small, q, {"film": URIRef(EX + "a> } UNION { ?s ?p ?o")})
    assert parse_term(f"<{EX}a> }} UNION {{ ?s ?p ?o }}") == ox.Literal(f"<{EX}a> }} UNION {{ ?s ?p ?o }}")
