"""Who directed the reviewed film, from the words of the text: cues around each name (``directed
by X``, ``X's latest``), the maker of the film itself (``X's <the film>``), the film's known
director in the Wikidata snapshot, names the headings pair with the title, a name given by its
surname alone (``Kore-eda never telegraphs``), and a known director's surname with a maker's cue
(``my second Fellini``). ``assemble`` calls ``text_directors`` once the film is known."""

from __future__ import annotations

import logging
import re

from ..models import Review
from .film_people import crew_cue, director_cue, lone_name_parts, possessive_owner, reference_cue
from .gazetteer import KnownFacts, person_key, title_key
from .heading_credits import credited_in_headings
from .sections import Names, SectionFacts, clean_name, norm_text
from .types import HEADINGS

log = logging.getLogger(__name__)

_MAKING_VERB = re.compile(
    r"^\s*(?:[’']s\b|,\s+)?\s*(?:(?:has|had|once again|again|finally|now|here|also|then|)\s*)?"
    r"(?:makes|made|directs|directed|crafts|crafted|shoots|shot|films|filmed|helms|helmed|delivers|delivered|"
    r"returns|returned|brings|brought|creates|created|stages|staged|turns|turned|paints|painted|gives us|gave us|"
    r"tells|told|uses|used|captures|captured|fills|frames|keeps|lets|presents|offers|has made|has crafted|"
    r"solidifies|proves|shows|sets|constructs|builds|choreographs|adapts|adapted|explores|explored|"
    r"[’']s\s+(?:camera|film|movie|direction|vision|eye|style|latest|new|epic|masterpiece|work|effort|"
    r"storytelling|approach|images|visuals|use|films))\b", re.IGNORECASE)


_OPENING_FILM_NOUN = re.compile(r"^[’']s\s+(?:[a-z][\w-]*,?\s+){0,3}(?:film|movie|epic|drama|picture|latest|"
                                r"new|masterpiece|feature|debut|thriller|comedy|romance|melodrama|tale|effort|"
                                r"adaptation|portrait|study|meditation|chronicle)\b")
_POSSESSIVE_NOUN = re.compile(r"^[’']s\s+(?:[a-z][\w-]*,?\s+){0,3}(?:letter|foray|film|films|movie|movies|direction|vision|"
                             r"camera|eye|style|work|career|name|latest|new|effort|take|version|hand|touch|"
                             r"trademark|signature|best|attempt|masterpiece|epic|drama|picture|images|adaptation|oeuvre|"
                             r"filmography|canon|portrait|study|meditation)\b")
#: "of the three films I've seen by Paul Thomas Anderson": a filmography the text counts the film in
_FILMS_BY_BEFORE = re.compile(r"\b(?:films|movies|pictures|features)\s+(?:[\w’']+\s+){0,4}?(?:by|from)\s+$")


