"""What a line near the top of a review page is: a labelled field, a credit, a heading, site junk.

Review pages label their facts in many ways (``Director:``, ``Directed by``, ``Run time:``,
``In Theaters:``, ``Chinese:``, ``Cast & Crew``), put them anywhere in the first part of the page
(a mini-header inside a prose review, a credits paragraph at its end), and wrap them in site
navigation, share buttons and star-rating lines. This module only classifies lines and splits
values; ``read`` decides what the review is.
"""

from __future__ import annotations

import re

#: header labels, normalised (lower case, letters only) -> field name
FIELD_LABELS = {
    "genre": "genre", "genres": "genre", "category": "genre",
    "director": "director", "directors": "director", "directedby": "director", "direction": "director",
    "writtenanddirectedby": "director", "directedandproducedby": "director", "writerdirector": "director",
    "filmmaker": "director",
    "cast": "cast", "starring": "cast", "stars": "cast", "castcrew": "cast", "castandcrew": "cast",
    "actors": "cast", "maincast": "cast", "leadcast": "cast", "featuring": "cast", "with": "cast",
    "runtime": "runtime", "runningtime": "runtime", "duration": "runtime", "length": "runtime",
    "running": "runtime",
    "rated": "rating", "classification": "rating", "certification": "rating", "certificate": "rating",
    "mpaarating": "rating", "mpaa": "rating", "contentrating": "rating", "censorship": "rating",
    "rating": "rating",
    "releasedby": "distributor", "distributor": "distributor", "distributors": "distributor",
    "distributedby": "distributor", "distribution": "distributor", "studio": "distributor",
    "studios": "distributor", "production": "distributor", "productioncompany": "distributor",
    "officialwebsite": "website", "website": "website", "officialsite": "website",
    "openingday": "opening", "openingdate": "opening", "releasedate": "opening", "release": "opening",
    "incinemas": "opening", "intheaters": "opening", "intheatres": "opening", "released": "opening",
    "opens": "opening", "theatricalrelease": "opening", "dvdrelease": "opening",
    "country": "country", "countries": "country", "countryoforigin": "country", "origin": "country",
    "language": "language", "languages": "language",
    "year": "year", "releaseyear": "year", "yearofrelease": "year", "yearreleased": "year",
    "title": "title", "film": "title", "movie": "title", "englishtitle": "title", "filmtitle": "title",
    "originaltitle": "original_title", "chinese": "original_title", "chinesetitle": "original_title",
    "mandarin": "original_title", "cantonese": "original_title", "korean": "original_title",
    "japanese": "original_title", "aka": "original_title", "alsoknownas": "original_title",
    "producer": "producer", "producers": "producer", "producedby": "producer",
    "writer": "writer", "writers": "writer", "screenplay": "writer", "writtenby": "writer",
    "screenwriter": "writer", "script": "writer",
}
#: section labels -> section name
SECTION_LABELS = {
    "synopsis": "synopsis", "plot": "synopsis", "storyline": "synopsis", "story": "synopsis",
    "plotsummary": "synopsis", "summary": "synopsis",
    "moviereview": "body", "filmreview": "body", "review": "body", "ourreview": "body",
    "movierating": "verdict", "filmrating": "verdict", "verdict": "verdict", "ourrating": "verdict",
    "thebottomline": "verdict", "bottomline": "verdict",
}
#: a line that starts the site's boilerplate: nothing after it belongs to the review
BOILERPLATE = re.compile(
    r"^\s*(you might also like|movie stills|related (posts|articles|reviews|stories)|share this( article)?|"
    r"leave a (comment|reply)|comments?( \(\d+\))?|tags?|more reviews|advertisement|read more|"
    r"what do you think\??|got something to say\??|recently viewed|like this:?|"
    r"post navigation|about the author|you may also like|more from .{1,40}|sign up for .{1,60}|"
    r"\d+ comments?|\d+ responses?( to .*)?|subscribe( to .*)?)\s*:?\s*$",
    re.IGNORECASE,
)
#: lines of site furniture that carry no review fact: skipped wherever they stand
_JUNK = re.compile(
    r"^\s*(?:"
    r"[•·|»>*-]?\s*(?:home|menu|search|login|log in|sign in|register|subscribe|newsletter|share|tweet|"
    r"email|print|facebook|twitter|pinterest|reddit|whatsapp|linkedin|permalink|top|back to top|"
    r"skip to (?:main )?content|toggle navigation|close|next|previous|more)\b\s*[|•·»]?\s*$"
    r"|.*\b(?:official\s+trailer|watch\s+(?:the\s+)?trailer|trailer\s*:?\s*$)"
    r"|[•·]?\s*post (?:category|last modified|author|date|published)\s*:.*"
    r"|(?:tag|category|author|monthly|yearly|daily)?\s*archives?(?:\s+for)?\s*[:|-].*"
    r"|posted (?:by|in|on)\b.{0,80}"
    r"|.*\b(?:was this review helpful|found this helpful|people found the following review useful|"
    r"sign in to vote|vote count|votes?:\s*\d|\d+ out of \d+ (?:people )?found)\b.*"
    r"|.*\bthis site uses akismet\b.*|(?:published|updated|last updated|posted)(?: on)?\s*:?\s*[\w ,:/.-]{0,40}"
    r"|\(?\s*(?:[\w ]{0,20}rating|our score|score|grade|stars?)\s*:?\s*[*★☆✩✭✮½\d./\s]+(?:out of [*★\d]+)?\s*\)?"
    r"|[*★☆✩✭✮½\s]{2,}(?:out of\s*[*★\d]+)?\s*\.?"
    r"|[\d.]+\s*(?:/|out of)\s*\d+\s*(?:stars?)?"
    r"|(?:reviewer score|user rating|critic rating|imdb rating|our rating)\s*:?\s*[\d./ ]*\s*(?:stars?)?"
    r"|(?:\w+\s+){0,2}(?:\d+\s+)?(?:comments?|shares?|views?)\s*$"
    r")\s*$",
    re.IGNORECASE,
)
#: ``Label: value`` (no space needed after the colon)
LABEL_LINE = re.compile(r"^\s*[•·*-]?\s*(?P<label>[A-Za-z][A-Za-z .'/&-]{0,30}?)\s*[:：]\s*(?P<value>.*?)\s*$")
#: ``Directed by Zhang Yimou``, ``Starring Jet Li, Zhang Ziyi``, ``Director Zhang Yimou``: a label
#: without a colon (the short forms only on a short line that is not a sentence)
_UNCOLONED = re.compile(
    r"^\s*(?P<label>(?:written and )?directed(?: and produced)? by|starring|produced by|written by|distributed by|released by)"
    r"\s+(?P<value>[A-Z\u4e00-\u9fff].{0,150}?)\s*\.?\s*$"
    r"|^\s*(?P<short>directors?|cast|stars|writers?|producers?|studio|genres?|runtime|running time|language|"
    r"country|distributor)\s+(?P<svalue>[A-Z\u4e00-\u9fff][^.!?]{0,80}?)\s*$", re.IGNORECASE)
