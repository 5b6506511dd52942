"""Films and other works: which mentions, across all reviews, are one work.

Mentions are grouped by kind (film, novel, poem, other) and title key (case, accents,
punctuation, a leading *The* ignored). Within a group, dated mentions are one work per year
(years one apart join when they share a director; makers read from text are too noisy to split a
year). A yearless mention joins the dated work when exactly one fits (its director, when it names
one, agrees); with none it is one yearless work, with several it stays
yearless and is reported as a near-miss. A novel and the film named after it differ by kind;
*Coming Home* 1978 and 2014 by year.
"""

from __future__ import annotations

import marshal
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..iris import Iris, slugify
from .mentions import WorkMention
from .names import fold, title_key
from .records import Merge, MentionIris, NearMiss
from .workset import DiskMap, WorkingSet, pack_work_mention, unpack_work_mention

#: (review id, kind, title key, year as written, folded maker or "") -> IRI
WorkKey = tuple[str, str, str, "int | None", str]


@dataclass
class _Work:
    kind: str
    key: str
    year: int | None
    mentions: list[tuple[str, WorkMention]] = field(default_factory=list)
    directors: set = field(default_factory=set)  # person IRIs
    reasons: list[str] = field(default_factory=list)
    suffix: str = ""
    n: int = -1  # its place among all works (the order IRIs are given in)


@dataclass
class WorksResolution:
    by_mention: MentionIris  # WorkKey -> IRI
    merges: list[Merge]
    near_misses: list[NearMiss]


