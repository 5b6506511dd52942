"""Review datasets (CSV, TSV, JSON Lines): one review per row, streamed.

Rows are read one at a time, so a build's memory does not grow with the file. Each row becomes a
``ReviewSource`` of kind ``row`` named ``FILE#KEY`` (the row's ``id`` column if it has one,
else ``row=N``, N counting data rows from 1): that is the row's identity, and its bytes are the
row's mapped values, so editing one row rebuilds only that review.

A row is read by writing its columns out as a review in the plain-text layout (title line,
``Director: ...`` lines, ``Movie Review:``, the text, ``Review by ...``) for the text reader;
the score, date and URL columns, which that layout has no line for, are laid over the result.

Columns are found by their usual names (``DEFAULT_COLUMNS``); ``--columns text=review,title=movie``
names them where a dataset calls them something else.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Iterator, Mapping

from ..errors import ReadError
from ..models import ReviewSource
from ..settings import Settings
from . import Prepared
from .encoding import encoding_of

#: field -> the column names it is found under by default (compared lower case, ``_``/``-``/space alike)
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("review", "text", "review text", "review body", "body", "content", "comment"),
    "title": ("title", "movie", "film", "movie title", "film title", "movie name", "film name"),
    "year": ("year", "release year", "movie year", "film year"),
    "original_title": ("original title",),
    "director": ("director", "directors", "directed by"),
    "cast": ("cast", "actors", "starring", "stars"),
    "genre": ("genre", "genres"),
    "runtime": ("runtime", "running time", "duration", "length"),
    "rating": ("rating", "content rating", "certificate", "certification"),
    "score": ("score", "rating value", "review score", "grade"),
    "best": ("best", "best rating", "out of", "max score", "scale"),
    "reviewer": ("reviewer", "author", "critic", "critic name", "user", "username", "by"),
    "date": ("date", "review date", "published", "date published"),
    "url": ("url", "link", "review url", "source url"),
    "synopsis": ("synopsis", "plot", "summary"),
    "verdict": ("verdict",),
    "id": ("id", "review id", "row id", "key"),
}
FIELDS = tuple(DEFAULT_COLUMNS)

#: field -> its label in the plain-text layout
_TEXT_LABELS = {"genre": "Genre", "director": "Director", "cast": "Cast", "runtime": "Runtime",
                "rating": "Rating", "original_title": "Original Title"}


def parse_columns(spec: str | None) -> dict[str, str]:
    """``text=review,title=movie`` -> ``{"text": "review", "title": "movie"}``; bad specs raise."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field = field.strip().lower()
        if not sep or not column.strip():
            raise ReadError("--columns", f"{part.strip()!r} is not FIELD=COLUMN (e.g. text=review,title=movie)")
        if field not in DEFAULT_COLUMNS:
            raise ReadError("--columns", f"unknown field {field!r}; fields are: {', '.join(FIELDS)}")
        mapping[field] = column.strip()
    return mapping


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(name).strip().lower())


def resolve_columns(header: list[str], explicit: Mapping[str, str], name: str) -> dict[str, str]:
    """field -> column actually in ``header``: explicit ones (which must exist), then defaults."""
    by_norm = {_norm(h): h for h in header}
    chosen: dict[str, str] = {}
    for field, column in explicit.items():
        if column in header:
            chosen[field] = column
        elif _norm(column) in by_norm:
            chosen[field] = by_norm[_norm(column)]
        else:
            raise ReadError(name, f"--columns names column {column!r} for {field}, but the file's columns are: "
                                  f"{', '.join(header) or '(none)'}")
    taken = set(chosen.values())
    for field, candidates in DEFAULT_COLUMNS.items():
        if field in chosen:
            continue
        for candidate in candidates:
            column = by_norm.get(candidate)
            if column is not None and column not in taken:
                chosen[field] = column
                taken.add(column)
                break
    if "text" not in chosen:
        raise ReadError(name, "no review text column (looked for: " + ", ".join(DEFAULT_COLUMNS["text"])
                              + "); name it with --columns text=COLUMN")
    return chosen


def iter_rows(path: Path, settings: Settings) -> Iterator[ReviewSource | ReadError]:
    """One ``ReviewSource`` (kind ``row``) per row of a CSV, TSV or JSON Lines file, or a ``ReadError``."""
    name = str(path)
    try:
        explicit = parse_columns(settings.dataset_columns)
        if not path.exists():
            yield ReadError(name, "no such file")
            return
        with path.open("rb") as fh:
            codec = encoding_of(fh.read(4))
        with path.open("r", encoding=codec, newline="") as fh:
            if path.suffix.lower() in (".jsonl", ".ndjson"):
                yield from _jsonl_rows(fh, name, explicit, settings)
            else:
                yield from _csv_rows(fh, name, explicit, settings, "\t" if path.suffix.lower() == ".tsv" else ",")
    except ReadError as exc:
        yield exc
    except UnicodeDecodeError as exc:
        what = "UTF-16" if codec == "utf-16" else "UTF-8"
        yield ReadError(name, f"not valid {what} (byte offset {exc.start} of a read block); "
                              "save it as UTF-8 or UTF-16 with a byte-order mark")
    except PermissionError:
        yield ReadError(name, "permission denied")
    except csv.Error as exc:
        yield ReadError(name, f"not readable as CSV: {exc}")
    except OSError as exc:
        yield ReadError(name, f"cannot be read ({exc.strerror or exc})")


