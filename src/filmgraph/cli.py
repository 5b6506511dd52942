"""The command line: parse arguments, call one library function, report errors once.

Exit codes: 0 success; 1 the command ran but found a problem (some reviews failed, the graph
does not conform); 2 it could not run (bad usage, no store, ...); 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .errors import FilmGraphError
from .settings import Settings, load_settings

EXIT_OK, EXIT_PROBLEM, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class FilmGraphGroup(click.Group):
    """Turns ``FilmGraphError`` into one ``filmgraph: error: ...`` line and its exit code.

    Anything else is a bug: one line too, and the traceback with ``--debug`` (or FILMGRAPH_DEBUG=1).
    """

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        debug = bool(ctx.params.get("debug")) or os.environ.get("FILMGRAPH_DEBUG", "").lower() in ("1", "true", "yes", "on")
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            _silence_stdout()  # the reader stopped early (`filmgraph export | head`): that is fine
            ctx.exit(EXIT_OK)
        except FilmGraphError as exc:
            if debug:
                raise
            click.echo(f"filmgraph: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("filmgraph: interrupted; every review already written is complete in the store", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            if debug:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"filmgraph: error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(EXIT_ERROR)
        except Exception as exc:
            if debug:
                raise
            click.echo(f"filmgraph: error: internal error ({type(exc).__name__}: {' '.join(str(exc).split())[:300]}); "
                       "run again with --debug for the traceback, and please report it", err=True)
            ctx.exit(EXIT_ERROR)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@dataclass
class App:
    settings: Settings
    quiet: bool

    def store(self, read_only: bool = False):
        from .iris import Iris
        from .store import FilmStore

        return FilmStore.open(self.settings.store_path, Iris(self.settings.base_iri), read_only=read_only)

    def replace_workers(self, workers: int) -> "App":
        return App(self.settings.replace(workers=workers), self.quiet)

    def say(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)


pass_app = click.make_pass_decorator(App)


@click.group(cls=FilmGraphGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--store", "store_path", type=click.Path(path_type=Path), envvar="FILMGRAPH_STORE",
              help="Store directory [default: .filmgraph/store; env FILMGRAPH_STORE].")
@click.option("--base-iri", envvar="FILMGRAPH_BASE_IRI", help="Base IRI for minted entities.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), default=Path("filmgraph.toml"),
              show_default=True, help="Settings file (TOML, a [filmgraph] table).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summaries; errors only.")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error (for bug reports) [env FILMGRAPH_DEBUG=1].")
@click.version_option(__version__, prog_name="filmgraph")
@click.pass_context
def main(ctx: click.Context, store_path: Path | None, base_iri: str | None, config_file: Path, quiet: bool,
         debug: bool) -> None:
    """filmgraph: film reviews in, a linked-data knowledge graph out.

    \b
    Quick start:
      filmgraph build data/reviews --export out/filmgraph.ttl --stats
      filmgraph stats
      filmgraph validate
    """
    named = ctx.get_parameter_source("config_file") is not click.core.ParameterSource.DEFAULT
    settings = load_settings({"store_path": store_path, "base_iri": base_iri}, config_file=config_file,
                             config_required=named)
    ctx.obj = App(settings, quiet)


# --- remote store options (issue 7; used by build and push) ------------------------------------


def _remote_options(f):
    """--endpoint, --update, --graph-store, --user, --password: where a SPARQL server is."""
    for opt in reversed([
        click.option("--endpoint", metavar="URL", help="SPARQL query endpoint [env FILMGRAPH_REMOTE_ENDPOINT]."),
        click.option("--update", "update_url", metavar="URL",
                     help="SPARQL Update endpoint [default: the query endpoint]."),
        click.option("--graph-store", metavar="URL",
                     help="SPARQL 1.1 Graph Store HTTP Protocol endpoint [default: use SPARQL Update]."),
        click.option("--user", help="User name (HTTP Basic or Digest, as the server asks)."),
        click.option("--password", envvar="FILMGRAPH_REMOTE_PASSWORD", show_envvar=True,
                     help="Password; prefer the environment variable (never printed)."),
    ]):
        f = opt(f)
    return f


def _with_remote(app: App, endpoint, update_url, graph_store, user, password) -> None:
    changes = {"remote_endpoint": endpoint, "remote_update": update_url, "remote_graph_store": graph_store,
               "remote_user": user, "remote_password": password}
    app.settings = app.settings.replace(**{k: v for k, v in changes.items() if v is not None})


# --- build -------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--urls", "urls_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Also build the review pages listed in this file (one URL a line, # comments).")
@click.option("--columns", metavar="FIELD=COLUMN,...",
              help="Dataset columns by field, e.g. text=review,title=movie [default: common names].")
@click.option("--export", "export_path", type=click.Path(path_type=Path), help="Also export the store to this file.")
@click.option("--format", "export_format", help="Format of --export (default: from its extension, else Turtle).")
@click.option("--stats", "show_stats", is_flag=True, help="Print the store's counts when done.")
@click.option("--validate", "validate_after", is_flag=True,
              help="Check the store against the SHACL shapes when done (as `validate`; exit code 1 if it does not conform).")
@click.option("--force", is_flag=True, help="Rebuild reviews even when unchanged.")
@click.option("--link", "link_mode", type=click.Choice(["offline", "online", "off"]),
              help="Link to Wikidata after building [default: setting link_on_build, 'offline': "
                   "cache + bundled snapshot, no network].")
@click.option("--no-text", is_flag=True, help="Skip the spaCy text extraction (header statements only).")
@click.option("--workers", type=click.IntRange(min=1), help="Processes for the text extraction [default: 1].")
@click.option("--store", "target", metavar="URL|DIR",
              help="Write into this remote SPARQL store (http(s) URL, see `push`) or store directory.")
@_remote_options
@pass_app
def build(app: App, paths: tuple[str, ...], urls_file: Path | None, columns: str | None, export_path: Path | None, export_format: str | None,
          show_stats: bool, validate_after: bool, force: bool, link_mode: str | None, no_text: bool,
          workers: int | None, target: str | None, endpoint=None, update_url=None, graph_store=None, user=None, password=None) -> None:
    """Read reviews (files, directories, URLs, or - for stdin) into the store.

    Reviews can be plain text (*.txt), Markdown (*.md), web pages (*.html, or http(s) URLs,
    fetched politely and cached) and datasets (*.csv, *.tsv, *.jsonl: one review per row);
    directories are searched recursively for all of these. An unchanged review is skipped; a
    changed one replaces its named graph. A review that cannot be read is reported and the
    others still build; the exit code is then 1.

    \b
    Examples:
      filmgraph build data/reviews
      filmgraph build data/reviews/hero-2002.txt --export out/hero.ttl --stats
      filmgraph build data/reviews --validate
      filmgraph build data/reviews --no-text
      cat data/reviews/hero-2002.txt | filmgraph build -
      filmgraph build data/inputs/the-story-of-qiu-ju-1992.html
      filmgraph build data/inputs/short-reviews.csv --columns text=review,title=movie
      filmgraph build data/reviews --workers 2
      filmgraph build data/reviews --store http://localhost:8890/sparql-auth --user dba
    """
    from .pipeline import build as run_build
    from .read import REVIEW_SUFFIXES

    if workers is not None:
        app.settings = app.settings.replace(workers=workers)
    if columns is not None:
        app.settings = app.settings.replace(dataset_columns=columns)
    paths = paths + _read_url_list(urls_file)
    if not paths:
        raise click.UsageError("give reviews to build: files, directories, URLs, - for stdin, or --urls FILE")
    fetcher = _fetcher(app.settings, paths)
    _with_remote(app, endpoint, update_url, graph_store, user, password)
    target = target or endpoint
    total = _count_inputs(paths, REVIEW_SUFFIXES)
    link_mode = _link_mode(link_mode or app.settings.link_on_build)
    remote = target is not None and _is_url(target)
    if remote and (export_path is not None or show_stats or validate_after):
        raise click.UsageError("--export, --stats and --validate need a local store; query a remote one with SPARQL")
    if target is not None and not remote:
        app.settings = app.settings.replace(store_path=Path(target))
    with (_remote_store(app, target) if remote else app.store()) as store, \
            _text_stage(app, no_text) as stage:
        bar = _progress(app, total, "reviews")
        unknown = 0  # reviews with header labels filmgraph does not know (counted here: the report keeps only some)

        def on_outcome(outcome) -> None:
            nonlocal unknown
            bar.update(1)
            if outcome.status in ("added", "replaced") and any(
                    w.startswith("header label(s) not understood") for w in outcome.warnings):
                unknown += 1
            if outcome.status == "failed":
                bar.write(f"filmgraph: error: {outcome.error}", file=sys.stderr)
            elif outcome.status == "skipped" and outcome.error:
                bar.write(f"filmgraph: warning: {outcome.error}", file=sys.stderr)
            for w in outcome.warnings if outcome.status != "unchanged" else ():  # said when it was built
                if not app.quiet:
                    bar.write(f"filmgraph: warning: {outcome.source}: {w}", file=sys.stderr)

        try:
            report = run_build(paths, store, app.settings, text_stage=stage, on_outcome=on_outcome,
                               force=force, fetcher=fetcher)
        finally:
            bar.close()
        folders = sum(1 for o in report.problems if o.status == "failed" and not o.review_iri and _is_dir(o.source))
        app.say(
            f"built {report.total - folders} review(s): {report.count('added')} added, "
            f"{report.count('replaced')} replaced, {report.count('unchanged')} unchanged, "
            f"{report.count('skipped')} skipped, {report.count('failed') - folders} failed"
            + (f"; {folders} folder(s) unreadable or without reviews" if folders else "")
        )
        if unknown:
            app.say(f"{unknown} review(s) had header labels filmgraph does not know; they are kept as "
                    "fg:HeaderField (see the warnings above, or query fg:fieldLabel)")
        if fetcher is not None:
            app.say(f"web pages: {fetcher.requests} HTTP request(s), {fetcher.cache_hits} read from the page cache")
        r = report.render
        if r is not None:
            app.say(f"resolved {r.reviews} review(s) in the store: {r.merges} merge(s), {r.near_misses} "
                    f"near-miss(es) kept apart; wrote {r.written} graph(s)")
        if remote:
            if link_mode != "off":
                app.say("not linked to Wikidata: linking needs a local store (build locally, link, then push)")
        else:
            _link_after_build(app, store, link_mode)
        if export_path is not None:
            _do_export(app, store, export_path, export_format, include_ontology=False)
        if show_stats:
            _print_stats(store, as_json=False)
        conforms = _validate_store(app, store, workers=app.settings.workers) if validate_after else True
    if not report.ok or not conforms:
        sys.exit(EXIT_PROBLEM)


def _read_url_list(urls_file: Path | None) -> tuple[str, ...]:
    """``--urls FILE``: one URL a line; blank lines and ``#`` comments skipped."""
    if urls_file is None:
        return ()
    lines = urls_file.read_text(encoding="utf-8-sig").splitlines()
    return tuple(ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))


