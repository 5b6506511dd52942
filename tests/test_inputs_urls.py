"""Review pages by URL, against a real HTTP server on 127.0.0.1 serving the project's own pages.

Each way a fetch goes wrong (robots.txt refusal, timeout, 404, oversize, redirect loop, no
network) is one line naming the URL, and the other pages are still built; a rebuild reads every
page (and robots.txt) from the page cache without a single request.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from filmgraph.cli import main
from filmgraph.inputs.urls import Fetcher
from filmgraph.pipeline import build
from filmgraph.settings import Settings

from conftest import DATA, REPO

INPUTS = REPO / "data" / "inputs"
PAGES = ["the-story-of-qiu-ju-1992", "not-one-less-1999", "red-sorghum-1987"]


class ReviewSite:
    """A small review site: the sample pages, a robots.txt, and one path per way to fail."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers.get("User-Agent", "")))
                path = self.path
                if path == "/robots.txt":
                    return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
                if path.startswith("/reviews/") and path.endswith(".html"):
                    page = INPUTS / Path(path).name
                    if page.exists():
                        return self._send(200, page.read_bytes(), "text/html; charset=utf-8")
                if path == "/plain/not-one-less.txt":
                    return self._send(200, (DATA / "inputs" / "not-one-less-1999.txt").read_bytes(),
                                      "text/plain; charset=utf-8")
                if path.startswith("/private/"):
                    return self._send(200, b"<html><body><p>secret</p></body></html>", "text/html")
                if path == "/slow":
                    time.sleep(1.5)
                    return self._send(200, b"<html><body><p>late</p></body></html>", "text/html")
                if path == "/huge":
                    return self._send(200, b"<html><body>" + b"<p>x</p>" * 40_000 + b"</body></html>", "text/html")
                if path == "/huge-unannounced":  # no Content-Length: the cap must hold while downloading
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for _ in range(400):
                        self.wfile.write(b"<p>" + b"y" * 1000 + b"</p>")
                    return None
                if path == "/loop":
                    self.send_response(302)
                    self.send_header("Location", "/loop")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if path == "/image.png":
                    return self._send(200, b"\x89PNG\r\n", "image/png")
                return self._send(404, b"not here", "text/plain")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def site():
    s = ReviewSite()
    s.thread.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return settings.replace(fetch_delay_s=0.0, fetch_timeout_s=0.5, fetch_max_bytes=100_000,
                            user_agent="filmgraph-tests/1.0 (tests@example.org)")


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: a network that refuses at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_urls(site: ReviewSite) -> list[str]:
    return [site.url(f"/reviews/{name}.html") for name in PAGES]


def test_second_build_makes_no_request(site, web_settings, store):
    urls = page_urls(site)
    first = build(urls, store, web_settings, fetcher=Fetcher(web_settings))
    assert [o.status for o in first.outcomes] == ["added"] * 3
    assert [o.source for o in first.outcomes] == urls  # the review's source is its URL
    assert sorted(p for p, _ in site.requests) == sorted(["/robots.txt"] + [u[len(site.base):] for u in urls])
    assert {ua for _, ua in site.requests} == {"filmgraph-tests/1.0 (tests@example.org)"}
    site.requests.clear()
    fetcher = Fetcher(web_settings)
    second = build(urls, store, web_settings, fetcher=fetcher)
    assert [o.status for o in second.outcomes] == ["unchanged"] * 3
    assert site.requests == [] and fetcher.requests == 0


def test_each_failure_is_one_line_and_the_other_pages_build(site, web_settings, store, closed_port):
    bad = {
        "/private/page.html": "refused by",
        "/slow": "no answer within 0.5 s (timeout)",
        "/missing.html": "HTTP 404 Not Found",
        "/huge": "over the 100,000-byte limit",
        "/huge-unannounced": "over the 100,000-byte limit",
        "/loop": "redirect loop (more than 5 redirects)",
        "/image.png": "not a review page (Content-Type image/png)",
    }
    offline = f"http://127.0.0.1:{closed_port}/reviews/hero.html"
    urls = [site.url(p) for p in bad] + page_urls(site) + [offline]
    report = build(urls, store, web_settings, fetcher=Fetcher(web_settings))
    by_source = {o.source: o for o in report.outcomes}
    assert [by_source[u].status for u in page_urls(site)] == ["added"] * 3
    for path, problem in bad.items():
        outcome = by_source[site.url(path)]
        assert outcome.status == "failed"
        assert outcome.error.startswith(site.url(path) + ": ") and problem in outcome.error, outcome.error
        assert "\n" not in outcome.error
    assert by_source[offline].error == f"{offline}: cannot connect to 127.0.0.1:{closed_port} (no network, or the host is down)"
    assert ("/private/page.html", "filmgraph-tests/1.0 (tests@example.org)") not in site.requests


