"""Views, part 1: from the store to a networkx graph of typed, labelled entities.

Which entities a view shows is chosen by a preset (the user's text bound into SPARQL as an RDF
term, never pasted into the query, or read by pattern); what each entity says comes from
``viewentity.describe``. ``fg:Comparison`` nodes become the label (cue), colour (polarity) and
evidence of their film -> work edge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from .errors import QueryError, ViewError
from .store import FilmStore
from .viewentity import (EDGE_LABELS, FOLDED_TYPES, HIDDEN_PREDICATES, NODE_TYPES, RDF_TYPE, RDFS_LABEL, S,
                         Reader, Statements, best_name, describe, evidence_for, fg, local_name, term_text, values_block)


@dataclass(frozen=True)
class ViewSpec:
    """Which view to draw: ``preset`` is one of whole, director, film, review, focus, query."""

    preset: str = "whole"
    argument: str | None = None
    depth: int = 2
    #: the whole graph: draw at most this many nodes, the most connected, chosen in SPARQL so only
    #: what is drawn is read (None: every node)
    budget: int | None = None

    @property
    def title(self) -> str:
        return {
            "whole": "The whole graph",
            "director": f"Filmography: {self.argument}",
            "film": f"Cast and roles: {self.argument}",
            "review": f"References in the review: {self.argument}",
            "focus": f"Around {self.argument} (depth {self.depth})",
            "query": f"Query: {self.argument}",
        }.get(self.preset, self.preset)


@dataclass
class Selection:
    """A preset's answer: the entities to draw, the ones it is about, and edges to draw (if fixed)."""

    nodes: set[str]
    focus: set[str] = field(default_factory=set)
    triples: list[tuple[str, str, str]] | None = None  # --query: exactly these edges
    #: when a budget left nodes out: how many nodes and edges there were in all, nodes by type name
    total: int | None = None
    omitted_by_type: dict[str, int] = field(default_factory=dict)
    total_edges: int | None = None

# --- presets: which nodes ------------------------------------------------------------------------


def select(store: FilmStore, spec: ViewSpec, queries_dir: Path | None = None) -> Selection:
    """The entities ``spec`` asks for; ``ViewError`` if its name matches nothing."""
    reader = Reader(store)
    preset = spec.preset
    if preset == "whole":
        if spec.budget is not None:
            return _most_connected(reader, spec.budget)
        return Selection(_every_drawable(reader))
    if not spec.argument:
        raise ViewError(f"the {preset} view needs a name")
    if preset == "director":
        return _director(reader, spec.argument)
    if preset == "film":
        return _film(reader, spec.argument)
    if preset == "review":
        return _review(reader, spec.argument)
    if preset == "focus":
        return _focus(reader, spec.argument, spec.depth)
    if preset == "query":
        return _query(reader, spec.argument, queries_dir)
    raise ViewError(f"unknown view preset {preset!r}")


def _every_drawable(reader: Reader) -> set[str]:
    """Every entity typed outside the Wikidata graph that a view draws (``Reader.drawable``), from
    one read of the type statements."""
    wikidata = ox.NamedNode(reader.wikidata_graph)
    types: dict[str, set[str]] = {}
    typed_here: set[str] = set()
    for q in reader.quads(p=RDF_TYPE):
        if not isinstance(q.subject, ox.NamedNode):
            continue
        if isinstance(q.object, ox.NamedNode):
            types.setdefault(q.subject.value, set()).add(q.object.value)
        if q.graph_name != wikidata:
            typed_here.add(q.subject.value)
    return {n for n in typed_here if n in types and not reader.is_machinery(n) and not types[n] & FOLDED_TYPES}


