"""From candidates to entities: which type owns a key, which keys are one entity, what the
entity is called, and the patterns and canonical rows it is written as."""

from __future__ import annotations

from collections import Counter, defaultdict

from lexicons.candidates import SEED_WEIGHT, TYPES, Store
from lexicons.decisions import MetricWords, entity_ok, surface_verdict
from lexicons.normalise import surface_variants, task_display
from lexicons.text import Vocab, canonical_key, looks_named, words

# Which type keeps a key claimed by several types when no seed decides it (earlier wins ties).
TYPE_PRIORITY = {"Dataset": 0, "Method": 1, "Task": 2, "Metric": 3}
SOURCE_ORDER = ("seed", "pwc", "sota_extractor", "tdmsci", "scirex")
LABELS = {"Dataset": "DATASET", "Metric": "METRIC", "Task": "TASK", "Method": "METHOD"}

Blocked = dict[tuple[str, str], str]  # (type or "*", key) -> reason


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def is_blocked(blocked: Blocked, typ: str, key: str) -> bool:
    return (typ, key) in blocked or ("*", key) in blocked


def key_owners(store: Store, blocked: Blocked, stats: Counter) -> dict[str, str]:
    """Cross-type collisions on keys: a seed decides, else evidence, else priority."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for typ, key in sorted(store.surfaces):
        by_key[key].append(typ)
    owner: dict[str, str] = {}
    for key, typs in sorted(by_key.items()):
        if key in store.seed_keys:
            owner[key] = store.seed_keys[key]
            continue
        typs = [t for t in typs if not is_blocked(blocked, t, key)]
        if not typs:
            continue

        single = all(" " not in x for t in typs for x in store.surfaces[(t, key)])

        def weight(t: str) -> tuple:
            # a dataset name that also heads a metric column or names a one-word "task"
            # on a leaderboard is still a dataset ("ModelNet40", "Belebele", "SMAC")
            bias = 1 if t == "Dataset" and ("Metric" in typs or (single and "Task" in typs)) else 0
            return (bias, sum(store.surfaces[(t, key)].values()), -TYPE_PRIORITY[t])

        owner[key] = max(typs, key=weight)
        if len(typs) > 1:
            stats["type_collisions"] += 1
    return owner


def merged_keys(store: Store, owner: dict[str, str], blocked: Blocked,
                stats: Counter) -> dict[tuple[str, str], list[str]]:
    """(type, root key) -> the keys that are one entity: union-find per type over the links;
    acronym links only when the acronym is unambiguous."""

    def alive(typ: str, key: str) -> bool:
        return owner.get(key) == typ and not (is_blocked(blocked, typ, key) and key not in store.seed_keys)

    uf = {t: UnionFind() for t in TYPES}
    acr_edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for typ, a, b, kind in sorted(set(store.edges)):
        if not (alive(typ, a) and alive(typ, b)):
            continue
        if kind == "acronym":
            short, long_ = (a, b) if len(a) <= len(b) else (b, a)
            acr_edges[(typ, short)].add(long_)
        else:
            uf[typ].union(a, b)
    for (typ, short), longs in sorted(acr_edges.items()):
        roots = {uf[typ].find(x) for x in longs}
        if (typ, short) in store.seed_names:
            # A seed's own name takes the long forms written for it ("COCO", "Common
            # Objects in Context").
            pass
        elif store.seed_keys.get(short) == typ:
            # An acronym a seed lists as one spelling of a longer name ("ADE" of ADE20K)
            # means what the seed says: another expansion of the same letters ("Adverse
            # Drug Events (ADE) Corpus") is another entity, not this one.
            stats["seed_acronym_expansions_kept_apart"] += 1
            continue
        elif len(roots) != 1:
            stats["ambiguous_acronyms"] += 1
            continue
        for x in sorted(longs):
            uf[typ].union(short, x)

    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for typ, key in sorted(store.surfaces):
        if alive(typ, key):
            groups[(typ, uf[typ].find(key))].append(key)
    return groups


def make_entities(groups: dict[tuple[str, str], list[str]], store: Store, vocab: Vocab,
                  metric_words: MetricWords, blocked: Blocked, stats: Counter) -> list[dict]:
    """The entities that pass, each with its surviving spellings (and their case rules) and
    its display name and key."""
    entities: list[dict] = []
    for (typ, _root), keys in sorted(groups.items()):
        surfaces: Counter = Counter()
        sources: set[str] = set()
        for k in keys:
            surfaces.update(store.surfaces[(typ, k)])
            sources |= store.sources[(typ, k)]
        seeded = "seed" in sources
        ent = {"type": typ, "keys": keys, "surfaces": surfaces, "sources": sources, "seed": seeded}
        if not entity_ok(typ, ent, vocab, metric_words):
            stats[f"{typ}_entity_dropped"] += 1
            continue
        # which spellings survive as aliases, and with which case rule
        aliases: dict[str, str] = {}
        for s in sorted(surfaces):
            seed_surface = seeded and (surfaces[s] >= SEED_WEIGHT // 2 or s in store.seed_case)
            verdict = surface_verdict(typ, s, vocab, seed_surface, store)
            if verdict is None or (is_blocked(blocked, typ, canonical_key(s)) and not seed_surface):
                continue
            aliases[s] = verdict
        if not aliases:
            stats[f"{typ}_no_surviving_alias"] += 1
            continue
        ent["aliases"] = aliases
        ent["name"] = _display_name(typ, keys, surfaces, aliases, store)
        ent["key"] = canonical_key(ent["name"])
        entities.append(ent)
    return entities


def _display_name(typ: str, keys: list[str], surfaces: Counter, aliases: dict[str, str], store: Store) -> str:
    """A seed's name, else the best surviving spelling."""
    seed_names = [store.seed_names[(typ, k)] for k in keys if (typ, k) in store.seed_names]
    named = Counter({s: surfaces[s] for s in aliases})
    if seed_names:
        return sorted(seed_names, key=lambda s: (-surfaces[s], s))[0]
    if typ == "Task":
        multi = [s for s in named if len(words(s)) >= 2] or list(named)
        return task_display(sorted(multi, key=lambda s: (-named[s], -len(s), s))[0])

    def shape(s: str) -> tuple:
        return (
            -named[s],
            0 if (looks_named(s) and len(words(s)) <= 3) else 1,
            len(s),
            s,
        )

    return sorted(named, key=shape)[0]