def test_a_failed_url_is_asked_once_per_build(site, web_settings):
    fetcher = Fetcher(web_settings)
    first, again = fetcher.fetch(site.url("/missing.html")), fetcher.fetch(site.url("/missing.html"))
    assert first is again
    assert [p for p, _ in site.requests].count("/missing.html") == 1


def test_requests_to_one_host_are_spaced_by_the_delay(site, web_settings):
    slept: list[float] = []
    fetcher = Fetcher(web_settings.replace(fetch_delay_s=0.25), sleep=slept.append)
    for url in page_urls(site)[:2]:
        assert not isinstance(fetcher.fetch(url), Exception)
    # robots.txt, then two pages: the two pages each waited for the request before them
    assert len(slept) == 2 and all(0 < s <= 0.25 for s in slept)


def test_plain_text_url_reads_as_text_with_its_url(site, web_settings):
    from filmgraph.read import read_review

    source = Fetcher(web_settings).fetch(site.url("/plain/not-one-less.txt"))
    review = read_review(source)
    assert (review.title, review.reviewer, review.url) == ("Not One Less", "Tomas Reyes", source.name)


def test_cli_builds_urls_and_a_url_list(site, tmp_path, closed_port):
    listing = tmp_path / "urls.txt"
    listing.write_text("# review pages\n" + "\n".join(page_urls(site)[1:]) + "\n\n" + site.url("/missing.html") + "\n")
    env = {"FILMGRAPH_CACHE_DIR": str(tmp_path / "cache"), "FILMGRAPH_FETCH_DELAY_S": "0",
           "FILMGRAPH_FETCH_TIMEOUT_S": "0.5", "FILMGRAPH_LINK_ON_BUILD": "off"}
    args = ["--store", str(tmp_path / "store"), "--quiet", "build", "--no-text", page_urls(site)[0], "--urls", str(listing)]
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"filmgraph: error: {site.url('/missing.html')}: HTTP 404 Not Found"]
    listed = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "reviews"], env=env)
    assert sorted(line.split("\t")[2] for line in listed.stdout.splitlines()) == sorted(page_urls(site))


def test_fetched_page_is_published_at_its_address(site, web_settings):
    from filmgraph.graph import review_graph
    from filmgraph.iris import Iris
    from filmgraph.read import read_review
    from filmgraph.vocab import SCHEMA

    source = Fetcher(web_settings).fetch(site.url("/reviews/red-sorghum-1987.html"))
    review = read_review(source)
    assert review.url == source.name and review.title == "Red Sorghum" and "SOURCE" not in review.body
    rg = review_graph(review, Iris(web_settings.base_iri))
    assert str(rg.graph.value(rg.review_iri, SCHEMA.url)) == source.name


def test_a_page_built_from_a_file_then_its_url_takes_the_url(site, web_settings, store):
    """Same bytes, but the graph of the fetched page states its address: it is rebuilt, not 'unchanged'."""
    name = PAGES[1]
    build([INPUTS / f"{name}.html"], store, web_settings)
    report = build([site.url(f"/reviews/{name}.html")], store, web_settings, fetcher=Fetcher(web_settings))
    assert [o.status for o in report.outcomes] == ["replaced"]
    assert report.outcomes[0].source == site.url(f"/reviews/{name}.html")


@pytest.mark.parametrize("name", PAGES)
def test_a_fetched_page_gives_the_graph_of_its_plain_text(site, web_settings, name):
    from test_inputs import assert_same_graph, read_path

    from filmgraph.read import read_review

    review = read_review(Fetcher(web_settings).fetch(site.url(f"/reviews/{name}.html")))
    assert_same_graph(review, read_path(DATA / "inputs" / f"{name}.txt"))