def _most_connected(reader: Reader, budget: int) -> Selection:
    """The whole graph's ``budget`` most connected drawable entities: degree counted by the engine
    over the drawn relations (director, cast, reviews, mentions, ...; both directions, IRIs only),
    ties by IRI; the types of only as many of the best ranked as it takes to find ``budget``
    drawable ones are read. A store with no more such entities than the budget gets every
    drawable node, as without a budget."""
    relations = " ".join(f"<{p}>" for p in sorted(EDGE_LABELS))
    degree: dict[str, int] = {}
    total_edges, blank_subjects = 0, False
    for r in reader.store.query(f"SELECT ?n (COUNT(*) AS ?d) WHERE {{ VALUES ?p {{ {relations} }} "
                                "?n ?p ?m FILTER(isIRI(?m)) } GROUP BY ?n"):
        total_edges += int(r[1].value)
        if isinstance(r[0], ox.NamedNode):
            degree[r[0].value] = int(r[1].value)
        else:
            blank_subjects = True
    # incoming edges from IRIs only; a filter on the subject doubles the engine's time, so edges
    # from blank nodes (none in what filmgraph writes) are counted apart and taken off
    incoming = "SELECT ?n (COUNT(*) AS ?d) WHERE {{ VALUES ?p {{ {} }} ?m ?p ?n FILTER(isIRI(?n){}) }} GROUP BY ?n"
    for r in reader.store.query(incoming.format(relations, "")):
        degree[r[0].value] = degree.get(r[0].value, 0) + int(r[1].value)
    if blank_subjects:
        for r in reader.store.query(incoming.format(relations, " && isBlank(?m)")):
            degree[r[0].value] -= int(r[1].value)
            if not degree[r[0].value]:
                del degree[r[0].value]
    candidates = sorted((n for n in degree if not reader.is_machinery(n)), key=lambda n: (-degree[n], n))
    ranked: list[str] = []
    for at in range(0, len(candidates), budget + 1):
        block = candidates[at: at + budget + 1]
        types: dict[str, list[object]] = {}
        for r in reader.store.query(f"SELECT ?n ?t WHERE {{ VALUES ?n {{ {values_block(block)} }} ?n a ?t }}"):
            types.setdefault(r[0].value, []).append(r[1])
        ranked += [n for n in block if n in types
                   and not any(isinstance(t, ox.NamedNode) and t.value in FOLDED_TYPES for t in types[n])]
        if len(ranked) > budget:
            break
    if len(ranked) <= budget:
        return select(reader.store, ViewSpec("whole"))
    ranks = " ".join(f"(<{t}> {i})" for i, (t, _) in enumerate(NODE_TYPES))
    by_type: dict[str, int] = {}
    for r in reader.store.query(  # each entity as the first of NODE_TYPES it has, as describe() does
            f"SELECT ?n (MIN(?rank) AS ?r) WHERE {{ VALUES (?t ?rank) {{ {ranks} }} ?n a ?t }} GROUP BY ?n"):
        if isinstance(r[0], ox.NamedNode) and not reader.is_machinery(r[0].value):
            name = NODE_TYPES[int(r[1].value)][1].name
            by_type[name] = by_type.get(name, 0) + 1
    return Selection(set(ranked[:budget]), total=max(sum(by_type.values()), budget),
                     omitted_by_type=by_type, total_edges=total_edges)


def find_by_name(reader: Reader, name: str, classes: Iterable[str] | None = None) -> list[str]:
    """Entities whose ``schema:name`` (or ``rdfs:label``) is ``name``, ignoring case; else whose name
    has it at the start of a word (``yimou`` finds Zhang Yimou; ``ang`` finds Ang Lee, not Zhang).

    ``name`` is bound as a literal through ``substitutions`` (pyoxigraph requires the bound
    variable in the projection of a SELECT), so nothing the user types is parsed as SPARQL.
    """
    values = " ".join(f"<{c}>" for c in classes) if classes else ""
    type_filter = f"VALUES ?class {{ {values} }} ?e a ?class ." if values else "?e a ?class ."
    wanted = " ".join(name.lower().split())
    for test in ("LCASE(STR(?n)) = LCASE(STR(?q))", "CONTAINS(LCASE(STR(?n)), LCASE(STR(?q)))"):
        rows = reader.store.query(
            f"SELECT DISTINCT ?e ?n ?q WHERE {{ {type_filter} ?e ?np ?n . VALUES ?np {{ <{S}name> <{RDFS_LABEL}> }}"
            f" FILTER(isLiteral(?n) && {test}) }} ORDER BY ?e",
            substitutions={ox.Variable("q"): ox.Literal(wanted)},
        )
        found = [r["e"].value for r in rows if isinstance(r["e"], ox.NamedNode)
                 and (" " + " ".join(r["n"].value.lower().split())).find(" " + wanted) >= 0]
        found = [e for e in dict.fromkeys(found) if reader.drawable(e)]
        if found:
            return found
    return []