#: several ``Label: value`` pairs in one line: ``114 min. Color. Written and directed by X. Cast: A, B.``
_INLINE_PAIR = re.compile(
    r"(?:^|(?<=[.;|]\s)|(?<=\s\|))\s*(?P<label>[A-Z][A-Za-z &'/-]{0,30}?)\s*:\s*(?P<value>[^:|]+?)"
    r"(?=\s*(?:[.;|]\s+[A-Z][A-Za-z &'/-]{0,30}?\s*:|[.;]\s+\d|[.;]?\s*$))")
#: the one- and two-letter labels of capsule credits (``D: Ang Lee. W: ... C: ...``): only in a line
#: of several fields
_ABBREVIATED = {"d": "director", "dir": "director", "w": "writer", "c": "cast", "s": "cast", "p": "producer"}
_INLINE_DIRECTED = re.compile(r"\b(?:written and )?directed by\s+(?P<value>[A-Z][^.;:()]{2,60}?)(?=[.;,]|\s*$)")
_INLINE_RUNTIME = re.compile(r"(?:^|[.\s])(?P<value>\d{2,3}\s*min(?:ute)?s?)\b\.?", re.IGNORECASE)
#: a credit line: ``Jet Li as Nameless``, ``Jet Li ... Nameless``, ``Jet Li - Nameless``
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|van|von|da|di|le|la))*"
CREDIT_LINE = re.compile(
    rf"^\s*[•·*-]?\s*(?P<actor>{_NAME}(?:\s*/\s*{_NAME})?)(?:\s+(?:as|–|—|-{{1,2}}|:|\|)\s+|\s*(?:\.{{2,}}|…+)\s*)"
    rf"[\"“]?(?P<character>(?:the\s+)?(?:(?:Mr|Mrs|Ms|Dr|Sgt|Lt|Capt|Prof)\.\s+)?[A-Z][^.!?\"”|]{{0,50}}?)[\"”]?\s*\|?\s*$")
#: the words of a crew job: "Sound Recordist | Jahanghir Mirshekari" is a job and a name, not a part
_CREW_JOB = re.compile(r"\b(?:writer|director|producer|editor|recordist|mixer|sound|music|composer|photography|"
                       r"cinematographer|design|designer|costumes?|make-?up|casting|screenplay|script|art|lighting|"
                       r"camera|effects|stunts?|choreograph\w*|production|executive|associate|assistant)\b", re.IGNORECASE)
#: ``Zhang Yimou (2004)``: the director and year under a title line
DIRECTOR_YEAR = re.compile(rf"^\s*(?:dir(?:ected)?\.?\s*(?:by)?\s*:?\s*)?(?P<name>{_NAME})\s*[,(]\s*(?P<year>(?:18|19|20)\d\d)\s*\)?"
                           r"(?:\s*,\s*[A-Z][\w .,/-]{1,40}?(?:\s*\([^()]{1,12}\))?)?\s*$")  # "Wong Kar-Wai, 2001, China (8.5*)"
