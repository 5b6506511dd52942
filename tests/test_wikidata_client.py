"""Online linking against a local Wikidata on 127.0.0.1: politeness, faults, the request budget, the cache."""

from __future__ import annotations

import math
import socket
import time
from pathlib import Path

import pytest
import requests

from filmgraph.errors import LinkError
from filmgraph.wikidata.client import QueryTimeout, Unreachable, WikidataClient
from filmgraph.wikidata.lookup import BREAKER
from filmgraph.wikidata.merge import link_store, links_graph, make_lookup

from wikidata_server import BASE, fake_wikidata, offline_settings, online_settings, seed_store  # noqa: F401


def _link(store, settings, server=None, sleeps=None):
    lookup = make_lookup(settings, session=requests.Session(), sleep=(sleeps.append if sleeps is not None else None))
    return lookup, link_store(store, settings, lookup=lookup)


def _by_iri(report):
    return {d.mention.iri.removeprefix(BASE): d for d in report.decisions}


# --- the client -------------------------------------------------------------------------------------

def test_client_sends_user_agent_and_maxlag(fake_wikidata, tmp_path):
    client = WikidataClient(online_settings(tmp_path, fake_wikidata))
    hits = client.search("Zhang Yimou")
    assert hits[0]["id"] == "Q55430"
    req = fake_wikidata.requests[0]
    assert req["user_agent"].startswith("filmgraph-tests/0.1") and "tests@example.org" in req["user_agent"]
    assert req["params"]["maxlag"] == "5" and req["params"]["format"] == "json"


def test_client_fetches_entities_in_batches_of_fifty(fake_wikidata, tmp_path):
    ids = sorted(fake_wikidata.snapshot.entities, key=lambda q: int(q[1:]))[:120]
    got = WikidataClient(online_settings(tmp_path, fake_wikidata)).entities(ids)
    assert set(ids) <= set(got)
    assert fake_wikidata.total("wbgetentities") == 3
    assert all(len(r["params"]["ids"].split("|")) <= 50 for r in fake_wikidata.requests)


def test_client_honours_retry_after_on_429(fake_wikidata, tmp_path):
    sleeps: list[float] = []
    fake_wikidata.faults = ["429"]
    client = WikidataClient(online_settings(tmp_path, fake_wikidata), sleep=sleeps.append)
    assert client.search("Zhang Yimou")[0]["id"] == "Q55430"
    assert sleeps == [1.0] and fake_wikidata.total() == 2


def test_client_honours_retry_after_on_503_and_maxlag(fake_wikidata, tmp_path):
    sleeps: list[float] = []
    fake_wikidata.faults = ["503", "maxlag"]
    client = WikidataClient(online_settings(tmp_path, fake_wikidata), sleep=sleeps.append)
    assert client.entities(["Q55430"])["Q55430"]["labels"]["en"]["value"] == "Zhang Yimou"
    assert sleeps == [2.0, 5.0]


def test_client_backs_off_exponentially_without_retry_after(fake_wikidata, tmp_path):
    sleeps: list[float] = []
    fake_wikidata.always = "slow"
    fake_wikidata.slow_s = 0.8
    client = WikidataClient(online_settings(tmp_path, fake_wikidata, wikidata_timeout_s=0.2, wikidata_backoff_s=0.5),
                            sleep=sleeps.append)
    with pytest.raises(LinkError, match="gave up after 3 attempt"):
        client.search("Zhang Yimou")
    assert sleeps == [0.5, 1.0]


def test_client_gives_up_rather_than_wait_too_long(fake_wikidata, tmp_path):
    fake_wikidata.always = "maxlag"
    client = WikidataClient(online_settings(tmp_path, fake_wikidata, wikidata_max_wait_s=3), sleep=lambda s: None)
    with pytest.raises(LinkError, match="replication lag"):
        client.search("Zhang Yimou")
    assert fake_wikidata.total() == 1


