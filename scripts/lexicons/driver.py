"""Build kgbuild's spaCy EntityRuler lexicons from the shared gazetteers and training data.

Reads (read-only):
  <shared>/data/gazetteers/pwc_world_snapshot/   Papers with Code task tables (CC BY-SA 4.0)
  <shared>/data/gazetteers/sota_extractor/       SOTA tables + synonyms.csv (CC BY-SA 4.0)
  <shared>/data/train/tdmsci/                    TDMSci CoNLL (Apache-2.0)
  <shared>/data/train/scirex/                    SciREX abstracts (Apache-2.0)
  scripts/lexicon_seeds/                         hand-written seeds, block list, common words,
                                                 split names, and the rules' word sets

Writes (deterministically, sorted) into --out:
  datasets.jsonl metrics.jsonl tasks.jsonl methods.jsonl   EntityRuler phrase patterns
  canonical.jsonl                                          one line per canonical entity
  splits.jsonl                                             split / subset words

Held out: the annotated evaluation documents. SciREX abstracts and TDMSci sentences whose text is
one of the evaluation texts (<shared>/eval/*_input.jsonl; today 282 of SciREX's 284 abstracts,
no TDMSci sentence) contribute no name, so the cross-validated scores of issue #17 are not
scored with names read off the held-out documents' own labels (lexicons/heldout.py says how
documents are recognised). Of shared/eval only those input texts are read, to recognise the
documents, never an annotation; the corpus (shared/corpus) is never read. `--eval DIR` names
another folder of evaluation texts; `--include-eval-docs` builds with them (only to measure
what holding them out costs; never ship that build).

Canonical key: kgbuild.names.identity_key, the resolver's (NFKC, lower-case, every run of
non-alphanumeric characters removed: "ImageNet-1K" -> "imagenet1k"); names the sources show
to be the same thing are merged under the key of one display name ("MS COCO" -> "coco").

Case: every pattern carries "case": "exact" (match ORTH) or "lower" (match LOWER).
Short names (<= 4 letters/digits with a capital), and names whose lower-case form is an
ordinary English word or phrase, are exact; everything else matches case-insensitively.

`--refresh-common-words SMALL LARGE` regenerates scripts/lexicon_seeds/common_words.jsonl
from two plain word lists (one word a line; e.g. Debian's wamerican-small and wamerican);
it keeps only the words that occur in some candidate name, so the seed stays small.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from lexicons import seeds
from lexicons.candidates import TYPES, Store, collect, load_seeds
from lexicons.decisions import MetricWords
from lexicons.heldout import HeldOut, default_eval_dir
from lexicons.merging import key_owners, lexicon_rows, make_entities, merged_keys
from lexicons.text import Vocab, word_parts

PATTERN_FILES = {
    "Dataset": "datasets.jsonl",
    "Metric": "metrics.jsonl",
    "Task": "tasks.jsonl",
    "Method": "methods.jsonl",
}


def build(shared: Path, out: Path, held_out: HeldOut | None = None) -> dict:
    """Build the lexicons into ``out``; training documents ``held_out`` holds are skipped."""
    vocab = Vocab(*seeds.common_words())
    store = Store()
    blocked, seed_keys = load_seeds(store)
    metric_words = MetricWords.with_seeds(store)  # before the sources add their metrics
    stats: Counter = Counter()
    collect(shared, store, vocab, seed_keys, stats, held_out)
    owner = key_owners(store, blocked, stats)
    groups = merged_keys(store, owner, blocked, stats)
    entities = make_entities(groups, store, vocab, metric_words, blocked, stats)
    pattern_rows, canonical_rows = lexicon_rows(entities, store, vocab, stats)
    counts = write_lexicons(out, pattern_rows, canonical_rows)
    counts.update({k: v for k, v in sorted(stats.items())})
    return counts


def write_lexicons(out: Path, pattern_rows: dict[str, dict[tuple[str, str], dict]],
                   canonical_rows: list[dict]) -> dict:
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
    for split, forms in sorted(seeds.split_forms().items()):
        for f in sorted(set(forms)):
            split_rows.append({"pattern": f, "split": split, "case": "lower"})
    split_rows.sort(key=lambda r: (r["split"], r["pattern"]))
    write_jsonl(out / "splits.jsonl", split_rows)
    counts["splits"] = len(split_rows)
    return counts


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n")


def refresh_common_words(shared: Path, dict_paths: list[Path], held_out: HeldOut | None = None) -> int:
    """Regenerate lexicon_seeds/common_words.jsonl: dictionary words found in candidate names.

    dict_paths: [small word list, large word list]; each kept word records the smallest
    list it is in ("small" or "large").
    """
    store = Store()
    _, seed_keys = load_seeds(store)
    vocab = Vocab(set())  # no filtering while collecting the tokens to look up
    collect(shared, store, vocab, seed_keys, Counter(), held_out)
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
    write_jsonl(seeds.COMMON_WORDS_FILE, rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=seeds.ROOT.parent / "shared",
                    help="the shared data folder (default: ../shared next to the repo)")
    ap.add_argument("--out", type=Path, default=seeds.ROOT / "kgbuild" / "data" / "lexicons",
                    help="output folder (default: kgbuild/data/lexicons)")
    ap.add_argument("--refresh-common-words", type=Path, nargs=2, metavar=("SMALL", "LARGE"),
                    help="regenerate lexicon_seeds/common_words.jsonl from a small and a large "
                    "word list (e.g. /usr/share/dict/american-english-small and "
                    "/usr/share/dict/american-english), then exit")
    ap.add_argument("--eval", type=Path, default=None, metavar="DIR",
                    help="folder of the evaluation texts (*_input.jsonl) whose documents are held out "
                    "(default: <shared>/eval)")
    ap.add_argument("--include-eval-docs", action="store_true",
                    help="do not hold the evaluation documents out (to measure the leak; never ship this)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        ap.error(f"--shared {args.shared} is not a directory")
    eval_dir = args.eval or default_eval_dir(args.shared)
    held_out = None
    if not args.include_eval_docs:
        if not eval_dir.is_dir():
            ap.error(f"no evaluation folder {eval_dir} to hold out (pass --eval DIR, or "
                     "--include-eval-docs to build without holding anything out)")
        held_out = HeldOut.from_eval_dir(eval_dir)
    if args.refresh_common_words:
        n = refresh_common_words(args.shared, args.refresh_common_words, held_out)
        print(f"wrote {n} common words")
        return 0
    counts = build(args.shared, args.out, held_out)
    if not args.quiet:
        for k, v in counts.items():
            print(f"{k}: {v}")
    return 0
