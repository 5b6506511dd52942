"""The workbench at `/` in a real headless Chromium: offline, autocompleting, charting, drawing, inert."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from browser_support import browser_missing, console_errors, requested_urls, start_browser, stop_browser
from filmgraph import server
from filmgraph.viewroute import mount_views
from view_support import fixture_store, hostile_store

browser_only = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))
SCHEMA = "PREFIX schema: <https://schema.org/>\n"


def _serve(store):
    srv = server.make_server(store, host="127.0.0.1", port=0)
    mount_views(srv.app)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return srv


@pytest.fixture(scope="module")
def base_url():
    srv = _serve(fixture_store())
    yield srv.url
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def hostile_url():
    srv = _serve(hostile_store())
    yield srv.url
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def browser():
    if browser_missing():
        pytest.skip(browser_missing())
    driver, profile = start_browser(offline=False)  # loopback only: the proxy refuses every other host
    yield driver
    stop_browser(driver, profile)


def _wait(driver, script: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def _open(driver, url: str) -> None:
    driver.get(url)
    _wait(driver, "return !!(window.filmgraphWorkbench && document.querySelector('.CodeMirror'))")


def _run(driver, query: str) -> None:
    driver.execute_script("var t = window.filmgraphWorkbench.yasgui.getTab(); t.setQuery(arguments[0]); t.query();", query)
    _wait(driver, "var y = window.filmgraphWorkbench.yasgui.getTab().getYasr(); return !!(y.results && y.drawnPlugin);")


def _table_text(driver) -> str:
    _wait(driver, "return document.querySelectorAll('.yasr table.dataTable tbody tr').length > 0")
    return driver.execute_script("return document.querySelector('.yasr table.dataTable tbody').innerText")


# --- without a browser: the page and its files -----------------------------------------------


def test_workbench_page_has_a_strict_csp_and_serves_only_its_own_files(base_url):
    page = requests.get(base_url + "/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN, no outside link
    lic = requests.get(base_url + "/static/yasgui/LICENSE.txt", timeout=10)
    assert lic.status_code == 200 and "MIT License" in lic.text
    assert requests.get(base_url + "/static/../server.py", timeout=10).status_code == 404
    assert requests.get(base_url + "/static/yasgui/yasgui.min.js.map", timeout=10).status_code == 404


def test_vocabulary_lists_the_stores_properties_and_the_ontologys_classes(base_url):
    vocab = requests.get(base_url + "/workbench/vocabulary.json", timeout=10).json()
    assert "https://schema.org/director" in vocab["properties"]
    assert "https://schema.org/Movie" in vocab["classes"]
    assert any(c.startswith("https://w3id.org/filmgraph/ontology#") for c in vocab["classes"])
    assert vocab["prefixes"]["schema"] == "https://schema.org/"


def test_bound_named_query_binds_values_as_terms(base_url):
    r = requests.get(base_url + "/workbench/bound", params={"name": "films-by-director",
                                                            "bind": 'name=x" } UNION { ?s ?p ?o } #'}, timeout=10)
    text = r.json()["query"]
    assert r.status_code == 200 and 'VALUES' in text and '"x\\" } UNION { ?s ?p ?o } #"' in text
    assert requests.get(base_url + "/workbench/bound", params={"name": "/etc/passwd"}, timeout=10).status_code == 404


def test_plain_page_still_escapes_queries_and_results(hostile_url):
    q = "SELECT ?n WHERE { ?s <https://schema.org/name> ?n FILTER(CONTAINS(?n, '<script>')) }"
    r = requests.get(hostile_url + "/plain", params={"query": q}, timeout=10)
    assert r.status_code == 200 and "<script>alert" not in r.text and "&lt;script&gt;" in r.text


# --- in Chromium ---------------------------------------------------------------------------------


@browser_only
def test_workbench_loads_without_errors_or_outside_requests(browser, base_url):
    requested_urls(browser)
    browser.get_log("browser")
    _open(browser, base_url + "/")
    _run(browser, SCHEMA + "SELECT ?film WHERE { ?film a schema:Movie }")
    assert console_errors(browser) == []
    urls = requested_urls(browser)
    assert base_url + "/workbench/vocabulary.json" in urls and base_url + "/workbench/prefixes.json" in urls
    assert [u for u in urls if not u.startswith((base_url, "data:", "blob:", "about:", "chrome:"))] == []


@browser_only
def test_a_named_query_run_with_a_binding_shows_its_rows_and_a_permalink(browser, base_url):
    _open(browser, base_url + "/")
    browser.execute_script("var s = document.getElementById('fg-named'); s.value = 'films-by-director';"
                           "s.dispatchEvent(new Event('change'));")
    field = browser.find_element("css selector", "#fg-bindings input[data-binding=name]")
    field.send_keys("Zhang Yimou")
    browser.find_element("id", "fg-run-named").click()
    rows = _table_text(browser)
    assert "Raise the Red Lantern" in rows and "One Second" in rows
    link = browser.find_element("id", "fg-permalink").get_attribute("href")
    assert "name=films-by-director" in link and "bind=name%3DZhang+Yimou" in link
    _open(browser, link)  # the permalink reproduces the query
    assert "Raise the Red Lantern" in _table_text(browser)
    assert browser.execute_script("return document.querySelector('#fg-bindings input[data-binding=name]').value") == "Zhang Yimou"


@browser_only
def test_the_table_sorts_and_pages_and_downloads_in_every_format(browser, base_url):
    _open(browser, base_url + "/")
    _run(browser, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    _table_text(browser)
    assert browser.execute_script("return !!document.querySelector('.yasr .dataTables_paginate, .yasr .paginate_button')")
    formats = browser.execute_script(
        "return Array.from(document.querySelectorAll('#fg-downloads a')).map(a => [a.dataset.format, a.href])")
    assert [f for f, _ in formats] == ["json", "xml", "csv", "tsv"]
    got = requests.get(dict(formats)["csv"], timeout=10)
    assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/csv") and got.text.startswith("s,p,o")
    _run(browser, SCHEMA + "SELECT ?title WHERE { ?f a schema:Movie ; schema:name ?title } ORDER BY DESC(?title)")
    column = ("return Array.from(document.querySelectorAll('.yasr table.dataTable tbody tr td:nth-child(2)'))"
              ".map(td => td.innerText)")
    before = browser.execute_script(column)
    assert len(before) > 2 and before == sorted(before, reverse=True)
    browser.execute_script("document.querySelectorAll('.yasr table.dataTable thead th')[1].click()")
    time.sleep(0.3)
    after = browser.execute_script(column)
    assert sorted(after) == after and after != before  # a header click sorts by that column


@browser_only
def test_an_aggregate_shows_a_chart(browser, base_url):
    _open(browser, base_url + "/")
    _run(browser, SCHEMA + "SELECT ?director (COUNT(?film) AS ?films) WHERE { ?film schema:director ?director } "
                           "GROUP BY ?director ORDER BY DESC(?films)")
    bars = _wait(browser, "return document.querySelectorAll('.yasr svg.fg-chart rect').length")
    labels = browser.execute_script("return Array.from(document.querySelectorAll('.yasr svg.fg-chart text'))"
                                    ".map(t => t.textContent)")
    assert bars >= 1 and "person:zhang-yimou" in labels


@browser_only
def test_a_construct_shows_a_graph_drawn_by_the_view_renderer(browser, base_url):
    _open(browser, base_url + "/")
    _run(browser, SCHEMA + "CONSTRUCT { ?film schema:director ?d } WHERE { ?film schema:director ?d }")
    _wait(browser, "return !!document.querySelector('.yasr iframe.fg-graph')")
    formats = browser.execute_script("return Array.from(document.querySelectorAll('#fg-downloads a')).map(a => a.dataset.format)")
    assert formats == ["turtle", "ntriples", "jsonld", "rdfxml"]
    frame = browser.find_element("css selector", ".yasr iframe.fg-graph")
    browser.switch_to.frame(frame)
    try:
        nodes = _wait(browser, "return window.filmgraphView && window.filmgraphView.state.stabilized && "
                               "window.filmgraphView.network.body.nodeIndices.length", 60)
        assert nodes >= 2
    finally:
        browser.switch_to.default_content()


@browser_only
def test_autocompletion_offers_schema_director(browser, base_url):
    _open(browser, base_url + "/")
    browser.execute_script(
        "var y = window.filmgraphWorkbench.yasgui.getTab().getYasqe();"
        "y.setValue(arguments[0]); y.focus(); y.setCursor(y.lineCount() - 1, 1000); y.autocomplete();",
        SCHEMA + "SELECT * WHERE { ?film schema:dire")
    hints = _wait(browser, "var h = document.querySelectorAll('.CodeMirror-hints li');"
                           "return h.length && Array.from(h).map(li => li.innerText);")
    assert "schema:director" in hints


@browser_only
def test_hostile_review_text_in_results_never_runs(browser, hostile_url):
    _open(browser, hostile_url + "/")
    _run(browser, "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), '<')) }")
    text = _table_text(browser)
    assert "<script" in text or "<img" in text  # shown as text
    _run(browser, SCHEMA + "SELECT ?name (COUNT(*) AS ?n) WHERE { ?s schema:name ?name } GROUP BY ?name")
    _wait(browser, "return document.querySelectorAll('.yasr svg.fg-chart rect').length")
    _run(browser, SCHEMA + "CONSTRUCT { ?s schema:director ?d } WHERE { ?s schema:director ?d }")
    time.sleep(1)
    assert browser.execute_script("return window.__fgAlerts") == []
    assert browser.execute_script(
        "return document.querySelectorAll('.yasr script, .yasr img[onerror], svg.fg-chart foreignObject').length") == 0
