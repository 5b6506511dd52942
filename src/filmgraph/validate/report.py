"""What validation found, as plain rows, and the pySHACL reference.

``validate_graph`` checks one rdflib graph with pySHACL and returns a ``ValidationResult``; the CLI
maps it to exit codes 0 (conforms), 1 (does not) and 2 (could not run), as pySHACL's own CLI does.
``Finding`` is one result (node, shape, path, constraint, value, message, and the graph it came
from), whichever engine found it; ``StoreValidation`` is what a store's validation returns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef

from ..errors import ValidationSetupError
from ..vocab import FG, ONTOLOGY_FILE, SHAPES_FILE

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    text: str
    results_graph: Graph
    #: the shapes it was checked against (the report's property shapes are blank nodes of it)
    shapes: Graph | None = None

    def findings(self) -> list["Finding"]:
        return findings(self.results_graph, self.shapes if self.shapes is not None else Graph())


def validate_graph(data: Graph, shapes_file: Path = SHAPES_FILE) -> ValidationResult:
    shapes, ontology = _load_shapes(shapes_file)
    conforms, results, text = _run_pyshacl(data, shapes, ontology)
    return ValidationResult(bool(conforms), str(text), results, shapes)


def _load_shapes(shapes_file: Path = SHAPES_FILE) -> tuple[Graph, Graph]:
    try:
        shapes = Graph().parse(shapes_file, format="turtle")
        ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    except Exception as exc:  # a broken shapes file is a setup problem, not a data problem
        raise ValidationSetupError(f"cannot load SHACL shapes from {shapes_file}: {exc}") from None
    return shapes, ontology


def _run_pyshacl(data: Graph, shapes: Graph, ontology: Graph, inplace: bool = False):
    try:
        import pyshacl

        return pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                advanced=True, inplace=inplace)
    except Exception as exc:
        raise ValidationSetupError(f"SHACL validation could not run: {exc}") from None


# --- results as plain rows -------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Finding:
    """One SHACL result: the node, the (named) shape and path it broke, and the graph it came from."""

    focus: str
    shape: str
    path: str
    constraint: str
    value: str
    message: str
    graph: str = ""

    def key(self) -> tuple[str, str, str, str, str]:
        """What identifies the result whichever way it was validated (not the graph, not the message)."""
        return (self.focus, self.shape, self.path, self.constraint, self.value)

    def line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        value = f" (value {self.value})" if self.value else ""
        return f"{self.graph or '-'}: {self.focus}: {self.shape} {where}{self.message}{value}"


def findings(results: Graph, shapes: Graph) -> list[Finding]:
    """The results of a pySHACL report as ``Finding`` rows (property shapes named by their node shape)."""
    out = []
    top = {r for report in results.subjects(RDF.type, SH.ValidationReport) for r in results.objects(report, SH.result)}
    for r in top:  # (not the sh:detail results nested in them)
        shape = results.value(r, SH.sourceShape)
        named = shape
        if isinstance(shape, BNode):
            named = shapes.value(predicate=SH.property, object=shape) or shape
        message = results.value(r, SH.resultMessage)
        out.append(Finding(
            focus=str(results.value(r, SH.focusNode)),
            shape=str(named) if not isinstance(named, BNode) else "(unnamed shape)",
            path=_path_text(results, results.value(r, SH.resultPath)),
            constraint=str(results.value(r, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1],
            value=_term_text(results.value(r, SH.value)),
            message=str(message) if message is not None else "",
        ))
    return sorted(out)


def _term_text(term: object) -> str:
    if term is None or isinstance(term, BNode):
        return ""
    return term.n3() if isinstance(term, Literal) else str(term)


def _path_text(g: Graph, path: object) -> str:
    """A SHACL path as report text: an IRI, ``a / b`` (a sequence), ``a | b`` (alternatives), ``^a``."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return str(path)
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        return " | ".join(_path_text(g, p) for p in g.items(alternatives))
    inverse = g.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(g, inverse)
    for prop, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = g.value(path, prop)
        if inner is not None:
            return f"({_path_text(g, inner)}){mark}"
    items = list(g.items(path))
    return " / ".join(_path_text(g, p) for p in items) if items else ""


# --- a store, one graph at a time ---------------------------------------------------------------


@dataclass
class StoreValidation:
    """What ``validate_store`` found: the results, and how much work the cache saved."""

    findings: list[Finding] = field(default_factory=list)
    graphs: int = 0
    checked: int = 0
    cached: int = 0
    focus_nodes: int = 0
    #: which engine ran: "sparql" (the compiled shapes) or "pyshacl"
    engine: str = "pyshacl"
    #: why the compiled shapes were not used, when they were not
    fallback: str = ""

    @property
    def conforms(self) -> bool:
        return not self.findings

    def text(self) -> str:
        head = (f"Conforms: {self.conforms}\nResults ({len(self.findings)}), one line each: graph: node: "
                "shape path: message\n")
        return head + "".join(f.line() + "\n" for f in self.findings)

    def results_graph(self) -> Graph:
        """The findings as a SHACL validation report graph (what ``--report`` writes)."""
        g = Graph()
        g.bind("sh", SH)
        report = BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
        for i, f in enumerate(self.findings):
            r = BNode(f"r{i}")
            g.add((report, SH.result, r))
            g.add((r, RDF.type, SH.ValidationResult))
            g.add((r, SH.focusNode, URIRef(f.focus)))
            g.add((r, SH.sourceShape, URIRef(f.shape)) if f.shape.startswith("http") else (r, SH.sourceShape, Literal(f.shape)))
            g.add((r, SH.sourceConstraintComponent, SH[f.constraint]))
            g.add((r, SH.resultSeverity, SH.Violation))
            g.add((r, SH.resultMessage, Literal(f.message)))
            g.add((r, FG.inReview if f.graph else SH.detail, URIRef(f.graph) if f.graph else Literal("-")))
        return g


def shapes_key(shapes_file: Path = SHAPES_FILE) -> str:
    """What every cached verdict depends on besides the graph: the shapes and the ontology."""
    h = hashlib.sha256()
    for path in (shapes_file, ONTOLOGY_FILE):
        h.update(path.read_bytes())
        h.update(b"\x00")
    return h.hexdigest()


def _graph_keys(store, key: str, graphs: list[str]) -> dict[str, str]:
    """Each graph's validation key: its build key with the shapes' (or, for a graph built behind
    filmgraph's back, without a build key, a digest of its content)."""
    built = {s.graph_iri: s.build_key for s in store.stored_graphs()}
    out = {}
    for graph in graphs:
        part = built.get(graph)
        if part is None:
            lines = sorted(f"{q.triple}" for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
            part = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
        out[graph] = hashlib.sha256(f"{key}\x00{part}".encode("utf-8")).hexdigest()
    return out


#: a graph's cached verdict is recorded about ``<graph IRI>#shacl-verdict``: not about the graph
#: itself, whose bookkeeping each rewrite replaces, so a verdict outlives its graph and the next
#: run sees that the graph is gone
VERDICT = "#shacl-verdict"

