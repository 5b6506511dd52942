"""The resolver's working set on disk: one SQLite file per resolution, removed when it is closed.

Whether two names are one person depends on every review that names either, so the rules see the
whole store at once. What they keep per review (its mentions, the reviews and films filed under
each name, each name's placement, each review's render digest) and per work (every film of a
100,000-row dataset is one) lives here, in tables queried in review-id (or key) order, so the
result is a function of the set of reviews and the build's memory stays flat in their number;
SQLite's page cache (``CACHE_KB``) is the only part in memory. The file is created beside the
store (or in the system's temporary directory) and removed on ``close``, also when a build fails,
and by a finalizer if a caller never closes it. Nothing in it outlives the resolution.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import StoreError
from .mentions import PersonMention, ReviewMentions, WorkMention

#: SQLite's page cache for the working set, in KB (its memory is this, whatever the store holds)
CACHE_KB = 16_000
#: rows buffered in Python before one ``executemany``
BATCH = 5_000

#: the sets a person form files: the reviews naming it, the films credited to it, the films the
#: reviews naming it are about, the films it acts in (``people._Form``)
REVIEWS, FILMS, CONTEXT, ACTS_IN = 0, 1, 2, 3

_SCHEMA = """
CREATE TABLE review (rid TEXT PRIMARY KEY, mentions BLOB NOT NULL, extra BLOB) WITHOUT ROWID;
CREATE TABLE review_key (rid TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE form_item (s INTEGER, key TEXT, item TEXT, PRIMARY KEY (s, key, item)) WITHOUT ROWID;
CREATE TABLE member (root TEXT, name TEXT, rid TEXT, PRIMARY KEY (root, name, rid)) WITHOUT ROWID;
CREATE TABLE person_differ (rid TEXT, name TEXT, iri TEXT NOT NULL, PRIMARY KEY (rid, name)) WITHOUT ROWID;
CREATE TABLE work_mention (kind TEXT, tkey TEXT, rid TEXT, i INTEGER, data BLOB NOT NULL,
                           PRIMARY KEY (kind, tkey, rid, i)) WITHOUT ROWID;
CREATE TABLE other_title (kind TEXT, okey TEXT, tkey TEXT, PRIMARY KEY (kind, okey, tkey)) WITHOUT ROWID;
CREATE TABLE acts_in (iri TEXT, tkey TEXT, PRIMARY KEY (iri, tkey)) WITHOUT ROWID;
CREATE TABLE work (n INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE taken (iri TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE work_pair (kind TEXT, tkey TEXT, year, maker TEXT, rid TEXT, iri TEXT NOT NULL,
                        PRIMARY KEY (kind, tkey, year, maker, rid)) WITHOUT ROWID;
CREATE TABLE work_default (kind TEXT, tkey TEXT, year, maker TEXT, iri TEXT NOT NULL,
                           PRIMARY KEY (kind, tkey, year, maker)) WITHOUT ROWID;
CREATE TABLE work_differ (rid TEXT, kind TEXT, tkey TEXT, year, maker TEXT, iri TEXT NOT NULL,
                          PRIMARY KEY (rid, kind, tkey, year, maker)) WITHOUT ROWID;
"""


def working_set_error(exc: Exception, path: str | None = None) -> StoreError:
    """An SQLite or file error of the working set (a full disk, say) as the one-line error it is."""
    where = f" ({path})" if path else ""
    return StoreError(f"the resolver's working set{where} failed: {exc}")


def _close(conn: sqlite3.Connection, path: str, pid: int) -> None:
    if os.getpid() != pid:
        return  # a forked worker's copy: the file is its parent's
    try:
        conn.close()
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


class WorkingSet:
    """The reviews' mentions and the resolver's indexes, in a temporary SQLite file.

    ``add`` each review's mentions (a review id given twice keeps its last mentions), then
    ``resolve(working_set, iris)``; ``extra`` is any marshal-able value the caller wants back per
    review (``extras``), so the build keeps its per-review bookkeeping here too.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        try:
            fd, path = tempfile.mkstemp(prefix=".filmgraph-resolve-", suffix=".sqlite",
                                        dir=str(directory) if directory is not None else None)
        except OSError:  # a read-only directory: the system's temporary one
            fd, path = tempfile.mkstemp(prefix=".filmgraph-resolve-", suffix=".sqlite")
        os.close(fd)
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._finalizer = weakref.finalize(self, _close, self.conn, path, os.getpid())
        try:
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE",
                           f"cache_size = -{CACHE_KB}", "temp_store = FILE"):
                self.conn.execute(f"PRAGMA {pragma}")
            self.conn.executescript(_SCHEMA)
            self.conn.execute("BEGIN")
        except sqlite3.Error as exc:
            self.close()
            raise working_set_error(exc, path) from None
        self._pending: dict[str, tuple[str, list]] = {}
        self._dirty = False  # rows buffered since the last flush

    # --- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database and remove its file (idempotent)."""
        self._finalizer()

    @contextlib.contextmanager
    def closed_on_failure(self) -> Iterator["WorkingSet"]:
        """Inside it, a failure closes the working set (its file goes) and an SQLite error is
        the one ``StoreError`` naming it; on success it stays open for its owner."""
        try:
            yield self
        except sqlite3.Error as exc:
            self.close()
            raise working_set_error(exc, self.path) from None
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "WorkingSet":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- buffered writes --------------------------------------------------------------------

    def insert(self, table: str, sql: str, row: tuple) -> None:
        """Buffer one row for ``sql`` (an INSERT); written in batches, and before any read."""
        pending = self._pending.get(table)
        if pending is None:
            pending = self._pending[table] = (sql, [])
        pending[1].append(row)
        self._dirty = True
        if len(pending[1]) >= BATCH:
            self.conn.executemany(sql, pending[1])
            pending[1].clear()

    def flush(self) -> None:
        if not self._dirty:
            return
        for sql, rows in self._pending.values():
            if rows:
                self.conn.executemany(sql, rows)
                rows.clear()
        self._dirty = False

    def query(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        if self._dirty:
            self.flush()
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: tuple = ()):
        """The first column of the first row, or None (the lookups' path: kept short)."""
        if self._dirty:
            self.flush()
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # --- reviews ----------------------------------------------------------------------------

    def add(self, rm: ReviewMentions, extra=None) -> None:
        self.insert("review", "INSERT OR REPLACE INTO review VALUES (?, ?, ?)",
                    (rm.review_id, _pack(rm), None if extra is None else marshal.dumps(extra)))

    def add_all(self, reviews: Iterable[ReviewMentions]) -> "WorkingSet":
        for rm in reviews:
            self.add(rm)
        return self

    def __len__(self) -> int:
        return self.one("SELECT count(*) FROM review")

    def reviews(self) -> Iterator[ReviewMentions]:
        """Every review's mentions, in review-id order."""
        for rid, blob in self.rows("SELECT rid, mentions FROM review ORDER BY rid"):
            yield _unpack(rid, blob)

    def mentions(self, rid: str) -> ReviewMentions | None:
        blob = self.one("SELECT mentions FROM review WHERE rid = ?", (rid,))
        return None if blob is None else _unpack(rid, blob)

    def extras(self) -> Iterator[tuple[str, object]]:
        """``(review id, extra)`` of every review, in review-id order."""
        for rid, blob in self.rows("SELECT rid, extra FROM review ORDER BY rid"):
            yield rid, None if blob is None else marshal.loads(blob)

    def rows(self, sql: str, params: Iterable = (), size: int = 1_000) -> Iterator[tuple]:
        """The rows of ``sql`` in pages of ``size`` read at once: a cursor left open while other
        statements run on the connection is fine in SQLite, but reading a page at a time keeps
        what is in flight small and lets the caller write between pages."""
        cursor = self.query(sql, params)
        while True:
            rows = cursor.fetchmany(size)
            if not rows:
                return
            yield from rows

    # --- a person form's sets ---------------------------------------------------------------

    def add_item(self, s: int, key: str, item: str) -> None:
        self.insert("form_item", "INSERT OR IGNORE INTO form_item VALUES (?, ?, ?)", (s, key, item))

    def items(self, s: int, key: str) -> Iterator[str]:
        """The items of one set, in order."""
        for (item,) in self.rows("SELECT item FROM form_item WHERE s = ? AND key = ? ORDER BY item", (s, key)):
            yield item

    def first_common(self, mine: list[tuple[int, str]], theirs: list[tuple[int, str]]) -> str | None:
        """The first (in order) item of the union of the sets ``mine`` that is in the union of
        ``theirs`` (sets as ``(s, key)``); None when they share none."""
        if not mine or not theirs:
            return None
        a = " OR ".join("(x.s = ? AND x.key = ?)" for _ in mine)
        b = " OR ".join("(y.s = ? AND y.key = ?)" for _ in theirs)
        sql = (f"SELECT min(x.item) FROM form_item x WHERE ({a}) AND EXISTS "
               f"(SELECT 1 FROM form_item y WHERE y.item = x.item AND ({b}))")
        return self.one(sql, [v for pair in mine for v in pair] + [v for pair in theirs for v in pair])

    def any_in(self, sets: list[tuple[int, str]], items: set[str]) -> bool:
        """Whether one of ``items`` is in one of ``sets``."""
        for s, key in sets:
            for item in items:
                if self.one("SELECT 1 FROM form_item WHERE s = ? AND key = ? AND item = ?", (s, key, item)):
                    return True
        return False


def _pack(rm: ReviewMentions) -> bytes:
    return marshal.dumps((tuple((p.name, p.role, p.films) for p in rm.people),
                          tuple((w.title, w.kind, w.year, w.makers, w.reviewed, w.other_titles) for w in rm.works)))


def _unpack(rid: str, blob: bytes) -> ReviewMentions:
    people, works = marshal.loads(blob)
    return ReviewMentions(rid, tuple(PersonMention(*p) for p in people), tuple(WorkMention(*w) for w in works))


def pack_work_mention(w: WorkMention) -> bytes:
    return marshal.dumps((w.title, w.kind, w.year, w.makers, w.reviewed, w.other_titles))


def unpack_work_mention(blob: bytes) -> WorkMention:
    return WorkMention(*marshal.loads(blob))


class DiskMap:
    """A read-only mapping from key tuples to IRIs, kept in one of the working set's tables:
    what ``MentionIris`` keeps as its defaults or its exceptions when they grow with the store.
    A ``None`` in a key (a work's missing year) is stored as ``''``."""

    __slots__ = ("ws", "table", "columns", "value", "_get", "_len")

    def __init__(self, ws: WorkingSet, table: str, columns: tuple[str, ...], value: str = "iri") -> None:
        self.ws = ws
        self.table = table
        self.columns = columns
        self.value = value
        self._get = f"SELECT {value} FROM {table} WHERE " + " AND ".join(f"{c} = ?" for c in columns)
        self._len = ws.one(f"SELECT count(*) FROM {table}")

    def get(self, key: tuple, fallback=None):
        if not self._len:
            return fallback
        found = self.ws.one(self._get, key if None not in key else tuple("" if v is None else v for v in key))
        return fallback if found is None else found

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return bool(self._len)

    def items(self) -> Iterator[tuple[tuple, str]]:
        cols = ", ".join(self.columns)
        for row in self.ws.rows(f"SELECT {cols}, {self.value} FROM {self.table} ORDER BY {cols}"):
            yield tuple(None if (c == "year" and v == "") else v for c, v in zip(self.columns, row[:-1])), row[-1]

    def values(self) -> set[str]:
        return {iri for (iri,) in self.ws.rows(f"SELECT DISTINCT {self.value} FROM {self.table}")}

    def has_value(self, iris: Iterable[str]) -> set[str]:
        """Those of ``iris`` that some key here maps to (one scan of the table)."""
        wanted = set(iris)
        if not wanted or not self._len:
            return set()
        found: set[str] = set()
        for (iri,) in self.ws.rows(f"SELECT DISTINCT {self.value} FROM {self.table}"):
            if iri in wanted:
                found.add(iri)
        return found

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DiskMap):
            return dict(self.items()) == dict(other.items())
        if isinstance(other, dict):
            return dict(self.items()) == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"DiskMap({self.table}, {self._len} keys)"