def resolve_works(ws: WorkingSet, iris: Iris, person: Callable[[str, str], str]) -> WorksResolution:
    """The works of the working set's reviews. Mentions are read group by group (kind and title
    key, in order) and each group's works written back to the working set as they are made; only
    the groups another title (original title, AKA) joins are held together (``_join_other_titles``)."""
    # one pass over the reviews: each work mention filed under its group, and the films people act in
    for rm in ws.reviews():
        for i, w in enumerate(rm.works):
            key = title_key(w.title)
            if key:
                ws.insert("work_mention", "INSERT INTO work_mention VALUES (?, ?, ?, ?, ?)",
                          (w.kind, key, rm.review_id, i, pack_work_mention(w)))
                for o in w.other_titles:
                    if (other := title_key(o)) not in ("", key):
                        ws.insert("other_title", "INSERT OR IGNORE INTO other_title VALUES (?, ?, ?)", (w.kind, other, key))
        for p in rm.people:
            if p.role in ("cast", "actor"):
                iri = person(rm.review_id, p.name)
                for t in p.films:
                    ws.insert("acts_in", "INSERT OR IGNORE INTO acts_in VALUES (?, ?)", (iri, title_key(t)))

    def makers(rid: str, w: WorkMention) -> set[str]:
        return {person(rid, m) for m in w.makers}

    def acts_in(iri: str, key: str) -> bool:  # whether the person acts in a film of that title key
        return ws.one("SELECT 1 FROM acts_in WHERE iri = ? AND tkey = ?", (iri, key)) is not None

    # the groups another title may join: those it names, and those that give one
    joining = {(k, t) for k, o, t in ws.query("SELECT kind, okey, tkey FROM other_title").fetchall()} \
        | {(k, o) for k, o, t in ws.query("SELECT kind, okey, tkey FROM other_title").fetchall()}
    held: list[_Work] = []  # the works of those groups, in order
    count = 0

    def put(f: _Work) -> None:
        ws.insert("work", "INSERT INTO work VALUES (?, ?)", (f.n, _pack(f)))

    near: list[tuple] = []  # (work, work, names, reason, reviews), given IRIs below
    for (kind, key), ms in _groups(ws):
        dated: dict[int, list[tuple[str, WorkMention]]] = defaultdict(list)
        yearless: list[tuple[str, WorkMention]] = []
        for rid, w in ms:
            (dated[w.year] if w.year else yearless).append((rid, w))
        found: list[_Work] = []
        for year in sorted(dated):
            found += _split_by_director(kind, key, year, dated[year], makers)
        found = _join_adjacent_years(found)
        for rid, w in sorted(yearless, key=lambda m: (m[0], m[1].title)):
            mine = makers(rid, w)
            fits = [f for f in found if f.year and (not mine or not f.directors or mine & f.directors)]
            agreeing = [f for f in fits if mine & f.directors]
            choice = agreeing if len(agreeing) == 1 else fits
            if len(choice) == 1:
                target = choice[0]
                target.mentions.append((rid, w))
                target.reasons.append(f"{w.title!r} without a year in review {rid} is the only {kind} of that title "
                                      f"that fits ({target.year}{', same director' if agreeing else ''})")
                continue
            misread = _misread_maker(rid, w, mine, found, key, acts_in)
            if misread is not None:
                target, why = misread
                target.mentions.append((rid, w))
                target.reasons.append(why)
                continue
            home = next((f for f in found if f.year is None and (not mine or not f.directors or mine & f.directors)), None)
            if home is None:
                home = _Work(kind, key, None)
                found.append(home)
            home.mentions.append((rid, w))
            home.directors |= mine
            if len(choice) > 1:
                years = ", ".join(str(f.year) for f in choice)
                near.append((home, choice[0], (w.title, _title(choice[0])),
                             f"{w.title!r} without a year in review {rid} could be the {kind} of {years}: "
                             "left yearless", (rid,)))
        dated_works = [f for f in found if f.year]
        if len(dated_works) > 1:
            for a, b in zip(dated_works, dated_works[1:]):
                near.append((a, b, (_title(a), _title(b)),
                             f"same title, different {kind}s: {a.year}{_by(a)} and {b.year}{_by(b)}: kept apart",
                             tuple(sorted({rid for rid, _ in a.mentions + b.mentions}))))
        yearless_works = [f for f in found if not f.year]
        for a, b in zip(yearless_works, yearless_works[1:]):
            near.append((a, b, (_title(a), _title(b)),
                         f"same title, no year, different directors: {_names(a)} and {_names(b)}: kept apart",
                         tuple(sorted({rid for rid, _ in a.mentions + b.mentions}))))
        for f in found:
            f.n = count
            count += 1
            if (kind, key) in joining:
                held.append(f)
            else:
                put(f)

    for f in _join_other_titles(held, near):
        put(f)

    # IRIs: title-year, a director's name when two works would share it, the kind for non-films
    wanted = {f.n for a, b, *_ in near for f in (a, b)}  # the works near-misses name: their IRIs are kept
    iri_by_n: dict[int, str] = {}
    merges: list[Merge] = []
    for blob, in ws.rows("SELECT data FROM work ORDER BY n"):
        f = _unpack(blob)
        base = str(iris.work(_title(f), f.kind, f.year))
        iri = base + f.suffix
        if _taken(ws, iri):  # same title and year: told apart by a director, else by kind
            apart = sorted(d.rsplit("/", 1)[-1] for d in f.directors)[:1] or [slugify(f.kind)]
            iri = f"{base}-{apart[0]}{f.suffix}"
        while _taken(ws, iri):
            iri += "-2"
        ws.insert("taken", "INSERT INTO taken VALUES (?)", (iri,))
        if f.n in wanted:
            iri_by_n[f.n] = iri
        # each mention's IRI; a mention given twice has its last
        for rid, w in f.mentions:
            key = title_key(w.title)
            year = "" if w.year is None else w.year
            ws.insert("work_pair", "INSERT OR REPLACE INTO work_pair VALUES (?, ?, ?, ?, ?, ?)",
                      (f.kind, key, year, "", rid, iri))
            for m in w.makers:
                ws.insert("work_pair", "INSERT OR REPLACE INTO work_pair VALUES (?, ?, ?, ?, ?, ?)",
                          (f.kind, key, year, fold(m), rid, iri))
        minted = sorted({str(iris.work(w.title, w.kind, w.year)) for _, w in f.mentions})
        if len(minted) > 1 or (minted != [iri] and f.reasons):  # a name kept apart from a namesake is no merge
            titles = sorted({w.title for _, w in f.mentions})
            reasons = list(dict.fromkeys(f.reasons))
            by_key: dict[str, list[str]] = defaultdict(list)
            for t in titles:
                by_key[title_key(t)].append(t)
            for spellings in by_key.values():
                if len(spellings) > 1:
                    reasons.insert(0, f"{', '.join(repr(t) for t in spellings)}: the same title once case, accents, "
                                      "punctuation and a leading article are ignored")
            merges.append(Merge("film" if f.kind == "film" else "work", iri, tuple(titles),
                                tuple(m for m in minted if m != iri), tuple(reasons),
                                tuple(sorted({rid for rid, _ in f.mentions}))))
    misses = [NearMiss("film" if a.kind == "film" else "work", (iri_by_n[a.n], iri_by_n[b.n]), names,
                       100.0 * (title_key(names[0]) == title_key(names[1])), reason, reviews)
              for a, b, names, reason, reviews in near]
    return WorksResolution(_mention_iris(ws), merges, misses)


