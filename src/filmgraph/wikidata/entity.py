"""The one shape every Wikidata source is reduced to: an ``Entity`` with labels, claims, sitelinks.

The API's ``wbgetentities`` JSON, a dump's entity JSON lines and the bundled snapshot all become
``Entity`` values, so the linker never knows where an entity came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

#: a claim value: an item id ``"Q42"``, or a typed literal ``{"time": ...}``, ``{"amount": ...}``, ``{"string": ...}``
Value = Any

QID = re.compile(r"^Q[1-9][0-9]*$")

# Classes and occupations the linker relies on; each is labelled in the real data we ship.
HUMAN = "Q5"
FILM = "Q11424"
FILM_OCCUPATIONS = frozenset({"Q33999", "Q10800557", "Q2526255", "Q28389", "Q3282637"})
#: properties only people carry in the data, used as type evidence where P31 is absent (the snapshot)
PERSON_PROPERTIES = ("P106", "P27", "P19", "P20", "P1412", "P69", "P26", "P172", "P569", "P570")


#: descriptions of people (the snapshot has no P31): "Hong Kong actress", "Japanese film maker", "English novelist"
PERSON_DESCRIPTION = re.compile(
    r"\b(actor|actress|film ?maker|film director|director|screenwriter|producer|singer|songwriter|cinematographer|"
    r"composer|conductor|musician|cellist|pianist|violinist|novelist|writer|poet|painter|artist|comedian|"
    r"martial artist|politician|author)\b")
#: descriptions that speak of a film career
FILM_DESCRIPTION = re.compile(r"\b(actor|actress|film ?maker|film director|director|screenwriter|film producer|"
                              r"cinematographer|action choreographer)\b")


@dataclass(frozen=True)
class Entity:
    """One Wikidata item as far as filmgraph needs it."""

    id: str
    labels: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    claims: dict[str, list[Value]] = field(default_factory=dict)
    sitelinks: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str | None:
        return self.labels.get(lang)

    def items(self, prop: str) -> list[str]:
        """The item ids a property points to (``P57`` -> directors)."""
        return [v for v in self.claims.get(prop, []) if isinstance(v, str)]

    def names(self, langs: tuple[str, ...] | None = None) -> list[tuple[str, str, str]]:
        """``(text, lang, "label"|"alias")`` for every label and alias (in ``langs`` if given)."""
        out = [(t, lg, "label") for lg, t in self.labels.items() if langs is None or lg in langs]
        for lg, texts in self.aliases.items():
            if langs is None or lg in langs:
                out.extend((t, lg, "alias") for t in texts)
        return out

    def years(self) -> set[int]:
        """Publication years: from P577 when present, else the year a description opens with (``2004 film by ...``)."""
        found = {int(v["time"][1:5]) for v in self.claims.get("P577", []) if isinstance(v, dict) and "time" in v
                 and re.match(r"^[+]\d{4}", v["time"])}
        if not found:
            m = re.match(r"^(\d{4}) ", self.descriptions.get("en", "") or "")
            if m and "film" in self.descriptions["en"]:
                found.add(int(m.group(1)))
        return found

    def described_director(self) -> str | None:
        """The director a description names (``2006 film directed by Zhang Yimou`` -> ``Zhang Yimou``)."""
        m = re.search(r"\bfilm (?:directed )?by ([^,;()]+)$", self.descriptions.get("en", "") or "")
        return m.group(1).strip() if m else None

    def kinds(self) -> set[str]:
        """What sort of thing this is: ``person``, ``film``, ``festival``, ``award``, ``period``, ``book``.

        ``P31`` decides when present (online entities); the snapshot has no ``P31``, so there the
        evidence is the properties only people carry and the English description. These kinds are
        used for scoring only and are never written as statements.
        """
        p31 = set(self.items("P31"))
        desc = (self.descriptions.get("en") or "").lower()
        label = (self.labels.get("en") or "").lower()
        kinds: set[str] = set()
        if HUMAN in p31 or (not p31 and any(p in self.claims for p in PERSON_PROPERTIES)):
            return {"person"}
        if not p31 and not re.search(r"\bfilm (directed )?by\b", desc) and PERSON_DESCRIPTION.search(desc):
            return {"person"}
        if FILM in p31 or re.search(r"\bfilm\b", desc) and not re.search(
                r"festival|award|prize|genre|director|actor|actress|producer|studio|company|critic|series|franchise", desc):
            kinds.add("film")
        elif not p31 and ("P57" in self.claims or "P161" in self.claims):
            kinds.add("film")
        if "festival" in label or "festival" in desc and not re.search(r"\b(award|prize)\b", desc + " " + label):
            kinds.add("festival")
        if re.search(r"\b(award|prize)\b", desc) or re.search(r"\b(award|prize)\b", label):
            kinds.add("award")
        if "film" not in kinds and re.search(r"\b(period|revolution|war|dynasty|era|movement|campaign|historical event)\b", desc):
            kinds.add("period")
        if re.search(r"\b(novel|book|poem|novella)\b", desc):
            kinds.add("book")
        return kinds

    def film_occupation(self) -> bool:
        return bool(FILM_OCCUPATIONS & set(self.items("P106")))

    def film_career(self) -> str | None:
        """Why this person looks like film people: a film occupation (P106), or a description that says so."""
        if self.film_occupation():
            return "film occupation (P106)"
        desc = self.descriptions.get("en") or ""
        if FILM_DESCRIPTION.search(desc):
            return f"described as {desc!r}"
        return None

    # --- JSON ---------------------------------------------------------------------------------
    def to_json(self) -> dict:
        d: dict = {"id": self.id}
        for key in ("labels", "descriptions", "aliases", "claims", "sitelinks"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Entity":
        """From our compact shape (the snapshot, the cache) or from Wikidata's entity JSON."""
        if "type" in d or "pageid" in d or _looks_like_wikibase(d):
            return from_wikibase(d)
        return cls(d["id"], dict(d.get("labels", {})), dict(d.get("descriptions", {})),
                   {k: list(v) for k, v in d.get("aliases", {}).items()},
                   {k: list(v) for k, v in d.get("claims", {}).items()}, dict(d.get("sitelinks", {})))


