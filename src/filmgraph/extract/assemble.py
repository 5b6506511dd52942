"""From the annotated docs of one review to an ``ExtractionResult`` (no spaCy objects leave here).

``collect`` reads one section's ``Doc`` into plain ``SectionFacts``; ``assemble`` works on the
whole review: it resolves short names (``Zhang's`` -> Zhang Yimou, ``Fan`` -> Fan Wei), decides
what each person is in the review, merges repeated works, drops the reviewed film from the other
works, and infers the subject of a free-text review.
"""

from __future__ import annotations

import dataclasses
import logging
import re

from ..header import in_url_path
from ..models import Review
from .directors import heading_directors, possessive_of, text_directors
from .film_people import cast_cue, director_cue, maker_film_cue, performance_sentence
from .gazetteer import KnownFacts, person_key, title_key
from .sections import Names, SectionFacts, clean_name, clean_title, collect, evidence_at, norm_text
from .subject import choose as choose_subject, page_address, rank as rank_subject
from .title_repair import complete_titles, page_titles, repeated_titles, url_phrases
from .types import HEADINGS, CastRole, Comparison, Event, Evidence, ExtractionResult, Mention, PersonRole, Subject, Work

__all__ = ["SectionFacts", "assemble", "clean_name", "collect"]

log = logging.getLogger(__name__)
#: a pronoun or a lone letter or two is never a work's title (``I`` tagged as a work of art)
_NOT_A_WORK = re.compile(r"(?i:i|we|he|she|it|you|they|me|us|him|her|them|this|that)|\w{1,2}"
                         r"|(?i:(?:best|outstanding)\s+(?:foreign|picture|film|director|actor|actress)\b.*)"  # an award
                         r"|(?i:(?:the\s+)?(?:fifth|sixth|new)\s+generation|new\s+wave)")  # a movement


def _propagate_titles(sections: list[SectionFacts]) -> None:
    """A title found with confidence (``Ang Lee's Crouching Tiger, Hidden Dragon (2000)``) is the
    same title where the review repeats it: extend clipped mentions and add missed ones."""
    strong = {f.text[s:e] for f in sections for s, e, a in f.works
              if len(f.text[s:e].split()) > 1 and (a.get("year") or a.get("maker") or a.get("confidence", 0) >= 0.9)}
    for f in sections:
        for title in sorted(strong, key=len, reverse=True):
            for m in re.finditer(r"(?<!\w)" + re.escape(title) + r"(?!\w)", f.text):
                s, e = m.start(), m.end()
                clipped = [w for w in f.works if s <= w[0] < e and w[1] <= e]
                if any(w[0] == s and w[1] == e for w in f.works):
                    continue
                attrs = dict(clipped[0][2]) if clipped else {"extractor": "filmgraph_propagation", "confidence": 0.7}
                f.works = [w for w in f.works if w not in clipped] + [(s, e, attrs)]
                f.persons = [p for p in f.persons if not (p[0] < e and s < p[1])]
                for c in f.comparisons:
                    if s <= c["work"][0] < e:
                        c["work"] = (s, e)
                        c["end"] = max(c["end"], e)
                        if c["cue"].startswith("comparison") and "..." not in c["cue"] and \
                                re.match(r"\s*(?:are|is|were|was)\s+(?:\w+\s+)?inevitable", f.text[e:]):
                            c["cue"] += " ... are inevitable"
        f.works.sort(key=lambda w: w[0])


