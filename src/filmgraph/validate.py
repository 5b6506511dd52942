"""SHACL validation of a graph against ``ontology/shapes.ttl`` (pySHACL).

Returns ``(conforms, report_text)``; the CLI maps it to exit codes 0 (conforms), 1 (does not)
and 2 (could not run), as pySHACL's own CLI does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .errors import ValidationSetupError
from .vocab import ONTOLOGY_FILE, SHAPES_FILE


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    text: str
    results_graph: Graph


def validate_graph(data: Graph, shapes_file: Path = SHAPES_FILE) -> ValidationResult:
    try:
        import pyshacl

        shapes = Graph().parse(shapes_file, format="turtle")
        ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    except Exception as exc:  # a broken shapes file is a setup problem, not a data problem
        raise ValidationSetupError(f"cannot load SHACL shapes from {shapes_file}: {exc}") from None
    try:
        conforms, results, text = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True
        )
    except Exception as exc:
        raise ValidationSetupError(f"SHACL validation could not run: {exc}") from None
    return ValidationResult(bool(conforms), str(text), results)
