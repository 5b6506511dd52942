"""Acceptance: a real `filmgraph serve` process against every hostile client class of issue 12.

One server process for the module (1 s time limit, 4 workers, 256 MB per query); each test
sends one class of abuse and checks that the answer is a 4xx/503 with a message, that a light
query still answers, and - for heavy queries - that the worker processes that ran them are gone
and the server's CPU and memory are back to idle soon after the limit.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from conftest import REPO

TIMEOUT_S = 1.0
LIGHT = "ASK { ?s ?p ?o }"
CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CARTESIAN_ORDER = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"


def _start(store: Path, *args: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "filmgraph", "--store", str(store), "serve", "--port", "0",
                             *args], stderr=subprocess.PIPE, text=True, cwd=REPO,
                            env={**os.environ, **(env or {})})
    line = proc.stderr.readline()
    m = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
    assert m, line + proc.stderr.read() if proc.poll() is not None else line
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # drain
    return proc, m.group(1)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("hostile") / "store"
    subprocess.run([sys.executable, "-m", "filmgraph", "--store", str(store), "-q", "build", "--no-text", "--link",
                    "off", str(REPO / "data" / "reviews")], check=True, cwd=REPO, capture_output=True)
    return store


@pytest.fixture(scope="module")
def server(built_store):
    proc, url = _start(built_store, "--timeout", str(TIMEOUT_S), "--workers", "4", "--memory-mb", "256",
                       "--request-timeout", "3")
    assert requests.get(url + "/sparql", params={"query": LIGHT}, timeout=10).status_code == 200
    yield proc, url
    _stop(proc)
    assert _children(proc.pid) == []


@pytest.fixture
def url(server):
    proc, base = server
    yield base
    assert proc.poll() is None, "the server died"
    _assert_light_answers(base, recover_s=5.0)


def _assert_light_answers(base: str, recover_s: float = 0.0) -> float:
    """A light query is answered at once. With ``recover_s`` (after a hostile client, on a loaded
    machine), a 503 while the server sheds what that client left is allowed if it answers within
    that many seconds; the tests of starvation give none."""
    deadline = time.monotonic() + recover_s
    while True:
        started = time.monotonic()
        r = requests.get(base + "/sparql", params={"query": LIGHT}, timeout=5)
        took = time.monotonic() - started
        if r.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert r.status_code == 200 and r.json()["boolean"] is True, (r.status_code, r.headers.get("X-Filmgraph-Limit"))
    assert took < 1.0, f"a light query took {took:.2f} s"
    return took


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry))
    return out


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _assert_back_to_idle(proc, heavy_pids: set[int]) -> None:
    """Within 2 s: the workers that ran heavy queries are gone; CPU idle; memory near its start."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and heavy_pids & set(_children(proc.pid)):
        time.sleep(0.05)
    assert not heavy_pids & set(_children(proc.pid)), "a worker that ran a heavy query is still alive"
    pids = [proc.pid, *_children(proc.pid)]
    before = _cpu_ticks(pids)
    time.sleep(0.5)
    used = (_cpu_ticks(pids) - before) / os.sysconf("SC_CLK_TCK")
    assert used < 0.15, f"the server used {used:.2f} CPU-seconds in 0.5 s of idling"


def _busy_workers(proc) -> set[int]:
    """Children using CPU right now (sampled over 0.2 s)."""
    kids = _children(proc.pid)
    before = {p: _cpu_ticks([p]) for p in kids}
    time.sleep(0.2)
    return {p for p in kids if _cpu_ticks([p]) > before[p]}


def _raw(base: str, data: bytes, timeout: float = 5.0) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


# --- input guards --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["SELECT * WHERE " + "{" * 5000 + "}" * 5000,
                                  "ASK { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"])
def test_deep_nesting_gets_400_and_the_server_lives(url, text):
    for r in (requests.post(url + "/sparql", data={"query": text}, timeout=10),
              requests.post(url + "/sparql", data=text, headers={"Content-Type": "application/sparql-query"}, timeout=10)):
        assert r.status_code == 400 and "at most" in r.text