def _late_comparisons(sections: list[SectionFacts], titles: list[str]) -> None:
    """A cue followed by a title the review names elsewhere (``echoes Ju Dou``, where the NER saw a
    person) is a comparison too: the cue list again, on plain text, with the review's own titles."""
    from .comparisons import _CUE_RX, _INEVITABLE, CUES, cue_case_ok

    if not titles:
        return
    alts = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    after = re.compile(r"\s+(?:(?:the|a|an|[\w-]+[’']s)\s+){0,2}(" + alts + r")(?!\w)")
    for f in sections:
        have = {c["work"] for c in f.comparisons}
        for m in _CUE_RX.finditer(f.text):
            hit = after.match(f.text, m.end())
            if not hit or not cue_case_ok(f.text, m.start()) or (hit.start(1), hit.end(1)) in have:
                continue
            idx = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
            cue = " ".join(m.group(0).lower().split())
            if CUES[idx][0] == "comparisons with" and _INEVITABLE.match(f.text[hit.end(1):]):
                cue += " ... are inevitable"
            if CUES[idx][0] == "lacks the ... of":
                cue = "lacks the ... of"
            if any(c["cue"] == cue and f.text[slice(*c["work"])] == hit.group(1) for c in f.comparisons):
                continue
            f.comparisons.append({"work": (hit.start(1), hit.end(1)), "cue": cue, "polarity": CUES[idx][2],
                                  "start": m.start(), "end": hit.end(1), "extractor": "filmgraph_comparisons",
                                  "confidence": 0.7})


_KEYS_CACHE: dict[int, tuple[int, frozenset[str]]] = {}


def _keys_of(known: set[str]) -> frozenset[str]:
    """Order-free keys of the gazetteer's people, computed once per gazetteer (it is the same set
    for every review of a run)."""
    cached = _KEYS_CACHE.get(id(known))
    if cached is None or cached[0] != len(known):
        cached = (len(known), frozenset(person_key(n) for n in known))
        _KEYS_CACHE.clear()
        _KEYS_CACHE[id(known)] = cached
    return cached[1]


def _add_set_apart_titles(sections: list[SectionFacts], names: "Names", facts: KnownFacts) -> bool:
    """Titles set apart by quotes, filmographies, list cues and years (``title_spans``) where the
    NER saw nothing, or saw a person in what the text marks as a title."""
    from .title_spans import find

    known = {person_key(n) for n in (*names.directors, *names.cast)} | _keys_of(names.known)
    people = {person_key(n) for n in names.full}
    changed = False
    for f in sections:
        people |= {person_key(clean_name(f.text[s:e])) for s, e in f.persons}
    for f in sections:
        taken = [(s, e) for s, e, _a in f.works] + [(s, e) for s, e, _k in f.events] + \
                [(s, e) for s, e, _l in f.others]
        makers = {person_key(n) for n in names.directors} | (facts.directors & people)
        for s, e, how in find(f.text, people, makers, known):
            if any(a < e and s < b for a, b in taken):
                continue
            before = len(f.persons)
            f.persons = [(a, b) for a, b in f.persons if not (a < e and s < b)]
            changed = changed or len(f.persons) != before
            f.roles = [r for r in f.roles if not (r["actor"][0] < e and s < r["actor"][1])]
            f.works.append((s, e, {"extractor": "filmgraph_title_spans", "confidence": 0.6, "how": how}))
            taken.append((s, e))
    return changed


def _sentence_comparisons(sections: list[SectionFacts], film_title: str | None) -> None:
    """Another work named in a sentence with a comparison cue (``compare_sentences``), where the
    rules' fixed patterns found nothing for it."""
    from .compare_sentences import find

    for f in sections:
        others = [(s, e) for s, e, a in f.works
                  if norm_text(f.text[s:e]).removeprefix("the ") != film_title or a.get("kind") not in (None, "film")]
        have = {c["work"] for c in f.comparisons}
        for c in find(f.text, f.sentences, others):
            if (c.work_start, c.work_end) in have:
                continue
            f.comparisons.append({"work": (c.work_start, c.work_end), "cue": c.cue, "polarity": c.polarity,
                                  "relation": c.relation, "start": c.start, "end": c.end,
                                  "extractor": "filmgraph_comparisons", "confidence": 0.6})


def _add_weak_comparisons(work_list: tuple[Work, ...], comps: dict, directors: tuple[str, ...]) -> None:
    """A film named in a sentence with a word that sets films side by side (``compare_sentences.weak_cue``)
    and no stronger cue is compared with the reviewed film too, at a lower confidence. Not a film
    another director made (``Wong Kar-wai's X``: the cast's other work), nor one given in brackets
    as an example (``lush visuals (from X to Y)``)."""
    from .compare_sentences import weak_cue

    compared = {k[0] for k in comps}
    ours = {person_key(d) for d in directors}
    for w in work_list:
        if w.kind != "film" or norm_text(w.title) in compared or (w.maker and person_key(w.maker) not in ours):
            continue
        for ev in w.evidence:
            before = ev.sentence[:max(0, ev.start - ev.sentence_start)]
            if before.count("(") > before.count(")"):
                continue
            found = weak_cue(ev.sentence)
            if found:
                word, relation = found
                comps[(norm_text(w.title), word)] = Comparison(
                    w.title, word, "neutral", (dataclasses.replace(ev, extractor="filmgraph_comparison_words",
                                                                   confidence=0.4),), relation=relation)
                break


