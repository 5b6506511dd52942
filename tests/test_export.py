"""Exports round-trip: Turtle read back by rdflib and by Raptor's rapper with the same count."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from rdflib import Dataset, Graph

from filmgraph.errors import ExportError
from filmgraph.export import FORMATS, export, format_for
from filmgraph.pipeline import build


@pytest.fixture
def built(store, settings, sample_dir):
    report = build([sample_dir], store, settings)
    assert report.ok
    return store


def rapper_count(path, syntax: str) -> int:
    if shutil.which("rapper") is None:
        pytest.skip("rapper (Debian raptor2-utils) is not installed")
    out = subprocess.run(["rapper", "-i", syntax, "-c", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return int(re.search(r"returned (\d+) triples", out.stderr).group(1))


def test_turtle_export_reads_back_with_the_same_triple_count_in_rdflib_and_rapper(built, tmp_path):
    out = tmp_path / "g.ttl"
    n = export(built, FORMATS["turtle"], out)
    assert n > 300
    assert len(Graph().parse(out, format="turtle")) == n
    assert rapper_count(out, "turtle") == n


def test_turtle_export_uses_readable_prefixes(built, tmp_path):
    out = tmp_path / "g.ttl"
    export(built, FORMATS["turtle"], out)
    text = out.read_text()
    assert "@prefix schema: <https://schema.org/> ." in text
    assert "film:hero-2002" in text and "person:zhang-yimou" in text


@pytest.mark.parametrize("name,parser", [("ntriples", "ntriples"), ("xml", "rdfxml")])
def test_other_triple_formats_round_trip_through_rapper(built, tmp_path, name, parser):
    out = tmp_path / f"g.{FORMATS[name].extension}"
    n = export(built, FORMATS[name], out)
    assert rapper_count(out, parser) == n
    assert len(Graph().parse(out, format={"ntriples": "nt", "xml": "xml"}[name])) == n


@pytest.mark.parametrize("name,rdflib_format", [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")])
def test_quad_formats_keep_one_graph_per_review(built, tmp_path, name, rdflib_format):
    out = tmp_path / f"g.{FORMATS[name].extension}"
    n = export(built, FORMATS[name], out)
    ds = Dataset()
    ds.parse(out, format=rdflib_format)
    review_graphs = {str(g.identifier) for g in ds.graphs() if "/graph/review/" in str(g.identifier)}
    assert len(review_graphs) == 10
    assert sum(len(g) for g in ds.graphs()) == n
    assert str(built.iris.meta_graph) not in {str(g.identifier) for g in ds.graphs()}


def test_export_excludes_the_ontology_unless_asked(built, tmp_path):
    without = export(built, FORMATS["turtle"], tmp_path / "a.ttl")
    with_ontology = export(built, FORMATS["turtle"], tmp_path / "b.ttl", include_ontology=True)
    assert with_ontology > without
    assert "owl:Ontology" in (tmp_path / "b.ttl").read_text()


def test_export_is_deterministic(built, tmp_path):
    export(built, FORMATS["turtle"], tmp_path / "a.ttl")
    export(built, FORMATS["turtle"], tmp_path / "b.ttl")
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()


def test_failed_export_leaves_the_previous_file_intact(built, tmp_path, monkeypatch):
    import pyoxigraph

    def broken(*args, **kwargs):
        raise OSError("disk full")

    import filmgraph.export as export_module

    monkeypatch.setattr(pyoxigraph, "serialize", broken)  # the sorted formats' writer
    monkeypatch.setattr(export_module, "dump_default_graph", broken)  # Turtle's
    for name in ("turtle", "trig"):
        out = tmp_path / f"g.{FORMATS[name].extension}"
        out.write_text("previous export\n")
        with pytest.raises(ExportError, match="disk full"):
            export(built, FORMATS[name], out)
        assert out.read_text() == "previous export\n"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}")] == []


def test_format_is_chosen_by_name_or_extension():
    from pathlib import Path

    assert format_for("TTL").name == "turtle"
    assert format_for(None, Path("x.nq")).name == "nquads"
    assert format_for(None, Path("graph")).name == "turtle"  # no extension: the default
    with pytest.raises(ExportError, match="no RDF format has the extension '.unknown'"):
        format_for(None, Path("x.unknown"))  # never silently Turtle under another name
    with pytest.raises(ExportError, match="unknown export format 'yaml'"):
        format_for("yaml")


# --- streaming export (issue 13) ---------------------------------------------------------------


def sorted_export_as_before(store, fmt, include_ontology: bool = False) -> bytes:
    """The export as filmgraph wrote it before it streamed: every quad read into Python and sorted."""
    import io

    import pyoxigraph as ox

    from filmgraph.vocab import prefixes_for

    graphs = store.data_graphs(include_ontology)
    if fmt.keeps_graphs:
        items = sorted(store.quads(graphs), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    else:
        items = sorted(set(q.triple for q in store.quads(graphs)), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    out = io.BytesIO()
    ox.serialize(items, out, fmt.rdf_format, prefixes=prefixes_for(store.iris.base))
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(set(FORMATS) - {"turtle"}))
@pytest.mark.parametrize("include_ontology", [False, True])
def test_streaming_export_is_byte_identical_to_the_sorted_export(built, tmp_path, name, include_ontology):
    out = tmp_path / f"g.{FORMATS[name].extension}"
    n = export(built, FORMATS[name], out, include_ontology=include_ontology)
    assert out.read_bytes() == sorted_export_as_before(built, FORMATS[name], include_ontology)
    assert n > 300


def triples_of(data: bytes, fmt) -> set:
    import pyoxigraph as ox

    return set(ox.parse(data, format=fmt.rdf_format))


@pytest.mark.parametrize("include_ontology", [False, True])
def test_turtle_export_holds_exactly_the_sorted_exports_statements(built, tmp_path, include_ontology):
    out = tmp_path / "g.ttl"
    n = export(built, FORMATS["turtle"], out, include_ontology=include_ontology)
    assert built.keeps_default_graph and built.path is not None  # dumped in the engine's order
    exported = triples_of(out.read_bytes(), FORMATS["turtle"])
    assert exported == triples_of(sorted_export_as_before(built, FORMATS["turtle"], include_ontology), FORMATS["turtle"])
    assert len(exported) == n > 300


def test_turtle_export_writes_each_subject_as_one_block_with_prefixes(built, tmp_path):
    out = tmp_path / "g.ttl"
    export(built, FORMATS["turtle"], out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert "@prefix film: <https://w3id.org/filmgraph/id/film/> ." in lines
    starts = [line.split(" ", 1)[0] for line in lines if line and not line.startswith(("@prefix", "\t"))]
    assert len(starts) == len(set(starts)) > 50  # a subject's statements together, once
    assert "film:hero-2002" in starts


def test_turtle_export_is_the_same_bytes_for_the_same_data_written_in_another_order(built, tmp_path):
    from rdflib import URIRef

    from filmgraph.store import FilmStore

    with FilmStore.open(tmp_path / "again", built.iris) as again:
        for name in reversed(built.data_graphs()):
            again.replace_graph(URIRef(name), list(built.graph(name)), source=name, build_key="again")
        export(again, FORMATS["turtle"], tmp_path / "again.ttl")
    export(built, FORMATS["turtle"], tmp_path / "built.ttl")
    assert (tmp_path / "again.ttl").read_bytes() == (tmp_path / "built.ttl").read_bytes()


def test_turtle_export_of_an_in_memory_store_is_sorted(built, tmp_path):
    """An in-memory store iterates in no fixed order, so its Turtle is sorted, byte for byte as before."""
    from filmgraph.store import FilmStore

    memory = FilmStore.in_memory(built.iris)
    memory.oxigraph.extend(built.quads(built.content_graphs()))
    memory.sync_default_graph()
    assert memory.keeps_default_graph
    export(memory, FORMATS["turtle"], tmp_path / "g.ttl")
    assert (tmp_path / "g.ttl").read_bytes() == sorted_export_as_before(memory, FORMATS["turtle"])


@pytest.mark.parametrize("name", ["trig", "nquads"])
def test_streaming_export_spilling_sorted_runs_to_disk_gives_the_same_bytes(built, tmp_path, monkeypatch, name):
    import filmgraph.export as export_module

    monkeypatch.setattr(export_module, "RUN_BYTES", 2_000)  # dozens of runs, merged
    out = tmp_path / f"g.{FORMATS[name].extension}"
    export(built, FORMATS[name], out)
    assert out.read_bytes() == sorted_export_as_before(built, FORMATS[name])


def test_export_of_a_store_loaded_behind_filmgraphs_back_dedupes_across_graphs(tmp_path, settings):
    """A store with no kept default graph (written before it was kept) exports the same triples."""
    import pyoxigraph as ox

    from filmgraph.iris import Iris
    from filmgraph.store import FilmStore

    store = FilmStore.in_memory(Iris(settings.base_iri))
    s, p = ox.NamedNode("https://w3id.org/filmgraph/id/film/hero-2002"), ox.NamedNode("https://schema.org/name")
    for g in ("a", "b"):
        store.oxigraph.add(ox.Quad(s, p, ox.Literal("Hero", language="en"), ox.NamedNode(f"https://w3id.org/filmgraph/id/graph/review/{g}")))
    assert not store.keeps_default_graph
    out = tmp_path / "g.nt"
    assert export(store, FORMATS["ntriples"], out) == 1
    assert out.read_bytes() == sorted_export_as_before(store, FORMATS["ntriples"])