def lexicon_rows(entities: list[dict], store: Store, vocab: Vocab,
                 stats: Counter) -> tuple[dict[str, dict[tuple[str, str], dict]], list[dict]]:
    """(pattern rows per type by (pattern, case), canonical rows): each entity's spellings and
    their variants with a case rule, and one canonical row per entity."""
    key_owner = {}
    for ent in entities:
        for k in ent["keys"]:
            key_owner[k] = (ent["type"], ent["key"])
    pattern_rows: dict[str, dict[tuple[str, str], dict]] = {t: {} for t in TYPES}
    canonical_rows = []
    for ent in sorted(entities, key=lambda e: (e["type"], e["key"])):
        typ = ent["type"]
        aliases = ent["aliases"]
        extra: dict[str, str] = {}
        for s, verdict in sorted(aliases.items()):
            for v in surface_variants(typ, s, ent["key"], store):
                if v in aliases or v in extra:
                    continue
                owner_of_v = key_owner.get(canonical_key(v))
                if owner_of_v and owner_of_v != (typ, ent["key"]):
                    continue
                vv = surface_verdict(typ, v, vocab, False, store) if v not in store.seed_case else store.seed_case[v]
                if vv is None:
                    continue
                if verdict == "exact":
                    vv = "exact"  # a variant of a case-exact name is case-exact too
                extra[v] = vv
        all_forms = {**aliases, **extra}
        for s, case in sorted(all_forms.items()):
            pk = (s, case) if case == "exact" else (s.lower(), case)
            rows = pattern_rows[typ]
            if pk in rows:
                if rows[pk]["id"] != ent["key"]:
                    stats["pattern_conflicts"] += 1
                continue
            rows[pk] = {"label": LABELS[typ], "pattern": s, "id": ent["key"], "case": case}
        parent = None
        for k in ent["keys"]:
            if (typ, k) in store.seed_parent:
                parent = store.seed_parent[(typ, k)]
        row = {
            "type": typ,
            "key": ent["key"],
            "name": ent["name"],
            "aliases": sorted(aliases, key=lambda x: (x.lower(), x)),
            "source": next(s for s in SOURCE_ORDER if s in ent["sources"]),
            "sources": [s for s in SOURCE_ORDER if s in ent["sources"]],
        }
        if parent and parent != ent["key"]:
            row["parent"] = parent
        canonical_rows.append(row)

    # drop parents that did not survive
    known = {(r["type"], r["key"]) for r in canonical_rows}
    for r in canonical_rows:
        if "parent" in r and (r["type"], r["parent"]) not in known:
            del r["parent"]
    return pattern_rows, canonical_rows
