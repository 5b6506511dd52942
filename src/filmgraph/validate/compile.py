"""SHACL Core shapes compiled to SPARQL queries that the store's engine runs (issue 13).

pySHACL on a big store is slow (pySHACL #237), and even one pySHACL run per review costs ~80 ms.
The shapes filmgraph uses are SHACL Core (targets, property paths, cardinality, value type, value
range, string, list and logical constraints), and each of those is a question SPARQL answers: "which
focus nodes (and value nodes) break this constraint?". ``compile_shapes`` turns every constraint of
every shape with a target into one such query over the default graph (the union of the data
graphs), so validating a whole store is a few dozen engine queries; with ``VALUES ?f { ... }``
the same queries check only the focus nodes a change may have touched.

A query reports what pySHACL's top-level results report: the focus node, the (named) shape, the
path, the constraint component and the value node (none for cardinality and ``sh:hasValue``, the
focus node itself for a node shape's own constraints). Nested shapes (``sh:node``, ``sh:or``,
``sh:and``, ``sh:not``, ``sh:xone``) become ``EXISTS`` expressions, as pySHACL only checks whether
a value node conforms to them. Anything else (SPARQL constraints, ``sh:closed``, property pairs,
qualified shapes, severities other than violation, ...) raises ``UnsupportedShape``: the store is
then validated by pySHACL instead (the reference; tests compare the two).

Alongside its checks, each shape says which nodes its verdict on a focus node reads (``Reads``):
the focus node, the nodes its paths step from, and the value nodes whose types (``sh:class``) or
own properties (nested shapes) it looks at. A change that touches none of them cannot change
that focus node's verdict.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..errors import ValidationSetupError
from .report import _path_text

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")

#: the placeholder each query has where ``VALUES ?f { ... }`` goes to check only some focus nodes
FOCUS = "#FOCUS#"

#: datatypes Oxigraph can cast to, so an ill-formed literal (``"abc"^^xsd:integer``) fails
#: ``sh:datatype`` as in pySHACL; other datatypes are compared by name only
CASTABLE = {XSD + t for t in ("string", "boolean", "float", "double", "decimal", "integer", "dateTime",
                              "date", "time", "duration", "yearMonthDuration", "dayTimeDuration", "gYear")}

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
VALUE_PARAMETERS = (SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.pattern, SH.minInclusive,
                    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength,
                    SH.node, SH["or"], SH["and"], SH["not"], SH.xone)
#: what a shape may say besides its constraints (anything else in sh: is not compiled)
IGNORED = {SH.message, SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.flags, SH.path,
           SH.property, *TARGETS}
COMPONENT = {
    SH["class"]: "ClassConstraintComponent", SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent", SH["in"]: "InConstraintComponent",
    SH.pattern: "PatternConstraintComponent", SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent", SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent", SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent", SH.node: "NodeConstraintComponent",
    SH["or"]: "OrConstraintComponent", SH["and"]: "AndConstraintComponent", SH["not"]: "NotConstraintComponent",
    SH.xone: "XoneConstraintComponent", SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent", SH.hasValue: "HasValueConstraintComponent",
}
#: cardinalities compiled as "n pairwise different values" (inside nested shapes)
MAX_NESTED_COUNT = 4


class UnsupportedShape(ValidationSetupError):
    """A shape uses SHACL the compiler does not translate (the message says which shape and what)."""


@dataclass(frozen=True)
class Check:
    """One constraint of one shape: a SPARQL query for the nodes that break it."""

    shape: str  # the named shape its results are reported under
    path: str  # the path as report text ("" for a node shape's own constraint)
    constraint: str  # the constraint component's local name
    message: str
    #: ``SELECT ?f ?v``: the violating focus nodes, and the value nodes when ``reports_value``
    query: str
    reports_value: bool

    def restricted(self, focus: Iterable[str]) -> str:
        """The query for only the given focus nodes (IRIs or blank node labels as N-Triples terms)."""
        return self.query.replace(FOCUS, "VALUES ?f { " + " ".join(focus) + " }")

    def whole(self) -> str:
        return self.query.replace(FOCUS, "")


@dataclass
class Reads:
    """What a shape's verdict on a focus node looks at, as SPARQL paths from the focus node."""

    #: paths to the nodes whose own statements are read (``""``: the focus node itself)
    edges: set[str] = field(default_factory=set)
    #: paths to the nodes whose ``rdf:type`` statements are read
    types: set[str] = field(default_factory=set)
    #: a path the compiler cannot follow back: any change may matter
    everything: bool = False

    def add(self, other: "Reads", prefix: str = "") -> None:
        self.edges |= {_join(prefix, p) for p in other.edges}
        self.types |= {_join(prefix, p) for p in other.types}
        self.everything |= other.everything


