"""Remote stores against a real Virtuoso server: push, re-push, query, build --store, failures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from filmgraph.iris import Iris
from filmgraph.pipeline import build
from filmgraph.remote import Endpoint, RemoteClient, RemoteStore, push
from filmgraph.settings import Settings
from filmgraph.store import FilmStore

from conftest import REPO
from conftest_virtuoso import PASSWORD, USER, _free_port, virtuoso  # noqa: F401  (the fixture)
from scale_helpers import generate_corpus

pytestmark = pytest.mark.virtuoso


@pytest.fixture
def base() -> str:
    """A base IRI of its own per test: tests share one server but never each other's graphs."""
    return f"https://w3id.org/filmgraph/test-{uuid.uuid4().hex[:8]}/"


@pytest.fixture
def local(tmp_path: Path, base: str) -> FilmStore:
    """A local store built from 12 generated reviews."""
    settings = Settings(store_path=tmp_path / "store", base_iri=base)
    generate_corpus(12, tmp_path / "corpus")
    with FilmStore.open(settings.store_path, Iris(base)) as st:
        build([tmp_path / "corpus"], st, settings)
        yield st


def endpoint(v, graph_store: bool = True, password: str = PASSWORD, **kw) -> Endpoint:
    return Endpoint(v.sparql_auth, graph_store=v.graph_store if graph_store else None, user=USER,
                    password=password, **kw)


def local_counts(st: FilmStore) -> dict[str, int]:
    return {g: len(st.graph(g)) for g in st.content_graphs()}


XSD = "http://www.w3.org/2001/XMLSchema#"


def canonical(t: ox.Triple) -> tuple:
    """A triple compared by value where Virtuoso rewrites the lexical form (documented in docs/remote.md):
    doubles (``5.0`` for ``5e0``) and durations (seconds: ``10500.0`` for ``PT2H55M``)."""
    o = t.object
    if isinstance(o, ox.Literal) and o.datatype.value in (XSD + "double", XSD + "float"):
        o = ("double", float(o.value))
    elif isinstance(o, ox.Literal) and o.datatype.value == XSD + "duration":
        m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", o.value)
        o = ("duration", float(int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60) if m else float(o.value))
    return (str(t.subject), str(t.predicate), str(o))


def cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("FILMGRAPH_")}
    full_env = {**inherited, "PYTHONPATH": str(REPO / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "filmgraph", *args], env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def test_push_puts_every_graph_on_the_server_with_the_same_triples(virtuoso, local, base):
    with RemoteStore(RemoteClient(endpoint(virtuoso)), local.iris) as remote:
        report = push(local, remote)
    expected = local_counts(local)
    assert report.graphs == len(expected) == 14  # 12 reviews, the ontology and the resolution
    remote_counts = virtuoso.graphs(base)
    meta = str(local.iris.meta_graph)
    assert remote_counts.pop(meta) == 2 * len(local.stored_graphs())  # bookkeeping went along
    assert remote_counts == expected


def test_repush_replaces_graphs_without_duplicates(virtuoso, local, base, tmp_path):
    with RemoteStore(RemoteClient(endpoint(virtuoso)), local.iris) as remote:
        push(local, remote)
        first = virtuoso.graphs(base)
        push(local, remote)
        assert virtuoso.graphs(base) == first
        # a review edited locally: its graph on the server is the new one, the old triples gone
        changed = sorted((tmp_path / "corpus").glob("*.txt"))[0]
        changed.write_text(changed.read_text().replace("Review by", "A last word.\n\nReview by"))
        build([tmp_path / "corpus"], local, Settings(base_iri=base))
        push(local, remote)
    for g in local.content_graphs():
        rows = requests.post(virtuoso.sparql, data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"},
                             headers={"Accept": "application/n-triples"}, timeout=30)
        there = {canonical(t) for t in ox.parse(rows.content, format=ox.RdfFormat.N_TRIPLES)}
        here = {canonical(q.triple) for q in local.quads([g])}
        if "/graph/review/" in g:
            assert there == here, g


def test_push_with_sparql_update_only_equals_graph_store_push(virtuoso, local, base):
    with RemoteStore(RemoteClient(endpoint(virtuoso, graph_store=False, batch_triples=40)), local.iris) as remote:
        push(local, remote)
    counts = virtuoso.graphs(base)
    counts.pop(str(local.iris.meta_graph))
    assert counts == local_counts(local)  # also proves batching: every review graph is > 40 triples


SELECTS = {
    "films and directors": """
        PREFIX schema: <https://schema.org/>
        SELECT ?film ?name ?director WHERE {
          ?review a schema:Review ; schema:itemReviewed ?film .
          ?film schema:name ?name ; schema:director/schema:name ?director .
          FILTER(LANG(?name) = "en") }""",
    "cast per film": """
        PREFIX schema: <https://schema.org/>
        SELECT ?film (COUNT(DISTINCT ?actor) AS ?n) WHERE { ?film a schema:Movie ; schema:actor ?actor . }
        GROUP BY ?film""",
    # DISTINCT: Virtuoso's default graph (FROM each graph) is a bag, the local one a set (store.py)
    "reviews by reviewer": """
        PREFIX schema: <https://schema.org/>
        SELECT ?critic (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a schema:Review ; schema:author/schema:name ?critic }
        GROUP BY ?critic""",
}


@pytest.mark.parametrize("name", sorted(SELECTS))
def test_queries_give_the_same_rows_locally_and_on_virtuoso(virtuoso, local, base, name):
    with RemoteStore(RemoteClient(endpoint(virtuoso)), local.iris) as remote:
        push(local, remote)
        # scope both sides to this test's graphs: the union of our named graphs
        graphs = " ".join(f"FROM <{g}>" for g in local.content_graphs())
        sparql = SELECTS[name].replace("WHERE {", f"{graphs} WHERE {{", 1)
        there = {tuple(sorted((k, str(v)) for k, v in row.items())) for row in remote.client.select(sparql)}
    rows = local.query(SELECTS[name])
    names = [v.value for v in rows.variables]
    here = {tuple(sorted((n, row[n].value) for n in names if row[n] is not None)) for row in rows}
    assert there and there == here


def test_build_store_url_writes_remotely_and_resumes(virtuoso, tmp_path, base):
    generate_corpus(15, tmp_path / "corpus")
    env = {"FILMGRAPH_REMOTE_PASSWORD": PASSWORD}
    args = ["--base-iri", base, "--quiet", "build", str(tmp_path / "corpus"), "--store", virtuoso.sparql_auth,
            "--graph-store", virtuoso.graph_store, "--user", USER, "--workers", "2", "--link", "off"]
    first = cli(*args, env=env)
    assert first.returncode == 0, first.stderr
    again = cli(*args[:2], "build", str(tmp_path / "corpus"), "--store", virtuoso.sparql_auth,
                "--graph-store", virtuoso.graph_store, "--user", USER, "--link", "off", env=env)
    assert "0 added, 0 replaced, 15 unchanged" in again.stderr
    from filmgraph.extract import make_text_stage

    settings = Settings(store_path=tmp_path / "local", base_iri=base)
    with FilmStore.open(settings.store_path, Iris(base)) as st:
        # the same extraction a remote build runs (its gazetteer: the reviews' own headers)
        build([tmp_path / "corpus"], st, settings, text_stage=make_text_stage(settings, store=None))
        expected = local_counts(st)
    counts = virtuoso.graphs(base)
    counts.pop(str(Iris(base).meta_graph))
    assert counts == expected


def test_wrong_password_is_a_clear_error_that_never_shows_the_password(virtuoso, local, base, tmp_path):
    wrong = "not-the-Pa55word-" + uuid.uuid4().hex
    result = cli("--store", str(local.path), "push", "--endpoint", virtuoso.sparql_auth,
                 "--graph-store", virtuoso.graph_store, "--user", USER, "--password", wrong)
    local.close()
    assert result.returncode == 2
    assert "refused user 'filmgraph' (HTTP 401 unauthorised); check --user and --password" in result.stderr
    assert wrong not in result.stderr + result.stdout
    assert virtuoso.graphs(base) == {}


def test_password_in_the_url_is_used_but_never_shown(virtuoso, local, base):
    url = virtuoso.sparql_auth.replace("http://", f"http://{USER}:{PASSWORD}@")
    store_dir = str(local.path)
    local.close()
    ok = cli("--store", store_dir, "push", "--endpoint", url, "--graph-store", virtuoso.graph_store)
    assert ok.returncode == 0, ok.stderr
    assert PASSWORD not in ok.stderr + ok.stdout and virtuoso.http in ok.stderr


def test_anonymous_write_is_refused_with_a_hint(virtuoso, local):
    anon = Endpoint(virtuoso.sparql, graph_store=virtuoso.http + "/sparql-graph-crud")
    with pytest.raises(Exception) as err, RemoteStore(RemoteClient(anon), local.iris) as remote:
        push(local, remote)
    assert "refused anonymous access (HTTP 403 forbidden); give --user and --password" in str(err.value)


def test_server_down_is_a_quick_clear_error(local):
    port = _free_port()  # nothing listens there
    store_dir = str(local.path)
    local.close()
    start = time.monotonic()
    result = cli("--store", store_dir, "push", "--endpoint", f"http://127.0.0.1:{port}/sparql")
    elapsed = time.monotonic() - start
    assert result.returncode == 2
    assert (f"filmgraph: error: cannot query the endpoint: nothing answers at http://127.0.0.1:{port} "
            "(connection refused; is the SPARQL server running and the URL right?)") in result.stderr
    assert elapsed < 10, "a refused connection must not be retried with backoff"


class FlakyProxy:
    """A proxy on 127.0.0.1 in front of the real Virtuoso that fails the first requests as told:
    ``"503"`` (with ``Retry-After: 0``), ``"429"`` (``Retry-After: 1``), ``"reset"`` (closes the
    connection without answering); then relays everything (auth challenges included) unchanged."""

    def __init__(self, upstream: str, failures: list[str]) -> None:
        import http.server
        import threading

        self.failures = list(failures)
        self.seen: list[str] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                failure = proxy.failures.pop(0) if proxy.failures else None
                proxy.seen.append(failure or "ok")
                if failure == "reset":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if failure in ("503", "429"):
                    self.send_response(int(failure))
                    self.send_header("Retry-After", "0" if failure == "503" else "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                r = requests.request(self.command, upstream + self.path, data=body, headers=headers, timeout=60)
                self.send_response(r.status_code)
                for k, v in r.headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_transient_errors_are_retried_with_backoff_and_the_push_completes(virtuoso, local, base):
    proxy = FlakyProxy(virtuoso.http, ["503", "reset", "429", "503"])
    waits: list[float] = []
    try:
        ep = Endpoint(proxy.url + "/sparql-auth", graph_store=proxy.url + "/sparql-graph-crud-auth",
                      user=USER, password=PASSWORD, retries=4)
        with RemoteStore(RemoteClient(ep, sleep=waits.append), local.iris) as remote:
            push(local, remote)
    finally:
        proxy.close()
    assert proxy.seen[:4] == ["503", "reset", "429", "503"]
    assert waits[:4] == [0.0, 1.0, 1.0, 0.0]  # Retry-After when given, else doubling backoff
    counts = virtuoso.graphs(base)
    counts.pop(str(local.iris.meta_graph))
    assert counts == local_counts(local)


def test_a_server_that_stays_unavailable_fails_after_the_retries(virtuoso, local):
    proxy = FlakyProxy(virtuoso.http, ["503"] * 10)
    waits: list[float] = []
    try:
        ep = Endpoint(proxy.url + "/sparql-auth", user=USER, password=PASSWORD, retries=2)
        with pytest.raises(Exception) as err, RemoteStore(RemoteClient(ep, sleep=waits.append), local.iris) as remote:
            push(local, remote)
    finally:
        proxy.close()
    assert proxy.seen == ["503"] * 3 and len(waits) == 2
    assert f"answered HTTP 503" in str(err.value) and PASSWORD not in str(err.value)


def test_push_changed_only_sends_just_the_reviews_that_changed(virtuoso, local, base, tmp_path):
    with RemoteStore(RemoteClient(endpoint(virtuoso)), local.iris) as remote:
        push(local, remote)
        changed = sorted((tmp_path / "corpus").glob("*.txt"))[2]
        changed.write_text(changed.read_text().replace("Review by", "One more line.\n\nReview by"))
        build([tmp_path / "corpus"], local, Settings(base_iri=base))
        report = push(local, remote, changed_only=True)
    assert (report.graphs, report.unchanged) == (1, 13)  # the resolution graph did not change either
    counts = virtuoso.graphs(base)
    counts.pop(str(local.iris.meta_graph))
    assert counts == local_counts(local)
