"""Which film a review is about, when no title line says so: candidates ranked with evidence.

Every work the text names is a candidate, and so is each short heading above the text. Each gets
points for what speaks for it (named in a heading, named often, the subject of an opening sentence,
``Zhang Yimou's X`` by the header's director, ``his latest film, X``, in quotes, the header's year)
and loses points for what speaks against it (a work the review compares the film to, a work after
``follow-up to`` / ``previous film``, another kind of work). The best candidate wins only with
enough points and a clear lead; otherwise the subject stays unknown rather than guessed. The
reasons travel with the choice, so the graph can say why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..header import fold, heading_parts, in_url_path, url_parts

#: words right before a title that make it another work than the one reviewed
RELATED_BEFORE = re.compile(
    r"\b(?:follow[- ]up|sequel|prequel|successor|predecessor|remake|companion piece|answer|tribute|homage)\s+(?:to|of)\s+"
    r"(?:(?:the|his|her|their|its)\s+)?(?:[\w-]+[’']s\s+)?(?:own\s+)?[\"“‘]?$"
    r"|\b(?:since|after|than|unlike|like|before|echoes|echoing|recalls|recalling|resembles|evokes|"
    r"reminiscent of|reminds (?:one|us|me) of|vein of|version of|equivalent of|compared? (?:to|with)|"
    r"comparisons? (?:with|to)|pales next to|lives up to|by way of|cross between|mix of|meets|"
    r"(?:previous|earlier|last|past|prior|other|former)\s+"
    r"(?:film|movie|feature|work|effort|outing|epic|picture|films|movies|features|works|efforts|epics|pictures)"
    r"(?:\s+(?:like|such as|including))?,?|films? (?:like|such as|including)|(?:he|she) (?:made|directed)|"
    r"known for|famous for|best known for|director of|maker of|star of|helmer of|who (?:made|directed|gave us)|"
    r"(?:director|filmmaker|man|woman|mind|team|studio)s? behind|such as|"
    r"(?:after|since|before|unlike|than|like) (?:his|her|their|its) (?:[\w-]+\s+){0,2}?[\w-]+(?: film| movie)?,?|"
    r"(?:oscar|award|prize|palme d[’']or|golden \w+|nomination)s? for(?: directing)?)"
    r"\s+(?:(?:the|his|her|their|its)\s+)?(?:(?:[\w-]+\s+){0,2}[\w-]+[’']s\s+)?(?:own\s+)?[\"“‘(]?$",
    re.IGNORECASE,
)
#: ``the new film from``, ``his latest,`` right before a title: the reviewed film
LATEST_BEFORE = re.compile(
    r"\b(?:new|latest|newest|current|upcoming)\s+(?:film|movie|feature|work|effort|offering|outing|epic|picture)"
    r"\s+(?:from|by)\s+[^.!?]{0,40}?[,:]\s*[\"“‘]?$"
    r"|\b(?:new|latest|newest|current|upcoming)(?:\s+(?:film|movie|feature|work|effort|offering|outing|epic|picture))?"
    r"\s*[,:]?\s*[\"“‘]?$", re.IGNORECASE)
LATEST_AFTER = re.compile(r"^[\"”’]?\s*,?\s*(?:is|was)?\s*(?:his|her|their|the director[’']s)\s+(?:new|latest|newest)\b",
                          re.IGNORECASE)
#: a verb right after a title at a sentence's start: the title is what the sentence is about
SUBJECT_VERB = re.compile(
    r"^[\"”’]?\s*(?:\(\d{4}\)\s*)?(?:is|was|isn[’']t|wasn[’']t|has|had|tells|follows|opens|begins|arrives|marks|"
    r"stars|sees|takes|offers|centers|centres|revolves|unfolds|plays|proves|remains|features|presents|"
    r"delivers|gives|brings|shows|depicts|explores|returns|manages|succeeds|fails|lacks|boasts|"
    r"[a-z]+s)\b")
_QUOTE_BEFORE = re.compile(r"[\"“‘'*_]$")
#: the reviewer saw it: ``I saw Hero yesterday``, ``when watching``, ``a screening of``
WATCHED_BEFORE = re.compile(
    r"\b(?:(?:I|we)\s+(?:finally\s+|just\s+|recently\s+)?(?:saw|watched|caught|rented|missed|revisited|re-?watched)|"
    r"(?:came back from|just got back from|while|when)\s+(?:watching|seeing)|"
    r"(?:screening|viewing|review|my review) of|(?:went|go|going) to see|I(?:[’']ve| have) (?:just |finally )?(?:seen|watched))"
    r"\s+(?:(?:the|a)\s+(?:new\s+|latest\s+)?(?:film|movie)\s+)?[\"“‘']?$", re.IGNORECASE)

_SMALL_WORDS = {"of", "the", "a", "an", "in", "on", "to", "for", "and", "or", "at", "by", "with", "from"}
MIN_SCORE = 2.0
MIN_LEAD = 0.5


@dataclass
class Candidate:
    """One title that may be the reviewed film, and why (or why not)."""

    title: str
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)  # (facts, start, end, attrs)
    year: int | None = None
    maker: str | None = None
    #: the page's title line names it (the reader took it for the film; the text may disagree)
    title_line: bool = False

    def add(self, points: float, reason: str) -> None:
        self.score += points
        self.reasons.append(f"{reason} ({points:+g})")


def norm(text: str) -> str:
    text = re.sub(r"[^\w\s]", " ", text.lower().replace("’", "'"))
    return re.sub(r"^(?:the|a|an)\s+", "", " ".join(text.split()))


_OWNER_LEAD = re.compile(r"^\s*(?:[A-Z][\w-]+\s+){0,3}[A-Z][\w-]+[’']s\s+(?:own\s+|new\s+|latest\s+)?[\"“‘'*_]?$")


def _in_bracketed_list(text: str, start: int, end: int) -> bool:
    """``his dramas with Gong Li (Ju Dou, Raise the Red Lantern, To Live, etc.)``: titles listed in
    brackets are examples of the maker's other work."""
    before, after = text[max(0, start - 80):start], text[end:end + 80]
    opened = before.rfind("(")
    if opened < 0 or ")" in before[opened:]:
        return False
    closed = after.find(")")
    if closed < 0 or "(" in after[:closed]:
        return False
    inner = before[opened + 1:] + "#" + after[:closed]
    return bool(re.search(r",\s*\S|\band\b", inner)) and not re.search(r"\b(?:18|19|20)\d\d\b", inner)