#: ``Review: Hero``, ``Hero Review``, ``Hero Movie Review``, ``Film review - Hero (2002)``
_REVIEW_HEADING = re.compile(
    r"^\s*(?:(?:movie|film|dvd|blu-?ray)\s+)?review\s*[:\-–—|]\s*(?P<a>.+?)\s*$"
    r"|^\s*(?P<b>.+?)\s*[:\-–—|]?\s*(?:\((?:movie|film)\)\s*)?(?:(?:movie|film|dvd|blu-?ray)\s+)?review\s*$"
    r"|^\s*(?P<c>.+?)\s+an?\s+(?:movie|film)\s+review\s+by\s+\S.*$",  # "TO LIVE A film review by ..." 
    re.IGNORECASE)
_YEAR_HEADING = re.compile(
    r"^(?P<title>.+?)\s*(?:\((?P<original>[^()\d]+)\)\s*)?[(\[](?:[A-Za-z][\w ,/-]*?[\s,/]\s*)?(?P<year>(?:18|19|20)\d\d)"
    r"(?:\s*[,/][^()\[\]]*)?[)\]]\s*$")
_STARS = re.compile(r"\s*[*★☆✩✭✮½]+(?:\s*[*★☆✩✭✮½]+)*\s*")
#: words of site navigation: a line made only of them is furniture
_NAV_WORDS = {"home", "menu", "search", "login", "log", "in", "sign", "register", "subscribe", "newsletter", "share",
              "tweet", "email", "print", "facebook", "twitter", "pinterest", "reddit", "whatsapp", "linkedin",
              "instagram", "youtube", "tumblr", "permalink", "top", "back", "to", "skip", "content", "main", "close",
              "next", "previous", "more", "news", "reviews", "review", "movies", "films", "film", "tv", "music",
              "features", "interviews", "about", "contact", "us", "blog", "archive", "archives", "video", "videos",
              "photos", "breaking", "latest", "trending", "popular", "sections", "categories", "category", "tags",
              "x", "copy", "link", "comments", "comment", "reply", "whatsapp", "the", "and", "&", "|", "•", "·", "»"}
_SENTENCE_END = re.compile(r"[.!?…]\s*$")
_STOP_START = re.compile(r"^(?:I|We|It|This|The film|In|On|A|An|As|If|When|While|By|For)\b")
SOURCE_LINE = re.compile(r"^\s*(?:SOURCE|URL)\s*:\s*(?P<url>https?://\S+)\s*$", re.IGNORECASE)


def norm_label(label: str) -> str:
    return re.sub(r"[^a-z]", "", label.lower())


def is_junk(line: str) -> bool:
    """Site furniture (navigation, share buttons, vote counts, star-rating lines, trailer links)."""
    if not line.strip():
        return False
    words = re.findall(r"[\w&|•·»]+", line.lower())
    if words and len(words) <= 12 and all(w in _NAV_WORDS for w in words) and not line.rstrip().endswith(":") \
            and norm_label(line) not in SECTION_LABELS:
        return True
    return bool(_JUNK.match(line))


def known_field(label: str) -> str | None:
    return FIELD_LABELS.get(norm_label(label))


_TRAILING_FIELD = re.compile(r"(?:^|\s)(?P<label>[A-Z][A-Za-z]*(?:\s+[a-z]+)?)\s*:\s*(?P<value>[A-Z][^:]{1,80}?)\s*$")


_REPEATED = re.compile(r"^(?P<title>.+?)\s*(?P<year>[(\[](?:18|19|20)\d\d[)\]])\s*(?P=title)\s*$")


def without_repeat(line: str) -> str:
    """``Kung Fu Hustle (2004) Kung Fu Hustle`` (a title, its year, the title again as an image's
    caption) -> ``Kung Fu Hustle (2004)``."""
    m = _REPEATED.match(line.strip())
    return f"{m.group('title')} {m.group('year')}" if m else line


def trailing_field(line: str) -> tuple[str, str] | None:
    """A known label and its value at the end of a line of other words (image captions and the like:
    ``Kung Fu Hustle posters Dir: Stephen Chow``)."""
    m = _TRAILING_FIELD.search(line)
    if not m or m.start() == 0:
        return None
    field = known_field(m.group("label")) or (_ABBREVIATED.get(m.group("label").lower())
                                              if len(m.group("label")) >= 3 else None)
    return (field, m.group("value")) if field in ("director", "cast", "writer", "runtime", "genre", "year") else None


#: where a second uncoloned label begins inside one line: ``Starring A, B. Directed by X.``
_NEXT_UNCOLONED = re.compile(r"(?<=\.)\s+(?=(?:(?:written\s+and\s+)?directed(?:\s+and\s+produced)?\s+by|starring|"
                             r"produced\s+by|written\s+by|distributed\s+by|released\s+by)\s+[A-Z])", re.IGNORECASE)


