"""Build data/patterns/task_vocab.jsonl and task_phrases_train.jsonl: annotated task names.

    python scripts/build_task_vocab.py [--shared DIR] [--eval DIR] [--out DIR] [--include-eval-docs]

Source: the Apache-2.0 training sets in ../shared/data/train beside the checkout (SciREX abstracts,
TDMSci; or $KGBUILD_SHARED/data/train, or --shared).
The extractor accepts a word as a task-name modifier ("oriented", "monocular", "few-shot")
only if it is in this vocabulary or in the task lexicon, which keeps verbs and evaluative
adjectives ("leverage detection", "accurate detection") out of task names.

Held out, as in the lexicon builder (scripts/lexicons/heldout.py): a training document whose
text is one of the annotated evaluation texts (<shared>/eval/*_input.jsonl, or --eval) adds
nothing, so the cross-validated scores (issue #17) are not scored with task names read off the
held-out documents' own labels. Today that is 282 of SciREX's 284 abstracts (the project's
SciREX evaluation abstracts are SciREX training documents) and no TDMSci sentence. Only those
input texts of shared/eval are read, never an annotation. --include-eval-docs builds with them,
only to measure what holding them out costs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/lexicons

from lexicons.heldout import HeldOut  # noqa: E402

# The shared data folder: ../shared beside the checkout, or KGBUILD_SHARED.
SHARED = Path(os.environ.get("KGBUILD_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
PATTERNS = Path(__file__).resolve().parent.parent / "kgbuild" / "data" / "patterns"
VOCAB_FILE = "task_vocab.jsonl"
PHRASES_FILE = "task_phrases_train.jsonl"
WORD_RE = re.compile(r"^[a-z0-9][a-z0-9\-]*$")


def scirex_spans(train: Path, held_out: HeldOut | None = None, stats: Counter | None = None):
    stats = Counter() if stats is None else stats
    for line in (train / "scirex" / "abstracts_train.jsonl").open():
        row = json.loads(line)
        words = row["words"]
        if held_out and held_out.holds(" ".join(words)):
            stats["scirex_documents_held_out"] += 1
            continue
        for start, end, label in row["ner"]:
            if label == "Task":
                yield " ".join(words[start:end]).replace(" - ", "-")


def tdmsci_sentences(train: Path):
    """Each sentence of the TDMSci CoNLL file as (token, tag) pairs."""
    sentence: list[tuple[str, str]] = []
    for line in (train / "tdmsci" / "train_1500_v2.conll").open():
        parts = line.split()
        if not parts:
            if sentence:
                yield sentence
            sentence = []
            continue
        sentence.append((parts[0], parts[-1] if len(parts) >= 3 else "O"))
    if sentence:
        yield sentence


def tdmsci_spans(train: Path, held_out: HeldOut | None = None, stats: Counter | None = None):
    stats = Counter() if stats is None else stats
    current: list[str] = []
    for sentence in tdmsci_sentences(train):
        if held_out and held_out.holds(" ".join(token for token, _ in sentence)):
            stats["tdmsci_sentences_held_out"] += 1
            sentence = [("", "O")]  # ends a span still open, adds nothing
        for token, tag in [*sentence, ("", "O")]:  # a blank line ends a span
            if tag.startswith("B-TASK") or (tag.startswith("I-TASK") and not current):
                if current:
                    yield " ".join(current)
                current = [token]
            elif tag.startswith("I-TASK"):
                current.append(token)
            else:
                if current:
                    yield " ".join(current)
                current = []


def build(shared: Path, out: Path, held_out: HeldOut | None) -> Counter:
    train = shared / "data" / "train"
    stats: Counter = Counter()
    counts: Counter = Counter()
    phrases: Counter = Counter()
    for span in [*scirex_spans(train, held_out, stats), *tdmsci_spans(train, held_out, stats)]:
        words = span.lower().split()
        if len(words) >= 2:
            phrases[" ".join(words)] += 1
        for word in words[:-1]:  # modifiers only; heads are listed in task_heads.jsonl
            if WORD_RE.match(word):
                counts[word] += 1
    out.mkdir(parents=True, exist_ok=True)
    with (out / VOCAB_FILE).open("w") as handle:
        for word, count in sorted(counts.items()):
            handle.write(json.dumps({"term": word, "count": count}) + "\n")
    with (out / PHRASES_FILE).open("w") as handle:
        for phrase, count in sorted(phrases.items()):
            handle.write(json.dumps({"term": phrase, "count": count}) + "\n")
    stats["words"], stats["phrases"] = len(counts), len(phrases)
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder (default: ../shared)")
    ap.add_argument("--eval", type=Path, default=None, metavar="DIR",
                    help="folder of the evaluation texts (*_input.jsonl) whose documents are held out "
                    "(default: <shared>/eval)")
    ap.add_argument("--out", type=Path, default=PATTERNS, help="output folder (default: kgbuild/data/patterns)")
    ap.add_argument("--include-eval-docs", action="store_true",
                    help="do not hold the evaluation documents out (to measure the leak; never ship this)")
    args = ap.parse_args(argv)
    held_out = None
    if not args.include_eval_docs:
        eval_dir = args.eval or args.shared / "eval"
        if not eval_dir.is_dir():
            ap.error(f"no evaluation folder {eval_dir} to hold out (pass --eval DIR, or --include-eval-docs)")
        held_out = HeldOut.from_eval_dir(eval_dir)
    stats = build(args.shared, args.out, held_out)
    print(", ".join(f"{k}: {v}" for k, v in sorted(stats.items())) + f" -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
