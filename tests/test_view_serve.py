"""Views served by ``filmgraph serve`` at /view, fetched with a real HTTP client and a real browser."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

server = pytest.importorskip("filmgraph.server", reason="filmgraph serve (issue 5) is not on this branch yet")

from browser_support import browser_missing, console_errors, open_view, requested_urls, start_browser, stop_browser  # noqa: E402
from filmgraph.viewroute import mount_views  # noqa: E402
from view_support import ZHANG_YIMOU, fixture_store  # noqa: E402


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
