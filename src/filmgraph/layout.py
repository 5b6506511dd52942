"""The text reader: a review's text (decoded, normalised) to a ``Review``.

Real review pages are messy: fields go missing or change order, labels change case
(``RunTime:``, ``SYNOPSIS:``), values wrap onto the next line, several names share one field,
credits come as tables, lists or ``Actor (Part)`` lines, and the page starts with a site's menu
and ends in its boilerplate. Each line is classified (a field, a section, a credit, a heading,
text), then the lines are read as a labelled header with a review, or as free prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import header
from .errors import ReadError
from .models import Review, ReviewSource
from .settings import Settings
from .values import (
    _clean_name,
    _parse_title_line,
    _split_list,
    _tidy_title,
    parse_content_rating,
    parse_date,
    parse_rating_value,
    parse_runtime,
    script_language,
)

# ---------------------------------------------------------------------------------------------
# Parsing: text to Review
# ---------------------------------------------------------------------------------------------

_REVIEW_BY = re.compile(
    r"^\s*(?:movie\s+|film\s+)?(?:review(?:ed)?|written)\s+by\s*:?\s*(?P<name>\S.*?)\s*$", re.IGNORECASE)
_BYLINE = re.compile(r"^\s*by\s+(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3})\s*$")
#: how long a line may be and still be a header field's value (longer: it is review text)
MAX_FIELD_VALUE = 200


@dataclass
class _Line:
    text: str
    field: str | None = None  # header field name, if the line is a header label
    section: str | None = None  # section name, if the line opens a section
    value: str = ""
    label: str | None = None  # an unknown label's text (``Trivia``), kept as an extra field
    credit: tuple[str, str] | None = None  # ``Jet Li as Nameless``
    junk: bool = False


_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")
#: a credits line that opens with its film and year: ``RASHOMON (1950). Director: Akira Kurosawa.``
_TITLE_YEAR_LEAD = re.compile(r"^\s*(?P<t>[^.:()]{2,80}?\s*\((?:18|19|20)\d\d\))\s*[.;,|-]\s+[A-Z]")


def _title_year_lead(line: str) -> str | None:
    """The film and year a credits line opens with, if it does."""
    m = _TITLE_YEAR_LEAD.match(line)
    return m.group("t") if m and header.title_candidate(m.group("t")) else None
#: header fields whose value is a list of people
_NAME_FIELDS = {"director", "cast", "writer", "producer"}


_LINK_WORD = re.compile(r"(?:Watch|Buy|Read|See|View|Rent|Stream|Download|Play|Order|Share)\b")


def _classify(line: str) -> list[_Line]:
    """One line as one or more classified lines (a credits paragraph holds several fields)."""
    numbered = _NUMBERED.match(line)
    if numbered:  # "  6. Directors: Zhang Yimou": a numbered list of fields is a list of fields
        inner = _classify(line[numbered.end():])
        if any(x.field or x.label or x.section for x in inner):
            return [_Line(line, **{k: getattr(x, k) for k in ("field", "value", "label", "section", "credit")})
                    for x in inner]
    if header.is_junk(line):
        return [_Line(line, junk=True)]
    inline = header.inline_fields(line)
    if inline:
        return [_Line(line, field=f, value=v) for f, v in inline]
    pairs = header.credit_pairs(line) if line.count("(") >= 2 else []
    # "Watch Trailer (English), Watch Scene (Farsi)": links, not actors
    pairs = [] if any(_LINK_WORD.match(a) for a, _ in pairs) else pairs
    if len(pairs) >= 2 and len(pairs) >= line.count(",") * 0.8:
        return [_Line(line, credit=p) for p in pairs]  # "Chow Yun-fat (Li Mu Bai), Michelle Yeoh (Yu Shu Lien)"
    m = header.LABEL_LINE.match(line)
    if m:
        key = header.norm_label(m.group("label"))
        abbreviated = header.abbreviated_field(m.group("label"), m.group("value"))
        if abbreviated:
            return [_Line(line, field=abbreviated, value=m.group("value"))]
        if key in header.SECTION_LABELS:
            value = m.group("value")
            if header.SECTION_LABELS[key] == "body" and value and header.heading_like(value) and len(value.split()) <= 8:
                return [_Line(line)]  # "Film Review: Not One Less" is a heading, not a section
            return [_Line(line, section=header.SECTION_LABELS[key], value=value)]
        if key in header.FIELD_LABELS and len(m.group("value")) <= MAX_FIELD_VALUE:
            return [_Line(line, field=header.FIELD_LABELS[key], value=m.group("value"))]
        if len(m.group("label").split()) <= 3 and len(m.group("value")) <= 80 and m.group("label")[0].isupper():
            return [_Line(line, label=m.group("label").strip(), value=m.group("value"))]
    uncoloned = header.uncoloned_fields(line)
    if uncoloned:
        return [_Line(line, field=f, value=v) for f, v in uncoloned]
    tail = header.trailing_field(line)
    if tail:
        return [_Line(line, field=tail[0], value=tail[1])]  # "Kung Fu Hustle posters Dir: Stephen Chow"
    bare = header.norm_label(line)
    if bare in header.FIELD_LABELS and len(line.split()) <= 3 and line.strip()[:1].isupper() \
            and re.fullmatch(r"[A-Za-z &/.'-]+", line.strip()):
        return [_Line(line, field=header.FIELD_LABELS[bare], value="")]  # "Run Time" alone: its value follows
    c = header.credit(line)
    if c:
        return [_Line(line, credit=c)]
    if _names_list_line(line):  # "Valerie Chow, Tony Leung Chiu-Wai, Faye Wong, ...": a cast with no label
        return [_Line(line, field="cast", value=line.strip())]
    return [_Line(line)]


def _bracketed_credit_runs(lines: list[_Line]) -> list[_Line]:
    """``Thierno Leye (El Hadji Aboukader Beye)`` / ``Fatim Diagne (Secretary)``: two such lines or
    more in a row are credits; one alone may be a title line with its original title."""
    plain = [not (c.field or c.section or c.credit or c.label or c.junk) and header.bracketed_part(c.text)
             for c in lines]
    out = list(lines)
    for i, pair in enumerate(plain):
        if pair and ((i > 0 and plain[i - 1]) or (i + 1 < len(plain) and plain[i + 1])):
            out[i] = _Line(lines[i].text, credit=pair)
    return out


def _unknown_labels_need_company(lines: list[_Line]) -> list[_Line]:
    """An unknown ``Label: value`` is a header field only beside a known one; alone (``Shanghai
    Triad: Yimou's Crime Epic``) it is a heading or a sentence."""
    content = [i for i, c in enumerate(lines) if c.text.strip() and not c.junk]
    out = list(lines)
    for n, i in enumerate(content):
        if lines[i].label is None:
            continue
        near = [lines[j] for j in content[max(0, n - 1):n + 2] if j != i]
        if not any(c.field or c.section or c.label for c in near):
            out[i] = _Line(lines[i].text)
    return out


def read_text(source: ReviewSource, text: str, settings: Settings) -> Review:
    """The text reader: review text (decoded, normalised) to a ``Review``."""
    lines = [ln.rstrip() for ln in text.split("\n")]
    url = None
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and header.SOURCE_LINE.match(lines[first]):
        url = header.SOURCE_LINE.match(lines[first]).group("url")
        lines = lines[first + 1:]
    # Cut the site boilerplate: the first boilerplate marker after some content ends the review.
    for i, ln in enumerate(lines):
        if header.BOILERPLATE.match(ln) and any(l.strip() for l in lines[:i]):
            lines = lines[:i]
            break
    lines = unwrap(lines)
    classified = _bracketed_credit_runs(_unknown_labels_need_company([c for ln in lines for c in _classify(ln)]))
    has_fields = any(c.field or c.credit for c in classified)
    has_sections = any(c.section for c in classified)
    if not has_fields and not has_sections:
        review = _free_text_review(source, [c for c in classified if not c.junk], url)
    else:
        review = _structured_review(source, classified, settings, url)
    return review.replace(url=url) if url else review


def _heading_title(line: str) -> dict[str, object] | None:
    """What a heading says when it names its film outright: ``Hero Review``, ``Hero (2002)``."""
    yh = header.year_heading(line)
    if yh:
        out: dict[str, object] = {"title": _tidy_title(header.review_heading(yh[0]) or yh[0]), "year": yh[2]}
        if yh[1]:
            out["original_title"] = yh[1].strip()
        return out
    rh = header.review_heading(line)
    if rh:
        return _heading_title(rh) or {"title": _tidy_title(rh)}
    return None


def _free_text_review(source: ReviewSource, lines: list[_Line], url: str | None = None) -> Review:
    """Prose with no labelled fields. Headings above the first paragraph name the film when they
    say so (``Hero Review``, ``Hero (2002)``) or when the text repeats them; the others are kept as
    candidates for the text stage."""
    reviewer = None
    kept: list[str] = []
    headings: list[str] = []
    in_prose = False
    for ln in lines:
        t = ln.text
        m = _REVIEW_BY.match(t) or (None if in_prose else _BYLINE.match(t))
        if m and reviewer is None:
            reviewer = _clean_reviewer(m.group("name"))
            continue
        if not in_prose and t.strip():
            if header.heading_like(t):
                headings.append(t.strip())
                continue
            in_prose = True
        kept.append(t)
    body = _paragraphs(kept)
    if not body and headings:
        body, headings = _paragraphs(headings), []
    if not body:
        raise ReadError(source.name, "no review text found")
    changes: dict[str, object] = {}
    title, headings = header.choose_title(headings, body, url)
    if title:
        line = next((h for h in headings if title in header.heading_parts(h)), None)
        changes = {**(_heading_title(line) or {}), "title": _tidy_title(title)} if line else {"title": _tidy_title(title)}
        if credited := header.title_line_director(line):  # "Taste of Cherry (1997) dir. Abbas Kiarostami"
            changes["directors"] = (_clean_name(credited),)
    return Review(source=source.name, sha256=source.sha256, body=body, reviewer=reviewer, has_header=False,
                  headings=tuple(headings), **changes)


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("’", "'")).split())


