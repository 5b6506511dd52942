"""Every user mistake gets one line naming the file, setting or value and what is wrong, the
documented exit code, nothing lost, and no traceback unless --debug asks for one."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from filmgraph.cli import main

from conftest import DATA, SAMPLES

HERO = SAMPLES / "hero-2002.txt"
FILMGRAPH = Path(sys.executable).parent / "filmgraph"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run filmgraph in-process in tmp_path (its own cwd, no FILMGRAPH_* from outside)."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("FILMGRAPH_"):
            monkeypatch.delenv(key)

    def invoke(*args: str, env: dict[str, str] | None = None, store: str | None = "store"):
        prefix = ["--store", store] if store else []
        return CliRunner().invoke(main, [*prefix, *args], env=env, catch_exceptions=False)

    return invoke


def one_error_line(result, *fragments: str, exit_code: int = 2) -> str:
    """The result is exit_code with exactly one ``filmgraph: error:`` line holding every fragment."""
    assert result.exit_code == exit_code, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("filmgraph: error: ")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    return errors[0]


def build_hero(cli, *extra: str):
    result = cli("--quiet", "build", "--no-text", "--link", "off", str(HERO), *extra)
    assert result.exit_code == 0, result.stderr
    return result


# --- settings -----------------------------------------------------------------------------------


def test_config_value_of_the_wrong_type_names_file_setting_and_value(cli, tmp_path):
    (tmp_path / "filmgraph.toml").write_text('[filmgraph]\nmax_review_bytes = "big"\n')
    one_error_line(cli("stats"), "filmgraph.toml", "max_review_bytes", "'big'", "not an integer")


def test_config_string_where_a_string_is_wanted_must_be_one(cli, tmp_path):
    (tmp_path / "filmgraph.toml").write_text("[filmgraph]\nbase_iri = 5\n")
    one_error_line(cli("stats"), "base_iri", "not a string")


def test_environment_variable_of_the_wrong_type_is_named(cli):
    one_error_line(cli("stats", env={"FILMGRAPH_MAX_REVIEW_BYTES": "abc"}),
                   "environment variable FILMGRAPH_MAX_REVIEW_BYTES", "'abc'", "not an integer")


def test_malformed_toml_says_where(cli, tmp_path):
    (tmp_path / "filmgraph.toml").write_text("[filmgraph\nbase_iri = 1\n")
    one_error_line(cli("stats"), "filmgraph.toml: not valid TOML", "line 1")


def test_config_path_that_is_a_directory(cli, tmp_path):
    (tmp_path / "conf").mkdir()
    one_error_line(cli("--config", "conf", "stats"), "conf: a directory, not a settings file")


def test_config_file_that_is_not_utf8(cli, tmp_path):
    (tmp_path / "filmgraph.toml").write_bytes(b"[filmgraph]\nbase_iri = \"caf\xe9\"\n")
    one_error_line(cli("stats"), "filmgraph.toml: not UTF-8")


def test_unknown_config_key_is_refused_with_the_likely_name(cli, tmp_path):
    (tmp_path / "filmgraph.toml").write_text("[filmgraph]\nmax_review_byte = 5\n")
    one_error_line(cli("stats"), "unknown setting 'max_review_byte'", "did you mean max_review_bytes?")


def test_a_named_config_file_must_exist_the_default_need_not(cli):
    one_error_line(cli("--config", "nope.toml", "stats"), "nope.toml: no such settings file")
    assert "no store at" in cli("stats").stderr  # no filmgraph.toml here: defaults, no complaint about it


@pytest.mark.parametrize("value, problem", [("-5", "must be above zero"), ("0", "must be above zero"),
                                            ("nan", "not an integer"), ("1e400", "not an integer")])
def test_negative_zero_or_nan_limits_are_refused(cli, value, problem):
    one_error_line(cli("stats", env={"FILMGRAPH_MAX_REVIEW_BYTES": value}), "max_review_bytes", problem)


def test_nan_and_out_of_range_thresholds_are_refused(cli, tmp_path):
    one_error_line(cli("stats", env={"FILMGRAPH_LINK_THRESHOLD": "nan"}), "link_threshold", "not a finite number")
    one_error_line(cli("stats", env={"FILMGRAPH_QUERY_TIMEOUT_S": "-1"}), "query_timeout_s", "must be above zero")
    (tmp_path / "filmgraph.toml").write_text("[filmgraph]\nlink_threshold = 3\n")
    one_error_line(cli("stats"), "link_threshold", "between 0 and 1")


def test_store_at_an_ordinary_directory_writes_nothing_there(cli, tmp_path):
    mine = tmp_path / "photos"
    mine.mkdir()
    (mine / "holiday.jpg").write_bytes(b"\xff\xd8")
    result = cli("build", "--no-text", str(HERO), env={"FILMGRAPH_STORE": str(mine)}, store=None)
    one_error_line(result, "photos is a directory with other files in it, not a filmgraph store")
    assert sorted(p.name for p in mine.iterdir()) == ["holiday.jpg"]
    build_hero(cli)  # a new directory, and then that store again, are fine
    build_hero(cli)


# --- queries and exports ----------------------------------------------------------------------------


def test_bind_of_a_variable_the_query_does_not_have(cli):
    build_hero(cli)
    one_error_line(cli("query", "films-by-director", "--bind", "nosuch=1"),
                   "cannot bind ?nosuch: the query has no such variable", "?director")


def test_select_star_columns_come_in_the_query_order(cli):
    build_hero(cli)
    result = cli("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv")
    assert result.stdout.splitlines()[0] == "s,p,o"


def test_the_table_is_not_cut_when_piped(cli):
    build_hero(cli)
    long = "SELECT ?text WHERE { ?r <https://schema.org/reviewBody> ?text }"
    piped = cli("query", long).stdout  # CliRunner's stdout is not a terminal
    assert "…" not in piped and max(len(l) for l in piped.splitlines()) > 200


def test_the_table_cuts_cells_for_a_terminal():
    from filmgraph.query import QueryResult
    import pyoxigraph as ox

    r = QueryResult("select", ["x"])
    r.ox_rows.append((ox.Literal("y" * 100),))
    assert "y" * 59 + "…" in r.serialize("table", {}, cell_width=60).decode()
    assert "y" * 100 in r.serialize("table", {}).decode()


def test_unknown_export_extension_is_refused(cli, tmp_path):
    build_hero(cli)
    one_error_line(cli("export", "-o", "graph.foo"), "graph.foo", "'.foo'", "--format")
    assert not (tmp_path / "graph.foo").exists()
    assert cli("export", "-o", "graph.nt").exit_code == 0  # known ones still work


def test_export_and_report_files_respect_the_umask(cli, tmp_path):
    build_hero(cli)
    old = os.umask(0o022)
    try:
        assert cli("export", "-o", "g.ttl").exit_code == 0
        assert cli("validate", "--report", "r.ttl").exit_code == 0
        assert cli("view", "--film", "Hero", "-o", "v.html").exit_code == 0
    finally:
        os.umask(old)
    modes = {n: stat.S_IMODE((tmp_path / n).stat().st_mode) for n in ("g.ttl", "r.ttl", "v.html")}
    assert modes == {"g.ttl": 0o644, "r.ttl": 0o644, "v.html": 0o644}


def test_validate_of_a_file_that_is_not_rdf_is_one_readable_line(cli, tmp_path):
    (tmp_path / "garbage.ttl").write_text("garbage {\n")
    line = one_error_line(cli("validate", "garbage.ttl"), "cannot parse garbage.ttl as RDF", "line 1")
    assert "b'" not in line and "\\n" not in line


def test_password_is_never_in_query_endpoint_errors(cli):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    line = one_error_line(cli("query", "ASK { ?s ?p ?o }", "--endpoint", f"http://me:s3cret@127.0.0.1:{port}/sparql"),
                          "cannot reach the SPARQL endpoint", f"http://127.0.0.1:{port}/sparql")
    assert "s3cret" not in line


def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FILMGRAPH_")}
    env["PATH"] = f"{FILMGRAPH.parent}{os.pathsep}{env['PATH']}"
    return subprocess.run(["bash", "-c", f"set -o pipefail; {command}"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_broken_pipes_exit_0_quietly(cli, tmp_path):
    build_hero(cli)
    for command in ("filmgraph --store store export --format ntriples | head -1",
                    "filmgraph --store store reviews | head -0",
                    "filmgraph --store store query 'SELECT * WHERE { ?s ?p ?o }' --format tsv | head -1"):
        done = _shell(command, tmp_path)
        assert done.returncode == 0, (command, done.returncode, done.stderr)
        assert done.stderr == "", (command, done.stderr)


def test_debug_shows_the_traceback_otherwise_one_line(cli, tmp_path):
    plain = _shell("filmgraph --store nowhere stats", tmp_path)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr and len(plain.stderr.splitlines()) == 1
    for command in ("filmgraph --debug --store nowhere stats", "FILMGRAPH_DEBUG=1 filmgraph --store nowhere stats"):
        debug = _shell(command, tmp_path)
        assert debug.returncode != 0 and "Traceback" in debug.stderr and "StoreError" in debug.stderr


# --- reading directories --------------------------------------------------------------------------


def test_symlink_loop_is_called_a_loop(cli, tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    one_error_line(cli("build", "--no-text", "a"), "a: symbolic link loop", exit_code=1)


def test_empty_directory_summary_counts_no_reviews(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = cli("build", "--no-text", "empty")
    one_error_line(result, "empty: directory holds no reviews (*.txt, *.md, *.html, *.csv, ...)", exit_code=1)
    assert "built 0 review(s)" in result.stderr and "1 folder(s) unreadable or without reviews" in result.stderr


def test_no_title_warning_is_not_repeated_on_unchanged_builds(cli):
    no_title = DATA / "reader" / "no-title-line.txt"
    first = cli("build", "--no-text", "--link", "off", str(no_title))
    assert "no title line" in first.stderr
    again = cli("build", "--no-text", "--link", "off", str(no_title))
    assert "1 unchanged" in again.stderr and "no title line" not in again.stderr


def test_non_utf8_file_name_is_built_and_the_rest_still_build(cli, tmp_path):
    folder = tmp_path / "reviews"
    folder.mkdir()
    shutil.copy(SAMPLES / "to-live-1994.txt", folder / "to-live.txt")
    odd = os.fsdecode(b"hero-\xff.txt")
    shutil.copy(HERO, folder / odd)
    result = cli("build", "--no-text", "--link", "off", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "2 added" in result.stderr
    listed = cli("reviews").stdout
    assert "hero-\\xff.txt" in listed and "to-live.txt" in listed


def test_a_7kb_deep_path_is_one_line(cli, tmp_path):
    deep = "/".join(["a" * 100] * 70) + "/x.txt"
    result = cli("build", "--no-text", deep)
    one_error_line(result, "x.txt", "too long", exit_code=1)


def test_newline_in_a_file_name_keeps_the_reviews_tsv_one_line_per_review(cli, tmp_path):
    odd = tmp_path / "hero\nreview.txt"
    shutil.copy(HERO, odd)
    assert cli("--quiet", "build", "--no-text", "--link", "off", str(odd)).exit_code == 0
    lines = cli("reviews").stdout.splitlines()
    assert len(lines) == 1 and lines[0].split("\t")[2].endswith("hero\\nreview.txt")


_AS_NOBODY = """
import os, sys
import difflib, tomllib, tqdm, rdflib, pyoxigraph, encodings.utf_8_sig, encodings.idna
import filmgraph.cli, filmgraph.pipeline, filmgraph.read, filmgraph.store, filmgraph.graph, filmgraph.iris, filmgraph.stats
import gzip, json, rapidfuzz, pypinyin, filmgraph.wikidata.snapshot, filmgraph.inputs  # what the resolve step loads
import filmgraph.resolve, pkgutil, importlib
for m in pkgutil.iter_modules(filmgraph.resolve.__path__):
    importlib.import_module("filmgraph.resolve." + m.name)
if os.geteuid() == 0:  # root reads every directory: drop to nobody, everything already imported
    os.setgid(65534)
    os.setuid(65534)
filmgraph.cli.main(sys.argv[1:], prog_name="filmgraph")
"""


def _as_nobody(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run filmgraph as an unprivileged user in a fresh process (root would read every directory)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FILMGRAPH_")}
    done = subprocess.run([sys.executable, "-c", _AS_NOBODY, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stderr


@pytest.fixture
def shared_dir():
    """A directory an unprivileged user can write (tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="filmgraph-perm-"))
    path.chmod(0o777)
    yield path
    for p in path.rglob("*"):
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    shutil.rmtree(path)


def test_unreadable_subdirectory_is_reported_and_the_rest_build(shared_dir):
    reviews = shared_dir / "reviews"
    (reviews / "locked").mkdir(parents=True)
    shutil.copy(HERO, reviews / "hero.txt")
    shutil.copy(SAMPLES / "to-live-1994.txt", reviews / "locked" / "to-live.txt")
    (reviews / "locked").chmod(0o000)
    reviews.chmod(0o755)
    code, stderr = _as_nobody(["--store", "store", "build", "--no-text", "--link", "off", "reviews"], shared_dir)
    assert code == 1, stderr
    assert "filmgraph: error: reviews/locked: directory permission denied" in stderr
    assert "1 added" in stderr and "Traceback" not in stderr