def _fetcher(settings: Settings, paths: tuple[str, ...]):
    """One page fetcher for the whole build (its politeness and memory of failures span both passes)."""
    from .inputs import is_url

    if not any(is_url(p) for p in paths):
        return None
    from .inputs.urls import Fetcher

    return Fetcher(settings)


def _count_inputs(paths: tuple[str, ...], suffixes: tuple[str, ...]) -> int | None:
    from .inputs import DATASET_SUFFIXES

    total = 0
    for raw in paths:
        p = Path(raw)
        if p.suffix.lower() in DATASET_SUFFIXES:
            return None  # a dataset's rows are not counted ahead (it is streamed)
        if raw == "-" or not _is_dir(p):
            total += 1
        else:
            found = [f for _, _, files in os.walk(p) for f in files if Path(f).suffix.lower() in suffixes]
            if any(Path(f).suffix.lower() in DATASET_SUFFIXES for f in found):
                return None
            total += len(found) or 1
    return total


def _is_dir(path: str | Path) -> bool:
    try:
        return Path(path).is_dir()
    except (OSError, ValueError):  # a name too long, ...: the reader reports it
        return False


def _progress(app: App, total: int | None, unit: str):
    from tqdm import tqdm

    # the default format already shows the rate (reviews/s) and the ETA
    return tqdm(total=total, unit=unit[:-1] if unit.endswith("s") else unit, desc=unit,
                disable=True if app.quiet else None, file=sys.stderr, dynamic_ncols=True, smoothing=0.05)