def _same_actor(named: str, credited: str) -> bool:
    """The text's ``Leon Lai`` is the credits' ``Leon Lai Ming``: every word of the shorter name
    (two words at least) is in the longer."""
    a, b = sorted((named.split(), credited.split()), key=len)
    return a == b or len(a) >= 2 and set(a) <= set(b)


def _same_or_short_form(title: str, film_title: str) -> bool:
    words, film = title.split(), film_title.split()
    return title == film_title or len(words) >= 2 and film[:len(words)] == words


def assemble(review: Review, sections: list[SectionFacts], known_people: set[str] | None = None,
             known_years: dict[str, int] | None = None, facts: KnownFacts | None = None) -> tuple[Review, ExtractionResult]:
    """One review's result, and the review refined with an inferred subject when it had none."""
    known_years = known_years or {}
    headings = next((f for f in sections if f.section == HEADINGS), None)
    sections = [f for f in sections if f.section != HEADINGS]
    _propagate_titles(sections)
    text_names = [clean_name(f.text[s:e]) for f in sections for s, e in f.persons]
    names = Names(review, text_names, known_people or set())
    # titles the text sets apart (quotes, filmographies, cues) before names are settled: a title
    # the NER took for a person ("Ju Dou") is no person, and no actor
    if _add_set_apart_titles(sections, names, facts or KnownFacts()):
        text_names = [clean_name(f.text[s:e]) for f in sections for s, e in f.persons]
        names = Names(review, text_names, known_people or set())

    # clipped titles ("The Road" of "The Road Home") grow to a title the page or the snapshot knows
    complete_titles(sections, (facts or KnownFacts()).titles | page_titles(sections, review.headings)
                    | repeated_titles(sections), url_phrases(review))

    # --- cast roles ---------------------------------------------------------------------------
    roles: dict[tuple[str, str], CastRole] = {}
    described: set[str] = set()
    cast_set = set(review.cast)
    for f in sections:
        for r in f.roles:
            actor = names.resolve(f.text[slice(*r["actor"])])
            character = r["character"]
            tail = re.match(r"(?:[-‐][a-z]{1,5})+\b", f.text[r["end"]:])
            if tail and f.text[r["end"] - len(character):r["end"]] == character:
                character += tail.group(0)  # "Chow Mo" + "-wan": the character's name whole
                r = {**r, "end": r["end"] + tail.end()}
            if actor is None:
                continue
            if r.get("ambiguous"):
                other = names.resolve(character)
                if other in cast_set and actor not in cast_set:
                    actor, character = other, f.text[slice(*r["actor"])]
            if clean_name(character) in cast_set or clean_name(character) == actor:
                continue
            if not re.search(r"[A-Z]", character) and "(" in f.text[r["start"]:r["end"]] and actor not in cast_set:
                # "his wife (Gong Li)": in the cast, but not a character the text names (unless the
                # header's cast list confirms the actor: then the description is their part)
                described.add(actor)
                continue
            if r.get("weak") and (actor not in cast_set if cast_set else actor in review.directors):
                continue
            key = (actor, norm_text(character))
            ev = evidence_at(f, r["start"], r["end"], r["extractor"], r["confidence"])
            if key in roles:
                old = roles[key]
                roles[key] = CastRole(old.actor, old.character, old.evidence + (ev,))
            elif not any(a == actor and (norm_text(character) in c or c in norm_text(character)) for a, c in roles):
                roles[key] = CastRole(actor, clean_name(character), (ev,))
    # "Zhang Yi's He Li": a cast member's possessive names their character, not a work they made
    for f in sections:
        keep = []
        for s, e, attrs in f.works:
            maker = names.resolve(attrs["maker"]) if attrs.get("maker") else None
            if maker in cast_set and maker not in review.directors and not attrs.get("year") \
                    and attrs.get("extractor") == "filmgraph_title_rules" and not attrs.get("kind"):
                key = (maker, norm_text(f.text[s:e]))
                if not any(a == maker for a, _ in roles):
                    roles[key] = CastRole(maker, clean_name(f.text[s:e]), (evidence_at(f, s, e, "filmgraph_role_rules", 0.6),))
                continue
            keep.append((s, e, attrs))
        f.works = keep
    # a credits block in the header ("Jet Li as Nameless") says who plays whom outright
    # and how the part is spelled: the text's "Killer" is the credits' "The Killer"
    bare = lambda c: re.sub(r"^(?:the|a|an) ", "", c)  # noqa: E731
    for actor, character in review.credits:
        credited = norm_text(character)
        if any(a == actor and credited in (c, "") for a, c in roles):
            continue
        same = [k for k in roles if k[1] and _same_actor(k[0], actor) and bare(k[1]) == bare(credited)]
        evidence = tuple(ev for k in same for ev in roles.pop(k).evidence)
        roles[(actor, credited)] = CastRole(actor, clean_name(character) or character, evidence)
    characters = {norm_text(r.character) for r in roles.values()}
    actors = {r.actor for r in roles.values()}

    # --- works ----------------------------------------------------------------------------------
    works: dict[str, dict] = {}
    work_mentions: list[tuple[SectionFacts, int, int, str, dict]] = []
    # a known film director's name (Lars von Trier) or a place the NER always sees (Hong Kong) is no
    # work, unless the page's address spells it (Thirst, which the small model calls a nationality)
    address = page_address(review)
    places = _places(sections)
    not_works = {p for p in places if not in_url_path(p, address)} \
        | {norm_text(n) for n in names.full if person_key(n) in (facts or KnownFacts()).directors}
    for f in sections:
        for s, e, attrs in f.works:
            title = clean_title(f.text[s:e])
            if not title or names.resolve(title) in names.full or norm_text(title) in characters \
                    or _NOT_A_WORK.fullmatch(title) or norm_text(title) in not_works \
                    or person_key(title) in (facts or KnownFacts()).directors:
                continue
            work_mentions.append((f, s, e, title, attrs))
    # The film it reviews: a review with no title (free text, or a header without a title line)
    # gets one from its text, ranked with evidence; the build keeps its review id as read, so its
    # named graph does not move. Then who directed it and who plays in it, from the words around
    # each name. A header's directors stay the authority; the text adds cast it names.
    review, subject = _subject_and_people(review, sections, work_mentions, names, roles, facts or KnownFacts(),
                                          headings, described, places=places)
    film_title = norm_text(review.title).removeprefix("the ") if review.title else None
    for f, s, e, title, attrs in work_mentions:
        kind = attrs.get("kind") or "film"
        if film_title and kind == "film" and attrs.get("year") in (None, review.year) \
                and _same_or_short_form(norm_text(title).removeprefix("the "), film_title):
            continue  # the reviewed film itself (or its short form: "Crouching Tiger")
        key = f"{norm_text(title)}|{kind}" if film_title and norm_text(title).removeprefix("the ") == film_title else norm_text(title)
        w = works.setdefault(key, {"title": title, "kind": kind, "year": None, "maker": None, "evidence": []})
        if attrs.get("year") and not w["year"]:
            w["year"] = attrs["year"]
        if attrs.get("maker") and not w["maker"]:
            w["maker"] = names.resolve(attrs["maker"]) or clean_name(attrs["maker"])
        if attrs.get("kind") and w["kind"] == "film" and attrs["kind"] != "film":
            w["kind"] = attrs["kind"]
        w["evidence"].append(evidence_at(f, s, e, attrs.get("extractor", "ner"), attrs.get("confidence", 0.6)))
    work_list = tuple(
        Work(w["title"], w["kind"], w["year"], w["maker"],
             w["year"] or known_years.get(w["title"].lower()), tuple(w["evidence"]))
        for w in works.values())

    # --- comparisons ------------------------------------------------------------------------
    _late_comparisons(sections, [w.title for w in work_list])
    _sentence_comparisons(sections, film_title)
    comps: dict[tuple[str, str], Comparison] = {}
    for f in sections:
        for c in f.comparisons:
            title = clean_title(f.text[slice(*c["work"])])
            if not any(norm_text(w.title) == norm_text(title) for w in work_list):
                continue
            key = (norm_text(title), c["cue"])
            ev = evidence_at(f, c["start"], c["end"], c["extractor"], c["confidence"])
            old = comps.get(key)
            comps[key] = Comparison(title, c["cue"], c["polarity"], (old.evidence if old else ()) + (ev,),
                                    relation=c.get("relation", "similar to"))

    _add_weak_comparisons(work_list, comps, review.directors)

    # --- events -------------------------------------------------------------------------------
    events: dict[str, Event] = {}
    for f in sections:
        for s, e, kind in f.events:
            name = clean_name(f.text[s:e])
            name = _event_name(name)
            ev = evidence_at(f, s, e, "filmgraph_events", 0.85)
            old = events.get(norm_text(name))
            events[norm_text(name)] = Event(old.name if old else name, kind, (old.evidence if old else ()) + (ev,))

    # --- people and mentions ------------------------------------------------------------------
    makers = {w.maker: w.kind for w in work_list if w.maker}
    directors = set(review.directors)

    def role_of(name: str) -> str:
        if name in directors:
            return "director"
        if name in cast_set or name in actors:
            return "cast"
        if review.reviewer and name == review.reviewer:
            return "reviewer"
        if makers.get(name) == "film":
            return "filmmaker"
        return "person"

    people: dict[str, list[Evidence]] = {}
    mentions: list[Mention] = []
    for f in sections:
        for s, e in f.persons:
            name = names.resolve(f.text[s:e])
            if name is None or (norm_text(name) in characters and name not in actors):
                continue
            if any(norm_text(name) == norm_text(w.title) for w in work_list):
                continue
            ev = evidence_at(f, s, e, "ner", 0.8)
            people.setdefault(name, []).append(ev)
            mentions.append(Mention(f.text[s:e], "PERSON", role_of(name), name, f.section, s, e,
                                    ev.sentence, ev.sentence_start, ev.sentence_end))
        for s, e, attrs in f.works:
            title = clean_title(f.text[s:e])
            w = next((w for w in work_list if norm_text(w.title) == norm_text(title)), None)
            if w is not None:
                ev = evidence_at(f, s, e, "", 0)
                mentions.append(Mention(f.text[s:e], "WORK", w.kind, w.title, f.section, s, e,
                                        ev.sentence, ev.sentence_start, ev.sentence_end))
        for s, e, kind in f.events:
            ev = evidence_at(f, s, e, "", 0)
            name = _event_name(clean_name(f.text[s:e]))
            mentions.append(Mention(f.text[s:e], "EVENT", kind, events[norm_text(name)].name, f.section, s, e,
                                    ev.sentence, ev.sentence_start, ev.sentence_end))
    for name in makers:
        people.setdefault(name, [])
    person_list = tuple(PersonRole(n, role_of(n), tuple(evs)) for n, evs in people.items())
    result = ExtractionResult(
        mentions=tuple(mentions), people=person_list, works=work_list, cast_roles=tuple(roles.values()),
        comparisons=tuple(comps.values()), events=tuple(events.values()), subject=subject)
    return review, result


