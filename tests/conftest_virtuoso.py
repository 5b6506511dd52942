"""A real Virtuoso Open Source server for the remote-store tests, started once per session.

Import the ``virtuoso`` fixture into a test module (``from conftest_virtuoso import virtuoso``).

It runs on free ports on 127.0.0.1 with a throwaway database in a temporary directory, and is
stopped (and its files removed) afterwards. Writes go through the authenticated endpoints
(``/sparql-auth`` and ``/sparql-graph-crud-auth``, HTTP Digest) as a user created here with the
``SPARQL_UPDATE`` role, exactly as ``docs/remote.md`` tells a user to set one up.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
VAD_DIR = Path("/usr/share/virtuoso-opensource-7/vad")
VSP_DIR = Path("/var/lib/virtuoso-opensource-7/vsp")

USER, PASSWORD = "filmgraph", "s3cret-Pa55word"


@dataclass(frozen=True)
class VirtuosoServer:
    http: str          # http://127.0.0.1:PORT
    sql_port: int
    user: str
    password: str
    log: Path

    @property
    def sparql(self) -> str:
        """Anonymous, read-only SPARQL endpoint."""
        return f"{self.http}/sparql"

    @property
    def sparql_auth(self) -> str:
        """Authenticated SPARQL endpoint: queries and updates."""
        return f"{self.http}/sparql-auth"

    @property
    def graph_store(self) -> str:
        """Authenticated SPARQL 1.1 Graph Store HTTP Protocol endpoint."""
        return f"{self.http}/sparql-graph-crud-auth"

    def isql(self, sql: str) -> str:
        proc = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF",
                               "ERRORS=STDOUT", f"EXEC={sql}"], capture_output=True, text=True, timeout=60)
        if proc.returncode != 0 or "*** Error" in proc.stdout:
            raise RuntimeError(f"isql failed: {proc.stdout} {proc.stderr}")
        return proc.stdout

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        r = requests.post(self.sparql, data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
        r.raise_for_status()
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    def graphs(self, prefix: str) -> dict[str, int]:
        """Triples per named graph, for the graphs whose IRI starts with ``prefix``."""
        q = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
             f"FILTER(STRSTARTS(STR(?g), \"{prefix}\")) }} GROUP BY ?g")
        r = requests.post(self.sparql, data={"query": q}, headers={"Accept": "application/sparql-results+json"},
                          timeout=30)
        r.raise_for_status()
        return {b["g"]["value"]: int(b["n"]["value"]) for b in r.json()["results"]["bindings"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql}
DisableUnixSocket        = 1
MaxClientConnections     = 10
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., {d}, {vad}
VADInstallDir            = {vad}/
NumberOfBuffers          = 40000
MaxDirtyBuffers          = 30000

[HTTPServer]
ServerPort               = 127.0.0.1:{http}
ServerRoot               = {vsp}
MaxClientConnections     = 10
ServerThreads            = 10
Charset                  = UTF-8
EnabledGzipContent       = 0

[SPARQL]
ResultSetMaxRows         = 1000000
MaxQueryExecutionTime    = 120
"""


def start_virtuoso(workdir: Path) -> tuple[subprocess.Popen, VirtuosoServer]:
    sql, http = _free_port(), _free_port()
    (workdir / "virtuoso.ini").write_text(INI.format(d=workdir, sql=sql, http=http, vad=VAD_DIR, vsp=VSP_DIR))
    log = workdir / "stdout.log"
    proc = subprocess.Popen([VIRTUOSO, "-f", "+configfile", str(workdir / "virtuoso.ini")],
                            cwd=workdir, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = VirtuosoServer(f"http://127.0.0.1:{http}", sql, USER, PASSWORD, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if requests.get(server.sparql, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except requests.exceptions.ConnectionError:
            pass
        time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError(f"Virtuoso did not come up in 90 s: {log.read_text()[-2000:]}")
    # a user that may write (the docs' recipe): SPARQL_UPDATE role, read/write on all graphs
    server.isql(f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}'); GRANT SPARQL_UPDATE TO \"{USER}\"; "
                f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{USER}', 3);")
    return proc, server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory) -> VirtuosoServer:
    if VIRTUOSO is None or ISQL is None:
        pytest.skip("virtuoso-t / isql-vt not installed (Debian package virtuoso-opensource)")
    workdir = tmp_path_factory.mktemp("virtuoso")
    proc, server = start_virtuoso(workdir)
    try:
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