def _sentence_start(f, offset: int) -> bool:
    """At the start of its sentence, or right after an owner there (``Bong Joon-ho's Parasite is``)."""
    s0 = next((a for a, b in f.sentences if a <= offset < b), 0)
    lead = f.text[s0:offset]
    return not lead.strip(" \"“‘'*_(") or bool(_OWNER_LEAD.match(lead))


def _in_opening(f, offset: int) -> bool:
    end = f.text.find("\n\n")
    return f.section == "synopsis" or offset < (end if end >= 0 else len(f.text)) or offset < 300


def is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text)]
    small = {"of", "the", "a", "an", "in", "on", "to", "for", "and", "or", "at", "by", "with", "from", "de", "la"}
    caps = [w for w in words if w.lower() not in small]
    return bool(caps) and all(w[0].isupper() for w in caps)


def rank(review, work_mentions, compared: set[str], directors: set[str], possessive_of,
         people: set[str] = frozenset(), title_line: str | None = None,
         places: set[str] = frozenset()) -> list[Candidate]:
    """Every candidate with its score, best first.

    ``work_mentions``: ``(facts, start, end, title, attrs)`` for each work the text names;
    ``compared``: normalised titles the review compares its film to; ``directors``: the header's
    directors (and the text's, ``directed by``); ``possessive_of(f, start)``: the person whose
    possessive stands right before a mention (``Zhang Yimou's``), if any; ``places``: names the NER
    takes for a place wherever the text writes them (``Hong Kong``), which lose points.
    """
    cands: dict[str, Candidate] = {}
    texts = sections_of(work_mentions, review)
    for f, s, e, title, attrs in work_mentions:
        key = norm(title)
        if not key:
            continue
        c = cands.setdefault(key, Candidate(title))
        c.mentions.append((f, s, e, attrs))
        if attrs.get("year") and c.year is None:
            c.year = attrs["year"]
        if attrs.get("maker") and c.maker is None:
            c.maker = attrs["maker"]
    _pool_parts(cands, texts)
    headings = [h for h in review.headings if h.strip()]
    for h in headings:
        hk = norm(re.sub(r"\s*[(\[].*?[)\]]\s*", " ", h))
        named = [key for key in cands if hk == key or re.search(rf"\b{re.escape(key)}\b", hk) and len(key) >= 4]
        for key in _longest(named):  # "Devils" of "Devils on the Doorstep": the heading names the whole
            cands[key].add(4.0, f"named in the heading {h!r}")
        if named:
            continue
        for part in heading_parts(h):
            pk = norm(part)
            inner = [k for k in cands if len(k) >= 4 and re.search(rf"\b{re.escape(k)}\b", pk) and k != pk]
            if inner and pk and fold(part) in fold(" ".join(texts)):
                # the heading writes whole a title the NER clipped ("Mood For Love"): take the whole
                whole = cands.setdefault(pk, Candidate(part))
                for k in inner:
                    gone = cands.pop(k)
                    whole.mentions.extend(gone.mentions)
                    whole.title_line |= gone.title_line
                whole.add(4.0, f"named in the heading {h!r}")
                break
            if pk and pk not in people and is_title_case(part) and len(pk.split()) <= 8 and pk not in cands:
                cands[pk] = Candidate(part)
                cands[pk].add(2.0, f"the heading {h!r}, in title case")
                break
    if title_line and norm(title_line):  # a heading like the others: it gets no points of its own
        cands.setdefault(norm(title_line), Candidate(title_line)).title_line = True
    _pool_spellings(cands)
    address = page_address(review)
    if address:
        spelled = _longest([key for key, c in cands.items() if in_url_path(c.title, address)])
        for key, c in cands.items():
            if key in spelled:
                c.add(3.0, "the page's address spells it")
            elif key not in spelled and _url_spells_part(c.title, address) \
                    and not any(key in k for k in spelled):
                c.add(1.5, "the page's address spells part of it")
        _url_candidates(address, cands, texts, people, places)
    _copula_titles(cands, texts, people)
    _repeated_subjects(cands, texts, people)
    _described_titles(cands, texts, people)
    other_work = _named_as_other_work(cands)
    for key, c in cands.items():
        address_spells = any(r.startswith("the page's address spells it") for r in c.reasons)
        kinds = {m[3].get("kind") for m in c.mentions} - {None}
        if kinds and kinds != {"film"}:
            # a film shares its title with its novel or play: the page's address spelling the title
            # says the page is about it, whatever a nearby noun made of one mention
            c.add(-1.5 if address_spells else -5.0, f"a {'/'.join(sorted(kinds))}, not a film")
        # how often the text writes the title, whether or not the NER saw each one
        written = sum(len(re.findall(rf"(?<![\w-]){re.escape(c.title)}(?![\w-])", t)) for t in texts)
        n = max(len(c.mentions), written)
        if n > 1:
            c.add(min(4.0, 1.0 * (n - 1)), f"named {n} times")
        if key in compared:
            c.add(-4.0, "the review compares the film to it")
        if key in places and not address_spells:
            c.add(-3.0, "a place the NER sees wherever the text names it")
        related = latest = subject = opening = quoted = watched = by_director = by_other = 0
        for f, s, e, attrs in c.mentions:
            before = f.text[max(0, s - 60):s]
            after = f.text[e:e + 40]
            if (id(f), s) in other_work:
                related += 1
            if LATEST_BEFORE.search(before) or LATEST_AFTER.match(after):
                latest += 1
            if _sentence_start(f, s) and SUBJECT_VERB.match(after.lstrip(" ,")):
                subject += 1
            if _in_opening(f, s):
                opening += 1
            if _QUOTE_BEFORE.search(before):
                quoted += 1
            if WATCHED_BEFORE.search(before):
                watched += 1
            owner = possessive_of(f, s)
            if owner:
                if owner in directors:
                    by_director += 1
                elif directors:
                    by_other += 1
        if related:
            c.add(-2.5 * min(related, 2) / max(1, n - related + 1) if related < n else -3.0,
                  "named after 'follow-up to', 'previous film', 'like' and the like")
        if latest:
            c.add(2.0, "named as the new or latest film")
        if subject:
            c.add(1.5, "the subject of a sentence ('X is ...')")
        if opening:
            c.add(1.0, "named in the opening")
        if quoted:
            c.add(0.5, "in quotes or italics")
        if watched and watched > related:
            c.add(1.5, "the reviewer saw it ('I saw X', 'after watching X')")
        if by_director:
            c.add(2.0, "the header's director's film")
        if by_other and not by_director:
            c.add(-1.5, "another director's film")
        if review.year and c.year:
            c.add(1.0 if c.year == review.year else -2.0,
                  "the header's year" if c.year == review.year else f"a year ({c.year}) other than the header's")
    return sorted(cands.values(), key=lambda c: (-c.score, c.title))