_CREDIT_END = re.compile(r"(?<![A-Z])\.\s+(?=\S)")


def uncoloned_fields(line: str) -> list[tuple[str, str]]:
    """Every uncoloned field of a line: ``Starring Zhao Benshan, Dong Jie. Directed by Zhang Yimou.``
    is a cast and a director, not a cast whose last name runs on into the director's credit. A line
    whose pieces are not all fields is read whole, as one field or none."""
    pieces = _NEXT_UNCOLONED.split(line)
    if len(pieces) > 1:
        fields = [uncoloned_field(p) for p in pieces]
        if all(fields):
            # "... directed by Hirokazu Kore-eda. Opens Friday at TIFF. 121 minutes.": the credit ends
            # with its sentence, not with the line
            return [(field, _CREDIT_END.split(value, maxsplit=1)[0]) for field, value in fields]
    whole = uncoloned_field(line)
    return [whole] if whole else []


def uncoloned_field(line: str) -> tuple[str, str] | None:
    """``Directed by Zhang Yimou`` -> ``("director", "Zhang Yimou")``."""
    m = _UNCOLONED.match(line)
    if not m:
        return None
    if m.group("short"):
        value = m.group("svalue")
        if len(value.split()) > 10 or re.search(r"\b(?:is|was|has|had|are|were|who|that)\b", value):
            return None
        if not value[:1].isupper() and not ord(value[:1]) > 0x2e80 or known_field(value) \
                or all(known_field(w) for w in value.split()):
            return None  # "Cast and crew", "Director Language": labels, not a label and its value
        return FIELD_LABELS.get(norm_label(m.group("short"))), value
    field = FIELD_LABELS.get(norm_label(m.group("label")))
    label = norm_label(m.group("label"))
    field = field or {"producedby": "producer", "writtenby": "writer", "distributedby": "distributor",
                      "releasedby": "distributor"}.get(label)
    return (field, m.group("value")) if field else None


_SEGMENT_BREAK = re.compile(r"\s*(?:…{2,}|\.{4,}|\s\|\s)\s*")


def inline_fields(line: str) -> list[tuple[str, str]]:
    """The known fields of a credits paragraph, when the line holds two or more of them."""
    if _SEGMENT_BREAK.search(line):
        segs: list[tuple[str, str]] = []
        for seg in _SEGMENT_BREAK.split(line):
            m = LABEL_LINE.match(seg)
            field = known_field(m.group("label")) if m else None
            if field:
                segs.append((field, m.group("value")))
            elif segs and seg.strip():
                segs[-1] = (segs[-1][0], f"{segs[-1][1]}, {seg.strip()}")
        if len(segs) >= 2:
            return segs
    found: list[tuple[str, str]] = []
    for m in _INLINE_PAIR.finditer(line):
        field = known_field(m.group("label")) or _ABBREVIATED.get(norm_label(m.group("label")))
        if field:
            found.append((field, m.group("value").strip()))
    d = _INLINE_DIRECTED.search(line)
    if d and found:
        found.append(("director", d.group("value").strip()))
    if found and not any(f == "runtime" for f, _ in found):
        r = _INLINE_RUNTIME.search(line)
        if r:
            found.append(("runtime", r.group("value")))
    return found if len(found) >= 2 else []


def abbreviated_field(label: str, value: str) -> str | None:
    """``D: Ang Lee`` on a line of its own: a capsule's director (short names only)."""
    field = _ABBREVIATED.get(norm_label(label)) if len(label.strip()) <= 3 else None
    if field and value and len(value.split()) <= 12 and value[:1].isupper():
        return field
    return None


def credit(line: str) -> tuple[str, str] | None:
    """``Jet Li as Nameless`` -> ``("Jet Li", "Nameless")`` for a short credit-shaped line."""
    if len(line) > 90 or _SENTENCE_END.search(line.rstrip()) and not line.rstrip().endswith("...") \
            or review_heading(line) or line.isupper():
        return None
    m = CREDIT_LINE.match(line)
    if not m:
        return None
    # "Michelle Reis / Lee Ka-Yan ....The Agent": the first of the actor's two names
    actor, character = m.group("actor").split("/")[0].strip(), m.group("character").strip()
    if len(actor.split()) < 2 or len(actor.split()) > 5 or len(character.split()) > 6 or _CREW_JOB.search(actor):
        return None
    return actor, character


_ACTOR_PART_LINE = re.compile(rf"^\s*[•·*-]?\s*(?P<actor>{_NAME})\s*\(\s*(?P<part>[^()]{{1,60}}?)\s*\)\s*$")


