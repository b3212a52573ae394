#!/usr/bin/env python3
"""Build kgbuild's spaCy EntityRuler lexicons from the shared gazetteers and training data.

Reads (read-only):
  <shared>/data/gazetteers/pwc_world_snapshot/   Papers with Code task tables (CC BY-SA 4.0)
  <shared>/data/gazetteers/sota_extractor/       SOTA tables + synonyms.csv (CC BY-SA 4.0)
  <shared>/data/train/tdmsci/                    TDMSci CoNLL (Apache-2.0)
  <shared>/data/train/scirex/                    SciREX abstracts (Apache-2.0)
  scripts/lexicon_seeds/*.jsonl                  hand-written seeds, block list, common words

Writes (deterministically, sorted) into --out:
  datasets.jsonl metrics.jsonl tasks.jsonl methods.jsonl   EntityRuler phrase patterns
  canonical.jsonl                                          one line per canonical entity
  splits.jsonl                                             split / subset words

Never reads the evaluation set (shared/eval) or the corpus (shared/corpus).

Canonical key: NFKC, lower-case, every run of non-alphanumeric characters removed
("ImageNet-1K" -> "imagenet1k"); names the sources show to be the same thing are merged
under the key of one display name ("MS COCO" -> "coco").

Case: every pattern carries "case": "exact" (match ORTH) or "lower" (match LOWER).
Short names (<= 4 letters/digits with a capital), and names whose lower-case form is an
ordinary English word or phrase, are exact; everything else matches case-insensitively.

`--refresh-common-words SMALL LARGE` regenerates scripts/lexicon_seeds/common_words.jsonl
from two plain word lists (one word a line; e.g. Debian's wamerican-small and wamerican);
it keeps only the words that occur in some candidate name, so the seed stays small.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

# the key the resolver looks lexicon names up by (NFKC, lower case, letters and digits)
from kgbuild.names import identity_key as canonical_key

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "scripts" / "lexicon_seeds"

TYPES = ("Dataset", "Method", "Metric", "Task")
LABELS = {"Dataset": "DATASET", "Metric": "METRIC", "Task": "TASK", "Method": "METHOD"}
PATTERN_FILES = {
    "Dataset": "datasets.jsonl",
    "Metric": "metrics.jsonl",
    "Task": "tasks.jsonl",
    "Method": "methods.jsonl",
}
# Which type keeps a key claimed by several types when no seed decides it (earlier wins ties).
TYPE_PRIORITY = {"Dataset": 0, "Method": 1, "Task": 2, "Metric": 3}
SOURCE_ORDER = ("seed", "pwc", "sota_extractor", "tdmsci", "scirex")

SEED_WEIGHT = 1000

# --------------------------------------------------------------------------------------
# text helpers
# --------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def clean_space(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u00a0", " ")
    return _WS.sub(" ", text).strip()


def detok(tokens: list[str]) -> str:
    """Undo the space-separated tokenisation of SciREX/TDMSci spans."""
    s = " ".join(tokens)
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"\(\s+", "(", s)
    s = re.sub(r"\s+\)", ")", s)
    s = re.sub(r"(\d)\s*\.\s*(\d)", r"\1.\2", s)
    s = re.sub(r"\s+'\s*s\b", "'s", s)
    s = re.sub(r"\s*/\s*", "/", s)
    s = re.sub(r"(\d)\s+([KMB])\b", r"\1\2", s)
    s = re.sub(r"\s+([,;:])", r"\1", s)
    return clean_space(s)


def alnum_len(text: str) -> int:
    return len(canonical_key(text))


def words(text: str) -> list[str]:
    return [w for w in text.split(" ") if w]


def word_parts(text: str) -> list[str]:
    """Lower-case alphabetic parts of a name, split on spaces, hyphens, slashes."""
    return [p for p in re.split(r"[\s\-/_.,:;()&+]+", text.lower()) if p]


def is_acronym_token(tok: str) -> bool:
    """A short mostly-upper-case token such as VQA, mIoU, SQuAD, CoQA, WER."""
    core = re.sub(r"[^A-Za-z0-9]", "", tok)
    if not (2 <= len(core) <= 10) or " " in tok.strip():
        return False
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper >= 2 and upper / len(letters) >= 0.4


_ACR_STOP = {"of", "the", "a", "an", "and", "for", "in", "on", "to", "with", "by", "at", "from", "via", "&"}


def acronym_matches(short: str, long: str) -> bool:
    """Our own backward letter matcher: can `short` be read as an acronym of `long`?

    Every letter/digit of the short form must be found, in order, in the long form; the
    first one must start the first content word of the long form, and the long form
    may not have many more content words than the short form has characters.
    """
    if not is_acronym_token(short):
        return False
    lw = words(long)
    if len(lw) < 2 or len(lw) > 10:
        return False
    s = re.sub(r"[^a-z0-9]", "", short.lower())
    content = [w for w in lw if w.lower() not in _ACR_STOP]
    if not content or len(content) > len(s) + 2:
        return False
    l_text = long.lower()
    first_word_start = l_text.find(content[0].lower())
    j = len(l_text) - 1
    for i in range(len(s) - 1, -1, -1):
        c = s[i]
        while j >= 0:
            if l_text[j] == c and (i > 0 or j == 0 or not l_text[j - 1].isalnum()):
                break
            j -= 1
        if j < 0:
            return False
        if i == 0 and j != first_word_start:
            return False
        j -= 1
    # every content word should contribute: at least the first letter of half of them
    initials = [w[0].lower() for w in content if w[0].isalnum()]
    hits = sum(1 for ch in initials if ch in s)
    return hits * 2 >= len(initials)


# --------------------------------------------------------------------------------------
# vocabularies
# --------------------------------------------------------------------------------------

# ML-generic words that are not in an ordinary dictionary but are just as generic.
GENERIC_EXTRA = {
    "dataset", "datasets", "benchmark", "benchmarks", "pretraining", "pre-training", "finetuning",
    "fine-tuning", "backbone", "backbones", "multimodal", "multi-modal", "baseline", "baselines",
    "embeddings", "embedding", "encoder", "encoders", "decoder", "decoders", "classifier",
    "classifiers", "segmentation", "dataset-level", "sota", "state-of-the-art", "end-to-end",
    "pipeline", "framework", "frameworks", "metric", "metrics", "preprocessing", "hyperparameter",
    "hyperparameters", "inference", "tokenizer", "tokenization", "downstream", "upstream",
    "zero-shot", "few-shot", "one-shot", "self-supervised", "unsupervised", "supervised",
    "semi-supervised", "weakly-supervised", "pretrained", "pre-trained", "fine-tuned", "finetuned",
    "ablation", "ablations", "dataloader", "params", "param", "acc", "avg", "misc", "etc", "vs",
    "overall", "others", "other", "results", "test", "val", "dev", "train", "eval", "score",
    "scores", "data", "images", "image", "video", "videos", "text", "texts", "audio", "speech",
    "graph", "graphs", "3d", "2d", "rgb", "rgb-d", "none", "n/a", "na", "ours", "model", "models",
    "network", "networks", "method", "methods", "approach", "system", "systems", "task", "tasks",
    "learning", "training", "testing", "evaluation", "performance", "error", "errors", "loss",
    "deep", "neural", "machine", "large", "small", "base", "tiny", "huge", "giant", "mini",
    "linear", "nonlinear", "average", "mean", "total", "final", "best", "top", "all", "new",
}


def load_jsonl(path: Path) -> list[dict]:
    rows = []
    if not path.exists():
        return rows
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # a broken seed line is a bug: say where
                raise SystemExit(f"{path}:{n}: bad JSON: {exc}") from exc
    return rows


def load_common_words() -> tuple[set[str], set[str]]:
    """(core, wide): core = stop words + a small dictionary; wide adds a large dictionary.

    A one-word name is judged against the wide list ("Titanic", "SALSA" are words); a
    phrase is judged against the core list only, so that brand-like words in the large
    dictionary ("Amazon Polarity") do not make a named phrase look generic.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    core = {w.lower() for w in STOP_WORDS} | GENERIC_EXTRA
    wide = set(core)
    for row in load_jsonl(SEEDS_DIR / "common_words.jsonl"):
        w = row["word"].lower()
        wide.add(w)
        if row.get("list") == "small":
            core.add(w)
    return core, wide