_LIST_JOIN = re.compile(r"[\"”’']?\s*(?:\([^()]{0,60}\))?\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*)"
                        r"(?:(?:the|his|her|their)\s+)?[\"“‘']?")


def _named_as_other_work(cands: dict[str, Candidate]) -> set[tuple[int, int]]:
    """The mentions (``(id(facts), start)``) that name another work than the reviewed one: after
    ``follow-up to``, ``the director behind``, ``such as`` ..., in a bracketed list of examples, or
    listed right after such a mention (``the director behind Spirited Away and Totoro``)."""
    mentions = sorted(((id(f), s, e, f) for c in cands.values() for f, s, e, _a in c.mentions),
                      key=lambda m: (m[0], m[1]))
    marked: set[tuple[int, int]] = set()
    prev = None
    for fid, s, e, f in mentions:
        before = f.text[max(0, s - 60):s]
        listed = prev is not None and prev[0] == fid and (fid, prev[1]) in marked \
            and prev[2] <= s and _LIST_JOIN.fullmatch(f.text[prev[2]:s])
        if listed or RELATED_BEFORE.search(before) or _in_bracketed_list(f.text, s, e):
            marked.add((fid, s))
        prev = (fid, s, e)
    return marked


_CAPITAL_RUN = re.compile(r"(?<![\w’'-])(?:[A-Z][\w’'-]*|\d+)(?:\s+(?:(?:of|the|a|an|in|on|for|to|and|at|from|with)\s+)*"
                          r"(?:[A-Z][\w’'-]*|\d+)){1,6}(?![\w-])")
