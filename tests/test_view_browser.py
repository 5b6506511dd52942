"""Views in a real headless Chromium with the network off: they load, draw, search, filter, and stay inert."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from browser_support import browser_missing, console_errors, open_view, requested_urls, start_browser, stop_browser
from filmgraph.view import render_html
from filmgraph.viewgraph import ViewSpec, view_graph
from view_support import CINEMA_PARADISO, HOSTILE_FILM, fixture_store, hostile_store

pytestmark = [pytest.mark.browser, pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))]

PRESETS = {
    "whole": ViewSpec(),
    "director": ViewSpec("director", "Zhang Yimou"),
    "film": ViewSpec("film", "One Second"),
    "review": ViewSpec("review", "one-second-2021-by-john-li"),
    "focus": ViewSpec("focus", "Cinema Paradiso", 2),
}
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def browser():
    driver, profile = start_browser()
    yield driver
    stop_browser(driver, profile)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Each preset on the fixture store: (path, the view graph it draws)."""
    store = fixture_store()
    folder = tmp_path_factory.mktemp("views")
    out = {}
    for name, spec in PRESETS.items():
        g = view_graph(store, spec)
        path = folder / f"{name}.html"
        path.write_text(render_html(g), encoding="utf-8")
        out[name] = (path, g)
    store.close()
    return out


def drawn(driver) -> tuple[int, int]:
    """Nodes and edges vis-network is drawing now (hidden ones excluded)."""
    return tuple(driver.execute_script(
        "var b = window.filmgraphView.network.body; return [b.nodeIndices.length, b.edgeIndices.length];"))


@pytest.mark.parametrize("preset", list(PRESETS))
def test_page_loads_offline_without_errors_or_outside_requests(browser, pages, preset):
    requested_urls(browser)  # forget what the browser itself asked for before the page
    browser.get_log("browser")
    path, g = pages[preset]
    open_view(browser, path)
    assert console_errors(browser) == []
    urls = requested_urls(browser)
    assert path.resolve().as_uri() in urls
    assert [u for u in urls if not u.startswith(LOCAL_SCHEMES)] == []
    assert browser.execute_script("return document.body.getAttribute('data-ready')") == "true"


@pytest.mark.parametrize("preset", list(PRESETS))
def test_drawn_nodes_and_edges_match_the_graph(browser, pages, preset):
    path, g = pages[preset]
    open_view(browser, path)
    assert drawn(browser) == (g.number_of_nodes(), g.number_of_edges())
    assert browser.execute_script("return window.filmgraphView.network.physics.physicsEnabled;") is False  # settled
    ids = set(browser.execute_script("return window.filmgraphView.nodes.getIds();"))
    assert ids == set(g.nodes)
    legend_total = browser.execute_script(
        "return Array.from(document.querySelectorAll('#fg-legend .fg-count')).reduce((a, e) => a + Number(e.textContent), 0);")
    assert legend_total == g.number_of_nodes()


def test_search_focuses_the_matching_node(browser, pages):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    path, _ = pages["review"]
    open_view(browser, path)
    box = browser.find_element(By.ID, "fg-search-input")
    box.clear()
    box.send_keys("cinema parad", Keys.ENTER)
    assert browser.execute_script("return window.filmgraphView.network.getSelectedNodes();") == [CINEMA_PARADISO]
    time.sleep(0.6)  # the focus animation
    centre, node = browser.execute_script(
        "var n = window.filmgraphView.network; return [n.getViewPosition(), n.getPosition(arguments[0])];", CINEMA_PARADISO)
    assert abs(centre["x"] - node["x"]) < 1 and abs(centre["y"] - node["y"]) < 1
    details = browser.find_element(By.ID, "fg-details").text
    assert "Cinema Paradiso" in details and "wikidata.org/wiki/Q464032" in details
    link = browser.find_element(By.CSS_SELECTOR, "#fg-details a")
    assert link.get_attribute("href") == "https://www.wikidata.org/wiki/Q464032"  # clickable, not followed
    box.clear()
    box.send_keys("no such thing", Keys.ENTER)
    assert browser.find_element(By.ID, "fg-search-status").text == "not found"


def test_type_filter_hides_that_type(browser, pages):
    from selenium.webdriver.common.by import By

    path, g = pages["review"]
    open_view(browser, path)
    people = {n for n, d in g.nodes(data=True) if d["entity"].type.key == "person"}
    touching = sum(1 for s, o in g.edges if s in people or o in people)
    browser.find_element(By.CSS_SELECTOR, '#fg-legend input[data-type="person"]').click()
    assert drawn(browser) == (g.number_of_nodes() - len(people), g.number_of_edges() - touching)
    visible = set(browser.execute_script("return window.filmgraphView.network.body.nodeIndices;"))
    assert visible == set(g.nodes) - people
    browser.find_element(By.CSS_SELECTOR, '#fg-legend input[data-type="person"]').click()
    assert drawn(browser) == (g.number_of_nodes(), g.number_of_edges())


