"""The annotated evaluation documents, which no shipped word list may learn from.

Issue #17: never report a score on data a model or a rule was fitted to. The project's
evaluation abstracts include 282 SciREX training documents (``shared/eval/train_scirex.jsonl``),
and SciREX's own mention labels of those same documents are in ``shared/data/train/scirex``.
Built from those labels, the lexicons and task vocabularies would hold the very names the
held-out abstracts are scored on, and cross-validation (which retrains the models per fold,
not the lexicons) would be inflated. So the builders drop every training document (SciREX
abstract, TDMSci sentence) whose text is one of the evaluation texts: the shipped files are
then the files the cross-validation evaluates.

Only the texts of ``<shared>/eval/*_input.jsonl`` are read (to recognise the documents), never
an annotation file. Texts are compared with everything but letters and digits removed,
lower-cased, so tokenisation ("state - of - the - art" vs "state-of-the-art") does not matter;
a training document is held out when its text contains an evaluation text or lies inside one
(pieces shorter than ``MIN_CHARS`` letters and digits are too short to tell and never match).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

MIN_CHARS = 40
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def squeeze(text: str) -> str:
    """Letters and digits only, lower case: the form texts are compared in."""
    return _NOT_ALNUM.sub("", text.lower())


class HeldOut:
    """Evaluation texts; ``holds(text)`` tells whether a training document is one of them."""

    def __init__(self, texts: list[str] | None = None) -> None:
        self.texts = sorted({t for t in (squeeze(x) for x in texts or []) if len(t) >= MIN_CHARS})
        self._joined = "\n".join(self.texts)

    @classmethod
    def from_eval_dir(cls, folder: Path | None) -> HeldOut:
        """The texts (title, abstract, text fields) of every ``*_input.jsonl`` in ``folder``."""
        texts: list[str] = []
        for path in sorted(folder.glob("*_input.jsonl")) if folder and folder.is_dir() else []:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if not line.strip():
                        continue
                    row = json.loads(line)
                    body = " ".join(str(row.get(k) or "") for k in ("abstract", "text"))
                    texts.append(body)
                    texts.append(str(row.get("title") or "") + " " + body)
        return cls(texts)

    def holds(self, text: str) -> bool:
        t = squeeze(text)
        if len(t) < MIN_CHARS:
            return False
        return t in self._joined or any(e in t for e in self.texts)

    def __len__(self) -> int:
        return len(self.texts)


def default_eval_dir(shared: Path) -> Path:
    return shared / "eval"