def bracketed_part(line: str) -> tuple[str, str] | None:
    """``Seune Samb (1st Wife, Adja Assatou)`` on a line of its own: an actor and the part, the
    part's name after its description; not a year, a job or a certificate in the brackets. (A
    title line has this shape too: the reader takes it only in a run of such lines.)"""
    m = _ACTOR_PART_LINE.match(line)
    if not m or re.search(r"\b(?:18|19|20)\d\d\b", m.group("part")) or _CREW_JOB.search(m.group("part")) \
            or not 2 <= len(m.group("actor").split()) <= 5:
        return None
    pieces = [p.strip() for p in m.group("part").split(",") if p.strip()]
    part = pieces[-1] if len(pieces) > 1 and pieces[-1][:1].isupper() else m.group("part").strip()
    if not part[:1].isupper() or len(part.split()) > 6 or known_field(part) or re.fullmatch(r"[A-Z0-9-]{1,6}", part):
        return None
    return m.group("actor").strip(), part


def review_heading(line: str) -> str | None:
    """The title a heading names with a review marker: ``Hero Review`` -> ``Hero``."""
    m = _REVIEW_HEADING.match(line)
    if not m:
        return None
    title = (m.group("a") or m.group("b") or m.group("c") or "").strip(" -–—:|\"“”'")
    return title if title and len(title.split()) <= 12 else None


def year_heading(line: str) -> tuple[str, str | None, int] | None:
    """``Hero (2002)`` / ``HERO (英雄) (2002)`` -> title, original title, year."""
    m = _YEAR_HEADING.match(_STARS.sub(" ", line).strip())
    if not m or len(m.group("title").split()) > 12:
        return None
    return m.group("title").strip(" -–—:|\"“”'"), (m.group("original") or None), int(m.group("year"))


def heading_like(line: str) -> bool:
    """A short line that reads as a heading, not as a sentence of the review."""
    s = line.strip()
    if not s or len(s) > 100 or len(s.split()) > 12:
        return False
    if _SENTENCE_END.search(s) and not s.endswith(("...", "…")) or s.endswith(","):
        return False
    if LABEL_LINE.match(s) and known_field(LABEL_LINE.match(s).group("label")):
        return False
    letters = [c for c in s if c.isalpha()]
    if not letters:
        return False
    return True


def name_like(value: str) -> bool:
    """Could this be one name or a list of names (``Zhang Yimou``, ``Joel and Ethan Coen``), not a
    phrase (``Worth a watch``)? Every word before an aside (``Wong Kar-wai? Who else!``) but a few
    joining ones and particles is capitalised."""
    words = re.findall(r"[^\W\d_][\w'’.-]*", re.split(r"[?!;:(]|\.\s", value)[0])
    joining = {"and", "&", "with", "de", "van", "von", "da", "di", "le", "la", "del", "der", "du", "y", "bin"}
    return bool(words) and all(w[0].isupper() or w.lower() in joining or not w[0].isascii() for w in words)


def split_names(value: str) -> list[str]:
    """``A, B and C`` / ``A & B`` / ``A; B`` / ``A / B`` to ``[A, B, C]``; a credit's character in
    parentheses (``Chow Yun-Fat (Ping)``) is dropped here and read by ``credit_pairs``."""
    value = re.sub(r"\s+\([^()]*\)", "", value)
    items = [re.sub(r"\s+", " ", part).strip(" .\"“”'") for part in
             re.split(r",|;|\s+&\s+|\s+and\s+|\s+/\s+|\s*\|\s*", value, flags=re.IGNORECASE)]
    return [i for i in items if i and not i.lower().startswith(("more", "etc", "others"))]


def credit_pairs(value: str) -> list[tuple[str, str]]:
    """``Chow Yun-Fat (Ping), Gong Li (Phoenix)`` or ``Jet Li as Nameless, ...`` -> actor, character."""
    pairs = []
    for part in re.split(r",|;|\s+&\s+", value):
        part = part.strip(" .")
        m = re.fullmatch(rf"(?P<actor>{_NAME})\s*\((?:as\s+)?(?P<character>[^()]+)\)", part)
        if not m:
            m = re.fullmatch(rf"(?P<actor>{_NAME})\s+(?:as|\.{{2,}}|…)\s+(?P<character>.+)", part)
        if m:
            pairs.append((m.group("actor").strip(), m.group("character").strip()))
    return pairs


_GENERIC_TITLES = {"movie", "film", "review", "reviews", "movie review", "film review", "dvd review", "home",
                   "news", "entertainment", "movies", "films", "cinema", "trailer", "synopsis", "cast", "credits",
                   "details", "overview", "summary", "about", "archive", "blog"}


