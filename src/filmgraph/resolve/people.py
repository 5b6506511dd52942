"""People: which names, across all reviews, are one person, and which person a short name means.

Forms are names with the same compact key (``Chiu-wai`` = ``Chiu Wai``, case and diacritics
ignored). Forms are joined when one is the other in the other order and the family name that moves
is a known CJK family name or both are credited on one film (``Yimou Zhang`` = ``Zhang Yimou``);
when a name in Chinese characters reads (pypinyin) as a romanised form it shares a review or a
film with; when Wikidata's snapshot lists both as names of one and only one person. A name that
is a part of a longer one in the same review (``Zhang``, ``Tony Leung``) means that longer one
when exactly one fits, in that review only. Nothing else merges: names that only share a part
(``Zhang Yi``, ``Zhang Yimou``) stay apart and are reported as near-misses, scored with rapidfuzz.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ..iris import Iris
from .mentions import ReviewMentions
from .names import (CJK_FAMILY_NAMES, LABEL_WORDS, compact, fold, has_cjk, is_latin, name_tokens, pinyin_compact,
                    split_tokens, title_key)
from .records import Merge, MentionIris, NearMiss
from .workset import ACTS_IN, CONTEXT, FILMS, REVIEWS, DiskMap, WorkingSet

#: rapidfuzz token_sort_ratio from which two people kept apart are reported as a near-miss
NEAR_MISS_SCORE = 70.0
HEADER_ROLES = ("director", "cast")
#: roles whose films are ones the person acts in (a header's cast, an actor the text gives a character)
ACTING_ROLES = ("cast", "actor")


@dataclass
class _Form:
    """A name's compact key and how it is written. Its sets, which grow with the reviews naming
    it, are in the working set (``workset.REVIEWS``: the reviews naming it; ``FILMS``: title keys
    of the films credited to it; ``CONTEXT``: of the films the reviews naming it are about;
    ``ACTS_IN``: of the films it is credited as acting in)."""

    key: str
    names: Counter = field(default_factory=Counter)
    header: Counter = field(default_factory=Counter)


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class _InReview:
    """Review id -> the form keys of the people it names, read off the review's mentions (in the
    working set) when asked."""

    def __init__(self, ws: WorkingSet) -> None:
        self._ws = ws

    def __getitem__(self, review_id: str) -> set[str]:
        return _keys_named(self._ws.mentions(review_id))


def _keys_named(rm: ReviewMentions) -> set[str]:
    return {k for p in rm.people if (k := compact(p.name))}


@dataclass
class PeopleResolution:
    by_mention: MentionIris  # (review id, name as written) -> IRI
    by_key: dict[str, str]  # compact key -> IRI, for names no review wrote exactly so
    merges: list[Merge]
    near_misses: list[NearMiss]


def resolve_people(ws: WorkingSet, iris: Iris,
                   aliases: Callable[[str], frozenset[str]] | None = None) -> PeopleResolution:
    forms: dict[str, _Form] = {}
    in_review = _InReview(ws)  # review id -> form keys
    for rm in ws.reviews():
        subject = _subject(rm)
        counted: set[tuple[str, bool]] = set()  # names and header names count once per review
        for p in rm.people:
            key = compact(p.name)
            if not key:
                continue
            f = forms.setdefault(key, _Form(key))
            if (p.name, False) not in counted:
                counted.add((p.name, False))
                f.names[p.name] += 1
            if p.role in HEADER_ROLES and (p.name, True) not in counted:
                counted.add((p.name, True))
                f.header[p.name] += 1
            ws.add_item(REVIEWS, key, rm.review_id)
            for t in p.films:
                ws.add_item(FILMS, key, title_key(t))
                if p.role in ACTING_ROLES:
                    ws.add_item(ACTS_IN, key, title_key(t))
            for t in subject:
                ws.add_item(CONTEXT, key, t)

    union = _Union()
    reasons: dict[str, list[str]] = defaultdict(list)  # edge reasons, collected on the root later
    edges: list[tuple[str, str, str]] = []
    refused: list[tuple[str, str, str]] = []
    unlinked_orders: list[tuple[str, str]] = []  # the other order, nothing shared yet
    unlinked_slips: list[tuple[str, str]] = []  # one letter apart, about no one film
    for key in sorted(forms):
        union.find(key)
        f = forms[key]
        sample = _name(f)
        # hyphen/space/case/diacritics variants share the compact key
        if len({_written(n) for n in f.names}) > 1:
            edges.append((key, key, f"{_list(sorted(f.names))} differ only in hyphens, spaces, case or accents"))
        # name order: move one token (the family name) from the end to the front
        toks = name_tokens(sample)
        if len(toks) >= 2 and not has_cjk(sample):
            # the family name moved to the front, or (after an English first name: Tony Ka Fai Leung)
            # to second place
            rotations = [(toks[-1], (toks[-1],) + toks[:-1])]
            if len(toks) >= 3:
                rotations.append((toks[-1], (toks[0], toks[-1]) + toks[1:-1]))
            for family, rotated in rotations:
                other = forms.get("".join(rotated))
                if other is None or other.key == key:
                    continue
                if family in CJK_FAMILY_NAMES:
                    edges.append((key, other.key, f"{_name(f)!r} is {_name(other)!r} in Western order "
                                                  f"({family.title()} is a known family name)"))
                elif (shared := ws.first_common([(FILMS, key)], [(FILMS, other.key)])) is not None:
                    edges.append((key, other.key, f"{_name(f)!r} is {_name(other)!r} in the other order, "
                                                  f"and both are credited on {shared!r}"))
                elif (about := ws.first_common([(CONTEXT, key)], [(CONTEXT, other.key)])) is not None:
                    edges.append((key, other.key, f"{_name(f)!r} is {_name(other)!r} in the other order, "
                                                  f"and both are named in reviews of {about!r}"))
                else:
                    unlinked_orders.append((key, other.key))
        # Chinese characters read as a romanised form that the same review or film also names
        py = pinyin_compact(sample)
        if py:
            for target in (py, _rotate_first_last(py, sample)):
                other = forms.get(target) if target else None
                if other is None:
                    continue
                if ws.first_common([(REVIEWS, key)], [(REVIEWS, other.key)]) is not None \
                        or ws.first_common([(FILMS, key)], [(FILMS, other.key)]) is not None:
                    edges.append((key, other.key, f"{_name(f)!r} reads (pinyin) as {_name(other)!r}, "
                                                  "which the same review or film names"))
                else:
                    refused.append((key, other.key, "the pinyin reading matches, but no review or film "
                                                    "connects them: kept apart"))
    # a slip of one letter in one word (Michelle Yeo / Michelle Yeoh), about the same film
    from rapidfuzz.distance import Levenshtein

    by_shape: dict[tuple, list[str]] = defaultdict(list)
    for key in sorted(forms):
        toks = name_tokens(_name(forms[key]))
        if len(toks) >= 2 and not has_cjk(_name(forms[key])):
            for i in range(len(toks)):
                by_shape[(len(toks), i, toks[:i] + toks[i + 1:])].append(key)
    for (_n, i, _rest), keys in sorted(by_shape.items()):
        if len(keys) > 50:  # "Actor 1", "Actor 2", ...: many names differ in one word; no slip is told from them
            continue
        for x, a in enumerate(keys):
            for b in keys[x + 1:]:
                ta, tb = name_tokens(_name(forms[a])), name_tokens(_name(forms[b]))
                fa, fb = forms[a], forms[b]
                if min(len(ta[i]), len(tb[i])) >= 3 and Levenshtein.distance(ta[i], tb[i]) == 1:
                    about = ws.first_common([(FILMS, a), (CONTEXT, a)], [(FILMS, b), (CONTEXT, b)])
                    if about is not None:
                        edges.append((a, b, f"{_name(fa)!r} and {_name(fb)!r} differ by one letter in one word and "
                                            f"both are named about {about!r}: a spelling slip"))
                    else:
                        unlinked_slips.append((a, b))
    # Wikidata: two forms that are names of one (and only one) person
    if aliases is not None:
        by_qid: dict[str, list[str]] = defaultdict(list)
        for key in sorted(forms):
            name = _name(forms[key])
            if len(split_tokens(name)) < 2 and not has_cjk(name):
                continue
            qids = aliases(name)
            if len(qids) == 1:
                by_qid[next(iter(qids))].append(key)
        for qid, keys in sorted(by_qid.items()):
            for i, a in enumerate(keys):
                for b in keys[i + 1:]:
                    ta, tb = split_tokens(_name(forms[a])), split_tokens(_name(forms[b]))
                    if set(ta) < set(tb) or set(tb) < set(ta):
                        continue  # "Tony Leung" is a part of "Tony Leung Chiu-wai": only a review can say which
                    edges.append((a, b, f"Wikidata {qid} lists {_name(forms[a])!r} and {_name(forms[b])!r} "
                                        "as its names"))
    for a, b, why in edges:
        union.join(a, b)
    # the other order with no shared film: one person when someone credited with one of them is
    # named in a review of the other (Takakura Ken beside Zhang Yimou, who directed Ken Takakura)
    credits = _Credits(forms, union, ws)
    for a, b in unlinked_orders:
        if union.find(a) == union.find(b):
            continue
        link = _credited_link(a, b, forms, union, in_review, credits) or _credited_link(b, a, forms, union, in_review, credits)
        if link:
            edges.append((a, b, f"{_name(forms[a])!r} is {_name(forms[b])!r} in the other order, and {link}"))
            union.join(a, b)
        else:
            refused.append((a, b, "the same words in the other order, but the moved name is not a known family name, "
                                  "they share no film and no one credited with one is named beside the other: kept apart"))
    # a slip about no one film: one person when two or more people named beside one act with the
    # other in one film (Jiang Tian beside Matt Damon and Andy Lau, who act with Jing Tian)
    for a, b in unlinked_slips:
        if union.find(a) == union.find(b):
            continue
        for x, y in ((a, b), (b, a)):
            found = _costars(x, union.find(y), forms, union, in_review, credits)
            if len(found) >= 2:
                film = sorted(found.values())[0]
                edges.append((x, y, f"{_name(forms[x])!r} and {_name(forms[y])!r} differ by one letter in one word, "
                                    f"and {_list(sorted(found))}, named beside {_name(forms[x])!r}, act with "
                                    f"{_name(forms[y])!r} in {film!r}: a spelling slip"))
                union.join(x, y)
                break
    for a, b, why in edges:
        reasons[union.find(a)].append(why)
    credits = _Credits(forms, union, ws)

    # short names: the one longer name of the same review that contains them
    by_token: dict[str, set[str]] = defaultdict(set)  # word -> forms with a name that has it
    for key, f in forms.items():
        for n in f.names:
            for t in split_tokens(n):
                by_token[t].add(key)
    # root -> name as written -> the number of reviews where it means that root; which reviews
    # those are is in the working set's member table (one row a mention)
    members: dict[str, Counter] = defaultdict(Counter)

    def place(root: str, name: str, rid: str) -> None:
        members[root][name] += 1
        ws.insert("member", "INSERT OR IGNORE INTO member VALUES (?, ?, ?)", (root, name, rid))

    short_reasons: dict[str, list[str]] = defaultdict(list)
    ambiguous: list[tuple[str, str, list[str]]] = []
    for rm in ws.reviews():
        keys = _keys_named(rm)
        done: set[str] = set()  # names of this review already placed
        for p in rm.people:
            key = compact(p.name)
            if not key or p.name in done:
                continue
            done.add(p.name)
            mine = split_tokens(p.name)
            longer = sorted({union.find(k) for k in keys
                             if k != key and union.find(k) != union.find(key)
                             and any(_extends(split_tokens(n), mine, n) for n in forms[k].names)})
            if not longer and len(mine) >= 2 and not has_cjk(p.name):
                # not in its own review: the longer names anywhere that complete it, decided by
                # this review's film (credited on it, or named in reviews of it) or, failing
                # that, by a co-star: someone this review names who acts in a film with it
                here = (_subject(rm) or {title_key(w.title) for w in rm.works if w.kind == "film"}) \
                    | {title_key(t) for t in p.films}
                holders = set.intersection(*(by_token.get(t, set()) for t in mine))
                options: dict[str, list[str]] = defaultdict(list)  # root -> its forms that complete the name
                for k in sorted(holders):
                    if k != key and union.find(k) != union.find(key) \
                            and any(_extends(split_tokens(n), mine, n) for n in forms[k].names):
                        options[union.find(k)].append(k)
                on_film = [r for r in sorted(options)
                           if any(ws.any_in([(FILMS, k), (CONTEXT, k)], here) for k in options[r])]
                if len(on_film) == 1:
                    root = on_film[0]
                    place(root, p.name, rm.review_id)
                    short_reasons[root].append(f"{p.name!r} in review {rm.review_id} is a part of "
                                               f"{_name_of(root, forms, union, {})!r}, the only such name on the same film")
                    continue
                costars = {r: _costar(rm.review_id, key, r, forms, union, in_review, credits) for r in sorted(options)}
                acting = [r for r in sorted(options) if costars[r]] if not on_film else []
                if len(acting) == 1:
                    root = acting[0]
                    place(root, p.name, rm.review_id)
                    short_reasons[root].append(f"{p.name!r} in review {rm.review_id} is a part of "
                                               f"{_name_of(root, forms, union, {})!r}, and {costars[root]}")
                    continue
                if options:
                    ambiguous.append((rm.review_id, p.name, on_film or acting or sorted(options)))
                place(union.find(key), p.name, rm.review_id)
                continue
            if len(longer) == 1 and not has_cjk(p.name):
                root = longer[0]
                place(root, p.name, rm.review_id)
                short_reasons[root].append(f"{p.name!r} in review {rm.review_id} is the only person there "
                                           f"whose name contains it ({_name(forms[root])!r})")
                continue
            if len(longer) > 1:
                ambiguous.append((rm.review_id, p.name, longer))
            place(union.find(key), p.name, rm.review_id)

    # canonical names and IRIs
    by_key: dict[str, str] = {}
    root_iri: dict[str, str] = {}
    merges: list[Merge] = []
    for root in sorted(r for r in members if members[r]):
        keys = sorted({compact(n) for n in members[root]} | set(_keys_of(forms, union).get(root, [])))
        names = Counter()
        header = Counter()
        for k in keys:
            names.update(forms[k].names)
            header.update(forms[k].header)
        written = _written_in(members[root])
        canonical = _canonical(written, header, names)
        iri = str(iris.person(canonical))
        root_iri[root] = iri
        for k in keys:
            by_key.setdefault(k, iri)
        minted = sorted({str(iris.person(n)) for n in written})
        if len(minted) > 1 or minted != [iri]:
            why = list(dict.fromkeys(reasons.get(root, []) + short_reasons.get(root, [])))
            rids = tuple(r for (r,) in ws.query("SELECT DISTINCT rid FROM member WHERE root = ? ORDER BY rid", (root,)))
            merges.append(Merge("person", iri, tuple(sorted(written)), tuple(m for m in minted if m != iri),
                                tuple(why), rids))
    # each mention's IRI: its name's (by_key), or, kept per review, the one it has there instead
    for root in sorted(members):
        for name in members[root]:
            if by_key.get(compact(name)) != root_iri[root]:
                ws.query("INSERT OR REPLACE INTO person_differ SELECT rid, name, ? FROM member WHERE root = ? AND name = ?",
                         (root_iri[root], root, name))
    by_mention = MentionIris(by_key, _name_key, DiskMap(ws, "person_differ", ("rid", "name")))

    near = _near_misses(forms, union, root_iri, refused, ambiguous, members)
    return PeopleResolution(by_mention, by_key, merges, near)


def _name_key(mention: tuple[str, str]) -> str:
    """A person mention's key without its review: the compact key of the name."""
    return compact(mention[1])


