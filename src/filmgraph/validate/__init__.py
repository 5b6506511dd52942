"""SHACL validation against ``ontology/shapes.ttl``: of a graph (pySHACL), or of a whole store.

A store is validated by the shapes compiled to SPARQL (``compile.py``, run by ``engine.py``): a few
dozen engine queries over the default graph, cached per graph and re-run after a change only for
the focus nodes it may have touched. Shapes that use SHACL the compiler does not translate send the
store to pySHACL instead, one graph at a time (``pyshacl_store.py``), and the result says why.
Both give whole-graph pySHACL's findings (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..vocab import SHAPES_FILE
from .compile import UnsupportedShape
from .report import SH, Finding, StoreValidation, ValidationResult, findings, shapes_key, validate_graph

__all__ = ["SH", "Finding", "StoreValidation", "ValidationResult", "findings", "shapes_key", "validate_graph",
           "validate_store"]


def validate_store(store, *, workers: int = 1, use_cache: bool = True, chunk_size: int = 25,
                   shapes_file: Path = SHAPES_FILE, engine: str = "auto",
                   on_progress: Callable[[int], None] | None = None) -> StoreValidation:
    """Validate every data graph of ``store`` (reviews, links, Wikidata) against the shapes; reuse
    cached verdicts that still hold; cache the new ones when the store is writable.

    ``engine``: "auto" (the compiled shapes, or pySHACL if they cannot be compiled), "sparql" (raise
    ``UnsupportedShape`` instead) or "pyshacl" (one graph at a time, over ``workers`` processes in
    chunks of ``chunk_size`` graphs)."""
    fallback = ""
    if engine in ("auto", "sparql"):
        from .engine import validate_compiled

        _ = shapes_file  # a broken shapes file fails in either engine, before any work
        try:
            return validate_compiled(store, use_cache=use_cache, shapes_file=shapes_file, on_progress=on_progress)
        except UnsupportedShape as exc:
            if engine == "sparql":
                raise
            fallback = str(exc)
    from .pyshacl_store import validate_store as validate_with_pyshacl

    out = validate_with_pyshacl(store, workers=workers, use_cache=use_cache, chunk_size=chunk_size,
                                shapes_file=shapes_file, on_progress=on_progress)
    out.fallback = fallback
    return out