# --- export ------------------------------------------------------------------------------------


@main.command()
@click.option("-f", "--format", "fmt", help="turtle (default), ntriples, nquads, trig, jsonld or xml.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (atomically); default stdout.")
@click.option("--include-ontology", is_flag=True, help="Include the ontology graph.")
@pass_app
def export(app: App, fmt: str | None, output: Path | None, include_ontology: bool) -> None:
    """Export the store. Quad formats (nquads, trig, jsonld) keep one graph per review.

    \b
    Examples:
      filmgraph export -o out/filmgraph.ttl
      filmgraph export --format trig -o out/filmgraph.trig
      filmgraph export --format nquads | gzip > graph.nq.gz
    """
    with app.store(read_only=True) as store:
        _do_export(app, store, output, fmt, include_ontology)


def _do_export(app: App, store, output: Path | None, fmt: str | None, include_ontology: bool) -> None:
    from .export import export as run_export, format_for

    chosen = format_for(fmt, output)
    n = run_export(store, chosen, output, include_ontology=include_ontology)
    if output is not None and str(output) != "-":
        kind = "quads" if chosen.keeps_graphs else "triples"
        app.say(f"wrote {n} {kind} as {chosen.name} to {output}")


# --- stats -------------------------------------------------------------------------------------


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_app
def stats(app: App, as_json: bool) -> None:
    """Count reviews, films, people, organisations, triples and nodes by type.

    \b
    Example:
      filmgraph stats
    """
    with app.store(read_only=True) as store:
        _print_stats(store, as_json)


def _print_stats(store, as_json: bool) -> None:
    from .stats import store_stats

    s = store_stats(store)
    if as_json:
        click.echo(json.dumps({k: v for k, v in s.__dict__.items()}, indent=2, sort_keys=True))
        return
    rows = s.as_rows()
    width = max(len(label) for label, _ in rows)
    for label, n in rows:
        click.echo(f"{label:<{width}}  {n:>8,}")


# --- validate ----------------------------------------------------------------------------------


