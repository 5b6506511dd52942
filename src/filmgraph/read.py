"""Stage 1, read: review files (or standard input) to ``Review`` dataclasses.

Real review pages are messy: fields go missing or change order, labels change case
(``RunTime:``, ``SYNOPSIS:``), values wrap onto the next line, non-breaking spaces sit around
colons, several names share one field, and the page ends in site boilerplate. The reader copes
with all of that, and refuses input it cannot trust (empty, binary, undecodable, oversized) with
a ``ReadError`` that names the file and the problem.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from .errors import ReadError
from .models import Review, ReviewSource
from .settings import Settings

REVIEW_SUFFIXES = (".txt", ".md")
STDIN_NAME = "<stdin>"

# ---------------------------------------------------------------------------------------------
# Sources: paths, directories and "-" to raw bytes
# ---------------------------------------------------------------------------------------------


def iter_sources(
    paths: Iterable[str | Path], settings: Settings, stdin: BinaryIO | None = None
) -> Iterator[ReviewSource | ReadError]:
    """Yield each review's bytes, or a ``ReadError`` in its place, so one bad file stops nothing.

    Directories are searched recursively for ``*.txt`` and ``*.md`` (hidden folders skipped), in
    sorted order so that builds are reproducible; ``-`` reads standard input.
    """
    for raw in paths:
        if str(raw) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(settings.max_review_bytes + 1)
            yield _checked(ReviewSource(STDIN_NAME, data), settings)
            continue
        path = Path(raw)
        if _is_dir(path):
            unreadable: list[ReadError] = []
            found = sorted(
                p
                for p in _files_under(path, unreadable)
                if p.suffix.lower() in REVIEW_SUFFIXES and (p.is_file() or p.is_symlink())
            )
            yield from unreadable
            if not found and not unreadable:
                yield ReadError(display_name(path), "directory holds no *.txt or *.md reviews")
            for p in found:
                yield _read_path(p, settings)
        else:
            yield _read_path(path, settings)


def display_name(path: Path) -> str:
    """The path as text that can be printed and stored: bytes that are not UTF-8 shown as \\xNN."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long, ...: reported when the path is read
        return False


