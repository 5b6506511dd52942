"""Executable docs: every console block in README.md and docs/*.md, and every --help example, runs.

The outputs shown in the documents are compared with a real run on the bundled data (in the
state scripts/demo.sh leaves); `python scripts/update_docs.py` rewrites them when they drift.
The demo state is built once per test session.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from filmgraph.cli import main

from conftest import REPO

_spec = importlib.util.spec_from_file_location("update_docs", REPO / "scripts" / "update_docs.py")
docs = importlib.util.module_from_spec(_spec)
sys.modules["update_docs"] = docs  # dataclasses look their module up
_spec.loader.exec_module(docs)  # type: ignore[union-attr]

BLOCKS = [b for path in docs.documents() for b in docs.parse_blocks(path)]
RUN_BLOCKS = [b for b in BLOCKS if b.not_run is None and b.commands]


@pytest.fixture(scope="session")
def docs_base(tmp_path_factory) -> Path:
    """The bundled data, and the state the demo leaves, built once for every doc test."""
    return docs.make_base(tmp_path_factory.mktemp("docs-base"))


@pytest.mark.parametrize("block", RUN_BLOCKS, ids=[b.where for b in RUN_BLOCKS])
def test_documented_console_output_is_what_the_commands_print(block, docs_base, tmp_path):
    outputs = docs.run_block(block, docs_base, tmp_path / "work")
    stale = [(c, out) for c, out in zip(block.commands, outputs) if not docs.matches(c.expected, out)]
    report = "\n\n".join(f"{c.text}\n--- document\n" + "\n".join(c.expected) + "\n--- real run\n"
                         + "\n".join(docs.reshape(c.expected, out)) for c, out in stale)
    assert not stale, f"{block.where} is stale (run: python scripts/update_docs.py):\n{report}"


def test_every_block_left_unrun_says_why():
    unrun = [b for b in BLOCKS if b.not_run is not None]
    assert unrun, "the Virtuoso and server blocks are marked"
    assert all(b.not_run and b.not_run != "no reason given" for b in unrun), [b.where for b in unrun]


def test_the_output_check_catches_a_changed_line_and_allows_an_ellipsis():
    real = ["header", "row 1", "row 2", "row 3", "(3 rows)"]
    assert docs.matches(["header", "...", "(3 rows)"], real)
    assert docs.matches(real, real)
    assert not docs.matches(["header", "row 1", "row 2", "(3 rows)"], real)
    assert not docs.matches(["header", "...", "(2 rows)"], real)
    assert docs.reshape(["header", "row 1", "...", "(9 rows)"], real) == ["header", "row 1", "...", "(3 rows)"]


def test_a_command_continued_over_lines_is_one_command(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("```console\n$ filmgraph query 'SELECT ?s WHERE {\n  ?s ?p ?o }'\nout\n$ echo \\\n  two\ntwo\n```\n")
    (block,) = docs.parse_blocks(doc)
    assert [c.text for c in block.commands] == ["$ filmgraph query 'SELECT ?s WHERE {\n  ?s ?p ?o }'",
                                                "$ echo \\\n  two"]
    assert [c.expected for c in block.commands] == [["out"], ["two"]]


def test_demo_script_runs_the_commands_the_documents_start_from():
    assert docs.demo_commands()[0].startswith("filmgraph build data/reviews")


# --- --help examples -------------------------------------------------------------------------------

#: examples that cannot run here, each with the reason
NOT_RUN = {
    "filmgraph build data/reviews --store http://localhost:8890/sparql-auth --user dba": "needs a SPARQL server",
    'FILMGRAPH_USER_AGENT="mytool/1.0 (me@example.org)" filmgraph link --report out/links.json': "goes online",
    "filmgraph wikidata snapshot --from ../shared/wikidata": "needs ../shared/wikidata beside the repository",
    "filmgraph wikidata snapshot --from ../shared/wikidata --out data/wikidata":
        "needs ../shared/wikidata beside the repository",
    "filmgraph wikidata import my-films.json": "a file of your own",
    'curl -A "me (me@example.org)" "https://www.wikidata.org/w/api.php?action=wbgetentities&ids=Q55430&format=json"'
    " > zy.json": "goes online",
    "filmgraph wikidata import zy.json": "the file the curl above downloads",
    "filmgraph query collaborators --endpoint http://127.0.0.1:7878/sparql": "asks a running filmgraph serve",
    "filmgraph serve": "runs until Ctrl-C",
    "FILMGRAPH_UPDATE_TOKEN=s3cret filmgraph serve --allow-update": "runs until Ctrl-C",
    "filmgraph serve --port 8890 --timeout 5 --max-rows 50000": "runs until Ctrl-C",
    "curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' http://127.0.0.1:7878/sparql":
        "asks a running filmgraph serve",
}


def _examples() -> list[tuple[str, str]]:
    """(command path, example) for every example line in every --help."""
    found: list[tuple[str, str]] = []

    def walk(cmd: click.Command, names: list[str]) -> None:
        ctx = click.Context(cmd, info_name=" ".join(names))
        lines = cmd.get_help(ctx).splitlines()
        inside = False
        pending = ""
        for line in lines:
            if line.strip() in ("Example:", "Examples:", "Quick start:"):
                inside = True
                continue
            if inside and (not line.startswith("  ") or not line.strip()):
                inside = False
            if inside:
                text = pending + line.strip()
                if text.endswith("\\"):
                    pending = text[:-1].rstrip() + " "
                    continue
                pending = ""
                found.append((" ".join(names), text))
        if isinstance(cmd, click.Group):
            for name, sub in sorted(cmd.commands.items()):
                walk(sub, [*names, name])

    walk(main, ["filmgraph"])
    return found


EXAMPLES = _examples()
# every push example needs a SPARQL server
RUN_EXAMPLES = [e for e in EXAMPLES if e[1] not in NOT_RUN and "filmgraph push" not in e[1]]


def test_every_command_has_an_example_and_every_exemption_is_still_an_example():
    documented = {name for name, _ in EXAMPLES}
    commands = {"filmgraph"} | {f"filmgraph {n}" for n in main.commands}
    assert commands <= documented, sorted(commands - documented)
    texts = {text for _, text in EXAMPLES}
    assert set(NOT_RUN) <= texts, sorted(set(NOT_RUN) - texts)


@pytest.mark.parametrize("example", [e[1] for e in RUN_EXAMPLES], ids=[e[1][:70] for e in RUN_EXAMPLES])
def test_help_example_runs(example, docs_base, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(docs_base / "demo", work, symlinks=True)
    done = subprocess.run(["bash", "-c", example], cwd=work, env=docs._environment(docs._bin_dir()),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"`{example}` exited {done.returncode}:\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr
