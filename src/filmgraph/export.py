"""Stage: export the store as Turtle (default), N-Triples, N-Quads, TriG, JSON-LD or RDF/XML.

Triple formats get the union of the review graphs (duplicates merged); quad formats keep one
named graph per review. Files are written atomically: a temporary file beside the target is
renamed over it only once complete, so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import os
import sys
import tempfile
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
    graphs = store.data_graphs(include_ontology)
    prefixes = prefixes_for(store.iris.base)
    # Sorted, so that the same store always exports the same bytes and subjects group together.
    if fmt.keeps_graphs:
        items: list = sorted(store.quads(graphs), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    else:
        items = sorted(set(q.triple for q in store.quads(graphs)), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    try:
        if output is None or isinstance(output, (str, Path)) and str(output) == "-":
            ox.serialize(items, sys.stdout.buffer, fmt.rdf_format, prefixes=prefixes)
            sys.stdout.buffer.flush()
        elif isinstance(output, (str, Path)):
            with atomic_write(Path(output)) as fh:
                ox.serialize(items, fh, fmt.rdf_format, prefixes=prefixes)
        else:
            ox.serialize(items, output, fmt.rdf_format, prefixes=prefixes)
    except BrokenPipeError:
        raise  # the reader stopped early (`filmgraph export | head`): not an error
    except (OSError, ValueError) as exc:
        raise ExportError(f"cannot write {fmt.name} to {output}: {exc}") from None
    return len(items)


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