def _join(prefix: str, path: str) -> str:
    return "/".join(p for p in (prefix, path) if p)


@dataclass
class CompiledShapes:
    checks: list[Check]
    reads: Reads
    #: per targeted shape, the pattern binding ``?f`` to its focus nodes
    focus_patterns: list[str]


def term(node: Node) -> str:
    """An rdflib term as SPARQL (N-Triples syntax)."""
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        return str(ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)) if node.datatype else None))
    raise UnsupportedShape(f"a blank node as a constraint value ({node})")


class _Compiler:
    def __init__(self, shapes: Graph, subclasses: dict[str, set[str]]) -> None:
        self.g = shapes
        self.subclasses = subclasses
        self.fresh = itertools.count()

    def var(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self.fresh)}"

    def name(self, shape: Node) -> str:
        return str(shape)

    # --- shapes -------------------------------------------------------------------------------
    def check_supported(self, shape: Node, seen: tuple = ()) -> None:
        if shape in seen:
            raise UnsupportedShape(f"shape {self.name(seen[0])} is recursive")
        where = self.name(seen[0] if seen else shape)
        for p, o in self.g.predicate_objects(shape):
            if not str(p).startswith(str(SH)) or p in IGNORED or p in COMPONENT:
                continue
            if p == SH.severity and o == SH.Violation:
                continue
            if p == SH.deactivated and o == Literal(False):
                continue
            raise UnsupportedShape(f"shape {where} uses {p.n3(self.g.namespace_manager)}")
        if (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL_CLASS) in self.g:
            raise UnsupportedShape(f"shape {where} is also a class (an implicit target)")
        for p in (SH.minCount, SH.maxCount):
            if self.g.value(shape, p) is not None and self.g.value(shape, SH.path) is None:
                raise UnsupportedShape(f"shape {where} has {p.n3(self.g.namespace_manager)} without a path")
        for child in self.nested(shape):
            self.check_supported(child, seen + (shape,))

    def nested(self, shape: Node) -> list[Node]:
        out = list(self.g.objects(shape, SH.property)) + list(self.g.objects(shape, SH.node))
        out += list(self.g.objects(shape, SH["not"]))
        for p in (SH["or"], SH["and"], SH.xone):
            for lst in self.g.objects(shape, p):
                out += list(Collection(self.g, lst))
        return out

    def message(self, shape: Node, default: str) -> str:
        m = self.g.value(shape, SH.message)
        return str(m) if m is not None else default

    # --- paths --------------------------------------------------------------------------------
    def path(self, p: Node) -> str:
        """A SHACL path as a SPARQL property path."""
        if isinstance(p, URIRef):
            return term(p)
        alternatives = self.g.value(p, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(x) for x in Collection(self.g, alternatives)) + ")"
        inverse = self.g.value(p, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        for prop, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = self.g.value(p, prop)
            if inner is not None:
                return f"({self.path(inner)}){mark}"
        items = list(Collection(self.g, p)) if (p, RDF.first, None) in self.g else []
        if len(items) > 1:
            return "(" + "/".join(self.path(x) for x in items) + ")"
        if len(items) == 1:
            return self.path(items[0])
        raise UnsupportedShape(f"a path the compiler does not know: {p}")

    def step_starts(self, p: Node, prefix: str, reads: Reads) -> None:
        """Add the nodes a path steps from (its intermediate nodes) to ``reads.edges``."""
        if isinstance(p, URIRef):
            return
        alternatives = self.g.value(p, SH.alternativePath)
        if alternatives is not None:
            for x in Collection(self.g, alternatives):
                self.step_starts(x, prefix, reads)
            return
        inverse = self.g.value(p, SH.inversePath)
        if inverse is not None:
            if not isinstance(inverse, URIRef):
                reads.everything = True
            return
        for prop in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
            inner = self.g.value(p, prop)
            if inner is not None:
                around = _join(prefix, f"({self.path(inner)})*")
                reads.edges.add(around)
                self.step_starts(inner, around, reads)
                return
        items = list(Collection(self.g, p))
        for k in range(1, len(items)):
            self.step_starts(items[k - 1], _join(prefix, "/".join(self.path(x) for x in items[:k - 1])), reads)
            reads.edges.add(_join(prefix, "/".join(self.path(x) for x in items[:k])))
        if items:
            self.step_starts(items[-1], _join(prefix, "/".join(self.path(x) for x in items[:-1])), reads)

    # --- expressions: does value node ``x`` break a constraint / conform to a shape? ----------
    def classes(self, c: Node) -> list[str]:
        return sorted({str(c), *self.subclasses.get(str(c), ())})

    def breaks(self, p: Node, o: Node, x: str, shape: Node) -> str:
        """A SPARQL expression, never an error, true when value node ``x`` breaks ``shape``'s
        constraint ``p o``."""
        if p == SH["class"]:
            t = self.var("t")
            values = " ".join(term(URIRef(c)) for c in self.classes(o))
            return f"NOT EXISTS {{ VALUES {t} {{ {values} }} {x} a {t} }}"
        if p == SH.datatype:
            dt = str(o)
            if dt == str(RDF.langString):
                return f"!COALESCE(isLiteral({x}) && lang({x}) != \"\", false)"
            ok = f"isLiteral({x}) && sameTerm(datatype({x}), {term(o)})"
            if dt in CASTABLE and dt != XSD + "string":
                ok += f" && sameTerm(datatype({term(o)}(STR({x}))), {term(o)})"
            return f"!COALESCE({ok}, false)"
        if p == SH.nodeKind:
            kinds = {SH.IRI: f"isIRI({x})", SH.BlankNode: f"isBlank({x})", SH.Literal: f"isLiteral({x})",
                     SH.BlankNodeOrIRI: f"!isLiteral({x})", SH.BlankNodeOrLiteral: f"!isIRI({x})",
                     SH.IRIOrLiteral: f"!isBlank({x})"}
            if o not in kinds:
                raise UnsupportedShape(f"sh:nodeKind {o}")
            return f"!({kinds[o]})"
        if p == SH["in"]:
            members = [f"sameTerm({x}, {term(m)})" for m in Collection(self.g, o)]
            return "!(" + (" || ".join(members) or "false") + ")"
        if p == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            args = f"STR({x}), {term(Literal(str(o)))}" + (f", {term(Literal(str(flags)))}" if flags else "")
            return f"!COALESCE(!isBlank({x}) && REGEX({args}), false)"
        ranges = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
        if p in ranges:
            if not isinstance(o, Literal):
                raise UnsupportedShape(f"{p} with a value that is not a literal")
            return f"!COALESCE(isLiteral({x}) && {x} {ranges[p]} {term(o)}, false)"
        if p in (SH.minLength, SH.maxLength):
            op = ">=" if p == SH.minLength else "<="
            return f"!COALESCE(!isBlank({x}) && STRLEN(STR({x})) {op} {int(o)}, false)"
        if p == SH.node:
            return f"!({self.conforms(o, x)})"
        if p == SH["not"]:
            return f"({self.conforms(o, x)})"
        if p in (SH["or"], SH["and"], SH.xone):
            parts = [f"({self.conforms(s, x)})" for s in Collection(self.g, o)]
            if p == SH.xone:
                return "(" + " + ".join(f"IF({c}, 1, 0)" for c in parts) + " != 1)" if parts else "true"
            joined = (" || " if p == SH["or"] else " && ").join(parts)
            return f"!({joined or ('false' if p == SH['or'] else 'true')})"
        raise UnsupportedShape(f"constraint {p}")

    def at_least(self, x: str, path: str, n: int) -> str:
        """EXISTS: ``x`` has at least ``n`` different values along ``path``."""
        if n <= 0:
            return "true"
        if n > MAX_NESTED_COUNT:
            raise UnsupportedShape(f"a cardinality of {n} inside a nested shape")
        vs = [self.var() for _ in range(n)]
        different = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2))
        return "EXISTS { " + " . ".join(f"{x} {path} {v}" for v in vs) + (f" FILTER({different})" if different else "") + " }"

    def conforms(self, shape: Node, x: str) -> str:
        """A SPARQL expression: true when node ``x`` conforms to ``shape`` (all its constraints)."""
        parts = []
        p_node = self.g.value(shape, SH.path)
        path = self.path(p_node) if p_node is not None else None
        for p, o in sorted(self.g.predicate_objects(shape)):
            if p not in COMPONENT:
                continue
            if path is None:
                if p == SH.hasValue:
                    parts.append(f"sameTerm({x}, {term(o)})")
                else:
                    parts.append(f"!({self.breaks(p, o, x, shape)})")
            elif p == SH.minCount:
                parts.append(self.at_least(x, path, int(o)))
            elif p == SH.maxCount:
                parts.append(f"!({self.at_least(x, path, int(o) + 1)})")
            elif p == SH.hasValue:
                v = self.var()
                parts.append(f"EXISTS {{ {x} {path} {v} FILTER(sameTerm({v}, {term(o)})) }}")
            else:
                v = self.var()
                parts.append(f"NOT EXISTS {{ {x} {path} {v} FILTER({self.breaks(p, o, v, shape)}) }}")
        for prop in self.g.objects(shape, SH.property):
            parts.append(self.conforms(prop, x))
        return " && ".join(f"({c})" for c in parts) or "true"

    # --- what a shape reads ----------------------------------------------------------------------
    def reads(self, shape: Node) -> Reads:
        r = Reads()
        p_node = self.g.value(shape, SH.path)
        if p_node is not None:
            r.edges.add("")
            self.step_starts(p_node, "", r)
            at = self.path(p_node)
        else:
            at = ""
        for p, o in self.g.predicate_objects(shape):
            if p == SH["class"]:
                r.types.add(at)
            elif p in (SH.node, SH["not"]):
                r.add(self.reads(o), at)
            elif p in (SH["or"], SH["and"], SH.xone):
                for s in Collection(self.g, o):
                    r.add(self.reads(s), at)
        for prop in self.g.objects(shape, SH.property):
            r.add(self.reads(prop))
        return r

    # --- top-level queries ------------------------------------------------------------------------
    def focus(self, shape: Node) -> tuple[str, Reads]:
        """The pattern binding ``?f`` to the shape's focus nodes, and what it reads."""
        alternatives, reads = [], Reads()
        for c in self.g.objects(shape, SH.targetClass):
            t = self.var("t")
            values = " ".join(term(URIRef(k)) for k in self.classes(c))
            alternatives.append(f"{{ VALUES {t} {{ {values} }} ?f a {t} }}")
            reads.types.add("")
        for n in self.g.objects(shape, SH.targetNode):
            alternatives.append(f"{{ VALUES ?f {{ {term(n)} }} }}")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            alternatives.append(f"{{ ?f {term(p)} {self.var('x')} }}")
            reads.edges.add("")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            alternatives.append(f"{{ {self.var('x')} {term(p)} ?f }}")
            reads.edges.add("")
        return " UNION ".join(sorted(alternatives)), reads

    def shape_checks(self, shape: Node) -> list[Check]:
        focus, _ = self.focus(shape)
        named = self.name(shape)
        out = []
        own_path = self.g.value(shape, SH.path)
        for p, o in sorted(self.g.predicate_objects(shape)):
            if p not in COMPONENT:
                continue
            if own_path is not None:  # a property shape with its own target
                out += self.property_checks(shape, named, focus, shape, p, o)
                continue
            component = COMPONENT[p]
            message = self.message(shape, _default_message(p, o))
            if p == SH.hasValue:
                q = f"SELECT DISTINCT ?f WHERE {{ {FOCUS} {focus} FILTER(!sameTerm(?f, {term(o)})) }}"
                out.append(Check(named, "", component, message, q, False))
            else:
                q = (f"SELECT DISTINCT ?f (?f AS ?v) WHERE {{ {FOCUS} {focus} "
                     f"FILTER({self.breaks(p, o, '?f', shape)}) }}")
                out.append(Check(named, "", component, message, q, True))
        for prop in self.g.objects(shape, SH.property):
            reported = named if isinstance(prop, BNode) else self.name(prop)
            for p, o in sorted(self.g.predicate_objects(prop)):
                if p in COMPONENT:
                    out += self.property_checks(prop, reported, focus, prop, p, o)
        return out

    def property_checks(self, prop: Node, named: str, focus: str, shape: Node, p: Node, o: Node) -> list[Check]:
        path = self.path(self.g.value(prop, SH.path))
        text = _path_text(self.g, self.g.value(prop, SH.path))
        component = COMPONENT[p]
        message = self.message(prop, _default_message(p, o))
        if p == SH.minCount and int(o) <= 1:
            q = f"SELECT DISTINCT ?f WHERE {{ {FOCUS} {focus} FILTER(!({self.at_least('?f', path, int(o))})) }}"
            return [Check(named, text, component, message, q, False)]
        if p == SH.minCount:
            q = (f"SELECT ?f WHERE {{ {{ SELECT DISTINCT ?f WHERE {{ {FOCUS} {focus} }} }} OPTIONAL {{ ?f {path} ?v }} }} "
                 f"GROUP BY ?f HAVING(COUNT(DISTINCT ?v) < {int(o)})")
            return [Check(named, text, component, message, q, False)]
        if p == SH.maxCount:
            q = (f"SELECT ?f WHERE {{ {{ SELECT DISTINCT ?f WHERE {{ {FOCUS} {focus} }} }} ?f {path} ?v }} "
                 f"GROUP BY ?f HAVING(COUNT(DISTINCT ?v) > {int(o)})")
            return [Check(named, text, component, message, q, False)]
        if p == SH.hasValue:
            q = (f"SELECT DISTINCT ?f WHERE {{ {FOCUS} {focus} "
                 f"FILTER NOT EXISTS {{ ?f {path} ?v FILTER(sameTerm(?v, {term(o)})) }} }}")
            return [Check(named, text, component, message, q, False)]
        q = f"SELECT DISTINCT ?f ?v WHERE {{ {FOCUS} {focus} ?f {path} ?v FILTER({self.breaks(p, o, '?v', shape)}) }}"
        return [Check(named, text, component, message, q, True)]

    def top_shapes(self) -> list[Node]:
        return sorted({s for t in TARGETS for s in self.g.subjects(t, None)}, key=str)