@main.command()
@click.argument("file", required=False, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--report", "report_path", type=click.Path(path_type=Path), help="Write the SHACL report (Turtle) here.")
@click.option("--workers", type=click.IntRange(min=1), help="Processes for the pySHACL engine [default: 1].")
@click.option("--full", is_flag=True, help="Check every graph again, ignoring the cached verdicts.")
@click.option("--engine", type=click.Choice(["auto", "sparql", "pyshacl"]), default="auto", show_default=True,
              help="How to check a store: the shapes compiled to SPARQL, or pySHACL one graph at a time "
                   "(auto: SPARQL unless the shapes use SHACL it does not translate).")
@pass_app
def validate(app: App, file: Path | None, report_path: Path | None, workers: int | None, full: bool, engine: str) -> None:
    """Check the store (or an RDF FILE) against ontology/shapes.ttl with SHACL.

    A store is checked by the shapes compiled to SPARQL queries over the whole store (pySHACL for
    shapes the compiler does not translate, one graph at a time); verdicts are cached in the
    store, so the next run re-checks only the nodes a change may have touched. A FILE is checked
    with pySHACL. Exit code 0: conforms; 1: does not conform (the report says why); 2: could not run.

    \b
    Examples:
      filmgraph validate
      filmgraph validate --full --report out/shacl-report.ttl
      filmgraph validate --engine pyshacl --workers 2
      filmgraph validate out/filmgraph.ttl --report out/shacl-report.ttl
    """
    from rdflib import Graph

    from .errors import StoreError, ValidationSetupError
    from .export import atomic_write
    from .validate import validate_graph

    if file is None:
        try:  # writable, to keep the verdicts (a missing store is an error, not created here)
            store = app.store() if Path(app.settings.store_path).exists() else app.store(read_only=True)
        except StoreError:
            store = app.store(read_only=True)  # another process has it: check without caching
        with store:
            ok = _validate_store(app, store, workers=workers or app.settings.workers, full=full, engine=engine,
                                 report_path=report_path)
        sys.exit(EXIT_OK if ok else EXIT_PROBLEM)
    try:
        data = Graph().parse(file)
    except Exception as exc:
        raise ValidationSetupError(f"cannot parse {file} as RDF: {_parse_problem(exc)}") from None
    result = validate_graph(data)
    if report_path is not None:
        with atomic_write(report_path) as fh:
            fh.write(result.results_graph.serialize(format="turtle").encode("utf-8"))
    if result.conforms:
        app.say(f"conforms: {len(data)} triples checked against the SHACL shapes")
        sys.exit(EXIT_OK)
    click.echo(result.text)
    sys.exit(EXIT_PROBLEM)


def _validate_store(app: App, store, *, workers: int, full: bool = False, engine: str = "auto",
                    report_path: Path | None = None) -> bool:
    """Validate a store, say what was found (and which engine ran, if not the compiled shapes); True if it conforms."""
    from .export import atomic_write
    from .validate import validate_store

    checked = validate_store(store, workers=workers, use_cache=not full, engine=engine)
    if checked.fallback:
        click.echo(f"filmgraph: warning: validating with pySHACL: {checked.fallback}, which the SPARQL "
                   "compiler does not translate", err=True)
    if report_path is not None:
        with atomic_write(report_path) as fh:
            fh.write(checked.results_graph().serialize(format="turtle").encode("utf-8"))
    reused = f" ({checked.cached} unchanged, from the cache)" if checked.cached else ""
    if checked.conforms:
        app.say(f"conforms: {checked.graphs} graphs, {checked.checked} checked{reused}, against the SHACL shapes")
        return True
    click.echo(checked.text(), nl=False)
    return False


def _parse_problem(exc: Exception) -> str:
    """A parser's complaint in one line, without the raw bytes rdflib quotes."""
    text = " ".join(str(exc).split())
    text = text.split(" at ^ in:")[0].split(' in: "b')[0]
    return (text[:200] + "…") if len(text) > 200 else text or type(exc).__name__


# --- reviews / remove ------------------------------------------------------------------------


@main.command()
@pass_app
def reviews(app: App) -> None:
    """List the reviews in the store: review id, triples, and the file each was built from.

    \b
    Example:
      filmgraph reviews
    """
    with app.store(read_only=True) as store:
        prefix = str(store.iris.review_graph(""))
        for entry in store.stored_graphs():
            if store.iris.is_review_graph(entry.graph_iri):
                size = store.graph_size(entry.graph_iri)
                click.echo(f"{entry.graph_iri[len(prefix):]}\t{size}\t{_tsv_field(entry.source)}")


def _tsv_field(text: str | None) -> str:
    """A file name fit for one TSV field: tab, newline and carriage return written as \\t, \\n, \\r."""
    return (text or "").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@main.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--no-text", is_flag=True, help="The store was built with --no-text.")
@pass_app
def remove(app: App, names: tuple[str, ...], no_text: bool) -> None:
    """Remove reviews from the store, by review id or by the file they were built from.

    The rest are resolved again, so the store equals a build without the removed reviews: their
    mentions no longer hold merges together.

    \b
    Examples:
      filmgraph remove hero-2002-by-benedict-ong
      filmgraph remove data/reviews/hero-2002.txt
    """
    from .pipeline import remove_reviews

    from .wikidata.merge import links_graph

    with app.store() as store, _text_stage(app.replace_workers(1), no_text) as stage:
        for rid, source in remove_reviews(store, app.settings, names, stage):
            app.say(f"removed {rid} ({source})")
        if str(links_graph(store.iris)) in store.named_graphs():  # linked before: link what is left
            _link_after_build(app, store, _link_mode(app.settings.link_on_build))


@main.command(name="resolve")
@click.option("--report", "show_report", is_flag=True, help="List the merges and the near-misses kept apart.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="How to print the report.")
@pass_app
def resolve_command(app: App, show_report: bool, fmt: str) -> None:
    """Show how the store's people, films and works were resolved across reviews.

    Every build resolves the whole store: names that are one person (name order, hyphens,
    short names, Chinese characters and their romanisation, Wikidata aliases) and mentions that
    are one film (a yearless title and its dated film) get one IRI; the other IRIs get
    owl:sameAs to it, and each merge a fg:Merge record in {base}graph/resolution. Near-misses
    (Zhang Yi and Zhang Yimou; Coming Home 1978 and 2014) are kept apart and listed too.

    \b
    Examples:
      filmgraph resolve --report
      filmgraph resolve --report --format json > resolution.json
    """
    from .pipeline import resolve_store
    from .query import display_prefixes

    with app.store(read_only=True) as store:
        resolution = resolve_store(store, app.settings)
    resolution.close()  # what follows is the report: merges and near-misses, not lookups
    if fmt == "json":
        click.echo(json.dumps(resolution.to_json(), indent=2, ensure_ascii=False))
        return
    prefixes = display_prefixes(app.settings.base_iri)

    def short(iri: str) -> str:
        for p, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns):
                return f"{p}:{iri[len(ns):]}"
        return f"<{iri}>"

    if show_report:
        click.echo(f"merges ({len(resolution.merges)})")
        for m in resolution.merges:
            click.echo(f"  {m.kind:<6} {short(m.iri)}  <- {', '.join(short(v) for v in m.variants) or '(same IRI)'}")
            click.echo(f"         names: {', '.join(m.names)}")
            for why in m.reasons:
                click.echo(f"         - {why}")
        click.echo(f"near-misses kept apart ({len(resolution.near_misses)})")
        for n in resolution.near_misses:
            click.echo(f"  {n.kind:<6} {short(n.iris[0])} | {short(n.iris[1])}  (similarity {n.score:.0f})")
            click.echo(f"         - {n.reason}")
    app.say(f"{len(resolution.merges)} merge(s), {len(resolution.near_misses)} near-miss(es) kept apart")


# --- wikidata ----------------------------------------------------------------------------------


def _link_mode(mode: str) -> str:
    """Check ``--link`` / ``link_on_build`` before anything is built."""
    if mode not in ("offline", "online", "off"):
        from .errors import LinkError

        raise LinkError(f"link_on_build must be offline, online or off, not {mode!r}")
    return mode


def _link_after_build(app: App, store, mode: str) -> None:
    """``filmgraph build --link offline|online|off``: link the store's entities once the reviews are in."""
    if mode == "off":
        return
    from .wikidata.merge import link_store

    settings = app.settings.replace(offline=mode != "online")
    report = link_store(store, settings, warn=lambda m: click.echo(f"filmgraph: warning: {m}", err=True))
    app.say(report.summary())


@main.command()
@click.option("--offline", is_flag=True, help="Never touch the network: cache and offline snapshots only.")
@click.option("--review", "review", help="Show the decisions for the entities of this review only "
                                         "(its id, e.g. hero-2002-by-benedict-ong, or its IRI).")
@click.option("--report", "report_path", type=click.Path(path_type=Path),
              help="Write every decision (score, reasons, top candidates) as JSON here.")
@pass_app
def link(app: App, offline: bool, review: str | None, report_path: Path | None) -> None:
    """Link films, people, works and events in the store to Wikidata and merge its facts.

    Writes owl:sameAs and link records (score, reasons) into {base}graph/links and Wikidata's
    statements into {base}graph/wikidata. Answers come from the cache first, then Wikidata; with
    --offline, or once Wikidata proves unreachable, from the bundled and imported snapshots. An
    entity below the link_threshold setting stays unlinked and is listed as ambiguous with its top
    candidates.

    \b
    Examples:
      filmgraph link --offline
      filmgraph link --offline --review hero-2002-by-benedict-ong
      FILMGRAPH_USER_AGENT="mytool/1.0 (me@example.org)" filmgraph link --report out/links.json
    """
    from .export import atomic_write
    from .wikidata.merge import link_store

    settings = app.settings.replace(offline=offline or app.settings.offline)
    with app.store() as store:
        report = link_store(store, settings, warn=lambda m: click.echo(f"filmgraph: warning: {m}", err=True))
        shown = report.decisions
        if review is not None:
            keep = _review_entities(store, review)
            shown = [d for d in report.decisions if d.mention.iri in keep]
    for d in shown:
        click.echo(d.describe())
    if report_path is not None:
        with atomic_write(report_path) as fh:
            fh.write(report.to_json().encode("utf-8"))
        app.say(f"wrote the link report to {report_path}")
    if review is not None:
        def count(status: str) -> int:
            return sum(1 for d in shown if d.status == status)

        app.say(f"review {review}: linked {count('linked')} of {len(shown)} entities; {count('ambiguous')} ambiguous, "
                f"{count('unlinked')} not found, {count('failed')} failed lookups")
    else:
        app.say(report.summary())


def _review_entities(store, review: str) -> set[str]:
    """The entities a review's graph names (as subject or object)."""
    import pyoxigraph as ox

    from .errors import FilmGraphError

    graph = review if review.startswith(("http://", "https://")) else str(store.iris.review_graph(review))
    if graph.startswith(store.iris.base + "review/"):
        graph = str(store.iris.review_graph(graph.rsplit("/", 1)[-1]))
    if graph not in store.named_graphs():
        raise FilmGraphError(f"no review {review!r} in the store (`filmgraph reviews` lists them)")
    rows = store.query("SELECT DISTINCT ?g ?e WHERE { GRAPH ?g { { ?e ?p ?o } UNION { ?s ?p ?e } } FILTER(isIRI(?e)) }",
                       substitutions={ox.Variable("g"): ox.NamedNode(graph)}, union=False)
    return {r["e"].value for r in rows}


@main.group()
def wikidata() -> None:
    """Offline Wikidata snapshots and the response cache.

    \b
    Examples:
      filmgraph wikidata snapshot --from ../shared/wikidata
      filmgraph wikidata import my-films.json
      filmgraph wikidata refresh
    """


@wikidata.command("snapshot")
@click.option("--from", "source", type=click.Path(path_type=Path, file_okay=False), default=Path("../shared/wikidata"),
              show_default=True, help="Folder with fb15k237-entity2wikidata.json and codex-triples.tsv.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Where to write it [default: the bundled data/wikidata].")
@pass_app
def wikidata_snapshot(app: App, source: Path, out: Path | None) -> None:
    """Build the offline snapshot (entities.jsonl.gz, PROVENANCE.md, LICENCE) from real Wikidata data.

    \b
    Example:
      filmgraph wikidata snapshot --from ../shared/wikidata --out data/wikidata
    """
    from .wikidata.snapshot import build_snapshot, bundled_snapshot_dir

    target = out or bundled_snapshot_dir()
    figures = build_snapshot(source, target)
    app.say(f"wrote {figures['entities']} entities and {figures['statements']} statements "
            f"({figures['bytes']:,} bytes) to {target}")


@wikidata.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@pass_app
def wikidata_import(app: App, file: Path) -> None:
    """Load a snapshot you made: wbgetentities JSON, a dump's entity JSON (lines), or SPARQL JSON results.

    It is stored under the wikidata_import_dir setting and used by every later offline lookup.

    \b
    Examples:
      curl -A "me (me@example.org)" "https://www.wikidata.org/w/api.php?action=wbgetentities&ids=Q55430&format=json" > zy.json
      filmgraph wikidata import zy.json
    """
    from .wikidata.snapshot import import_snapshot

    n, target = import_snapshot(file, app.settings.wikidata_import_dir)
    app.say(f"imported {n} entities from {file} into {target}")


@wikidata.command("refresh")
@click.option("--all", "everything", is_flag=True, help="Refresh every cache entry, not only stale ones.")
@pass_app
def wikidata_refresh(app: App, everything: bool) -> None:
    """Fetch again the cached Wikidata answers older than cache_max_age_days (default 30).

    \b
    Example:
      filmgraph wikidata refresh
    """
    from .wikidata.lookup import refresh_cache

    done, failed = refresh_cache(app.settings, everything=everything)
    app.say(f"refreshed {done} cache entr{'y' if done == 1 else 'ies'}; {failed} could not be refreshed")
    if failed:
        sys.exit(EXIT_PROBLEM)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the conflicts as JSON.")
@pass_app
def conflicts(app: App, as_json: bool) -> None:
    """List where reviews and Wikidata disagree (director, year, runtime, cast), with both sources.

    Runs the named query queries/conflicts.rq on the store; needs `filmgraph link` first.

    \b
    Example:
      filmgraph conflicts
    """
    from .wikidata.conflicts import conflicts as find

    with app.store(read_only=True) as store:
        found = find(store)
    if as_json:
        click.echo(json.dumps([c.__dict__ for c in found], indent=2, ensure_ascii=False))
    else:
        for c in found:
            click.echo(c.describe())
    app.say(f"{len(found)} conflict(s)")


# --- extraction ----------------------------------------------------------------------------------


@main.command(name="eval")
@click.option("--gold", "gold_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("tests/data/gold"),
              show_default=True, help="Folder of gold *.json files (each names its review).")
@click.option("--warm", is_flag=True, help="Let the gazetteer know every evaluated review's header first, "
                                          "as a store that already holds them does.")
@click.option("--errors", "show_errors", is_flag=True, help="List every missed and extra item.")
@pass_app
def eval_command(app: App, gold_dir: Path, warm: bool, show_errors: bool) -> None:
    """Score the text extraction against gold files: precision, recall, F1 per category.

    \b
    Examples:
      filmgraph eval
      filmgraph eval --gold tests/data/gold --warm --errors
    """
    from .extract.evaluate import evaluate

    result = evaluate(gold_dir, app.settings, warm=warm)
    click.echo(result.table())
    if show_errors:
        for name, errs in result.errors.items():
            for e in errs:
                click.echo(f"{name}: {e}")


# --- query and serve (SPARQL) --------------------------------------------------------------


@main.command()
@click.argument("query", required=False)
@click.option("-b", "--bind", "binds", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE as an RDF term: <iri>, prefix:local, \"text\"@en, 42, or plain text.")
@click.option("-f", "--format", "fmt", help="SELECT: table (default), csv, tsv, json, xml. "
              "CONSTRUCT/DESCRIBE: turtle (default), ntriples, jsonld, xml. ASK: true/false, or json/xml.")
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many rows (or triples).")
@click.option("--endpoint", metavar="URL", help="Query this SPARQL 1.1 endpoint instead of the store.")
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries and their bindings.")
@pass_app
def query(app: App, query: str | None, binds: tuple[str, ...], fmt: str | None, limit: int | None,
          endpoint: str | None, list_queries: bool) -> None:
    """Run SPARQL on the store: QUERY is SPARQL text, a .rq file, or a bundled query's name.

    The default graph is the union of every graph in the store. Values given with --bind are
    bound as RDF terms, never pasted into the query text.

    \b
    Examples:
      filmgraph query --list
      filmgraph query films-by-director --bind name="Zhang Yimou"
      filmgraph query cast-and-roles --bind film=film:hero-2002 --format csv
      filmgraph query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      filmgraph query queries/films-by-director.rq --format json
      filmgraph query collaborators --endpoint http://127.0.0.1:7878/sparql
    """
    from .errors import QueryError
    from .query import as_target, display_prefixes, named_queries, parse_bindings, run_query

    if list_queries:
        for q in named_queries():
            click.echo(f"{q.name}\n    {q.description}\n    bindings: {q.bindings or 'none'}")
        return
    if not query:
        raise QueryError("give a query (SPARQL text, a .rq file or a bundled query's name), or --list")
    prefixes = display_prefixes(app.settings.base_iri)
    bindings = parse_bindings(binds, prefixes)
    if endpoint:
        result = run_query(as_target(endpoint), query, bindings, limit=limit,
                           max_rows=app.settings.max_result_rows, timeout_s=app.settings.query_timeout_s)
    else:
        with app.store(read_only=True) as store:
            result = run_query(store, query, bindings, limit=limit, max_rows=app.settings.max_result_rows,
                               timeout_s=app.settings.query_timeout_s)
    chosen = fmt or ("turtle" if result.kind == "construct" else "table")
    text = result.serialize(chosen, prefixes, cell_width=60 if sys.stdout.isatty() else None).decode("utf-8")
    click.echo(text, nl=not text.endswith("\n"))
    if result.truncated:
        app.say(f"(stopped at --limit {limit})")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update from clients that send the token "
              "(Authorization: Bearer); refused with 403 otherwise.")