# --------------------------------------------------------------------------------------
# split / qualifier handling for dataset names
# --------------------------------------------------------------------------------------

# canonical split -> surface variants written into splits.jsonl
SPLITS: dict[str, list[str]] = {
    "test-dev": ["test-dev", "test dev", "testdev", "test-dev set", "test-dev split", "test_dev"],
    "test-std": ["test-std", "test std", "teststd", "test-standard", "test standard", "test-std set"],
    "test-challenge": ["test-challenge", "test challenge", "challenge set"],
    "minival": ["minival", "mini-val", "minival set", "val35k"],
    "val": [
        "val", "val set", "val split", "validation", "validation set", "validation split",
        "valid", "valid set", "held-out set", "held-out validation set", "val2017", "val2014",
        "val 2017", "validation data",
    ],
    "test": [
        "test", "test set", "test split", "testing set", "test data", "testing data",
        "test2017", "test2015", "test 2017", "testfinal", "test-final", "held-out test set",
        "public test set", "private test set", "official test set",
    ],
    "dev": ["dev", "dev set", "dev split", "development set", "development split", "dev data"],
    "train": [
        "train", "train set", "train split", "training set", "training split", "training data",
        "train2017", "train2014", "trainval", "trainval set", "trainval35k",
    ],
    "testA": ["testA", "test A", "test-A"],
    "testB": ["testB", "test B", "test-B"],
    "test-clean": ["test-clean", "test clean", "testclean"],
    "test-other": ["test-other", "test other", "testother"],
    "dev-clean": ["dev-clean", "dev clean", "devclean"],
    "dev-other": ["dev-other", "dev other", "devother"],
    "eval92": ["eval92", "eval 92", "eval-92"],
    "eval93": ["eval93", "eval 93"],
    "hard": ["hard", "hard set", "hard subset", "hard split"],
    "medium": ["medium", "medium set", "medium subset"],
    "easy": ["easy", "easy set", "easy subset"],
    "seen": ["seen", "seen split", "seen set"],
    "in-domain": ["in-domain", "in domain"],
    "near-domain": ["near-domain", "near domain"],
    "out-of-domain": ["out-of-domain", "out of domain"],
    "unseen": ["unseen", "unseen split", "unseen set"],
}

_QUAL_WORD = (
    r"(?:test|dev)[\s\-_]?(?:clean|other)|test[\s\-_]?dev|test[\s\-_]?std|test[\s\-_]?standard"
    r"|(?:test|val)[\s\-_]?[ab]\b|test[\s\-_]?challenge|test[\s\-_]?final|testfinal|(?:test|val|train)\d{2,4}|minival|trainval\d*"
    r"|mini[\s\-]?val|test(?:ing)?|val(?:id(?:ation)?)?|dev(?:elopment)?|train(?:ing)?"
    r"|eval(?:uation)?(?:\d+)?|hold[\s\-]?out|held[\s\-]?out|set|sets|split|splits|subset|subsets"
    r"|hard|easy|medium|moderate|public|private|seen|unseen|full|only|leaderboard|standard"
    r"|benchmark|challenge\s+set|in[\s\-]domain|near[\s\-]domain|out[\s\-]of[\s\-]domain"
)
TRAILING_QUAL_RE = re.compile(r"(?:\s+|\s*[,:]\s*)(?:" + _QUAL_WORD + r")\s*$", re.I)
PAREN_RE = re.compile(r"\s*[\(\[]([^()\[\]]*)[\)\]]")
SHOT_RE = re.compile(r"\s+(?:\d+|zero|one|few)[\s\-]?(?:shot|way)\b.*$", re.I)
PERCENT_RE = re.compile(r"\s+\d+(?:\.\d+)?\s*%.*$")
DASH_SUFFIX_RE = re.compile(r"\s+-\s*.*$|(?<=[A-Za-z0-9])-\s+.*$")
DATASET_HEAD_RE = re.compile(
    r"\s+(?:dataset|datasets|data\s+set|data\s+sets|corpus|corpora|database|data)\s*$", re.I
)
LEADING_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+", re.I)
ATTACHED_SPLIT_RE = re.compile(
    r"(?<=[A-Za-z0-9])[-_](?:test|val|valid|dev|train|testdev|test-dev)(?:[-_][a-z\-]+)?$", re.I
)


