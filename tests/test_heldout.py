"""The word-list builders hold the annotated evaluation documents out (issue #17).

A training document (SciREX abstract, TDMSci sentence) whose text is one of the evaluation
texts must contribute nothing to the lexicons or the task vocabularies, by default; otherwise
the cross-validated scores are scored with names read off the held-out documents' own labels.
The fixture (tests/fixtures/heldout/shared, see its README) is a tiny shared folder: of two
SciREX documents the first is an evaluation document, of two TDMSci sentences the second is.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
SHARED = ROOT / "tests" / "fixtures" / "heldout" / "shared"


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(SCRIPTS / script), "--shared", str(SHARED), *args],
                          check=True, capture_output=True, text=True)
    return done.stdout


def canonical(out: Path) -> dict[tuple[str, str], dict]:
    rows = [json.loads(line) for line in (out / "canonical.jsonl").open(encoding="utf-8")]
    return {(r["type"], r["key"]): r for r in rows}


def terms(path: Path) -> set[str]:
    return {json.loads(line)["term"] for line in path.open(encoding="utf-8")}


def test_the_lexicons_take_nothing_from_an_evaluation_document(tmp_path):
    held, kept = tmp_path / "held", tmp_path / "kept"
    counts = run("build_lexicons.py", "--out", str(held))
    run("build_lexicons.py", "--out", str(kept), "--include-eval-docs", "--quiet")
    assert "scirex_documents_held_out: 1" in counts and "tdmsci_sentences_held_out: 1" in counts
    with_eval, without = canonical(kept), canonical(held)
    # the evaluation document labels ResNet (Method) and Cityscapes (Material): seeds both,
    # SciREX is among their sources only when that document is read
    for key in (("Method", "resnet"), ("Dataset", "cityscapes")):
        assert "scirex" in with_eval[key]["sources"], key
        assert "scirex" not in without[key]["sources"], key
    # the other document is not an evaluation document: its InfoGAN and MNIST stay, and are
    # all that SciREX or TDMSci still adds
    from_sources = {k for k, r in without.items() if set(r["sources"]) - {"seed"}}
    assert from_sources == {("Method", "infogan"), ("Dataset", "mnist")}
    assert "scirex" in without[("Method", "infogan")]["sources"]


def test_the_task_vocabularies_take_nothing_from_an_evaluation_document(tmp_path):
    held, kept = tmp_path / "held", tmp_path / "kept"
    run("build_task_vocab.py", "--out", str(held))
    run("build_task_vocab.py", "--out", str(kept), "--include-eval-docs")
    assert {"semantic image segmentation", "frame identification"} <= terms(kept / "task_phrases_train.jsonl")
    phrases = terms(held / "task_phrases_train.jsonl")
    assert "query segmentation" in phrases  # the TDMSci sentence that is not evaluation text
    assert not phrases & {"semantic image segmentation", "autonomous driving systems", "frame identification"}
    assert "autonomous" not in terms(held / "task_vocab.jsonl")


def test_only_long_enough_texts_match():
    sys.path.insert(0, str(SCRIPTS))
    from lexicons.heldout import HeldOut

    held = HeldOut(["Semantic image segmentation is an essential component of modern driving systems ."])
    assert held.holds("section : Abstract Semantic image segmentation is an essential component of "
                      "modern driving systems . More text follows")
    assert held.holds("semantic image segmentation is an essential component of modern")  # inside one
    assert not held.holds("Semantic image segmentation")  # too short to tell
    assert not held.holds("Object detection is an essential component of modern driving systems .")
