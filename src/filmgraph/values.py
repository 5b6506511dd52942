"""Header values to typed facts: a title line to its title, year and original title; a runtime
to minutes; a release day to a date; a certificate or a score to its parts; a title's script to
its language. Each parser is small and pure, shared by the text reader (``layout``) and the
structured inputs (``inputs``)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from . import header

_TITLE_LINE = re.compile(r"^(?P<title>.+?)\s*(?:\((?P<original>[^()]+)\)\s*)?\((?P<year>(?:18|19|20)\d\d)\)\s*$")

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
        return {"title": _tidy_title(header.bare_title(line))}
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
    """A name as a header gives it: ``Zhang Yimou 张艺谋`` -> ``Zhang Yimou`` (the Latin part of a
    name written in both scripts); ``Zhang Yimou? Really?`` -> ``Zhang Yimou`` (no name holds a ``?`` or ``!``)."""
    name = re.split(r"\s*[?!]", name, maxsplit=1)[0]
    name = re.sub(r"\s+", " ", name).strip(" .,;:\"“”'")
    latin = re.sub(r"\s*[\u3000-\u9fff\uac00-\ud7af]+\s*", " ", name).strip()
    return latin if latin and latin != name and re.search(r"[A-Za-z]", latin) else name


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