def split_parens(name: str) -> tuple[str, list[str]]:
    """'COCO (Common Objects in Context)' -> ('COCO', ['Common Objects in Context'])."""
    inner = PAREN_RE.findall(name)
    outer = clean_space(PAREN_RE.sub(" ", name))
    return outer, [clean_space(x) for x in inner if clean_space(x)]


def acronym_pair(a: str, b: str) -> bool:
    return acronym_matches(a, b) or acronym_matches(b, a)


def strip_dataset_name(raw: str) -> tuple[list[str], list[tuple[str, str]], bool]:
    """Reduce a PwC benchmark / dataset string to base dataset name(s).

    Returns (names, alias_pairs, had_qualifier).
    """
    s = clean_space(raw)
    if not s:
        return [], [], False
    parts = re.split(r"\s*(?:->|→|=>)\s*|\s+(?:to|vs\.?)\s+(?=[A-Z0-9])", s)
    if len(parts) > 1 and not all(looks_named(p) for p in parts):
        # "ImageNet-1k vs Textures": an OOD setting named after its in-distribution set
        parts = [parts[0]] if re.search(r"\svs\.?\s", s) and looks_named(parts[0]) else [s]
    if len(parts) > 1:  # transfer settings name two datasets
        names, pairs, qual = [], [], True
        for p in parts:
            n, pr, _ = strip_dataset_name(p)
            names += n
            pairs += pr
        return names, pairs, qual
    qual = False
    outer, inner = split_parens(s)
    pairs: list[tuple[str, str]] = []
    if inner:
        qual = True
        for x in inner:
            if acronym_pair(outer, x):
                pairs.append((outer, x))
    s = outer
    if "," in s:
        s = s.split(",")[0].strip()
        qual = True
    for rx in (SHOT_RE, PERCENT_RE, DASH_SUFFIX_RE):
        t = rx.sub("", s).strip()
        if t and t != s:
            s, qual = t, True
    while True:
        t = TRAILING_QUAL_RE.sub("", s).strip()
        if not t or t == s:
            break
        s, qual = t, True
    t = ATTACHED_SPLIT_RE.sub("", s)
    if t and t != s:
        s, qual = t, True
    s = LEADING_ARTICLE_RE.sub("", s).strip(" .;:-")
    return ([s] if s else []), pairs, qual


# --------------------------------------------------------------------------------------
# surface quality filters
# --------------------------------------------------------------------------------------

BAD_CHARS_RE = re.compile(r"[?!*#\[\]{}<>|\"=$;~`\\]")
SPAM_RE = re.compile(
    r"expedia|how do|how to|\bcall\b|customer service|phone|\bhelp\b|@gmail|https?:|www\.|\.com\b|"
    r"\bmy\b|\byou\b|\byour\b|\bi\b|\bwe\b",
    re.I,
)
YEAR_RE = re.compile(r"^(?:19|20)\d\d$")


class Vocab:
    def __init__(self, core: set[str], wide: set[str] | None = None):
        self.core = core
        self.wide = core if wide is None else wide

    def is_common(self, text: str) -> bool:
        """Is this one word an ordinary English word (large dictionary)?"""
        return text.lower() in self.wide

    def all_common(self, text: str) -> bool:
        """Is every part of this phrase a common English word (small dictionary)?"""
        parts = [p for p in word_parts(text) if not p.isdigit()]
        return bool(parts) and all(p in self.core for p in parts)


GENERIC_DATASET_HEADS = {
    "dataset", "datasets", "data", "corpus", "corpora", "database", "benchmark", "benchmarks",
    "collection", "images", "videos", "set", "sets", "challenge", "bank",
}
STRICT_CONNECTORS = {"of", "and", "the", "for", "in", "on", "de", "a", "an", "&"}


def dataset_surface_ok(s: str, strict: bool, seed_keys: set[str]) -> bool:
    if canonical_key(s) in seed_keys:
        return True
    if not basic_ok(s):
        return False
    if "_" in s or " + " in s or re.search(r"\w{3,}\+\w{3,}", s):
        return False
    if re.search(r":(?!\d)|(?<!\d):", s):
        return False
    if strict:
        # TDMSci / SciREX spans: only proper-name-looking spans of a few words
        toks = words(s)
        if len(toks) > 5 or not looks_named(s):
            return False
        for t in toks:
            if t.lower() in STRICT_CONNECTORS:
                continue
            if not (t[0].isupper() or t[0].isdigit()):
                return False
    return True


def basic_ok(s: str, max_words: int = 8, max_chars: int = 70) -> bool:
    if not s or len(s) > max_chars or len(words(s)) > max_words:
        return False
    if not re.search(r"[^\W\d_]", s):  # needs a letter
        return False
    if alnum_len(s) < 2:
        return False
    if BAD_CHARS_RE.search(s) or SPAM_RE.search(s):
        return False
    if s.count("(") != s.count(")"):
        return False
    if re.search(r"\.\.|__|--|[-/@+]$(?<![\w+]\+)|^[-/.,:@+]", s):
        return False
    if re.search(r"[^\x00-\x7f\u00c0-\u024f\u0370-\u03ff\u00b5\u00b2\u00b3\u00b0]", s):
        return False  # other scripts and arrows in a name: spam or a description
    return True


# --------------------------------------------------------------------------------------
# the candidate store
# --------------------------------------------------------------------------------------


class Store:
    """Candidate surfaces per (type, key) plus merge edges."""

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


# --------------------------------------------------------------------------------------
# seeds
# --------------------------------------------------------------------------------------


def load_seeds(store: Store) -> tuple[dict[tuple[str, str], str], set[str]]:
    """Returns (blocked: (type|'*', key) -> reason, seed alias keys)."""
    claimed: dict[str, str] = {}  # key -> seed entry name, to catch two seeds sharing a key

    def claim(key: str, name: str, path: Path) -> None:
        if claimed.setdefault(key, name) != name:
            raise SystemExit(f"{path}: {name!r} and {claimed[key]!r} share the key {key!r}")

    for path in sorted(SEEDS_DIR.glob("*.jsonl")):
        if path.name in ("blocklist.jsonl", "common_words.jsonl"):
            continue
        for row in load_jsonl(path):
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
    for row in load_jsonl(SEEDS_DIR / "blocklist.jsonl"):
        if row.get("surface"):  # drop only this exact spelling, keep the entity
            BLOCKED_SURFACES.add(clean_space(row["pattern"]))
            continue
        blocked[(row.get("type", "*"), canonical_key(row["pattern"]))] = row.get("reason", "")
    return blocked, set(store.seed_keys)