@click.option("--update-token-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="File holding the update token (default: the FILMGRAPH_UPDATE_TOKEN environment variable).")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="An endpoint SERVICE clauses may call (repeatable); none by default.")
@click.option("--timeout", "timeout_s", type=float, help="Per-query time limit in seconds [setting query_timeout_s].")
@click.option("--max-rows", type=click.IntRange(min=1), help="Result-row cap [setting max_result_rows].")
@click.option("--workers", type=click.IntRange(2, 64), default=4, show_default=True,
              help="Worker processes queries run in (at most half of them for long queries).")
@click.option("--memory-mb", type=click.IntRange(64), default=1024, show_default=True,
              help="Memory one query may use (its worker's address-space cap).")
@click.option("--request-timeout", type=click.FloatRange(0.5), default=20.0, show_default=True,
              help="Seconds a client has to send a whole request (slower clients are cut off).")
@click.option("-v", "--verbose", is_flag=True, help="Log every request to stderr.")
@pass_app
def serve(app: App, host: str, port: int, allow_update: bool, update_token_file: Path | None,
          allow_service: tuple[str, ...], timeout_s: float | None, max_rows: int | None, workers: int,
          memory_mb: int, request_timeout: float, verbose: bool) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (read-only unless --allow-update).

    /sparql answers the SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query) in
    JSON, XML, CSV, TSV, Turtle, N-Triples, JSON-LD or RDF/XML by content negotiation;
    /graph-store?graph=IRI downloads a graph; / is a query page for people. Every query runs
    in a worker process that is killed at the time limit.

    \b
    Examples:
      filmgraph serve
      filmgraph serve --port 8890 --timeout 5 --max-rows 50000
      FILMGRAPH_UPDATE_TOKEN=s3cret filmgraph serve --allow-update
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' http://127.0.0.1:7878/sparql
    """
    import os

    from .queryworkers import PoolLimits
    from .server import make_server

    settings = app.settings
    if timeout_s is not None:
        settings = settings.replace(query_timeout_s=timeout_s)
    if max_rows is not None:
        settings = settings.replace(max_result_rows=max_rows)
    token = None
    if allow_update:
        token = (update_token_file.read_text(encoding="utf-8").strip() if update_token_file
                 else os.environ.get("FILMGRAPH_UPDATE_TOKEN", "").strip())
        if len(token) < 16:
            raise FilmGraphError("--allow-update needs a token of at least 16 characters, in "
                                 "$FILMGRAPH_UPDATE_TOKEN or a file given with --update-token-file")
    limits = PoolLimits(workers=workers, heavy_slots=max(1, workers // 2), memory_mb=memory_mb)
    with app.store(read_only=not allow_update) as store:
        server = make_server(store, settings, host, port, allow_update=allow_update, verbose=verbose,
                             limits=limits, update_token=token, allow_service=allow_service,
                             request_timeout_s=request_timeout)
        from .viewroute import mount_views  # graph views at /view (issue 6)

        mount_views(server.app)
        if not allow_update:  # a build may write the store meanwhile: answers follow it
            server.app.follow_store(lambda: app.store(read_only=True))
        click.echo(f"filmgraph: SPARQL endpoint at {server.url}/sparql (query page {server.url}/, graph views "
                   f"{server.url}/view); Ctrl-C stops", err=True)
        import signal

        def stop(*_: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)  # `kill` stops it as Ctrl-C does: workers too
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            app.say("filmgraph: server stopped")
        finally:
            server.server_close()


# --- views ----------------------------------------------------------------------------------------


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="HTML file to write (one self-contained page; works offline).")
@click.option("--director", metavar="NAME", help="A director's filmography.")
@click.option("--film", metavar="TITLE", help="A film's cast and roles.")
@click.option("--review", metavar="ID_OR_FILM", help="A review's references: mentions, comparisons, events.")
@click.option("--focus", metavar="LABEL", help="The neighbourhood of any entity, to --depth.")
@click.option("--depth", type=click.IntRange(0, 10), default=2, show_default=True, help="Hops from --focus.")
@click.option("--query", metavar="NAME_OR_FILE", help="Draw a SPARQL CONSTRUCT: a queries/NAME.rq or a .rq file.")
@click.option("--budget", type=click.IntRange(1), help="Most nodes drawn [default: view_node_budget, 1500].")
@pass_app
def view(app: App, output: Path, director: str | None, film: str | None, review: str | None, focus: str | None,
         depth: int, query: str | None, budget: int | None) -> None:
    """Draw the graph (or part of it) as an interactive HTML page.

    With no preset, the whole graph. Nodes are coloured and shaped by type (legend, click to
    filter), sized by degree; hover for facts, Wikidata link and evidence sentences; search to
    find a node. Above the node budget the most connected nodes are kept and the page says what
    was left out.

    \b
    Examples:
      filmgraph view -o out/graph.html
      filmgraph view --director "Zhang Yimou" -o out/zhang-yimou.html
      filmgraph view --film Hero -o out/hero-cast.html
      filmgraph view --review hero-2002-by-benedict-ong -o out/hero-review.html
      filmgraph view --focus "Cinema Paradiso" --depth 2 -o out/cinema-paradiso.html
      filmgraph view --query queries/film-people.rq -o out/film-people.html
    """
    from .errors import ViewError
    from .view import write_view
    from .viewgraph import ViewSpec

    chosen = [(k, v) for k, v in (("director", director), ("film", film), ("review", review),
                                  ("focus", focus), ("query", query)) if v is not None]
    if len(chosen) > 1:
        raise ViewError("choose one of --director, --film, --review, --focus, --query")
    preset, argument = chosen[0] if chosen else ("whole", None)
    spec = ViewSpec(preset, argument, depth)
    with app.store(read_only=True) as store:
        _page, result = write_view(store, spec, output, budget or app.settings.view_node_budget)
    left_out = (f"; left out {result.omitted_nodes} nodes and {result.omitted_edges} edges (over the budget)"
                if result.omitted_nodes else "")
    app.say(f"wrote {result.title}: {result.nodes} nodes, {result.edges} edges to {output}{left_out}")


# --- remote stores and large builds (issue 7) --------------------------------------------------


def _is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def _remote_store(app: App, url: str | None = None):
    from .iris import Iris
    from .remote import RemoteStore, endpoint_from_settings

    return RemoteStore.connect(endpoint_from_settings(app.settings, url), Iris(app.settings.base_iri))


@contextmanager
def _text_stage(app: App, no_text: bool = False):
    """The build's text stage: the spaCy extraction (or the ``text_stage`` setting's factory),
    in-process or over ``workers`` processes; none with ``--no-text``. What it yields for a review
    depends on that review alone: the store and the other reviews are the resolve stage's."""
    if no_text:
        yield None
        return
    from .parallel import load_factory, text_stage_for

    factory = load_factory(app.settings.text_stage or "filmgraph.extract:make_text_stage")
    stage = text_stage_for(factory, app.settings)
    try:
        yield stage
    finally:
        close = getattr(stage, "close", None)
        if close is not None:
            close()