def _files_under(top: Path, unreadable: list[ReadError]) -> Iterator[Path]:
    """Every file below ``top`` (hidden folders skipped); folders that cannot be listed go to ``unreadable``."""

    def failed(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else top
        problem = "permission denied" if isinstance(exc, PermissionError) else f"cannot be listed ({exc.strerror})"
        unreadable.append(ReadError(display_name(where), f"directory {problem}"))

    for folder, dirs, files in os.walk(top, onerror=failed, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield from (Path(folder) / f for f in files if not f.startswith("."))


def _read_path(path: Path, settings: Settings) -> ReviewSource | ReadError:
    name = display_name(path)
    try:
        if not path.exists():
            try:
                path.stat()
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    return ReadError(name, "symbolic link loop")
                if exc.errno == errno.ENAMETOOLONG:
                    return ReadError(name, "path too long for this system")
            return ReadError(name, "no such file" + (" (broken symbolic link)" if path.is_symlink() else ""))
        if not path.is_file():
            return ReadError(name, "not a regular file")
        size = path.stat().st_size
        if size > settings.max_review_bytes:
            return ReadError(
                name, f"file is {size:,} bytes, over the {settings.max_review_bytes:,}-byte limit for one review"
            )
        with path.open("rb") as fh:
            data = fh.read(settings.max_review_bytes + 1)
    except PermissionError:
        return ReadError(name, "permission denied")
    except OSError as exc:
        return ReadError(name, f"cannot be read ({exc.strerror or exc})")
    return _checked(ReviewSource(name, data), settings)


def _checked(source: ReviewSource, settings: Settings) -> ReviewSource | ReadError:
    if len(source.data) > settings.max_review_bytes:
        return ReadError(source.name, f"input is over the {settings.max_review_bytes:,}-byte limit for one review")
    if not source.data.strip():
        return ReadError(source.name, "empty file")
    if b"\x00" in source.data[:8192]:
        return ReadError(source.name, "binary file (contains NUL bytes), not a text review")
    return source


def decode(source: ReviewSource) -> str:
    """UTF-8 text (a BOM is dropped) with line endings and odd spaces normalised."""
    try:
        text = source.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = source.data[: exc.start].count(b"\n") + 1
        raise ReadError(
            source.name, f"not valid UTF-8: byte 0x{source.data[exc.start]:02x} at offset {exc.start} (line {line})"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Non-breaking and other exotic spaces become plain spaces; zero-width ones vanish.
    text = re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " ", text)
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    return text


# ---------------------------------------------------------------------------------------------
# Parsing: text to Review
# ---------------------------------------------------------------------------------------------

#: header labels, normalised (lower case, letters only) -> field name
FIELD_LABELS = {
    "genre": "genre", "genres": "genre",
    "director": "director", "directors": "director", "directedby": "director",
    "cast": "cast", "starring": "cast", "stars": "cast",
    "runtime": "runtime", "runningtime": "runtime", "duration": "runtime", "length": "runtime",
    "rating": "rating", "rated": "rating", "classification": "rating", "certification": "rating",
    "releasedby": "distributor", "distributor": "distributor", "distributors": "distributor",
    "distributedby": "distributor",
    "officialwebsite": "website", "website": "website",
    "openingday": "opening", "openingdate": "opening", "releasedate": "opening", "release": "opening",
    "inCinemas".lower(): "opening",
    "country": "country",
    "language": "language", "languages": "language",
    "year": "year",
    "title": "title",
    "originaltitle": "original_title",
}
#: section labels -> section name
SECTION_LABELS = {
    "synopsis": "synopsis", "plot": "synopsis", "storyline": "synopsis", "story": "synopsis",
    "moviereview": "body", "filmreview": "body", "review": "body",
    "movierating": "verdict", "filmrating": "verdict", "verdict": "verdict", "ourrating": "verdict",
}
#: a line that starts the site's boilerplate: nothing after it belongs to the review
BOILERPLATE = re.compile(
    r"^\s*(you might also like|movie stills|related (posts|articles|reviews)|share this( article)?|"
    r"leave a (comment|reply)|comments?|tags?|more reviews|advertisement|read more)\s*:?\s*$",
    re.IGNORECASE,
)
_LABEL_LINE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z .'/-]{0,30}?)\s*:\s*(?P<value>.*?)\s*$")
_REVIEW_BY = re.compile(r"^\s*(?:movie\s+|film\s+)?review(?:ed)?\s+by\s*:?\s*(?P<name>\S.*?)\s*$", re.IGNORECASE)
_TITLE_LINE = re.compile(r"^(?P<title>.+?)\s*(?:\((?P<original>[^()]+)\)\s*)?\((?P<year>(?:18|19|20)\d\d)\)\s*$")


def _norm_label(label: str) -> str:
    return re.sub(r"[^a-z]", "", label.lower())


@dataclass
class _Line:
    text: str
    field: str | None = None  # header field name, if the line is a header label
    section: str | None = None  # section name, if the line opens a section
    value: str = ""


def _classify(line: str) -> _Line:
    m = _LABEL_LINE.match(line)
    if m:
        key = _norm_label(m.group("label"))
        if key in SECTION_LABELS:
            return _Line(line, section=SECTION_LABELS[key], value=m.group("value"))
        if key in FIELD_LABELS:
            return _Line(line, field=FIELD_LABELS[key], value=m.group("value"))
    return _Line(line)


def read_review(source: ReviewSource, settings: Settings | None = None) -> Review:
    """Parse one review. Raises ``ReadError`` only for input that cannot be text at all."""
    settings = settings or Settings()
    text = decode(source)
    lines = [ln.rstrip() for ln in text.split("\n")]
    # Cut the site boilerplate: the first boilerplate marker after some content ends the review.
    for i, ln in enumerate(lines):
        if BOILERPLATE.match(ln) and any(l.strip() for l in lines[:i]):
            lines = lines[:i]
            break
    classified = [_classify(ln) for ln in lines]
    has_fields = any(c.field for c in classified)
    has_sections = any(c.section for c in classified)
    if not has_fields and not has_sections:
        return _free_text_review(source, lines)
    return _structured_review(source, classified, settings)


def _free_text_review(source: ReviewSource, lines: list[str]) -> Review:
    reviewer = None
    kept: list[str] = []
    for ln in lines:
        m = _REVIEW_BY.match(ln)
        if m and reviewer is None:
            reviewer = _clean_name(m.group("name"))
            continue
        kept.append(ln)
    body = _paragraphs(kept)
    if not body:
        raise ReadError(source.name, "no review text found")
    return Review(source=source.name, sha256=source.sha256, body=body, reviewer=reviewer, has_header=False)


def _structured_review(source: ReviewSource, lines: list[_Line], settings: Settings) -> Review:
    fields: dict[str, str] = {}
    sections: dict[str, list[str]] = {"synopsis": [], "body": [], "verdict": []}
    warnings: list[str] = []
    title_line: str | None = None
    reviewer: str | None = None
    current_section: str | None = None
    pending_field: str | None = None  # a header field whose value may come on the next line
    after_blank = False
    i = 0
    while i < len(lines):
        ln = lines[i]
        i += 1
        by = _REVIEW_BY.match(ln.text)
        if by and not ln.field and current_section != "after":
            # "Review by NAME" is a byline in the header, and signs the review off after the text.
            reviewer = reviewer or _clean_name(by.group("name"))
            if current_section is not None:
                current_section = "after"
            continue
        if ln.section and current_section != "after":
            current_section = ln.section
            pending_field = None
            if ln.value:
                sections[ln.section].append(ln.value)
            continue
        if current_section is None:
            # In the header.
            if ln.field:
                after_blank = False
                if ln.value:
                    fields.setdefault(ln.field, ln.value)
                    pending_field = None
                else:
                    pending_field = ln.field
                continue
            if not ln.text.strip():
                after_blank = True
                continue
            stripped = ln.text.strip()
            if pending_field and pending_field not in fields and len(stripped) <= 150:
                fields[pending_field] = stripped  # the value sits on the line after its label
                pending_field = None
                after_blank = False
                continue
            if title_line is None and not fields:
                title_line = stripped
                after_blank = False
                continue
            if fields and not after_blank and len(stripped) <= 150:
                # An unlabelled line straight under a field continues that field's value.
                last = next(reversed(fields))
                fields[last] = f"{fields[last]} {stripped}"
                continue
            # Unlabelled text after the header: the review itself, with no "Movie Review:" label.
            current_section = "body"
            pending_field = None
            sections["body"].append(ln.text)
            continue
        if current_section == "after":
            continue
        sections[current_section].append(ln.text)

    review = Review(source=source.name, sha256=source.sha256, reviewer=reviewer)
    changes: dict[str, object] = {}
    if title_line:
        changes.update(_parse_title_line(title_line))
    if "title" in fields:
        changes.setdefault("title", _tidy_title(fields["title"]))
    if "original_title" in fields:
        changes.setdefault("original_title", fields["original_title"].strip())
    if changes.get("original_title"):
        changes["original_language"] = script_language(str(changes["original_title"]))
    if "year" in fields and "year" not in changes:
        m = re.search(r"\b(18|19|20)\d\d\b", fields["year"])
        if m:
            changes["year"] = int(m.group(0))
    if "genre" in fields:
        changes["genres"] = tuple(_split_list(fields["genre"], extra_separators="/"))
    if "director" in fields:
        changes["directors"] = tuple(_clean_name(n) for n in _split_list(fields["director"]))
    if "cast" in fields:
        changes["cast"] = tuple(_clean_name(n) for n in _split_list(fields["cast"]))
    if "distributor" in fields:
        changes["distributors"] = tuple(_split_list(fields["distributor"], extra_separators="/"))
    if "runtime" in fields:
        minutes = parse_runtime(fields["runtime"])
        if minutes is None:
            warnings.append(f"unrecognised runtime {fields['runtime']!r}")
        changes["runtime_minutes"] = minutes
    if "rating" in fields:
        rating, advisory = parse_content_rating(fields["rating"])
        changes["content_rating"], changes["content_advisory"] = rating, advisory
    if "opening" in fields:
        day = parse_date(fields["opening"])
        if day is None:
            warnings.append(f"unrecognised opening day {fields['opening']!r}")
        changes["opening_day"] = day
    if fields.get("website", "").strip():
        changes["website"] = fields["website"].strip()
    if fields.get("language", "").strip():
        changes["language"] = fields["language"].strip()
    country = fields.get("country", "").strip() or settings.release_country
    if country:
        changes["release_country"] = country
    synopsis = _paragraphs(sections["synopsis"])
    body = _paragraphs(sections["body"])
    verdict = _paragraphs(sections["verdict"])
    if verdict.startswith("(") and verdict.endswith(")") and verdict.count("(") == 1:
        verdict = verdict[1:-1].strip()
    if not body and not synopsis and not changes.get("title"):
        raise ReadError(source.name, "no title, synopsis or review text found")
    rating_value, rating_best = parse_rating_value(verdict)
    if changes.get("title") is None and title_line is None:
        warnings.append("no title line: the film is unknown until the text names it")
    return review.replace(
        **changes,
        synopsis=synopsis,
        body=body,
        verdict=verdict,
        rating_value=rating_value,
        rating_best=rating_best,
        warnings=tuple(warnings),
    )


# ---------------------------------------------------------------------------------------------
# Field value parsers (public: each is small, pure and unit-tested)
# ---------------------------------------------------------------------------------------------

_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on",
                "or", "the", "to", "with", "vs", "via"}
_ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")


def _tidy_title(title: str) -> str:
    """Titles shouted in capitals (``RAISE THE RED LANTERN``) become title case; others stay."""
    title = re.sub(r"\s+", " ", title).strip().strip("\"“”")
    letters = [c for c in title if c.isalpha() and c.isascii()]
    if not letters or not all(c.isupper() for c in letters):
        return title
    words = title.split(" ")
    out = []
    for i, word in enumerate(words):
        bare = re.sub(r"[^A-Za-z]", "", word)
        if _ROMAN.match(bare) and len(bare) > 1:
            out.append(word)
        elif i > 0 and bare.lower() in _SMALL_WORDS and not out[-1].endswith((":", "-")):
            out.append(word.lower())
        else:
            out.append(_capitalize_word(word))
    return " ".join(out)


def _capitalize_word(word: str) -> str:
    # "CHIU-WAI" -> "Chiu-Wai", "ZHA'S" -> "Zha's"
    parts = re.split(r"([-])", word.lower())
    return "".join(p[:1].upper() + p[1:] if p not in "-" else p for p in parts)


def _parse_title_line(line: str) -> dict[str, object]:
    m = _TITLE_LINE.match(line.strip())
    if not m:
        return {"title": _tidy_title(line)}
    out: dict[str, object] = {"title": _tidy_title(m.group("title")), "year": int(m.group("year"))}
    if m.group("original"):
        out["original_title"] = m.group("original").strip()
    return out


#: Unicode character-name prefixes -> the language a title in that script is most likely in
_SCRIPT_LANGUAGES = (
    (("HIRAGANA", "KATAKANA"), "ja"), (("HANGUL",), "ko"), (("CJK",), "zh"), (("THAI",), "th"),
    (("CYRILLIC",), "ru"), (("GREEK",), "el"), (("ARABIC",), "ar"), (("HEBREW",), "he"),
    (("DEVANAGARI",), "hi"),
)


def script_language(text: str) -> str | None:
    """The language a title's script implies: Han -> zh, kana -> ja, Hangul -> ko; Latin -> None."""
    scripts = set()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            scripts.add(next((lang for prefixes, lang in _SCRIPT_LANGUAGES if name.startswith(prefixes)), "latin"))
    if "ja" in scripts:
        return "ja"  # Japanese mixes kana and kanji
    if "ko" in scripts:
        return "ko"
    non_latin = scripts - {"latin"}
    return next(iter(non_latin)) if len(non_latin) == 1 else None


def _split_list(value: str, extra_separators: str = "") -> list[str]:
    """``A, B and C`` / ``A & B`` / ``A; B`` (and ``A/B`` where asked) to ``[A, B, C]``."""
    seps = r",|;|\s+&\s+|\s+and\s+" + "".join(f"|{re.escape(c)}" for c in extra_separators)
    items = [re.sub(r"\s+", " ", part).strip(" .\"“”'") for part in re.split(seps, value, flags=re.IGNORECASE)]
    return [item for item in items if item]


def _clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip(" .,;:\"“”'")


_UNIT_HOURS = r"(?:h|hr|hrs|hour|hours)"
_UNIT_MINUTES = r"(?:m|min|mins|minute|minutes)"


def parse_runtime(value: str) -> int | None:
    """Minutes from ``1 hr 44 mins``, ``104 mins``, ``2 hrs``, ``1h 44m``, ``1:44`` or ``104``."""
    v = value.strip().lower()
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", v)
    if m:
        return int(m.group(1)) * 60 + int(m.group(2))
    hours = re.search(rf"(\d+(?:\.\d+)?)\s*{_UNIT_HOURS}\b", v)
    minutes = re.search(rf"(\d+)\s*{_UNIT_MINUTES}\b", v)
    if hours or minutes:
        total = float(hours.group(1)) * 60 if hours else 0.0
        total += int(minutes.group(1)) if minutes else 0
        return round(total) or None
    m = re.fullmatch(r"(\d{2,3})", v)
    return int(m.group(1)) if m else None


def iso_duration(minutes: int) -> str:
    """``104`` -> ``PT1H44M`` (``xsd:duration``)."""
    hours, mins = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins or not hours else "")