def _subject(rm: ReviewMentions) -> set[str]:
    """Title keys of the film the review is about."""
    return {title_key(w.title) for w in rm.works if w.reviewed}


def _written_in(members: Counter) -> Counter:
    """Name as written -> the number of reviews writing it (a review counts once)."""
    return Counter({name: n for name, n in members.items() if n})


class _Credits:
    """Per group of forms (a union root, as the union stood when this was made): the films it is
    credited on (``FILMS``), and those it acts in (``ACTS_IN``), asked of the working set."""

    def __init__(self, forms: dict[str, _Form], union: _Union, ws: WorkingSet) -> None:
        self.groups: dict[str, list[str]] = defaultdict(list)
        self.ws = ws
        for k in sorted(forms):
            self.groups[union.find(k)].append(k)

    def shared(self, s: int, a: str, b: str) -> str | None:
        """The first film that groups ``a`` and ``b`` share in their sets ``s``; None if none."""
        return self.ws.first_common([(s, k) for k in self.groups[a]], [(s, k) for k in self.groups[b]])


def _named_beside(reviews, in_review, union, skip: tuple[str, ...]):
    """``(review, form, group)`` for each other person named in ``reviews``, in a stable order,
    leaving out the groups in ``skip`` (the two whose link is in question)."""
    for rid in sorted(reviews):
        for x in sorted(in_review[rid]):
            rx = union.find(x)
            if rx not in skip:
                yield rid, x, rx