def test_non_utf8_and_huge_requests_get_4xx_with_a_message(url):
    r = requests.get(url + "/sparql?query=ASK%7B%7D%FF", timeout=5)
    assert r.status_code == 400 and "UTF-8" in r.text
    r = requests.post(url + "/sparql", data=b"ASK { ?s ?p '\xff' }", headers={"Content-Type": "application/sparql-query"},
                      timeout=5)
    assert r.status_code == 400 and "UTF-8" in r.text
    head = _raw(url, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 50000000\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413") and b"larger than" in head
    r = requests.get(url + "/sparql", params={"query": "ASK {}" + " " * 100_000}, timeout=5)
    assert r.status_code == 414
    r = requests.post(url + "/sparql", data={"query": "ASK {}" + " " * 20_000}, timeout=5)
    assert r.status_code == 400 and "at most 10,000" in r.text


# --- heavy queries are stopped ---------------------------------------------------------------


@pytest.mark.parametrize("query", [CARTESIAN_COUNT, CARTESIAN_ORDER], ids=["count", "order-by"])
def test_a_heavy_query_is_killed_at_its_limit_and_its_memory_freed(server, url, query):
    proc, _ = server
    rss_before = _rss_mb([proc.pid, *_children(proc.pid)])
    answer: dict = {}
    t = threading.Thread(target=lambda: answer.update(r=requests.get(url + "/sparql", params={"query": query},
                                                                       timeout=30)))
    t.start()
    heavy: set[int] = set()
    while t.is_alive() and not heavy:  # sampled until seen: a memory-capped query may die within a second
        heavy = _busy_workers(proc)
    assert heavy, "no worker process was running the query"
    t.join(30)
    r = answer["r"]
    assert r.status_code == 503 and r.headers["X-Filmgraph-Limit"] in ("time", "memory") and r.text.strip()
    _assert_back_to_idle(proc, heavy)
    assert _rss_mb([proc.pid, *_children(proc.pid)]) < rss_before + 100


def test_eight_concurrent_heavy_queries_never_starve_a_light_one(server, url):
    proc, _ = server
    with ThreadPoolExecutor(8) as pool:
        heavy = [pool.submit(requests.get, url + "/sparql", params={"query": CARTESIAN_COUNT}, timeout=30)
                 for _ in range(8)]
        time.sleep(0.3)
        running = _busy_workers(proc)
        light = [_assert_light_answers(url) for _ in range(10)]
        answers = [f.result() for f in heavy]
    assert max(light) < 1.0
    assert all(r.status_code == 503 and r.text.strip() for r in answers)
    assert {r.headers["X-Filmgraph-Limit"] for r in answers} <= {"time", "busy"}
    _assert_back_to_idle(proc, running)


def test_a_view_has_the_same_time_limit(server, url):
    r = requests.get(url + "/view", params={"director": "Zhang Yimou"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    # the whole graph takes about a second to lay out here: drawn, or stopped at the limit
    r = requests.get(url + "/view", timeout=30)
    assert r.status_code == 200 or (r.status_code == 503 and r.headers["X-Filmgraph-Limit"] == "time"), r.text


# --- no ambient authority --------------------------------------------------------------------


def test_service_to_a_listener_that_never_answers_is_refused_at_once(url):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{silent.getsockname()[1]}/sparql> {{ ?s ?p ?o }} }}"
        started = time.monotonic()
        r = requests.get(url + "/sparql", params={"query": q}, timeout=10)
        assert r.status_code == 403 and "--allow-service" in r.text and time.monotonic() - started < 2
        r = requests.get(url + "/sparql", params={"query": "SELECT * { BIND(<http://x/> AS ?e) SERVICE ?e {} }"},
                         timeout=10)
        assert r.status_code == 403 and "SERVICE ?e" in r.text
    finally:
        silent.close()


def test_a_path_in_query_is_never_read(url, tmp_path):
    secret = tmp_path / "private.rq"
    secret.write_text("SELECT ('the secret' AS ?x) {}")
    for q in (str(secret), str(tmp_path / "missing.rq")):
        r = requests.get(url + "/sparql", params={"query": q}, timeout=5)
        assert r.status_code == 400 and "SPARQL syntax error" in r.text and "secret" not in r.text
    r = requests.get(url + "/sparql", params={"query": "collaborators"}, headers={"Accept": "text/csv"}, timeout=5)
    assert r.status_code == 200  # a bundled query's name still works


def test_updates_need_the_token_and_refuse_other_origins(built_store):
    token = "an-update-token-for-tests"
    proc, base = _start(built_store, "--allow-update", env={"FILMGRAPH_UPDATE_TOKEN": token})
    try:
        drop = {"update": "DROP ALL"}
        r = requests.post(base + "/sparql", data=drop, headers={"Origin": "http://evil.example"}, timeout=5)
        assert r.status_code == 403 and "another origin" in r.text and "Access-Control-Allow-Origin" not in r.headers
        r = requests.post(base + "/sparql", data=drop, timeout=5)
        assert r.status_code == 401 and "Bearer" in r.text
        r = requests.post(base + "/sparql", data=drop, headers={"Authorization": "Bearer wrong"}, timeout=5)
        assert r.status_code == 401
        pre = requests.options(base + "/sparql", headers={"Origin": "http://evil.example",
                                                          "Access-Control-Request-Headers": "authorization"}, timeout=5)
        assert "authorization" not in pre.headers.get("Access-Control-Allow-Headers", "").lower()
        assert requests.get(base + "/sparql", params={"query": LIGHT}, timeout=5).json()["boolean"] is True
        insert = {"update": "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> 'c' } }"}
        r = requests.post(base + "/sparql", data=insert, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert r.status_code == 204 and "Access-Control-Allow-Origin" not in r.headers
        assert requests.get(base + "/sparql", params={"query": "ASK { <urn:a> <urn:b> 'c' }"},
                            timeout=5).json()["boolean"] is True
    finally:
        _stop(proc)


def test_allow_update_without_a_token_does_not_start(built_store):
    proc = subprocess.run([sys.executable, "-m", "filmgraph", "--store", str(built_store), "serve", "--port", "0",
                           "--allow-update"], capture_output=True, text=True, cwd=REPO, timeout=30,
                          env={k: v for k, v in os.environ.items() if k != "FILMGRAPH_UPDATE_TOKEN"})
    assert proc.returncode == 2 and "needs a token" in proc.stderr


# --- the HTTP layer ----------------------------------------------------------------------------


def test_bad_host_and_duplicate_content_length_get_400(url):
    path = "/sparql?query=" + requests.utils.quote(LIGHT)
    bad = _raw(url, f"GET {path} HTTP/1.1\r\nHost: <script>x</script>\r\nConnection: close\r\n\r\n".encode())
    assert bad.startswith(b"HTTP/1.1 400") and b"Host" in bad and b"<script>" not in bad
    sd = _raw(url, b"GET /sparql HTTP/1.1\r\nHost: evil\"\r\nConnection: close\r\n\r\n")
    assert sd.startswith(b"HTTP/1.1 400")
    body = b"query=ASK%7B%7D"
    dup = _raw(url, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: %d\r\nContent-Length: 0\r\n\r\n" % len(body) + body)
    assert dup.startswith(b"HTTP/1.1 400") and b"more than once" in dup
    both = _raw(url, b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")
    assert both.startswith(b"HTTP/1.1 400")


def test_two_hundred_concurrent_connections_are_all_answered(built_store):
    # a server of its own with a query time limit that 200 light queries queued on 4 workers cannot
    # reach on a loaded machine (the module's server has 1 s, for the hostile queries)
    proc, url = _start(built_store, "--timeout", "20", "--workers", "4")
    try:
        def one(_):
            r = requests.get(url + "/sparql", params={"query": LIGHT}, timeout=60)
            return r.status_code, r.headers.get("X-Filmgraph-Limit")

        with ThreadPoolExecutor(200) as pool:
            codes = list(pool.map(one, range(200)))
        assert [c for c, _ in codes].count(200) == 200, {c: codes.count(c) for c in set(codes)}
        assert proc.poll() is None
    finally:
        _stop(proc)


def test_drip_feeding_clients_are_cut_off_and_others_served(url):
    host, port = url.removeprefix("http://").split(":")
    drips = [socket.create_connection((host, int(port))) for _ in range(20)]
    started = time.monotonic()
    try:
        for s in drips:
            s.sendall(b"GET /sparql?query=ASK")
        closed: set[int] = set()
        while len(closed) < len(drips) and time.monotonic() - started < 8:
            for i, s in enumerate(drips):
                if i in closed:
                    continue
                try:
                    s.sendall(b"%20")
                    s.settimeout(0.01)
                    if s.recv(100) == b"":
                        closed.add(i)
                except socket.timeout:
                    pass
                except OSError:
                    closed.add(i)
            _assert_light_answers(url)
            time.sleep(0.3)
        assert len(closed) == len(drips), "dripping clients were never cut off"
        assert time.monotonic() - started < 3 + 2.5
    finally:
        for s in drips:
            s.close()


def test_a_query_over_its_memory_cap_is_stopped_long_before_its_time_limit(built_store):
    proc, base = _start(built_store, "--timeout", "30", "--memory-mb", "128")
    try:
        started = time.monotonic()
        r = requests.get(base + "/sparql", params={"query": CARTESIAN_ORDER}, timeout=60)
        assert r.status_code == 503 and r.headers["X-Filmgraph-Limit"] == "memory" and "128 MB" in r.text
        assert time.monotonic() - started < 15  # the cap stopped it, not the 30 s limit
        _assert_light_answers(base)
    finally:
        _stop(proc)


def test_stopping_the_server_stops_its_workers_and_frees_its_port(built_store):
    proc, base = _start(built_store)
    requests.get(base + "/sparql", params={"query": LIGHT}, timeout=10)
    workers = _children(proc.pid)
    assert workers, "no worker process ran the query"
    proc.terminate()  # SIGTERM, as `kill` sends
    assert proc.wait(10) == 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.05)
    assert not any(Path(f"/proc/{w}").exists() for w in workers)
    port = int(base.rsplit(":", 1)[1])
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))  # nothing holds the port any more
