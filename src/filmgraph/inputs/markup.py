"""schema.org markup on a review page (JSON-LD, microdata, RDFa) to ``Review`` fields.

A page that carries ``Review`` / ``CriticReview`` markup states its film, author, rating and
date exactly, so these fields win over what the page's text seems to say. extruct reads the
three syntaxes; they are brought to one shape here (nested dicts, short schema.org names) and
then mapped::

    Review.itemReviewed (Movie)        -> the film:
        name -> title               alternateName (non-Latin script) -> original_title
        dateCreated / datePublished -> year    genre -> genres    duration -> runtime_minutes
        director -> directors       actor / actors -> cast        contentRating -> content_rating
        inLanguage -> language
    Review.author (Person, Organization) -> reviewer
    Review.reviewRating (Rating)       -> rating_value, rating_best (schema.org's default best: 5)
    Review.datePublished               -> date_published        Review.url -> url

A ``Movie`` with a ``review`` property is read the same way round.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Iterable

_SCHEMA_PREFIX = re.compile(r"^(https?://schema\.org/|schema:)")
REVIEW_TYPES = {"Review", "CriticReview", "UserReview", "EmployerReview"}
WORK_TYPES = {"Movie", "Film", "TVSeries", "CreativeWork"}


def markup_nodes(html: str, base_url: str | None = None) -> list[dict[str, Any]]:
    """Every schema.org item on the page, as nested dicts with short names (``Review``, ``name``)."""
    import extruct

    try:
        data = extruct.extract(html, base_url=base_url, syntaxes=["json-ld", "microdata", "rdfa"],
                               uniform=True, errors="ignore")
    except Exception:  # extruct raises whatever its parsers raise on broken markup: no markup then
        return []
    nodes: list[dict[str, Any]] = []
    for item in data.get("json-ld", []):
        nodes.extend(_jsonld_items(item))
    nodes.extend(_short(item) for item in data.get("microdata", []) if isinstance(item, dict))
    nodes.extend(_rdfa_items(data.get("rdfa", [])))
    return nodes


def _jsonld_items(item: Any) -> list[dict[str, Any]]:
    if isinstance(item, list):
        return [n for x in item for n in _jsonld_items(x)]
    if not isinstance(item, dict):
        return []
    if "@graph" in item:
        graph = [_short(n) for n in item["@graph"] if isinstance(n, dict)]
        by_id = {n["@id"]: n for n in graph if "@id" in n}
        return [_resolve(n, by_id, 0) for n in graph]
    return [_short(item)]


def _short(value: Any) -> Any:
    """schema.org names without their prefix, types as a list of short names."""
    if isinstance(value, list):
        return [_short(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key == "@type":
            types = v if isinstance(v, list) else [v]
            out["@type"] = [_SCHEMA_PREFIX.sub("", str(t)) for t in types]
        else:
            out[_SCHEMA_PREFIX.sub("", key)] = _short(v)
    return out


def _resolve(node: Any, by_id: dict[str, dict[str, Any]], depth: int) -> Any:
    """Replace ``{"@id": ...}`` references by the nodes they name (cycles cut at depth 6)."""
    if isinstance(node, list):
        return [_resolve(n, by_id, depth) for n in node]
    if not isinstance(node, dict) or depth > 6:
        return node
    if set(node) == {"@id"} and node["@id"] in by_id:
        return _resolve(by_id[node["@id"]], by_id, depth + 1)
    return {k: _resolve(v, by_id, depth + 1) if k != "@id" else v for k, v in node.items()}


def _rdfa_items(items: list[Any]) -> list[dict[str, Any]]:
    """extruct's RDFa is expanded JSON-LD (``[{"@value": ...}]`` everywhere): compact it."""
    flat: dict[str, dict[str, Any]] = {}
    for item in items:
        if not isinstance(item, dict) or "@id" not in item:
            continue
        node: dict[str, Any] = {"@id": item["@id"]}
        for key, values in item.items():
            if key == "@type":
                node["@type"] = [_SCHEMA_PREFIX.sub("", t) for t in values]
            elif _SCHEMA_PREFIX.match(key):
                compact = [v.get("@value", v) if isinstance(v, dict) and "@value" in v else v for v in values]
                node[_SCHEMA_PREFIX.sub("", key)] = compact[0] if len(compact) == 1 else compact
        flat[item["@id"]] = node
    return [_resolve(n, flat, 0) for n in flat.values() if n.get("@type")]