_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}


def _month(word: str) -> int | None:
    return _MONTHS.get(word.lower()[:3]) if len(word) >= 3 else None


def parse_date(value: str) -> date | None:
    """``23 September 2021``, ``Sep 23, 2021``, ``23 Sept 2021``, ``2021-09-23`` -> ``date``."""
    v = re.sub(r"\s+", " ", value).strip().rstrip(".")
    candidates: list[tuple[int, int | None, int]] = []
    m = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", v)
    if m:
        candidates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,})\.?,?\s+(\d{4})\b", v)
    if m:
        candidates.append((int(m.group(3)), _month(m.group(2)), int(m.group(1))))
    m = re.search(r"\b([A-Za-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", v)
    if m:
        candidates.append((int(m.group(3)), _month(m.group(1)), int(m.group(2))))
    for year, month, day in candidates:
        if month is None:
            continue
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def parse_content_rating(value: str) -> tuple[str | None, str | None]:
    """``PG13 (Some Coarse Language)`` -> ``("PG13", "Some Coarse Language")``."""
    v = re.sub(r"\s+", " ", value).strip()
    m = re.fullmatch(r"(?P<rating>[^()\[\]]+?)\s*[(\[](?P<advisory>[^()\[\]]*)[)\]]\s*", v)
    if m:
        return m.group("rating").strip() or None, m.group("advisory").strip() or None
    m = re.fullmatch(r"(?P<rating>[A-Z0-9-]{1,6})\s*(?:[-–—:]|for)\s*(?P<advisory>.+)", v)
    if m:
        return m.group("rating"), m.group("advisory").strip()
    return (v or None), None


def parse_rating_value(verdict: str) -> tuple[float | None, float | None]:
    """A score stated in the verdict (``4/5``, ``3.5 out of 5``, ``8 stars``), if any."""
    m = re.search(r"\b(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+)\b", verdict)
    if m:
        value, best = float(m.group(1)), float(m.group(2))
        if 0 <= value <= best:
            return value, best
    return None, None


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