def fold(text: str) -> str:
    """Lower case, punctuation to spaces: ``‘Hero’: A Review`` -> ``hero a review``."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("’", "'").replace("'", "")).split())


def _slug(text: str) -> str:
    return "-".join(fold(text).split())


def url_parts(url: str | None) -> tuple[str, str]:
    """The folded host name (``bestmoviesbyfarr``) and path words (``movies the road home 2001``)."""
    if not url:
        return "", ""
    m = re.match(r"^[a-z]+://(?:www\d?\.|m\.|en\.)?([^/:?#]+)[^/?#]*(/[^?#]*)?", url, re.IGNORECASE)
    if not m:
        return "", ""
    host = m.group(1).lower().rsplit(".", 1)[0] if "." in m.group(1) else m.group(1).lower()
    host = re.sub(r"\.(?:co|com|org|net|blogspot|wordpress)$", "", host)
    return re.sub(r"[^a-z0-9]", "", host.split(".")[-1]), " ".join(re.split(r"[^a-z0-9]+", (m.group(2) or "").lower()))


def is_site_label(line: str, url: str | None) -> bool:
    """``Best Movies by Farr`` on bestmoviesbyfarr.com: the site's name, not the film's."""
    host, _ = url_parts(url)
    letters = re.sub(r"[^a-z0-9]", "", fold(line))
    return bool(host) and len(letters) >= 4 and (letters == host or letters in host and len(letters) >= 0.6 * len(host)
                                                 or host in letters and len(host) >= 0.6 * len(letters))


_SMALL = {"the", "a", "an", "of", "and", "in", "on", "for", "to", "at", "by", "with", "from"}


def in_url_path(title: str, url: str | None) -> bool:
    """The page's address spells the title (``/movies/the-road-home/2001``; small words may be left out)."""
    _, path = url_parts(url)
    words = [w for w in fold(title).split() if w not in _SMALL]
    path_words = " ".join(w for w in path.split() if w not in _SMALL)
    if not words or len("".join(words)) < 4:
        return False
    if f" {' '.join(words)} " in f" {path_words} ":
        return True
    # an address that runs the words together (``/farewellmyconcubine.shtml``)
    compact = "".join(fold(title).split())
    return len(words) >= 2 and len(compact) >= 8 and any(compact in w for w in path.split())


_TRAILING = re.compile(
    r"\s*(?:(?<=[’”\"'])\s*\([^()]+\)|\((?:18|19|20)\d\d\)\s*(?:[A-Z]{1,5}(?:-\d+)?|/\s*[A-Z][a-z]+|[A-Z][a-z]+)|\((?:[^()]*\d[^()]*|[A-Z]{1,4}\d{0,2}|[A-Z][\w.-]+(?:\s+[A-Z][\w.-]+){1,3})\)|\[[^\]]*\]|"
    r"\b(?:18|19|20)\d\d|[\d.]+\s*(?:/\s*\d+\s*)?stars?|[*★☆½]+|(?<=[a-z])\s+(?:U|PG|12A|PG-13|NC-17))\s*$")
#: a company's name by its last word: "Shock Entertainment", "Sony Pictures Classics" (a distributor)
_COMPANY = r"\S+(?:\s+\S+){0,3}\s+(?:entertainment|pictures|studios|releasing|distribution|home\s+video|productions|" \
    r"pictures\s+classics)"


def company_name(line: str) -> bool:
    """Does this short line name a company (a distributor, a studio), not a person or a film?"""
    return bool(re.fullmatch(_COMPANY, line.strip(), re.IGNORECASE))


_NOT_A_TITLE = re.compile(
    r"^(?:published|posted|updated|written|reviewed|by|director|directed|starring|cast|date|watch|"
    r"watches|share|read|image|photo|poster|trailer|home|menu|(?:book|buy)\s+(?:tickets|now)|subscribe|"
    r"skip\s+to|link\s+to|click|download|sign\s+(?:in|up)|log\s+(?:in|out)|view\s+(?:original|full|all|more))\b"
    r"|^(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}$"
    r"|^\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?(?:\s+\d{4})?$|^[\d\s/.,:-]+$"
    r"|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?$"
    r"|^\d+\s*(?:min|mins|minutes|hrs?|hours?)\b|^(?:what|how|why|who|when|where|is|are|does|do)\b.*$"
    r"|^(?:general\s+|film\s+|movie\s+|show\s+|dvd\s+|disc\s+|technical\s+)?(?:details|data|info|information|specs|"
    r"specifications)(?:\s+at\s+a\s+glance)?$|^\("
    r"|^" + _COMPANY + "$"
    r"|^(?:rated|rating|our\s+rating|grade|score|verdict)\s*:?\s*(?:[\d★☆*]|(?:g|pg|pg-13|r|nc-17|u|12a?|15|18)\b)"
    r"|^[-–—~]+\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}\s*$"
    r"|^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun)\.?,?\s+"
    r"(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)",
    re.IGNORECASE)


_TITLE_LEAD = re.compile(r"^\d{1,4}\.\s+(?=\S)")
#: what a title line may carry after its title: a credit ("dir. X"), a festival ("@ Fantasia 2017")
_TITLE_CREDIT = r"(?:dir\.|directed\s+by)"
_TITLE_TAIL = re.compile(r"\s+(?:" + _TITLE_CREDIT + r"|@)\s+.*$", re.IGNORECASE)


def title_line_director(line: str | None) -> str | None:
    """``Taste of Cherry (1997) dir. Abbas Kiarostami``: the director a title line names after it."""
    m = re.search(r"\s" + _TITLE_CREDIT + r"\s+(?P<name>[^,;|()]+?)\s*$", line or "", re.IGNORECASE)
    return m.group("name") if m and name_like(m.group("name")) and len(m.group("name").split()) <= 4 else None