def text_directors(review: Review, sections: list[SectionFacts], work_mentions, names: "Names", roles: dict,
                    facts: KnownFacts, said_director: dict, owner) -> list[str]:
    """Who the text says directed the reviewed film, each name scored on its evidence: a director
    cue (``director X``, ``directed by X``), the film's own maker (``X's <the film>``), a known
    director of this film or a known film director at all (the Wikidata snapshot), the subject of
    a making verb (``X crafts``). The maker of another film named in passing (``Ang Lee's
    Crouching Tiger``) and anyone with a part loses."""
    key = norm_text(review.title)
    known_for_film = facts.film_directors.get(title_key(review.title or ""), frozenset())
    actors = {r.actor for r in roles.values()}
    # "theatre director Yusuke Kafuku (Hidetoshi Nishijima)": a character's job in the story
    characters = {norm_text(r.character) for r in roles.values()}
    scores: dict[str, float] = {}

    def add(name: str | None, points: float) -> None:
        if name:
            scores[name] = scores.get(name, 0.0) + points

    for name, said in said_director.items():
        add(name, 3.0 if said[0] is not None else 2.0)  # a hint (no section) only helps the text's own evidence
    said_director = {n: said for n, said in said_director.items() if said[0] is not None}
    other_makers: set[str] = set()
    maker_of = possessive_of(names, through_kind=True)
    for f, s, e, title, attrs in work_mentions:
        who = attrs.get("maker") or maker_of(f, s)
        who = (names.resolve(who) or clean_name(who)) if who else None
        if not who:
            continue
        if norm_text(title) == key or norm_text(title).removeprefix("the ") == key.removeprefix("the "):
            add(who, 3.0)
        else:
            other_makers.add(who)
    # the known directors of the other works the review names made those, not this one
    # (``Ang Lee ... (in Crouching Tiger, Hidden Dragon), but Zhang Yimou ...``)
    other_known = set()
    for f, s, e, title, attrs in work_mentions:
        if norm_text(title).removeprefix("the ") != key.removeprefix("the "):
            other_known |= facts.film_directors.get(title_key(title), frozenset())
    other_known -= known_for_film
    referenced: set[str] = set()
    crew: set[str] = set()  # named as the cinematographer, writer, composer...
    seen: dict[str, int] = {}
    mentions = [(f, s, e, names.resolve(f.text[s:e])) for f in sections for s, e in f.persons]
    mentions += _surname_mentions(sections, names, set(facts.directors) | {person_key(n) for n in said_director})
    for f, s, e, name in mentions:
        if not name:
            continue
        if name not in said_director and crew_cue(f.text, s, e):
            crew.add(name)
        k = person_key(name)
        if name not in seen:
            if k in known_for_film:
                add(name, 4.0)
            elif k in facts.directors:
                add(name, 1.5)
        seen[name] = seen.get(name, 0) + 1
        if reference_cue(f.text, s):
            referenced.add(name)
        if _POSSESSIVE_NOUN.match(f.text[e:e + 40]) and s < 300 and f is sections[0] \
                and _OPENING_FILM_NOUN.match(f.text[e:e + 40]):
            add(name, 2.5)  # the opening's "Chen Kaige's sweeping, intimate epic follows ..."
        elif _MAKING_VERB.match(f.text[e:e + 40]) or _POSSESSIVE_NOUN.match(f.text[e:e + 40]) \
                or _FILMS_BY_BEFORE.search(f.text[max(0, s - 50):s]):
            add(name, 1.0)
    if known_for_film and not any(person_key(n) in known_for_film for n in (*seen, *scores)):
        for name, points in _known_director_by_surname(sections, known_for_film, names):
            add(name, points)
    other_makers |= {n for n in seen if person_key(n) in other_known and n not in said_director}
    known_here = [n for n in seen if person_key(n) in facts.directors and n not in other_makers and n not in crew]
    if len(known_here) == 1:
        add(known_here[0], 1.0)  # the one film director the review names, outside other films' credits
    for name, n in seen.items():
        if name in scores and n > 1:
            add(name, min(1.5, 0.5 * (n - 1)))
    for name in list(scores):
        if name in other_makers and name not in said_director:
            scores[name] -= 2.0
        if name in referenced and name not in said_director:
            scores[name] -= 2.0  # named as a point of comparison
        if name in crew:
            scores[name] -= 2.0  # "aided by cinematographer Chris Doyle": another job on the film
        if name in actors or name in review.cast or name == review.reviewer or norm_text(name) in characters:
            scores[name] -= 3.0
    log.debug("director scores for %r: %s (other films' makers: %s)", review.title, scores, other_makers)
    chosen = [n for n, v in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])) if v >= 2.5]
    if not chosen:
        # "My second Fellini", "Kitano's 1999 Kikujiro": a known film director by surname alone
        return _surname_of_a_known_director(sections, facts, names, review.title or "")[:1]
    top = scores[chosen[0]]
    return [n for n in chosen if n == chosen[0] or n in said_director or scores[n] >= top - 0.5][:3]


def _surname_mentions(sections: list[SectionFacts], names: "Names", directors: set[str]) -> list[tuple]:
    """``Zhang's latest``, ``Kore-eda never telegraphs``: where the text names someone it names in
    full elsewhere by the first or last part of the name alone, a word the NER did not tag. A part
    several full names share (``Zhang`` of Zhang Yimou and Zhang Ziyi) goes to the one film
    director among them (``directors``: person keys), or to none."""
    by_part: dict[str, list[str]] = {}
    for name in names.full:
        words = name.split()
        for part in {person_key(words[0]), person_key(words[-1])} if len(words) > 1 else ():
            by_part.setdefault(part, []).append(name)
    tokens = {t for part in by_part for t in part.split()}
    out = []
    for f in sections:
        tagged = [(s, e) for s, e in f.persons]
        for s, e in lone_name_parts(f.text, tokens):
            if any(a < e and s < b for a, b in tagged):
                continue
            owners = by_part.get(person_key(f.text[s:e]), [])
            if len(owners) > 1:
                owners = [n for n in owners if person_key(n) in directors]
            if len(owners) == 1:
                out.append((f, s, e, owners[0]))
    return out


