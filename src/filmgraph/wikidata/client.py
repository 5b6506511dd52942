"""The HTTP client for the Wikidata API and the Wikidata Query Service: a polite, bounded, retrying one.

Politeness (https://www.mediawiki.org/wiki/API:Etiquette, https://meta.wikimedia.org/wiki/User-Agent_policy):
a descriptive User-Agent with contact details (a setting), ``maxlag=5`` on every API call, at most
``wikidata_max_in_flight`` requests at once, retries with exponential backoff that honour
``Retry-After`` on 429/503 and on ``maxlag`` errors, a timeout on every request. The query service
stops queries after 60 s; its timeout is detected even when it arrives inside a 200 response.

The ``requests.Session`` is injected and the endpoints are settings, so the same code runs against
Wikidata, a mirror or a local test server.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import requests

from ..errors import LinkError
from ..settings import Settings

#: ``wbgetentities`` takes at most 50 ids per request
BATCH = 50
#: the query service's own limit on a query's run time, in seconds
WDQS_LIMIT_S = 60.0


class Unreachable(LinkError):
    """No connection to the service at all (DNS, refused, connect timeout): stop trying this run."""


class QueryTimeout(LinkError):
    """The query service gave up on a query (its 60 s limit), possibly inside a 200 response."""


class WikidataClient:
    """``search`` (wbsearchentities), ``entities`` (wbgetentities), ``sparql`` (WDQS)."""

    def __init__(self, settings: Settings, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.session = session if session is not None else requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.headers.setdefault("Accept", "application/json")
        self._slots = threading.BoundedSemaphore(max(1, settings.wikidata_max_in_flight))
        self._sleep = sleep
        self.requests = 0  # every HTTP request made, retries included

    # --- the API ---------------------------------------------------------------------------------
    def search(self, name: str, language: str = "en", limit: int = 7) -> list[dict]:
        """Items whose label or alias in ``language`` starts with ``name`` (raw ``search`` hits)."""
        data = self.api({"action": "wbsearchentities", "search": name, "language": language,
                         "uselang": language, "type": "item", "limit": limit})
        hits = data.get("search")
        if not isinstance(hits, list):
            raise LinkError(f"Wikidata search for {name!r}: unexpected answer (no 'search' list)")
        return hits

    def entities(self, ids: Iterable[str]) -> dict[str, dict]:
        """Raw entity JSON by id, fetched in batches of at most 50; a missing id maps to ``{"missing": ""}``."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, dict] = {}
        for i in range(0, len(ids), BATCH):
            batch = ids[i:i + BATCH]
            data = self.api({"action": "wbgetentities", "ids": "|".join(batch), "languages": "en|zh|zh-hans|zh-hant",
                             "languagefallback": 0, "props": "labels|descriptions|aliases|claims|sitelinks",
                             "sitefilter": "enwiki|zhwiki", "redirects": "yes"})
            entities = data.get("entities")
            if not isinstance(entities, dict):
                raise LinkError(f"Wikidata wbgetentities for {len(batch)} id(s): unexpected answer (no 'entities')")
            for key, e in entities.items():
                out[e.get("id", key)] = e
                if e.get("id") and e["id"] != key:
                    out[key] = e  # a redirect: the old id answers with the new entity
        return out

    def api(self, params: dict[str, Any]) -> dict:
        params = {**params, "format": "json", "maxlag": 5}
        return self._request("GET", self.settings.wikidata_api, params, what=params.get("action", "api"))

    # --- the query service -------------------------------------------------------------------------
    def sparql(self, query: str) -> list[dict]:
        """Run a SELECT on the query service; its bindings. Raises ``QueryTimeout`` on its 60 s limit."""
        data = self._request("POST", self.settings.wikidata_sparql, {"format": "json"}, data={"query": query},
                             what="query service", read_timeout=self.settings.wikidata_sparql_timeout_s)
        try:
            return data["results"]["bindings"]
        except (KeyError, TypeError):
            raise LinkError("query service: unexpected answer (no results.bindings)") from None

    def filmography(self, director: str) -> list[dict]:
        """Films directed (P57) by ``director`` (a QID) with their English labels and publication dates."""
        _check_qid(director)
        return self.sparql(
            "SELECT ?film ?filmLabel ?date WHERE { ?film wdt:P57 wd:%s ; wdt:P31/wdt:P279* wd:Q11424 . "
            "OPTIONAL { ?film wdt:P577 ?date } "
            'SERVICE wikibase:label { bd:serviceParam wikibase:language "en,zh". } }' % director)

    def cast(self, film: str) -> list[dict]:
        """A film's cast (P161) with their character roles (qualifier P453) where Wikidata has them."""
        _check_qid(film)
        return self.sparql(
            "SELECT ?actor ?actorLabel ?role ?roleLabel WHERE { wd:%s p:P161 ?st . ?st ps:P161 ?actor . "
            "OPTIONAL { ?st pq:P453 ?role } "
            'SERVICE wikibase:label { bd:serviceParam wikibase:language "en,zh". } }' % film)

    # --- one request, politely --------------------------------------------------------------------
    def _request(self, method: str, url: str, params: dict[str, Any], *, what: str,
                 data: dict | None = None, read_timeout: float | None = None) -> dict:
        s = self.settings
        timeout = (s.wikidata_connect_timeout_s, read_timeout or s.wikidata_timeout_s)
        problem = "no attempt made"
        for attempt in range(s.wikidata_retries + 1):
            wait: float | None = None
            with self._slots:
                self.requests += 1
                try:
                    resp = self.session.request(method, url, params=params, data=data, timeout=timeout)
                except requests.ConnectionError as exc:
                    raise Unreachable(f"cannot connect to {url}: {_short(exc)}") from None
                except requests.Timeout:
                    problem = f"no answer within {timeout[1]:g} s"
                    resp = None
            if resp is None and what == "query service":
                raise QueryTimeout(f"the query service gave no answer within {timeout[1]:g} s (its limit is "
                                   f"{WDQS_LIMIT_S:g} s); simplify the query or try later")
            if resp is not None:
                in_band_timeout = what == "query service" and "java.util.concurrent.TimeoutException" in resp.text
                if resp.status_code in (429, 503) or resp.status_code >= 500 and not in_band_timeout:
                    problem = f"HTTP {resp.status_code}"
                    wait = _retry_after(resp)
                elif resp.status_code not in (200, 500):
                    raise LinkError(f"Wikidata {what}: HTTP {resp.status_code} from {url}")
                else:
                    try:
                        body = resp.json()
                    except (ValueError, json.JSONDecodeError):
                        if in_band_timeout:
                            raise QueryTimeout(f"the query service stopped the query at its {WDQS_LIMIT_S:g} s limit "
                                               f"(a TimeoutException inside an HTTP {resp.status_code} answer); "
                                               f"simplify the query or try later") from None
                        raise LinkError(f"Wikidata {what}: the answer is not valid JSON") from None
                    if resp.status_code != 200:
                        raise LinkError(f"Wikidata {what}: HTTP {resp.status_code} from {url}")
                    error = body.get("error") if isinstance(body, dict) else None
                    if error and error.get("code") == "maxlag":
                        problem = f"replication lag ({error.get('lag', '?')} s, maxlag=5)"
                        wait = _retry_after(resp) or float(error.get("lag") or 0) or None
                    elif error:
                        raise LinkError(f"Wikidata {what}: {error.get('code')}: {error.get('info')}")
                    else:
                        return body
            if attempt == s.wikidata_retries:
                break
            delay = wait if wait is not None else s.wikidata_backoff_s * 2 ** attempt
            if delay > s.wikidata_max_wait_s:
                problem += f", and asked to wait {delay:g} s (more than wikidata_max_wait_s={s.wikidata_max_wait_s:g})"
                break
            self._sleep(delay)
        raise LinkError(f"Wikidata {what}: gave up after {attempt + 1} attempt(s): {problem}")


def _retry_after(resp: requests.Response) -> float | None:
    raw = resp.headers.get("Retry-After")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(raw).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _check_qid(qid: str) -> None:
    from .entity import QID

    if not QID.match(qid):
        raise LinkError(f"not a Wikidata item id: {qid!r}")


def _short(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "timed out", "No route to host",
                   "Temporary failure in name resolution", "Network is unreachable"):
        if marker in text:
            return marker
    return text[:160]