def _names_of(reader: Reader, classes: list[str], via: str | None = None, limit: int = 12) -> str:
    """A short list of the names the user could have meant, for error messages."""
    names: set[str] = set()
    for c in classes:
        for q in reader.quads(p=RDF_TYPE, o=c):
            if via and not any(True for _ in reader.quads(p=via, o=q.subject.value)):
                continue
            best = best_name([nq.object for nq in reader.quads(q.subject.value, f"{S}name")
                               if isinstance(nq.object, ox.Literal)])
            if best:
                names.add(best)
    shown = sorted(names)[:limit]
    return ", ".join(shown) + (" ..." if len(names) > limit else "") if shown else "none"


def _director(reader: Reader, name: str) -> Selection:
    people = [p for p in find_by_name(reader, name, [f"{S}Person"])
              if any(True for _ in reader.quads(p=f"{S}director", o=p))]
    if not people:
        raise ViewError(f"no director named {name!r} in the store; directors: "
                        f"{_names_of(reader, [f'{S}Person'], via=f'{S}director')}")
    nodes, focus = set(people), set(people)
    for person in people:
        for q in reader.quads(p=f"{S}director", o=person):
            film = q.subject.value
            if not reader.drawable(film):
                continue
            nodes.add(film)
            for dq in reader.quads(film, f"{S}director"):  # co-directors
                nodes.add(dq.object.value)
            for rq in reader.quads(p=f"{S}itemReviewed", o=film):  # the reviews of each film
                nodes.add(rq.subject.value)
    return Selection({n for n in nodes if reader.drawable(n)}, focus)


def _film(reader: Reader, title: str) -> Selection:
    films = find_by_name(reader, title, [f"{S}Movie"])
    if not films:
        raise ViewError(f"no film titled {title!r} in the store; films: {_names_of(reader, [f'{S}Movie'])}")
    nodes, focus = set(films), set(films)
    for film in films:
        for p in (f"{S}director", f"{S}actor"):
            for q in reader.quads(film, p):
                nodes.add(q.object.value)
                for aq in reader.quads(q.object.value, f"{S}actor"):  # a PerformanceRole's actor
                    nodes.add(aq.object.value)
        for rq in reader.quads(p=f"{S}itemReviewed", o=film):
            nodes.add(rq.subject.value)
    return Selection({n for n in nodes if reader.drawable(n)}, focus)


def _review(reader: Reader, key: str) -> Selection:
    """A review by its id (``one-second-2021-by-john-li``), its IRI, or the title of its film."""
    reviews = []
    if key.startswith(("http://", "https://")):
        candidate = key
    else:
        candidate = f"{reader.base}review/{key}" if re.fullmatch(r"[\w.-]+", key) else ""
    if f"{S}Review" in reader.types(candidate):
        reviews = [candidate]
    else:
        for film in find_by_name(reader, key, [f"{S}Movie"]):
            reviews += [q.subject.value for q in reader.quads(p=f"{S}itemReviewed", o=film)]
    reviews = sorted(set(reviews))
    if not reviews:
        ids = sorted(q.subject.value.rsplit("/", 1)[-1] for q in reader.quads(p=RDF_TYPE, o=f"{S}Review"))
        raise ViewError(f"no review with id {key!r} or of a film titled {key!r}; reviews: "
                        f"{', '.join(ids[:12]) or 'none'}")
    nodes, focus = set(reviews), set(reviews)
    for review in reviews:
        for p in (f"{S}itemReviewed", f"{S}author", f"{S}mentions"):
            nodes.update(q.object.value for q in reader.quads(review, p))
    return Selection({n for n in nodes if reader.drawable(n)}, focus)