def heading_directors(review: Review, sections: list[SectionFacts], headings: SectionFacts | None,
                       names: "Names", facts: KnownFacts, said_director: dict, said_cast: dict) -> dict:
    """``said_director`` with the names the heading lines credit with the film (``heading_credits``):
    a known film director, one the text names again (whole, or by a part of the name), or one the
    heading calls the director outright counts as said; anyone else (a blogger's name in brackets)
    only as a hint the text must back."""
    credited: dict[str, str] = {}
    for f in ([headings] if headings is not None else []) + sections:
        found = credited_in_headings(f.text, f.persons, review.title or "", names.resolve, f is headings)
        for name, cue in found.items():
            credited.setdefault(name, cue)
    out = dict(said_director)
    for name, cue in credited.items():
        if name in said_cast or name in out:
            continue
        parts = set(person_key(name).split())
        again = any(names.resolve(f.text[s:e]) == name for f in sections for s, e in f.persons) \
            or any(lone_name_parts(f.text, parts) for f in sections)
        # the heading's own word for the job ("Incendies: Directed by Denis Villeneuve") says it outright
        outright = re.search(r"\bdirect(?:ed|or)\b|\bdir\.", cue, re.IGNORECASE)
        said = again or outright or person_key(name) in facts.directors
        out[name] = (HEADINGS, 0, 0, cue) if said else (None, 0, 0, cue)
    return out


def _known_director_by_surname(sections: list[SectionFacts], known_for_film: frozenset[str],
                               names: "Names") -> list[tuple[str, float]]:
    """``Ozu's mastery``: the reviewed film's known director (the Wikidata snapshot) named only by a
    part of the name, as the text writes it. A part that is also in another full name the text
    gives (``Zhang`` beside ``Zhang Ziyi``) counts only where the words say it made the film."""
    found: dict[str, float] = {}
    others = [set(person_key(n).split()) for n in names.full]
    for key in known_for_film:
        parts = set(key.split())
        for f in sections:
            for s, e in lone_name_parts(f.text, parts):
                word = f.text[s:e]
                if reference_cue(f.text, s) or crew_cue(f.text, s, e):
                    continue
                own = set(person_key(word).split())
                ambiguous = any(own <= o for o in others)
                if ambiguous and not (director_cue(f.text, s, e) or _MAKING_VERB.match(f.text[e:e + 40])
                                      or _POSSESSIVE_NOUN.match(f.text[e:e + 40])):
                    continue
                found[word] = min(4.0, found.get(word, 2.5) + 0.5)
    return list(found.items())


#: ``my second Fellini``, ``a new Kitano``: a director's name standing for their films
_NTH_BEFORE = re.compile(r"\b(?:my|a|another|the)\s+(?:first|second|third|fourth|fifth|sixth|next|latest|new|"
                         r"favou?rite|last|only)\s+$", re.IGNORECASE)


def _surname_of_a_known_director(sections: list[SectionFacts], facts: KnownFacts, names: "Names",
                                 title: str) -> list[str]:
    """A distinctive surname (five letters or more) of a film director the snapshot knows, written
    alone with words that make it the film's maker: ``my second Fellini``, ``Kitano's 1999
    Kikujiro``, ``Kurosawa's direction``, ``directed by Ozu``. Most such words first; as written,
    or as the full name the text gives."""
    owned = re.compile(rf"^[’']s\s+(?:(?:19|20)\d\d\s+)?{re.escape(title)}\b", re.IGNORECASE) if title else None
    counts: dict[str, int] = {}
    for f in sections:
        for s, e in lone_name_parts(f.text, facts.director_surnames):
            before, after = f.text[max(0, s - 40):s], f.text[e:e + 40]
            if reference_cue(f.text, s) or crew_cue(f.text, s, e):
                continue
            if _NTH_BEFORE.search(before) or director_cue(f.text, s, e) or _POSSESSIVE_NOUN.match(after) \
                    or _MAKING_VERB.match(after) or (owned is not None and owned.match(after)):
                word = f.text[s:e]
                full = [n for n in names.full if person_key(n) in facts.directors
                        and set(person_key(word).split()) <= set(person_key(n).split())]
                name = full[0] if len(full) == 1 else names.resolve(word) or word
                counts[name] = counts.get(name, 0) + 1
    return [n for n, _c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def possessive_of(names: "Names", through_kind: bool = False):
    def owner(f, start: int) -> str | None:
        who = possessive_owner(f.text, start, through_kind)
        return (names.resolve(who) or clean_name(who)) if who else None
    return owner
