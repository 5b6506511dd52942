"""Stage: export the store as Turtle (default), N-Triples, N-Quads, TriG, JSON-LD or RDF/XML.

Triple formats get the union of the review graphs (duplicates merged); quad formats keep one
named graph per review. Files are written atomically: a temporary file beside the target is
renamed over it only once complete, so a failed export never leaves a half-written file.

Output is deterministic (the same store, the same bytes), grouped (a subject's statements
together, so Turtle writes them as one block) and streamed, so memory stays flat however big the
store is (issue 13):

* **Turtle** of a store on disk that keeps its default graph (every store filmgraph has written
  since issue 11) is Oxigraph's own dump of that graph, which holds each data statement once:
  in the engine's index order, subject by subject, predicate by predicate. That order is a function
  of the statements alone (RocksDB keys are the terms' fixed encodings; IRIs by hash), so the
  same data gives the same bytes however and in whatever order it was written, at the speed of
  a bare dump; subjects are not in alphabetical order. ``--include-ontology`` appends the
  ontology's statements the data does not already hold, sorted.
* **Every other format**, and Turtle of an in-memory store (whose iteration order is not fixed)
  or of a store without a kept default graph: sorted. Oxigraph dumps each graph as N-Triples
  lines, which are sorted as bytes (the order of the terms' N-Triples forms) in runs of bounded
  size spilled to temporary files and merged. Line formats are written straight from the sorted
  lines; the others are parsed back and serialized by Oxigraph as one stream.
"""

from __future__ import annotations

import heapq
import io
import os
import sys
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import pyoxigraph as ox

from .errors import ExportError
from .store import FilmStore
from .vocab import prefixes_for


@dataclass(frozen=True)
class ExportFormat:
    name: str
    rdf_format: ox.RdfFormat
    extension: str
    media_type: str

    @property
    def keeps_graphs(self) -> bool:
        return self.rdf_format.supports_datasets


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("turtle", ox.RdfFormat.TURTLE, "ttl", "text/turtle"),
        ExportFormat("ntriples", ox.RdfFormat.N_TRIPLES, "nt", "application/n-triples"),
        ExportFormat("nquads", ox.RdfFormat.N_QUADS, "nq", "application/n-quads"),
        ExportFormat("trig", ox.RdfFormat.TRIG, "trig", "application/trig"),
        ExportFormat("jsonld", ox.RdfFormat.JSON_LD, "jsonld", "application/ld+json"),
        ExportFormat("xml", ox.RdfFormat.RDF_XML, "rdf", "application/rdf+xml"),
    )
}


def format_for(name: str | None, output: Path | None = None) -> ExportFormat:
    """A format by name, or guessed from the output file's extension, Turtle by default."""
    if name:
        key = name.lower().replace("-", "").replace("_", "")
        key = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "json": "jsonld", "rdfxml": "xml", "rdf": "xml"}.get(key, key)
        if key not in FORMATS:
            raise ExportError(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}")
        return FORMATS[key]
    if output is not None and str(output) != "-" and output.suffix:
        suffix = output.suffix.lower().lstrip(".")
        suffix = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "json": "jsonld", "xml": "xml"}.get(suffix, suffix)
        for f in FORMATS.values():
            if suffix in (f.extension, f.name):
                return f
        raise ExportError(f"{output}: no RDF format has the extension {output.suffix!r}; give --format "
                          f"({', '.join(FORMATS)}) or use .{', .'.join(f.extension for f in FORMATS.values())}")
    return FORMATS["turtle"]


def export(
    store: FilmStore,
    fmt: ExportFormat,
    output: Path | BinaryIO | None,
    include_ontology: bool = False,
) -> int:
    """Write the store in ``fmt`` to ``output`` (a path, a binary stream, or stdout); return the statement count."""
    try:
        if output is None or isinstance(output, (str, Path)) and str(output) == "-":
            n = _write(store, fmt, sys.stdout.buffer, include_ontology)
            sys.stdout.buffer.flush()
        elif isinstance(output, (str, Path)):
            with atomic_write(Path(output)) as fh:
                n = _write(store, fmt, fh, include_ontology)
        else:
            n = _write(store, fmt, output, include_ontology)
    except BrokenPipeError:
        raise  # the reader stopped early (`filmgraph export | head`): not an error
    except (OSError, ValueError, SyntaxError) as exc:
        raise ExportError(f"cannot write {fmt.name} to {output}: {exc}") from None
    return n


def _write(store: FilmStore, fmt: ExportFormat, out: BinaryIO, include_ontology: bool) -> int:
    if fmt.rdf_format == ox.RdfFormat.TURTLE and store.path is not None and store.keeps_default_graph:
        return _write_turtle_in_index_order(store, out, include_ontology)
    lines = sorted_quad_lines(store, include_ontology) if fmt.keeps_graphs else sorted_triple_lines(store, include_ontology)
    counted = _Counted(lines)
    if fmt.rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        buffer: list[bytes] = []
        for line in counted:
            buffer.append(line)
            if len(buffer) >= 4096:
                out.write(b"".join(buffer))
                buffer.clear()
        out.write(b"".join(buffer))
        return counted.n
    line_format = ox.RdfFormat.N_QUADS if fmt.keeps_graphs else ox.RdfFormat.N_TRIPLES
    parsed = ox.parse(io.BufferedReader(_LineReader(counted), 1 << 16), format=line_format)
    statements = parsed if fmt.keeps_graphs else (q.triple for q in parsed)
    ox.serialize(statements, out, fmt.rdf_format, prefixes=prefixes_for(store.iris.base))
    return counted.n