_NOT_OPENING = re.compile(r"^(?:The|A|An|This|That|These|Those|In|On|At|As|If|When|While|But|And|So|Yet|For|"
                          r"It|Its|His|Her|Their|I|We|You|He|She|They|Mr|Mrs|Ms|Dr)\s")


_FILM_NOUNS = (r"(?:film|movie|drama|melodrama|epic|tale|story|look|portrait|study|meditation|saga|fable|parable|"
               r"thriller|comedy|romance|tragedy|masterpiece|picture|feature|documentary|adaptation)")
#: ``X, a heartbreaking and fascinating look into ...``: what follows the title says it is a film
_DESCRIBED_AFTER = re.compile(rf"^[\"”’']?,\s+(?:an?|the)\s+(?:[\w-]+,?\s+(?:and\s+)?){{0,4}}?{_FILM_NOUNS}\b")
_TITLE_AFTER_WITH = re.compile(r"(?<![\w-])(?:with|in|of|(?:film|movie|feature|picture),)\s+(?P<t>[A-Z][\w’'-]*(?:\s+(?:(?:of|the|a|an|in|on|for|to|and|at|from|with)\s+)*"
                               r"[A-Z][\w’'-]*){0,6})(?=[\"”’']?,\s)")


def _described_titles(cands: dict[str, Candidate], texts: list[str], people: set[str]) -> None:
    """``Zhang Yimou ... with Raise the Red Lantern, a heartbreaking look into ...``: a capitalised
    phrase described right after as a film is a candidate (one the NER missed too) with that evidence."""
    text = "\n".join(texts)
    name_words = {w for p in people for w in p.split()}
    described: set[str] = set()
    for m in _TITLE_AFTER_WITH.finditer(text):
        phrase = m.group("t")
        key = norm(phrase)
        if not key or key in described or not _DESCRIBED_AFTER.match(text[m.end():m.end() + 80]):
            continue
        if key not in cands:
            if key in people or all(w in name_words for w in key.split()) or any(key in k or k in key for k in cands):
                continue
            cands[key] = Candidate(phrase)
            if m.start() < 300:
                cands[key].add(1.0, "named in the opening")
        described.add(key)
        cands[key].add(1.5, "described as a film ('X, a ... drama')")