def test_client_reports_malformed_json(fake_wikidata, tmp_path):
    fake_wikidata.faults = ["malformed"]
    with pytest.raises(LinkError, match="not valid JSON"):
        WikidataClient(online_settings(tmp_path, fake_wikidata)).entities(["Q55430"])


def test_client_detects_query_service_timeout_inside_a_200(fake_wikidata, tmp_path):
    fake_wikidata.faults = ["wdqs-timeout"]
    with pytest.raises(QueryTimeout, match="60 s limit"):
        WikidataClient(online_settings(tmp_path, fake_wikidata)).filmography("Q55430")


def test_client_filmography_from_the_query_service(fake_wikidata, tmp_path):
    rows = WikidataClient(online_settings(tmp_path, fake_wikidata)).filmography("Q7374")
    films = {r["film"]["value"].rsplit("/", 1)[-1] for r in rows}
    assert "Q163038" in films  # Psycho (1960), P57 Alfred Hitchcock in the data
    assert fake_wikidata.requests[-1]["user_agent"].startswith("filmgraph-tests")


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: a network that refuses at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_client_connection_refused_is_unreachable_fast(tmp_path, closed_port):
    port = closed_port
    settings = offline_settings(tmp_path, offline=False, wikidata_api=f"http://127.0.0.1:{port}/w/api.php")
    started = time.monotonic()
    with pytest.raises(Unreachable):
        WikidataClient(settings).search("Zhang Yimou")
    assert time.monotonic() - started < 2


# --- linking online: results, budget, cache -------------------------------------------------------------

def test_online_seed_links_like_offline_and_stays_within_budget(fake_wikidata, seed_store):
    store, settings = seed_store
    settings = online_settings(settings.store_path.parent, fake_wikidata)
    lookup, report = _link(store, settings)
    d = _by_iri(report)
    assert d["person/zhang-yimou"].qid == "Q55430"
    assert d["film/cinema-paradiso-1988"].qid == "Q464032"
    assert d["film/house-of-flying-daggers"].qid == "Q369388"
    assert d["event/berlin-film-festival"].qid == "Q130871"
    assert d["film/coming-home-2014"].status != "linked"
    assert d["film/one-second-2021"].status == "unlinked"
    names = {t for m in (x.mention for x in report.decisions) for t, _ in m.names}
    candidates = {c for r in fake_wikidata.requests if r["kind"] == "wbgetentities" for c in r["params"]["ids"].split("|")}
    assert fake_wikidata.total("wbsearchentities") <= len(names)
    assert fake_wikidata.total("wbgetentities") <= math.ceil(len(candidates) / 50)
    assert report.requests == fake_wikidata.total()


def test_second_online_run_makes_zero_requests(fake_wikidata, seed_store):
    store, settings = seed_store
    settings = online_settings(settings.store_path.parent, fake_wikidata)
    _, first = _link(store, settings)
    before = fake_wikidata.total()
    links = set(store.graph(links_graph(store.iris)))
    _, second = _link(store, settings)
    assert fake_wikidata.total() == before and second.requests == 0
    assert set(store.graph(links_graph(store.iris))) == links


def test_offline_run_after_online_uses_the_cache_and_no_network(fake_wikidata, seed_store):
    store, settings = seed_store
    tmp = settings.store_path.parent
    _link(store, online_settings(tmp, fake_wikidata))
    before = fake_wikidata.total()
    _, report = _link(store, online_settings(tmp, fake_wikidata, offline=True))
    assert fake_wikidata.total() == before
    assert _by_iri(report)["film/house-of-flying-daggers"].qid == "Q369388"


