"""A local stand-in for the Wikidata API and the Wikidata Query Service, on 127.0.0.1.

It answers from the bundled offline snapshot (real Wikidata data, ``data/wikidata``) in exactly the
shapes of the real services (see ``../shared/wikidata/api-samples``): ``wbsearchentities`` hits with
``id``/``concepturi``/``url``/``title``/``label``/``description``/``match``, ``wbgetentities``
entities with ``labels``/``descriptions``/``aliases`` as ``{language, value}``, statements as
``mainsnak``/``datavalue`` with ``wikibase-entityid`` values, ``sitelinks``; ``{"id": …, "missing": ""}``
for unknown ids; WDQS SPARQL JSON results. It counts requests by kind, and can be told to
misbehave: 429 with Retry-After, 503, a maxlag error, a slow answer, malformed JSON, empty
results, the query service's in-band timeout.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from filmgraph.wikidata.entity import Entity, normalise
from filmgraph.wikidata.snapshot import Snapshot

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "data" / "wikidata"
_SNAPSHOT: Snapshot | None = None


def real_snapshot() -> Snapshot:
    global _SNAPSHOT
    if _SNAPSHOT is None:
        _SNAPSHOT = Snapshot.load([SNAPSHOT_DIR])
    return _SNAPSHOT


def _lv(lang: str, value: str) -> dict:
    return {"language": lang, "value": value}


def entity_json(e: Entity) -> dict:
    """An entity in the shape of ``wbgetentities`` (no hashes or statement GUIDs: we do not have them)."""
    claims = {}
    for prop, values in e.claims.items():
        claims[prop] = [{
            "mainsnak": {"snaktype": "value", "property": prop,
                         "datavalue": {"value": {"entity-type": "item", "numeric-id": int(v[1:]), "id": v},
                                       "type": "wikibase-entityid"},
                         "datatype": "wikibase-item"},
            "type": "statement", "rank": "normal"} for v in values if isinstance(v, str)]
    return {"type": "item", "id": e.id, "title": e.id, "ns": 0,
            "labels": {lg: _lv(lg, t) for lg, t in e.labels.items()},
            "descriptions": {lg: _lv(lg, t) for lg, t in e.descriptions.items()},
            "aliases": {lg: [_lv(lg, a) for a in al] for lg, al in e.aliases.items()},
            "claims": claims,
            "sitelinks": {s: {"site": s, "title": t, "badges": []} for s, t in e.sitelinks.items()}}


class FakeWikidata:
    """The server and its knobs: ``faults`` (a list consumed one per request), ``counts``, ``requests``."""

    def __init__(self, snapshot: Snapshot | None = None) -> None:
        self.snapshot = snapshot if snapshot is not None else real_snapshot()
        self.counts: Counter[str] = Counter()
        self.requests: list[dict] = []
        #: one fault per request, in order: "429", "503", "maxlag", "slow", "malformed", "empty", "wdqs-timeout"
        self.faults: list[str] = []
        #: a fault applied to every request while set
        self.always: str | None = None
        self.slow_s = 1.0
        self._index: list | None = None
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/w/api.php"

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/sparql"

    def start(self) -> "FakeWikidata":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def total(self, kind: str | None = None) -> int:
        return sum(n for k, n in self.counts.items() if kind is None or k == kind)

    # --- answers ---------------------------------------------------------------------------------
    def _names(self) -> list[tuple[str, Entity, str, str, str]]:
        if self._index is None:
            self._index = [(normalise(name), e, name, lg, how)
                           for e in self.snapshot.entities.values() for name, lg, how in e.names()]
        return self._index

    def search(self, text: str, lang: str, limit: int) -> dict:
        """Prefix matches on labels and aliases, exact ones first, like the real service."""
        key = normalise(text)
        hits, seen = [], set()
        for norm, e, name, lg, how in self._names():
            if key and norm.startswith(key) and e.id not in seen:
                seen.add(e.id)
                hits.append((0 if norm == key else 1, int(e.id[1:]), e, name, lg, how))
        hits.sort(key=lambda h: (h[0], h[1]))
        out = []
        for _, _, e, name, lg, how in hits[:limit]:
            hit = {"id": e.id, "title": e.id, "repository": "wikidata",
                   "url": f"//www.wikidata.org/wiki/{e.id}", "concepturi": f"http://www.wikidata.org/entity/{e.id}",
                   "label": e.labels.get("en", name), "match": {"type": how, "language": lg, "text": name}}
            if e.descriptions.get("en"):
                hit["description"] = e.descriptions["en"]
            if how == "alias":
                hit["aliases"] = [name]
            out.append(hit)
        return {"searchinfo": {"search": text}, "search": out, "success": 1}

    def get(self, ids: list[str]) -> dict:
        ents = {}
        for i in ids:
            e = self.snapshot.entities.get(i)
            ents[i] = entity_json(e) if e is not None else {"id": i, "missing": ""}
        return {"entities": ents, "success": 1}

    def query(self, sparql: str) -> dict:
        cast = re.search(r"wd:(Q\d+) p:P161", sparql)
        if cast:  # a film's cast; the data has no P453 qualifiers, so no ?role bindings
            e = self.snapshot.entities.get(cast.group(1))
            rows = []
            for q in (e.items("P161") if e else []):
                row = {"actor": {"type": "uri", "value": f"http://www.wikidata.org/entity/{q}"}}
                other = self.snapshot.entities.get(q)
                row["actorLabel"] = {"xml:lang": "en", "type": "literal",
                                     "value": other.labels["en"] if other and "en" in other.labels else q}
                rows.append(row)
            return {"head": {"vars": ["actor", "actorLabel", "role", "roleLabel"]}, "results": {"bindings": rows}}
        m = re.search(r"wdt:P57 wd:(Q\d+)", sparql)
        rows = []
        if m:
            for e in self.snapshot.entities.values():
                if m.group(1) in e.items("P57"):
                    row = {"film": {"type": "uri", "value": f"http://www.wikidata.org/entity/{e.id}"}}
                    if e.labels.get("en"):
                        row["filmLabel"] = {"xml:lang": "en", "type": "literal", "value": e.labels["en"]}
                    rows.append(row)
        return {"head": {"vars": ["film", "filmLabel", "date"]}, "results": {"bindings": rows}}

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                self._serve(parse_qs(urlparse(self.path).query))

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                params = parse_qs(urlparse(self.path).query)
                params.update(parse_qs(self.rfile.read(n).decode("utf-8")))
                self._serve(params)

            def _send(self, status: int, body: bytes, headers: dict | None = None, ctype="application/json") -> None:
                self._done_working()  # from here the client may read the answer and send its next request
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _serve(self, params: dict) -> None:
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                self._working = True
                try:
                    self._answer(params)
                finally:
                    self._done_working()

            def _done_working(self) -> None:
                """A request stops counting as in flight once its answer starts: counting to the last byte
                written would overlap the client's next request on a loaded machine."""
                if getattr(self, "_working", False):
                    self._working = False
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self, params: dict) -> None:
                p = {k: v[0] for k, v in params.items()}
                kind = p.get("action", "sparql" if urlparse(self.path).path.endswith("/sparql") else "?")
                server.counts[kind] += 1
                server.requests.append({"kind": kind, "params": p, "user_agent": self.headers.get("User-Agent")})
                fault = server.faults.pop(0) if server.faults else server.always
                if fault == "429":
                    return self._send(429, b"Too many requests", {"Retry-After": "1"}, "text/plain")
                if fault == "503":
                    return self._send(503, b"<html>Service Unavailable</html>", {"Retry-After": "2"}, "text/html")
                if fault == "maxlag":
                    body = {"error": {"code": "maxlag", "info": "Waiting for 10.64.48.35: 6.3 seconds lagged.",
                                      "host": "10.64.48.35", "lag": 6.3, "type": "db",
                                      "*": "See https://www.wikidata.org/w/api.php for API usage."},
                            "servedby": "mw1300"}
                    return self._send(200, json.dumps(body).encode(), {"Retry-After": "5", "X-Database-Lag": "6"})
                if fault == "slow":
                    time.sleep(server.slow_s)
                if fault == "malformed":
                    return self._send(200, b'{"entities": {"Q55430": {"type": "item", "id": "Q554')
                if fault == "wdqs-timeout" and kind == "sparql":
                    body = (b'{\n  "head" : {\n    "vars" : [ "film", "filmLabel" ]\n  },\n  "results" : {\n'
                            b'    "bindings" : [ {\n'
                            b'SPARQL-QUERY: queryStr=SELECT ...\njava.util.concurrent.TimeoutException\n'
                            b'\tat java.util.concurrent.FutureTask.get(FutureTask.java:205)\n')
                    return self._send(200, body, ctype="application/sparql-results+json")
                if kind == "wbsearchentities":
                    if fault == "empty":
                        body = {"searchinfo": {"search": p.get("search", "")}, "search": [], "success": 1}
                    else:
                        body = server.search(p.get("search", ""), p.get("language", "en"), int(p.get("limit", 7)))
                elif kind == "wbgetentities":
                    ids = p.get("ids", "").split("|")
                    if len(ids) > 50:
                        body = {"error": {"code": "toomanyvalues", "info": "Too many values supplied for parameter \"ids\". The limit is 50."}}
                    elif fault == "empty":
                        body = {"entities": {i: {"id": i, "missing": ""} for i in ids}, "success": 1}
                    else:
                        body = server.get(ids)
                elif kind == "sparql":
                    body = server.query(p.get("query", "")) if fault != "empty" else \
                        {"head": {"vars": ["film"]}, "results": {"bindings": []}}
                else:
                    body = {"error": {"code": "badvalue", "info": f"Unrecognized value for parameter \"action\": {kind}."}}
                return self._send(200, json.dumps(body, ensure_ascii=False).encode("utf-8"))

        return Handler