# --------------------------------------------------------------------------------------
# readers
# --------------------------------------------------------------------------------------

PWC_DETAIL_FILES = ("cv", "nlp", "audio", "other", "all")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def split_list(cell: str | None) -> list[str]:
    if not cell or cell.strip() in ("N/A", ""):
        return []
    out = []
    for x in cell.split(";"):
        x = x.strip()
        if x.endswith("..."):
            x = x[:-3].strip()
        if x:
            out.append(x)
    return out


def read_pwc(shared: Path) -> dict[str, Counter]:
    base = shared / "data" / "gazetteers" / "pwc_world_snapshot"
    out = {"dataset": Counter(), "benchmark": Counter(), "metric": Counter(), "task": Counter()}
    for part in PWC_DETAIL_FILES:
        path = base / f"{part}_tasks_detailed.csv"
        if not path.exists():
            continue
        for row in read_csv(path):
            out["task"][row.get("Task Name", "")] += 1
            for x in split_list(row.get("Subtasks")):
                out["task"][x] += 1
            for x in split_list(row.get("Common Datasets (Top 10)")):
                out["dataset"][x.rstrip(",")] += 1
            for x in split_list(row.get("Benchmarks")):
                out["benchmark"][x.rstrip(",")] += 1
            for x in split_list(row.get("SOTA Metrics")):
                out["metric"][x] += 1
    path = base / "all_tasks.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            x = line.strip().strip('"').strip()
            if x:
                out["task"][x] += 1
    path = base / "task_hierarchy.csv"
    if path.exists():
        for row in read_csv(path):
            out["task"][row.get("Parent Task", "")] += 1
            for x in split_list(row.get("Child Tasks")):
                out["task"][x] += 1
    path = base / "research_areas.csv"
    if path.exists():
        for row in read_csv(path):
            for x in split_list(row.get("Example Tasks")):
                out["task"][x] += 1
    for c in out.values():
        c.pop("", None)
    return out


def _sota_walk(node, acc: dict[str, Counter]) -> None:
    if isinstance(node, list):
        for x in node:
            _sota_walk(x, acc)
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("task"), str):
        acc["task"][node["task"]] += 1
    for d in node.get("datasets") or []:
        if not isinstance(d, dict):
            continue
        if isinstance(d.get("dataset"), str):
            acc["dataset"][d["dataset"]] += 1
        tables = [d.get("sota") or {}]
        for sub in d.get("subdatasets") or []:
            if isinstance(sub, dict):
                tables.append(sub.get("sota") or {})
        for t in tables:
            for m in t.get("metrics") or []:
                if isinstance(m, str):
                    acc["metric"][m] += 1
            for r in t.get("rows") or []:
                if isinstance(r, dict) and isinstance(r.get("model_name"), str):
                    acc["model"][r["model_name"]] += 1
    for s in node.get("subtasks") or []:
        _sota_walk(s, acc)


def read_sota(shared: Path) -> tuple[dict[str, Counter], list[tuple[str, str]]]:
    base = shared / "data" / "gazetteers" / "sota_extractor"
    acc = {"task": Counter(), "dataset": Counter(), "metric": Counter(), "model": Counter()}
    for path in sorted(glob.glob(str(base / "*.json"))):
        if os.path.basename(path) == "example_json_format.json":
            continue  # a format example, not data (and not valid JSON)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            print(f"warning: skipping unreadable {path}", file=sys.stderr)
            continue
        _sota_walk(data, acc)
    synonyms: list[tuple[str, str]] = []
    path = base / "synonyms.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, skipinitialspace=True):
                if len(row) >= 2 and row[0].strip().lower() != "task":
                    synonyms.append((clean_space(row[0]), clean_space(row[1])))
    return acc, synonyms


def read_tdmsci(shared: Path) -> Counter:
    """(TYPE, surface) counts from the TDMSci CoNLL file; surfaces rebuilt from offsets."""
    out: Counter = Counter()
    base = shared / "data" / "train" / "tdmsci"
    for path in sorted(base.glob("*.conll")):
        sent: list[tuple[str, int, str]] = []

        def flush() -> None:
            cur, toks = None, []
            for tok, off, tag in sent + [("", -1, "O")]:
                if tag.startswith("B-") or tag == "O" or (tag.startswith("I-") and tag[2:] != cur):
                    if cur and toks:
                        text = toks[0][0]
                        for (pt, po), (t, o) in zip(toks, toks[1:]):
                            text += ("" if po + len(pt) == o else " ") + t
                        out[(cur, detok(text.split(" ")))] += 1
                    cur, toks = (tag[2:], [(tok, off)]) if tag != "O" else (None, [])
                else:
                    toks.append((tok, off))

        with path.open(encoding="utf-8") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if not line.strip():
                    flush()
                    sent = []
                    continue
                cols = line.split("\t")
                if len(cols) < 3:
                    continue
                try:
                    off = int(cols[1])
                except ValueError:
                    off = -1
                sent.append((cols[0], off, cols[-1]))
        flush()
    return out


def read_scirex(shared: Path) -> Counter:
    out: Counter = Counter()
    path = shared / "data" / "train" / "scirex" / "abstracts_train.jsonl"
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            doc = json.loads(line)
            w = doc.get("words", [])
            for s, e, t in doc.get("ner", []):
                out[(t, detok(w[s:e]))] += 1
    return out


# --------------------------------------------------------------------------------------
# per-type normalisation
# --------------------------------------------------------------------------------------

METRIC_PREFIX_RE = re.compile(
    r"^(?:%\s*)?(?:test(?:ing)?|validation|val|valid|dev|eval|train(?:ing)?|overall|final|official)"
    r"(?:\s*[-/_:]\s*|\s+)(?=\S)",
    re.I,
)
METRIC_SUFFIX_RE = re.compile(r"(?:\s*[-_/]\s*|\s+)(?:test|val|validation|dev)$", re.I)
METRIC_MEAN_RE = re.compile(r"^(?:average|avg\.?|mean)\s+(?=\S)", re.I)
UNIT_RE = re.compile(r"\s*(?:\(\s*%\s*\)|\[\s*%\s*\]|%)$")
METRIC_HEADS = {
    "accuracy", "accuracies", "acc", "error", "errors", "rate", "rates", "score", "scores",
    "precision", "recall", "f1", "f-score", "f-measure", "auc", "distance", "loss", "perplexity",
    "correlation", "coefficient", "similarity", "divergence", "bleu", "rouge", "iou", "ap", "map",
    "ratio", "latency", "throughput", "index", "reward", "return",
}


