"""Run extract + resolve on the dev input and score it: python scripts/eval_dev.py [OUT.jsonl]."""

from __future__ import annotations

import os
import subprocess
import tempfile
import sys
from pathlib import Path

import orjson

from kgbuild.extract import extract
from kgbuild.extract.jsonl import extraction_to_line
from kgbuild.models import Paper, SourceRef
from kgbuild.resolve import resolve

# The evaluation data folder: ../shared beside the checkout, or KGBUILD_SHARED.
SHARED = Path(os.environ.get("KGBUILD_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
EVAL_DIR = SHARED / "eval"


def dev_papers(path: Path):
    with path.open("rb") as handle:
        for line_number, raw in enumerate(handle, 1):
            row = orjson.loads(raw)
            yield Paper(id=row["id"], title=row.get("title", ""), abstract=row.get("abstract", ""),
                        source=SourceRef(file=str(path), line=line_number))


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(tempfile.gettempdir()) / "kgbuild_dev_out.jsonl"
    with out.open("wb") as handle:
        for extraction in resolve(extract(dev_papers(EVAL_DIR / "dev_input.jsonl"))):
            handle.write(extraction_to_line(extraction))
    return subprocess.call([sys.executable, str(EVAL_DIR / "score.py"), str(EVAL_DIR / "dev.jsonl"), str(out)])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
