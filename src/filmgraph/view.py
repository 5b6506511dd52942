"""Views, part 2: a networkx view graph to one self-contained, offline HTML page drawn with pyvis.

pyvis builds the vis-network nodes, edges and options; the page itself comes from our own
template because pyvis's loads vis-network, Bootstrap and tom-select from CDNs even with
``cdn_resources="in_line"``. vis-network's JS and CSS are inlined from the copy pyvis ships,
so the page makes no request to any host.

Text from reviews is untrusted. It never reaches the page as HTML: all data travels as one JSON
document in a ``<script type="application/json">`` block (``<``, ``>``, ``&`` and ``'`` escaped as
``\\u003c`` etc., so no ``</script>`` can close it), and the page's script builds tooltips, the
legend and the details panel with DOM text nodes. A Content-Security-Policy allows only the page's
own scripts (by hash) and no network at all, in case anything slips through.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .errors import ViewError
from .viewentity import TYPES_BY_KEY, Entity
from .viewgraph import ViewSpec, view_graph

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATE_FILE = Path(__file__).resolve().parent / "templates" / "view.html"
#: edge labels are drawn up to this many edges; beyond it they stay in the edge tooltips
EDGE_LABEL_LIMIT = 1_500
#: the settling layout stops after this long (from page start) even if not fully settled
LAYOUT_BUDGET_MS = 3_000


@dataclass(frozen=True)
class ViewResult:
    """What a written view holds, and what it left out."""

    path: Path | None
    title: str
    nodes: int
    edges: int
    omitted_nodes: int
    omitted_edges: int
    seconds: float


def vis_network_assets() -> tuple[str, str]:
    """vis-network's minified JS and its CSS, from the copy inside the pyvis package."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "lib"
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: [int(x) for x in p.parent.name[4:].split(".")])
    if not candidates:
        raise ViewError(f"pyvis at {lib.parent} ships no vis-network copy; reinstall pyvis>=0.3.2")
    js_path = candidates[-1]
    js = js_path.read_text(encoding="utf-8")
    css = (js_path.parent / "vis-network.css").read_text(encoding="utf-8")
    for name, text, closer in (("JS", js, "</script"), ("CSS", css, "</style")):
        if closer in text.lower():  # would end the inline block early
            raise ViewError(f"vis-network {name} at {js_path.parent} contains {closer}>; cannot inline it")
    return js, css


def keep_most_central(g: nx.DiGraph, budget: int) -> tuple[nx.DiGraph, dict[str, int], int]:
    """At most ``budget`` nodes: the view's focus first, then by degree (ties by label).

    Returns the kept graph, the omitted node count by type name, and the omitted edge count.
    """
    if g.number_of_nodes() <= budget:
        return g, {}, 0
    focus = set(g.graph.get("focus", ()))
    degree = dict(g.degree())
    ranked = sorted(g.nodes, key=lambda n: (n not in focus, -degree[n], g.nodes[n]["entity"].label, n))
    kept = set(ranked[:budget])
    sub = g.subgraph(kept).copy()
    omitted = Counter(g.nodes[n]["entity"].type.name for n in g.nodes if n not in kept)
    return sub, dict(omitted.most_common()), g.number_of_edges() - sub.number_of_edges()


def _node_payload(entity: Entity, degree: int, max_degree: int) -> dict:
    t = entity.type
    size = 12 + 28 * (degree / max_degree) ** 0.5 if max_degree else 12
    return {
        "label": entity.label,
        "shape": t.shape,
        "color": t.color,
        "size": round(size, 1),
        "kind": t.key,  # not vis "group": its palette would override our colours
        # read by the page's script to build the tooltip and details from text nodes
        "fg": {
            "iri": entity.iri,
            "type": t.name,
            "original": entity.original,
            "facts": [list(f) for f in entity.facts],
            "wikidata": entity.wikidata,
            "wikidataDescription": entity.wikidata_description,
            "wikidataFacts": [list(f) for f in entity.wikidata_facts],
            "wikipedia": entity.wikipedia,
            "evidence": [e.as_dict() for e in entity.evidence],
            "degree": degree,
        },
    }


POLARITY_COLORS = {"Favourable": "#2e7d32", "Unfavourable": "#c62828", "Neutral": "#757575"}


