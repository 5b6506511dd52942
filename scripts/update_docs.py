#!/usr/bin/env python3
"""Run every ```console block in README.md and docs/*.md and write what the commands really print.

    python scripts/update_docs.py            # rewrite the outputs in place
    python scripts/update_docs.py --check    # exit 1 and show a diff where a document is stale

Each block runs in a fresh copy of the state `scripts/demo.sh` leaves (the bundled reviews built
into .filmgraph/store, out/filmgraph.ttl, out/zhang-yimou.html), in a temporary directory, with
the `filmgraph` of this Python environment first on PATH and no FILMGRAPH_* variables set. Its
`$ ` lines (with `\\` or open-quote continuation lines) are the commands; the lines up to the
next `$ ` are what that command prints, stdout and stderr together. A line `...` in the output
stands for any number of lines: the document shows the first and last lines around it, and
regeneration keeps that shape.

An HTML comment on the line before a block changes how it runs:

    <!-- docs: not run: REASON -->        never run (a server, the network, a benchmark); REASON says why
    <!-- docs: from scratch -->           start with no store and no out/ (only the bundled data)
    <!-- docs: setup: SHELL COMMANDS -->  run these first, unseen (create the files the example names)

Both may be combined on one line: `<!-- docs: from scratch; setup: ... -->`.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: what a fresh clone's documentation is made of
DOCUMENTS = ("README.md", "docs/*.md")
#: copied into each block's working directory (the repository's read-only inputs)
BUNDLED = ("data", "queries", "tests/data")
ELLIPSIS = "..."
SENTINEL = "@@filmgraph-docs-command@@"
MARKER = re.compile(r"^<!--\s*docs:\s*(?P<body>.*?)\s*-->\s*$")


@dataclass
class Command:
    text: str  # as written, continuation lines included
    expected: list[str]  # the output lines the document shows
    blank_after: bool = False  # the document leaves a blank line after the output


@dataclass
class Block:
    path: Path
    start: int  # index of the ```console line
    end: int  # index of the closing ``` line
    commands: list[Command]
    not_run: str | None = None
    from_scratch: bool = False
    setup: str | None = None
    leading: list[str] = field(default_factory=list)  # output-like lines before the first $ (a progress bar)

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO) if self.path.is_relative_to(REPO) else self.path}:{self.start + 1}"


def documents(repo: Path = REPO) -> list[Path]:
    found: list[Path] = []
    for pattern in DOCUMENTS:
        found.extend(sorted(repo.glob(pattern)))
    return found


def _complete(command: str) -> bool:
    if command.endswith("\\"):
        return False
    try:
        shlex.split(command, comments=True)
    except ValueError:  # an open quote: the command goes on on the next line
        return False
    return True


def parse_blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```console":
            i += 1
            continue
        start = i
        end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
        block = Block(path, start, end, [])
        m = MARKER.match(lines[start - 1]) if start > 0 else None
        if m:
            for part in (p.strip() for p in re.split(r";\s*(?=not run|from scratch|setup:)", m.group("body"))):
                if part.startswith("not run"):
                    block.not_run = part.partition(":")[2].strip() or "no reason given"
                elif part == "from scratch":
                    block.from_scratch = True
                elif part.startswith("setup:"):
                    block.setup = part.partition(":")[2].strip()
                elif part:
                    raise ValueError(f"{path}:{start}: unknown docs marker {part!r}")
        body = lines[start + 1:end]
        j = 0
        while j < len(body):
            line = body[j]
            if not line.startswith("$ "):
                if block.commands:
                    block.commands[-1].expected.append(line)
                else:
                    block.leading.append(line)
                j += 1
                continue
            text = line
            while not _complete(text[2:]) and j + 1 < len(body):
                j += 1
                text += "\n" + body[j]
            block.commands.append(Command(text, []))
            j += 1
        for c in block.commands:
            while c.expected and c.expected[-1] == "":
                c.expected.pop()
                c.blank_after = True
        blocks.append(block)
        i = end + 1
    return blocks


# --- running -----------------------------------------------------------------------------------


def _environment(bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FILMGRAPH_")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", COLUMNS="100", LC_ALL="C.UTF-8",
               TZ="UTC", PYTHONWARNINGS="ignore")
    env.pop("VIRTUAL_ENV", None)
    return env


def _bin_dir() -> Path:
    """The directory of this environment's `filmgraph` script (the one tests and the demo use)."""
    here = Path(sys.executable).parent
    if (here / "filmgraph").exists():
        return here
    found = shutil.which("filmgraph")
    if found is None:
        raise SystemExit("no filmgraph on PATH: install it (bash scripts/demo.sh) first")
    return Path(found).parent


def demo_commands(repo: Path = REPO) -> list[str]:
    """The filmgraph commands of scripts/demo.sh: the documented state is exactly what the demo leaves."""
    prefix = ".venv/bin/filmgraph "
    text = (repo / "scripts" / "demo.sh").read_text(encoding="utf-8")
    return ["filmgraph " + line[len(prefix):] for line in text.splitlines() if line.startswith(prefix)]