@pytest.mark.parametrize("fault", ["malformed", "503", "429", "slow", "empty"])
def test_link_completes_under_a_persistent_fault_and_reports_entities_unlinked(fake_wikidata, seed_store, fault):
    store, settings = seed_store
    review = store.graph(store.iris.review_graph("one-second-2021-by-john-li"))
    fake_wikidata.always = fault
    fake_wikidata.slow_s = 0.7
    settings = online_settings(settings.store_path.parent, fake_wikidata, wikidata_timeout_s=0.3, wikidata_retries=1)
    _, report = _link(store, settings, sleeps=[])
    assert not report.linked
    statuses = {d.status for d in report.decisions}
    assert statuses <= ({"unlinked"} if fault == "empty" else {"failed"})
    if fault != "empty":
        assert all(d.problem for d in report.decisions)
        # the breaker: a service that keeps failing is not asked again (no hang), with one warning
        # (lookups already in flight when it trips still finish)
        assert fake_wikidata.total() <= (BREAKER + settings.wikidata_max_in_flight - 1) * (settings.wikidata_retries + 1)
        assert len(report.warnings) == 1 and "keeps failing" in report.warnings[0]
    assert set(store.graph(store.iris.review_graph("one-second-2021-by-john-li"))) == set(review)


def test_failed_lookups_keep_links_already_made(fake_wikidata, seed_store):
    store, settings = seed_store
    tmp = settings.store_path.parent
    _link(store, online_settings(tmp, fake_wikidata))
    links, facts = set(store.graph(links_graph(store.iris))), set(store.graph(store.iris.wikidata_graph))
    fake_wikidata.always = "malformed"
    _, report = _link(store, online_settings(tmp, fake_wikidata, cache_dir=tmp / "empty-cache"), sleeps=[])
    assert report.by_status("failed")
    assert set(store.graph(links_graph(store.iris))) == links
    assert set(store.graph(store.iris.wikidata_graph)) == facts


def test_transient_faults_are_retried_and_everything_links(fake_wikidata, seed_store):
    store, settings = seed_store
    fake_wikidata.faults = ["429", "503", "maxlag", "slow"]
    fake_wikidata.slow_s = 2.5
    sleeps: list[float] = []
    settings = online_settings(settings.store_path.parent, fake_wikidata, wikidata_timeout_s=1.5, wikidata_retries=4)
    _, report = _link(store, settings, sleeps=sleeps)
    assert _by_iri(report)["person/zhang-yimou"].qid == "Q55430"
    assert not report.by_status("failed")
    assert 1.0 in sleeps and 2.0 in sleeps and 5.0 in sleeps


def test_no_network_one_warning_falls_back_to_snapshot(seed_store, closed_port):
    store, settings = seed_store
    port = closed_port
    warnings: list[str] = []
    settings = settings.replace(offline=False, wikidata_api=f"http://127.0.0.1:{port}/w/api.php")
    lookup = make_lookup(settings, warn=warnings.append)
    started = time.monotonic()
    report = link_store(store, settings, lookup=lookup)
    assert time.monotonic() - started < 10
    assert len(warnings) == 1 and "unreachable" in warnings[0]
    # the first failure stops the network for the run; requests already in flight may also fail
    assert 1 <= lookup.requests <= settings.wikidata_max_in_flight
    d = _by_iri(report)
    assert d["person/zhang-yimou"].qid == "Q55430"  # from the bundled snapshot
    assert d["film/one-second-2021"].status == "unlinked"


def test_no_network_and_no_snapshot_leaves_everything_unlinked(seed_store, closed_port):
    store, settings = seed_store
    port = closed_port
    warnings: list[str] = []
    settings = settings.replace(offline=False, wikidata_api=f"http://127.0.0.1:{port}/w/api.php",
                                wikidata_snapshot=Path("none"))
    report = link_store(store, settings, lookup=make_lookup(settings, warn=warnings.append))
    assert len(warnings) == 1 and not report.linked
    assert {d.status for d in report.decisions} == {"unlinked"}


def test_client_cast_from_the_query_service(fake_wikidata, tmp_path):
    rows = WikidataClient(online_settings(tmp_path, fake_wikidata)).cast("Q369388")
    labels = {r["actorLabel"]["value"] for r in rows}
    assert {"Andy Lau", "Zhang Ziyi"} <= labels
    assert "p:P161" in fake_wikidata.requests[-1]["params"]["query"]


