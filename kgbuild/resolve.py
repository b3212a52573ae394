"""Entity resolution: one canonical key per real thing, so the graph has one node each.

A name maps to a key through the lexicon's canonical table (key, name and every alias)
first; a name the lexicon does not know gets the normalised spelling (NFKC, lower case,
letters and digits only) as key.  Entities of one paper that end up with the same key are
merged, and every reference in relations and results is rewritten to match.

Size/config variants are NOT folded into their base here ("Swin-L" stays apart from
"Swin Transformer", "ResNet-101" from "ResNet"): they are different nodes with their own
results unless the lexicon lists them as aliases, or the extractor already joined a variant
to a base the same abstract writes bare.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache

from kgbuild.extract.resources import canonical_entries
from kgbuild.models import Entity, EntityRef, Extraction, Relation, Result
from kgbuild.names import identity_key, version_numbers


class CanonicalTable:
    """Lookup from (type, normalised name) to the lexicon's (key, display name)."""

    def __init__(self, rows: Iterable[dict]) -> None:
        self.by_name: dict[tuple[str, str], tuple[str, str]] = {}
        self.by_key: dict[tuple[str, str], tuple[str, str]] = {}
        for row in rows:
            etype, key, name = row.get("type"), row.get("key"), row.get("name")
            if not etype or not key:
                continue
            name = name or key
            entry = (key, name)
            self.by_key[(etype, key)] = entry
            for alias in [name, key, *(row.get("aliases") or [])]:
                norm = identity_key(str(alias))
                if etype == "Method" and version_numbers(str(alias)) != version_numbers(name):
                    continue  # "DenseNet121", "VGG19": a depth or version the text keeps apart
                if norm:
                    # first writer wins: the canonical name of an entity beats another's alias
                    self.by_name.setdefault((etype, norm), entry)

    def lookup(self, etype: str, key: str, names: Iterable[str]) -> tuple[str, str] | None:
        if (etype, key) in self.by_key:
            return self.by_key[(etype, key)]
        for name in names:
            entry = self.by_name.get((etype, identity_key(name)))
            if entry:
                return entry
        return None


@lru_cache(maxsize=1)
def default_table() -> CanonicalTable:
    return CanonicalTable(canonical_entries())


def resolve(extractions: Iterable[Extraction], table: CanonicalTable | None = None) -> Iterator[Extraction]:
    table = table or default_table()
    for extraction in extractions:
        yield resolve_one(extraction, table)


def resolve_batch(extractions: list[Extraction]) -> list[Extraction]:
    """``resolve`` over a list: the form the extraction workers run it in."""
    return list(resolve(extractions))


def resolve_one(extraction: Extraction, table: CanonicalTable) -> Extraction:
    merged: dict[tuple[str, str], Entity] = {}
    rename: dict[tuple[str, str], tuple[str, str]] = {}  # extracted (type, key) -> merged one
    for entity in extraction.entities:
        key, name = _canonical(entity, table)
        slot = (entity.type, key)
        target = merged.get(slot)
        if target is None:
            target = merged[slot] = Entity(type=entity.type, key=key, name=name, mentions=list(entity.mentions),
                                           proposed=entity.proposed, roles=list(entity.roles), url=entity.url)
        else:
            seen = {(m.field, m.start, m.end, m.text) for m in target.mentions}
            target.mentions.extend(m for m in entity.mentions if (m.field, m.start, m.end, m.text) not in seen)
            target.mentions.sort(key=lambda m: (m.field != "title", m.start))
            target.proposed = target.proposed or entity.proposed
            target.roles = sorted(set(target.roles) | set(entity.roles))
            target.url = target.url or entity.url
            if not _is_lexicon_name(target, table):
                target.name = _most_frequent_form(target)
        rename[(entity.type, entity.key)] = slot
    # Refs carry the canonical key and the name as this paper writes it, so a fact reads
    # the way its evidence sentence does ("MSCOCO", "Dice score") while the key unifies.

    def ref(old: EntityRef | None) -> EntityRef | None:
        if old is None:
            return None
        slot = rename.get((old.type, old.key))
        if slot is None:
            return old
        entity = merged[slot]
        return EntityRef(type=entity.type, key=entity.key, name=_written_name(entity))

    relations, seen_pairs = [], set()
    for relation in extraction.relations:
        source, target = ref(relation.source), ref(relation.target)
        pair = (relation.type, source.type, source.key, target.type, target.key)
        if pair in seen_pairs:
            continue
        seen_pairs.add(pair)
        relations.append(Relation(type=relation.type, source=source, target=target,
                                  evidence=relation.evidence.model_copy()))
    results = [
        Result(method=ref(r.method), dataset=ref(r.dataset), split=r.split, metric=ref(r.metric), value=r.value,
               unit=r.unit, evidence=r.evidence.model_copy())
        for r in extraction.results
    ]
    return Extraction(paper=extraction.paper, entities=list(merged.values()), relations=relations, results=results)


def _canonical(entity: Entity, table: CanonicalTable) -> tuple[str, str]:
    if entity.type == "Repo":
        return entity.key, entity.name
    names = dict.fromkeys([entity.name, *(m.text for m in entity.mentions)])  # each spelling once, in order
    entry = table.lookup(entity.type, entity.key, names)
    if entry:
        return entry
    return identity_key(entity.name) or entity.key, entity.name


def _is_lexicon_name(entity: Entity, table: CanonicalTable) -> bool:
    return (entity.type, entity.key) in table.by_key


def _written_name(entity: Entity) -> str:
    """The display name where the paper writes it (in any spacing or case), else the paper's own spelling."""
    wanted = identity_key(entity.name)
    if not entity.mentions or any(wanted == identity_key(m.text) for m in entity.mentions):
        return entity.name
    return _most_frequent_form(entity)


def _most_frequent_form(entity: Entity) -> str:
    counts = Counter(m.text for m in entity.mentions)
    if not counts:
        return entity.name
    return max(counts.items(), key=lambda kv: kv[1])[0]
