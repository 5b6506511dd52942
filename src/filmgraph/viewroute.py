"""Views over HTTP: ``GET /view?director=Zhang+Yimou`` on ``filmgraph serve``.

``mount_views(app)`` adds the route to a ``SparqlApp`` (``filmgraph.server``) through its
``add_route`` extension point. The parameters are the CLI's presets: ``director``, ``film``,
``review``, ``focus`` (+ ``depth``), ``query`` (the name of a bundled CONSTRUCT query only:
HTTP never reads a file path), ``construct`` (CONSTRUCT or DESCRIBE text, as the workbench sends
it: checked like any query), and ``budget``; none draws the whole graph. Views run in the
server's worker processes, with the query time limit and memory cap.
"""

from __future__ import annotations

import re

PRESETS = ("director", "film", "review", "focus", "query")
MAX_BUDGET = 10_000


def mount_views(app) -> None:
    """Serve views at ``/view`` on ``app`` (a ``filmgraph.server.SparqlApp``)."""
    # import the renderer here, once: workers are forked from this process, and a worker that
    # had to import pyvis and jinja2 itself spent ~0.5 s of its query time limit on it
    import jinja2  # noqa: F401
    import pyvis.network  # noqa: F401

    from . import view, viewgraph  # noqa: F401

    app.add_route("/view", lambda request: view_response(app, request))


def view_response(app, request):
    """The HTML page of the view a request asks for; 400 for bad parameters, 404 when nothing matches."""
    from .server import HttpError, Response

    store = getattr(app, "film_store", None)
    if store is None:
        raise HttpError(501, "views need a filmgraph store (this server wraps a bare Oxigraph store)")
    chosen = [(name, request.param(name)) for name in (*PRESETS, "construct") if request.param(name) is not None]
    if len(chosen) > 1:
        raise HttpError(400, f"give one of {', '.join(PRESETS)}, not {len(chosen)}")
    preset, argument = chosen[0] if chosen else ("whole", None)
    if preset == "query" and not re.fullmatch(r"[A-Za-z0-9_-]+", argument or ""):
        raise HttpError(400, "query= takes the name of a bundled query (letters, digits, - and _)")
    depth = _int(request.param("depth"), "depth", 2, 0, 10)
    budget = _int(request.param("budget"), "budget", app.settings.view_node_budget, 1, MAX_BUDGET)
    if preset == "construct":
        app.check(argument, "CONSTRUCT query")
        page = app.run_in_worker(_render_construct, argument, budget)
        return Response(200, page.encode("utf-8"), "text/html; charset=utf-8",
                        {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})
    # in a worker process: a view is a query, with the same time and memory limits
    page = app.run_in_worker(_render_view, preset, argument, depth, budget)
    return Response(200, page.encode("utf-8"), "text/html; charset=utf-8",
                    {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def _render_view(app, preset: str, argument: str | None, depth: int, budget: int) -> str:
    from .errors import ViewError
    from .server import HttpError
    from .view import render_html
    from .viewgraph import ViewSpec, view_graph

    try:
        # the whole graph: only the budget's most connected nodes are read (viewgraph._most_connected)
        g = view_graph(app.film_store, ViewSpec(preset, argument, depth, budget if preset == "whole" else None))
        if g.number_of_nodes() == 0:
            raise ViewError("nothing to draw: the store holds no matching entities")
        return render_html(g, budget)
    except ViewError as exc:
        raise HttpError(404, str(exc)) from None


def _render_construct(app, text: str, budget: int) -> str:
    import tempfile
    from pathlib import Path

    from .errors import ViewError
    from .server import HttpError
    from .view import render_html
    from .viewgraph import ViewSpec, view_graph

    with tempfile.TemporaryDirectory(prefix="filmgraph-view-") as folder:
        (Path(folder) / "workbench.rq").write_text(text, encoding="utf-8")
        try:
            g = view_graph(app.film_store, ViewSpec("query", "workbench"), queries_dir=Path(folder))
            if g.number_of_nodes() == 0:
                raise ViewError("nothing to draw: the query's answer links no two entities")
            g.graph["title"] = "CONSTRUCT from the workbench"
            return render_html(g, budget)
        except ViewError as exc:
            raise HttpError(404, str(exc).replace(str(Path(folder) / "workbench.rq"), "the query")) from None


def _int(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    from .server import HttpError

    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not low <= int(raw) <= high:
        raise HttpError(400, f"{name} must be a whole number from {low} to {high}")
    return int(raw)