def _credited_link(a: str, b: str, forms, union, in_review, credits: _Credits) -> str | None:
    """Why ``a`` and ``b`` share a context: someone else named in a review of ``a`` is credited
    on a film with ``b``; None when no one is."""
    rb = union.find(b)
    for rid, x, rx in _named_beside(credits.ws.items(REVIEWS, a), in_review, union, (union.find(a), rb)):
        shared = credits.shared(FILMS, rx, rb)
        if shared is not None:
            return (f"{_name(forms[x])!r}, named in review {rid} beside {_name(forms[a])!r}, is credited with "
                    f"{_name(forms[b])!r} on {shared!r}")
    return None


def _costars(key: str, root: str, forms, union, in_review, credits: _Credits) -> dict[str, str]:
    """The people named in the reviews of form ``key`` (other than it and ``root``) who act in a film
    with the group ``root``: name -> the first such film, one name per person (two spellings of
    one co-star count once)."""
    found: dict[str, tuple[str, str]] = {}  # group -> (name, film)
    for _rid, x, rx in _named_beside(credits.ws.items(REVIEWS, key), in_review, union, (union.find(key), root)):
        shared = credits.shared(ACTS_IN, rx, root)
        if shared is not None:
            found.setdefault(rx, (_name(forms[x]), shared))
    return dict(found.values())