def is_title_cased(text: str) -> bool:
    """Every word but the small ones starts with a capital or a digit (``The Blue Kite``)."""
    words = [w for w in re.findall(r"[^\W_][\w'’-]*", text) if w.lower() not in _SMALL_TITLE_WORDS]
    return bool(words) and all(w[0].isupper() or w[0].isdigit() for w in words)


_SMALL_TITLE_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "from", "with", "by", "de",
                      "la", "le", "du", "des", "di", "da"}


def clean_title(text: str, keep_owner: bool = False) -> str:
    """``The Flowers of War (15)``, ``One Second 2020``, ``Shanghai Triad (Zhang Yimou)``,
    ``Happy Times 4.0 stars`` -> the bare title; ``Story of Qiu Ju, The`` -> ``The Story of Qiu Ju``."""
    t = text.strip(" \"“”‘’'*_")
    t = _TITLE_LEAD.sub("", t)  # "863. Lan feng zheng/The Blue Kite": a list's number
    t = _TITLE_TAIL.sub("", t).strip() or t  # "Taste of Cherry (1997) dir. Abbas Kiarostami"
    for _ in range(3):
        cut = _TRAILING.sub("", t).strip(" -–—:|,\"“”‘’'")
        if not cut or cut == t:
            break
        t = cut
    m = re.fullmatch(r"(.+?),\s*(The|A|An)", t)
    t = f"{m.group(2)} {m.group(1)}" if m else t
    halves = re.fullmatch(r"([^\W\d][^/]*?\s[^/]*?)\s*/\s*([^\W\d][^/]*\s[^/]*)", t)
    if halves and sum(map(is_title_cased, halves.groups())) == 1:
        t = next(h for h in halves.groups() if is_title_cased(h)).strip()  # "Lan feng zheng/The Blue Kite"
    # "Zhang Yimou's Cliff Walkers": the maker's possessive is not part of the title
    m = None if keep_owner else re.fullmatch(r"(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*[’']s\s+(?P<rest>[A-Z0-9“\"‘'].+)", t)
    return m.group("rest").strip(" \"“”‘’'") if m else t


def bare_title(line: str) -> str:
    """A title line without what trails the title: ``The Flowers of War (15)`` (a rating), ``Curse of
    the Golden Flower: films reviewed in brief`` (a lower-case tagline after a colon)."""
    t = clean_title(line)
    m = re.fullmatch(r"(?P<title>.+?)\s*:\s+(?P<rest>[a-z].*)", t)
    return m.group("title") if m and m.group("title").strip() else (t or line)


def title_candidate(text: str, raw: str | None = None) -> bool:
    """Could this heading part be a title at all (not a date, a byline, a label)?"""
    return bool(text.strip()) and not _NOT_A_TITLE.search(text.strip()) and fold(text) not in _GENERIC_TITLES \
        and (raw is None or not _NOT_A_TITLE.search(raw.strip()))


_CREDIT_PIECE = re.compile(r"(?:(?:written\s+and\s+)?directed|director|starring|reviewed|written|posted|published|by|"
                           r"(?:(?:film|movie|dvd)\s+)?review\s+by)\b",
                           re.IGNORECASE)


_CJK_TAIL = re.compile(r"(?<=[A-Za-z0-9.!?])\s+[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\s·：]+$")
#: a heading set in Chinese title marks (``《A Simple Life 桃姐》``) names a work, as a review marker does
_TITLE_MARKS = re.compile(r"^\s*《[^《》]+》\s*$")


#: a headline sentence, its subject in capitals, then a verb in lower case ("Aftershock shakes things up")
_HEADLINE = re.compile(
    r"(?P<title>[A-Z0-9][\w’'.&-]*(?:\s+(?:[A-Z0-9][\w’'.&-]*|of|the|a|an|and|in|on|to|for|at|&)){0,6}?)"
    r"\s+(?P<verb>[a-z]{2,}s)\s+[a-z][^:|]*")
_NOT_A_VERB = {"its", "this", "his", "hers", "ours", "yours", "theirs", "us", "as", "was", "has", "is", "does",
               "less", "across", "plus", "versus", "thus", "miss", "bless", "boss", "class", "mess", "chess"}
_HEADLINE_NOT_TITLE = {"the", "a", "an", "it", "this", "he", "she", "they", "there", "here", "what", "who", "film",
                       "movie", "review", "nobody", "everybody", "everyone", "someone", "nothing", "love", "life"}


_RELEASE_WORDS = r"(?:blu-?ray|dvd|4k(?:\s+uhd)?|uhd|vhs|steelbook|criterion(?:\s+collection)?|box\s+set|remaster(?:ed)?)"
_RELEASE_TAIL = re.compile(r"\s*[(\[]\s*" + _RELEASE_WORDS + r"[^)\]]*[)\]]\s*$", re.IGNORECASE)
_AKA = re.compile(r"\s+(?:aka|a\.k\.a\.)\s+", re.IGNORECASE)
_EDITION = re.compile(r"(?:\b(?:edition|director[’']?s\s+cut)|\b" + _RELEASE_WORDS + r")\W*$", re.IGNORECASE)


