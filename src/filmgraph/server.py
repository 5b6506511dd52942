"""``filmgraph serve``: a SPARQL 1.1 Protocol endpoint over the store, safe to put in front of people.

Why the standard library's ``ThreadingHTTPServer``, hardened, and no framework: the protocol is
a handful of request shapes; the defences that matter (a deadline for receiving each request,
strict headers, a connection cap, stoppable queries) are ours either way, and the usual ASGI
server has no request-receipt deadline. ``tests/test_server_hostile.py`` holds it to the
hostile-client classes of issue 12.

Routes (``SparqlApp.routes``; other stages add theirs with ``app.add_route``):

===============  ==========================================================================
``/sparql``      SPARQL 1.1 Protocol: query (GET, POST form, POST application/sparql-query),
                 update (POST application/sparql-update or form ``update=``; 403 unless the
                 server allows updates, 401 without its token); the service description when
                 there is no query
``/graph-store`` Graph Store Protocol, GET only: ``?graph=IRI`` or ``?default``
``/``            the query workbench (``filmgraph.workbench``); ``/plain`` without JavaScript
===============  ==========================================================================

Every query and view runs in a worker process (``filmgraph.queryworkers``) that is killed at
``query_timeout_s``; text is checked before any parser sees it (``filmgraph.queryguard``);
answers longer than ``max_result_rows`` are refused, not cut. Every malformed request gets a
4xx with a one-line message.
"""

from __future__ import annotations

import hmac
import html
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from .errors import FilmGraphError, QueryError, QueryLimitError
from .queryguard import check_query, service_endpoints
from .queryworkers import JobFailed, PoolLimits, WorkerPool, raise_job_error
from .query import LocalTarget, QueryResult, display_prefixes, named_queries
from .settings import Settings
from .store import FilmStore

MAX_BODY_BYTES = 1024 * 1024

#: media type -> our format name, for SELECT/ASK results
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "tsv",
}
#: media type -> our format name, for graphs (CONSTRUCT, DESCRIBE, Graph Store, service description)
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
}
_RESULT_DEFAULT = "application/sparql-results+json"
_GRAPH_DEFAULT = "text/turtle"
_FORMAT_PARAM = {  # ?format= / ?output= shortcuts used by many endpoints
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "ntriples": "application/n-triples", "nt": "application/n-triples", "jsonld": "application/ld+json",
    "json-ld": "application/ld+json", "rdfxml": "application/rdf+xml", "rdf": "application/rdf+xml",
}


class HttpError(Exception):
    """A request we answer with a 4xx/5xx status and a one-line plain-text message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Request:
    """What a route handler sees: parsed once, bodies already read and size-checked."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    base_url: str = "http://127.0.0.1"
    #: an update: its answer carries no CORS headers, so no other origin's page may read it
    is_update: bool = False

    def param(self, name: str) -> str | None:
        """The one value of ``name``; 400 when it is given more than once."""
        values = self.params.get(name, [])
        if len(values) > 1:
            raise HttpError(400, f"the parameter {name!r} must be given at most once")
        return values[0] if values else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    cors: bool = True


Handler = Callable[[Request], Response]


def negotiate(accept: str | None, offered: dict[str, str], default: str) -> str | None:
    """The offered media type the ``Accept`` header likes best (None: none acceptable)."""
    if not accept or not accept.strip():
        return default
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mtype, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if mtype and q > 0:
            ranked.append((-q, i, mtype))
    for _, _, mtype in sorted(ranked):
        if mtype in ("*/*", "*"):
            return default
        if mtype.endswith("/*"):
            major = mtype[:-1]
            if default.startswith(major):
                return default
            hit = next((t for t in offered if t.startswith(major)), None)
            if hit:
                return hit
        elif mtype in offered:
            return mtype
    return None