def _costar(rid: str, key: str, root: str, forms, union, in_review, credits: _Credits) -> str | None:
    """Why the short name ``key`` of review ``rid`` may be the group ``root``: another person the
    review names acts in a film with it (a co-star; a director's other films prove nothing: both
    Tony Leungs acted for Wong Kar-wai). None when no one does."""
    for _rid, x, rx in _named_beside((rid,), in_review, union, (union.find(key), root)):
        shared = credits.shared(ACTS_IN, rx, root)
        if shared is not None:
            return f"{_name(forms[x])!r}, also named there, acts with them in {shared!r}"
    return None


def _near_misses(forms, union, root_iri, refused, ambiguous, members) -> list[NearMiss]:
    from rapidfuzz import fuzz

    out: dict[tuple[str, str], NearMiss] = {}
    label = {root: _name_of(root, forms, union, members) for root in root_iri}
    for a, b, why in refused:
        ra, rb = union.find(a), union.find(b)
        if ra != rb and ra in root_iri and rb in root_iri:
            pair = tuple(sorted((ra, rb)))
            out[pair] = NearMiss("person", (root_iri[pair[0]], root_iri[pair[1]]), (label[pair[0]], label[pair[1]]),
                                 fuzz.token_sort_ratio(fold(label[pair[0]]), fold(label[pair[1]])), why)
    in_reviews: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)  # (name, roots) -> reviews
    for rid, name, roots in ambiguous:
        in_reviews[(name, tuple(roots))].append(rid)
    for (name, roots), rids in sorted(in_reviews.items()):
        options = [label[r] for r in roots if r in label]
        where = f"review {rids[0]}" if len(rids) == 1 else f"reviews {', '.join(sorted(rids))}"
        why = (f"{name!r} in {where} could be any of {_list(options)}: left as written" if len(options) > 1 else
               f"{name!r} in {where} could be {_list(options)}, but nothing there connects them: left as written")
        for r in roots:
            mine = union.find(compact(name))
            if r in root_iri and mine in root_iri:
                pair = tuple(sorted((mine, r)))
                out.setdefault(pair, NearMiss(
                    "person", (root_iri[pair[0]], root_iri[pair[1]]), (label[pair[0]], label[pair[1]]),
                    fuzz.token_sort_ratio(fold(label[pair[0]]), fold(label[pair[1]])),
                    why, tuple(sorted(rids))))
    # names that share a word and score high, but no rule joins them
    by_token: dict[str, set[str]] = defaultdict(set)
    for root in root_iri:
        for t in split_tokens(label[root]):
            if len(t) >= 2:
                by_token[t].add(root)
    for t in sorted(by_token):
        roots = sorted(by_token[t])
        if len(roots) > 50:  # a very common word (a family name shared by many): no signal in it
            continue
        for i, a in enumerate(roots):
            for b in roots[i + 1:]:
                if (a, b) in out or len(split_tokens(label[a])) < 2 or len(split_tokens(label[b])) < 2:
                    continue
                score = fuzz.token_sort_ratio(fold(label[a]), fold(label[b]))
                if score >= NEAR_MISS_SCORE:
                    out[(a, b)] = NearMiss("person", (root_iri[a], root_iri[b]), (label[a], label[b]), score,
                                           "the names share a part but are different names: kept apart")
    return [out[k] for k in sorted(out)]


