"""The query workbench at ``/`` on ``filmgraph serve``: YASGUI, vendored, offline, with the store's vocabulary.

YASGUI (``@triply/yasgui`` 4.2.28 from npm, MIT, in ``static/yasgui/`` with its licence; see
``scripts/vendor_yasgui.sh``) gives the editor (syntax highlighting, autocompletion) and the
result views (a table with sorting and paging, the raw response). ``static/workbench/workbench.js``
adds what is filmgraph's own, and turns off everything that would leave the machine:

- autocompletion of prefixes, classes and properties from ``/workbench/vocabulary.json`` (the
  store's predicates and types, and the ontology's terms), never prefix.cc or LOV;
- the bundled named queries as examples, with a field for each binding; the server binds the
  values as RDF terms (``/workbench/bound``), never by pasting text;
- a bar chart for aggregate results, drawn as SVG with text nodes;
- CONSTRUCT / DESCRIBE results drawn by the project's own view renderer (``/view?construct=``);
- downloads in every results format the endpoint speaks, and permalinks (``/?query=`` or
  ``/?name=...&bind=var=value``) that reproduce a query.

The page and its scripts follow the views' rules: a Content-Security-Policy that allows only
this server, and no text from the store is ever parsed as HTML by our code.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pyoxigraph as ox

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: the files /static/ serves: URL path -> (file, media type); nothing else is reachable
STATIC_FILES = {
    "yasgui/yasgui.min.js": ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    "yasgui/yasgui.min.css": ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
    "yasgui/LICENSE.txt": ("yasgui/LICENSE.txt", "text/plain; charset=utf-8"),
    "yasgui/yasgui.min.js.LICENSE.txt": ("yasgui/yasgui.min.js.LICENSE.txt", "text/plain; charset=utf-8"),
    "workbench/workbench.js": ("workbench/workbench.js", "text/javascript; charset=utf-8"),
    "workbench/workbench.css": ("workbench/workbench.css", "text/css; charset=utf-8"),
}
CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # CodeMirror and DataTables set style attributes
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",  # the CONSTRUCT graph: a /view page of this server
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
])
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>filmgraph SPARQL workbench</title>
<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">
<link rel="stylesheet" href="/static/workbench/workbench.css">
</head><body>
<header><h1>filmgraph SPARQL workbench</h1>
<p>Clients: send SPARQL 1.1 Protocol requests to <code>/sparql</code>; download graphs from
<code>/graph-store?graph=IRI</code>. The default graph is the union of all graphs.
Without JavaScript: <a href="/plain">the plain query page</a>.</p></header>
<section id="examples" aria-label="Bundled queries">
<label>Example <select id="fg-named"><option value="">choose a bundled query…</option></select></label>
<p id="fg-about"></p><form id="fg-bindings"></form>
<p><button type="button" id="fg-run-named" disabled>Run with these bindings</button>
<a id="fg-permalink" href="/">permalink</a></p>
<p id="fg-downloads" aria-label="Downloads"></p>
</section>
<main id="yasgui"></main>
<noscript><p>The workbench needs JavaScript: use <a href="/plain">the plain query page</a>.</p></noscript>
<script src="/static/yasgui/yasgui.min.js"></script>
<script src="/static/workbench/workbench.js"></script>
</body></html>
"""


def mount_workbench(app) -> None:
    """Serve the workbench at ``/`` on ``app`` (a ``filmgraph.server.SparqlApp``), the old page at ``/plain``."""
    app.add_route("/plain", app.home)
    app.add_route("/", lambda req: workbench_page(app, req))
    app.add_route("/static", lambda req: static_file(req), prefix=True)
    app.add_route("/workbench/vocabulary.json", lambda req: vocabulary_response(app, req))
    app.add_route("/workbench/prefixes.json", lambda req: _json(app.prefixes))
    app.add_route("/workbench/queries.json", lambda req: queries_response())
    app.add_route("/workbench/bound", lambda req: bound_response(app, req))
    app.add_route("/favicon.ico", lambda req: _no_content())


def _no_content():
    from .server import Response

    return Response(204, headers={"Cache-Control": "max-age=86400"})


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", **(extra or {})}


def _json(value: object, cache: str = "no-store"):
    from .server import Response

    return Response(200, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8",
                    _headers({"Cache-Control": cache}))


def workbench_page(app, req):
    from .server import Response

    return Response(200, PAGE.encode("utf-8"), "text/html; charset=utf-8",
                    _headers({"Content-Security-Policy": CSP, "Cache-Control": "no-store"}))


def static_file(req):
    from .server import HttpError, Response

    name = req.path.removeprefix("/static/")
    if name not in STATIC_FILES:
        raise HttpError(404, f"no such file: {req.path}")
    file, mtype = STATIC_FILES[name]
    return Response(200, (STATIC_DIR / file).read_bytes(), mtype, _headers({"Cache-Control": "max-age=3600"}))


def queries_response():
    """The bundled queries: name, what it answers, its bindings' description and variable names, its text."""
    from .query import named_queries

    out = []
    for q in named_queries():
        variables = list(dict.fromkeys(re.findall(r"\?([A-Za-z_][A-Za-z0-9_]*)", q.bindings)))
        out.append({"name": q.name, "description": q.description, "bindings": q.bindings,
                    "variables": variables, "text": q.text})
    return _json(out)


def bound_response(app, req):
    """``?name=QUERY&bind=var=value...``: the bundled query's text with the values bound as RDF terms."""
    from .errors import FilmGraphError
    from .query import _shape, _with_values, named_queries, parse_bindings
    from .server import HttpError

    name = req.param("name") or ""
    match = next((q for q in named_queries() if q.name == name), None)
    if match is None:
        raise HttpError(404, f"no bundled query named {name[:80]!r}")
    binds = [b for b in req.params.get("bind", []) if b.partition("=")[2].strip()]
    try:
        terms = parse_bindings(binds, app.prefixes)
        text = match.text if not terms else _with_values(match.text, terms, _shape(match.text))
    except FilmGraphError as exc:
        raise HttpError(400, str(exc)) from None
    return _json({"name": name, "query": text})


_VOCAB_LOCK = threading.Lock()


def vocabulary_response(app, req):
    """Prefixes, classes and properties for autocompletion: the store's own and the ontology's."""
    with _VOCAB_LOCK:
        cached = getattr(app, "_vocabulary", None)
        if cached is None or cached[0] is not app.store:
            cached = (app.store, app.run_in_worker(_vocabulary_job))
            app._vocabulary = cached
    return _json(cached[1])


def _vocabulary_job(app) -> dict:
    from .vocab import ONTOLOGY_FILE

    classes: set[str] = set()
    properties: set[str] = set()
    for row in app.store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", use_default_graph_as_union=True):
        properties.add(row[0].value)
    for row in app.store.query("SELECT DISTINCT ?c WHERE { ?s a ?c } LIMIT 5000", use_default_graph_as_union=True):
        if isinstance(row[0], ox.NamedNode):
            classes.add(row[0].value)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    owl = "http://www.w3.org/2002/07/owl#"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    try:
        for q in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE):
            if q.predicate.value == rdf_type and isinstance(q.subject, ox.NamedNode):
                if q.object.value in (owl + "Class", rdfs + "Class"):
                    classes.add(q.subject.value)
                elif q.object.value in (owl + "ObjectProperty", owl + "DatatypeProperty", rdf_type[:-4] + "Property",
                                        owl + "AnnotationProperty"):
                    properties.add(q.subject.value)
    except (OSError, SyntaxError):
        pass
    return {"prefixes": app.prefixes, "classes": sorted(classes), "properties": sorted(properties)}