def compile_shapes(shapes: Graph, subclasses: dict[str, set[str]] | None = None) -> CompiledShapes:
    """Every constraint of every targeted shape in ``shapes`` as a SPARQL ``Check``; raises
    ``UnsupportedShape`` if any shape uses SHACL the compiler does not translate. ``subclasses``:
    each class's subclasses (direct or not) in the data, for ``sh:targetClass`` and ``sh:class``."""
    c = _Compiler(shapes, subclasses or {})
    checks, reads, patterns = [], Reads(), []
    for shape in c.top_shapes():
        c.check_supported(shape)
        checks += c.shape_checks(shape)
        pattern, focus_reads = c.focus(shape)
        patterns.append(pattern)
        reads.add(focus_reads)
        reads.add(c.reads(shape))
    return CompiledShapes(checks, reads, patterns)


def _default_message(p: Node, o: Node) -> str:
    """A result message for a shape without ``sh:message`` (pySHACL's wording, without the nodes)."""
    value = o.n3() if isinstance(o, (URIRef, Literal)) else ""
    return {
        SH.minCount: f"Less than {value} values", SH.maxCount: f"More than {value} values",
        SH["class"]: f"Value does not have class {value}", SH.datatype: f"Value is not Literal with datatype {value}",
        SH.nodeKind: f"Value is not of Node Kind {value}", SH["in"]: "Value not in list",
        SH.pattern: f"Value does not match pattern {value}", SH.minInclusive: f"Value is not >= {value}",
        SH.maxInclusive: f"Value is not <= {value}", SH.minExclusive: f"Value is not > {value}",
        SH.maxExclusive: f"Value is not < {value}", SH.minLength: f"String length not >= {value}",
        SH.maxLength: f"String length not <= {value}", SH.node: f"Value does not conform to Shape {value}",
        SH["or"]: "Node does not conform to one or more shapes in the sh:or list",
        SH["and"]: "Node does not conform to all shapes in the sh:and list",
        SH["not"]: "Node conforms to the shape in sh:not", SH.xone: "Node does not conform to exactly one shape in sh:xone",
        SH.hasValue: f"Node does not contain the value {value}",
    }[p]