def _name_of(root, forms, union, members) -> str:
    keys = _keys_of(forms, union).get(root, [])
    names = Counter()
    header = Counter()
    for k in keys:
        names.update(forms[k].names)
        header.update(forms[k].header)
    written = _written_in(members.get(root, {})) or names
    return _canonical(written, header, names)


def _keys_of(forms, union) -> dict[str, list[str]]:
    """Root -> its form keys, computed once per resolution (cached on the union)."""
    cached = getattr(union, "_keys", None)
    if cached is None or cached[0] != len(union.parent):
        groups: dict[str, list[str]] = defaultdict(list)
        for k in sorted(forms):
            groups[union.find(k)].append(k)
        union._keys = cached = (len(union.parent), dict(groups))
    return cached[1]


def _canonical(written: Counter, header: Counter, names: Counter) -> str:
    """Latin script first; family-first order over a Western-order variant; a spelling over its
    one-letter slip (``_slips``); the longest; then the name the most reviews' headers use, the one
    the most reviews write, and the alphabetically first."""
    pool = list(written) or list(names)
    toks = {n: name_tokens(n) for n in pool}

    def western(n: str) -> bool:
        t = toks[n]
        if len(t) < 2 or t[-1] not in CJK_FAMILY_NAMES:
            return False
        front = "".join((t[-1],) + t[:-1])
        second = "".join((t[0], t[-1]) + t[1:-1]) if len(t) >= 3 else None
        others = {"".join(toks[o]) for o in pool if toks[o] != t}
        return (t[0] not in CJK_FAMILY_NAMES and front in others) or (second is not None and second in others)

    slips = _slips(pool, names, header)
    longest = max(len(compact(n)) for n in pool)
    return min(pool, key=lambda n: (not is_latin(n), western(n), n in slips, len(compact(n)) < longest,
                                    -header[n], -names[n], n))


