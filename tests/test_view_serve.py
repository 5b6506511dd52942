"""Views served by ``filmgraph serve`` at /view, fetched with a real HTTP client and a real browser."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from browser_support import browser_missing, console_errors, open_view, requested_urls, start_browser, stop_browser
from filmgraph import server
from filmgraph.viewroute import mount_views
from view_support import ZHANG_YIMOU, fixture_store


@pytest.fixture(scope="module")
def base_url():
    store = fixture_store()
    srv = server.make_server(store, host="127.0.0.1", port=0)
    mount_views(srv.app)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.url
    srv.shutdown()
    srv.server_close()
    store.close()


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode("utf-8")


def test_serve_draws_a_director_view_at_slash_view(base_url):
    status, ctype, page = get(f"{base_url}/view?director={urllib.parse.quote('Zhang Yimou')}")
    assert status == 200 and ctype.startswith("text/html")
    data = json.loads(re.search(r'id="fg-data">(.*?)</script>', page, re.S).group(1))
    assert data["title"] == "Filmography: Zhang Yimou"
    assert ZHANG_YIMOU in {n["id"] for n in data["nodes"]} and len(data["nodes"]) == 10


def test_serve_answers_bad_view_requests_with_one_line(base_url):
    status, _, body = get(f"{base_url}/view?film=Nope")
    assert status == 404 and "no film titled 'Nope'" in body and body.count("\n") == 1
    status, _, body = get(f"{base_url}/view?query={urllib.parse.quote('../../etc/passwd')}")
    assert status == 400 and "bundled query" in body
    status, _, body = get(f"{base_url}/view?film=A&director=B")
    assert status == 400
    status, _, body = get(f"{base_url}/view?focus=Shadow&depth=99")
    assert status == 400 and "depth" in body


@pytest.mark.browser
@pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))
def test_served_view_loads_in_chromium_with_no_request_beyond_the_server(base_url):
    driver, profile = start_browser(offline=False)  # loopback only: the proxy refuses every other host
    try:
        requested_urls(driver)
        url = f"{base_url}/view?review=one-second-2021-by-john-li"
        open_view(driver, url, url_given=True)
        assert console_errors(driver) == []
        urls = requested_urls(driver)
        assert url in urls
        assert [u for u in urls if not u.startswith((base_url, "data:", "blob:", "about:"))] == []
        assert driver.execute_script("return window.filmgraphView.network.body.nodeIndices.length;") == 19
    finally:
        stop_browser(driver, profile)


def test_filmgraph_serve_mounts_the_views(tmp_path):
    """The real command: `filmgraph serve` on a free port answers /view beside /sparql."""
    import pyoxigraph as ox

    from filmgraph.iris import Iris
    from filmgraph.store import FilmStore
    from view_support import BASE, DATA

    store_dir = tmp_path / "store"
    with FilmStore.open(store_dir, Iris(BASE)) as s:
        s.oxigraph.load(path=str(DATA / "one-second.trig"), format=ox.RdfFormat.TRIG)
    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "filmgraph", "--store", str(store_dir), "serve", "--port", "0"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline()
        url = re.search(r"graph views (http://127\.0\.0\.1:\d+)/view", line)
        assert url, line
        status, ctype, page = get(f"{url.group(1)}/view?film={urllib.parse.quote('One Second')}")
        assert status == 200 and ctype.startswith("text/html")
        assert '"title": "Cast and roles: One Second (2021)"' in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)