def _write_turtle_in_index_order(store: FilmStore, out: BinaryIO, include_ontology: bool) -> int:
    """The default graph (the data, each statement once) as Oxigraph dumps it; then, if asked, the
    ontology's statements the data does not hold, sorted. Returns the statement count."""
    prefixes = prefixes_for(store.iris.base)
    count = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", union=False)
    n = int(next(iter(count))["n"].value)
    dump_default_graph(store, out, prefixes)
    if include_ontology and _has_graph(store, store.iris.ontology_graph):
        ontology = ox.NamedNode(str(store.iris.ontology_graph))
        extra = [ox.Triple(r["s"], r["p"], r["o"]) for r in store.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH {ontology} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}", union=False)]
        extra_triples = sorted(extra, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        if extra_triples:
            out.write(b"\n")
            ox.serialize(extra_triples, out, ox.RdfFormat.TURTLE, prefixes=prefixes)
        n += len(extra_triples)
    return n


def dump_default_graph(store: FilmStore, out: BinaryIO, prefixes: dict[str, str]) -> None:
    """Oxigraph's Turtle dump of the default graph (a function of its own, so a test can make it fail)."""
    store.oxigraph.dump(out, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes)


def sorted_triple_lines(store: FilmStore, include_ontology: bool = False) -> Iterator[bytes]:
    """The data's distinct triples as sorted N-Triples lines: the store's default graph, which
    already holds each data statement once (store.py), else every data graph, deduplicated here."""
    sorter = ExternalSort(unique=True)
    if store.keeps_default_graph:
        store.oxigraph.dump(sorter, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        graphs = [str(store.iris.ontology_graph)] if include_ontology and _has_graph(store, store.iris.ontology_graph) else []
    else:
        graphs = store.data_graphs(include_ontology)
    for name in graphs:
        store.oxigraph.dump(sorter, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
    return iter(sorter)


def sorted_quad_lines(store: FilmStore, include_ontology: bool = False) -> Iterator[bytes]:
    """Every data graph's quads as N-Quads lines, sorted by graph (its ``<IRI>``), then triple;
    one graph in memory (or spilled) at a time."""
    for name in sorted(store.data_graphs(include_ontology), key=lambda g: f"<{g}>"):
        sorter = ExternalSort()
        store.oxigraph.dump(sorter, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
        suffix = f" {ox.NamedNode(name)} .\n".encode("utf-8")
        for line in sorter:
            yield line[:-3] + suffix  # "<s> <p> <o> .\n" -> "<s> <p> <o> <g> .\n"


def _has_graph(store: FilmStore, iri: object) -> bool:
    return store.oxigraph.contains_named_graph(ox.NamedNode(str(iri)))


#: how many bytes of lines are sorted in memory before a sorted run is spilled to a temporary file
RUN_BYTES = 8 << 20


class ExternalSort:
    """Sort lines (bytes) with bounded memory: a writable file for ``Store.dump``; iterate it for the
    lines in byte order (optionally without repeats). Runs of ``run_bytes`` are sorted in memory and
    spilled to temporary files, which the iteration merges."""

    def __init__(self, unique: bool = False, run_bytes: int | None = None) -> None:
        self.unique = unique
        self.run_bytes = run_bytes or RUN_BYTES
        self._chunks: list[bytes] = []
        self._size = 0
        self._tail = b""
        self._runs: list[BinaryIO] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        self._size += len(data)
        if self._size >= self.run_bytes:
            self._spill()
        return len(data)

    def flush(self) -> None:
        pass

    def _lines(self) -> list[bytes]:
        data = self._tail + b"".join(self._chunks)
        self._chunks, self._size = [], 0
        cut = data.rfind(b"\n") + 1
        self._tail = data[cut:]
        lines = data[:cut].splitlines(keepends=True)
        lines.sort()
        return lines

    def _spill(self) -> None:
        run = tempfile.TemporaryFile()
        run.writelines(self._lines())
        run.seek(0)
        self._runs.append(run)

    def __iter__(self) -> Iterator[bytes]:
        last = self._lines()
        if self._tail:
            raise ValueError("the dump did not end with a newline")
        merged: Iterable[bytes] = heapq.merge(*self._runs, last) if self._runs else last
        previous = None
        try:
            for line in merged:
                if self.unique and line == previous:
                    continue
                previous = line
                yield line
        finally:
            for run in self._runs:
                run.close()
            self._runs = []


class _Counted:
    """Counts the lines that pass through."""

    def __init__(self, lines: Iterable[bytes]) -> None:
        self.lines = iter(lines)
        self.n = 0

    def __iter__(self) -> Iterator[bytes]:
        for line in self.lines:
            self.n += 1
            yield line


class _LineReader(io.RawIOBase):
    """A readable binary stream over an iterator of lines (for ``pyoxigraph.parse``)."""

    def __init__(self, lines: Iterable[bytes]) -> None:
        self.lines = iter(lines)
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        size = len(buffer)
        parts, have = [self.pending], len(self.pending)
        while have < size:
            line = next(self.lines, None)
            if line is None:
                break
            parts.append(line)
            have += len(line)
        data = b"".join(parts)
        buffer[: min(size, len(data))] = data[:size]
        self.pending = data[size:]
        return min(size, len(data))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_write(path: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at ``path`` only if the block completes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes it 0600; a new file gets the usual mode
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
