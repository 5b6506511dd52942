"""The query guard: text too long or too deep is refused before pyoxigraph's parser can crash on it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO
from filmgraph.errors import QueryLimitError
from filmgraph.iris import Iris
from filmgraph.queryguard import MAX_QUERY_CHARS, MAX_QUERY_DEPTH, check_query, nesting_depth
from filmgraph.settings import Settings
from filmgraph.store import FilmStore


def test_nesting_depth_counts_brackets_of_every_kind():
    assert nesting_depth("SELECT * WHERE { ?s ?p [ ?q ( 1 2 ) ] FILTER((?x)) }") == 3


def test_nesting_depth_skips_strings_iris_and_comments():
    text = ('SELECT * WHERE { ?s <http://x/a(b)> "((({{{" ; ?q \'[[[\' , """\n(((\n""" # ((((\n'
            "; ?r ex:a\\( }")
    assert nesting_depth(text) == 1


def test_nesting_depth_counts_brackets_after_a_lone_quote():
    # an unterminated string is not a string: what follows it still counts
    assert nesting_depth('ASK { " ' + "(" * 80) == 81


def test_check_query_accepts_a_query_at_both_limits():
    check_query("ASK " + "{" * MAX_QUERY_DEPTH + "}" * MAX_QUERY_DEPTH)
    text = "SELECT * WHERE { ?s ?p ?o }"
    check_query(text + " " * (MAX_QUERY_CHARS - len(text)))


def test_check_query_refuses_too_deep_and_too_long_with_the_limit_named():
    with pytest.raises(QueryLimitError, match="nests brackets 65 deep; at most 64") as deep:
        check_query("ASK " + "{" * 65 + "}" * 65)
    assert deep.value.limit == "depth"
    with pytest.raises(QueryLimitError, match="at most 10,000 are allowed") as long:
        check_query("#" * (MAX_QUERY_CHARS + 1))
    assert long.value.limit == "size"


#: shapes that segfault pyoxigraph 0.5 (measured): deep nesting, and long chains of operators
HOSTILE = {
    "braces": "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "braces-6kb": "SELECT * WHERE " + "{" * 3000 + "}" * 3000,  # short enough: refused for its depth
    "parens": "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "plus-chain": "SELECT * WHERE { FILTER(1" + "+1" * 10000 + ") }",
    "union-chain": "ASK { {}" + " UNION {}" * 12000 + " }",
    "minus-chain": "ASK { ?s ?p ?o " + "MINUS{?s ?p ?o} " * 4000 + " }",
}


@pytest.fixture
def empty_store(tmp_path):
    path = tmp_path / "store"
    FilmStore.open(path, Iris(Settings().base_iri)).close()
    return path


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_query_command_refuses_hostile_shapes_with_one_line(empty_store, shape):
    # a real process: a crash would be exit code -11 (SIGSEGV), not an error message
    proc = subprocess.run([sys.executable, "-m", "filmgraph", "--store", str(empty_store), "query", HOSTILE[shape]],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 2, proc.stderr[-500:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "at most" in lines[0], proc.stderr[-500:]


def test_the_largest_accepted_chain_does_not_crash_the_parser(empty_store):
    # the margin: a chain that fills the whole length limit parses and runs
    text = "SELECT (1" + "+1" * ((MAX_QUERY_CHARS - 20) // 2) + " AS ?n) {}"
    assert len(text) <= MAX_QUERY_CHARS
    proc = subprocess.run([sys.executable, "-m", "filmgraph", "--store", str(empty_store), "query", text,
                           "--format", "csv"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.split() == ["n", str((MAX_QUERY_CHARS - 20) // 2 + 1)]