def build_network(g: nx.DiGraph):
    """The pyvis ``Network`` for a view graph: typed, sized nodes; labelled edges; settling physics."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    degree = dict(g.degree())
    max_degree = max(degree.values(), default=0)
    for n in g.nodes:
        payload = _node_payload(g.nodes[n]["entity"], degree[n], max_degree)
        net.add_node(n, **payload)
    show_labels = g.number_of_edges() <= EDGE_LABEL_LIMIT
    for s, o, data in g.edges(data=True):
        label = ", ".join(data["relations"])
        edge = {"fg": {"relation": label, "evidence": data.get("evidence", []),
                                              "polarity": data.get("polarity")}}
        if show_labels:
            edge["label"] = label
        if data.get("polarity") in POLARITY_COLORS:
            edge["color"] = POLARITY_COLORS[data["polarity"]]
            edge["width"] = 2.5
        net.add_edge(s, o, **edge)
    n = g.number_of_nodes()
    small = n < 300
    net.barnes_hut(gravity=-12000 if small else -3000, central_gravity=0.3, spring_length=190 if small else 90,
                   spring_strength=0.03, damping=0.4, overlap=0.6 if small else 0)
    return net


def _options(net, n: int) -> dict:
    options = json.loads(net.options.to_json())
    options["physics"]["stabilization"] = {
        "enabled": True, "iterations": 600 if n <= 300 else (250 if n <= 2000 else 120),
        "updateInterval": 25 if n <= 1000 else 10, "fit": True,
    }
    options["physics"]["minVelocity"] = 0.75
    options["layout"] = {"improvedLayout": n <= 150, "randomSeed": 7}
    options["interaction"] = {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n > 500,
                              "navigationButtons": False, "keyboard": False}
    options["nodes"] = {"font": {"size": 18 if n <= 80 else 14, "face": "system-ui, sans-serif", "strokeWidth": 3,
                                 "strokeColor": "#ffffff"}, "borderWidth": 1}
    options["edges"] = {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                        "font": {"size": 12 if n <= 80 else 10, "align": "middle", "color": "#555555", "strokeWidth": 3},
                        "color": {"color": "#9aa5b1", "highlight": "#333333", "hover": "#333333"},
                        "smooth": {"enabled": n <= 500, "type": "continuous"}}
    return options


def render_html(g: nx.DiGraph, budget: int = 1_500, how_to_see_more: str | None = None) -> str:
    """One self-contained HTML page for the view graph ``g``, trimmed to ``budget`` nodes."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    total_nodes, total_edges = g.number_of_nodes(), g.number_of_edges()
    kept, omitted_by_type, omitted_edges = keep_most_central(g, budget)
    left_out = g.graph.get("left_out")  # the budget was already applied in SPARQL (viewgraph.py)
    if left_out and not omitted_by_type:
        total_nodes, total_edges = left_out["total_nodes"], max(left_out["total_edges"], total_edges)
        omitted_by_type, omitted_edges = left_out["by_type"], total_edges - kept.number_of_edges()
    net = build_network(kept)
    nodes, edges, _heading, _h, _w, _options_json = net.get_network_data()
    types_present = Counter(kept.nodes[n]["entity"].type.key for n in kept.nodes)
    legend = [{"key": k, "name": TYPES_BY_KEY[k].name, "color": TYPES_BY_KEY[k].color,
               "shape": TYPES_BY_KEY[k].shape, "count": c}
              for k, c in sorted(types_present.items(), key=lambda kv: (-kv[1], kv[0]))]
    omitted = None
    if omitted_by_type:
        omitted = {
            "nodes": total_nodes - kept.number_of_nodes(), "edges": omitted_edges,
            "totalNodes": total_nodes, "totalEdges": total_edges, "budget": budget,
            "byType": [[k, v] for k, v in omitted_by_type.items()],
            "howTo": how_to_see_more or "Draw a smaller view (--director, --film, --review, or --focus LABEL --depth N), "
                                        "or raise the budget (--budget N, or view_node_budget in filmgraph.toml).",
        }
    data = {
        "title": g.graph.get("title", "filmgraph"),
        "focus": [n for n in g.graph.get("focus", []) if n in kept],
        "nodes": nodes, "edges": edges, "options": _options(net, kept.number_of_nodes()),
        "legend": legend, "omitted": omitted, "layoutBudgetMs": LAYOUT_BUDGET_MS,
    }
    js, css = vis_network_assets()
    app_js = (STATIC_DIR / "view.js").read_text(encoding="utf-8")
    app_css = (STATIC_DIR / "view.css").read_text(encoding="utf-8")
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {_hash(js)} {_hash(app_js)}",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "font-src 'none'", "connect-src 'none'", "frame-src 'none'", "form-action 'none'", "base-uri 'none'",
    ])
    env = Environment(loader=FileSystemLoader(TEMPLATE_FILE.parent), autoescape=select_autoescape(["html"]))
    return env.get_template(TEMPLATE_FILE.name).render(
        title=data["title"], data=data, vis_js=js, vis_css=css, app_js=app_js, app_css=app_css, csp=csp)


def _hash(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def write_view(store, spec: ViewSpec, output: Path | None, budget: int = 1_500,
               queries_dir: Path | None = None) -> tuple[str, ViewResult]:
    """Draw ``spec`` from ``store``; write it atomically to ``output`` (if given); return the page."""
    from .export import atomic_write

    started = time.perf_counter()
    if spec.preset == "whole" and spec.budget is None:
        spec = dataclasses.replace(spec, budget=budget)  # read only what is drawn
    g = view_graph(store, spec, queries_dir)
    if g.number_of_nodes() == 0:
        raise ViewError(f"{spec.title}: nothing to draw (the store holds no matching entities)")
    page = render_html(g, budget)
    kept_nodes = min(g.number_of_nodes(), budget)
    kept_edges = keep_most_central(g, budget)[0].number_of_edges() if g.number_of_nodes() > budget else g.number_of_edges()
    all_nodes, all_edges = g.number_of_nodes(), g.number_of_edges()
    if "left_out" in g.graph:
        all_nodes, all_edges = g.graph["left_out"]["total_nodes"], max(g.graph["left_out"]["total_edges"], all_edges)
    if output is not None:
        try:
            with atomic_write(Path(output)) as fh:
                fh.write(page.encode("utf-8"))
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(output, 0o666 & ~umask)  # a page to share, not a secret (mkstemp made it 0600)
        except OSError as exc:
            raise ViewError(f"cannot write the view to {output}: {exc}") from None
    return page, ViewResult(Path(output) if output else None, g.graph["title"], kept_nodes, kept_edges,
                            all_nodes - kept_nodes, all_edges - kept_edges,
                            time.perf_counter() - started)