def _groups(ws: WorkingSet) -> Iterator[tuple[tuple[str, str], list[tuple[str, WorkMention]]]]:
    """``((kind, title key), [(review id, mention), ...])`` per group, in order; mentions in
    review-id order, then as their review gives them."""
    current: tuple[str, str] | None = None
    ms: list[tuple[str, WorkMention]] = []
    for kind, key, rid, blob in ws.rows("SELECT kind, tkey, rid, data FROM work_mention ORDER BY kind, tkey, rid, i"):
        if (kind, key) != current:
            if current is not None:
                yield current, ms
            current, ms = (kind, key), []
        ms.append((rid, unpack_work_mention(blob)))
    if current is not None:
        yield current, ms


def _taken(ws: WorkingSet, iri: str) -> bool:
    return ws.one("SELECT 1 FROM taken WHERE iri = ?", (iri,)) is not None


def _mention_iris(ws: WorkingSet) -> MentionIris:
    """Each work mention's IRI as a ``MentionIris``: a key's default is the IRI most of its
    mentions have (the first in IRI order on a tie), the exceptions are kept per review; both in
    the working set."""
    ws.query("""INSERT INTO work_default
                SELECT kind, tkey, year, maker, iri FROM (
                  SELECT kind, tkey, year, maker, iri,
                         row_number() OVER (PARTITION BY kind, tkey, year, maker ORDER BY count(*) DESC, iri) AS k
                  FROM work_pair GROUP BY kind, tkey, year, maker, iri)
                WHERE k = 1""")
    ws.query("""INSERT INTO work_differ
                SELECT p.rid, p.kind, p.tkey, p.year, p.maker, p.iri FROM work_pair p
                JOIN work_default d ON (d.kind, d.tkey, d.year, d.maker) = (p.kind, p.tkey, p.year, p.maker)
                WHERE p.iri != d.iri""")
    return MentionIris(DiskMap(ws, "work_default", ("kind", "tkey", "year", "maker")), _mention_key,
                       DiskMap(ws, "work_differ", ("rid", "kind", "tkey", "year", "maker")))


def _pack(f: _Work) -> bytes:
    return marshal.dumps((f.n, f.kind, f.key, f.year,
                          tuple((rid, (w.title, w.kind, w.year, w.makers, w.reviewed, w.other_titles)) for rid, w in f.mentions),
                          tuple(sorted(f.directors)), tuple(f.reasons), f.suffix))


def _unpack(blob: bytes) -> _Work:
    n, kind, key, year, mentions, directors, reasons, suffix = marshal.loads(blob)
    return _Work(kind, key, year, [(rid, WorkMention(*w)) for rid, w in mentions], set(directors), list(reasons),
                 suffix, n)


def _mention_key(key: WorkKey) -> tuple:
    """A work mention's key without its review: what most reviews' mentions of it share."""
    return key[1:]


def _join_other_titles(works: list[_Work], near: list[tuple]) -> list[_Work]:
    """A work known only by another title a review gives a film (its original title, an AKA) is
    that film: ``Hana-Bi`` without a year is *Fireworks* (1997), whose header says "AKA: Hana-Bi".
    Only when exactly one film of that other title fits (yearless: any year; dated: the same year;
    the director, when both name one, agrees). Two films that share only an original title stay
    apart: the other title finds a film, it never joins two that have titles of their own. A
    yearless work whose own title some dated work has is left to its own title. Near-misses that
    named a work joined here name the work it joined."""
    by_other: dict[tuple[str, str], list[_Work]] = defaultdict(list)
    for f in works:
        for other in sorted({title_key(o) for _, w in f.mentions for o in w.other_titles} - {f.key, ""}):
            by_other[(f.kind, other)].append(f)
    if not by_other:
        return works
    dated_titles = {(f.kind, f.key) for f in works if f.year}
    gone: set[int] = set()
    into: dict[int, _Work] = {}
    for f in works:
        if (f.kind, f.key) not in by_other or (not f.year and (f.kind, f.key) in dated_titles):
            continue
        fits = [t for t in by_other[(f.kind, f.key)] if id(t) not in gone and t is not f
                and (t.year == f.year if f.year else bool(t.year))
                and (not f.directors or not t.directors or f.directors & t.directors)]
        if len(fits) == 1:
            target = fits[0]
            target.mentions += f.mentions
            target.directors |= f.directors
            target.reasons += f.reasons
            target.reasons.insert(0, _other_title_reason(target, f))
            gone.add(id(f))
            into[id(f)] = target
        elif len(fits) > 1:
            years = ", ".join(str(t.year) for t in fits)
            near.append((f, fits[0], (_title(f), _title(fits[0])),
                         f"{_title(f)!r} is another title of more than one {_kind_word(f.kind)} ({years}): kept apart",
                         tuple(sorted({rid for rid, _ in f.mentions}))))

    def final(w: _Work) -> _Work:
        while id(w) in into:
            w = into[id(w)]
        return w

    near[:] = [(final(a), final(b), *rest) for a, b, *rest in near if final(a) is not final(b)]
    return [f for f in works if id(f) not in gone]