def _csv_rows(fh, name: str, explicit: Mapping[str, str], settings: Settings,
              delimiter: str) -> Iterator[ReviewSource | ReadError]:
    csv.field_size_limit(max(settings.max_review_bytes, 131072))
    reader = csv.reader(fh, delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise ReadError(name, "empty file")
    if "\x00" in "".join(header):
        raise ReadError(name, "binary file (contains NUL bytes), not a review dataset")
    header = [h.strip() for h in header]
    columns = resolve_columns(header, explicit, name)
    for n, values in enumerate(reader, start=1):
        if not any(v.strip() for v in values):
            continue
        yield _row_source(name, n, dict(zip(header, values)), columns, settings)


def _jsonl_rows(fh, name: str, explicit: Mapping[str, str], settings: Settings) -> Iterator[ReviewSource | ReadError]:
    """Each object names its own columns (objects may leave keys out); the mapping is cached by keys."""
    mappings: dict[tuple[str, ...], dict[str, str] | ReadError] = {}
    n = 0
    for line_no, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        n += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(f"{name}#row={n}", f"line {line_no} is not JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            yield ReadError(f"{name}#row={n}", f"line {line_no} is not a JSON object")
            continue
        row = {str(k): _flat(v) for k, v in obj.items()}
        keys = tuple(row)
        if keys not in mappings:
            try:
                mappings[keys] = resolve_columns(list(keys), explicit, f"{name}#row={n}")
            except ReadError as exc:
                mappings[keys] = exc
            if len(mappings) > 64:  # keys that differ on every line: nothing worth caching
                mappings = {keys: mappings[keys]}
        columns = mappings[keys]
        if isinstance(columns, ReadError):
            yield ReadError(f"{name}#row={n}", columns.problem)
            continue
        yield _row_source(name, n, row, columns, settings)


def _flat(value: object) -> str:
    """A JSON value as column text: lists of names joined with commas, objects by their name."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return _flat(value.get("name", ""))
    return str(value)


def _row_source(name: str, n: int, row: Mapping[str, str], columns: Mapping[str, str],
                settings: Settings) -> ReviewSource | ReadError:
    values = {field: (row.get(column) or "").strip() for field, column in columns.items()}
    key = values.pop("id", "")
    row_name = f"{name}#id={key}" if key else f"{name}#row={n}"
    if not values.get("text"):
        return ReadError(row_name, "no review text in this row")
    data = json.dumps({k: v for k, v in sorted(values.items()) if v}, ensure_ascii=False).encode("utf-8")
    if len(data) > settings.max_review_bytes:
        return ReadError(row_name, f"row is over the {settings.max_review_bytes:,}-byte limit for one review")
    return ReviewSource(row_name, data, kind="row")


def prepare_row(source: ReviewSource) -> Prepared:
    """A row's values as review text in the plain-text layout, and the fields that layout lacks."""
    values: dict[str, str] = json.loads(source.data.decode("utf-8"))
    if values.get("rating") and not values.get("score") and _score(values["rating"], "") is not None:
        values["score"] = values.pop("rating")  # "rating: 4" is a score, "rating: PG-13" a certificate
    lines: list[str] = []
    header = any(values.get(f) for f in ("title", *_TEXT_LABELS))
    title = values.get("title", "")
    if title:
        year = values.get("year", "")
        lines.append(title if not year or re.search(r"\((18|19|20)\d\d\)\s*$", title) else f"{title} ({year})")
    elif values.get("year"):
        lines.append(f"Year: {values['year']}")
    for field, label in _TEXT_LABELS.items():
        if values.get(field):
            lines.append(f"{label}: {_one_line(values[field])}")
    if values.get("synopsis"):
        lines.append(f"Synopsis: {_one_line(values['synopsis'])}")
    if header:
        lines.append("Movie Review:")
    lines.append(values["text"])
    if values.get("verdict"):
        lines.append("Movie Rating:")
        lines.append(values["verdict"])
    if values.get("reviewer"):
        lines.append(f"Review by {_one_line(values['reviewer'])}")
    fields: dict[str, object] = {}
    score = _score(values.get("score", ""), values.get("best", ""))
    if score is not None:
        fields["rating_value"], fields["rating_best"] = score
    if values.get("date"):
        from ..values import parse_date

        fields["date_published"] = parse_date(values["date"])
    if re.match(r"https?://", values.get("url", "")):
        fields["url"] = values["url"]
    return Prepared(text="\n\n".join(lines) + "\n", fields=fields, origin="dataset columns")


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _score(value: str, best: str) -> tuple[float, float] | None:
    """``4`` (of 5), ``8/10``, ``3.5 out of 5``, or a value with a ``best`` column."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:(?:/|out of)\s*(\d+(?:\.\d+)?))?\s*", value)
    if not m:
        return None
    v = float(m.group(1))
    if m.group(2):
        top = float(m.group(2))
    elif re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", best):
        top = float(best)
    else:
        top = 5.0 if v <= 5 else 10.0 if v <= 10 else 100.0  # schema.org's default best is 5
    return (v, top) if 0 <= v <= top else None
