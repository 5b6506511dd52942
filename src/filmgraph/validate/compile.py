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
focus node itself for a node shape's own constraints). A nested shape (``sh:node``, ``sh:or``,
``sh:and``, ``sh:not``) becomes the set of candidate nodes that do not conform to it (the union of
what breaks each of its constraints), as pySHACL only asks whether a value node conforms. Each
check has two forms: over the whole store, joined as sets (subqueries and ``MINUS``, which
Oxigraph runs as hash joins; ``EXISTS`` per node was 45 ms a node on the 1M-quad store), and for a
few focus nodes bound by ``VALUES``, looked up. Anything else (SPARQL constraints, ``sh:closed``,
property pairs, qualified shapes, ``sh:xone``, severities other than violation, ...) raises
``UnsupportedShape``: the store is then validated by pySHACL instead (the reference; tests
compare the two).

Alongside its checks, each shape says which nodes its verdict on a focus node reads (``Reads``):
the focus node, the nodes its paths step from, and the value nodes whose types (``sh:class``) or
own properties (nested shapes) it looks at. A change that touches none of them cannot change
that focus node's verdict.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..errors import ValidationSetupError
from .report import _path_text

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")

#: the placeholder a check's query has for its focus nodes, when it checks only some of them
FOCUS = "#FOCUS#"

#: datatypes Oxigraph can cast to, so an ill-formed literal (``"abc"^^xsd:integer``) fails
#: ``sh:datatype`` as in pySHACL; other datatypes are compared by name only
CASTABLE = {XSD + t for t in ("string", "boolean", "float", "double", "decimal", "integer", "dateTime",
                              "date", "time", "duration", "yearMonthDuration", "dayTimeDuration", "gYear")}

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
VALUE_PARAMETERS = (SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.pattern, SH.minInclusive,
                    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength,
                    SH.node, SH["or"], SH["and"], SH["not"])
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
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent", SH.hasValue: "HasValueConstraintComponent",
}


class UnsupportedShape(ValidationSetupError):
    """A shape uses SHACL the compiler does not translate (the message says which shape and what)."""


@dataclass(frozen=True)
class Check:
    """One constraint of one shape: a SPARQL query for the nodes that break it."""

    shape: str  # the named shape its results are reported under
    path: str  # the path as report text ("" for a node shape's own constraint)
    constraint: str  # the constraint component's local name
    message: str
    #: ``SELECT ?f ?v``: the violating focus nodes, and the value nodes when ``reports_value``,
    #: looked up from the focus nodes (a few of them, bound by ``VALUES`` at ``FOCUS``)
    query: str
    reports_value: bool
    #: the same over the whole store, joined as sets: subqueries and ``MINUS``, which Oxigraph
    #: evaluates as hash joins (6x faster than a lookup per focus node on 50,000 of them)
    everything: str
    #: which of ``CompiledShapes.targets`` its focus nodes are (``restricted`` is given only those)
    target: int = 0

    def restricted(self, focus: Iterable[str]) -> str:
        """The query for only the given focus nodes (IRIs as N-Triples terms)."""
        return self.query.replace(FOCUS, "{ VALUES ?f { " + " ".join(focus) + " } }")

    def whole(self) -> str:
        return self.everything


@dataclass
class Reads:
    """What a shape's verdict on a focus node looks at, as SPARQL paths from the focus node."""

    #: paths to the nodes whose own statements are read (``""``: the focus node itself)
    edges: set[str] = field(default_factory=set)
    #: paths to the nodes whose ``rdf:type`` statements are read
    types: set[str] = field(default_factory=set)
    #: predicates read backwards (inverse path steps, ``sh:targetObjectsOf``): a change to one
    #: of their statements touches its object too, not only its subject
    inverse: set[str] = field(default_factory=set)
    #: a path the compiler cannot follow back: any change may matter
    everything: bool = False

    def add(self, other: "Reads", prefix: str = "") -> None:
        self.edges |= {_join(prefix, p) for p in other.edges}
        self.types |= {_join(prefix, p) for p in other.types}
        self.inverse |= other.inverse
        self.everything |= other.everything


def _join(prefix: str, path: str) -> str:
    return "/".join(p for p in (prefix, path) if p)