#: ``Black Coal, Thin Ice is a detective movie``, ``The Story of Qiu Ju is a mesmerizing Chinese film``
_COPULA_FILM = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?][\"”’]\s)|(?<=\n))(?:(?:[A-Z][\w-]+\s+){0,3}[A-Z][\w-]+[’']s\s+)?"
    r"(?P<t>[A-Z0-9][\w’'-]*(?:(?:,\s+|\s+(?:(?:of|the|a|an|in|on|for|to|and|at|from|with|into)\s+)*)"
    r"[A-Z0-9][\w’'-]*){0,7})"
    r"\s+(?:is|was)\s+(?:(?:an?|the|one of the)\s+)(?:(?!(?:of|about|with|who|that|in|for|to)\b)[\w-]+,?\s+(?:and\s+)?){0,4}?"
    r"(?:film|movie|picture|feature|documentary|drama|melodrama|thriller|comedy|romance|tragedy|epic|western|"
    r"masterpiece|adaptation)s?\b(?![’']s\b)")  # not "Yuddy is the film's main character"
_PRONOUN_OPENING = re.compile(r"^(?:In|On|At|As|If|When|While|But|And|So|Yet|For|It|Its|This|That|These|Those|"
                              r"His|Her|Their|I|We|You|He|She|They|Here|There|What|Which|Mr|Mrs|Ms|Dr)\b")


def _copula_titles(cands: dict[str, Candidate], texts: list[str], people: set[str]) -> None:
    """A sentence that opens with a capitalised phrase and says it *is a ... film* names a film,
    even once and even where the NER saw nothing: a candidate with that evidence."""
    text = "\n".join(texts)
    for m in _COPULA_FILM.finditer(text):
        phrase = " ".join(m.group("t").split())
        key = norm(phrase)  # (parts of it the NER took for names may still be a title: Black Coal, Thin Ice)
        if not key or _PRONOUN_OPENING.match(phrase) or key in people:
            continue
        if key not in cands:
            if _inside_a_film_title(key, cands):
                continue  # a part of a title the text names whole
            cands[key] = Candidate(phrase)
            cands[key].add(1.5, "the subject of a sentence ('X is ...')")
            if m.start() < 300:
                cands[key].add(1.0, "named in the opening")
        cands[key].add(1.5, "described as a film ('X is a ... film')")