def _slips(pool: list[str], names: Counter, header: Counter) -> set[str]:
    """The names of ``pool`` that are a one-letter slip of another: fewer reviews write that
    spelling (in either order: ``Jing Tian`` and ``Tian Jing`` against ``Jiang Tian``); or as many,
    and fewer headers credit it; or as many, and only the other opens with a known family name
    (``Liu Ye`` against ``Lie Ye``)."""
    from rapidfuzz.distance import Levenshtein

    words = {n: name_tokens(n) for n in pool}
    spelling = Counter()
    for n in pool:
        spelling[tuple(sorted(words[n]))] += names[n]
    out: set[str] = set()
    for a in pool:
        for b in pool:
            wa, wb = words[a], words[b]
            if len(wa) != len(wb) or wa == wb:
                continue
            differ = [i for i in range(len(wa)) if wa[i] != wb[i]]
            if len(differ) != 1 or Levenshtein.distance(wa[differ[0]], wb[differ[0]]) != 1:
                continue
            sa, sb = spelling[tuple(sorted(wa))], spelling[tuple(sorted(wb))]
            if (sa, header[a]) < (sb, header[b]) or (
                    (sa, header[a]) == (sb, header[b]) and wb[0] in CJK_FAMILY_NAMES and wa[0] not in CJK_FAMILY_NAMES):
                out.add(a)
    return out