def test_client_refuses_a_query_for_something_that_is_not_a_qid(fake_wikidata, tmp_path):
    with pytest.raises(LinkError, match="not a Wikidata item id"):
        WikidataClient(online_settings(tmp_path, fake_wikidata)).cast("Q1 } DROP ALL {")
    assert fake_wikidata.total() == 0


def test_refresh_fetches_stale_entries_again_in_batches(fake_wikidata, seed_store):
    from filmgraph.wikidata.cache import Cache
    from filmgraph.wikidata.lookup import refresh_cache

    store, settings = seed_store
    settings = online_settings(settings.store_path.parent, fake_wikidata)
    _link(store, settings)
    cache = Cache(settings.cache_dir)
    entities = [e for e in cache.entries() if e.kind == "entity"]
    searches = [e for e in cache.entries() if e.kind == "search"]
    assert entities and searches
    assert refresh_cache(settings) == (0, 0)  # nothing is stale yet
    before = fake_wikidata.total()
    done, failed = refresh_cache(settings.replace(cache_max_age_days=0))
    assert (done, failed) == (len(entities) + len(searches), 0)
    assert fake_wikidata.total("wbgetentities") - sum(1 for r in fake_wikidata.requests[:before]
                                                       if r["kind"] == "wbgetentities") == math.ceil(len(entities) / 50)
    assert all(e.fetched >= max(x.fetched for x in entities) for e in Cache(settings.cache_dir).entries("entity"))


def test_client_does_not_retry_a_query_service_timeout(fake_wikidata, tmp_path):
    fake_wikidata.always = "slow"
    fake_wikidata.slow_s = 1.0
    client = WikidataClient(online_settings(tmp_path, fake_wikidata, wikidata_sparql_timeout_s=0.3))
    with pytest.raises(QueryTimeout, match="no answer within 0.3 s"):
        client.filmography("Q7374")
    assert fake_wikidata.total("sparql") == 1


def test_at_most_max_in_flight_requests_at_once(fake_wikidata, seed_store):
    store, settings = seed_store
    fake_wikidata.always = "slow"
    fake_wikidata.slow_s = 0.15
    settings = online_settings(settings.store_path.parent, fake_wikidata, wikidata_max_in_flight=2)
    _, report = _link(store, settings)
    assert _by_iri(report)["person/zhang-yimou"].qid == "Q55430"
    # the bound is what is promised; whether two requests overlap depends on the machine's load
    assert 1 <= fake_wikidata.max_in_flight <= 2


def test_cli_link_online_then_refresh_all_through_the_local_server(fake_wikidata, tmp_path):
    from click.testing import CliRunner

    from filmgraph.cli import main
    from wikidata_server import DATA

    env = {"FILMGRAPH_CACHE_DIR": str(tmp_path / "cache"), "FILMGRAPH_WIKIDATA_API": fake_wikidata.api,
           "FILMGRAPH_WIKIDATA_SPARQL": fake_wikidata.sparql, "FILMGRAPH_WIKIDATA_SNAPSHOT": "none",
           "FILMGRAPH_USER_AGENT": "filmgraph-tests/0.1 (tests@example.org)"}
    store = ["--store", str(tmp_path / "store")]
    built = CliRunner().invoke(main, [*store, "build", "--link", "online", str(DATA / "psycho-disagrees.txt")], env=env)
    assert built.exit_code == 0, built.stderr
    assert "linked 6 of 6 entities" in built.stderr
    first = fake_wikidata.total()
    again = CliRunner().invoke(main, [*store, "link"], env=env)
    assert again.exit_code == 0 and "0 network request(s)" in again.stderr and fake_wikidata.total() == first
    refreshed = CliRunner().invoke(main, [*store, "wikidata", "refresh", "--all"], env=env)
    assert refreshed.exit_code == 0 and "could not be refreshed" in refreshed.stderr
    assert fake_wikidata.total() > first
    assert {r["user_agent"] for r in fake_wikidata.requests} == {"filmgraph-tests/0.1 (tests@example.org)"}