def _event_name(name: str) -> str:
    """``the Cultural Revolution`` -> ``Cultural Revolution``; ``Academy Award(r`` -> ``Academy Award``."""
    name = re.sub(r"^(?:the|The)\s+", "", name)
    return re.sub(r"\s*[(®].*$", "", name).strip()


#: what stands between names listed together (an aside in brackets may follow each name)
#: between two names of one list: a comma or ``and``, after a bracketed aside (``Tony Leung ("Hard
#: Boiled") and``), before an epithet (``and the ravishing Maggie Cheung``)
_NAME_LIST_GAP = re.compile(r"\s*(?:\([^()]{1,50}\)\s*)?(?:,\s*(?:and\s+)?|and\s+|&\s*)(?:the\s+[a-z][\w-]*\s+)?")


#: the word that opens a list of the cast, with only names (and commas) between it and the list
_CAST_LIST_OPENER = re.compile(r"\b((?i:starring|co-starring|featuring|stars|directs|casts|with|cast(?:\s+includes)?)|CH)\b\s*[:–-]?\s*"
                               r"(?:[A-Z][\w'’.-]*(?:\s+|,\s*))*$")


def _share_cast_cues(sections: list[SectionFacts], names: "Names", said_director: dict, said_cast: dict) -> None:
    """``John Woo directs Ti Lung, Leslie Cheung and Chow Yun-fat``, ``Masayuki Mori and Kinuyo
    Tanaka are superb``: names listed together share the cast cue one of them has."""
    for f in sections:
        chain: list[tuple[str, int, int]] = []
        chains = [chain]
        for s, e in sorted(f.persons):
            name = names.resolve(f.text[s:e])
            if not name:
                continue
            if chain and _NAME_LIST_GAP.fullmatch(f.text[chain[-1][2]:s]):
                chain.append((name, s, e))
            else:
                chain = [(name, s, e)]
                chains.append(chain)
        for chain in chains:
            cued = [said_cast[n][3] for n, _s, _e in chain if n in said_cast]
            opener = _CAST_LIST_OPENER.search(f.text[max(0, chain[0][1] - 60):chain[0][1]]) if chain else None
            if opener and (opener.group(1).lower() != "with" or len(chain) >= 3):
                cued.append(opener.group(1))  # "Starring Ge You, Gong Li, Niu Ben", "With A, B, C"
            if len(chain) < 2 or not cued:
                continue
            for name, s, e in chain:
                if name not in said_cast and name not in said_director:
                    said_cast[name] = (f, s, e, f"listed with {cued[0]}")


