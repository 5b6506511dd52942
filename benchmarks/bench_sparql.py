"""SPARQL speed: filmgraph's query path against raw pyoxigraph, oxrdflib and plain rdflib, in one run.

Generates a synthetic dataset shaped like filmgraph output (one named graph per review: the
review, its film with cast and director, performance roles, mentions of other films,
comparisons, and the Web Annotation evidence for each statement) as N-Quads, then reports:

* load time: raw pyoxigraph bulk load (on disk), filmgraph's own write path
  (``FilmStore.replace_graph``, one transaction per review graph), oxrdflib, rdflib ``Dataset``;
* median query latency of every named query (bound as a user would bind it) and of the
  aggregate queries, on: filmgraph (``run_query``, with the time limit thread, rows materialised),
  raw pyoxigraph (``Store.query`` + rows materialised), oxrdflib and rdflib (``Dataset.query``);
* endpoint throughput: queries/s from several concurrent client processes over loopback.

rdflib runs each query in a forked child that is killed after ``--rdflib-timeout`` seconds,
so one pathological query cannot stall the benchmark; a killed query is reported as ``>T``.

    python benchmarks/bench_sparql.py --triples 50000          # a quick look (CI, laptops)
    python benchmarks/bench_sparql.py --triples 1000000        # the figures in docs/sparql.md
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402

from filmgraph.iris import Iris  # noqa: E402
from filmgraph.query import resolve_query, run_query  # noqa: E402
from filmgraph.settings import Settings  # noqa: E402
from filmgraph.store import FilmStore, from_ox  # noqa: E402

BASE = "https://w3id.org/filmgraph/id/"
S = "https://schema.org/"
FG = "https://w3id.org/filmgraph/ontology#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
TRIPLES_PER_REVIEW = 200  # roughly, see generate()

WORDS = ("light dust reel sand projector town daughter night river lantern sword palace rain silk "
         "mountain snow letter train soldier song wall garden mirror winter").split()


def generate(n_triples: int, seed: int = 7) -> tuple[str, dict[str, str]]:
    """N-Quads for about ``n_triples`` quads, and IRIs to bind the named queries to."""
    rnd = random.Random(seed)
    n_reviews = max(2, n_triples // TRIPLES_PER_REVIEW)
    n_directors = max(2, n_reviews // 25)
    n_actors = max(10, n_reviews // 3)
    out: list[str] = []
    emit = out.append

    def iri(x: str) -> str:
        return f"<{BASE}{x}>"

    def lit(text: str, lang: str | None = None, dt: str | None = None) -> str:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"@{lang}' if lang else (f'"{text}"^^<{XSD}{dt}>' if dt else f'"{text}"')

    def title(i: int) -> str:
        return f"{WORDS[i % len(WORDS)].title()} {WORDS[(i // 7) % len(WORDS)].title()} {i}"

    a = f"<{RDF_TYPE}>"
    for r in range(n_reviews):
        g = iri(f"graph/review/r{r}")
        rev, film = iri(f"review/r{r}"), iri(f"film/f{r}")
        year = 1950 + r % 74
        director = iri(f"person/d{r % n_directors}")
        troupe = (r % n_directors) * 8  # each director works with a troupe of about 16 actors
        cast = [iri(f"person/a{(troupe + rnd.randrange(16)) % n_actors}") for k in range(6)]
        cast = list(dict.fromkeys(cast))
        reviewer = iri(f"person/critic{r % 40}")

        def q(s: str, p: str, o: str) -> None:
            emit(f"{s} {p} {o} {g} .")

        # the review (header)
        q(rev, a, f"<{S}Review>")
        q(rev, f"<{S}itemReviewed>", film)
        q(rev, f"<{S}author>", reviewer)
        q(reviewer, a, f"<{S}Person>")
        q(reviewer, f"<{S}name>", lit(f"Critic {r % 40}"))
        body = " ".join(rnd.choice(WORDS) for _ in range(60))
        q(rev, f"<{S}reviewBody>", lit(body, "en"))
        q(rev, f"<{S}abstract>", lit(body[:120], "en"))
        rating = iri(f"rating/r{r}")
        q(rev, f"<{S}reviewRating>", rating)
        q(rating, a, f"<{S}Rating>")
        q(rating, f"<{S}ratingExplanation>", lit("A verdict " + rnd.choice(WORDS), "en"))
        # the film (header)
        q(film, a, f"<{S}Movie>")
        q(film, f"<{S}name>", lit(title(r), "en"))
        q(film, f"<{S}name>", lit(f"片{r}", "zh"))
        q(film, f"<{FG}releaseYear>", lit(str(year), dt="gYear"))
        q(film, f"<{S}genre>", lit(rnd.choice(["Drama", "Wuxia", "Comedy", "Thriller"])))
        q(film, f"<{S}duration>", lit(f"PT{90 + r % 60}M", dt="duration"))
        q(film, f"<{FG}runtimeMinutes>", lit(str(90 + r % 60), dt="integer"))
        q(film, f"<{S}director>", director)
        q(director, a, f"<{S}Person>")
        q(director, f"<{S}name>", lit(f"Director {r % n_directors}"))
        release = iri(f"release/f{r}")
        q(film, f"<{S}releasedEvent>", release)
        q(release, a, f"<{S}PublicationEvent>")
        q(release, f"<{S}startDate>", lit(f"{year}-0{1 + r % 9}-1{r % 9}", dt="date"))
        for k, person in enumerate(cast):
            q(film, f"<{S}actor>", person)
            q(person, a, f"<{S}Person>")
            q(person, f"<{S}name>", lit(f"Actor {person[len(BASE) + 9:-1]}"))
        # text: roles, mentions, a comparison, and the evidence for each
        bodies = []
        for k in range(min(3, len(cast))):
            role = iri(f"role/f{r}--{cast[k][len(BASE) + 8:-1]}")
            q(film, f"<{S}actor>", role)
            q(role, a, f"<{S}PerformanceRole>")
            q(role, f"<{S}actor>", cast[k])
            q(role, f"<{S}characterName>", lit(rnd.choice(WORDS) + " keeper"))
            bodies.append((role, "cast"))
        for k in range(4):
            other = rnd.randrange(n_reviews)
            work = iri(f"film/f{other}")
            q(rev, f"<{S}mentions>", work)
            q(work, a, f"<{S}Movie>")
            q(work, f"<{S}name>", lit(title(other)))
            q(work, f"<{FG}workKind>", lit("film"))
            q(work, f"<{S}director>", iri(f"person/d{other % n_directors}"))
            bodies.append((work, None))
        q(rev, f"<{S}mentions>", director)
        bodies.append((director, "director"))
        cmp_ = iri(f"comparison/r{r}--f{other}")
        q(film, f"<{FG}comparedTo>", work)
        q(cmp_, a, f"<{FG}Comparison>")
        q(cmp_, f"<{FG}comparisonSubject>", film)
        q(cmp_, f"<{FG}comparisonObject>", work)
        q(cmp_, f"<{FG}cue>", lit("in the vein of"))
        q(cmp_, f"<{FG}polarity>", f"<{FG}Neutral>")
        q(cmp_, f"<{FG}inReview>", rev)
        bodies.append((cmp_, None))
        for n, (node, mention_role) in enumerate(bodies, 1):
            ann = iri(f"annotation/r{r}/{n}")
            target, sel = iri(f"annotation/r{r}/{n}/target"), iri(f"annotation/r{r}/{n}/selector")
            start = rnd.randrange(0, 300)
            q(ann, a, f"<{OA}Annotation>")
            q(ann, f"<{OA}hasBody>", node)
            q(ann, f"<{OA}hasTarget>", target)
            q(ann, f"<{OA}motivatedBy>", f"<{OA}identifying>")
            q(ann, f"<{PROV}wasGeneratedBy>", iri("extractor/bench"))
            q(ann, f"<{FG}extractor>", lit("bench"))
            q(ann, f"<{FG}confidence>", lit("0.9", dt="decimal"))
            if mention_role:
                q(ann, f"<{FG}mentionRole>", lit(mention_role))
            q(target, f"<{OA}hasSource>", rev)
            q(target, f"<{OA}hasSelector>", sel)
            q(target, f"<{FG}section>", lit("body"))
            q(target, f"<{FG}sentence>", lit(body[start // 2: start // 2 + 80]))
            q(sel, a, f"<{OA}TextPositionSelector>")
            q(sel, f"<{OA}start>", lit(str(start), dt="nonNegativeInteger"))
            q(sel, f"<{OA}end>", lit(str(start + 12), dt="nonNegativeInteger"))
    bindings = {
        "director": f"{BASE}person/d1",
        "film": f"{BASE}film/f1",
        "review": f"{BASE}review/r1",
        "about": f"{BASE}film/f{n_reviews // 2}",
    }
    return "\n".join(out) + "\n", bindings


def queries(b: dict[str, str]) -> list[tuple[str, str, dict[str, str], bool]]:
    """(label, query text, IRI bindings, is aggregate) for each measured query."""
    named = [
        ("films-by-director", {"director": b["director"]}, False),
        ("cast-and-roles", {"film": b["film"]}, False),
        ("compared-works", {"review": b["review"]}, False),
        ("mentioned-works", {"review": b["review"]}, False),
        ("reviews-of-film", {"film": b["film"]}, False),
        ("evidence", {"about": b["about"]}, False),
        ("collaborators", {"director": b["director"]}, False),
    ]
    out = [(name, resolve_query(name), binds, agg) for name, binds, agg in named]
    out.append(("collaborators (all directors)", resolve_query("collaborators"), {}, True))
    out.append(("count by type (GROUP BY)",
                "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)", {}, True))
    out.append(("films per director (GROUP BY)",
                "PREFIX schema: <https://schema.org/> SELECT ?d (COUNT(DISTINCT ?f) AS ?n) "
                "WHERE { ?f a schema:Movie ; schema:director ?d } GROUP BY ?d ORDER BY DESC(?n) LIMIT 10", {}, True))
    return out


def median_ms(fn, runs: int) -> tuple[float, int]:
    fn()  # warm-up (and the row count)
    times, n = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        n = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), n


# --- engines ----------------------------------------------------------------------------


def raw_rows(store: ox.Store, text: str, binds: dict[str, str], union: bool = True) -> int:
    """Rows of raw ``Store.query``: over the union of all graphs, or (``union=False``) the store's
    own default graph, which filmgraph keeps as the set union of its data graphs."""
    res = store.query(text, use_default_graph_as_union=union,
                      substitutions={ox.Variable(k): ox.NamedNode(v) for k, v in binds.items()} or None)
    return len([tuple(s) for s in res])


def rdflib_child(conn, ds, text: str, binds: dict[str, str], runs: int) -> None:
    from rdflib import URIRef

    init = {k: URIRef(v) for k, v in binds.items()}
    times, n = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        n = len(list(ds.query(text, initBindings=init)))
        times.append((time.perf_counter() - t) * 1000)
    conn.send((statistics.median(times), n))


def bench_rdflib(nquads: str, qs, runs: int, timeout: float) -> tuple[float, dict[str, tuple[float | None, int]]]:
    from rdflib import Dataset

    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(data=nquads, format="nquads")
    load = time.perf_counter() - t
    out: dict[str, tuple[float | None, int]] = {}
    ctx = mp.get_context("fork")
    for label, text, binds, _ in qs:
        parent, child = ctx.Pipe()
        p = ctx.Process(target=rdflib_child, args=(child, ds, text, binds, runs))
        p.start()
        p.join(timeout * runs + timeout)
        if p.is_alive():
            p.kill()
            p.join()
            out[label] = (None, -1)
        else:
            out[label] = parent.recv() if parent.poll() else (None, -1)
        print(f"  rdflib {label}: {fmt(out[label][0], timeout)}", file=sys.stderr, flush=True)
    del ds
    gc.collect()
    return load, out


def bench_oxrdflib(nquads: str, qs, runs: int) -> tuple[float, dict[str, tuple[float, int]]]:
    from rdflib import Dataset, URIRef

    t = time.perf_counter()
    ds = Dataset(store="Oxigraph", default_union=True)
    ds.parse(data=nquads, format="ox-nquads")
    load = time.perf_counter() - t
    out = {}
    for label, text, binds, _ in qs:
        init = {k: URIRef(v) for k, v in binds.items()}
        out[label] = median_ms(lambda: len(list(ds.query(text, initBindings=init))), runs)
    del ds
    gc.collect()
    return load, out


# --- endpoint throughput ------------------------------------------------------------------


def client(url: str, bodies: list[str], seconds: float, q) -> None:
    import requests

    s = requests.Session()
    done = errors = 0
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        r = s.post(url, data={"query": bodies[i % len(bodies)]}, headers={"Accept": "application/sparql-results+json"})
        done += r.status_code == 200
        errors += r.status_code != 200
        i += 1
    q.put((done, errors))


def bench_endpoint(store: FilmStore, qs, clients: int, seconds: float) -> tuple[float, int]:
    from filmgraph.query import sparql_term
    from filmgraph.server import make_server

    srv = make_server(store, Settings(query_timeout_s=30, max_result_rows=100_000))
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    # the bound named queries, as a remote client sends them (bindings as VALUES)
    from filmgraph.query import _shape, _with_values

    bodies = [_with_values(text, {k: ox.NamedNode(v) for k, v in binds.items()}, _shape(text)) if binds else text
              for label, text, binds, _ in qs if binds]
    assert all(sparql_term(ox.NamedNode(v)) for _, _, b, _ in qs for v in b.values())
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=client, args=(srv.url + "/sparql", bodies, seconds, q)) for _ in range(clients)]
    for p in procs:
        p.start()
    results = [q.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    srv.shutdown()
    srv.server_close()
    return sum(d for d, _ in results) / seconds, sum(e for _, e in results)


def endpoint_only(nquads: str, qs, args) -> None:
    """The endpoint part alone: load filmgraph's store, then queries/s from ``--clients`` processes."""
    from rdflib import URIRef

    with tempfile.TemporaryDirectory() as tmp:
        per_graph: dict[str, list] = defaultdict(list)
        for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
            per_graph[quad.graph_name.value].append((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
        fstore = FilmStore.open(Path(tmp) / "fg", Iris(BASE))
        for gname, triples in per_graph.items():
            fstore.replace_graph(URIRef(gname), triples, source=gname, build_key="bench")
        del per_graph
        fstore.oxigraph.optimize()
        qps, errors = bench_endpoint(fstore, qs, args.clients, args.seconds)
        fstore.close()
    print(f"endpoint: {qps:,.0f} queries/s with {args.clients} concurrent client processes over loopback "
          f"({args.seconds:g} s, bound named queries, JSON results, {errors} errors; "
          f"{nquads.count(chr(10)):,} quads; {os.cpu_count()} CPUs)")


def fmt(ms: float | None, timeout: float) -> str:
    return f">{timeout * 1000:,.0f}" if ms is None else f"{ms:,.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic dataset")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per query (median reported)")
    ap.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds per rdflib query run before giving up")
    ap.add_argument("--skip-rdflib", action="store_true")
    ap.add_argument("--clients", type=int, default=4, help="concurrent endpoint clients")
    ap.add_argument("--seconds", type=float, default=10.0, help="endpoint throughput window")
    ap.add_argument("--endpoint-only", action="store_true",
                    help="only the endpoint throughput (filmgraph's store, written as a build writes it)")
    args = ap.parse_args()

    t = time.perf_counter()
    nquads, binds = generate(args.triples)
    n = nquads.count("\n")
    print(f"generated {n:,} quads in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    qs = queries(binds)
    if args.endpoint_only:
        endpoint_only(nquads, qs, args)
        return

    rdflib_load, rdflib_q = (None, {}) if args.skip_rdflib else bench_rdflib(nquads, qs, max(1, args.runs // 2), args.rdflib_timeout)
    ox_load, oxr_q = bench_oxrdflib(nquads, qs, args.runs)

    with tempfile.TemporaryDirectory() as tmp:
        raw = ox.Store(os.path.join(tmp, "raw"))
        t = time.perf_counter()
        raw.bulk_load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        raw.flush()
        raw_load = time.perf_counter() - t

        # filmgraph's write path: one transaction per review graph, from rdflib terms
        per_graph: dict[str, list] = defaultdict(list)
        for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
            per_graph[quad.graph_name.value].append((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
        from rdflib import URIRef

        fstore = FilmStore.open(Path(tmp) / "fg", Iris(BASE))
        t = time.perf_counter()
        for gname, triples in per_graph.items():
            fstore.replace_graph(URIRef(gname), triples, source=gname, build_key="bench")
        fg_load = time.perf_counter() - t
        del per_graph
        gc.collect()
        # RocksDB compacts in the background after thousands of small transactions, which makes
        # query timings noisy; compact both stores first (filmgraph could do this after a build)
        t = time.perf_counter()
        fstore.oxigraph.optimize()
        raw.optimize()
        optimize_s = time.perf_counter() - t

        raw_q, fg_q, bulk_q = {}, {}, {}  # filmgraph runs with its time-limit thread (limit set high enough)
        for label, text, b, _ in qs:
            # the same on-disk store for both: the difference is filmgraph's query path alone
            raw_q[label] = median_ms(lambda: raw_rows(fstore.oxigraph, text, b, union=False), args.runs)
            bulk_q[label] = median_ms(lambda: raw_rows(raw, text, b), args.runs)
            assert bulk_q[label][1] == raw_q[label][1], f"{label}: bulk-loaded store differs"
            terms = {k: ox.NamedNode(v) for k, v in b.items()}
            fg_q[label] = median_ms(lambda: len(run_query(fstore, text, terms, timeout_s=3600,
                                                          max_rows=None).ox_rows), args.runs)
            assert raw_q[label][1] == fg_q[label][1], f"{label}: row counts differ"
            print(f"  oxigraph {label}: raw {raw_q[label][0]:.2f} ms, filmgraph {fg_q[label][0]:.2f} ms",
                  file=sys.stderr, flush=True)
        # set semantics (issue 11): plain COUNT equals COUNT(DISTINCT) over the default graph, and stats
        from filmgraph.stats import store_stats

        counts = next(iter(fstore.query("PREFIX schema: <https://schema.org/> SELECT (COUNT(?p) AS ?plain) "
                                        "(COUNT(DISTINCT ?p) AS ?distinct) WHERE { ?p a schema:Person }")))
        union_counts = next(iter(raw.query("PREFIX schema: <https://schema.org/> SELECT (COUNT(?p) AS ?plain) "
                                           "(COUNT(DISTINCT ?p) AS ?distinct) WHERE { ?p a schema:Person }",
                                           use_default_graph_as_union=True)))
        t = time.perf_counter()
        stats = store_stats(fstore)
        stats_s = time.perf_counter() - t
        people = (int(counts["plain"].value), int(counts["distinct"].value), stats.people,
                  int(union_counts["plain"].value), int(union_counts["distinct"].value))
        assert people[0] == people[1] == people[2], people
        qps, errors = bench_endpoint(fstore, qs, args.clients, args.seconds)
        fstore.close()
        del raw

    reviews = max(2, args.triples // TRIPLES_PER_REVIEW)
    print(f"\n## SPARQL benchmark: {n:,} quads in {reviews:,} review graphs; median of {args.runs} runs "
          f"(rdflib: {max(1, args.runs // 2)}); {os.cpu_count()} CPUs\n")
    print("| load | seconds |\n|---|---:|")
    print(f"| raw pyoxigraph bulk_load (on disk) | {raw_load:.1f} |")
    print(f"| filmgraph FilmStore.replace_graph, one transaction per review | {fg_load:.1f} |")
    print(f"| (then Store.optimize() on both on-disk stores) | {optimize_s:.1f} |")
    print(f"| oxrdflib Dataset.parse | {ox_load:.1f} |")
    print(f"| rdflib Dataset.parse | {'skipped' if rdflib_load is None else f'{rdflib_load:.1f}'} |")
    print("\nraw pyoxigraph and filmgraph query the same on-disk store (the one filmgraph wrote, whose default "
          "graph is the set union of its review graphs); 'bulk' is raw pyoxigraph on the bulk-loaded on-disk store "
          "(no default graph: Oxigraph's union of the graphs, duplicates and all); oxrdflib holds its store in memory.")
    print("\n| query (ms) | rows | raw pyoxigraph | filmgraph | filmgraph/raw | bulk | oxrdflib | rdflib | rdflib/filmgraph |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, _, _, agg in qs:
        r_ms, rows = raw_q[label]
        f_ms, _ = fg_q[label]
        o_ms, _ = oxr_q[label]
        l_ms = rdflib_q.get(label, (None, -1))[0]
        speedup = "" if l_ms is None else f"{l_ms / f_ms:,.0f}x"
        if l_ms is None and label in rdflib_q:
            speedup = f">{args.rdflib_timeout * 1000 / f_ms:,.0f}x"
        name = label + (" *" if agg else "")
        print(f"| {name} | {rows} | {r_ms:.2f} | {f_ms:.2f} | {f_ms / r_ms:.2f} | {bulk_q[label][0]:.2f} | {o_ms:.2f} | "
              f"{fmt(l_ms, args.rdflib_timeout) if label in rdflib_q else 'skipped'} | {speedup} |")
    print("\n(* aggregate over the whole dataset: GROUP BY with COUNT)")
    print(f"\npeople over the default graph: COUNT {people[0]:,}, COUNT(DISTINCT) {people[1]:,}, stats {people[2]:,} "
          f"({stats_s:.2f} s); over Oxigraph's union of the graphs: COUNT {people[3]:,}, COUNT(DISTINCT) {people[4]:,}")
    print(f"\nendpoint: {qps:,.0f} queries/s with {args.clients} concurrent client processes over loopback "
          f"({args.seconds:g} s, bound named queries, JSON results, {errors} errors)")


if __name__ == "__main__":
    main()
