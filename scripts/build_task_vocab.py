"""Build data/patterns/task_vocab.jsonl: words seen inside annotated task names.

Source: the Apache-2.0 training sets in ../shared/data/train beside the checkout (SciREX abstracts,
TDMSci; or $KGBUILD_SHARED/data/train).
The extractor accepts a word as a task-name modifier ("oriented", "monocular", "few-shot")
only if it is in this vocabulary or in the task lexicon, which keeps verbs and evaluative
adjectives ("leverage detection", "accurate detection") out of task names.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

# The evaluation data folder: ../shared beside the checkout, or KGBUILD_SHARED.
SHARED = Path(os.environ.get("KGBUILD_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
TRAIN = SHARED / "data" / "train"
PATTERNS = Path(__file__).resolve().parent.parent / "kgbuild" / "data" / "patterns"
OUT = PATTERNS / "task_vocab.jsonl"
PHRASES_OUT = PATTERNS / "task_phrases_train.jsonl"
WORD_RE = re.compile(r"^[a-z0-9][a-z0-9\-]*$")


def scirex_spans():
    for line in (TRAIN / "scirex" / "abstracts_train.jsonl").open():
        row = json.loads(line)
        words = row["words"]
        for start, end, label in row["ner"]:
            if label == "Task":
                yield " ".join(words[start:end]).replace(" - ", "-")


def tdmsci_spans():
    current: list[str] = []
    for line in (TRAIN / "tdmsci" / "train_1500_v2.conll").open():
        parts = line.split()
        tag = parts[-1] if len(parts) >= 3 else "O"
        if tag.startswith("B-TASK") or (tag.startswith("I-TASK") and not current):
            if current:
                yield " ".join(current)
            current = [parts[0]]
        elif tag.startswith("I-TASK"):
            current.append(parts[0])
        else:
            if current:
                yield " ".join(current)
            current = []


def main() -> None:
    counts: Counter = Counter()
    phrases: Counter = Counter()
    for span in [*scirex_spans(), *tdmsci_spans()]:
        words = span.lower().split()
        if len(words) >= 2:
            phrases[" ".join(words)] += 1
        for word in words[:-1]:  # modifiers only; heads are listed in task_heads.jsonl
            if WORD_RE.match(word):
                counts[word] += 1
    with OUT.open("w") as handle:
        for word, count in sorted(counts.items()):
            handle.write(json.dumps({"term": word, "count": count}) + "\n")
    with PHRASES_OUT.open("w") as handle:
        for phrase, count in sorted(phrases.items()):
            handle.write(json.dumps({"term": phrase, "count": count}) + "\n")
    print(f"{len(counts)} words -> {OUT}; {len(phrases)} phrases -> {PHRASES_OUT}")


if __name__ == "__main__":
    main()
