"""The SPARQL endpoint over real HTTP on 127.0.0.1, with real clients: SPARQLWrapper, rdflib's
SPARQLStore, curl, requests and raw sockets (for requests no polite client would send)."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, POST, SPARQLWrapper, TURTLE, XML
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from conftest import DATA
from filmgraph.iris import Iris
from filmgraph.query import EndpointTarget, parse_bindings, run_query
from filmgraph.server import Request, Response, make_server
from filmgraph.settings import Settings
from filmgraph.store import FilmStore

ID = "https://w3id.org/filmgraph/id/"
ONE_SECOND_GRAPH = ID + "graph/review/one-second-2021-by-john-li"
TO_LIVE_GRAPH = ID + "graph/review/to-live-1994-by-shirin-kaur"
TO_LIVE_TRIPLES = 48  # triples in the To Live graph of tests/data/sparql/contract.trig
COUNT_FILMS = "PREFIX schema: <https://schema.org/> SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a schema:Movie }"


def contract_store() -> FilmStore:
    store = FilmStore.in_memory(Iris(ID))
    store.oxigraph.load(path=str(DATA / "sparql" / "contract.trig"), format=ox.RdfFormat.TRIG)
    return store


TOKEN = "test-update-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def serve() -> Iterator:
    """Start servers on free ports; every one is shut down after the test."""
    servers = []

    def start(store=None, allow_update: bool = False, allow_service=(), **settings):
        srv = make_server(store or contract_store(), Settings(**settings), "127.0.0.1", 0, allow_update=allow_update,
                          update_token=TOKEN if allow_update else None, allow_service=allow_service)
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def endpoint(serve) -> str:
    return serve().url + "/sparql"


def curl(*args: str) -> subprocess.CompletedProcess:
    """curl's answer, byte for byte (no newline translation: CSV lines end in CRLF)."""
    done = subprocess.run(["curl", "-sS", "--max-time", "20", *args], capture_output=True, check=True)
    done.stdout = done.stdout.decode("utf-8")
    return done


# --- real clients ------------------------------------------------------------------------