def _structured_review(source: ReviewSource, lines: list[_Line], settings: Settings,
                       url: str | None = None) -> Review:
    fields: dict[str, str] = {}
    sections: dict[str, list[str]] = {"synopsis": [], "body": [], "verdict": []}
    warnings: list[str] = []
    title_line: str | None = None
    headings: list[str] = []
    credits: list[tuple[str, str]] = []
    extra: dict[str, str] = {}
    reviewer: str | None = None
    director_year: tuple[str, int] | None = None
    uncredited: list[str] = []  # names in a list of credits that give no part
    last_credit = -2  # the index after the last credit line
    current_section: str | None = None
    pending_field: str | None = None  # a header field whose value may come on the next line
    after_blank = False
    i = 0
    while i < len(lines):
        ln = lines[i]
        i += 1
        if ln.junk:
            continue
        by = _REVIEW_BY.match(ln.text)
        if by and not ln.field and current_section != "after":
            # "Review by NAME" is a byline in the header, and signs the review off after the text.
            reviewer = reviewer or _clean_reviewer(by.group("name"))
            if current_section not in (None, "header-body") and _has_prose(sections[current_section]):
                current_section = "after"  # (above it only navigation: a byline, the review follows)
            continue
        if ln.section and current_section != "after":
            current_section = ln.section
            pending_field = None
            if ln.value:
                sections[ln.section].append(ln.value)
            continue
        if ln.credit:
            credits.append(ln.credit)
            last_credit = i
            pending_field = None  # "Cast" / "Homayoun Ershadi | Mr. Badii |": the label's value came
            continue
        if last_credit == i - 1 and _one_name_line(ln.text) and i < len(lines) \
                and (lines[i].credit or _one_name_line(lines[i].text)):
            uncredited.append(ln.text.strip())  # "Dae-yeon Lee" among "X as Y" lines: cast, no part given
            last_credit = i
            continue
        if ln.field and title_line is None and current_section in (None, "body", "synopsis", "header-body"):
            title_line = _title_year_lead(ln.text)  # "RASHOMON (1950). Director: Akira Kurosawa."
        if ln.field and current_section in ("body", "synopsis", "header-body"):
            # a mini-header inside a prose review, or a credits paragraph after it
            if ln.value:
                fields.setdefault(ln.field, ln.value)
            else:
                pending_field = ln.field  # "Director:" / "Zhang Yimou": the value on the next line
            if title_line is None and current_section == "header-body":
                # the heading right above a mini-header names its film
                body = sections["body"]
                while body and not body[-1].strip():
                    body.pop()
                k = len(body) - 1  # above the unknown labels that may open the block ("Production year:")
                while k > 0 and header.LABEL_LINE.match(_NUMBERED.sub("", body[k])) and len(body) - k < 6:
                    k -= 1
                above = _NUMBERED.sub("", body[k]).strip() if body else ""
                if above and header.heading_like(above) and header.title_candidate(above):
                    title_line = above  # (not a runtime or a date line above it)
                    del body[k]
            continue
        if current_section is None:
            # In the header.
            if ln.field:
                after_blank = False
                if ln.value and re.search(r"\w", fields.get(ln.field, "")):
                    pending_field = None  # the first value of a field stands
                elif ln.value:
                    fields[ln.field] = ln.value  # (over a placeholder: "Stars: |" / "Seung-yeon Lee, ...")
                    pending_field = None
                else:
                    pending_field = ln.field
                continue
            if ln.label:
                extra.setdefault(ln.label, ln.value)
                continue
            if not ln.text.strip():
                after_blank = True
                continue
            stripped = ln.text.strip()
            lead = _leading_label(stripped) if fields else None
            if lead:  # "Theatre Release December 16, 2011": a label and its value, no colon
                fields.setdefault(lead[0], lead[1])
                pending_field = None
                continue
            if pending_field in ("director", "writer", "producer") and not header.name_like(stripped):
                pending_field = None  # "Directed by" / "Worth a watch": the page lost the name, not a name
            if pending_field and pending_field not in fields and len(stripped) <= 150:
                fields[pending_field] = stripped  # the value sits on the line after its label
                pending_field = None
                after_blank = False
                continue
            dy = header.DIRECTOR_YEAR.match(stripped)
            if dy and len(dy.group("name").split()) < 2:
                dy = None  # "Fireworks (1997)" is a title and its year; a director has two names or more
            if dy and (headings or title_line) and director_year is None:
                director_year = (dy.group("name"), int(dy.group("year")))
                continue
            if not fields and not credits and header.heading_like(stripped):
                headings.append(header.without_repeat(stripped))  # the title is chosen among them below
                after_blank = False
                continue
            sentence = re.search(r"[.!?]\s*$", stripped) and len(stripped.split()) > 6
            last = next(reversed(fields)) if fields else None
            names_only = last not in ("director", "cast") or re.fullmatch(
                r"[A-Z][\w'’.-]*(?:(?:\s+|\s*[,&]\s*|\s+and\s+)[A-Z][\w'’.-]*)*,?", stripped)
            if fields and not after_blank and len(stripped) <= 150 and not sentence and names_only \
                    and not (last in _NAME_FIELDS and header.company_name(stripped)):  # not a distributor
                # An unlabelled line straight under a field continues that field's value; under a
                # list of names, each line is another name ("Lu Wei" / "Ge You" are two writers).
                joiner = ", " if last in _NAME_FIELDS and not fields[last].rstrip().endswith(",") else " "
                fields[last] = f"{fields[last].rstrip()}{joiner}{stripped}"
                continue
            # Unlabelled text after the header: the review itself, with no "Movie Review:" label.
            current_section = "header-body" if not fields and not credits else "body"
            pending_field = None
            sections["body"].append(ln.text)
            continue
        if current_section == "after":
            continue
        if pending_field and current_section in ("body", "header-body"):
            stripped = ln.text.strip()
            if not stripped:
                continue
            field, pending_field = pending_field, None
            wants_names = field in ("director", "writer", "producer", "cast")
            sentence = re.search(r"[.!?]\s*$", stripped) and len(stripped.split()) > 6 and \
                not (wants_names and "," in stripped)  # a list of names may end in a full stop
            if field not in fields and len(stripped) <= 150 and not sentence \
                    and (not wants_names or header.name_like(stripped if field != "cast" else stripped.split(",")[0])):
                fields[field] = stripped.rstrip(".")
                if wants_names:  # "Cast and crew" / "Gong Li" / "Li Baotian" / ...: one name a line
                    while i < len(lines) and _one_name_line(lines[i].text):
                        fields[field] = f"{fields[field]}, {lines[i].text.strip()}"
                        i += 1
                continue
        if ln.label and current_section == "header-body":
            sections["body"].append(ln.text)
            continue
        sections["body" if current_section == "header-body" else current_section].append(ln.text)

    review = Review(source=source.name, sha256=source.sha256, reviewer=reviewer)
    changes: dict[str, object] = {}
    if title_line is None and headings:
        chosen, headings = header.choose_title(headings, "\n".join(sections["body"] + sections["synopsis"]), url)
        if chosen:
            line = next((h for h in headings if chosen in header.heading_parts(h)), chosen)
            changes.update(_heading_title(line) or {})
            changes["title"] = _tidy_title(chosen)
            title_line = line
        elif len(headings) == 1 and header.title_candidate(headings[0]):
            title_line = headings[0]  # the one line above the fields: the seed's own layout
    if title_line and "title" not in changes:
        found = _heading_title(title_line)
        changes.update(found if found else _parse_title_line(title_line))
    if "title" in fields:
        changes["title"] = _tidy_title(fields["title"])
    if "original_title" in fields:
        changes.setdefault("original_title", fields["original_title"].strip())
    if changes.get("original_title"):
        changes["original_language"] = script_language(str(changes["original_title"]))
    if "year" in fields and "year" not in changes:
        m = re.search(r"\b(18|19|20)\d\d\b", fields["year"])
        if m:
            changes["year"] = int(m.group(0))
    if "genre" in fields:
        changes["genres"] = tuple(_split_list(fields["genre"], extra_separators="/|"))
    if "director" in fields:
        changes["directors"] = tuple(_clean_name(n) for n in header.split_names(fields["director"]))
    elif director_year:
        changes["directors"] = (_clean_name(director_year[0]),)
    elif credited := header.title_line_director(title_line):
        changes["directors"] = (_clean_name(credited),)
    if director_year and "year" not in changes:
        changes["year"] = director_year[1]
    if "cast" in fields:
        credits.extend(header.credit_pairs(fields["cast"]))
        changes["cast"] = tuple(_clean_name(n) for n in header.split_names(fields["cast"]))
    if credits:
        cast = list(changes.get("cast", ()))
        cast.extend(a for a, _ in credits if a not in cast)
        cast.extend(_clean_name(a) for a in uncredited if _clean_name(a) not in cast)
        changes["cast"] = tuple(cast)
        changes["credits"] = tuple(dict.fromkeys(credits))
    if "distributor" in fields:
        changes["distributors"] = tuple(_split_list(fields["distributor"], extra_separators="/"))
    for name in ("producer", "writer"):
        if name in fields:
            extra.setdefault(name.capitalize(), fields[name])
    if "runtime" in fields:
        minutes = parse_runtime(fields["runtime"])
        if minutes is None:
            warnings.append(f"unrecognised runtime {fields['runtime']!r}")
        changes["runtime_minutes"] = minutes
    rating_value = rating_best = None
    if "rating" in fields:
        score = parse_rating_value(fields["rating"])
        if score[0] is not None or re.fullmatch(r"[*★☆½\s]+", fields["rating"]):
            rating_value, rating_best = score  # a score of the review, not the film's certificate
        else:
            rating, advisory = parse_content_rating(fields["rating"])
            changes["content_rating"], changes["content_advisory"] = rating, advisory
    if "opening" in fields:
        day = parse_date(fields["opening"])
        if day is None and re.fullmatch(r"\s*(?:18|19|20)\d\d\s*", fields["opening"]):
            changes.setdefault("year", int(fields["opening"]))
        elif day is None:
            warnings.append(f"unrecognised opening day {fields['opening']!r}")
        changes["opening_day"] = day
    if fields.get("website", "").strip():
        changes["website"] = fields["website"].strip()
    if fields.get("language", "").strip():
        changes["language"] = fields["language"].strip()
    country = fields.get("country", "").strip() or settings.release_country
    if country:
        changes["release_country"] = country
    if extra:
        changes["extra_fields"] = tuple((k, v) for k, v in extra.items() if v.strip())
    synopsis = _paragraphs(sections["synopsis"])
    body = _paragraphs(sections["body"])
    verdict = _paragraphs(sections["verdict"])
    if verdict.startswith("(") and verdict.endswith(")") and verdict.count("(") == 1:
        verdict = verdict[1:-1].strip()
    if not body and not synopsis and not changes.get("title") and not changes.get("directors"):
        raise ReadError(source.name, "no title, synopsis or review text found")
    if rating_value is None:
        rating_value, rating_best = parse_rating_value(verdict)
    if title_line in headings:
        headings = [h for h in headings if h != title_line]
    if changes.get("title") is None and title_line is None:
        warnings.append("no title line: the film is unknown until the text names it")
    if changes.get("extra_fields"):
        labels = ", ".join(repr(k) for k, _ in changes["extra_fields"])
        warnings.append(f"header label(s) not understood, kept as fg:HeaderField: {labels}")
    return review.replace(
        **changes,
        synopsis=synopsis,
        body=body,
        verdict=verdict,
        rating_value=rating_value,
        rating_best=rating_best,
        headings=tuple(headings),
        warnings=tuple(warnings),
    )