def make_base(root: Path, repo: Path = REPO) -> Path:
    """A directory holding the bundled inputs, and one holding the demo's result beside it."""
    scratch = root / "scratch"
    for rel in BUNDLED:
        shutil.copytree(repo / rel, scratch / rel)
    demo = root / "demo"
    shutil.copytree(scratch, demo)
    env = _environment(_bin_dir())
    for command in demo_commands(repo):
        done = subprocess.run(["bash", "-c", command], cwd=demo, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the demo's `{command}` failed ({done.returncode}):\n{done.stderr}")
    return root


def run_block(block: Block, base: Path, work: Path) -> list[list[str]]:
    """Run the block's commands in a fresh copy of the base state; the output lines of each."""
    source = base / ("scratch" if block.from_scratch else "demo")
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(source, work, symlinks=True)
    script = ["exec 2>&1"]
    if block.setup:
        script.append(f"{{ {block.setup} ; }} >/dev/null")
    for c in block.commands:
        script.append(f"__rc=$?; echo {SENTINEL}; (exit $__rc)")
        script.append(c.text[2:])
    script.append(f"echo {SENTINEL}")
    # its own process group: a server the block starts in the background (`... &`) is stopped with it
    proc = subprocess.Popen(["bash", "-c", "\n".join(script)], cwd=work, env=_environment(_bin_dir()),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, errors="replace",
                            start_new_session=True)
    try:
        stdout, _ = proc.communicate(timeout=600)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        proc.wait()
    chunks = stdout.split(SENTINEL + "\n")[1:]
    shutil.rmtree(work, ignore_errors=True)
    outputs = [_clean(chunk, work) for chunk in chunks[:len(block.commands)]]
    while len(outputs) < len(block.commands):
        outputs.append(["(the block stopped before this command)"])
    return outputs


def _clean(chunk: str, work: Path) -> list[str]:
    """The output as a reader would see it anywhere: no temporary or checkout paths."""
    text = chunk
    for where in (work, REPO):
        text = text.replace(str(where) + "/", "").replace(str(where), ".")
    lines = [l.rstrip() for l in text.split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


# --- comparing and rewriting -------------------------------------------------------------------


def _segments(expected: list[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for line in expected:
        if line == ELLIPSIS:
            parts.append([])
        else:
            parts[-1].append(line)
    return parts


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether the shown output is the real one, a `...` line standing for any lines."""
    parts = _segments(expected)
    if len(parts) == 1:
        return expected == actual
    head, *middle, tail = parts
    if actual[:len(head)] != head or len(actual) < len(head) + len(tail):
        return False
    if tail and actual[len(actual) - len(tail):] != tail:
        return False
    pos, stop = len(head), len(actual) - len(tail)
    for part in middle:
        while pos + len(part) <= stop and actual[pos:pos + len(part)] != part:
            pos += 1
        if pos + len(part) > stop:
            return False
        pos += len(part)
    return True


def reshape(expected: list[str], actual: list[str]) -> list[str]:
    """The real output, cut like the document cuts it (its first and last lines around `...`)."""
    parts = _segments(expected)
    if len(parts) == 1:
        return actual
    head, tail = len(parts[0]), len(parts[-1])
    if len(actual) <= head + tail:
        return actual
    return actual[:head] + [ELLIPSIS] + (actual[len(actual) - tail:] if tail else [])


def render(block: Block, outputs: list[list[str]]) -> list[str]:
    lines = ["```console", *block.leading]
    for c, out in zip(block.commands, outputs):
        lines.extend(c.text.split("\n"))
        lines.extend(reshape(c.expected, out))
        if c.blank_after:
            lines.append("")
    while lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines + ["```"]


def update(paths: list[Path], check: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="filmgraph-docs-") as tmp:
        base = make_base(Path(tmp))
        stale = 0
        for path in paths:
            original = path.read_text(encoding="utf-8")
            lines = original.split("\n")
            for block in reversed(parse_blocks(path)):
                if block.not_run is not None or not block.commands:
                    continue
                outputs = run_block(block, base, Path(tmp) / "work")
                lines[block.start:block.end + 1] = render(block, outputs)
            new = "\n".join(lines)
            if new != original:
                stale += 1
                if check:
                    sys.stdout.writelines(difflib.unified_diff(
                        original.splitlines(True), new.splitlines(True), f"{path} (document)", f"{path} (real run)"))
                else:
                    path.write_text(new, encoding="utf-8")
                    print(f"updated {path.relative_to(REPO)}")
    if check and stale:
        print(f"{stale} document(s) stale: run python scripts/update_docs.py", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 with a diff if stale")
    parser.add_argument("files", nargs="*", type=Path, help="documents [default: README.md docs/*.md]")
    args = parser.parse_args(argv)
    return update([p.resolve() for p in args.files] or documents(), args.check)


if __name__ == "__main__":
    sys.exit(main())
