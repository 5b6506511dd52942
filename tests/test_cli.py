"""The command line: one clear line per problem, meaningful exit codes, examples in every --help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from filmgraph.cli import main

from conftest import REPO


@pytest.fixture
def run(tmp_path):
    store = tmp_path / "store"

    def invoke(*args: str, input: bytes | None = None):
        return CliRunner().invoke(main, ["--store", str(store), *args], input=input, catch_exceptions=False)

    return invoke


def test_build_reports_bad_files_by_name_and_still_builds_the_rest(run, tmp_path, sample_dir):
    (sample_dir / "empty.txt").write_bytes(b"")
    (sample_dir / "binary.txt").write_bytes(b"\x00\x01\x02")
    (sample_dir / "latin1.md").write_bytes(b"Caf\xe9")
    result = run("--quiet", "build", str(sample_dir), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    errors = [l for l in result.stderr.splitlines() if l.startswith("filmgraph: error:")]
    assert len(errors) == 4
    assert any(l.endswith("empty.txt: empty file") for l in errors)
    assert any("binary.txt: binary file" in l for l in errors)
    assert any("latin1.md: not valid UTF-8" in l for l in errors)
    assert any("missing.txt: no such file" in l for l in errors)
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["reviews"] == 10


def test_build_from_stdin(run, seed_path):
    result = run("build", "--no-text", "-", input=seed_path.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert "1 added" in result.stderr
    assert json.loads(run("stats", "--json").stdout)["films"] == 1


def test_build_with_export_and_stats_prints_counts(run, tmp_path, sample_dir):
    out = tmp_path / "out" / "g.ttl"
    result = run("build", str(sample_dir), "--export", str(out), "--stats")
    assert result.exit_code == 0, result.stderr
    assert out.exists() and "schema:Movie" in out.read_text()
    assert "reviews" in result.stdout and "films" in result.stdout
    again = run("build", str(sample_dir))  # a review's graph depends on the review alone: nothing to redo
    assert "0 added, 0 replaced, 10 unchanged" in again.stderr
    assert "wrote 0 graph(s)" in again.stderr


def test_export_formats_from_cli(run, tmp_path, sample_dir):
    run("--quiet", "build", str(sample_dir))
    result = run("export", "--format", "trig", "-o", str(tmp_path / "g.trig"))
    assert result.exit_code == 0
    assert "GRAPH" in (tmp_path / "g.trig").read_text() or "{" in (tmp_path / "g.trig").read_text()
    stdout = run("export", "--format", "ntriples")
    assert stdout.exit_code == 0


def test_commands_on_a_missing_store_fail_with_exit_2(run):
    result = run("stats")
    assert result.exit_code == 2
    assert result.stderr.startswith("filmgraph: error: no store at")


def test_validate_exit_codes(run, tmp_path, sample_dir):
    run("--quiet", "build", str(sample_dir))
    assert run("validate").exit_code == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix schema: <https://schema.org/> .\n<http://x/film> a schema:Movie ; schema:duration 'long' .\n")
    result = run("validate", str(bad), "--report", str(tmp_path / "report.ttl"))
    assert result.exit_code == 1
    assert "a film has a name" in result.stdout
    assert (tmp_path / "report.ttl").exists()
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle {")
    result = run("validate", str(broken))
    assert result.exit_code == 2 and "cannot parse" in result.stderr


def test_every_command_has_help_with_an_example():
    for name, command in main.commands.items():
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"`filmgraph {name} --help` has no example"


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text()
    for name in main.commands:
        assert f"filmgraph {name}" in readme, f"README does not document `filmgraph {name}`"


def test_cli_runs_as_a_module_and_reports_errors_as_one_line(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run([sys.executable, "-m", "filmgraph", "--store", str(tmp_path / "s"), "export"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "Traceback" not in out.stderr


def test_reviews_lists_and_remove_drops_a_review_by_id_or_file(run, sample_dir):
    run("--quiet", "build", str(sample_dir))
    listing = run("reviews").stdout.splitlines()
    assert len(listing) == 10
    hero = next(l for l in listing if l.startswith("hero-2002-by-"))
    review_id, size, source = hero.split("\t")
    assert int(size) > 20 and source.endswith("hero-2002.txt")
    assert run("remove", review_id).exit_code == 0
    assert run("remove", str(sample_dir / "to-live-1994.txt")).exit_code == 0
    assert len(run("reviews").stdout.splitlines()) == 8
    assert json.loads(run("stats", "--json").stdout)["reviews"] == 8
    missing = run("remove", "no-such-review")
    assert missing.exit_code == 2 and "no review 'no-such-review' in the store" in missing.stderr


def test_build_names_header_labels_it_does_not_know_and_keeps_them(run, tmp_path):
    page = tmp_path / "hero.txt"
    page.write_text("Hero (2002)\nDirector: Zhang Yimou\nFilming location: Jiuzhaigou\nGenre: Wuxia\n\n"
                    "Jet Li plays Nameless, a warrior who tells the King of Qin a story.\n", encoding="utf-8")
    result = run("build", str(page), "--no-text")
    assert result.exit_code == 0
    assert "header label(s) not understood, kept as fg:HeaderField: 'Filming location'" in result.output
    assert "1 review(s) had header labels filmgraph does not know" in result.output
    rows = run("query", "PREFIX fg: <https://w3id.org/filmgraph/ontology#> "
                        "SELECT ?v WHERE { ?f fg:fieldLabel 'Filming location' ; fg:fieldValue ?v }", "--format", "csv")
    assert "Jiuzhaigou" in rows.output