# --- shared helpers for the Wikidata tests ------------------------------------------------------------

import pytest  # noqa: E402

from filmgraph.iris import Iris  # noqa: E402
from filmgraph.settings import Settings  # noqa: E402
from filmgraph.store import FilmStore  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "one-second-review.txt"
DATA = Path(__file__).resolve().parent / "data" / "wikidata"
BASE = "https://w3id.org/filmgraph/id/"


def offline_settings(tmp_path: Path, **changes) -> Settings:
    return Settings(store_path=tmp_path / "store", cache_dir=tmp_path / "cache",
                    wikidata_import_dir=tmp_path / "imports", offline=True).replace(**changes)


def online_settings(tmp_path: Path, server: FakeWikidata, **changes) -> Settings:
    """Pointing at the local server, without the snapshot (so nothing links that the server did not say)."""
    return offline_settings(tmp_path, offline=False, wikidata_api=server.api, wikidata_sparql=server.sparql,
                            wikidata_snapshot=Path("none"), wikidata_timeout_s=2.0, wikidata_connect_timeout_s=0.5,
                            wikidata_backoff_s=0.01, wikidata_retries=2,
                            user_agent="filmgraph-tests/0.1 (https://example.org/filmgraph; tests@example.org)"
                            ).replace(**changes)


def build_reviews(store: FilmStore, settings: Settings, *paths: Path) -> None:
    from filmgraph.pipeline import build

    report = build([str(p) for p in paths], store, settings)
    assert report.ok, report.failed


def load_trig(store: FilmStore, path: Path) -> None:
    import pyoxigraph as ox

    store.load(path, ox.RdfFormat.TRIG)


@pytest.fixture
def fake_wikidata():
    server = FakeWikidata().start()
    yield server
    server.stop()


@pytest.fixture
def seed_store(tmp_path):
    """The seed review built (header only) plus the text stage's entities from a hand-made TriG file."""
    if not SEED.exists():
        pytest.skip(f"the seed review is not here ({SEED}): ../shared is absent")
    settings = offline_settings(tmp_path)
    store = FilmStore.open(settings.store_path, Iris(settings.base_iri))
    build_reviews(store, settings, SEED)
    load_trig(store, DATA / "one-second-text.trig")
    yield store, settings
    store.close()
