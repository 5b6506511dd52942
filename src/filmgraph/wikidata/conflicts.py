"""Where a review and Wikidata disagree (director, year, runtime, cast): the named query ``queries/conflicts.rq``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import QueryError
from ..store import FilmStore

QUERIES_DIR = Path(__file__).resolve().parents[3] / "queries"


def named_query(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    path = QUERIES_DIR / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read the named query {path}: {exc}") from None


@dataclass(frozen=True)
class Conflict:
    film: str
    field: str
    review_value: str
    wikidata_value: str
    review_graph: str
    item: str

    def describe(self) -> str:
        return (f"{self.field} of <{self.film}>: the review says {self.review_value!r} (<{self.review_graph}>), "
                f"Wikidata says {self.wikidata_value!r} (<{self.item}>)")


def conflicts(store: FilmStore) -> list[Conflict]:
    rows = store.query(named_query("conflicts"))
    names = ("film", "field", "reviewValue", "wikidataValue", "reviewGraph", "item")
    return [Conflict(*(r[n].value for n in names)) for r in rows]