def _neighbours(reader: Reader, iri: str) -> set[str]:
    out = {q.object.value for q in reader.quads(iri) if isinstance(q.object, ox.NamedNode)
           and q.predicate.value not in HIDDEN_PREDICATES}
    inc = {q.subject.value for q in reader.quads(o=iri) if isinstance(q.subject, ox.NamedNode)
           and q.predicate.value not in HIDDEN_PREDICATES}
    return {n for n in out | inc if reader.drawable(n)}


def _focus(reader: Reader, label: str, depth: int) -> Selection:
    start = find_by_name(reader, label)
    if not start:
        raise ViewError(f"nothing named {label!r} in the store")
    if depth < 0:
        raise ViewError(f"--depth must be 0 or more, got {depth}")
    seen, frontier = set(start), set(start)
    for _ in range(depth):
        frontier = {n for f in frontier for n in _neighbours(reader, f)} - seen
        seen |= frontier
    return Selection(seen, set(start))


def find_query(name_or_file: str, queries_dir: Path | None = None) -> Path:
    """``--query``: a file path, or the name of a query in ``queries/`` (``films-by-director``)."""
    path = Path(name_or_file)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise ViewError(f"no query file {path}")
        return path
    folder = queries_dir or QUERIES_DIR
    candidate = folder / f"{name_or_file}.rq"
    if not candidate.is_file():
        known = sorted(p.stem for p in folder.glob("*.rq")) if folder.is_dir() else []
        raise ViewError(f"no query named {name_or_file!r} in {folder}; known: {', '.join(known) or 'none'}")
    return candidate


QUERIES_DIR = Path(__file__).resolve().parent / "queries"
if not QUERIES_DIR.exists():  # a source checkout: queries/ sits at the repo root
    QUERIES_DIR = Path(__file__).resolve().parents[2] / "queries"