def _other_title_reason(target: _Work, f: _Work) -> str:
    """Why ``f``'s mentions are ``target``: the reviews that give its title as the other title."""
    said = sorted({rid for rid, w in target.mentions for o in w.other_titles if title_key(o) == f.key})
    names = sorted({w.title for _, w in f.mentions})
    return (f"{', '.join(repr(n) for n in names)} is the other title (original title or AKA) that review(s) "
            f"{', '.join(said)} give {_title(target)!r}")


def _misread_maker(rid: str, w: WorkMention, mine: set[str], found: list[_Work], key: str,
                   acts_in: Callable[[str, str], bool]) -> tuple[_Work, str] | None:
    """The one dated work of this title, for a yearless mention whose only "director" was read
    from prose and is an actor credited on a film of this title (an actor read as the maker:
    "Zhang Ziyi's Hero"); a header director outweighs that reading. None otherwise: a prose
    director who is no actor of the film may be right (another film of the same title)."""
    dated = [f for f in found if f.year]
    if w.reviewed or not mine or len(dated) != 1 or not dated[0].directors or mine & dated[0].directors:
        return None
    target = dated[0]
    if not any(m.reviewed and m.makers for _, m in target.mentions):
        return None  # its directors too were read from prose: nothing to weigh the reading against
    if not all(acts_in(m, key) for m in mine):
        return None
    names = ", ".join(repr(m) for m in w.makers)
    return target, (f"{w.title!r} without a year in review {rid} is the only dated {_kind_word(w.kind)} of that title "
                    f"({target.year}): its director as read from the text ({names}) acts in it, and a header "
                    "names its director")


def _kind_word(kind: str) -> str:
    return kind if kind != "other" else "work"


def _split_by_director(kind, key, year, ms, makers) -> list[_Work]:
    """One work per title and year, with every director its mentions name: makers read from text
    are too noisy (a character, a novelist) to split a year on; same-titled works of one year are
    left to Wikidata linking."""
    ordered = sorted(ms, key=lambda m: (m[0], m[1].title))
    return [_Work(kind, key, year, list(ordered), {d for rid, w in ordered for d in makers(rid, w)})]


def _join_adjacent_years(found: list[_Work]) -> list[_Work]:
    """Years one apart are one work when they share a director (release and festival years differ)."""
    out: list[_Work] = []
    for f in found:
        prev = out[-1] if out else None
        same = bool(prev is not None and prev.directors & f.directors)
        unknown = bool(prev is not None and (not prev.directors or not f.directors))
        if prev is not None and prev.year and f.year == prev.year + 1 and (same or unknown) \
                and not prev.suffix and not f.suffix:
            keep, drop = (prev, f) if _weight(prev) >= _weight(f) else (f, prev)
            keep.mentions = prev.mentions + f.mentions
            keep.directors = prev.directors | f.directors
            keep.reasons.append(f"{prev.year} and {f.year} are one year apart and "
                                + ("the director is the same" if same else "no director is named for one of them"))
            out[-1] = keep
            continue
        out.append(f)
    return out


def _weight(f: _Work) -> tuple:
    return (sum(1 for _, w in f.mentions if w.reviewed), len(f.mentions), -(f.year or 0))


def _title(f: _Work) -> str:
    """The reviewed film's title first, then the most written title, then the alphabetically first."""
    reviewed = Counter(w.title for _, w in f.mentions if w.reviewed)
    written = Counter(w.title for _, w in f.mentions)
    return min(written, key=lambda t: (-reviewed[t], -written[t], t))


def _names(f: _Work) -> str:
    return ", ".join(sorted(d.rsplit("/", 1)[-1] for d in f.directors)) or "none named"


def _by(f: _Work) -> str:
    return f" (by {', '.join(sorted(d.rsplit('/', 1)[-1] for d in f.directors))})" if f.directors else ""