@main.command()
@_remote_options
@click.option("--changed", "changed_only", is_flag=True,
              help="Skip graphs the server already has with the same build key.")
@pass_app
def push(app: App, endpoint, update_url, graph_store, user, password, changed_only: bool) -> None:
    """Load the store into a remote SPARQL 1.1 server, one named graph per review.

    Each graph is replaced whole (Graph Store Protocol PUT, or DROP + INSERT DATA with SPARQL
    Update), so pushing again never duplicates anything. Big graphs go in batches; transient
    errors are retried; the bookkeeping goes along, so `build --store URL` can carry on.

    \b
    Examples:
      FILMGRAPH_REMOTE_PASSWORD=dba filmgraph push --endpoint http://localhost:8890/sparql-auth \\
          --graph-store http://localhost:8890/sparql-graph-crud-auth --user dba
      filmgraph push --endpoint http://localhost:3030/filmgraph/sparql \\
          --update http://localhost:3030/filmgraph/update --graph-store http://localhost:3030/filmgraph/data \\
          --user admin --password secret
      filmgraph push --endpoint http://localhost:8890/sparql-auth --user dba --changed
    """
    from .remote import _safe_url, push as run_push

    _with_remote(app, endpoint, update_url, graph_store, user, password)
    with app.store(read_only=True) as store, _remote_store(app) as remote:
        total = len(store.content_graphs())
        bar = _progress(app, total, "graphs")
        try:
            report = run_push(store, remote, on_graph=lambda name, n: bar.update(1), changed_only=changed_only)
        finally:
            bar.close()
    skipped = f" ({report.unchanged} unchanged, left alone)" if changed_only else ""
    app.say(f"pushed {report.graphs} graph(s){skipped}, {report.triples:,} triples, to "
            f"{_safe_url(remote.client.endpoint.graph_store or remote.client.endpoint.update_url)} "
            f"in {report.seconds:.1f} s ({report.triples_per_s:,.0f} triples/s)")




if __name__ == "__main__":  # pragma: no cover
    main()