# --- mapping ---------------------------------------------------------------------------------


def _types(node: Any) -> set[str]:
    return set(node.get("@type", [])) if isinstance(node, dict) else set()


def _all(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    """A plain value: a string, a number, or a node's ``name`` / ``@value``."""
    for v in _all(value):
        if isinstance(v, dict):
            v = v.get("name", v.get("@value"))
            if isinstance(v, list):
                v = v[0] if v else None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
        if isinstance(v, str) and v.strip():
            return re.sub(r"\s+", " ", v).strip()
    return None


def _names(value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for v in _all(value):
        name = _text(v)
        if name and isinstance(v, dict):
            out.append(name)
        elif name:  # "A, B" in one string is two people (some sites write a cast that way)
            out.extend(n.strip() for n in name.split(",") if n.strip())
    return tuple(dict.fromkeys(out))


def _number(value: Any) -> float | None:
    text = _text(value)
    if text is None:
        return None
    m = re.search(r"-?\d+(?:[.,]\d+)?", text)
    return float(m.group(0).replace(",", ".")) if m else None


def _date(value: Any) -> date | None:
    text = _text(value)
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _year(value: Any) -> int | None:
    m = re.match(r"((?:18|19|20)\d\d)", _text(value) or "")
    return int(m.group(1)) if m else None


def iso8601_minutes(value: str) -> int | None:
    """``PT1H40M`` -> ``100``; ``PT100M``, ``P0DT2H`` too. Anything else -> None."""
    m = re.fullmatch(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", value.strip().upper())
    if not m or not any(m.groups()):
        return None
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in m.groups())
    total = round(days * 1440 + hours * 60 + minutes + seconds / 60)
    return total or None


def review_fields(nodes: Iterable[dict[str, Any]]) -> dict[str, object]:
    """The ``Review`` fields the page's schema.org markup states (empty if it states none)."""
    nodes = list(nodes)
    review = next((n for n in nodes if _types(n) & REVIEW_TYPES), None)
    work = None
    if review is not None:
        work = next((w for w in _all(review.get("itemReviewed")) if isinstance(w, dict)), None)
    else:
        work = next((n for n in nodes if _types(n) & WORK_TYPES), None)
        if work is not None:
            review = next((r for r in _all(work.get("review")) if isinstance(r, dict)), None)
    fields: dict[str, object] = {}
    if work is not None:
        fields.update(_work_fields(work))
    if review is not None:
        fields.update(_review_fields(review))
    return {k: v for k, v in fields.items() if v not in (None, "", ())}


def _work_fields(work: dict[str, Any]) -> dict[str, object]:
    from ..values import script_language

    fields: dict[str, object] = {"title": _text(work.get("name"))}
    for alt in _all(work.get("alternateName")):
        alt_text = _text(alt)
        if alt_text and script_language(alt_text):
            fields["original_title"] = alt_text
            break
    fields["year"] = _year(work.get("dateCreated")) or _year(work.get("datePublished"))
    fields["genres"] = tuple(g for g in (_text(v) for v in _all(work.get("genre"))) if g)
    fields["directors"] = _names(work.get("director"))
    fields["cast"] = _names(work.get("actor") if work.get("actor") is not None else work.get("actors"))
    duration = _text(work.get("duration"))
    fields["runtime_minutes"] = iso8601_minutes(duration) if duration else None
    fields["content_rating"] = _text(work.get("contentRating"))
    fields["language"] = _text(work.get("inLanguage"))
    return fields


def _review_fields(review: dict[str, Any]) -> dict[str, object]:
    fields: dict[str, object] = {}
    authors = _names(review.get("author"))
    fields["reviewer"] = authors[0] if authors else None
    fields["date_published"] = _date(review.get("datePublished"))
    url = _text(review.get("url"))
    fields["url"] = url if url and re.match(r"https?://", url) else None
    rating = next((r for r in _all(review.get("reviewRating")) if isinstance(r, dict)), None)
    if rating is not None:
        value = _number(rating.get("ratingValue"))
        if value is not None:
            best = _number(rating.get("bestRating"))
            fields["rating_value"] = value
            fields["rating_best"] = best if best is not None else 5.0
    return fields
