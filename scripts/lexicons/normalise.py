"""Raw names from the sources reduced to candidate names, per type, and the checks a candidate
spelling must pass before it is one.

Datasets lose qualifiers (splits, shots, percentages, "dataset"), metrics their split and
unit decorations, methods their leaderboard notes ("(ensemble)", "2019"); an acronym in
parentheses becomes an alias pair when its letters fit the long form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lexicons.seeds import metric_plurals, word_set
from lexicons.text import acronym_pair, alnum_len, canonical_key, clean_space, looks_named, words

if TYPE_CHECKING:
    from lexicons.candidates import Store

# -- datasets ---------------------------------------------------------------------------------

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


# -- metrics ----------------------------------------------------------------------------------

METRIC_PREFIX_RE = re.compile(
    r"^(?:%\s*)?(?:test(?:ing)?|validation|val|valid|dev|eval|train(?:ing)?|overall|final|official)"
    r"(?:\s*[-/_:]\s*|\s+)(?=\S)",
    re.I,
)
METRIC_SUFFIX_RE = re.compile(r"(?:\s*[-_/]\s*|\s+)(?:test|val|validation|dev)$", re.I)
METRIC_MEAN_RE = re.compile(r"^(?:average|avg\.?|mean)\s+(?=\S)", re.I)
UNIT_RE = re.compile(r"\s*(?:\(\s*%\s*\)|\[\s*%\s*\]|%)$")


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


# -- tasks ------------------------------------------------------------------------------------


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


# -- methods ----------------------------------------------------------------------------------

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


# -- checks on a candidate spelling -----------------------------------------------------------

BAD_CHARS_RE = re.compile(r"[?!*#\[\]{}<>|\"=$;~`\\]")
SPAM_RE = re.compile(
    r"expedia|how do|how to|\bcall\b|customer service|phone|\bhelp\b|@gmail|https?:|www\.|\.com\b|"
    r"\bmy\b|\byou\b|\byour\b|\bi\b|\bwe\b",
    re.I,
)
_NAME_CONNECTORS = word_set("name_connectors")


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
            if t.lower() in _NAME_CONNECTORS:
                continue
            if not (t[0].isupper() or t[0].isdigit()):
                return False
    return True


# -- spellings a name is also written in ------------------------------------------------------

PLURAL_METRIC_HEADS = metric_plurals()


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