def _repeated_subjects(cands: dict[str, Candidate], texts: list[str], people: set[str]) -> None:
    """A capitalised phrase the NER did not see, written twice or more and once as the subject
    of a sentence (``Princess Mononoke is ...``), is a candidate too."""
    text = "\n".join(texts)
    name_words = {w for p in people for w in p.split()}
    counts: dict[str, list[re.Match]] = {}
    for m in _CAPITAL_RUN.finditer(text):
        counts.setdefault(m.group(0), []).append(m)
    for phrase, hits in counts.items():
        key = norm(phrase)
        if len(hits) < 2 or not key or key in people or _NOT_OPENING.match(phrase) \
                or all(w in name_words for w in key.split()) or phrase.split()[-1].lower() in _SMALL_WORDS:
            continue
        if any(key in k or k in key for k in cands):
            continue
        def starts_sentence(m: re.Match) -> bool:
            lead = text[max(0, m.start() - 3):m.start()]
            return m.start() == 0 or lead.endswith("\n") or bool(re.search(r"[.!?][\"”’]?\s+$", lead))
        if not any(starts_sentence(m) and SUBJECT_VERB.match(text[m.end():m.end() + 30].lstrip(" ,")) for m in hits):
            continue
        c = cands[key] = Candidate(phrase)
        c.add(1.5, "the subject of a sentence ('X is ...')")
        if hits[0].start() < 300:
            c.add(1.0, "named in the opening")


def _inside_a_film_title(key: str, cands: dict[str, Candidate]) -> bool:
    """Is ``key`` words of a longer candidate that may be a film (not of ``Memento Mori``, a short
    story the NER or a noun nearby calls another kind of work)?"""
    return any(re.search(rf"(?<!\w){re.escape(key)}(?!\w)", k) and k != key
               and not {m[3].get("kind") for m in c.mentions} - {None, "film"} for k, c in cands.items())


def _longest(keys: list[str]) -> list[str]:
    """The keys that are not words inside another of them (``riding`` inside ``riding alone ...``)."""
    return [k for k in keys if not any(k != o and re.search(rf"(?<!\w){re.escape(k)}(?!\w)", o) for o in keys)]


def _pool_parts(cands: dict[str, Candidate], texts: list[str]) -> None:
    """A candidate that is part of a longer one is the same film: its words begin the longer title
    (``Crouching Tiger`` for *Crouching Tiger, Hidden Dragon*), or the text never writes it outside
    the longer title (``Gun`` of *A Woman, a Gun and a Noodle Shop*). Its mentions join the longer."""
    text = "\n".join(texts)
    for key in sorted(cands, key=len):
        words = key.split()
        longer = [k for k in cands if len(k) > len(key) and k != key and len(k.split()) > len(words)
                  and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", k)]
        if not longer:
            continue
        target = max(longer, key=lambda k: (len(cands[k].mentions), len(k)))
        short, long_ = cands[key].title, cands[target].title
        prefix = target.split()[:len(words)] == words and len(words) >= 2
        whole = [(n.start(), n.end()) for n in re.finditer(re.escape(long_), text)]
        alone = [m for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text)
                 if not any(a <= m.start() and m.end() <= b for a, b in whole)]
        if prefix or not alone:
            gone = cands.pop(key)
            cands[target].mentions.extend(gone.mentions)
            cands[target].title_line |= gone.title_line


def _one_word_apart(a: str, b: str) -> bool:
    """``riding alone for thousands of miles`` and ``riding along for ...``: one word spelled
    differently in a title of three words or more."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or len(wa) < 3:
        return False
    diff = [(x, y) for x, y in zip(wa, wb) if x != y]
    return len(diff) == 1 and min(len(diff[0][0]), len(diff[0][1])) >= 4 \
        and SequenceMatcher(None, *diff[0]).ratio() >= 0.75


def _pool_spellings(cands: dict[str, Candidate]) -> None:
    """Two spellings of one title (a heading's and the text's typo) are one candidate: the one with
    more evidence so far keeps its spelling and takes the other's mentions and points."""
    for key in sorted(cands):
        if key not in cands:
            continue
        for other in sorted(cands):
            if other == key or other not in cands or not _one_word_apart(key, other):
                continue
            keep, drop = (key, other) if cands[key].score >= cands[other].score else (other, key)
            gone = cands.pop(drop)
            cands[keep].mentions.extend(gone.mentions)
            cands[keep].title_line |= gone.title_line
            if gone.score:
                cands[keep].add(gone.score, f"also spelled {gone.title!r}")
            if drop == key:
                break


def sections_of(work_mentions, review) -> list[str]:
    return [t for t in (review.synopsis, review.body, review.verdict) if t]