def heading_parts(line: str) -> list[str]:
    """A heading and its parts around ``:``, `` - ``, ``|``: ``Shadow: Zhang Yimou returns`` gives
    the whole line, ``Shadow`` and ``Zhang Yimou returns``; review markers dropped from each."""
    s = line.strip()
    pieces = [p for p in re.split(r"\s*(?::|\s[-–—|]\s|\|)\s*", s) if p and p != s]
    # "Incendies: Directed by Denis Villeneuve": a piece that is a credit or a byline is no part of a title
    whole = [] if any(_CREDIT_PIECE.match(p.strip(" \"“”‘’'*_")) for p in pieces) else [s]
    headline = _HEADLINE.match(s)
    if headline and not pieces and fold(headline.group("title")) not in _HEADLINE_NOT_TITLE \
            and headline.group("verb") not in _NOT_A_VERB:
        whole, pieces = [], [headline.group("title")]  # "Aftershock shakes things up": a headline's subject
    parts = whole + pieces
    out = []
    for p in parts:
        p = p.strip(" \"“”‘’'*_")
        # "Kikujiro AKA Kikujirô no natsu (Blu-ray)": the film's name, not its release's
        p = _AKA.split(_RELEASE_TAIL.sub("", p), maxsplit=1)[0].strip() or p
        if _EDITION.search(p):
            continue  # "2-Disc Collector's Edition": a release, not a title
        p = review_heading(p) or p
        yh = year_heading(p)
        if yh:
            p = yh[0]
        p = re.sub(r"^(?:(?:movie|film|dvd)\s+)?review\s+", "", p, flags=re.IGNORECASE).strip(" \"“”‘’'*_《》")
        # "A Simple Life 桃姐": the English title before its Chinese one
        p = _CJK_TAIL.sub("", p) or p
        raw, p = p, clean_title(p)
        if p and title_candidate(p, raw) and p not in out:
            out.append(p)
        whole = clean_title(raw, keep_owner=True)
        if whole != p and title_candidate(whole, raw) and whole not in out:
            out.append(whole)  # "Long Day’s Journey Into Night": the possessive may be the title's own
    return out


def _owned_titles_whole(parts: list[str], folded_body: str) -> list[str]:
    """``Zhang Yimou's Shadow`` names a maker, who the text names again on their own; ``Long Day's
    Journey Into Night`` does not: when the words before the possessive never stand alone in the
    text, the whole heading part is the title and stands where its clipped form stood."""
    out = list(parts)
    for i, p in enumerate(parts):
        whole = next((w for w in parts if w != p and w.endswith(p) and re.search(r"[’']s\s+$", w[:-len(p)])), None)
        if whole is None:
            continue
        owner = fold(re.sub(r"[’']s\s+$", "", whole[:-len(p)]))
        alone = folded_body.replace(f" {fold(whole)} ", " ").count(f" {owner} ")
        if owner and not alone:
            out[i] = whole
            out = [w for j, w in enumerate(out) if j == i or w != whole]
    return out


def choose_title(headings: list[str], body: str, url: str | None) -> tuple[str | None, list[str]]:
    """The film the page's headings name, and the headings left as candidates for the text stage.

    A heading part wins with a review or year marker (``Hero Review``, ``Hero (2002)``), when the
    page's address spells it, or when the text repeats it; a heading that is the site's own name
    never does. Without such evidence no title is chosen: the text stage ranks the candidates.
    """
    kept = [h for h in headings if not is_site_label(h, url)]
    folded_body = f" {fold(body)} "
    best: tuple[float, int, str] | None = None
    for n, h in enumerate(kept):
        title_marks = bool(_TITLE_MARKS.match(h))
        marked = bool(year_heading(h) or review_heading(h) or title_marks or re.search(r"\breview\b", h, re.IGNORECASE))
        parts = _owned_titles_whole(heading_parts(h), folded_body)
        for part in parts:
            words = fold(part)
            if not words or len(words.split()) > 10 or not (part[0].isupper() or part[0].isdigit() or ord(part[0]) > 0x2e80):
                continue
            score = 0.0
            if marked and (year_heading(h) or review_heading(h) or title_marks) and part == parts[0]:
                score += 3
            if in_url_path(part, url):
                score += 3
            repeats = folded_body.count(f" {words} ")
            if repeats:
                score += 2 + min(repeats - 1, 2) * 0.5 + (1 if n == 0 and part == parts[0] else 0)
            if marked:
                score += 0.5
            longer = best is not None and best[2] in part and len(part) > len(best[2])
            if score >= 3 and (best is None or (score, -n, longer) > (best[0], best[1], False)):
                best = (score, -n, part)
    return (best[2] if best else None), kept
