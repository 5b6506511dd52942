"""Remote SPARQL stores: feed a SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, ...) over HTTP.

Two standard protocols, nothing vendor-specific:

* the SPARQL 1.1 Graph Store HTTP Protocol (``PUT ?graph=G`` replaces graph G, ``POST`` adds to
  it), used for the data when the server has a graph store endpoint;
* SPARQL 1.1 Update (``DROP SILENT GRAPH`` + ``INSERT DATA``), for the bookkeeping records and
  for the data when that is all the server offers.

Every review keeps its own named graph, so re-pushing replaces it and never duplicates it. The
bookkeeping graph (which source and build key produced each graph) is kept on the server too and
written *after* the graph it describes: a build killed between the two simply rebuilds that review
next time, which replaces it again. ``RemoteStore`` is the store-like adapter ``pipeline.build``
writes through for ``filmgraph build --store URL``.

Transient failures (connection reset, timeouts, 5xx gateway errors, 429 with ``Retry-After``)
are retried with exponential backoff; a refused connection or a wrong password fails at once
with a clear message. Credentials go only into the ``Authorization`` header: never into a
message, a URL we print, or a log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from .errors import StoreError
from .iris import Iris
from .store import FilmStore, StoredGraph, to_ox
from .vocab import FG

#: statuses worth retrying: the server (or a proxy) is overloaded or restarting
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
NTRIPLES = "application/n-triples"


class RemoteAuthError(StoreError):
    """The server refused our credentials (401/403)."""


def _safe_url(url: str) -> str:
    """``url`` without any ``user:password@`` part, fit to print."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """Take ``user:password@`` out of a URL: the clean URL and the credentials."""
    parts = urlsplit(url)
    return _safe_url(url), parts.username, parts.password


@dataclass(frozen=True)
class Endpoint:
    """Where a SPARQL server answers: queries, updates, and (optionally) its graph store.

    For Virtuoso with a password: ``query=http://host:8890/sparql-auth``,
    ``graph_store=http://host:8890/sparql-graph-crud-auth``; for Fuseki:
    ``query=http://host:3030/ds/sparql``, ``update=http://host:3030/ds/update``,
    ``graph_store=http://host:3030/ds/data``.
    """

    query: str
    update: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_s: float = 60.0
    retries: int = 4
    #: triples per request when a graph is too big for one
    batch_triples: int = 50_000

    @classmethod
    def from_urls(cls, query: str, update: str | None = None, graph_store: str | None = None,
                  user: str | None = None, password: str | None = None, **options: Any) -> "Endpoint":
        """Credentials may also ride in the URLs (``http://user:pw@host/...``): they are moved out."""
        query, u1, p1 = _split_credentials(query)
        if update:
            update, u2, p2 = _split_credentials(update)
            u1, p1 = u1 or u2, p1 or p2
        if graph_store:
            graph_store, u3, p3 = _split_credentials(graph_store)
            u1, p1 = u1 or u3, p1 or p3
        for url in filter(None, (query, update, graph_store)):
            if urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"not an http(s) URL: {url}")
        return cls(query, update or None, graph_store or None, user or u1, password or p1, **options)

    @property
    def update_url(self) -> str:
        return self.update or self.query


class _ChallengeAuth:
    """Answer the scheme the server asks for: Digest (Virtuoso) or Basic (Fuseki, most others)."""

    def __init__(self, user: str, password: str) -> None:
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        self._digest = HTTPDigestAuth(user, password)
        self._basic = HTTPBasicAuth(user, password)
        self.scheme: str | None = None

    def for_challenge(self, header: str) -> Any:
        self.scheme = "digest" if "digest" in header.lower() else "basic"
        return self.current

    @property
    def current(self) -> Any:
        return {"digest": self._digest, "basic": self._basic}.get(self.scheme or "")


