"""Properties of the shipped EntityRuler lexicons (kgbuild/data/lexicons).

These tests read the shipped files only; the determinism / freshness tests rebuild them
from ../shared and are skipped when that folder is not there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kgbuild.names import identity_key

ROOT = Path(__file__).resolve().parents[1]
LEX = ROOT / "kgbuild" / "data" / "lexicons"
SHARED = ROOT.parent / "shared"
SCRIPT = ROOT / "scripts" / "build_lexicons.py"

PATTERN_FILES = {
    "datasets.jsonl": ("DATASET", "Dataset"),
    "metrics.jsonl": ("METRIC", "Metric"),
    "tasks.jsonl": ("TASK", "Task"),
    "methods.jsonl": ("METHOD", "Method"),
}
LEXICON_FILES = sorted(PATTERN_FILES) + ["canonical.jsonl", "splits.jsonl"]

# words that must never be a pattern on their own (they are too generic to be a name)
STOP = {
    "the", "and", "of", "for", "with", "a", "an", "in", "on", "to", "by", "we", "our",
    "data", "dataset", "datasets", "model", "models", "method", "methods", "approach",
    "result", "results", "performance", "network", "networks", "image", "images", "video",
    "videos", "text", "error", "errors", "test", "train", "training", "learning", "task",
    "tasks", "classification", "detection", "segmentation", "recognition", "generation",
    "translation", "attention", "transformer", "score", "average", "mean", "overall", "all",
    "cancer", "3d", "benchmark", "baseline", "framework", "system", "graph", "speech",
}
SPLIT_WORDS = ("test-dev", "test-std", "test", "val", "validation", "minival", "dev", "train")


def read(name: str) -> list[dict]:
    with (LEX / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def canonical() -> dict[tuple[str, str], dict]:
    return {(r["type"], r["key"]): r for r in read("canonical.jsonl")}


@pytest.fixture(scope="module")
def patterns() -> dict[str, list[dict]]:
    return {name: read(name) for name in PATTERN_FILES}


def ids_for(patterns: dict[str, list[dict]], file: str, surface: str) -> set[str]:
    return {p["id"] for p in patterns[file] if p["pattern"].lower() == surface.lower()}


def test_every_pattern_line_is_valid(patterns):
    for name, (label, _typ) in PATTERN_FILES.items():
        rows = patterns[name]
        assert rows, f"{name} is empty"
        for r in rows:
            assert set(r) >= {"label", "pattern", "id", "case"}, r
            assert r["label"] == label, r
            assert isinstance(r["pattern"], str) and r["pattern"].strip() == r["pattern"] != ""
            assert r["case"] in ("exact", "lower"), r
            assert r["id"] and r["id"] == identity_key(r["id"]), r


def test_every_id_is_a_canonical_entity(patterns, canonical):
    for name, (_label, typ) in PATTERN_FILES.items():
        for r in patterns[name]:
            assert (typ, r["id"]) in canonical, f"{name}: {r} has no canonical entity"


def test_canonical_rows(canonical):
    assert {t for t, _ in canonical} == {"Dataset", "Metric", "Task", "Method"}
    keys = [k for _, k in canonical]
    assert len(keys) == len(set(keys)), "a key is used by two types"
    for (typ, k), r in canonical.items():
        assert r["key"] == identity_key(r["name"]), r  # the key is the normalised display name
        assert r["aliases"], r
        assert r["source"] in ("pwc", "sota_extractor", "tdmsci", "scirex", "seed"), r
        if "parent" in r:
            assert (typ, r["parent"]) in canonical, r


def test_ms_coco_and_coco_share_a_key(patterns):
    coco = ids_for(patterns, "datasets.jsonl", "COCO")
    assert coco == {"coco"}
    for alias in ("MS COCO", "MS-COCO", "MSCOCO", "Microsoft COCO"):
        assert ids_for(patterns, "datasets.jsonl", alias) == coco, alias


def test_splits_are_not_datasets(patterns):
    surfaces = {p["pattern"].lower() for p in patterns["datasets.jsonl"]}
    for bad in ("coco test-dev", "cityscapes test", "bdd100k val", "gqa test-std", "deliver test"):
        assert bad not in surfaces, bad
    # the base datasets are there
    for good in ("cityscapes", "bdd100k", "gqa", "deliver"):
        assert good in surfaces, good
    for s in surfaces:
        assert not any(s.endswith(" " + w) for w in SPLIT_WORDS), s


def test_software_frameworks_are_no_lexicon_names(patterns):
    # "implemented in Caffe": a framework is no dataset, whatever a gazetteer lists as "CaFFe"
    for framework in ("Caffe", "caffe", "TensorFlow", "tensorflow", "PyTorch", "Theano", "Keras", "MXNet"):
        for file in PATTERN_FILES:
            assert not ids_for(patterns, file, framework), (framework, file)


def test_test_dev_is_a_split():
    rows = read("splits.jsonl")
    by_pattern = {r["pattern"]: r["split"] for r in rows}
    assert by_pattern["test-dev"] == "test-dev"
    for variant in ("test dev", "testdev"):
        assert by_pattern[variant] == "test-dev"
    assert by_pattern["val"] == "val" and by_pattern["validation set"] == "val"


def test_top1_variants_share_a_metric_key(patterns):
    ids = set()
    for alias in ("Top-1", "top-1 accuracy", "Top-1 Accuracy", "Top 1 Accuracy", "top-1 acc"):
        got = ids_for(patterns, "metrics.jsonl", alias)
        assert len(got) == 1, (alias, got)
        ids |= got
    assert ids == {"top1accuracy"}


def test_acronym_and_expansion_share_a_key(patterns):
    assert ids_for(patterns, "tasks.jsonl", "VQA") == ids_for(
        patterns, "tasks.jsonl", "Visual Question Answering"
    )
    assert ids_for(patterns, "metrics.jsonl", "WER") == ids_for(
        patterns, "metrics.jsonl", "word error rate"
    )


def test_another_expansion_of_a_seeded_acronym_is_not_that_entity(patterns):
    # The ADE20K seed lists "ADE"; Papers with Code also writes "Adverse Drug Events (ADE)
    # Corpus". The two must not become one dataset.
    assert ids_for(patterns, "datasets.jsonl", "ADE") == {"ade20k"}
    assert "ade20k" not in ids_for(patterns, "datasets.jsonl", "Adverse Drug Events Corpus")


def test_no_bare_common_word(patterns, canonical):
    for name, (_label, typ) in PATTERN_FILES.items():
        for p in patterns[name]:
            text = p["pattern"]
            if p["case"] == "lower":
                assert text.lower() not in STOP, p
            else:
                assert text not in STOP, p  # an exact lower-case common word is no name
                if text.lower() in STOP:  # "Transformer": only a hand-checked seed may do this
                    assert canonical[(typ, p["id"])]["source"] == "seed", p


def test_no_single_characters_numbers_or_long_patterns(patterns):
    for name in PATTERN_FILES:
        for p in patterns[name]:
            k = identity_key(p["pattern"])
            assert len(k) >= 2, p
            assert not k.isdigit(), p
            assert len(p["pattern"].split()) <= 8, p


def test_short_acronyms_are_case_exact(patterns):
    for name in PATTERN_FILES:
        for p in patterns[name]:
            if p["pattern"].isupper() and len(identity_key(p["pattern"])) <= 3:
                assert p["case"] == "exact", p


def test_patterns_load_into_spacy_entity_rulers(patterns):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    lower = nlp.add_pipe("entity_ruler", name="lex_lower", config={"phrase_matcher_attr": "LOWER"})
    exact = nlp.add_pipe("entity_ruler", name="lex_exact", config={"phrase_matcher_attr": "ORTH"})
    for rows in patterns.values():
        lower.add_patterns([{k: r[k] for k in ("label", "pattern", "id")} for r in rows if r["case"] == "lower"])
        exact.add_patterns([{k: r[k] for k in ("label", "pattern", "id")} for r in rows if r["case"] == "exact"])
    doc = nlp("Our Swin-L detector reaches 58.7 box AP on COCO test-dev for object detection.")
    found = {(e.text, e.label_, e.ent_id_) for e in doc.ents}
    assert ("COCO", "DATASET", "coco") in found
    assert ("box AP", "METRIC", "boxap") in found
    assert ("object detection", "TASK", "objectdetection") in found
    assert ("Swin-L", "METHOD", "swinl") in found


def _build(out: Path) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(SHARED), "--out", str(out), "--quiet"],
        check=True,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    if not (SHARED / "data" / "gazetteers").is_dir():
        pytest.skip(f"{SHARED} is absent: cannot rebuild the lexicons from their sources")
    a = tmp_path_factory.mktemp("lex_a")
    b = tmp_path_factory.mktemp("lex_b")
    _build(a)
    _build(b)
    return a, b


def test_build_is_deterministic(rebuilt):
    a, b = rebuilt
    for name in LEXICON_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_shipped_lexicons_are_up_to_date(rebuilt):
    a, _ = rebuilt
    for name in LEXICON_FILES:
        assert (a / name).read_bytes() == (LEX / name).read_bytes(), (
            f"{name} differs from a fresh build: run scripts/build_lexicons.py"
        )