def test_sparqlwrapper_select_in_json_and_xml(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("PREFIX schema: <https://schema.org/> SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name LIMIT 3")
    sw.setReturnFormat(JSON)
    got = [b["name"]["value"] for b in sw.query().convert()["results"]["bindings"]]
    assert got == ["Fan Wei", "Ge You", "Giuseppe Tornatore"]
    sw.setReturnFormat(XML)
    sw.setMethod(POST)
    doc = sw.query().convert()  # an xml.dom document
    assert [n.firstChild.data for n in doc.getElementsByTagName("literal")] == got


def test_sparqlwrapper_construct_ask_and_csv(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("PREFIX schema: <https://schema.org/> CONSTRUCT { ?f schema:director ?d } WHERE { ?f schema:director ?d }")
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")
    assert set(g.objects(None, URIRef("https://schema.org/director"))) == {
        URIRef(ID + "person/zhang-yimou"), URIRef(ID + "person/giuseppe-tornatore")}
    sw.setQuery("ASK { ?s ?p 'Fan Wei' }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True
    sw.setQuery(COUNT_FILMS)
    sw.setReturnFormat(CSV)
    assert sw.query().convert().decode() == "n\r\n3\r\n"


def test_sparqlwrapper_reports_a_syntax_error_as_bad_query(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("SELECT ?x WHERE { ?x ?p }")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="SPARQL syntax error"):
        sw.query()


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint):
    g = Graph(store=SPARQLStore(endpoint, returnFormat="xml"))
    result = g.query("PREFIX schema: <https://schema.org/> SELECT ?c WHERE { ?r schema:characterName ?c } ORDER BY ?c")
    assert [row.c for row in result] == [Literal("orphan"), Literal("projectionist")]
    assert (URIRef(ID + "person/fan-wei"), URIRef("https://schema.org/name"), Literal("Fan Wei")) in g


def test_curl_get_post_and_sparql_query_body_agree(endpoint):
    q = COUNT_FILMS
    get = curl("-G", "-H", "Accept: text/csv", "--data-urlencode", f"query={q}", endpoint).stdout
    form = curl("-H", "Accept: text/csv", "--data-urlencode", f"query={q}", endpoint).stdout
    direct = curl("-H", "Accept: text/csv", "-H", "Content-Type: application/sparql-query", "--data-binary", q, endpoint).stdout
    assert get == form == direct == "n\r\n3\r\n"


# --- content negotiation -----------------------------------------------------------------


@pytest.mark.parametrize("accept, ctype", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/html;q=0.9, application/sparql-results+xml;q=0.5, */*;q=0.1", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
])
def test_select_results_in_every_format(endpoint, accept, ctype):
    q = "PREFIX schema: <https://schema.org/> SELECT ?c WHERE { ?r schema:characterName ?c } ORDER BY ?c"
    r = requests.get(endpoint, params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype)
    fmt = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
           "text/csv": "csv", "text/tab-separated-values": "tsv"}[ctype]
    values = [str(row[0]) for row in Result.parse(io.BytesIO(r.content), format=fmt)]
    assert values == ["orphan", "projectionist"]


@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_graph_results_in_every_format(endpoint, accept, rdflib_format):
    q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{TO_LIVE_GRAPH}> {{ ?s ?p ?o }} }}"
    r = requests.post(endpoint, data={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
    expected = Graph()
    for q_ in contract_store().oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(TO_LIVE_GRAPH)):
        expected.parse(data=f"{q_.triple} .", format="nt")
    assert isomorphic(Graph().parse(data=r.content, format=rdflib_format), expected)


def test_format_parameter_overrides_accept(endpoint):
    r = requests.get(endpoint, params={"query": COUNT_FILMS, "format": "csv"}, headers={"Accept": "application/json"})
    assert r.headers["Content-Type"].startswith("text/csv") and r.text == "n\r\n3\r\n"


# --- protocol details --------------------------------------------------------------------


def test_service_description_at_the_endpoint_without_a_query(endpoint):
    r = requests.get(endpoint, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (URIRef(endpoint), URIRef(sd + "endpoint"), URIRef(endpoint)) in g
    assert (URIRef(endpoint), URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    assert (URIRef(endpoint), URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) not in g
    assert set(g.objects(None, URIRef(sd + "name"))) == {URIRef(ONE_SECOND_GRAPH), URIRef(TO_LIVE_GRAPH)}
    jsonld = requests.get(endpoint, headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=jsonld.content, format="json-ld"), g)


def test_default_and_named_graph_parameters_choose_the_dataset(endpoint):
    q = "PREFIX schema: <https://schema.org/> SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"
    r = requests.get(endpoint, params={"query": q, "default-graph-uri": TO_LIVE_GRAPH}, headers={"Accept": "text/csv"})
    assert r.text.split("\r\n")[1:-1] == ["Ge You", "Gong Li", "Shirin Kaur", "Yu Hua", "Zhang Yimou"]
    q2 = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = requests.post(endpoint, data={"query": q2, "named-graph-uri": ONE_SECOND_GRAPH}, headers={"Accept": "text/csv"})
    assert r.text == f"g\r\n{ONE_SECOND_GRAPH}\r\n"


def test_cors_headers_and_preflight(endpoint):
    pre = curl("-i", "-X", "OPTIONS", "-H", "Origin: http://example.org",
               "-H", "Access-Control-Request-Method: POST",
               "-H", "Access-Control-Request-Headers: content-type", endpoint).stdout
    assert pre.startswith("HTTP/1.1 204")
    assert "Access-Control-Allow-Origin: *" in pre and "Access-Control-Allow-Methods: GET, HEAD, POST, OPTIONS" in pre
    assert "Content-Type" in pre.split("Access-Control-Allow-Headers:")[1].split("\n")[0]
    r = requests.get(endpoint, params={"query": "ASK {}"}, headers={"Origin": "http://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_graph_store_protocol_get(serve):
    url = serve().url + "/graph-store"
    r = requests.get(url, params={"graph": TO_LIVE_GRAPH})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=r.text, format="turtle")) == TO_LIVE_TRIPLES
    nt = requests.get(url, params={"graph": TO_LIVE_GRAPH}, headers={"Accept": "application/n-triples"})
    assert len(nt.text.strip().splitlines()) == TO_LIVE_TRIPLES
    assert requests.get(url, params={"default": ""}).status_code == 200
    assert requests.get(url, params={"graph": ID + "graph/nope"}).status_code == 404
    assert requests.get(url, params={"graph": ID + "graph/meta"}).status_code == 404
    assert requests.get(url).status_code == 400


# --- bad requests: always a 4xx with a message, never a 500 or a hang ----------------------


@pytest.mark.parametrize("how, status, message", [
    (lambda u: requests.get(u, params={"query": "SELECT ?x WHERE { ?x ?p }"}), 400, "SPARQL syntax error"),
    (lambda u: requests.get(u, params={"query": "   "}), 400, "the query is empty"),
    (lambda u: requests.get(u, params=[("query", "ASK {}"), ("query", "ASK {}")]), 400, "at most once"),
    (lambda u: requests.get(u, params={"update": "CLEAR ALL"}), 400, "must be sent with POST"),
    (lambda u: requests.post(u, data={"query": "ASK {}", "update": "CLEAR ALL"}), 400, "not both"),
    (lambda u: requests.post(u, data={"nothing": "here"}), 400, "needs a 'query' or an 'update'"),
    (lambda u: requests.post(u, data=b"ASK {}", headers={"Content-Type": "text/plain"}), 415, "unsupported Content-Type"),
    (lambda u: requests.post(u, data=b"ASK {}", headers={"Content-Type": ""}), 400, "needs a Content-Type"),
    (lambda u: requests.post(u, data=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}), 400, "not UTF-8"),
    (lambda u: requests.get(u + "?query=%ff"), 400, "parameters are not UTF-8"),
    (lambda u: requests.get(u, params={"query": "ASK {}", "default-graph-uri": "not an iri"}), 400, "not an IRI"),
    (lambda u: requests.get(u.replace("/sparql", "/nowhere")), 404, "no such page"),
    (lambda u: requests.delete(u), 405, "not allowed"),
    (lambda u: requests.post(u, data=b"x" * 1_100_000, headers={"Content-Type": "application/sparql-query"}), 413, "larger than"),
])
def test_malformed_requests_get_a_4xx_with_a_message(endpoint, how, status, message):
    r = how(endpoint)
    assert r.status_code == status
    assert message in r.text
    assert requests.get(endpoint, params={"query": "ASK {}"}).status_code == 200  # still serving


def _raw(url: str, data: bytes) -> bytes:
    host, port = url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_raw_requests_without_length_or_with_a_short_body_are_refused(endpoint):
    no_length = _raw(endpoint, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n\r\nASK {}")
    assert no_length.startswith(b"HTTP/1.1 411") and b"Content-Length" in no_length
    short = _raw(endpoint, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                           b"Content-Length: 100\r\n\r\nASK {}")
    assert short.startswith(b"HTTP/1.1 400") and b"ended early" in short
    garbage = _raw(endpoint, b"\x00\x01 nonsense\r\n\r\n")
    assert b"400" in garbage[:400]  # the stdlib answers an HTTP/0.9-style request line in kind


# --- limits ------------------------------------------------------------------------------


def _big_store(n: int = 400) -> FilmStore:
    store = FilmStore.in_memory(Iris(ID))
    store.oxigraph.extend(ox.Quad(ox.NamedNode(f"{ID}s{i}"), ox.NamedNode(ID + "p"), ox.Literal(str(i))) for i in range(n))
    return store


def test_a_query_over_the_time_limit_gets_503_and_the_server_keeps_answering(serve):
    url = serve(_big_store(), query_timeout_s=0.3).url + "/sparql"
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }"
    started = time.monotonic()
    r = requests.get(url, params={"query": slow}, timeout=10)
    assert r.status_code == 503 and r.headers["X-Filmgraph-Limit"] == "time"
    assert "longer than 0.3 s" in r.text and time.monotonic() - started < 3
    fast = requests.get(url, params={"query": "ASK { ?s ?p '7' }"}, timeout=5)
    assert fast.status_code == 200 and fast.json()["boolean"] is True


def test_more_rows_than_the_cap_gets_a_clear_error(serve):
    url = serve(_big_store(50), max_result_rows=20).url + "/sparql"
    r = requests.get(url, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and r.headers["X-Filmgraph-Limit"] == "rows"
    assert "more than 20 rows" in r.text and "max_result_rows" in r.text
    assert requests.get(url, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 20"}).status_code == 200


# --- updates -----------------------------------------------------------------------------

INSERT = f'INSERT DATA {{ GRAPH <{ID}graph/extra> {{ <{ID}film/x> <https://schema.org/name> "X" }} }}'


def test_update_is_refused_unless_allowed(serve):
    store = contract_store()
    before = len(store)
    url = serve(store).url + "/sparql"
    for r in (requests.post(url, data={"update": INSERT}),
              requests.post(url, data=INSERT, headers={"Content-Type": "application/sparql-update"})):
        assert r.status_code == 403 and "--allow-update" in r.text
    sw = SPARQLWrapper(url)
    sw.setMethod(POST)
    sw.setQuery(INSERT)
    with pytest.raises(Exception, match="403"):
        sw.query()
    assert len(store) == before


def test_update_is_applied_when_allowed(serve):
    store = contract_store()
    srv = serve(store, allow_update=True)
    url = srv.url + "/sparql"
    r = requests.post(url, data=INSERT, headers={"Content-Type": "application/sparql-update", **BEARER})
    assert r.status_code == 204
    assert requests.get(url, params={"query": "ASK { ?s ?p 'X' }"}).json()["boolean"] is True
    sw = SPARQLWrapper(url)
    sw.addCustomHttpHeader("Authorization", BEARER["Authorization"])
    sw.setMethod(POST)
    sw.setQuery(f"DROP GRAPH <{ID}graph/extra>")
    sw.query()
    assert requests.get(url, params={"query": "ASK { ?s ?p 'X' }"}).json()["boolean"] is False
    sd = Graph().parse(data=requests.get(url).text, format="turtle")
    assert (None, None, URIRef("http://www.w3.org/ns/sparql-service-description#SPARQL11Update")) in sd
    bad = requests.post(url, data="INSERT DATA { <a> }", headers={"Content-Type": "application/sparql-update", **BEARER})
    assert bad.status_code == 400 and "SPARQL syntax error" in bad.text


# --- federation and remote bindings --------------------------------------------------------


def test_federated_service_query_from_one_filmgraph_endpoint_to_another(serve):
    reviews = serve(contract_store())
    people = FilmStore.in_memory(Iris(ID))
    people.oxigraph.add(ox.Quad(ox.NamedNode(ID + "person/fan-wei"), ox.NamedNode("https://schema.org/birthPlace"),
                                ox.Literal("Beijing"), ox.NamedNode(ID + "graph/people")))
    local = serve(people, allow_service=[f"{reviews.url}/sparql"])
    q = f"""PREFIX schema: <https://schema.org/>
SELECT ?name ?character ?born WHERE {{
  ?person schema:birthPlace ?born .
  SERVICE <{reviews.url}/sparql> {{
    ?role schema:actor ?person ; schema:characterName ?character . ?person schema:name ?name }}
}}"""
    r = requests.post(local.url + "/sparql", data={"query": q}, headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.text == "name,character,born\r\nFan Wei,projectionist,Beijing\r\n"


def test_endpoint_target_binds_hostile_values_as_one_term(serve):
    store = contract_store()
    nasty = 'x" } UNION { ?s ?p ?o } #\n}'
    store.oxigraph.add(ox.Quad(ox.NamedNode(ID + "film/odd"), ox.NamedNode("https://schema.org/name"), ox.Literal(nasty),
                               ox.NamedNode(ID + "graph/odd")))
    target = EndpointTarget(serve(store).url + "/sparql")
    q = "PREFIX schema: <https://schema.org/> SELECT ?film WHERE { ?film schema:name ?n }"
    assert run_query(target, q, {"n": nasty}).values() == [{"film": ID + "film/odd"}]
    assert run_query(target, q, {"n": nasty + "!"}).values() == []
    got = run_query(target, "cast-and-roles", parse_bindings(["name=one second"]))
    assert [r.get("character") for r in got.values()] == ["projectionist", "orphan", None]
    assert run_query(target, "ASK { ?s ?p 'Fan Wei' }").boolean is True
    c = run_query(target, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{TO_LIVE_GRAPH}> {{ ?s ?p ?o }} }}")
    assert c.kind == "construct" and len(c.triples) == TO_LIVE_TRIPLES


def test_endpoint_target_reports_http_errors(serve):
    target = EndpointTarget(serve().url + "/sparql")
    with pytest.raises(Exception, match="400 Bad Request: SPARQL syntax error"):
        run_query(target, "SELECT ?x WHERE { ?x }")
    with pytest.raises(Exception, match="cannot reach the SPARQL endpoint"):
        run_query(EndpointTarget("http://127.0.0.1:9/sparql"), "ASK {}")


# --- the page for people and the route table ---------------------------------------------


def test_query_page_escapes_queries_and_results(serve):
    store = contract_store()
    store.oxigraph.add(ox.Quad(ox.NamedNode(ID + "film/evil"), ox.NamedNode("https://schema.org/name"),
                               ox.Literal("<script>alert(1)</script>"), ox.NamedNode(ID + "graph/evil")))
    url = serve(store).url
    page = requests.get(url + "/plain")  # the page without JavaScript (the workbench is at /)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "films-by-director" in page.text
    q = "SELECT ?n WHERE { ?s <https://schema.org/name> ?n FILTER(CONTAINS(?n, '<script>')) }"
    r = requests.get(url + "/plain", params={"query": q})
    assert "<script>" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "1 row(s)" in r.text
    named = requests.get(url + "/plain", params={"name": "collaborators"})
    assert "HAVING (COUNT(?film) &gt;= 2)" in named.text


def test_other_stages_can_mount_get_routes(serve):
    srv = serve()
    srv.app.add_route("/views", lambda req: Response(200, f"view of {req.param('film')}".encode()), prefix=True)
    srv.app.add_route("/hello", lambda req: Response(200, b"hi", "text/plain"))
    assert requests.get(srv.url + "/views/film", params={"film": "hero"}).text == "view of hero"
    assert requests.get(srv.url + "/hello").text == "hi"
    assert requests.post(srv.url + "/hello", data="x").status_code == 405