def _has_prose(lines: list[str]) -> bool:
    """Do these lines hold a review's sentences, not only a site's menu and labels?"""
    return sum(len(t.split()) for t in lines if re.search(r"\w[.!?][\"”’)]?\s*$", t.strip())
               and len(t.split()) > 6) >= 40


def _names_list_line(line: str) -> bool:
    """A line that lists three names or more and nothing else (``Valerie Chow, Tony Leung Chiu-Wai,
    Faye Wong``): a credits block's cast without its label. Most names have two words or more, so
    a line of surnames (``Kurosawa, Bergman, Ozu``) is not one."""
    items = [t.strip() for t in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", line.strip().rstrip(","))]
    if len(items) < 3 or len(line) > 300 or re.search(r"\d|[.!?;:]\s*$|:", line.strip()):
        return False
    if not all(0 < len(t.split()) <= 4 and len(t) <= 40 and header.name_like(t) and not header.known_field(t)
               for t in items):
        return False
    return sum(len(t.split()) >= 2 for t in items) * 2 > len(items)


def _one_name_line(line: str) -> bool:
    """A line that holds one short name and nothing else (``Li Baotian``), as credit lists give them."""
    t = line.strip()
    return 0 < len(t.split()) <= 4 and len(t) <= 40 and header.name_like(t) and not header.known_field(t) \
        and not re.search(r"[,;:.!?]$|\d", t) and not re.match(r"(?:You|We|Our|The|A|An|More|See|Read|Share)\b", t)


def _leading_label(line: str) -> tuple[str, str] | None:
    """In a header block, a line that starts with a known label of one to three words."""
    words = line.split()
    for n in (3, 2, 1):
        if len(words) > n and all(w[:1].isupper() for w in words[:n]):
            field = header.FIELD_LABELS.get(header.norm_label(" ".join(words[:n])))
            if field and len(header.norm_label(" ".join(words[:n]))) >= 4:
                return field, " ".join(words[n:])
    return None


def _clean_reviewer(name: str) -> str:
    """``SteelwireMantis on 2003-07-17`` -> ``SteelwireMantis``."""
    name = re.sub(r"\s+(?:on|,)\s+.*\d{4}.*$", "", name)
    name = re.sub(r"\s*[|,]\s*.*$", "", name)
    return _clean_name(name)


#: a line that stops mid-sentence: no closing punctuation, or a comma or a small word at its end
_OPEN_END = re.compile(r"(?:[\w’'-]|,)$")
_SMALL_END = re.compile(r"(?:,|\b(?:of|the|a|an|and|or|as|with|to|in|on|by|for|from|at|is|was|his|her|their))$")


def unwrap(lines: list[str]) -> list[str]:
    """Join the lines of a hard-wrapped paragraph (``... two small-town American`` / ``families.
    "The Ice Storm" is ...``): a long line of prose that stops mid-sentence goes on in the next
    line when that one begins in lower case, or when it ends on a comma or a small word in lower
    case (``About Her`` ends a title). Short
    lines (a title, a credit) and lines that end a sentence stay as they are."""
    out: list[str] = []
    for ln in lines:
        prev = out[-1] if out else ""
        nxt = ln.strip()
        if nxt and len(prev) >= 40 and len(prev.split()) >= 6 and _OPEN_END.search(prev) \
                and not _LABEL_AT_START.match(prev) \
                and (nxt[:1].islower() or _SMALL_END.search(prev) and nxt[:1].isalnum()):
            out[-1] = f"{prev.rstrip()} {nxt}"
        else:
            out.append(ln)
    return out


_LABEL_AT_START = re.compile(r"^\s*[\w &/.'-]{2,30}:")


def _paragraphs(lines: list[str]) -> str:
    """Join lines into paragraphs separated by one blank line; strip stray spaces at the ends."""
    paragraphs: list[str] = []
    current: list[str] = []
    for ln in lines:
        if ln.strip():
            current.append(ln.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)