class RemoteClient:
    """HTTP to one SPARQL server: queries, updates and graph store requests, with retries."""

    def __init__(self, endpoint: Endpoint, session: Any | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        import requests

        self.endpoint = endpoint
        self.session = session if session is not None else requests.Session()
        self.session.headers.setdefault("User-Agent", "filmgraph (remote store)")
        self._auth = _ChallengeAuth(endpoint.user, endpoint.password or "") if endpoint.user else None
        self._sleep = sleep

    # --- the one place requests are sent -------------------------------------------------------
    def request(self, method: str, url: str, *, what: str, **kwargs: Any):
        """Send one request, retrying transient failures; raise ``StoreError`` on the rest."""
        import requests

        delay = 0.5
        for attempt in range(self.endpoint.retries + 1):
            last = attempt == self.endpoint.retries
            try:
                auth = self._auth.current if self._auth is not None else None
                resp = self.session.request(method, url, auth=auth, timeout=self.endpoint.timeout_s, **kwargs)
                if resp.status_code == 401 and self._auth is not None and self._auth.scheme is None:
                    # first contact: learn the scheme the server wants, then ask again with it
                    self._auth.for_challenge(resp.headers.get("WWW-Authenticate", ""))
                    resp = self.session.request(method, url, auth=self._auth.current,
                                                timeout=self.endpoint.timeout_s, **kwargs)
            except requests.exceptions.ConnectionError as exc:
                if _unresolvable(exc):
                    raise StoreError(f"cannot {what}: the host of {_origin(url)} is unknown (check the URL)") from None
                if _refused(exc):
                    raise StoreError(
                        f"cannot {what}: nothing answers at {_origin(url)} (connection refused; "
                        "is the SPARQL server running and the URL right?)"
                    ) from None
                if last:
                    raise StoreError(f"cannot {what}: connection to {_origin(url)} failed "
                                     f"{attempt + 1} times ({self._redact(type(exc).__name__)})") from None
                self._sleep(delay)
                delay *= 2
                continue
            except requests.exceptions.Timeout:
                if last:
                    raise StoreError(f"cannot {what}: {_origin(url)} did not answer within "
                                     f"{self.endpoint.timeout_s:g} s ({attempt + 1} attempts)") from None
                self._sleep(delay)
                delay *= 2
                continue
            if resp.status_code in TRANSIENT_STATUSES and not last:
                wait = _retry_after(resp.headers.get("Retry-After"))
                self._sleep(wait if wait is not None else delay)
                delay *= 2
                continue
            if resp.status_code in (401, 403):
                who = f"user {self.endpoint.user!r}" if self.endpoint.user else "anonymous access"
                hint = ("check --user and --password" if self.endpoint.user
                        else "give --user and --password, or grant the server's anonymous user write access")
                raise RemoteAuthError(
                    f"cannot {what}: {_origin(url)} refused {who} (HTTP {resp.status_code} "
                    f"{'unauthorised' if resp.status_code == 401 else 'forbidden'}); {hint}"
                )
            if resp.status_code >= 400:
                raise StoreError(f"cannot {what}: {_safe_url(url)} answered HTTP {resp.status_code}: "
                                 f"{self._redact(_short(resp.text))}")
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    def _redact(self, text: str) -> str:
        pw = self.endpoint.password
        return text.replace(pw, "***") if pw else text

    # --- SPARQL ----------------------------------------------------------------------------------
    def select(self, sparql: str) -> list[dict[str, Any]]:
        """Rows of a SELECT as ``{var: rdflib term}``."""
        resp = self.request("POST", self.endpoint.query, what="query the endpoint",
                            data={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
        try:
            payload = resp.json()
        except ValueError:
            raise StoreError(f"{_safe_url(self.endpoint.query)} did not answer with SPARQL JSON results") from None
        return [{k: _json_term(v) for k, v in b.items()} for b in payload.get("results", {}).get("bindings", [])]

    def ask(self, sparql: str) -> bool:
        resp = self.request("POST", self.endpoint.query, what="query the endpoint",
                            data={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
        return bool(resp.json().get("boolean"))

    def update(self, sparql: str, what: str = "update the store") -> None:
        self.request("POST", self.endpoint.update_url, what=what, data={"update": sparql},
                     headers={"Accept": "*/*"})

    # --- graphs ----------------------------------------------------------------------------------
    def put_graph(self, graph_iri: str, triples: Iterable[ox.Triple]) -> int:
        """Make ``graph_iri`` hold exactly ``triples`` (in batches if many); return how many."""
        n = 0
        first = True
        for batch in _batches(triples, self.endpoint.batch_triples):
            n += len(batch)
            if self.endpoint.graph_store:
                body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
                self.request("PUT" if first else "POST", self.endpoint.graph_store,
                             what=f"write graph <{graph_iri}>", params={"graph": graph_iri},
                             data=body, headers={"Content-Type": NTRIPLES})
            else:
                drop = f"DROP SILENT GRAPH {ox.NamedNode(graph_iri)} ;\n" if first else ""
                self.update(drop + insert_update(graph_iri, batch), what=f"write graph <{graph_iri}>")
            first = False
        if first:  # no triples at all: the graph must still end up empty
            self.drop_graph(graph_iri)
        return n

    def drop_graph(self, graph_iri: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph_iri)}", what=f"drop graph <{graph_iri}>")

    def count(self, graph_iri: str | None = None) -> int:
        """Triples in one graph, or quads in all named graphs."""
        where = (f"GRAPH {ox.NamedNode(graph_iri)} {{ ?s ?p ?o }}" if graph_iri
                 else "GRAPH ?g { ?s ?p ?o }")
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(rows[0]["n"]) if rows else 0

    def ping(self) -> None:
        """Fail early, clearly, if the server is down or refuses us."""
        self.ask("ASK { }")


#: datatypes Virtuoso 7 cannot take in INSERT DATA (error SR553), though it takes them from STRDT()
_BOUND_DATATYPES = frozenset({"http://www.w3.org/2001/XMLSchema#duration"})


def insert_update(graph_iri: str, triples: list[ox.Triple]) -> str:
    """SPARQL Update adding ``triples`` to a graph: ``INSERT DATA``, or, when a literal needs it,
    ``INSERT {...} WHERE { BIND(STRDT(...)) }`` (standard SPARQL, and what Virtuoso accepts)."""
    g = ox.NamedNode(graph_iri)
    lines, binds = [], []
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal) and o.datatype.value in _BOUND_DATATYPES:
            var = f"?v{len(binds)}"
            binds.append(f"BIND(STRDT({ox.Literal(o.value)}, {o.datatype}) AS {var})")
            lines.append(f"{t.subject} {t.predicate} {var} .")
        else:
            lines.append(f"{t.subject} {t.predicate} {o} .")
    body = "\n".join(lines)
    if not binds:
        return f"INSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}"
    return f"INSERT {{ GRAPH {g} {{\n{body}\n}} }} WHERE {{\n" + "\n".join(binds) + "\n}"


def _batches(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    batch: list[ox.Triple] = []
    for t in triples:
        batch.append(t)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _refused(exc: Exception) -> bool:
    text = repr(exc).lower()
    return "refused" in text or "errno 111" in text


def _unresolvable(exc: Exception) -> bool:
    text = repr(exc)
    return any(s in text for s in ("NameResolutionError", "Name or service not known", "nodename nor servname",
                                    "Temporary failure in name resolution"))


def _origin(url: str) -> str:
    p = urlsplit(_safe_url(url))
    return f"{p.scheme}://{p.netloc}"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), 60.0)
    except ValueError:
        return None


def _short(text: str, limit: int = 300) -> str:
    import re

    text = re.sub(r"<[^>]+>", " ", text)  # servers answer errors in HTML
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_term(b: dict[str, str]) -> Node:
    from rdflib import BNode, Literal

    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    lang = b.get("xml:lang")
    if lang:
        return Literal(value, lang=lang)
    dt = b.get("datatype")
    return Literal(value, datatype=URIRef(dt) if dt and not dt.endswith("#string") else None)


def _triples(triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[ox.Triple]:
    for s, p, o in triples:
        yield ox.Triple(to_ox(s), to_ox(p), to_ox(o))


# --- a store that lives on a server --------------------------------------------------------------


class RemoteStore:
    """What ``pipeline.build`` needs of a store (``iris``, ``stored``, ``replace_graph``), remotely.

    The bookkeeping is read once (one query) and then kept in step locally as graphs are written.
    """

    def __init__(self, client: RemoteClient, iris: Iris) -> None:
        self.client = client
        self.iris = iris
        self._meta: dict[str, StoredGraph] | None = None

    @classmethod
    def connect(cls, endpoint: Endpoint, iris: Iris) -> "RemoteStore":
        client = RemoteClient(endpoint)
        client.ping()
        return cls(client, iris)

    def _bookkeeping(self) -> dict[str, StoredGraph]:
        if self._meta is None:
            meta = ox.NamedNode(str(self.iris.meta_graph))
            rows = self.client.select(
                f"SELECT ?g ?src ?key WHERE {{ GRAPH {meta} {{ ?g {to_ox(FG.buildKey)} ?key . "
                f"OPTIONAL {{ ?g {to_ox(FG.sourceName)} ?src }} }} }}"
            )
            self._meta = {str(r["g"]): StoredGraph(str(r["g"]), str(r["src"]) if r.get("src") is not None else None,
                                                   str(r["key"])) for r in rows}
        return self._meta

    def stored(self, graph_iri: URIRef) -> StoredGraph | None:
        return self._bookkeeping().get(str(graph_iri))

    def stored_graphs(self) -> list[StoredGraph]:
        return sorted(self._bookkeeping().values(), key=lambda s: s.graph_iri)

    def replace_graph(self, graph_iri: URIRef, triples: Iterable[tuple[Node, Node, Node]],
                      source: str, build_key: str) -> None:
        """Replace the graph on the server, then its bookkeeping record (in that order)."""
        self.client.put_graph(str(graph_iri), _triples(triples))
        self.record(str(graph_iri), source, build_key)

    def record(self, graph_iri: str, source: str | None, build_key: str | None) -> None:
        self.record_many([StoredGraph(graph_iri, source, build_key)])

    def record_many(self, records: list[StoredGraph]) -> None:
        """Replace the bookkeeping of several graphs in one update."""
        if not records:
            return
        meta = ox.NamedNode(str(self.iris.meta_graph))
        deletes, inserts = [], []
        for rec in records:
            g = ox.NamedNode(rec.graph_iri)
            deletes.append(f"DELETE WHERE {{ GRAPH {meta} {{ {g} ?p ?o }} }}")
            if rec.source is not None:
                inserts.append(f"{g} {to_ox(FG.sourceName)} {ox.Literal(rec.source)} .")
            if rec.build_key is not None:
                inserts.append(f"{g} {to_ox(FG.buildKey)} {ox.Literal(rec.build_key)} .")
        update = " ;\n".join(deletes)
        if inserts:
            update += f" ;\nINSERT DATA {{ GRAPH {meta} {{\n" + "\n".join(inserts) + "\n} }"
        self.client.update(update, what="update the bookkeeping graph")
        known = self._bookkeeping()
        for rec in records:
            known[rec.graph_iri] = rec

    def close(self) -> None:
        self.client.session.close()

    def __enter__(self) -> "RemoteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- push: a local store to a server -------------------------------------------------------------


@dataclass(frozen=True)
class PushReport:
    graphs: int
    triples: int
    seconds: float
    #: graphs left alone because the server already had them with the same build key (``changed_only``)
    unchanged: int = 0

    @property
    def triples_per_s(self) -> float:
        return self.triples / self.seconds if self.seconds > 0 else float("inf")


def push(store: FilmStore, remote: RemoteStore, *, on_graph: Callable[[str, int], None] | None = None,
         meta_batch: int = 200, changed_only: bool = False) -> PushReport:
    """Copy every content graph of ``store`` (reviews, ontology, Wikidata, links) to the server.

    Each graph is replaced whole, so pushing twice leaves the same triples; the bookkeeping records
    follow, a batch at a time, so ``build --store URL`` later skips what was pushed. With
    ``changed_only``, a graph the server holds with the same build key is left alone.
    """
    start = time.perf_counter()
    records = {s.graph_iri: s for s in store.stored_graphs()}
    pending: list[StoredGraph] = []
    graphs = triples = unchanged = 0
    for name in store.content_graphs():
        rec = records.get(name)
        if changed_only and rec is not None and rec.build_key is not None:
            there = remote.stored(URIRef(name))
            if there is not None and there.build_key == rec.build_key:
                unchanged += 1
                if on_graph is not None:
                    on_graph(name, 0)
                continue
        quads = store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(name))
        n = remote.client.put_graph(name, (q.triple for q in quads))
        graphs += 1
        triples += n
        pending.append(records.get(name, StoredGraph(name, None, None)))
        if len(pending) >= meta_batch:
            remote.record_many(pending)
            pending = []
        if on_graph is not None:
            on_graph(name, n)
    remote.record_many(pending)
    return PushReport(graphs, triples, time.perf_counter() - start, unchanged)


def endpoint_from_settings(settings: Any, query: str | None = None) -> Endpoint:
    """The remote endpoint the settings describe (``query`` overrides ``remote_endpoint``)."""
    url = query or settings.remote_endpoint
    if not url:
        raise StoreError("no SPARQL endpoint given: use --endpoint URL (or FILMGRAPH_REMOTE_ENDPOINT)")
    return Endpoint.from_urls(
        url, settings.remote_update, settings.remote_graph_store, settings.remote_user,
        settings.remote_password, timeout_s=settings.remote_timeout_s, retries=settings.remote_retries,
        batch_triples=settings.remote_batch_triples,
    )