def metric_variants(raw: str, seed_keys: set[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Normalise one raw metric header. Returns (names, alias pairs)."""
    s = clean_space(raw).strip(" .:;,")
    s = UNIT_RE.sub("", s).strip()
    s = re.sub(r"\s*\((?:dB|ms|s|M|G|GB|MB|mm|cm|%|K|B)\)$", "", s).strip()
    if not s:
        return [], []
    if canonical_key(s) in seed_keys:
        return [s], []
    s = re.sub(r"^#\s*", "Number of ", s)
    s = UNIT_RE.sub("", s).strip()
    if canonical_key(s) in seed_keys:
        return [s], []
    outer, inner = split_parens(s)
    pairs = []
    for x in inner:
        if acronym_pair(outer, x):
            pairs.append((outer, x))
    s = outer
    for _ in range(3):
        if canonical_key(s) in seed_keys:
            break
        s = METRIC_PREFIX_RE.sub("", s).strip()
        s = METRIC_SUFFIX_RE.sub("", s).strip()
        s = UNIT_RE.sub("", s).strip()
        if canonical_key(s) in seed_keys:
            break
        t = METRIC_MEAN_RE.sub("", s).strip()
        if t and t != s and alnum_len(t) >= 2:
            s = t
    names = [s] if s else []
    for a, b in pairs:
        names += [a, b]
    return names, pairs


TASK_HEADS = {
    "detection", "recognition", "segmentation", "estimation", "classification", "generation",
    "prediction", "parsing", "extraction", "retrieval", "tracking", "answering", "translation",
    "synthesis", "captioning", "reconstruction", "removal", "forecasting", "identification",
    "verification", "analysis", "learning", "completion", "matching", "search", "alignment",
    "linking", "tagging", "labeling", "labelling", "spotting", "counting", "localization",
    "localisation", "summarization", "summarisation", "understanding", "reasoning", "inpainting",
    "editing", "enhancement", "restoration", "compression", "transfer", "simplification",
    "correction", "filling", "mining", "ranking", "recommendation", "discovery", "planning",
    "navigation", "modeling", "modelling", "embedding", "clustering", "regression",
    "super-resolution", "denoising", "deblurring", "dehazing", "deraining", "animation",
    "interpolation", "manipulation", "registration", "stitching", "matting", "fusion",
    "anticipation", "assessment", "attribution", "profiling", "grounding", "typing", "resolution",
    "disambiguation", "induction", "inference", "normalization", "normalisation", "diagnosis",
    "staging", "scoring", "transcription", "separation", "conversion", "dubbing", "swapping",
    "hashing", "re-identification", "reidentification", "re-id", "reid", "labelling",
    "colorization", "colourization", "upsampling", "downscaling", "rendering", "editing",
    "detoxification", "paraphrasing", "chunking", "lemmatization", "tokenization",
    "segmentation", "categorization", "calibration", "imputation", "optimization",
    "localization", "pruning", "quantization", "distillation", "adaptation", "generalization",
    "evaluation", "ordering", "selection", "filtering", "control", "manipulation", "grasping",
    "fitting", "morphing", "relighting", "harmonization", "retargeting", "completion",
    "compositing", "decomposition", "recovery", "inversion", "warping", "stylization",
    "extrapolation", "prediction", "checking", "attack", "attacks", "defense", "defence",
    "watermarking", "forensics", "debiasing", "unlearning", "annotation", "labeling",
    "triage", "screening", "visualization", "reading", "writing", "dialogue", "dialog",
    "conversation", "chatbots", "chatbot", "qa", "vqa", "nli", "sts", "ner", "slam", "ocr",
    "mot", "sr", "asr", "tts", "mt", "nmt", "vos", "retrieval", "answer", "captions",
    "identification", "authentication", "spoofing", "anti-spoofing", "re-ranking", "reranking",
    "entailment", "inference", "coreference", "negation", "sarcasm", "humor", "stance",
    "sentiment", "emotion", "toxicity", "bias", "forecast", "imaging", "mapping", "odometry",
    "localisation", "positioning", "exploration", "manipulation", "locomotion", "restoration",
    "interpretation", "description", "explanation", "attribution", "decoding", "encoding",
    "coding", "repair", "synthesis", "design", "docking", "folding", "modelling",
}
TASK_BAD_HEADS = {"model", "models", "network", "networks", "data", "dataset", "datasets"}


def task_display(name: str) -> str:
    """Lower-case a task name except acronym-like tokens ('3D', 'RGB-D', 'NER')."""
    if name.isupper() and len(words(name)) > 1:
        return name.lower()  # "MULTI-VIEW LEARNING"
    out = []
    for w in words(name):
        parts = re.split(r"([\-/])", w)
        fixed = []
        for p in parts:
            letters = [c for c in p if c.isalpha()]
            keep = (sum(1 for c in letters if c.isupper()) >= 2) or (
                any(c.isdigit() for c in p) and any(c.isupper() for c in p)
            )
            fixed.append(p if keep else p.lower())
        out.append("".join(fixed))
    return " ".join(out)


MODEL_SUFFIX_RE = re.compile(
    r"\s*\((?:single(?: model)?|ensemble|ensembles?|single-model|\d{4}|big|base|large|small|"
    r"tuned|greedy|avg|best|[^()]*\bet al\b[^()]*)\)\s*$",
    re.I,
)
MODEL_TRAIL_RE = re.compile(r"\s+(?:\(?(?:19|20)\d\d\)?|noop|hs|best|ensemble|single|v\d+)$", re.I)


def method_variants(raw: str) -> list[str]:
    s = clean_space(raw.replace("&amp;", "&"))
    if not s:
        return []
    for _ in range(3):
        s = MODEL_SUFFIX_RE.sub("", s).strip()
        s = MODEL_TRAIL_RE.sub("", s).strip()
    if re.search(r"\bet[\s-]al\b|\bours\b|\banonymous\b|unnamed|baseline|submission|\bteam\b", s, re.I):
        return []
    if re.search(r"\s[+&/,]\s|\s\+|\+\s|,|/|\bw/|:|\w\+\w|_", s):  # combinations, descriptions
        return []
    outer, inner = split_parens(s)
    if inner:
        if len(inner) == 1 and acronym_pair(outer, inner[0]):
            return [outer, inner[0]]
        return []
    return [s]


# --------------------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------------------


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


def looks_named(s: str) -> bool:
    """A proper-name look: an inner capital, a digit next to letters, or an all-caps token."""
    for w in words(s):
        core = re.sub(r"[^A-Za-z0-9]", "", w)
        if not core:
            continue
        if any(c.isupper() for c in core[1:]) or (
            any(c.isdigit() for c in core) and any(c.isalpha() for c in core)
        ):
            return True
    return False


def collect(shared: Path, store: Store, vocab: Vocab, seed_keys: set[str], stats: Counter) -> None:
    pwc = read_pwc(shared)
    sota, synonyms = read_sota(shared)
    tdm = read_tdmsci(shared)
    sci = read_scirex(shared)

    # ---------------- datasets ----------------
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

    # ---------------- metrics ----------------
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
                heads = set(word_parts(n)) & METRIC_HEADS
                if k in seed_keys or (c >= 2 and heads and basic_ok(n, 5, 40)):
                    store.add("Metric", n, src, c)
            for a, b in pairs:
                store.link("Metric", a, b, "acronym")

    # ---------------- tasks ----------------
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

    # ---------------- methods ----------------
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

    # ---------------- programmatic equivalences ----------------
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


# ---------------- entity-level decisions ----------------


def surface_verdict(typ: str, surface: str, vocab: Vocab, seeded: bool) -> str | None:
    """'exact', 'lower' or None (drop) for one alias surface."""
    if surface in BLOCKED_SURFACES:
        return None
    if surface in SEED_CASE:
        return SEED_CASE[surface]
    if typ == "Metric" and not seeded and re.search(r"(?:^|\s)[A-Za-z] \d", surface):
        return None  # "F 1", "R 1": PDF-extraction spacing
    core = canonical_key(surface)
    if not core or core.isdigit() or len(core) < 2:
        return None
    for part in re.split(r"[\s\-/]+", surface):
        if sum(c.islower() for c in part) == 1 and sum(c.isupper() for c in part) >= 6:
            return None  # "MUlTI-LABEL-ClASSIFICATION": broken casing in the source
    if YEAR_RE.match(surface) or re.fullmatch(r"[\d\s.,%kKmMbB+\-x×]+", surface):
        return None
    if not seeded and surface.lower() in FUNCTION_WORDS:
        return None  # "AND", "ALL", "NONE": function words are never names
    has_upper = any(c.isupper() for c in surface)
    toks = words(surface)
    if len(core) <= 4:
        if not has_upper:
            if seeded and not vocab.is_common(surface) and len(core) >= 3:
                return "lower"
            return None if not seeded else "exact"
        if len(core) == 2 and not seeded and typ not in ("Metric",):
            # two-letter acronyms from noisy sources are too ambiguous
            return None
        return "exact"
    if len(toks) == 1:
        if vocab.is_common(surface):
            inner_caps = any(c.isupper() for c in surface[1:])
            if inner_caps:
                return "exact"
            if seeded:
                return "exact" if has_upper else ("lower" if typ in ("Metric", "Task") else None)
            return None
        if vocab.all_common(surface) and not looks_named(surface):
            # hyphenated ordinary words ("Cross-Lingual", "X-Ray")
            if seeded or typ in ("Task", "Metric"):
                return "lower"
            return None
        return "lower"
    # multi-word
    if typ in ("Task", "Metric"):
        return "lower"
    if vocab.all_common(surface) and not looks_named(surface):
        if not has_upper:
            return "lower" if seeded else None
        return "exact"
    return "lower"


def _function_words() -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w.lower() for w in STOP_WORDS}


FUNCTION_WORDS = _function_words()
SEED_CASE: dict[str, str] = {}
BLOCKED_SURFACES: set[str] = set()


def entity_ok(typ: str, ent: dict, vocab: Vocab) -> bool:
    """Whole-entity filters (run after merging)."""
    if ent["seed"]:
        return True
    surfaces = ent["surfaces"]
    srcs = ent["sources"]
    total = sum(surfaces.values())
    if typ == "Task":
        if srcs <= {"tdmsci", "scirex"} and total < 2:
            return False  # one-off spans from the training annotations
        multi = [s for s in surfaces if len(words(s)) >= 2]
        if not multi:
            return False  # single-word tasks come from the seed allow-list only
        best = max(multi, key=lambda s: (surfaces[s], s))
        head = word_parts(best)[-1] if word_parts(best) else ""
        if head in TASK_BAD_HEADS:
            return False
        if any(word_parts(s) and word_parts(s)[-1] in TASK_HEADS for s in multi):
            return True
        return len(srcs) >= 2 and total >= 3
    if typ == "Metric":
        # a non-seed metric must be composed of known metric vocabulary ("Weighted F1",
        # "mAP@0.75", "Recall@50") and contain a measure word; table headers such as
        # "Accuracy on ACL Tear" or "Top-1 Noun" fail
        if total < 2:
            return False
        for s_ in surfaces:
            parts = metric_parts(s_)
            if len(words(s_)) <= 4 and parts and all(p in METRIC_VOCAB for p in parts) and (
                set(parts) & METRIC_CORE
            ):
                return True
        return False
    if typ == "Method":
        if srcs <= {"scirex", "tdmsci"} and total < 2:
            return False
        named = [s_ for s_ in surfaces if looks_named(s_) or not vocab.all_common(s_)]
        if not named:
            return False
        if all(alnum_len(s_) <= 3 for s_ in surfaces):
            return False  # "CMU", "KIM": leaderboard team names and other short noise
        if all(vocab.is_common(s_) for s_ in surfaces) and total < 2:
            return False  # "MANAGER", "GATE" seen once
        return True
    if typ == "Dataset":
        best = max(surfaces, key=lambda x: (surfaces[x], x))
        if len(words(best)) == 1 and vocab.is_common(best):
            if re.fullmatch(r"[A-Z][a-z]+", best):
                return False  # "News", "Cell", "Wine": ordinary words in title case
            if best.isupper():
                return total >= 2  # "FEVER", "COIN": all-caps words need more evidence
            return True  # "DeLiVER", "ReCoRD": inner capitals make the name distinctive
        if all(alnum_len(x) <= 4 for x in surfaces):
            return total >= 2  # bare short acronyms ("CAD", "HAR") are ambiguous
        if len(words(best)) > 1 and vocab.all_common(best) and not looks_named(best):
            if word_parts(best)[-1] in GENERIC_DATASET_HEADS:
                return False  # "Video Dataset", "Real-world Datasets"
            return total >= 3  # "Cats and Dogs", "Playing Cards"
        return True
    return True


def metric_parts(s: str) -> list[str]:
    return [p for p in re.findall(r"[a-z]+|\d+", unicodedata.normalize("NFKC", s).lower()) if not p.isdigit()]


METRIC_MODIFIERS = {
    "micro", "macro", "weighted", "unweighted", "average", "averaged", "avg", "mean", "median",
    "top", "rank", "box", "bbox", "mask", "overall", "class", "per", "pixel", "level", "frame",
    "word", "character", "char", "sentence", "token", "exact", "strict", "joint", "goal", "slot",
    "span", "entity", "relation", "absolute", "relative", "squared", "square", "root", "log",
    "normalized", "area", "under", "curve", "roc", "pr", "at", "k", "n", "total", "balanced",
    "clean", "robust", "hit", "hits", "miss", "false", "positive", "negative", "true", "success",
    "execution", "answer", "intent", "keypoint", "bev", "d", "end", "point", "reciprocal",
    "harmonic", "geometric", "cross", "entropy", "mutual", "information", "bits", "byte",
    "dimension", "inception", "distance", "kernel", "score", "similarity", "peak", "signal",
    "noise", "ratio", "opinion", "human", "win", "edit", "agreement", "coefficient",
    "correlation", "kappa", "pearson", "spearman", "kendall", "tau", "rho", "index", "rand",
    "adjusted", "jaccard", "dice", "of", "and", "the", "in", "on", "p", "r", "s", "m",
    "l", "b", "mr", "reduction", "detection", "classification", "recognition", "retrieval",
    "segmentation", "tracking", "localization", "tagging", "parsing", "translation",
    "prediction", "matching", "test", "error", "errors", "rate", "rates",
    "small", "medium", "large", "all", "iou", "oks", "u", "multi", "scale", "linear", "probe",
    "probing",
}
METRIC_CORE = set(METRIC_HEADS) | {
    "ap", "map", "ar", "iou", "miou", "f", "bleu", "rouge", "meteor", "cider", "psnr", "ssim",
    "fid", "lpips", "mrr", "ndcg", "hits", "hit", "auc", "auroc", "aupr", "eer", "wer", "cer",
    "em", "mae", "mse", "rmse", "mape", "ppl", "flops", "params", "fps", "mota", "idf", "hota",
    "epe", "pck", "pckh", "nme", "dice", "srcc", "plcc", "pq", "recall", "precision", "mpjpe",
}
METRIC_VOCAB: set[str] = set(METRIC_MODIFIERS) | METRIC_CORE


def build(shared: Path, out: Path) -> dict:
    vocab = Vocab(*load_common_words())
    store = Store()
    blocked, seed_keys = load_seeds(store)
    for (typ, _k), surfs in store.surfaces.items():
        if typ == "Metric":
            for surf in surfs:
                METRIC_VOCAB.update(metric_parts(surf))
                METRIC_CORE.update(set(metric_parts(surf)) - METRIC_MODIFIERS)
    SEED_CASE.clear()
    SEED_CASE.update(store.seed_case)
    stats: Counter = Counter()
    collect(shared, store, vocab, seed_keys, stats)

    def is_blocked(typ: str, key: str) -> bool:
        return (typ, key) in blocked or ("*", key) in blocked

    # 1. cross-type collisions on keys: a seed decides, else evidence, else priority
    by_key: dict[str, list[str]] = defaultdict(list)
    for typ, key in sorted(store.surfaces):
        by_key[key].append(typ)
    owner: dict[str, str] = {}
    for key, typs in sorted(by_key.items()):
        if key in store.seed_keys:
            owner[key] = store.seed_keys[key]
            continue
        typs = [t for t in typs if not is_blocked(t, key)]
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

    def alive(typ: str, key: str) -> bool:
        return owner.get(key) == typ and not (is_blocked(typ, key) and key not in store.seed_keys)

    # 2. union-find per type; acronym edges only when the acronym is unambiguous
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

    # 3. entities
    entities: list[dict] = []
    for (typ, _root), keys in sorted(groups.items()):
        surfaces: Counter = Counter()
        sources: set[str] = set()
        for k in keys:
            surfaces.update(store.surfaces[(typ, k)])
            sources |= store.sources[(typ, k)]
        seeded = "seed" in sources
        ent = {"type": typ, "keys": keys, "surfaces": surfaces, "sources": sources, "seed": seeded}
        if not entity_ok(typ, ent, vocab):
            stats[f"{typ}_entity_dropped"] += 1
            continue
        # which spellings survive as aliases, and with which case rule
        aliases: dict[str, str] = {}
        for s in sorted(surfaces):
            seed_surface = seeded and (surfaces[s] >= SEED_WEIGHT // 2 or s in SEED_CASE)
            verdict = surface_verdict(typ, s, vocab, seed_surface)
            if verdict is None or (is_blocked(typ, canonical_key(s)) and not seed_surface):
                continue
            aliases[s] = verdict
        if not aliases:
            stats[f"{typ}_no_surviving_alias"] += 1
            continue
        ent["aliases"] = aliases
        # display name: a seed's name, else the best surviving spelling
        seed_names = [store.seed_names[(typ, k)] for k in keys if (typ, k) in store.seed_names]
        named = Counter({s: surfaces[s] for s in aliases})
        if seed_names:
            name = sorted(seed_names, key=lambda s: (-surfaces[s], s))[0]
        elif typ == "Task":
            multi = [s for s in named if len(words(s)) >= 2] or list(named)
            name = task_display(sorted(multi, key=lambda s: (-named[s], -len(s), s))[0])
        else:
            def shape(s: str) -> tuple:
                return (
                    -named[s],
                    0 if (looks_named(s) and len(words(s)) <= 3) else 1,
                    len(s),
                    s,
                )

            name = sorted(named, key=shape)[0]
        ent["name"] = name
        ent["key"] = canonical_key(name)
        entities.append(ent)

    # 4. patterns with case decisions and variants
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
                vv = surface_verdict(typ, v, vocab, False) if v not in SEED_CASE else SEED_CASE[v]
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

    # 5. write
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for typ in TYPES:
        lowered = {(r["pattern"].lower(), r["id"]) for r in pattern_rows[typ].values() if r["case"] == "lower"}
        rows = [
            r for r in pattern_rows[typ].values()
            if r["case"] == "lower" or (r["pattern"].lower(), r["id"]) not in lowered
        ]
        rows.sort(key=lambda r: (r["id"], r["pattern"].lower(), r["pattern"], r["case"]))
        write_jsonl(out / PATTERN_FILES[typ], rows)
        counts[f"{typ}_patterns"] = len(rows)
    canonical_rows.sort(key=lambda r: (r["type"], r["key"]))
    write_jsonl(out / "canonical.jsonl", canonical_rows)
    for typ in TYPES:
        counts[f"{typ}_entities"] = sum(1 for r in canonical_rows if r["type"] == typ)
    split_rows = []
    for split, forms in sorted(SPLITS.items()):
        for f in sorted(set(forms)):
            split_rows.append({"pattern": f, "split": split, "case": "lower"})
    split_rows.sort(key=lambda r: (r["split"], r["pattern"]))
    write_jsonl(out / "splits.jsonl", split_rows)
    counts["splits"] = len(split_rows)
    counts.update({k: v for k, v in sorted(stats.items())})
    return counts


PLURAL_METRIC_HEADS = {
    "score": "scores", "rate": "rates", "error": "errors", "distance": "distances",
    "accuracy": "accuracies", "coefficient": "coefficients", "measure": "measures",
    "ratio": "ratios", "loss": "losses",
}


def surface_variants(typ: str, s: str, key: str, store: Store) -> list[str]:
    out: list[str] = []
    # hyphen / space / joined forms at letter-digit and word boundaries
    if "-" in s and s.count("-") <= 2:
        # "IJB-A", "U-Net", "t-SNE" are never written with a space
        if not re.search(r"-[A-Za-z]\b|\b[A-Za-z]-|[=@]", s):
            out.append(re.sub(r"(?<=\w)-(?=\w)", " ", s))
        # "Fashion-MNIST" -> "FashionMNIST", "Re-ID" -> "ReID", "U-Net" -> "UNet";
        # never "objectdetection" or "RoBERTabase"
        if s.count("-") == 1 and " " not in s and re.search(r"-[A-Z0-9]", s):
            out.append(s.replace("-", ""))
    m = re.fullmatch(r"[A-Za-z]{2,}(?<![a-z][vV])\d+", s)
    if m and typ in ("Dataset", "Method"):
        # "ResNet50" -> "ResNet-50"; "CIFAR10" -> "CIFAR-10"
        out.append(re.sub(r"(?<=[A-Za-z])(?=\d)", "-", s, count=1))
    if typ in ("Dataset", "Method") and re.search(r"[A-Za-z] \d", s) and s.count(" ") == 1:
        out.append(s.replace(" ", "-"))
        out.append(s.replace(" ", ""))
    if typ == "Task":
        low = s
        for a, b in (("modelling", "modeling"), ("modeling", "modelling"), ("labelling", "labeling"),
                     ("labeling", "labelling"), ("isation", "ization"), ("ization", "isation")):
            if a in low:
                out.append(low.replace(a, b))
    if typ == "Metric" and key not in store.seed_noplural and (s.islower() or s in store.seed_surfaces):
        parts = s.split(" ")
        last = parts[-1].lower()
        if last in PLURAL_METRIC_HEADS and len(parts) <= 4:
            plural = PLURAL_METRIC_HEADS[last]
            if parts[-1][0].isupper():
                plural = plural[0].upper() + plural[1:]
            out.append(" ".join(parts[:-1] + [plural]))
    if typ == "Method" and key not in store.seed_noplural:
        core = re.sub(r"[^A-Za-z0-9]", "", s)
        plural_ok = key in store.seed_plural or (
            re.search(r"(?:Net|Nets|former|GAN|NN|RNN|CNN|LSTM|Transformer)$", s) and not s.endswith("s")
        )
        if plural_ok and core and core[-1].isalpha() and not s.endswith("s"):
            out.append(s + "s")
    return [
        clean_space(v) for v in out
        if clean_space(v) and clean_space(v) != s and len(words(clean_space(v))) <= 8
    ]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n")


def refresh_common_words(shared: Path, dict_paths: list[Path]) -> int:
    """Regenerate lexicon_seeds/common_words.jsonl: dictionary words found in candidate names.

    dict_paths: [small word list, large word list]; each kept word records the smallest
    list it is in ("small" or "large").
    """
    store = Store()
    _, seed_keys = load_seeds(store)
    vocab = Vocab(set())  # no filtering while collecting the tokens to look up
    collect(shared, store, vocab, seed_keys, Counter())
    tokens: set[str] = set()
    for surfaces in store.surfaces.values():
        for s in surfaces:
            tokens.update(word_parts(s))
            tokens.add(s.lower())
    levels: dict[str, str] = {}
    for level, dict_path in zip(("small", "large"), dict_paths):
        for line in dict_path.read_text(encoding="utf-8", errors="replace").splitlines():
            w = line.strip()
            if w and w.islower() and "'" not in w and w in tokens:
                levels.setdefault(w, level)
    rows = [{"word": w, "list": levels[w]} for w in sorted(levels)]
    write_jsonl(SEEDS_DIR / "common_words.jsonl", rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared data folder (default: ../shared next to the repo)")
    ap.add_argument("--out", type=Path, default=ROOT / "kgbuild" / "data" / "lexicons",
                    help="output folder (default: kgbuild/data/lexicons)")
    ap.add_argument("--refresh-common-words", type=Path, nargs=2, metavar=("SMALL", "LARGE"),
                    help="regenerate lexicon_seeds/common_words.jsonl from a small and a large "
                    "word list (e.g. /usr/share/dict/american-english-small and "
                    "/usr/share/dict/american-english), then exit")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        ap.error(f"--shared {args.shared} is not a directory")
    if args.refresh_common_words:
        n = refresh_common_words(args.shared, args.refresh_common_words)
        print(f"wrote {n} common words")
        return 0
    counts = build(args.shared, args.out)
    if not args.quiet:
        for k, v in counts.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
