"""Second opinion on generality: Method/Task/Metric recall against SciREX abstract annotations.

SciREX marks every mention (including generic ones), so precision is not meaningful here;
recall of the annotated spans, and the share of our mentions that hit an annotated span
of the same type, are.  python scripts/scirex_check.py
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

from kgbuild.extract import extract
from kgbuild.models import Paper, SourceRef

# The evaluation data folder: ../shared beside the checkout, or KGBUILD_SHARED.
SHARED = Path(os.environ.get("KGBUILD_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
PATH = SHARED / "data" / "train" / "scirex" / "abstracts_train.jsonl"
TYPE_MAP = {"Method": "Method", "Task": "Task", "Metric": "Metric", "Material": "Dataset"}


def norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def main() -> None:
    docs = [json.loads(line) for line in open(PATH)]
    papers, golds = [], []
    for n, doc in enumerate(docs):
        words = doc["words"]
        text = " ".join(words)
        papers.append(Paper(id=doc["doc_id"], title="", abstract=text, source=SourceRef(file=PATH, line=n + 1)))
        golds.append({(TYPE_MAP[label], norm(" ".join(words[s:e]))) for s, e, label in doc["ner"] if label in TYPE_MAP})
    hit, total, pred_hit, pred_total = Counter(), Counter(), Counter(), Counter()
    for extraction, gold in zip(extract(papers), golds):
        predicted = {(e.type, norm(m.text)) for e in extraction.entities for m in e.mentions}
        for item in gold:
            total[item[0]] += 1
            hit[item[0]] += item in predicted
        for item in predicted:
            pred_total[item[0]] += 1
            pred_hit[item[0]] += item in gold
    for etype in ("Method", "Task", "Metric", "Dataset"):
        print(f"{etype:8} recall {hit[etype] / max(1, total[etype]):.3f} ({total[etype]} gold forms)  "
              f"ours-in-gold {pred_hit[etype] / max(1, pred_total[etype]):.3f} ({pred_total[etype]} forms)")


if __name__ == "__main__":
    main()