def _places(sections: list[SectionFacts]) -> set[str]:
    """Nationalities the NER saw, and places it sees wherever the text writes them (China), or most
    times for a name of two words or more (Hong Kong): capitalised words that are no title alone. A
    word it calls a place only now and then may be a one-word title (Burning)."""
    out: set[str] = set()
    seen: dict[str, int] = {}
    for f in sections:
        for s, e, label in f.others:
            word = f.text[s:e]
            if label == "NORP" and len(word.split()) == 1:
                out.add(norm_text(word))
            elif label in ("GPE", "LOC"):
                seen[word] = seen.get(word, 0) + 1
    for word, n in seen.items():
        written = sum(len(re.findall(rf"(?<![\w-]){re.escape(word)}(?![\w-])", f.text)) for f in sections)
        if n >= written or len(word.split()) > 1 and 2 * n > written:
            out.add(norm_text(word))
    return out


def _title_not_a_person(title: str, sections: list[SectionFacts], work_mentions: list, names: "Names",
                        roles: dict, *said: dict) -> None:
    """The chosen film's title the NER took for a person ("Lee Chang-dong's Secret Sunshine", a
    title the page's address spells) is the film there: its spans become work mentions, so its
    maker's possessive is read, and it leaves the people. A character of that name stays a person."""
    key = norm_text(title)
    if key in {norm_text(r.character) for r in roles.values()}:
        return
    for f in sections:
        spans = [(s, e) for s, e in f.persons if norm_text(f.text[s:e]) == key]
        if not spans:
            continue
        f.persons = [p for p in f.persons if p not in spans]
        work_mentions.extend((f, s, e, title, {}) for s, e in spans)
    names.full = [n for n in names.full if norm_text(n) != key]
    for who in said:  # who the text said directs or plays: not the film
        for name in [n for n in who if norm_text(n) == key]:
            del who[name]


