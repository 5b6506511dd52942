"""Review pages by URL: fetched politely, kept on disk, so a rebuild makes no request.

``filmgraph build https://...`` and ``--urls FILE`` hand each URL to one ``Fetcher``, which

* sends the ``user_agent`` setting (a descriptive name with a contact address);
* obeys each host's ``robots.txt`` for that agent (kept in the cache like a page);
* waits ``fetch_delay_s`` between two requests to the same host;
* gives up after ``fetch_connect_timeout_s`` to connect and ``fetch_timeout_s`` to answer;
* refuses pages over ``fetch_max_bytes`` (on Content-Length, and while downloading);
* follows at most ``fetch_max_redirects`` redirects (a loop ends there);
* keeps every page it fetched in ``page_cache_dir`` and reads it from there next time.

Whatever goes wrong with one URL comes back as one ``ReadError`` naming the URL; the others
are still fetched. The review's source is its URL.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from ..errors import ReadError
from ..models import ReviewSource
from ..settings import Settings

#: Content-Type -> input kind
_KINDS = {
    "text/html": "html", "application/xhtml+xml": "html",
    "text/markdown": "markdown", "text/x-markdown": "markdown",
    "text/plain": "text",
}


class Fetcher:
    """Fetches review pages for one build.

    ``requests`` counts the HTTP requests it really sent (robots.txt included), ``cache_hits``
    the pages it read from the page cache instead.
    """

    def __init__(self, settings: Settings, session=None, sleep=time.sleep, clock=time.monotonic) -> None:
        import requests

        self.settings = settings
        self.cache_dir = Path(settings.page_cache_dir or Path(settings.cache_dir) / "pages")
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.max_redirects = settings.fetch_max_redirects
        self.requests = 0
        self.cache_hits = 0
        self._sleep, self._clock = sleep, clock
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser] = {}
        self._failed: dict[str, ReadError] = {}  # a URL that failed is not asked again in this build

    # --- public ------------------------------------------------------------------------------

    def fetch(self, url: str) -> ReviewSource | ReadError:
        """The page at ``url`` as a ``ReviewSource`` (from the cache if there), or why not."""
        if url in self._failed:
            return self._failed[url]
        cached = self._cached(url)
        if cached is not None:
            self.cache_hits += 1
            return cached
        try:
            return self._fetch(url)
        except ReadError as exc:
            self._failed[url] = exc
            return exc

    # --- the cache ---------------------------------------------------------------------------

    def _paths(self, key: str) -> tuple[Path, Path]:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        folder = self.cache_dir / digest[:2]
        return folder / f"{digest}.json", folder / f"{digest}.body"

    def _cached(self, url: str) -> ReviewSource | None:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        return ReviewSource(url, data, kind=meta.get("kind", ""))

    def _store(self, key: str, meta: dict, data: bytes) -> None:
        meta_path, body_path = self._paths(key)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        for path, content in ((body_path, data), (meta_path, json.dumps(meta).encode("utf-8"))):
            tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
            tmp.write_bytes(content)
            os.replace(tmp, path)  # the .json last: an entry with a .json is complete

    # --- the network -------------------------------------------------------------------------

    def _fetch(self, url: str) -> ReviewSource:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ReadError(url, "not an http(s) URL")
        try:
            allowed = not self.settings.respect_robots_txt or self._allowed(url)
        except ReadError as exc:  # robots.txt itself could not be fetched
            raise ReadError(url, exc.problem) from None
        if not allowed:
            raise ReadError(url, f"refused by {parts.scheme}://{parts.netloc}/robots.txt for this user agent")
        response, data = self._get(url, self.settings.fetch_max_bytes)
        if response.status_code != 200:
            raise ReadError(url, f"HTTP {response.status_code} {response.reason or ''}".rstrip())
        content_type = response.headers.get("Content-Type", "")
        mime = content_type.split(";", 1)[0].strip().lower()
        kind = _KINDS.get(mime)
        if kind is None:
            raise ReadError(url, f"not a review page (Content-Type {mime or 'missing'})")
        if kind == "text" and urlsplit(response.url).path.lower().endswith((".md", ".markdown")):
            kind = "markdown"
        data = _as_utf8(data, content_type)
        self._store(url, {"url": url, "final_url": response.url, "kind": kind, "content_type": content_type,
                          "fetched": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, data)
        return ReviewSource(url, data, kind=kind)

    def _get(self, url: str, limit: int):
        """GET ``url`` politely; the response and at most ``limit`` bytes of its body."""
        import requests

        host = urlsplit(url).netloc.lower()
        wait = self._last_request.get(host, -1e9) + self.settings.fetch_delay_s - self._clock()
        if wait > 0:
            self._sleep(wait)
        timeout = (self.settings.fetch_connect_timeout_s, self.settings.fetch_timeout_s)
        self.requests += 1
        try:
            with self.session.get(url, timeout=timeout, stream=True) as response:
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > limit:
                    raise ReadError(url, f"page is {int(length):,} bytes, over the {limit:,}-byte limit "
                                         "(setting fetch_max_bytes)")
                chunks, size = [], 0
                for chunk in response.iter_content(65536):
                    size += len(chunk)
                    if size > limit:
                        raise ReadError(url, f"page is over the {limit:,}-byte limit (setting fetch_max_bytes)")
                    chunks.append(chunk)
                return response, b"".join(chunks)
        except requests.exceptions.TooManyRedirects:
            raise ReadError(url, f"redirect loop (more than {self.settings.fetch_max_redirects} redirects)") from None
        except requests.exceptions.Timeout:
            raise ReadError(url, f"no answer within {self.settings.fetch_timeout_s:g} s (timeout)") from None
        except requests.exceptions.ConnectionError as exc:
            if "timed out" in str(exc).lower():
                raise ReadError(url, f"no answer within {self.settings.fetch_timeout_s:g} s (timeout)") from None
            raise ReadError(url, f"cannot connect to {host} (no network, or the host is down)") from None
        except requests.exceptions.RequestException as exc:
            raise ReadError(url, f"request failed ({type(exc).__name__})") from None
        finally:
            self._last_request[host] = self._clock()

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._robots[origin] = self._robots_rules(origin)
        agent = self.settings.user_agent.split("/", 1)[0].strip() or "*"
        return rules.can_fetch(agent, url)

    def _robots_rules(self, origin: str) -> RobotFileParser:
        """A host's robots.txt (cached): none (4xx) allows all, an unreachable one (5xx) none."""
        key = f"robots {origin}"
        meta_path, body_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            status, text = meta["status"], body_path.read_text(encoding="utf-8")
        except (OSError, ValueError, KeyError):
            response, data = self._get(origin + "/robots.txt", 512 * 1024)
            status, text = response.status_code, data.decode("utf-8", "replace")
            self._store(key, {"url": origin + "/robots.txt", "status": status}, text.encode("utf-8"))
        rules = RobotFileParser()
        if status >= 500:
            rules.disallow_all = True
        elif status >= 400:
            rules.allow_all = True
        else:
            rules.parse(text.splitlines())
        return rules


def _as_utf8(data: bytes, content_type: str) -> bytes:
    """A page in a charset its server declares (``charset=iso-8859-1``) re-encoded as UTF-8."""
    import codecs

    charset = ""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if not charset or data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    try:
        if codecs.lookup(charset).name in ("utf-8", "utf-16"):
            return data
        return data.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return data  # decoded (and refused, if not UTF-8) like any file
