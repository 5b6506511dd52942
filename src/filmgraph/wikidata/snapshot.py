"""The offline knowledge base: the bundled snapshot in ``data/wikidata/`` plus any imported ones.

The bundled snapshot is built by ``filmgraph wikidata snapshot`` from the real Wikidata data in
``../shared/wikidata`` (an MIT-licensed entity index and the CodEx statements; Wikidata's data is
CC0): every entity with its English label, aliases and description, and the statements about
films and people. Nothing is added that is not in those files, so an entity they lack stays
unlinked offline.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import LinkError
from .entity import QID, Entity, from_wikibase, normalise

#: the file name of the entity JSON lines in a snapshot folder
ENTITIES_FILE = "entities.jsonl.gz"
#: statements kept in the bundled snapshot: film facts, and what types and connects film people
SNAPSHOT_PROPERTIES = ("P57", "P161", "P136", "P495", "P364", "P840", "P737", "P106", "P27", "P19", "P1412",
                       "P50", "P170", "P58", "P86", "P162", "P166", "P1411", "P344")


def bundled_snapshot_dir() -> Path:
    """``data/wikidata`` of the source checkout (where the demo and the tests find it)."""
    return Path(__file__).resolve().parents[3] / "data" / "wikidata"


class Snapshot:
    """Entities by id, and an index from normalised labels and aliases to ids."""

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self.entities: dict[str, Entity] = {}
        self._names: dict[str, set[str]] = defaultdict(set)
        self.sources: list[str] = []
        for e in entities:
            self.add(e)

    def add(self, e: Entity) -> None:
        old = self.entities.get(e.id)
        if old is not None:  # a later, larger snapshot extends an earlier one
            e = Entity(e.id, {**old.labels, **e.labels}, {**old.descriptions, **e.descriptions},
                       {**old.aliases, **e.aliases}, {**old.claims, **e.claims}, {**old.sitelinks, **e.sitelinks})
        self.entities[e.id] = e
        for text, _lang, _how in e.names():
            self._names[normalise(text)].add(e.id)

    def __len__(self) -> int:
        return len(self.entities)

    def search(self, name: str) -> list[str]:
        """Ids whose label or alias equals ``name`` once normalised (case, accents, punctuation, a leading *The*)."""
        return sorted(self._names.get(normalise(name), ()), key=lambda q: int(q[1:]))

    def get(self, ids: Iterable[str]) -> dict[str, Entity]:
        return {i: self.entities[i] for i in ids if i in self.entities}

    def load_file(self, path: Path) -> int:
        """Add a snapshot file (our entity JSON lines, gzipped or not); return how many entities."""
        n = 0
        for d in _read_jsonl(path):
            self.add(Entity.from_json(d))
            n += 1
        self.sources.append(str(path))
        return n

    @classmethod
    def load(cls, folders: Iterable[Path]) -> "Snapshot":
        """The entities of every ``entities*.jsonl.gz`` in ``folders`` (missing folders are skipped)."""
        snap = cls()
        for folder in folders:
            folder = Path(folder)
            if folder.is_file():
                snap.load_file(folder)
                continue
            for f in sorted(folder.glob("*.jsonl.gz")) if folder.is_dir() else ():
                snap.load_file(f)
        return snap


def _read_jsonl(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise LinkError(f"{path}:{lineno}: not a JSON line: {exc.msg}") from None
    except (OSError, EOFError) as exc:
        raise LinkError(f"cannot read the Wikidata snapshot {path}: {exc}") from None


def write_entities(entities: Iterable[Entity], path: Path) -> int:
    """Write entities as sorted, gzipped JSON lines, atomically; return the count."""
    from ..export import atomic_write

    rows = sorted(entities, key=lambda e: int(e.id[1:]))
    with atomic_write(path) as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for e in rows:
            gz.write((json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    path.chmod(0o644)
    return len(rows)


# --- building the bundled snapshot ----------------------------------------------------------------

PROVENANCE = """# Provenance of this offline Wikidata snapshot

Built by `filmgraph wikidata snapshot` from the real Wikidata data in `../shared/wikidata/`:

| input | what we took | source | licence |
|---|---|---|---|
| `fb15k237-entity2wikidata.json` | every entity: QID, English label, aliases, description, English Wikipedia title | villmow/datasets_knowledge_embedding `FB15k-237/entity2wikidata.json` | MIT (the repository); the Wikidata content is CC0 |
| `codex-triples.tsv` | the statements with these properties: {props} | tsafavi/codex `data/triples/` | MIT (the repository); the Wikidata content is CC0 |

Labels are from a ~2019 Wikidata dump and some have changed since. Nothing was added: no QID,
label or statement that is not in those files. There are no Chinese labels and no `P31`
(instance of), `P577` (publication date) or `P2047` (duration) statements in this data; the
linker reads an entity's type from the properties only people carry and from its description.

Figures: {n_entities} entities, {n_statements} statements, {size} bytes compressed.
"""

LICENCE = """Wikidata content (QIDs, labels, descriptions, statements) is dedicated to the public domain
under CC0 1.0 (https://creativecommons.org/publicdomain/zero/1.0/).

The files it was taken from are distributed under the MIT licence:
- villmow/datasets_knowledge_embedding (FB15k-237 entity2wikidata.json)
- tsafavi/codex (data/triples, data/relations)
"""


def build_snapshot(shared: Path, out: Path) -> dict[str, int]:
    """Build ``out/entities.jsonl.gz``, ``PROVENANCE.md`` and ``LICENCE`` from ``shared`` (the folder of the README)."""
    index_file, triples_file = shared / "fb15k237-entity2wikidata.json", shared / "codex-triples.tsv"
    for f in (index_file, triples_file):
        if not f.exists():
            raise LinkError(f"cannot build the snapshot: {f} is missing")
    index = json.loads(index_file.read_text(encoding="utf-8"))
    claims: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    n_statements = 0
    with triples_file.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[1] not in SNAPSHOT_PROPERTIES or not QID.match(parts[0]):
                continue
            if QID.match(parts[2]) and parts[2] not in claims[parts[0]][parts[1]]:
                claims[parts[0]][parts[1]].append(parts[2])
                n_statements += 1
    entities: dict[str, Entity] = {}
    for rec in index.values():
        qid = rec.get("wikidata_id")
        if not qid or not QID.match(qid):
            continue
        wiki = rec.get("wikipedia") or ""
        m = re.match(r"^https?://en\.wikipedia\.org/wiki/(.+)$", wiki)
        if qid in entities:  # two Freebase ids for one item: keep the first
            continue
        entities[qid] = (Entity(
            qid,
            {"en": rec["label"]} if rec.get("label") else {},
            {"en": rec["description"]} if rec.get("description") else {},
            {"en": list(rec["alternatives"])} if rec.get("alternatives") else {},
            {p: sorted(vs, key=lambda q: int(q[1:])) for p, vs in claims.get(qid, {}).items()},
            {"enwiki": m.group(1).replace("_", " ")} if m else {},
        ))
    out.mkdir(parents=True, exist_ok=True)
    n = write_entities(entities.values(), out / ENTITIES_FILE)
    n_statements = sum(len(vs) for e in entities.values() for vs in e.claims.values())
    size = (out / ENTITIES_FILE).stat().st_size
    (out / "PROVENANCE.md").write_text(PROVENANCE.format(
        props=", ".join(SNAPSHOT_PROPERTIES), n_entities=n, n_statements=n_statements, size=size), encoding="utf-8")
    (out / "LICENCE").write_text(LICENCE, encoding="utf-8")
    return {"entities": n, "statements": n_statements, "bytes": size}


# --- importing a user's snapshot ---------------------------------------------------------------------

#: SPARQL result variable names understood as properties when importing query results
SPARQL_VARIABLES = {"director": "P57", "cast": "P161", "castMember": "P161", "actor": "P161", "genre": "P136",
                    "countryOfOrigin": "P495", "country": "P495", "publicationDate": "P577", "duration": "P2047",
                    "imdbId": "P345", "composer": "P86", "screenwriter": "P58", "language": "P364",
                    "instanceOf": "P31", "type": "P31", "occupation": "P106"}
WD_ENTITY = "http://www.wikidata.org/entity/"


def parse_import(path: Path) -> list[Entity]:
    """Entities from a file: ``wbgetentities`` JSON, a dump's entity JSON (lines or array), or SPARQL JSON results."""
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8").strip()
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise LinkError(f"cannot read {path}: {exc}") from None
    if not text:
        raise LinkError(f"{path}: the file is empty")
    try:
        doc = json.loads(text.rstrip(",")) if not text.startswith("[") else json.loads(text.rstrip(",\n"))
        docs = [doc]
    except json.JSONDecodeError:  # JSON lines (a dump's lines end with a comma)
        docs = []
        for lineno, line in enumerate(text.splitlines(), 1):
            line = line.strip().rstrip(",")
            if line in ("", "[", "]"):
                continue
            try:
                docs.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise LinkError(f"{path}:{lineno}: neither JSON nor JSON lines: {exc.msg}") from None
    out: list[Entity] = []
    for doc in docs:
        if isinstance(doc, list):
            out.extend(from_wikibase(d) for d in doc if isinstance(d, dict) and "id" in d)
        elif isinstance(doc, dict) and "entities" in doc:
            out.extend(from_wikibase(d) for d in doc["entities"].values() if "missing" not in d and "id" in d)
        elif isinstance(doc, dict) and "results" in doc and "head" in doc:
            out.extend(_from_sparql(doc))
        elif isinstance(doc, dict) and "id" in doc:
            out.append(from_wikibase(doc) if "claims" in doc or "type" in doc else Entity.from_json(doc))
        else:
            raise LinkError(f"{path}: not wbgetentities JSON, entity JSON or SPARQL JSON results")
    if not out:
        raise LinkError(f"{path}: no Wikidata entities in the file")
    return out


def _from_sparql(doc: dict) -> list[Entity]:
    """SPARQL JSON rows as entities: the first variable bound to a ``wd:`` item (other than the
    property-named ones below) is the subject; rows without one are skipped;
    ``<v>Label``/``<v>Description``/``<v>AltLabel`` name it, and variables named ``P57`` or
    ``director`` (see ``SPARQL_VARIABLES``) become claims."""
    found: dict[str, dict] = {}
    for row in doc["results"]["bindings"]:
        # the subject: an item-valued variable that is not itself a statement's value (?director, ?P57)
        subject_var = next((v for v in doc["head"]["vars"] if row.get(v, {}).get("type") == "uri"
                            and v not in SPARQL_VARIABLES and not re.match(r"^P\d+$", v)
                            and QID.match(row[v]["value"].removeprefix(WD_ENTITY))), None)
        if subject_var is None:
            continue
        qid = row[subject_var]["value"].removeprefix(WD_ENTITY)
        e = found.setdefault(qid, {"id": qid, "labels": {}, "descriptions": {}, "aliases": {}, "claims": {}})
        for var, b in row.items():
            lang = b.get("xml:lang", "en")
            if var == f"{subject_var}Label" and b.get("type") == "literal" and b["value"] != qid:
                e["labels"][lang] = b["value"]
            elif var == f"{subject_var}Description":
                e["descriptions"][lang] = b["value"]
            elif var == f"{subject_var}AltLabel":
                e["aliases"].setdefault(lang, []).extend(a.strip() for a in b["value"].split(",") if a.strip())
            else:
                prop = var if re.match(r"^P\d+$", var) else SPARQL_VARIABLES.get(var)
                if prop is None:
                    continue
                if b.get("type") == "uri" and QID.match(b["value"].removeprefix(WD_ENTITY)):
                    value: object = b["value"].removeprefix(WD_ENTITY)
                elif b.get("datatype", "").endswith("#dateTime"):
                    value = {"time": "+" + b["value"].lstrip("+"), "precision": 11}
                elif b.get("datatype", "").endswith(("#decimal", "#integer", "#double")):
                    value = {"amount": b["value"], "unit": "1"}
                else:
                    value = {"string": b["value"]}
                values = e["claims"].setdefault(prop, [])
                if value not in values:
                    values.append(value)
    return [Entity.from_json(d) for d in found.values()]


def import_snapshot(path: Path, into: Path) -> tuple[int, Path]:
    """Convert ``path`` and store it as ``into/<name>.jsonl.gz``; return the count and where."""
    entities = parse_import(path)
    name = re.sub(r"[^\w.-]+", "-", path.name.split(".")[0]) or "import"
    target = into / f"{name}.jsonl.gz"
    return write_entities(entities, target), target