def _name(f: _Form) -> str:
    return min(f.names, key=lambda n: (-f.header[n], -f.names[n], n))


def _written(name: str) -> str:
    return " ".join(name.split())


def _list(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """``(zhang,)`` in ``(zhang, yimou)``; ``(tony, leung)`` in ``(tony, leung, chiu, wai)``: a run of whole words."""
    n = len(shorter)
    if not n or n >= len(longer):
        return False
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def _extends(longer: tuple[str, ...], shorter: tuple[str, ...], longer_name: str | None = None) -> bool:
    """Whether ``longer`` is ``shorter`` completed into a fuller name: a surname or given name alone
    inside a name of several words, or an English first name and a family name followed by a short
    given name (``Tony Leung`` -> ``Tony Leung Chiu-wai``) or preceded by one first name (``Leung Chiu-wai`` ->
    ``Tony Leung Chiu-wai``). Never a name glued to page words (``Zhang Yimou Cast``)."""
    if not _contains(longer, shorter) or any(t in LABEL_WORDS for t in longer) or len(longer) > 5:
        return False
    if len(shorter) == 1:
        return True
    n = len(shorter)
    if longer[:n] == shorter:  # Tony Leung + Chiu-wai: a Chinese given name after the family name
        # after an English first name only: Lu Wei is a full name already ("Lu Wei Ge" is Lu Wei
        # run into the next credit, Ge You)
        extra = longer[n:]
        return shorter[-1] in CJK_FAMILY_NAMES and shorter[0] not in CJK_FAMILY_NAMES and 1 <= len(extra) <= 2 \
            and all(len(t) <= 4 for t in extra)
    if longer[-n:] == shorter:  # Tony + Leung Chiu-wai: an English first name before the family name
        first = (longer_name or "").split()[:1]
        shouting = bool(first) and first[0].isupper() and len(first[0]) > 1  # GODDESS Gong Li, CH Gong Li
        return len(longer) - n == 1 and shorter[0] in CJK_FAMILY_NAMES and not shouting
    return False


def _rotate_first_last(py: str, name: str) -> str | None:
    """The Western-order reading of a Chinese name: family name (first character) last."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name)
    if len(syllables) < 2:
        return None
    return "".join(syllables[1:]) + syllables[0]