def test_unreadable_directory_is_not_called_empty(shared_dir):
    (shared_dir / "locked").mkdir()
    shutil.copy(HERO, shared_dir / "locked" / "hero.txt")
    (shared_dir / "locked").chmod(0o000)
    code, stderr = _as_nobody(["--store", "store", "build", "--no-text", "--link", "off", "locked"], shared_dir)
    assert code == 1
    assert "locked: directory permission denied" in stderr and "holds no" not in stderr


# --- link -----------------------------------------------------------------------------------------


def test_link_review_totals_are_the_reviews_and_a_wrong_id_points_to_reviews(cli, tmp_path):
    build_hero(cli)
    shutil.copy(SAMPLES / "to-live-1994.txt", tmp_path / "to-live.txt")
    assert cli("--quiet", "build", "--no-text", "--link", "off", "to-live.txt").exit_code == 0
    result = cli("link", "--offline", "--review", "hero-2002-by-benedict-ong")
    assert result.exit_code == 0, result.stderr
    shown = len(result.stdout.splitlines())
    assert f"review hero-2002-by-benedict-ong: linked " in result.stderr
    assert f" of {shown} entities" in result.stderr
    one_error_line(cli("link", "--offline", "--review", "nosuch"), "no review 'nosuch'", "filmgraph reviews")