def _shown(path: Path) -> Path:
    """A path as the user would type it: relative to the working directory when under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _query(reader: Reader, name_or_file: str, queries_dir: Path | None) -> Selection:
    path = find_query(name_or_file, queries_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ViewError(f"cannot read query {path}: {exc}") from None
    shown = _shown(path)
    try:
        result = reader.store.query(text)
    except QueryError as exc:
        raise ViewError(f"{shown}: {exc}") from None
    if not isinstance(result, ox.QueryTriples):
        raise ViewError(f"{shown}: --query draws CONSTRUCT or DESCRIBE results; this query is a SELECT or ASK")
    triples: list[tuple[str, str, str]] = []
    nodes: set[str] = set()
    for t in result:
        s, p, o = t.subject, t.predicate, t.object
        if not isinstance(s, ox.NamedNode):
            continue
        nodes.add(s.value)
        if isinstance(o, ox.NamedNode) and p.value not in HIDDEN_PREDICATES:
            nodes.add(o.value)
            triples.append((s.value, p.value, o.value))
    return Selection(nodes, set(), triples)

# --- the graph ------------------------------------------------------------------------------------


def view_graph(store: FilmStore, spec: ViewSpec, queries_dir: Path | None = None) -> nx.DiGraph:
    """The networkx graph a view draws: node attribute ``entity``, edge attributes ``relations``
    (labels), ``evidence`` and ``polarity``; graph attributes ``title`` and ``focus``."""
    reader = Reader(store)
    selection = select(store, spec, queries_dir)
    st = Statements(reader).read(selection.nodes)  # all the drawn nodes need, in a few queries
    g = nx.DiGraph(title=spec.title, focus=sorted(selection.focus))
    for iri in sorted(selection.nodes):
        g.add_node(iri, entity=describe(st, iri))
    g.graph["title"] = _title(spec, [g.nodes[f]["entity"].label for f in g.graph["focus"]])
    if selection.total is not None:  # a budget chose the nodes: what the page says was left out
        kept = {}
        for n in g.nodes:
            kept[g.nodes[n]["entity"].type.name] = kept.get(g.nodes[n]["entity"].type.name, 0) + 1
        g.graph["left_out"] = {"total_nodes": selection.total, "total_edges": selection.total_edges,
                               "by_type": {t: c - kept.get(t, 0) for t, c in sorted(
                                   selection.omitted_by_type.items(), key=lambda tc: (-(tc[1] - kept.get(tc[0], 0)), tc[0]))
                                   if c > kept.get(t, 0)}}
    if selection.triples is not None:
        for s, p, o in selection.triples:
            _add_edge(g, s, o, EDGE_LABELS.get(p, local_name(p)))
        return g
    roles_by_film: dict[str, set[str]] = {}
    for iri in sorted(selection.nodes):
        for p, o in st.about[iri]:
            if not isinstance(o, ox.NamedNode) or o.value not in selection.nodes or p in HIDDEN_PREDICATES:
                continue
            if p == f"{S}actor" and g.nodes[o.value]["entity"].type.key == "role":
                roles_by_film.setdefault(iri, set()).update(a.value for a in st.objects(o.value, f"{S}actor"))
                _add_edge(g, iri, o.value, "cast")
                continue
            label = "played by" if p == f"{S}actor" and g.nodes[iri]["entity"].type.key == "role" else EDGE_LABELS.get(p, local_name(p))
            _add_edge(g, iri, o.value, label)
    # the direct film -> actor link is implied by film -> role -> actor: draw it once, through the role
    for film, actors in roles_by_film.items():
        for actor in actors:
            if g.has_edge(film, actor) and g.edges[film, actor]["relations"] == ["cast"]:
                g.remove_edge(film, actor)
    _fold_comparisons(st, g)
    return g


def _title(spec: ViewSpec, focus_labels: list[str]) -> str:
    """The page title, naming what was found (``Hero (2002)``) rather than what was typed (``hero``)."""
    if not focus_labels or spec.preset in ("whole", "query"):
        return spec.title
    found = "; ".join(sorted(focus_labels))
    if spec.preset == "director":
        return f"Filmography: {found}"
    if spec.preset == "film":
        return f"Cast and roles: {found}"
    if spec.preset == "review":
        return "References in the " + found[0].lower() + found[1:] if found.startswith("Review of") else f"References in {found}"
    return f"Around {found} (depth {spec.depth})"


def _add_edge(g: nx.DiGraph, s: str, o: str, label: str) -> None:
    if s == o:
        return
    if g.has_edge(s, o):
        if label not in g.edges[s, o]["relations"]:
            g.edges[s, o]["relations"].append(label)
    else:
        g.add_edge(s, o, relations=[label], evidence=[], polarity=None)


def _fold_comparisons(st: Statements, g: nx.DiGraph) -> None:
    """Each ``fg:Comparison`` of a drawn film becomes the label (its cue), colour (polarity) and
    evidence of its edge: in IRI order in a budgeted view of a big store, else in the store's order."""
    subjects = st.read_incoming(fg("comparisonSubject"), g.nodes)
    drawn = {c for n in g.nodes for c in subjects[n]}
    if "left_out" in g.graph:
        comparisons = sorted(drawn)
    else:
        typed = (q.subject.value for q in st.reader.quads(p=RDF_TYPE, o=fg("Comparison")))
        comparisons = [c for c in dict.fromkeys(typed) if c in drawn]
    st.read_about(comparisons)
    st.read_evidence(comparisons)
    for c in comparisons:
        props: dict[str, list[str]] = {}
        for p, o in st.about[c]:
            props.setdefault(p, []).append(term_text(o))
        subj, obj = props.get(fg("comparisonSubject"), [None])[0], props.get(fg("comparisonObject"), [None])[0]
        if subj not in g or obj not in g or subj == obj:
            continue
        _add_edge(g, subj, obj, "compared to")
        edge = g.edges[subj, obj]
        edge.setdefault("cues", set()).update(props.get(fg("cue"), []))
        cues = sorted(edge["cues"])
        edge["relations"] = [r for r in edge["relations"] if not r.startswith("compared to")] + [
            "compared to" + (f" ({'; '.join(cues)})" if cues else "")]
        polarity = props.get(fg("polarity"), [None])[0]
        edge["polarity"] = local_name(polarity) if polarity else edge["polarity"]
        edge["evidence"] += [e.as_dict() for e in evidence_for(st, c)]