def _strip_csp(page: str) -> str:
    """The page without its Content-Security-Policy, so escaping alone must keep the payload inert."""
    stripped = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    assert stripped != page
    return stripped


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_hostile_review_shows_its_text_and_runs_nothing(browser, tmp_path, csp):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    store = hostile_store()
    g = view_graph(store, ViewSpec())
    page = render_html(g)
    path = tmp_path / "hostile.html"
    path.write_text(page if csp else _strip_csp(page), encoding="utf-8")
    requested_urls(browser)
    browser.get_log("browser")
    open_view(browser, path)
    title = 'The <script>alert(1)</script> "quoted" Film'
    # tooltips, details, legend and search list are built: hover the film, select it, open the details
    browser.execute_script("window.filmgraphView.focusNode(arguments[0]);", HOSTILE_FILM)
    time.sleep(0.6)  # the focus animation
    pos = browser.execute_script(
        "var n = window.filmgraphView.network; return n.canvasToDOM(n.getPosition(arguments[0]));", HOSTILE_FILM)
    canvas = browser.find_element(By.CSS_SELECTOR, "#fg-network canvas")
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(canvas, int(pos["x"] - size["width"] / 2),
                                                      int(pos["y"] - size["height"] / 2)).pause(0.6).perform()
    time.sleep(0.4)
    assert browser.execute_script("return window.__fgAlerts;") == []
    injected = browser.execute_script("""
        return Array.from(document.querySelectorAll('img, iframe, object, embed, [onerror], [onload], [onclick], b'))
            .map(e => e.outerHTML);""")
    assert injected == []
    assert browser.execute_script("return document.scripts.length;") == 3
    details = browser.find_element(By.ID, "fg-details").text
    assert title in details
    assert "<img src=x onerror=alert(1)>" in browser.execute_script(
        "return window.filmgraphView.nodes.get(arguments[0]).title.textContent;",
        "https://w3id.org/filmgraph/id/person/img-src-x-onerror-alert-1")
    tooltip = browser.execute_script("var t = document.querySelector('div.vis-tooltip'); return t && t.textContent;")
    assert tooltip and title in tooltip
    # the hostile work: name shown as text, its evidence sentence too, its javascript: sameAs not a link
    browser.execute_script("window.filmgraphView.focusNode(arguments[0]);", "https://w3id.org/filmgraph/id/work/img-onerror")
    details = browser.find_element(By.ID, "fg-details")
    assert '"><img src=x onerror=alert(9)>' in details.text
    assert "</script><script>alert(5)</script>" in details.text
    assert details.find_elements(By.TAG_NAME, "a") == []
    assert console_errors(browser) == []
    assert [u for u in requested_urls(browser) if not u.startswith(LOCAL_SCHEMES)] == []
    store.close()


def test_hostile_review_built_by_the_full_cli_stays_inert(browser, tmp_path):
    """The same review through `filmgraph build` (text stage and linking included) and `filmgraph view`."""
    from click.testing import CliRunner

    from filmgraph.cli import main
    from view_support import DATA

    store, page = tmp_path / "store", tmp_path / "hostile-cli.html"
    runner = CliRunner()
    built = runner.invoke(main, ["--store", str(store), "--quiet", "build", str(DATA / "hostile-review.txt")])
    assert built.exit_code == 0, built.output
    drawn_view = runner.invoke(main, ["--store", str(store), "view", "-o", str(page)])
    assert drawn_view.exit_code == 0, drawn_view.output
    requested_urls(browser)
    browser.get_log("browser")
    open_view(browser, page)
    ids = browser.execute_script("return window.filmgraphView.nodes.getIds();")
    for node_id in ids:  # open every node's details: each one builds its text into the page
        browser.execute_script("window.filmgraphView.selectNode(arguments[0]);", node_id)
    assert browser.execute_script("return window.__fgAlerts;") == []
    assert browser.execute_script(
        "return document.querySelectorAll('img, iframe, svg [onload], [onerror], [onload], b').length;") == 0
    assert browser.execute_script("return document.scripts.length;") == 3
    labels = browser.execute_script("return window.filmgraphView.nodes.map(n => n.label);")
    assert 'The <script>alert(1)</script> "quoted" Film (2020)' in labels  # shown as typed
    assert console_errors(browser) == []
    assert [u for u in requested_urls(browser) if not u.startswith(LOCAL_SCHEMES)] == []


def test_over_budget_page_says_what_was_left_out(browser, tmp_path):
    from selenium.webdriver.common.by import By

    store = fixture_store()
    g = view_graph(store, ViewSpec("review", "One Second"))
    path = tmp_path / "budget.html"
    path.write_text(render_html(g, budget=6), encoding="utf-8")
    open_view(browser, path)
    assert drawn(browser)[0] == 6
    box = browser.find_element(By.ID, "fg-omitted")
    assert box.is_displayed()
    assert f"This view has {g.number_of_nodes()} nodes; it shows the 6 most connected" in box.text
    assert f"Left out: {g.number_of_nodes() - 6} nodes" in box.text and "--focus LABEL" in box.text
    store.close()
