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
from .records import Merge, NearMiss

#: rapidfuzz token_sort_ratio from which two people kept apart are reported as a near-miss
NEAR_MISS_SCORE = 70.0
HEADER_ROLES = ("director", "cast")


@dataclass
class _Form:
    key: str
    names: Counter = field(default_factory=Counter)
    header: Counter = field(default_factory=Counter)
    reviews: set = field(default_factory=set)
    films: set = field(default_factory=set)  # title keys of the films credited to them
    context: set = field(default_factory=set)  # title keys of the films the reviews naming them are about


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


@dataclass
class PeopleResolution:
    by_mention: dict[tuple[str, str], str]  # (review id, name as written) -> IRI
    by_key: dict[str, str]  # compact key -> IRI, for names no review wrote exactly so
    merges: list[Merge]
    near_misses: list[NearMiss]


def resolve_people(reviews: list[ReviewMentions], iris: Iris,
                   aliases: Callable[[str], frozenset[str]] | None = None) -> PeopleResolution:
    forms: dict[str, _Form] = {}
    in_review: dict[str, set[str]] = defaultdict(set)  # review id -> form keys
    subjects: dict[str, set[str]] = {}  # review id -> title key of the film it reviews
    for rm in reviews:
        subject = subjects[rm.review_id] = {title_key(w.title) for w in rm.works if w.reviewed}
        for p in rm.people:
            key = compact(p.name)
            if not key:
                continue
            f = forms.setdefault(key, _Form(key))
            f.names[p.name] += 1
            if p.role in HEADER_ROLES:
                f.header[p.name] += 1
            f.reviews.add(rm.review_id)
            f.films.update(title_key(t) for t in p.films)
            f.context |= subject
            in_review[rm.review_id].add(key)

    union = _Union()
    reasons: dict[str, list[str]] = defaultdict(list)  # edge reasons, collected on the root later
    edges: list[tuple[str, str, str]] = []
    refused: list[tuple[str, str, str]] = []
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
                shared = f.films & other.films
                about = f.context & other.context
                if family in CJK_FAMILY_NAMES:
                    edges.append((key, other.key, f"{_name(f)!r} is {_name(other)!r} in Western order "
                                                  f"({family.title()} is a known family name)"))
                elif shared:
                    edges.append((key, other.key, f"{_name(f)!r} is {_name(other)!r} in the other order, "
                                                  f"and both are credited on {sorted(shared)[0]!r}"))
                elif about:
                    edges.append((key, other.key, f"{_name(f)!r} is {_name(other)!r} in the other order, "
                                                  f"and both are named in reviews of {sorted(about)[0]!r}"))
                else:
                    refused.append((key, other.key, "the same words in the other order, but the moved name is not "
                                                    "a known family name and they share no film: kept apart"))
        # Chinese characters read as a romanised form that the same review or film also names
        py = pinyin_compact(sample)
        if py:
            for target in (py, _rotate_first_last(py, sample)):
                other = forms.get(target) if target else None
                if other is None:
                    continue
                if f.reviews & other.reviews or f.films & other.films:
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
                about = (fa.films | fa.context) & (fb.films | fb.context)
                if min(len(ta[i]), len(tb[i])) >= 3 and Levenshtein.distance(ta[i], tb[i]) == 1 and about:
                    edges.append((a, b, f"{_name(fa)!r} and {_name(fb)!r} differ by one letter in one word and both "
                                        f"are named about {sorted(about)[0]!r}: a spelling slip"))
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
    for a, b, why in edges:
        reasons[union.find(a)].append(why)

    # short names: the one longer name of the same review that contains them
    by_token: dict[str, set[str]] = defaultdict(set)  # word -> forms with a name that has it
    for key, f in forms.items():
        for n in f.names:
            for t in split_tokens(n):
                by_token[t].add(key)
    members: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)  # root -> (review, name) -> form key
    short_reasons: dict[str, list[str]] = defaultdict(list)
    ambiguous: list[tuple[str, str, list[str]]] = []
    done: set[tuple[str, str]] = set()
    for rm in reviews:
        keys = in_review[rm.review_id]
        for p in rm.people:
            key = compact(p.name)
            if not key or (rm.review_id, p.name) in done:
                continue
            done.add((rm.review_id, p.name))
            mine = split_tokens(p.name)
            longer = sorted({union.find(k) for k in keys
                             if k != key and union.find(k) != union.find(key)
                             and any(_extends(split_tokens(n), mine, n) for n in forms[k].names)})
            if not longer and len(mine) >= 2:
                # not in its own review: a longer name credited on, or named about, this review's film
                here = (subjects[rm.review_id] or {title_key(w.title) for w in rm.works if w.kind == "film"}) \
                    | {title_key(t) for t in p.films}
                holders = set.intersection(*(by_token.get(t, set()) for t in mine))
                longer = sorted({union.find(k) for k in sorted(holders)
                                 if k != key and union.find(k) != union.find(key)
                                 and (forms[k].films | forms[k].context) & here
                                 and any(_extends(split_tokens(n), mine, n) for n in forms[k].names)})
                if len(longer) == 1 and not has_cjk(p.name):
                    root = longer[0]
                    members[root][(rm.review_id, p.name)] = key
                    short_reasons[root].append(f"{p.name!r} in review {rm.review_id} is a part of "
                                               f"{_name_of(root, forms, union, {})!r}, the only such name on the same film")
                    continue
                longer = []
            if len(longer) == 1 and not has_cjk(p.name):
                root = longer[0]
                members[root][(rm.review_id, p.name)] = key
                short_reasons[root].append(f"{p.name!r} in review {rm.review_id} is the only person there "
                                           f"whose name contains it ({_name(forms[root])!r})")
                continue
            if len(longer) > 1:
                ambiguous.append((rm.review_id, p.name, longer))
            members[union.find(key)][(rm.review_id, p.name)] = key

    # canonical names and IRIs
    by_mention: dict[tuple[str, str], str] = {}
    by_key: dict[str, str] = {}
    root_iri: dict[str, str] = {}
    merges: list[Merge] = []
    for root in sorted(r for r in members if members[r]):
        keys = sorted({k for k in members[root].values()} | set(_keys_of(forms, union).get(root, [])))
        names = Counter()
        header = Counter()
        for k in keys:
            names.update(forms[k].names)
            header.update(forms[k].header)
        written = Counter(name for (_rid, name) in members[root])
        canonical = _canonical(written, header, names)
        iri = str(iris.person(canonical))
        root_iri[root] = iri
        for (rid, name) in members[root]:
            by_mention[(rid, name)] = iri
        for k in keys:
            by_key.setdefault(k, iri)
        minted = sorted({str(iris.person(n)) for n in written})
        if len(minted) > 1 or minted != [iri]:
            why = list(dict.fromkeys(reasons.get(root, []) + short_reasons.get(root, [])))
            merges.append(Merge("person", iri, tuple(sorted(written)), tuple(m for m in minted if m != iri),
                                tuple(why), tuple(sorted({rid for rid, _ in members[root]}))))

    near = _near_misses(forms, union, root_iri, refused, ambiguous, members)
    return PeopleResolution(by_mention, by_key, merges, near)


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
    for rid, name, roots in ambiguous:
        options = [label[r] for r in roots if r in label]
        for r in roots:
            mine = union.find(compact(name))
            if r in root_iri and mine in root_iri:
                pair = tuple(sorted((mine, r)))
                out.setdefault(pair, NearMiss(
                    "person", (root_iri[pair[0]], root_iri[pair[1]]), (label[pair[0]], label[pair[1]]),
                    fuzz.token_sort_ratio(fold(label[pair[0]]), fold(label[pair[1]])),
                    f"{name!r} in review {rid} could be any of {_list(options)}: left as written", (rid,)))
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
    written = Counter(name for (_rid, name) in members.get(root, {})) or names
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
    """Latin script first; family-first order over a Western-order variant; then the name headers
    use most, the most written, and the alphabetically first."""
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

    longest = max(len(compact(n)) for n in pool)
    return min(pool, key=lambda n: (not is_latin(n), western(n), len(compact(n)) < longest,
                                    -header[n], -names[n], n))


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
    inside a name of several words, or a name of two or more words followed by a short given name
    (``Tony Leung`` -> ``Tony Leung Chiu-wai``) or preceded by one first name (``Leung Chiu-wai`` ->
    ``Tony Leung Chiu-wai``). Never a name glued to page words (``Zhang Yimou Cast``)."""
    if not _contains(longer, shorter) or any(t in LABEL_WORDS for t in longer) or len(longer) > 5:
        return False
    if len(shorter) == 1:
        return True
    n = len(shorter)
    if longer[:n] == shorter:  # Tony Leung + Chiu-wai: a Chinese given name after the family name
        extra = longer[n:]
        return shorter[-1] in CJK_FAMILY_NAMES and 1 <= len(extra) <= 2 and all(len(t) <= 4 for t in extra)
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