def _url_spells_part(title: str, address: str) -> bool:
    """Two or more of the title's words, its last among them, run together in the address
    (``/chinese-comedy-qiu-ju-built-on-...`` for *The Story of Qiu Ju*)."""
    _, path = url_parts(address)
    words = [w for w in fold(title).split() if w not in _SMALL_WORDS]
    return len(words) >= 3 and f" {' '.join(words[-2:])} " in f" {path} "


def page_address(review) -> str | None:
    """The page's address, or a saved page's file name standing in for it."""
    return review.url or _file_address(review.source)


def _file_address(source: str) -> str | None:
    """A saved page's file name is its address too (``raise-the-red-lantern-1991.txt``)."""
    if not source or source.startswith("<"):
        return None
    from pathlib import PurePath

    return "file://local/" + PurePath(source).stem


def _url_candidates(address: str, cands: dict[str, Candidate], texts: list[str], people: set[str],
                    places: set[str] = frozenset()) -> None:
    """Words of the page's address that the text writes as a capitalised phrase (``/yellow-earth``
    and "Yellow Earth") name a candidate the NER may not have seen: one-word and common-word
    titles (``Burning``, ``Happy Times``) most of all."""
    _, path = url_parts(address)
    words = [w for w in path.split() if w]
    if not words:
        return
    text = "\n".join(texts)
    name_words = {w for p in people for w in p.split()}
    # words of longer names, and places: a one-word title may be none of them
    not_alone = {w for p in people if len(p.split()) > 1 for w in p.split()} | set(places)
    # the address's last words (its slug): a word the NER takes for a place there is the title
    # (/films/memento, /new-dvd-thirst: the NER calls Memento a city)
    tail = [w for w in words if w not in ("html", "htm", "php", "shtml", "aspx")]
    slug_end = tail[-1] if tail and not tail[-1].isdigit() else None
    _run_together_slug(tail, cands, text)
    plain = without_accents(text)  # an address has no accents: /cache is Caché
    seen = set()
    for n in range(min(7, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            gram = words[i:i + n]
            if gram[0] in ("movie", "film", "html", "htm", "php", "www", "starring", "stars",
                           "featuring", "with", "by", "directed", "director") or gram[-1].isdigit() \
                    or "review" in gram or "reviews" in gram \
                    or _RELEASE_SLUG_WORDS & set(gram):  # a headline's "X Review: tagline" holds two parts
                continue  # (and "two-disc-collectors-edition" names a release, not a film)
            alone = not_alone - {slug_end} if n == 1 and gram[0] == slug_end and _title_not_place(slug_end, people, text) \
                else not_alone
            if len("".join(gram)) < 4 or all(w in (name_words if n > 1 else alone) for w in gram) or gram[-1] in _SMALL_WORDS \
                    or gram[0] in _SMALL_WORDS - {"the", "a", "an"}:  # "to China" of /back-to-china
                continue
            pattern = r"(?<![\w-])" + r"[\s\-:,]+(?:(?:of|the|a|an|and|in|on|for|to|at)[\s\-]+)*".join(
                re.escape(w) for w in gram) + r"(?![\w-])"
            hits = [m for m in re.finditer(pattern, plain, re.IGNORECASE) if is_title_case(m.group(0))
                    and not re.match(r"\s+[A-Z]", text[m.end():m.end() + 2])]
            if n == 1:  # one word: only where the text uses it as a title (quoted, "X is ...", or
                # capitalised inside a sentence, where a common word would not be)
                def sentence_start(m) -> bool:
                    return m.start() == 0 or text[m.start() - 1] == "\n" \
                        or text[max(0, m.start() - 2):m.start()] in (". ", "! ", "? ")
                hits = [m for m in hits if _QUOTE_BEFORE.search(text[max(0, m.start() - 1):m.start()])
                        or sentence_start(m) and SUBJECT_VERB.match(text[m.end():m.end() + 30].lstrip(" ,"))
                        or not sentence_start(m) and m.group(0)[:1].isupper()
                        and not re.match(r"[’']s\b", text[m.end():m.end() + 2])]
            if not hits:
                continue
            phrase = text[hits[0].start():hits[0].end()]  # as the text spells it (Caché of /cache)
            key = norm(phrase)
            # one word the NER took for a name but never part of a longer one (Thirst) may be the title
            named = key in people and (n > 1 or key in alone)
            if named or key in seen or any(key in k.split() or key in k for k in seen):
                continue
            seen.add(key)
            if key in cands:
                continue
            if any(re.search(rf"(?<!\w){re.escape(key)}(?!\w)", k) for k in cands):
                continue  # part of a title the text names whole ("qiu-ju" of The Story of Qiu Ju)
            c = cands[key] = Candidate(phrase)
            c.add(3.0 if n > 1 else 2.0, "the page's address spells it")  # one word: weaker
            if hits[0].start() < 300:  # (how often it is named is counted with every candidate's)
                c.add(1.0, "named in the opening")


_RELEASE_SLUG_WORDS = {"edition", "disc", "bluray", "blu", "ray", "dvd", "collectors", "remastered", "steelbook", "4k", "uhd"}


def without_accents(text: str) -> str:
    """Each accented letter as its base letter, one character for one (offsets stay valid)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)[:1] if ord(ch) > 127 else ch
        out.append(base if base.isascii() and base.isalpha() else ch)
    return "".join(out)


_PLACE_BEFORE = re.compile(r"\b(?:to|from|across|throughout|around|outside|inside|rural|northern|southern|"
                           r"western|eastern|modern|ancient)\s+$", re.IGNORECASE)


def _title_not_place(word: str, people: set[str], text: str) -> bool:
    """A slug's last word the NER took for a place is the title unless it is a word of a person's
    name (Zhang Yimou) or the text uses it as a place ("back to China", "in rural China"; not "in",
    which takes titles as well: "the genre he investigates in Thirst")."""
    if any(word in p.split() for p in people if len(p.split()) > 1):
        return False
    folded = fold(text)
    return not any(_PLACE_BEFORE.search(folded[max(0, m.start() - 20):m.start()])
                   for m in re.finditer(r"\b" + re.escape(word) + r"\b", folded))


def _run_together_slug(words: list[str], cands: dict[str, Candidate], text: str) -> None:
    """``/secretsunshine.html``: an address word that runs a title's words together names the
    capitalised phrase of the text whose letters it spells (``Secret Sunshine``)."""
    long_words = [w for w in words if len(w) >= 8 and not w.isdigit()]
    if not long_words:
        return
    phrases = []  # (letters, phrase, where): each capitalised run's sub-phrases, longest first
    for m in re.finditer(r"(?<![\w-])[A-Z][\w’'-]*(?:[ \t]+(?:[A-Z0-9][\w’'-]*|of|the|a|an|and|in|on|to|for|at)){1,6}",
                         text):
        words_in = m.group(0).split()
        for n in range(len(words_in), 1, -1):
            for i in range(len(words_in) - n + 1):
                phrase = " ".join(words_in[i:i + n])
                if phrase[:1].isupper():
                    phrases.append((re.sub(r"[^a-z0-9]", "", fold(phrase)), phrase, m.start()))
    for word in long_words:
        for letters, phrase, where in phrases:
            if letters != word:
                continue
            key = norm(phrase)  # (a name the NER guessed, too: the address says it is the title)
            if key in cands:
                return
            c = cands[key] = Candidate(phrase)
            c.add(3.0, "the page's address spells it")
            if where < 300:
                c.add(1.0, "named in the opening")
            return


def choose(cands: list[Candidate]) -> tuple[Candidate | None, float]:
    """The winner and a confidence in [0, 1], or ``(None, ...)`` when nothing is clear enough."""
    if not cands or cands[0].score < MIN_SCORE:
        return None, 0.0
    lead = cands[0].score - (cands[1].score if len(cands) > 1 else 0.0)
    if len(cands) > 1 and lead < MIN_LEAD:
        return None, 0.0
    confidence = min(0.95, 0.5 + 0.05 * cands[0].score + 0.05 * min(lead, 4))
    return cands[0], round(confidence, 2)
