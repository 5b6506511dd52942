"""One exception tree for filmgraph, rendered once, as one line, at the CLI edge.

::

    FilmGraphError                 exit code 2 unless said otherwise
    ├── SettingsError              a setting (filmgraph.toml, FILMGRAPH_*, an option) is wrong (carries ``origin``)
    ├── ReadError                  a review file cannot be read or parsed (carries ``source``)
    ├── StoreError                 the store cannot be opened, read or written
    ├── ExportError                an export cannot be written
    ├── QueryError                 a SPARQL query is malformed or fails (carries ``position``)
    │   └── QueryLimitError        a query hit the time limit or the result-row cap (carries ``limit``)
    ├── ValidationSetupError       SHACL validation could not run
    ├── ExtractionError            the NLP stage cannot run (model missing, ...)
    ├── LinkError                  Wikidata cannot be reached or answered badly (carries ``entity``)
    └── ViewError                  a graph view cannot be drawn (nothing matches, wrong query kind)
"""

from __future__ import annotations


class FilmGraphError(Exception):
    """Base of every error filmgraph raises on purpose; anything else is a bug."""

    exit_code = 2

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self) -> str:
        return self.message


class ReadError(FilmGraphError):
    """A review could not be read: the message names the file and what is wrong."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}", source=source)
        self.source = source
        self.problem = problem


class SettingsError(FilmGraphError):
    """A setting has a wrong name, type or value: the message names where it came from and the value."""


class StoreError(FilmGraphError):
    """The persistent store could not be opened, read or written."""


class ExportError(FilmGraphError):
    """An export could not be produced or written."""


class QueryError(FilmGraphError):
    """A SPARQL query could not be parsed or evaluated."""

    def __init__(self, message: str, position: str | None = None) -> None:
        super().__init__(message if position is None else f"{message} (at {position})")
        self.position = position


class QueryLimitError(QueryError):
    """A query was stopped by a limit: ``limit`` is ``"time"``, ``"rows"`` or ``"busy"``."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


class ValidationSetupError(FilmGraphError):
    """SHACL validation could not run at all (as opposed to: the data does not conform)."""


class ExtractionError(FilmGraphError):
    """The text extraction stage could not run (for example, no spaCy model installed)."""


class LinkError(FilmGraphError):
    """Wikidata linking failed in a way the caller must hear about."""


class ViewError(FilmGraphError):
    """A graph view could not be drawn: its name matches nothing, or its query is not a CONSTRUCT."""
