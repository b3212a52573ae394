"""Every candidate spelling per (type, key), gathered from the seeds and the sources, with the
links (aliases, acronyms, synonyms, plurals) that may make several keys one entity."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from lexicons import readers, seeds
from lexicons.heldout import HeldOut
from lexicons.normalise import (DATASET_HEAD_RE, TRAILING_QUAL_RE, basic_ok, dataset_surface_ok, method_variants,
                                metric_variants, split_parens, strip_dataset_name)
from lexicons.text import Vocab, acronym_pair, canonical_key, clean_space, looks_named, word_parts, words

TYPES = ("Dataset", "Method", "Metric", "Task")
SEED_WEIGHT = 1000
_METRIC_HEADS = seeds.word_set("metric_heads")


class Store:
    """Candidate surfaces per (type, key) plus merge edges, and what the seeds say of them."""

    def __init__(self) -> None:
        # (type, key) -> Counter(surface -> weight)
        self.surfaces: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.sources: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.edges: list[tuple[str, str, str, str]] = []  # (type, key_a, key_b, kind)
        self.seed_keys: dict[str, str] = {}  # key -> type, for keys a seed claims
        self.seed_names: dict[tuple[str, str], str] = {}  # (type, key) -> seed display name
        self.seed_case: dict[str, str] = {}  # surface -> "exact" | "lower"
        self.seed_parent: dict[tuple[str, str], str] = {}
        self.seed_noplural: set[str] = set()
        self.seed_plural: set[str] = set()
        self.seed_surfaces: set[str] = set()
        self.blocked_surfaces: set[str] = set()  # single spellings the block list drops

    def add(self, typ: str, surface: str, source: str, weight: int = 1) -> str | None:
        surface = re.sub(r"\s+[.,;:]$", "", clean_space(surface))
        key = canonical_key(surface)
        if not key:
            return None
        self.surfaces[(typ, key)][surface] += weight
        self.sources[(typ, key)].add(source)
        return key

    def link(self, typ: str, a: str, b: str, kind: str = "alias") -> None:
        ka, kb = canonical_key(a), canonical_key(b)
        if ka and kb and ka != kb:
            self.edges.append((typ, ka, kb, kind))


def load_seeds(store: Store) -> tuple[dict[tuple[str, str], str], set[str]]:
    """Returns (blocked: (type|'*', key) -> reason, seed alias keys)."""
    claimed: dict[str, str] = {}  # key -> seed entry name, to catch two seeds sharing a key

    def claim(key: str, name: str, path: Path) -> None:
        if claimed.setdefault(key, name) != name:
            raise SystemExit(f"{path}: {name!r} and {claimed[key]!r} share the key {key!r}")

    for path, row in seeds.entity_seeds():
        typ = row["type"]
        if typ not in TYPES:
            raise SystemExit(f"{path}: unknown type {typ!r}")
        name = clean_space(row["name"])
        key = canonical_key(name)
        if key in store.seed_keys and store.seed_keys[key] != typ:
            raise SystemExit(f"{path}: seed key {key!r} claimed by two types")
        claim(key, name, path)
        store.seed_keys[key] = typ
        store.seed_names[(typ, key)] = name
        store.add(typ, name, "seed", SEED_WEIGHT)
        store.seed_surfaces.add(name)
        store.seed_surfaces.update(clean_space(a) for a in row.get("aliases", []))
        for alias in row.get("aliases", []):
            ak = store.add(typ, alias, "seed", SEED_WEIGHT // 2)
            if ak:
                claim(ak, name, path)
                if ak in store.seed_keys and store.seed_keys[ak] != typ:
                    raise SystemExit(f"{path}: seed alias {alias!r} claimed by two types")
                store.seed_keys[ak] = typ
            store.link(typ, name, alias, "seed")
        for alias in row.get("exact", []):
            store.seed_case[clean_space(alias)] = "exact"
        for alias in row.get("lower", []):
            store.seed_case[clean_space(alias)] = "lower"
        if row.get("parent"):
            store.seed_parent[(typ, key)] = canonical_key(row["parent"])
        if row.get("plural") is False:
            store.seed_noplural.add(key)
        if row.get("plural") is True:
            store.seed_plural.add(key)
    blocked: dict[tuple[str, str], str] = {}
    for row in seeds.blocklist():
        if row.get("surface"):  # drop only this exact spelling, keep the entity
            store.blocked_surfaces.add(clean_space(row["pattern"]))
            continue
        blocked[(row.get("type", "*"), canonical_key(row["pattern"]))] = row.get("reason", "")
    for name in seeds.software_names():  # "Caffe", "TensorFlow": what a paper is implemented in
        blocked[("*", canonical_key(name))] = "software"
    return blocked, set(store.seed_keys)


def collect(shared: Path, store: Store, vocab: Vocab, seed_keys: set[str], stats: Counter,
            held_out: HeldOut | None = None) -> None:
    """Every source's names into ``store``, type by type, then the links rules can tell.

    Training documents ``held_out`` holds (the evaluation documents) contribute nothing."""
    pwc = readers.read_pwc(shared)
    sota, synonyms = readers.read_sota(shared)
    tdm = readers.read_tdmsci(shared, held_out, stats)
    sci = readers.read_scirex(shared, held_out, stats)
    _collect_datasets(store, vocab, seed_keys, stats, pwc, sota, tdm, sci)
    _collect_metrics(store, seed_keys, pwc, sota, tdm, sci)
    _collect_tasks(store, stats, pwc, sota, synonyms, tdm, sci)
    _collect_methods(store, vocab, seed_keys, sota, sci)
    _link_equivalent_forms(store, seed_keys)


def _collect_datasets(store: Store, vocab: Vocab, seed_keys: set[str], stats: Counter, pwc: dict[str, Counter],
                      sota: dict[str, Counter], tdm: Counter, sci: Counter) -> None:
    def add_dataset(raw: str, source: str, weight: int, strict: bool = False) -> None:
        if canonical_key(raw) in seed_keys:  # a seed knows this exact name
            store.add("Dataset", raw, source, weight)
            return
        names, pairs, qual = strip_dataset_name(raw)
        if qual:
            stats["dataset_qualifier_stripped"] += 1
        for n in names:
            for m in _dataset_forms(n):
                if not dataset_surface_ok(m, strict, seed_keys):
                    stats["dataset_rejected"] += 1
                    continue
                store.add("Dataset", m, source, weight)
        for a, b in pairs:
            if dataset_surface_ok(a, strict, seed_keys) and dataset_surface_ok(b, strict, seed_keys):
                store.add("Dataset", a, source, weight)
                store.add("Dataset", b, source, weight)
                store.link("Dataset", a, b, "acronym")

    def _dataset_forms(n: str) -> list[str]:
        base = DATASET_HEAD_RE.sub("", n).strip()
        while base and TRAILING_QUAL_RE.sub("", base).strip() not in ("", base):
            base = TRAILING_QUAL_RE.sub("", base).strip()
        if base and base != n:
            # "Switchboard corpus": keep the bare name unless it is an ordinary word
            if vocab.all_common(base) and not looks_named(base):
                return [n]
            return [base]
        return [n]

    for raw, c in sorted(pwc["dataset"].items()):
        add_dataset(raw, "pwc", c)
    for raw, c in sorted(pwc["benchmark"].items()):
        add_dataset(raw, "pwc", c)
    for raw, c in sorted(sota["dataset"].items()):
        add_dataset(raw, "sota_extractor", c)
    for (typ, raw), c in sorted(tdm.items()):
        if typ == "DATASET":
            add_dataset(raw, "tdmsci", c, strict=True)
    for (typ, raw), c in sorted(sci.items()):
        if typ == "Material":
            add_dataset(raw, "scirex", c, strict=True)


def _collect_metrics(store: Store, seed_keys: set[str], pwc: dict[str, Counter], sota: dict[str, Counter],
                     tdm: Counter, sci: Counter) -> None:
    def add_metric(raw: str, source: str, weight: int) -> None:
        names, pairs = metric_variants(raw, seed_keys)
        for n in names:
            if canonical_key(n) in seed_keys or (
                basic_ok(n, max_words=6, max_chars=50) and not re.search(r",|\s[-:]\s|_|\s&\s|°|/", n)
            ):
                store.add("Metric", n, source, weight)
        for a, b in pairs:
            store.link("Metric", a, b, "acronym")

    for raw, c in sorted(pwc["metric"].items()):
        add_metric(raw, "pwc", c)
    for raw, c in sorted(sota["metric"].items()):
        add_metric(raw, "sota_extractor", c)
    for src, counter, label in (("tdmsci", tdm, "METRIC"), ("scirex", sci, "Metric")):
        for (typ, raw), c in sorted(counter.items()):
            if typ != label:
                continue
            names, pairs = metric_variants(raw, seed_keys)
            for n in names:
                k = canonical_key(n)
                heads = set(word_parts(n)) & _METRIC_HEADS
                if k in seed_keys or (c >= 2 and heads and basic_ok(n, 5, 40)):
                    store.add("Metric", n, src, c)
            for a, b in pairs:
                store.link("Metric", a, b, "acronym")


def _collect_tasks(store: Store, stats: Counter, pwc: dict[str, Counter], sota: dict[str, Counter],
                   synonyms: list[tuple[str, str]], tdm: Counter, sci: Counter) -> None:
    def add_task(raw: str, source: str, weight: int) -> None:
        s = clean_space(raw).strip(" .:;,")
        s = re.sub(r"\s+task$", "", s, flags=re.I)
        outer, inner = split_parens(s)
        pairs = [(outer, x) for x in inner if acronym_pair(outer, x)]
        if inner and not pairs:
            stats["task_paren_dropped"] += 1
            return  # "2D Semantic Segmentation task 1 (8 classes)" and the like
        s = outer
        if re.search(r"\btask\s*\d|\s-\s|\d+\s*(?:classes|shots?)\b", s, re.I):
            return
        if not basic_ok(s, max_words=7, max_chars=60):
            return
        store.add("Task", s, source, weight)
        for a, b in pairs:
            if basic_ok(b, 7, 60):
                store.add("Task", b, source, weight)
                store.link("Task", a, b, "acronym")

    for raw, c in sorted(pwc["task"].items()):
        add_task(raw, "pwc", c)
    for raw, c in sorted(sota["task"].items()):
        add_task(raw, "sota_extractor", c)
    for a, b in synonyms:
        add_task(a, "sota_extractor", 1)
        add_task(b, "sota_extractor", 1)
        store.link("Task", a, b, "synonym")
    for src, counter, label in (("tdmsci", tdm, "TASK"), ("scirex", sci, "Task")):
        for (typ, raw), c in sorted(counter.items()):
            if typ != label:
                continue
            s = re.sub(r"\s+(?:task|tasks|problem|problems)$", "", raw, flags=re.I)
            outer, inner = split_parens(s)
            if inner:
                if len(inner) == 1 and acronym_pair(outer, inner[0]):
                    store.add("Task", outer, src, c)
                    store.add("Task", inner[0], src, c)
                    store.link("Task", outer, inner[0], "acronym")
                continue
            if basic_ok(s, 6, 50):
                store.add("Task", s, src, c)


def _collect_methods(store: Store, vocab: Vocab, seed_keys: set[str], sota: dict[str, Counter],
                     sci: Counter) -> None:
    def noisy_method_ok(m: str) -> bool:
        toks = words(m)
        if len(toks) > 3 or not basic_ok(m, 3, 40):
            return False
        if not looks_named(m) and len(toks) > 1:
            return False
        if re.search(r"(?i)ensemble|single|final|baseline|\bteam\b|system|anonymous|\d+bit|^v\d|-v\d+$", m):
            return False
        if len(toks) == 1 and re.fullmatch(r"[A-Z][a-z]+", m) and canonical_key(m) not in seed_keys:
            return False  # "Shannon", "Microsoft", "Apollo": names of people, firms, engines
        if m[0].islower() and not re.match(r"[a-z]+2[a-z]+|[a-z]{1,4}[A-Z]", m):
            return False  # "hoangnguyenkcv1", "rayOfLight": leaderboard handles
        if any(len(t) > 20 for t in toks):
            return False
        if len(toks) > 1:
            rest = [t for t in toks if not vocab.is_common(t)]
            if len(rest) == 1 and canonical_key(rest[0]) in seed_keys:
                return False  # "Deep CNN", "Tuned CNN": a family with an adjective
        return all(t[0].isupper() or t[0].isdigit() or looks_named(t) for t in toks)

    for raw, c in sorted(sota["model"].items()):
        vs = [v for v in method_variants(raw) if noisy_method_ok(v)]
        for v in vs:
            store.add("Method", v, "sota_extractor", c)
        if len(vs) == 2:
            store.link("Method", vs[0], vs[1], "acronym")
    for (typ, raw), c in sorted(sci.items()):
        if typ != "Method":
            continue
        if not noisy_method_ok(re.sub(r"\s*\([^()]*\)", "", raw)):
            continue
        outer, inner = split_parens(raw)
        if inner:
            if len(inner) == 1 and acronym_pair(outer, inner[0]):
                store.add("Method", outer, "scirex", c)
                store.add("Method", inner[0], "scirex", c)
                store.link("Method", outer, inner[0], "acronym")
            continue
        if basic_ok(raw, 4, 40):
            store.add("Method", raw, "scirex", c)


def _link_equivalent_forms(store: Store, seed_keys: set[str]) -> None:
    """Plurals of one another, and the metric spellings "R@k"/"hit@k" of "Recall@k"/"Hits@k"."""
    keys_by_type: dict[str, set[str]] = defaultdict(set)
    for typ, key in store.surfaces:
        keys_by_type[typ].add(key)
    for typ in ("Metric", "Method", "Dataset"):
        for key in sorted(keys_by_type[typ]):
            for singular in (key[:-1] if key.endswith("s") else None,
                             key[:-3] + "y" if key.endswith("ies") else None):
                if (
                    singular and len(singular) >= 3 and singular in keys_by_type[typ]
                    and not (key in seed_keys and singular in seed_keys)
                ):
                    surf = sorted(store.surfaces[(typ, key)])[0]
                    sing = sorted(store.surfaces[(typ, singular)])[0]
                    store.link(typ, surf, sing, "plural")
    for typ, key in list(store.surfaces):
        if typ != "Metric":
            continue
        for surf in store.surfaces[(typ, key)]:
            m = re.fullmatch(r"(?i)R@(\d+)", surf)
            if m:
                store.link("Metric", surf, f"Recall@{m.group(1)}", "rule")
            m = re.fullmatch(r"(?i)hit@(\d+)", surf)
            if m:
                store.link("Metric", surf, f"Hits@{m.group(1)}", "rule")