class SparqlApp:
    """The endpoint's logic, independent of the HTTP server (so tests and other stages can call it)."""

    def __init__(self, store: FilmStore | ox.Store, settings: Settings | None = None,
                 allow_update: bool = False, limits: PoolLimits | None = None, *,
                 update_token: str | None = None, allow_service: Sequence[str] = ()) -> None:
        self.settings = settings or Settings()
        self.film_store = store if isinstance(store, FilmStore) else None
        self.store: ox.Store = store.oxigraph if isinstance(store, FilmStore) else store
        if allow_update and not update_token:
            raise FilmGraphError("updates need a token: give update_token (filmgraph serve --allow-update "
                                 "reads it from $FILMGRAPH_UPDATE_TOKEN or --update-token-file)")
        self.allow_update = allow_update
        self._update_token = update_token or ""
        self.allow_service = tuple(allow_service)
        self.prefixes = display_prefixes(self.settings.base_iri)
        self.meta_graph = f"{self.prefixes['graph']}meta"
        self._update_lock = threading.Lock()
        self.limits = limits or PoolLimits()
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()
        self._following: threading.Event | None = None
        self._open_store: Callable[[], FilmStore] | None = None
        self.routes: dict[str, Handler] = {}
        self.prefix_routes: list[tuple[str, Handler]] = []
        self.add_route("/", self.home)
        self.add_route("/sparql", self.sparql)
        self.add_route("/graph-store", self.graph_store)
        from .workbench import mount_workbench  # the YASGUI page at /, the plain one at /plain

        mount_workbench(self)

    # --- worker processes ---------------------------------------------------------------
    @property
    def pool(self) -> WorkerPool:
        """The worker processes queries and views run in (started on first use)."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = WorkerPool(self, self.limits)
            return self._pool

    def run_in_worker(self, fn: Callable[..., object], *args: object) -> object:
        """``fn(app, *args)`` in a worker process, stopped at the query time limit."""
        try:
            try:
                return self.pool.run(fn, args, self.settings.query_timeout_s)
            except JobFailed as exc:
                # a followed store compacted under a worker's snapshot: reopen now, run once more
                if self._open_store is None or "No such file" not in exc.message:
                    raise
                self._swap_store(self._open_store())
                return self.pool.run(fn, args, self.settings.query_timeout_s)
        except JobFailed as exc:
            if exc.status is not None:
                raise HttpError(exc.status, exc.message) from None
            raise_job_error(exc)
            raise

    def close(self) -> None:
        """Stop the worker processes (and following the store)."""
        if self._following is not None:
            self._following.set()
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def data_changed(self) -> None:
        """The store changed under us: later queries run in workers that see the change."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.refresh()

    def follow_store(self, open_store: Callable[[], FilmStore], interval_s: float = 1.0) -> None:
        """Reopen the store whenever its files change (a build writing it), so answers include new reviews.

        For a read-only server beside a ``filmgraph build``: a read-only open is a snapshot, and
        once the build compacts, files it still expects are gone. Every ``interval_s`` this compares
        the store directory's file names, sizes and times; when they changed it opens the store
        again and starts a new worker generation, so answers lag the build by at most about
        ``interval_s`` plus the time of one open and fork.
        """
        if self.film_store is None or self.film_store.path is None:
            raise FilmGraphError("only a store on disk can be followed")
        path = self.film_store.path
        self._open_store = open_store

        def watch() -> None:
            seen = _store_signature(path)
            while not self._following.wait(interval_s):
                now = _store_signature(path)
                if now != seen:
                    try:
                        self._swap_store(open_store())
                        seen = now
                    except FilmGraphError:
                        pass  # mid-write; try again next tick with the old store still serving

        self._following = threading.Event()
        threading.Thread(target=watch, name="filmgraph-store-follower", daemon=True).start()

    def _swap_store(self, store: FilmStore) -> None:
        self.film_store, self.store = store, store.oxigraph  # the old one is freed when unused
        self.data_changed()

    # --- extension point ----------------------------------------------------------------
    def add_route(self, path: str, handler: Handler, prefix: bool = False) -> None:
        """Serve ``path`` (or, with ``prefix``, every path under it) with ``handler(request)``.

        Handlers return a ``Response`` or raise ``HttpError``; they run for GET (and HEAD);
        ``/sparql`` alone also takes POST.
        """
        if prefix:
            self.prefix_routes.append((path.rstrip("/") + "/", handler))
            self.prefix_routes.sort(key=lambda r: -len(r[0]))
        else:
            self.routes[path] = handler

    def handle(self, request: Request) -> Response:
        """Route one request; never raises."""
        response = self._route(request)
        if request.is_update:
            response.cors = False
        return response

    def _route(self, request: Request) -> Response:
        try:
            if request.method == "OPTIONS":
                return Response(204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
            handler = self.routes.get(request.path) or next(
                (h for p, h in self.prefix_routes if request.path.startswith(p)), None)
            if handler is None:
                raise HttpError(404, f"no such page: {request.path} (the SPARQL endpoint is /sparql)")
            if request.method == "POST" and handler != self.sparql:
                raise HttpError(405, f"{request.path} takes GET only", {"Allow": "GET, HEAD, OPTIONS"})
            if request.method not in ("GET", "HEAD", "POST"):
                raise HttpError(405, f"method {request.method} not allowed", {"Allow": "GET, HEAD, POST, OPTIONS"})
            return handler(request)
        except HttpError as exc:
            return Response(exc.status, (exc.message + "\n").encode("utf-8"), headers=exc.headers)
        except QueryLimitError as exc:
            status = 503 if exc.limit in ("time", "busy", "memory") else 400
            return Response(status, (str(exc) + "\n").encode("utf-8"), headers={"X-Filmgraph-Limit": exc.limit})
        except FilmGraphError as exc:
            return Response(400, (str(exc) + "\n").encode("utf-8"))

    # --- /sparql --------------------------------------------------------------------------
    def sparql(self, req: Request) -> Response:
        query, update = self._operation(req)
        if update is not None:
            req.is_update = True
            return self._update(req, update)
        if query is None:
            return self.service_description(req)
        return self._answer(req, query)

    def _operation(self, req: Request) -> tuple[str | None, str | None]:
        """(query, update) from the request, as the SPARQL 1.1 Protocol allows them."""
        if req.method == "POST":
            ctype = req.content_type
            if ctype == "application/sparql-query":
                return _utf8(req.body, "query body"), None
            if ctype == "application/sparql-update":
                req.is_update = True
                return None, _utf8(req.body, "update body")
            if ctype == "application/x-www-form-urlencoded":
                form = _parse_qs(_utf8(req.body, "form body"))
                for k, v in form.items():  # form fields join the URL's (e.g. default-graph-uri)
                    req.params.setdefault(k, []).extend(v)
                query, update = req.param("query"), req.param("update")
                req.is_update = update is not None
                if query is None and update is None:
                    raise HttpError(400, "a POSTed form needs a 'query' or an 'update' field")
            elif not ctype:
                raise HttpError(400, "a POST needs a Content-Type: application/sparql-query, "
                                     "application/sparql-update or application/x-www-form-urlencoded")
            else:
                raise HttpError(415, f"unsupported Content-Type {ctype!r}: use application/sparql-query, "
                                     "application/sparql-update or application/x-www-form-urlencoded")
        else:
            query, update = req.param("query"), req.param("update")
            if update is not None:
                raise HttpError(400, "SPARQL Update must be sent with POST")
        if query is not None and update is not None:
            raise HttpError(400, "give either a query or an update, not both")
        if query is not None and not query.strip():
            raise HttpError(400, "the query is empty")
        return (None if query is None else bundled_or_text(query)), update

    def _dataset(self, req: Request) -> LocalTarget:
        defaults, named = req.params.get("default-graph-uri", []), req.params.get("named-graph-uri", [])
        for iri in defaults + named:
            try:
                ox.NamedNode(iri)
            except ValueError:
                raise HttpError(400, f"not an IRI in default-graph-uri/named-graph-uri: {iri!r}") from None
        return self._target(defaults, named)

    def _answer(self, req: Request, query: str) -> Response:
        self._dataset(req)  # 400 for bad graph IRIs, here rather than in a worker
        self.check(query)  # 400/403 before a worker is taken
        accept = req.headers.get("accept")
        forced = req.param("format") or req.param("output")
        if forced:
            accept = _FORMAT_PARAM.get(forced.lower(), forced)
        graph_type = negotiate(accept, GRAPH_TYPES, _GRAPH_DEFAULT) or _GRAPH_DEFAULT
        result_type = negotiate(accept, RESULT_TYPES, _RESULT_DEFAULT) or _RESULT_DEFAULT
        mtype, body = self.run_in_worker(
            _query_job, query, req.params.get("default-graph-uri", []), req.params.get("named-graph-uri", []),
            result_type, graph_type)
        return Response(200, body, f"{mtype}; charset=utf-8", {"Vary": "Accept"})

    def check(self, text: str, what: str = "query") -> None:
        """Refuse text too long or deep to parse safely, and SERVICE calls to endpoints not allowed."""
        check_query(text, what)
        for endpoint in service_endpoints(text):
            if endpoint not in self.allow_service:
                allowed = ("only " + ", ".join(f"<{u}>" for u in self.allow_service)) if self.allow_service else \
                    "none (start it with `filmgraph serve --allow-service URL` to allow one)"
                raise HttpError(403, f"SERVICE {endpoint if endpoint[:1] in '?$' else '<' + endpoint + '>'} is not "
                                     f"allowed: this server calls {allowed}")

    def _authorize_update(self, req: Request) -> None:
        """A bearer token, from a page of this origin or from no page at all."""
        origin = req.headers.get("origin")
        if origin is not None and origin != req.base_url:
            raise HttpError(403, f"updates from pages of another origin ({origin[:100]}) are refused")
        scheme, _, given = req.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self._update_token.encode()):
            raise HttpError(401, "updates need the server's token: send Authorization: Bearer TOKEN",
                            {"WWW-Authenticate": 'Bearer realm="filmgraph update"'})

    def _target(self, defaults: list[str], named: list[str]) -> LocalTarget:
        if not defaults and not named:
            # the store's own default graph is the set union of its data graphs when it keeps one
            film_store = getattr(self, "film_store", None)
            union = film_store is None or not film_store.keeps_default_graph
            return LocalTarget(self.store, union=union, prefixes=self.prefixes)
        return LocalTarget(self.store, union=False, default_graphs=defaults, named_graphs=named, prefixes=self.prefixes)

    def _update(self, req: Request, update: str) -> Response:
        if not self.allow_update:
            raise HttpError(403, "SPARQL Update is not allowed: this endpoint is read-only "
                                 "(start it with `filmgraph serve --allow-update` to allow updates)")
        self._authorize_update(req)
        if not update.strip():
            raise HttpError(400, "the update is empty")
        self.check(update, "update")
        with self._update_lock:
            try:
                if self.film_store is not None:
                    self.film_store.update(update)  # keeps the default graph the union of the graphs
                else:
                    self.store.update(update)
            except SyntaxError as exc:
                from .query import _syntax_error

                raise _syntax_error(exc) from None
            except (OSError, RuntimeError, ValueError) as exc:
                raise QueryError(f"update failed: {exc}") from None
            finally:
                self.data_changed()
        return Response(204)

    def service_description(self, req: Request) -> Response:
        """The SPARQL 1.1 Service Description of this endpoint, in RDF."""
        endpoint = f"{req.base_url}/sparql"
        sd = "http://www.w3.org/ns/sparql-service-description#"
        fmt = "http://www.w3.org/ns/formats/"
        lines = [
            f"@prefix sd: <{sd}> .",
            f"@prefix fmt: <{fmt}> .",
            "",
            f"<{endpoint}> a sd:Service ;",
            f"    sd:endpoint <{endpoint}> ;",
            "    sd:supportedLanguage sd:SPARQL11Query" + (", sd:SPARQL11Update ;" if self.allow_update else " ;"),
            "    sd:feature sd:UnionDefaultGraph, sd:BasicFederatedQuery ;",
            "    sd:resultFormat fmt:SPARQL_Results_JSON, fmt:SPARQL_Results_XML, fmt:SPARQL_Results_CSV,",
            "        fmt:SPARQL_Results_TSV, fmt:Turtle, fmt:N-Triples, fmt:JSON-LD, fmt:RDF_XML ;",
            f"    sd:defaultDataset <{endpoint}#dataset> .",
            f"<{endpoint}#dataset> a sd:Dataset ;",
            f"    sd:defaultGraph <{endpoint}#default-graph>"
            + "".join(f" ;\n    sd:namedGraph <{endpoint}#graph-{i}>" for i, _ in enumerate(self._graphs())) + " .",
            f"<{endpoint}#default-graph> a sd:Graph .",
        ]
        lines += [f"<{endpoint}#graph-{i}> a sd:NamedGraph ; sd:name <{g}> ." for i, g in enumerate(self._graphs())]
        text = "\n".join(lines) + "\n"
        mtype = negotiate(req.headers.get("accept"), GRAPH_TYPES, _GRAPH_DEFAULT) or _GRAPH_DEFAULT
        if GRAPH_TYPES[mtype] == "turtle":
            return Response(200, text.encode("utf-8"), f"{mtype}; charset=utf-8", {"Vary": "Accept"})
        triples = [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]
        result = QueryResult("construct", ox_triples=triples)
        return Response(200, result.serialize(GRAPH_TYPES[mtype], {"sd": sd}), f"{mtype}; charset=utf-8",
                        {"Vary": "Accept"})

    def _graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs()
                      if isinstance(g, ox.NamedNode) and g.value != self.meta_graph)

    # --- /graph-store ---------------------------------------------------------------------
    def graph_store(self, req: Request) -> Response:
        graph = req.param("graph")
        if graph is None and "default" not in req.params:
            raise HttpError(400, "say which graph: ?graph=IRI or ?default")
        if graph is not None and "default" in req.params:
            raise HttpError(400, "give either ?graph=IRI or ?default, not both")
        if graph is not None:
            try:
                name: ox.NamedNode | ox.DefaultGraph = ox.NamedNode(graph)
            except ValueError:
                raise HttpError(400, f"not an IRI: {graph!r}") from None
            if graph == self.meta_graph or not self.store.contains_named_graph(name):
                raise HttpError(404, f"no graph named <{graph}> in this store")
        else:
            name = ox.DefaultGraph()
        mtype = negotiate(req.headers.get("accept"), GRAPH_TYPES, _GRAPH_DEFAULT)
        if mtype is None:
            raise HttpError(406, "cannot send a graph as any type in Accept; "
                                 f"choose from {', '.join(sorted(GRAPH_TYPES))}")
        count = 0
        triples = []
        for q in self.store.quads_for_pattern(None, None, None, name):
            count += 1
            if count > self.settings.max_result_rows * 100:
                raise HttpError(413, "the graph is too large to download here; use `filmgraph export`")
            triples.append(q.triple)
        body = QueryResult("construct", ox_triples=triples).serialize(GRAPH_TYPES[mtype], self.prefixes)
        return Response(200, body, f"{mtype}; charset=utf-8", {"Vary": "Accept"})

    # --- / (a page for people) ------------------------------------------------------------
    def home(self, req: Request) -> Response:
        query = req.param("query")
        chosen = req.param("name")
        named = named_queries()
        if query is None and chosen:
            match = next((q for q in named if q.name == chosen), None)
            if match is None:
                raise HttpError(404, f"no bundled query named {chosen!r}")
            query = match.text
        answer, error = "", ""
        if query is not None and query.strip():
            try:
                self._dataset(req)
                self.check(query)
                answer = self.run_in_worker(_html_job, query, req.params.get("default-graph-uri", []),
                                            req.params.get("named-graph-uri", []))
            except FilmGraphError as exc:
                error = f'<p class="error">{html.escape(str(exc))}</p>'
        items = "\n".join(
            f'<li><a href="/plain?name={urllib.parse.quote(q.name)}">{html.escape(q.name)}</a>: '
            f"{html.escape(q.description)} <small>{html.escape(q.bindings)}</small></li>" for q in named)
        default = query if query is not None else "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20"
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>filmgraph SPARQL</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:80em}}textarea{{width:100%;font-family:monospace}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}}
.error{{color:#a00}}</style></head><body>
<h1>filmgraph SPARQL endpoint</h1>
<p>Clients: send SPARQL 1.1 Protocol requests to <code>/sparql</code>; download graphs from
<code>/graph-store?graph=IRI</code>. The default graph is the union of all graphs.</p>
<form method="get" action="/plain"><textarea name="query" rows="12">{html.escape(default)}</textarea>
<p><button type="submit">Run query</button></p></form>
{error}{answer}
<h2>Bundled queries</h2><ul>{items}</ul>
</body></html>
"""
        return Response(200, page.encode("utf-8"), "text/html; charset=utf-8")


def _store_signature(path: Path) -> tuple:
    try:
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(path)))
    except OSError:
        return ()


def bundled_or_text(query: str) -> str:
    """The text of the bundled query named ``query``, or ``query`` itself: never a file path.

    (``filmgraph query`` reads ``.rq`` files; over HTTP that would let any client read, and
    probe for, files the server can read.)
    """
    if re.fullmatch(r"[A-Za-z0-9_-]+", query.strip()):
        match = next((q for q in named_queries() if q.name == query.strip()), None)
        if match is not None:
            return match.text
    return query


def _query_job(app: SparqlApp, query: str, defaults: list[str], named: list[str], result_type: str,
               graph_type: str) -> tuple[str, bytes]:
    """In a worker: run ``query`` and serialize its answer as the client asked."""
    result = app._target(defaults, named).execute(query, {}, max_rows=app.settings.max_result_rows,
                                                   cancel=threading.Event())
    if result.kind == "construct":
        return graph_type, result.serialize(GRAPH_TYPES[graph_type], app.prefixes)
    return result_type, result.serialize(RESULT_TYPES[result_type], app.prefixes)


def _html_job(app: SparqlApp, query: str, defaults: list[str], named: list[str]) -> str:
    result = app._target(defaults, named).execute(query, {}, max_rows=app.settings.max_result_rows,
                                                   cancel=threading.Event())
    return _html_result(result, app.prefixes)


def _html_result(result: QueryResult, prefixes: dict[str, str]) -> str:
    if result.kind == "ask":
        return f"<p>Answer: <strong>{'true' if result.boolean else 'false'}</strong></p>"
    if result.kind == "construct":
        text = result.serialize("turtle", prefixes).decode("utf-8")
        return f"<pre>{html.escape(text)}</pre>"
    from .query import _short

    head = "".join(f"<th>{html.escape(v)}</th>" for v in result.variables)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_short(t, prefixes))}</td>" for t in row) + "</tr>"
        for row in result.ox_rows)
    return f"<p>{len(result.ox_rows)} row(s)</p><table><tr>{head}</tr>{rows}</table>"


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"the {what} is not UTF-8: {exc}") from None


def _parse_qs(text: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"the parameters are not UTF-8 (byte {exc.object[exc.start]:#04x} "
                             f"after percent-decoding)") from None
    except ValueError as exc:
        raise HttpError(400, f"malformed parameters: {exc}") from None


# --- the HTTP server ------------------------------------------------------------------------


#: a Host header we may put in answers: a DNS name or IP address (v6 in brackets), and a port
_HOST = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?")


class _HttpHandler(BaseHTTPRequestHandler):
    server_version = "filmgraph"
    protocol_version = "HTTP/1.1"
    timeout = 10  # seconds a client may stall between two packets
    #: seconds from the start of a request (or of a keep-alive wait) until it must be read in
    #: full: a client dripping one byte every few seconds is cut off here
    request_deadline_s = 20.0
    app: SparqlApp  # set on the subclass made by make_server

    def handle_one_request(self) -> None:
        self.server.reading.watch(self.connection, self.request_deadline_s)
        try:
            super().handle_one_request()
        finally:
            self.server.reading.forget(self.connection)

    def setup(self) -> None:
        super().setup()
        # headers and body leave in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every keep-alive response
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def _serve(self) -> None:
        try:
            request = self._read_request()
            response = self.app.handle(request)
        except HttpError as exc:
            response = Response(exc.status, (exc.message + "\n").encode("utf-8"), headers=exc.headers)
            self.close_connection = True
        except Exception as exc:  # a bug: say so, keep serving
            response = Response(500, f"internal error: {type(exc).__name__}: {exc}\n".encode("utf-8"))
        self._send(response)

    do_GET = do_POST = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = _serve

    def do_HEAD(self) -> None:
        self._serve()

    def _read_request(self) -> Request:
        for name in ("host", "content-length", "transfer-encoding", "content-type", "authorization", "origin"):
            if len(self.headers.get_all(name) or ()) > 1:
                raise HttpError(400, f"the {name} header is given more than once")
        split = urllib.parse.urlsplit(self.path)
        params = _parse_qs(split.query)
        headers = {k.lower(): v for k, v in self.headers.items()}
        host = headers.get("host")
        if host is not None and not _HOST.fullmatch(host):
            raise HttpError(400, "bad Host header: give a host name or address and a port")
        if "transfer-encoding" in headers and "content-length" in headers:
            raise HttpError(400, "a request may not have both Transfer-Encoding and Content-Length")
        body = b""
        if self.command in ("POST", "PUT", "PATCH"):
            if "transfer-encoding" in headers:
                raise HttpError(411, "chunked requests are not supported: send a Content-Length")
            raw = headers.get("content-length")
            if raw is None:
                raise HttpError(411, "a POST needs a Content-Length")
            if not re.fullmatch(r"[0-9]{1,12}", raw.strip()):
                raise HttpError(400, f"bad Content-Length {raw[:40]!r}")
            length = int(raw)
            if length > MAX_BODY_BYTES:
                raise HttpError(413, f"the request body is larger than {MAX_BODY_BYTES:,} bytes")
            body = self.rfile.read(length)
            if len(body) < length:
                raise HttpError(400, "the request body ended early")
        self.server.reading.forget(self.connection)  # read in full: the query's time limit applies now
        host = host or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return Request(self.command, split.path or "/", params, headers, body, f"http://{host}")

    def _send(self, response: Response) -> None:
        head_only = self.command == "HEAD"
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if response.cors:
            # queries only: no Authorization in the allowed headers, so no page of another origin
            # can send the update token, and updates' answers have no CORS headers at all
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
            self.send_header("Access-Control-Expose-Headers", "Content-Type, X-Filmgraph-Limit")
            self.send_header("Access-Control-Max-Age", "86400")
        for k, v in response.headers.items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head_only and response.body:
            self.wfile.write(response.body)


class _ReadDeadlines:
    """One thread that cuts off connections still sending a request past their deadline.

    (A timer thread per request cost a thread start on every query.)
    """

    def __init__(self, tick_s: float = 0.25) -> None:
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._tick_s = tick_s
        threading.Thread(target=self._run, name="filmgraph-read-deadlines", daemon=True).start()

    def watch(self, conn: socket.socket, seconds: float) -> None:
        with self._lock:
            self._deadlines[conn] = time.monotonic() + seconds

    def forget(self, conn: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(conn, None)

    def _run(self) -> None:
        while True:
            time.sleep(self._tick_s)
            now = time.monotonic()
            with self._lock:
                late = [c for c, t in self._deadlines.items() if t < now]
                for c in late:
                    del self._deadlines[c]
            for c in late:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # the listen backlog (the default, 5, overflowed under 200 connections)
    #: open connections served at once (a thread each); past this a connection gets 503 and is closed
    max_connections = 512

    def __init__(self, app: SparqlApp, host: str, port: int, verbose: bool = False,
                 request_timeout_s: float = _HttpHandler.request_deadline_s) -> None:
        handler = type("Handler", (_HttpHandler,), {"app": app, "request_deadline_s": request_timeout_s,
                                                    "timeout": min(_HttpHandler.timeout, request_timeout_s)})
        self.app = app
        self.verbose = verbose
        self.reading = _ReadDeadlines()
        super().__init__((host, port), handler)
        self._connections = threading.BoundedSemaphore(self.max_connections)

    def process_request(self, request, client_address) -> None:
        if not self._connections.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Content-Length: 43\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
                                b"too many open connections; try again later\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def server_close(self) -> None:
        super().server_close()
        self.app.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def make_server(store: FilmStore | ox.Store, settings: Settings | None = None, host: str = "127.0.0.1",
                port: int = 0, allow_update: bool = False, verbose: bool = False,
                limits: PoolLimits | None = None, *, update_token: str | None = None,
                allow_service: Sequence[str] = (), request_timeout_s: float = 20.0) -> SparqlServer:
    """A server bound to ``host:port`` (0: a free port); call ``serve_forever()`` on it.

    Updates need ``allow_update`` and ``update_token`` (sent as ``Authorization: Bearer``);
    ``SERVICE`` may call only the endpoints in ``allow_service``. A client must send each
    request in full within ``request_timeout_s``.
    """
    app = SparqlApp(store, settings, allow_update, limits, update_token=update_token, allow_service=allow_service)
    try:
        return SparqlServer(app, host, port, verbose, request_timeout_s)
    except OSError as exc:
        raise FilmGraphError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

