"""How long a view takes to write, and to become interactive in headless Chromium.

Synthetic stores shaped like filmgraph's (films, their directors and cast, reviews and their
authors, one named graph per review) of 100, 1,000 and 5,000 drawable nodes. For each size:

- write: store -> networkx -> pyvis -> one HTML file (``write_view``), all nodes drawn;
  baseline: pyvis's own ``Network.from_nx(...).generate_html()`` on the same networkx graph
  (a page that would need CDNs and has no tooltips, search or filters);
- interactive: from navigation start until vis-network's stabilisation is done and physics is off
  (``filmgraphView.state.readyAt``); baseline: the same page with physics off (drawing only),
  so the ratio is what the settling layout costs;
- and the 5,000-node store drawn with the default node budget (1,500).

    PYTHONPATH=src python benchmarks/bench_view.py [--sizes 100 1000 5000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from filmgraph.iris import Iris  # noqa: E402
from filmgraph.store import FilmStore  # noqa: E402
from filmgraph.view import render_html, write_view  # noqa: E402
from filmgraph.viewgraph import ViewSpec, view_graph  # noqa: E402

BASE = "https://w3id.org/filmgraph/id/"
S = "https://schema.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def synthetic_store(n: int, seed: int = 7) -> FilmStore:
    """``n`` drawable nodes: a quarter films, a quarter reviews, half people; 5 edges per film."""
    rng = random.Random(seed)
    store = FilmStore.in_memory(Iris(BASE))
    films, people = n // 4, n - 2 * (n // 4)
    quads = []

    def q(s, p, o, g):
        quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p) if isinstance(p, str) else p, o, ox.NamedNode(g)))

    person = [f"{BASE}person/p{i}" for i in range(people)]
    for i in range(films):
        g = f"{BASE}graph/review/r{i}"
        film, review = f"{BASE}film/f{i}-{1950 + i % 70}", f"{BASE}review/r{i}"
        q(film, RDF_TYPE, ox.NamedNode(f"{S}Movie"), g)
        q(film, f"{S}name", ox.Literal(f"Film {i}", language="en"), g)
        q(review, RDF_TYPE, ox.NamedNode(f"{S}Review"), g)
        q(review, f"{S}itemReviewed", ox.NamedNode(film), g)
        q(review, f"{S}author", ox.NamedNode(rng.choice(person)), g)
        q(film, f"{S}director", ox.NamedNode(person[int(rng.paretovariate(1.5)) % people]), g)
        for p in rng.sample(person, 3):
            q(film, f"{S}actor", ox.NamedNode(p), g)
    for i, p in enumerate(person):
        g = f"{BASE}graph/review/r{i % max(films, 1)}"
        q(p, RDF_TYPE, ox.NamedNode(f"{S}Person"), g)
        q(p, f"{S}name", ox.Literal(f"Person {i}"), g)
    store.oxigraph.extend(quads)
    return store


def pyvis_baseline(g) -> float:
    """pyvis's stock path on the same graph, for scale: nodes and edges, no tooltips or assets."""
    import networkx as nx
    from pyvis.network import Network

    started = time.perf_counter()
    plain = nx.DiGraph()
    plain.add_nodes_from((n, {"label": d["entity"].label}) for n, d in g.nodes(data=True))
    plain.add_edges_from(g.edges)
    net = Network(directed=True, cdn_resources="in_line")
    net.from_nx(plain)
    net.generate_html()
    return time.perf_counter() - started


def time_to_interactive(driver, path: Path, timeout: float = 600) -> float:
    from browser_support import open_view

    open_view(driver, path, timeout=timeout)
    return driver.execute_script("return window.filmgraphView.state.readyAt;") / 1000


def physics_off(page: str) -> str:
    """The same page with physics disabled: it draws once, then is ready."""
    from markupsafe import Markup  # noqa: F401  (jinja2's dependency; htmlsafe_json_dumps needs it)
    from jinja2.utils import htmlsafe_json_dumps

    pattern = re.compile(r'(<script type="application/json" id="fg-data">)(.*?)(</script>)', re.S)
    block = pattern.search(page)
    data = json.loads(block.group(2))
    data["options"]["physics"]["enabled"] = False
    return page[: block.start(2)] + str(htmlsafe_json_dumps(data)) + page[block.end(2):]


def main() -> int:
    from browser_support import browser_missing, start_browser, stop_browser

    parser = argparse.ArgumentParser(description="view benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args()
    why = browser_missing()
    driver, profile = (None, None) if why else start_browser(1400, 900)
    if why:
        print(f"(no browser timings: {why})")
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in args.sizes:
                store = synthetic_store(n)
                out = Path(tmp) / f"view-{n}.html"
                _page, result = write_view(store, ViewSpec(), out, budget=n)
                g = view_graph(store, ViewSpec())
                base_write = pyvis_baseline(g)
                row = {"n": n, "nodes": result.nodes, "edges": result.edges, "write": result.seconds,
                       "base_write": base_write, "size_mb": out.stat().st_size / 1e6}
                if driver is not None:
                    row["interactive"] = time_to_interactive(driver, out)
                    drawn_only = Path(tmp) / f"view-{n}-nophysics.html"
                    drawn_only.write_text(physics_off(render_html(g, budget=n)), encoding="utf-8")
                    row["base_interactive"] = time_to_interactive(driver, drawn_only)
                rows.append(row)
                if n == max(args.sizes) and n > 1500:
                    out = Path(tmp) / f"view-{n}-budget.html"
                    _page, result = write_view(store, ViewSpec(), out)
                    row = {"n": f"{n} (budget 1500)", "nodes": result.nodes, "edges": result.edges,
                           "write": result.seconds, "base_write": None, "size_mb": out.stat().st_size / 1e6}
                    if driver is not None:
                        row["interactive"] = time_to_interactive(driver, out)
                    rows.append(row)
                store.close()
    finally:
        if driver is not None:
            stop_browser(driver, profile)
    print(f"{'graph':>18} {'drawn':>13} {'MB':>5} {'write s':>8} {'pyvis s':>8} {'ratio':>6} "
          f"{'ready s':>8} {'no-physics s':>12} {'ratio':>6}")
    for r in rows:
        ratio_w = f"{r['write'] / r['base_write']:.1f}x" if r.get("base_write") else "-"
        ready = f"{r['interactive']:.2f}" if "interactive" in r else "-"
        base_ready = f"{r['base_interactive']:.2f}" if "base_interactive" in r else "-"
        ratio_r = f"{r['interactive'] / r['base_interactive']:.1f}x" if "base_interactive" in r else "-"
        base_w = f"{r['base_write']:.2f}" if r.get("base_write") else "-"
        print(f"{str(r['n']):>18} {r['nodes']:>6}n {r['edges']:>5}e {r['size_mb']:>5.1f} {r['write']:>8.2f} "
              f"{base_w:>8} {ratio_w:>6} {ready:>8} {base_ready:>12} {ratio_r:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