def _looks_like_wikibase(d: dict) -> bool:
    labels = d.get("labels") or {}
    return any(isinstance(v, dict) for v in labels.values())


LANGS = ("en", "zh", "zh-hans", "zh-hant", "zh-cn", "zh-tw", "zh-hk")


def from_wikibase(d: dict) -> Entity:
    """Wikidata's entity JSON (``wbgetentities``, ``Special:EntityData``, a dump line) as an ``Entity``.

    Only English and Chinese labels, descriptions and aliases are kept; claims keep their main
    value (item ids, times, quantities, strings) for every rank but deprecated.
    """
    labels = {lg: v["value"] for lg, v in (d.get("labels") or {}).items() if lg in LANGS}
    descriptions = {lg: v["value"] for lg, v in (d.get("descriptions") or {}).items() if lg in LANGS}
    aliases = {lg: [a["value"] for a in vs] for lg, vs in (d.get("aliases") or {}).items() if lg in LANGS}
    claims: dict[str, list[Value]] = {}
    for prop, statements in (d.get("claims") or {}).items():
        for st in statements:
            if st.get("rank") == "deprecated":
                continue
            v = snak_value(st.get("mainsnak") or {})
            if v is not None:
                claims.setdefault(prop, []).append(v)
    sitelinks = {site: s["title"] for site, s in (d.get("sitelinks") or {}).items()
                 if site in ("enwiki", "zhwiki") and isinstance(s, dict)}
    return Entity(d["id"], labels, descriptions, aliases, claims, sitelinks)


def snak_value(snak: dict) -> Value | None:
    if snak.get("snaktype") != "value":
        return None
    dv = snak.get("datavalue") or {}
    value, kind = dv.get("value"), dv.get("type")
    if kind == "wikibase-entityid" and isinstance(value, dict):
        qid = value.get("id") or (f"Q{value['numeric-id']}" if "numeric-id" in value else None)
        return qid if qid and QID.match(qid) else None
    if kind == "time":
        return {"time": value["time"], "precision": value.get("precision", 11)}
    if kind == "quantity":
        return {"amount": value["amount"], "unit": value.get("unit", "1")}
    if kind == "string":
        return {"string": value}
    if kind == "monolingualtext":
        return {"text": value["text"], "language": value["language"]}
    return None


def normalise(text: str) -> str:
    """``The  Flowers of War!`` -> ``flowers of war``: the key names are matched by."""
    t = unicodedata.normalize("NFKC", text)
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = t.casefold().replace("&", " and ")
    t = re.sub(r"[^\w]+", " ", t).strip()
    t = re.sub(r"^the ", "", t)
    return unicodedata.normalize("NFC", t)