@dataclass
class CompiledShapes:
    checks: list[Check]
    reads: Reads
    #: per targeted shape, the pattern binding ``?f`` to its focus nodes
    focus_patterns: list[str]
    #: per targeted shape, its target classes (with their subclasses), or None if it has other targets
    targets: list[set[str] | None]


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
        for p in (SH["or"], SH["and"]):
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
            if isinstance(inverse, URIRef):
                reads.inverse.add(str(inverse))
            else:
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
        constraint ``p o`` (a constraint on the value node alone)."""
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
        raise UnsupportedShape(f"constraint {p}")

    # --- patterns: which candidate nodes break a constraint / a shape -----------------------------
    # Each pattern binds the variable ``x`` to the candidates (bound by the pattern ``c``) that break
    # it. Over the whole store (``whole``) edges are read as subqueries and types through MINUS,
    # which Oxigraph joins as sets (hash joins); for a few focus nodes, they are looked up.

    def typed(self, x: str, c: Node) -> str:
        """A pattern: ``x`` is an instance of class ``c`` (or of a subclass)."""
        t = self.var("t")
        return f"VALUES {t} {{ {' '.join(term(URIRef(k)) for k in self.classes(c))} }} {x} a {t}"

    def edges(self, x: str, path: str, w: str, whole: bool) -> str:
        """A pattern binding ``x`` and ``w`` to the ends of ``path``: over the whole store a
        subquery, and a sequence of IRIs one subquery per step (hash joins, not a lookup per edge)."""
        if not whole:
            return f"{x} {path} {w} ."
        steps = re.fullmatch(r"\((<[^<>]+>(?:/<[^<>]+>)+)\)", path)
        if steps is None:
            return f"{{ SELECT {x} {w} WHERE {{ {x} {path} {w} }} }}"
        names = re.findall(r"<[^<>]+>", steps.group(1))
        ends = [x] + [self.var("m") for _ in names[1:]] + [w]
        hops = " ".join(f"{{ SELECT {a} {b} WHERE {{ {a} {n} {b} }} }}" for a, n, b in zip(ends, names, ends[1:]))
        return f"{{ SELECT {x} {w} WHERE {{ {hops} }} }}"

    def candidates(self, x: str, c: str, path: str, w: str, whole: bool) -> str:
        """A pattern binding ``w`` to the values along ``path`` of the candidates ``x`` of ``c``:
        over the whole store, every value along ``path`` (whether a node conforms to a shape
        depends on it alone, so checking more of them changes nothing, and costs one scan)."""
        if whole:
            return f"{{ SELECT DISTINCT {w} WHERE {{ {self.var('s')} {path} {w} }} }}"
        return f"{{ SELECT DISTINCT {w} WHERE {{ {c} {self.edges(x, path, w, whole)} }} }}"

    def value_test(self, p: Node, o: Node, x: str, shape: Node) -> str | None:
        """An expression true when value ``x`` breaks ``p o``, for constraints on the value alone (else None)."""
        if p in (SH["or"], SH["and"], SH["not"]):
            return self.simple(p, o, x)
        if p in COMPONENT and p not in (SH["class"], SH.node, SH.minCount, SH.maxCount, SH.hasValue):
            return self.breaks(p, o, x, shape)
        return None

    def simple(self, p: Node, o: Node, x: str) -> str | None:
        """For a logical constraint whose shapes only test the value node itself (a datatype, a
        node kind, a list, ...): one expression, true when ``x`` breaks it (else None). The common
        ``sh:or ( [ sh:datatype a ] [ sh:datatype b ] )`` then costs a FILTER, not a join per shape."""
        def conforms(shape: Node) -> str | None:
            parts = []
            if self.g.value(shape, SH.path) is not None or self.g.value(shape, SH.property) is not None:
                return None
            for q, v in sorted(self.g.predicate_objects(shape)):
                if q not in COMPONENT:
                    continue
                if q in (SH["class"], SH.node, SH.minCount, SH.maxCount):
                    return None
                if q in (SH["or"], SH["and"], SH["not"], SH.hasValue):
                    inner = self.simple(q, v, x)
                    if inner is None:
                        return None
                    parts.append(f"!({inner})")
                else:
                    parts.append(f"!({self.breaks(q, v, x, shape)})")
            return " && ".join(f"({e})" for e in parts) or "true"
        if p == SH.hasValue:
            return f"!sameTerm({x}, {term(o)})"
        if p == SH["not"]:
            inner = conforms(o)
            return None if inner is None else f"({inner})"
        if p in (SH["or"], SH["and"]):
            members = [conforms(m) for m in Collection(self.g, o)]
            if any(m is None for m in members):
                return None
            joined = (" || " if p == SH["or"] else " && ").join(f"({m})" for m in members)
            return f"!({joined or ('false' if p == SH['or'] else 'true')})"
        return None

    def node_breaks(self, p: Node, o: Node, x: str, c: str, shape: Node, whole: bool) -> str:
        """The candidates ``x`` of ``c`` that break ``shape``'s constraint ``p o`` on ``x`` itself."""
        inline = self.simple(p, o, x) if p in (SH["or"], SH["and"], SH["not"]) else None
        if inline is not None:
            return f"{c} FILTER({inline})"
        if p == SH.hasValue:
            return f"{c} FILTER(!sameTerm({x}, {term(o)}))"
        if p == SH["class"]:
            return f"{c} MINUS {{ {self.typed(x, o)} }}" if whole else f"{c} FILTER NOT EXISTS {{ {self.typed(x, o)} }}"
        if p == SH.node:
            return self.nonconforming(o, x, c, whole)
        if p == SH["not"]:
            return f"{c} MINUS {{ {self.nonconforming(o, x, c, whole)} }}"
        if p == SH["or"]:  # breaks every alternative
            return " ".join(f"{{ {self.nonconforming(s, x, c, whole)} }}" for s in Collection(self.g, o)) or c
        if p == SH["and"]:  # breaks one of them
            parts = [f"{{ {self.nonconforming(s, x, c, whole)} }}" for s in Collection(self.g, o)]
            return " UNION ".join(parts) or f"{c} FILTER(false)"
        return f"{c} FILTER({self.breaks(p, o, x, shape)})"

    def property_breaks(self, p: Node, o: Node, x: str, c: str, path: str, w: str, shape: Node, whole: bool) -> str:
        """The candidates ``x`` of ``c`` (and, for value constraints, the values ``w``) that break
        the property constraint ``p o`` along ``path``."""
        if p in (SH.minCount, SH.maxCount):
            n = int(o)
            if p == SH.minCount and n <= 1:
                if n < 1:
                    return f"{c} FILTER(false)"
                return (f"{c} MINUS {{ {self.edges(x, path, w, True)} }}" if whole
                        else f"{c} FILTER NOT EXISTS {{ {x} {path} {w} }}")
            op = "<" if p == SH.minCount else ">"
            join = f"OPTIONAL {{ {self.edges(x, path, w, True)} }}" if p == SH.minCount else self.edges(x, path, w, whole)
            if not whole and p == SH.minCount:
                join = f"OPTIONAL {{ {x} {path} {w} }}"
            return f"{{ SELECT {x} WHERE {{ {c} {join} }} GROUP BY {x} HAVING(COUNT(DISTINCT {w}) {op} {n}) }}"
        if p == SH.hasValue:
            has = f"{x} {path} {w} FILTER(sameTerm({w}, {term(o)}))"
            return f"{c} MINUS {{ {has} }}" if whole else f"{c} FILTER NOT EXISTS {{ {has} }}"
        if p == SH["class"]:
            typed = self.typed(w, o)
            return (f"{c} {self.edges(x, path, w, whole)} " +
                    (f"MINUS {{ {typed} }}" if whole else f"FILTER NOT EXISTS {{ {typed} }}"))
        inline = self.simple(p, o, w) if p in (SH["not"], SH["or"], SH["and"]) else None
        if inline is not None:
            if whole:
                return f"{c} {{ SELECT {x} {w} WHERE {{ {x} {path} {w} FILTER({inline}) }} }}"
            return f"{c} {x} {path} {w} FILTER({inline})"
        if p in (SH.node, SH["not"], SH["or"], SH["and"]):
            values = self.candidates(x, c, path, w, whole)
            return f"{c} {self.edges(x, path, w, whole)} {{ {self.node_breaks(p, o, w, values, shape, whole)} }}"
        if whole:
            return f"{c} {{ SELECT {x} {w} WHERE {{ {x} {path} {w} FILTER({self.breaks(p, o, w, shape)}) }} }}"
        return f"{c} {x} {path} {w} FILTER({self.breaks(p, o, w, shape)})"

    def nonconforming(self, shape: Node, x: str, c: str, whole: bool) -> str:
        """The candidates ``x`` of ``c`` that do not conform to ``shape`` (one of its constraints
        breaks), as a subquery binding ``x``."""
        branches, alone, tests = [], [], []
        p_node = self.g.value(shape, SH.path)
        path = self.path(p_node) if p_node is not None else None
        for p, o in sorted(self.g.predicate_objects(shape)):
            if p not in COMPONENT:
                continue
            if path is None:
                branches.append(self.node_breaks(p, o, x, c, shape, whole))
            elif whole and p not in (SH.minCount, SH.hasValue):
                # over the whole store, what breaks a value or a maximum is found without the
                # candidates (joined once, below), so they are not read again for each branch;
                # the tests on a value alone, in one scan of the path's values
                test = self.value_test(p, o, "?_w", shape)
                if test is not None:
                    tests.append(test)
                else:
                    alone.append(self.property_breaks(p, o, x, "", path, self.var(), shape, whole))
            else:
                branches.append(self.property_breaks(p, o, x, c, path, self.var(), shape, whole))
        for prop in self.g.objects(shape, SH.property):
            branches.append(self.nonconforming(prop, x, c, whole))
        if tests:
            w = self.var()
            alone.append(f"{self.edges(x, path, w, True)} FILTER({' || '.join(t.replace('?_w', w) for t in tests)})")
        if alone:
            branches.append(f"{c} {{ " + " UNION ".join(f"{{ {b} }}" for b in alone) + " }")
        if not branches:
            return f"{c} FILTER(false)"
        return f"{{ SELECT DISTINCT {x} WHERE {{ " + " UNION ".join(f"{{ {b} }}" for b in branches) + " } }"

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
            elif p in (SH["or"], SH["and"]):
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
            reads.inverse.add(str(p))
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
                out += self.property_checks(shape, named, focus, p, o)
                continue
            message = self.message(shape, _default_message(p, o))
            has_value = p != SH.hasValue
            select = "SELECT DISTINCT ?f (?f AS ?v)" if has_value else "SELECT DISTINCT ?f"
            some, every = FOCUS, f"{{ SELECT DISTINCT ?f WHERE {{ {focus} }} }}"
            q = f"{select} WHERE {{ {self.node_breaks(p, o, '?f', some, shape, False)} }}"
            w = f"{select} WHERE {{ {self.node_breaks(p, o, '?f', every, shape, True)} }}"
            out.append(Check(named, "", COMPONENT[p], message, q, has_value, w))
        for prop in self.g.objects(shape, SH.property):
            reported = named if isinstance(prop, BNode) else self.name(prop)
            for p, o in sorted(self.g.predicate_objects(prop)):
                if p in COMPONENT:
                    out += self.property_checks(prop, reported, focus, p, o)
        return out

    def property_checks(self, prop: Node, named: str, focus: str, p: Node, o: Node) -> list[Check]:
        path = self.path(self.g.value(prop, SH.path))
        text = _path_text(self.g, self.g.value(prop, SH.path))
        message = self.message(prop, _default_message(p, o))
        has_value = p not in (SH.minCount, SH.maxCount, SH.hasValue)
        select = "SELECT DISTINCT ?f ?v" if has_value else "SELECT DISTINCT ?f"
        some, every = FOCUS, f"{{ SELECT DISTINCT ?f WHERE {{ {focus} }} }}"
        q = f"{select} WHERE {{ {self.property_breaks(p, o, '?f', some, path, '?v', prop, False)} }}"
        w = f"{select} WHERE {{ {self.property_breaks(p, o, '?f', every, path, '?v', prop, True)} }}"
        return [Check(named, text, COMPONENT[p], message, q, has_value, w)]

    def top_shapes(self) -> list[Node]:
        return sorted({s for t in TARGETS for s in self.g.subjects(t, None)}, key=str)


def compile_shapes(shapes: Graph, subclasses: dict[str, set[str]] | None = None) -> CompiledShapes:
    """Every constraint of every targeted shape in ``shapes`` as a SPARQL ``Check``; raises
    ``UnsupportedShape`` if any shape uses SHACL the compiler does not translate. ``subclasses``:
    each class's subclasses (direct or not) in the data, for ``sh:targetClass`` and ``sh:class``."""
    c = _Compiler(shapes, subclasses or {})
    checks, reads, patterns, targets = [], Reads(), [], []
    for i, shape in enumerate(c.top_shapes()):
        c.check_supported(shape)
        checks += [replace(check, target=i) for check in c.shape_checks(shape)]
        pattern, focus_reads = c.focus(shape)
        patterns.append(pattern)
        only_classes = all(shapes.value(shape, t) is None for t in TARGETS if t != SH.targetClass)
        targets.append({k for t in shapes.objects(shape, SH.targetClass) for k in c.classes(t)} if only_classes else None)
        reads.add(focus_reads)
        reads.add(c.reads(shape))
    return CompiledShapes(checks, reads, patterns, targets)


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
        SH["not"]: "Node conforms to the shape in sh:not",
        SH.hasValue: f"Node does not contain the value {value}",
    }[p]