def _subject_and_people(review: Review, sections: list[SectionFacts], work_mentions, names: "Names",
                        roles: dict, facts: KnownFacts, headings: SectionFacts | None = None,
                        described: set[str] = frozenset(), *, places: set[str]) -> tuple[Review, Subject | None]:
    """The review refined with its film (ranked when no title says it), the film's directors and
    the cast the text names; and the ``Subject`` with its evidence when the text chose the film.
    ``places``: the sections' places (``_places``), as the caller already read them."""
    owner = possessive_of(names)
    # who the text says directed or plays in something, name by name
    said_director: dict[str, tuple] = {}
    said_cast: dict[str, tuple] = {}
    acting: dict[str, tuple] = {}  # named in a sentence about acting: cast unless a director
    for f in sections:
        for s, e in f.persons:
            name = names.resolve(f.text[s:e])
            if not name:
                continue
            # "an Ang Lee film" names a known director's film; "a Matt Damon movie" a star's
            cue = director_cue(f.text, s, e) or (
                maker_film_cue(f.text, s, e) if person_key(name) in facts.directors else None)
            if cue:
                said_director.setdefault(name, (f, s, e, cue))
                continue
            a0, b0 = next(((a, b) for a, b in f.sentences if a <= s < b), (0, len(f.text)))
            sentence = f.text[a0:b0]
            cue = cast_cue(f.text, s, e, sentence)
            if cue:
                said_cast.setdefault(name, (f, s, e, cue))
            elif performance_sentence(sentence) and not any(a0 <= ws < b0 for ws, _we, _at in f.works):
                acting.setdefault(name, (f, s, e, "a sentence about the acting"))
    _share_cast_cues(sections, names, said_director, said_cast)
    header_directors = set(review.directors) | set(said_director)
    subject = None
    title_line = review.title
    if title_line:  # the header's title is one candidate among the text's, not beyond question
        review = review.replace(title=None, headings=(title_line, *(h for h in review.headings if h != title_line)))
    if not review.title:
        compared = {norm_text(f.text[slice(*c["work"])]) for f in sections for c in f.comparisons}
        people = {norm_text(n) for n in names.full} | {norm_text(n) for n in said_director} | {norm_text(n) for n in said_cast}
        people |= {p for p in places if len(p.split()) == 1}  # no title alone (China)
        ranked = rank_subject(review, work_mentions, compared, header_directors, owner, people, title_line,
                              _places([*sections, headings]) if headings is not None else places)
        best, confidence = choose_subject(ranked)
        if title_line:
            # another film wins only with a clear lead over the title line's own candidate
            if best is None or best.title_line or norm_text(best.title) == norm_text(title_line):
                best = None
                review = review.replace(title=title_line)
            else:
                review = review.replace(original_title=None, original_language=None)
        if best is not None:
            first = best.mentions[0] if best.mentions else None
            evidence = (evidence_at(first[0], first[1], first[2], "filmgraph_subject", confidence),) if first else ()
            subject = Subject(best.title, best.year, (), (), evidence, confidence=confidence,
                              reasons=tuple(best.reasons))
            review = review.replace(title=best.title, year=review.year or best.year)
            _title_not_a_person(best.title, sections, work_mentions, names, roles, said_director, said_cast, acting)
    if not review.title:
        return review, subject
    if headings is not None and headings.persons and not review.directors:
        # the names the headings give are someone the text may name by a part (Zhang of Zhang Yimou)
        names = Names(review, [*names.full, *(clean_name(headings.text[s:e]) for s, e in headings.persons)],
                       names.known)
    directors = list(review.directors) or text_directors(
        review, sections, work_mentions, names, roles, facts,
        heading_directors(review, sections, headings, names, facts, said_director, said_cast), owner)
    cast = list(review.cast)
    known_cast = facts.film_cast.get(title_key(review.title or ""), frozenset())
    in_kb = [n for n in names.full if person_key(n) in known_cast]
    characters = {norm_text(r.character) for r in roles.values()}
    for actor in [*(r.actor for r in roles.values()), *sorted(described), *said_cast, *in_kb,
                  *(n for n in acting if n not in said_director and person_key(n) not in facts.directors)]:
        if actor not in cast and actor not in directors and actor != review.reviewer \
                and (norm_text(actor) not in characters or actor in {r.actor for r in roles.values()}):
            cast.append(actor)
    if subject is not None:
        subject = Subject(subject.title, subject.year, tuple(directors), tuple(cast), subject.evidence,
                          confidence=subject.confidence, reasons=subject.reasons)
    return review.replace(directors=tuple(directors), cast=tuple(cast)), subject
