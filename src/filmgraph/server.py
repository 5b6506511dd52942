"""``filmgraph serve``: a SPARQL 1.1 Protocol endpoint over the store, with the standard library.

Why ``http.server.ThreadingHTTPServer`` and no framework: the protocol is a handful of request
shapes and content types; a framework would add a dependency without removing much code, and
the WSGI ones would still need our own time-limit and row-cap handling.

Routes (``SparqlApp.routes``; other stages add theirs with ``app.add_route``):

===============  ==========================================================================
``/sparql``      SPARQL 1.1 Protocol: query (GET, POST form, POST application/sparql-query),
                 update (POST application/sparql-update or form ``update=``; 403 unless the
                 server allows updates); the service description when there is no query
``/graph-store`` Graph Store Protocol, GET only: ``?graph=IRI`` or ``?default``
``/``            an HTML page to type a query into and read the answer
===============  ==========================================================================

Every query runs in a worker thread the handler stops waiting for after ``query_timeout_s``
(``run_query``); answers longer than ``max_result_rows`` are refused, not cut. Every malformed
request gets a 4xx with a one-line message; a socket timeout stops clients that stall.
"""

from __future__ import annotations

import html
import socket
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from .errors import FilmGraphError, QueryError, QueryLimitError
from .query import LocalTarget, QueryResult, display_prefixes, named_queries, run_query
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
                 allow_update: bool = False) -> None:
        self.settings = settings or Settings()
        self.film_store = store if isinstance(store, FilmStore) else None
        self.store: ox.Store = store.oxigraph if isinstance(store, FilmStore) else store
        self.allow_update = allow_update
        self.prefixes = display_prefixes(self.settings.base_iri)
        self.meta_graph = f"{self.prefixes['graph']}meta"
        self._update_lock = threading.Lock()
        self.routes: dict[str, Handler] = {}
        self.prefix_routes: list[tuple[str, Handler]] = []
        self.add_route("/", self.home)
        self.add_route("/sparql", self.sparql)
        self.add_route("/graph-store", self.graph_store)

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
            status = 503 if exc.limit in ("time", "busy") else 400
            return Response(status, (str(exc) + "\n").encode("utf-8"), headers={"X-Filmgraph-Limit": exc.limit})
        except FilmGraphError as exc:
            return Response(400, (str(exc) + "\n").encode("utf-8"))

    # --- /sparql --------------------------------------------------------------------------
    def sparql(self, req: Request) -> Response:
        query, update = self._operation(req)
        if update is not None:
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
                return None, _utf8(req.body, "update body")
            if ctype == "application/x-www-form-urlencoded":
                form = _parse_qs(_utf8(req.body, "form body"))
                for k, v in form.items():  # form fields join the URL's (e.g. default-graph-uri)
                    req.params.setdefault(k, []).extend(v)
                query, update = req.param("query"), req.param("update")
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
        return query, update

    def _dataset(self, req: Request) -> LocalTarget:
        defaults, named = req.params.get("default-graph-uri", []), req.params.get("named-graph-uri", [])
        for iri in defaults + named:
            try:
                ox.NamedNode(iri)
            except ValueError:
                raise HttpError(400, f"not an IRI in default-graph-uri/named-graph-uri: {iri!r}") from None
        if not defaults and not named:
            union = self.film_store is None or not self.film_store.keeps_default_graph
            return LocalTarget(self.store, union=union, prefixes=self.prefixes)
        return LocalTarget(self.store, union=False, default_graphs=defaults, named_graphs=named, prefixes=self.prefixes)

    def _answer(self, req: Request, query: str) -> Response:
        target = self._dataset(req)
        result = run_query(target, query, timeout_s=self.settings.query_timeout_s,
                           max_rows=self.settings.max_result_rows)
        return self._result_response(req, result)

    def _result_response(self, req: Request, result: QueryResult) -> Response:
        accept = req.headers.get("accept")
        forced = req.param("format") or req.param("output")
        if forced:
            accept = _FORMAT_PARAM.get(forced.lower(), forced)
        if result.kind == "construct":
            mtype = negotiate(accept, GRAPH_TYPES, _GRAPH_DEFAULT) or _GRAPH_DEFAULT
            body = result.serialize(GRAPH_TYPES[mtype], self.prefixes)
        else:
            mtype = negotiate(accept, RESULT_TYPES, _RESULT_DEFAULT) or _RESULT_DEFAULT
            body = result.serialize(RESULT_TYPES[mtype], self.prefixes)
        return Response(200, body, f"{mtype}; charset=utf-8", {"Vary": "Accept"})

    def _update(self, req: Request, update: str) -> Response:
        if not self.allow_update:
            raise HttpError(403, "SPARQL Update is not allowed: this endpoint is read-only "
                                 "(start it with `filmgraph serve --allow-update` to allow updates)")
        if not update.strip():
            raise HttpError(400, "the update is empty")
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
                result = run_query(self._dataset(req), query, timeout_s=self.settings.query_timeout_s,
                                   max_rows=self.settings.max_result_rows)
                answer = _html_result(result, self.prefixes)
            except FilmGraphError as exc:
                error = f'<p class="error">{html.escape(str(exc))}</p>'
        items = "\n".join(
            f'<li><a href="/?name={urllib.parse.quote(q.name)}">{html.escape(q.name)}</a>: '
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
<form method="get" action="/"><textarea name="query" rows="12">{html.escape(default)}</textarea>
<p><button type="submit">Run query</button></p></form>
{error}{answer}
<h2>Bundled queries</h2><ul>{items}</ul>
</body></html>
"""
        return Response(200, page.encode("utf-8"), "text/html; charset=utf-8")


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
    except (UnicodeDecodeError, ValueError) as exc:
        raise HttpError(400, f"malformed parameters: {exc}") from None


# --- the HTTP server ------------------------------------------------------------------------


class _HttpHandler(BaseHTTPRequestHandler):
    server_version = "filmgraph"
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a client may stall while sending its request
    app: SparqlApp  # set on the subclass made by make_server

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
        split = urllib.parse.urlsplit(self.path)
        params = _parse_qs(split.query)
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = b""
        if self.command in ("POST", "PUT", "PATCH"):
            if "chunked" in headers.get("transfer-encoding", "").lower():
                raise HttpError(411, "chunked requests are not supported: send a Content-Length")
            raw = headers.get("content-length")
            if raw is None:
                raise HttpError(411, "a POST needs a Content-Length")
            try:
                length = int(raw)
                if length < 0:
                    raise ValueError
            except ValueError:
                raise HttpError(400, f"bad Content-Length {raw!r}") from None
            if length > MAX_BODY_BYTES:
                raise HttpError(413, f"the request body is larger than {MAX_BODY_BYTES:,} bytes")
            body = self.rfile.read(length)
            if len(body) < length:
                raise HttpError(400, "the request body ended early")
        host = headers.get("host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return Request(self.command, split.path or "/", params, headers, body, f"http://{host}")

    def _send(self, response: Response) -> None:
        head_only = self.command == "HEAD"
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type, Authorization")
        self.send_header("Access-Control-Expose-Headers", "Content-Type, X-Filmgraph-Limit")
        self.send_header("Access-Control-Max-Age", "86400")
        for k, v in response.headers.items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head_only and response.body:
            self.wfile.write(response.body)


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: SparqlApp, host: str, port: int, verbose: bool = False) -> None:
        handler = type("Handler", (_HttpHandler,), {"app": app})
        super().__init__((host, port), handler)
        self.app = app
        self.verbose = verbose

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def make_server(store: FilmStore | ox.Store, settings: Settings | None = None, host: str = "127.0.0.1",
                port: int = 0, allow_update: bool = False, verbose: bool = False) -> SparqlServer:
    """A server bound to ``host:port`` (0: a free port); call ``serve_forever()`` on it."""
    try:
        return SparqlServer(SparqlApp(store, settings, allow_update), host, port, verbose)
    except OSError as exc:
        raise FilmGraphError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

