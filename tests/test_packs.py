"""Every query of the packs against a graph whose answers are known: tests/fixtures/packs.

The fixture is twelve made-up papers (tests/fixtures/packs/make_extractions.py describes the
world they build); it is loaded with to_graph + FalkorDBStore.write as a build would, and every
query is asserted row by row. A query added to the packs without a case in GOLDEN fails
test_every_query_has_a_golden_case.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import real_neo4j_runs

from kgbuild.browser import cypher_literal, example_values, grass_style, guide_html, write_browser_assets
from kgbuild.cli import cli
from kgbuild.errors import QueryError
from kgbuild.graph import to_graph
from kgbuild.models import Extraction
from kgbuild.queries import ENTITY_PARAMS, NamedQuery, canonical_name, load_packs, parse_pack
from kgbuild.stores.falkordb_store import FalkorDBStore

FIXTURE = Path(__file__).parent / "fixtures" / "packs" / "extractions.jsonl"
PACKS = load_packs()
EXTRACTIONS = [Extraction.model_validate_json(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
PAPER = {x.paper.id: x.paper for x in EXTRACTIONS}
TITLE = {pid: paper.title for pid, paper in PAPER.items()}


def sentence(paper_id: str, text_start: str) -> str:
    """The abstract sentence of a fixture paper that starts with ``text_start``."""
    abstract = PAPER[paper_id].abstract
    start = abstract.index(text_start)
    end = abstract.find(". ", start)
    return abstract[start:] if end < 0 else abstract[start:end + 1]


def span(paper_id: str, text: str, field: str = "abstract") -> tuple[int, int]:
    start = getattr(PAPER[paper_id], field).index(text)
    return start, start + len(text)


def load_fixture(directory: Path) -> None:
    with FalkorDBStore(directory) as store:
        store.write(to_graph(EXTRACTIONS, "packs-fixture"))


def _backends() -> list[str]:
    # The same golden rows on a real Neo4j: the one the run starts (tests/neo4j), or NEO4J_URI's.
    return ["embedded", "neo4j"] if real_neo4j_runs() else ["embedded"]


@pytest.fixture(scope="module", params=_backends())
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "neo4j":
        target = request.getfixturevalue("neo4j_target")
        target.wipe()
        with target.store(batch_size=50) as opened:
            opened.write(to_graph(EXTRACTIONS, "packs-fixture"))
            yield opened
        return
    directory = tmp_path_factory.mktemp("packs") / "store"
    load_fixture(directory)
    with FalkorDBStore(directory) as opened:
        yield opened


def run(store, name: str, params: dict[str, str] | None = None, canonical: bool = True):
    named = PACKS[name]
    return store.query(named.cypher, named.bind(params or {}, canonical=canonical))


# -- golden answers -------------------------------------------------------------------------------
# name -> cases of (params, columns, rows); the first case of each query lists its columns.

COCO_SENTENCES = {
    "fx-01": sentence("fx-01", "On MS COCO"),
    "fx-02": sentence("fx-02", "PrismDet obtains"),
    "fx-05": sentence("fx-05", "Used as the backbone"),
    "fx-07": sentence("fx-07", "We benchmark"),
    "fx-08": sentence("fx-08", "KiteDet scores"),
    "fx-12": sentence("fx-12", "PrismDet now"),
}
BACKBONES_ON_COCO = [
    # the example is the first title in alphabetical order
    ["ResNet-50", "COCO", 2, TITLE["fx-07"]],
    ["Swin Transformer", "COCO", 2, TITLE["fx-07"]],
    ["ConvNeXt", "COCO", 1, TITLE["fx-12"]],
    ["LumaViT", "COCO", 1, TITLE["fx-05"]],
    ["ResNet-101", "COCO", 1, TITLE["fx-08"]],
]
VOC_SENTENCE = sentence("fx-10", "On PASCAL VOC")
REPO = "https://github.com/fx-lab/{}".format

GOLDEN: dict[str, list[tuple[dict[str, str], list[str] | None, list[list[Any]]]]] = {
    "backbones-evaluated-on": [
        # fx-06 uses Swin Transformer and mentions COCO, but evaluates only on ADE20K and Cityscapes.
        ({"dataset": "COCO"}, ["backbone", "dataset", "papers", "example_paper"], BACKBONES_ON_COCO),
        ({"dataset": "ms-coco"}, None, BACKBONES_ON_COCO),  # a spelling fx-01 wrote, any case
        ({"dataset": "coco", "limit": "3"}, None, BACKBONES_ON_COCO[:3]),
        ({"dataset": "Pascal VOC"}, None, [["ResNet-101", "Pascal VOC", 1, TITLE["fx-08"]],
                                           ["ResNet-50", "Pascal VOC", 1, TITLE["fx-01"]]]),
        ({"dataset": "no such dataset"}, None, []),
    ],
    "methods-evaluated-on": [
        ({"dataset": "COCO"}, ["method", "dataset", "papers", "evidence"], [
            ["PrismDet", "COCO", 2, COCO_SENTENCES["fx-02"]],
            ["Faster R-CNN", "COCO", 1, COCO_SENTENCES["fx-01"]],
            ["GlideNet", "COCO", 1, COCO_SENTENCES["fx-01"]],
            ["KiteDet", "COCO", 1, COCO_SENTENCES["fx-08"]],
            ["LumaViT", "COCO", 1, COCO_SENTENCES["fx-05"]],
            ["ResNet-50", "COCO", 1, COCO_SENTENCES["fx-07"]],
            ["Swin Transformer", "COCO", 1, COCO_SENTENCES["fx-07"]],
        ]),
        # SegFlow: evaluated on ADE20K by fx-03 and fx-06; the evidence is from the first by id
        ({"dataset": "ADE-20K", "limit": "2"}, None, [
            ["SegFlow", "ADE20K", 2, sentence("fx-03", "SegFlow achieves")],
            ["LumaSeg", "ADE20K", 1, sentence("fx-11", "LumaSeg reaches")],
        ]),
    ],
    "leaderboard": [
        ({"dataset": "COCO", "metric": "AP"},
         ["method", "value", "unit", "split", "metric", "dataset", "paper", "paper_id", "evidence"], [
             # PrismDet's best is fx-12's 52.0, not fx-02's 51.3 or 50.1
             ["PrismDet", 52.0, None, "test-dev", "AP", "COCO", TITLE["fx-12"], "fx-12", COCO_SENTENCES["fx-12"]],
             ["GlideNet", 48.2, None, "test-dev", "AP", "COCO", TITLE["fx-01"], "fx-01", COCO_SENTENCES["fx-01"]],
             ["LumaViT", 47.7, None, None, "AP", "COCO", TITLE["fx-05"], "fx-05", COCO_SENTENCES["fx-05"]],
             ["KiteDet", 45.0, None, "val", "AP", "COCO", TITLE["fx-08"], "fx-08", COCO_SENTENCES["fx-08"]],
             ["Faster R-CNN", 42.0, None, "test-dev", "AP", "COCO", TITLE["fx-01"], "fx-01",
              COCO_SENTENCES["fx-01"]],
         ]),
        ({"dataset": "coco", "metric": "ap", "split": "VAL"}, None, [
            ["PrismDet", 50.1, None, "val", "AP", "COCO", TITLE["fx-02"], "fx-02", COCO_SENTENCES["fx-02"]],
            ["KiteDet", 45.0, None, "val", "AP", "COCO", TITLE["fx-08"], "fx-08", COCO_SENTENCES["fx-08"]],
        ]),
        ({"dataset": "COCO", "metric": "AP", "lower_is_better": "true", "limit": "2"}, None, [
            ["Faster R-CNN", 42.0, None, "test-dev", "AP", "COCO", TITLE["fx-01"], "fx-01", COCO_SENTENCES["fx-01"]],
            ["KiteDet", 45.0, None, "val", "AP", "COCO", TITLE["fx-08"], "fx-08", COCO_SENTENCES["fx-08"]],
        ]),
        # a tie at 49.0 is ordered by method; SegFlow's best is fx-03's 47.5, not fx-06's 46.9
        ({"dataset": "ade20k", "metric": "MIOU"}, None, [
            ["LumaSeg", 49.0, None, None, "mIoU", "ADE20K", TITLE["fx-11"], "fx-11", sentence("fx-11", "LumaSeg reaches")],
            ["OrbitSeg", 49.0, None, None, "mIoU", "ADE20K", TITLE["fx-06"], "fx-06",
             sentence("fx-06", "OrbitSeg attains")],
            ["SegFlow", 47.5, None, None, "mIoU", "ADE20K", TITLE["fx-03"], "fx-03", sentence("fx-03", "SegFlow achieves")],
        ]),
    ],
    "metrics-for-dataset": [
        ({"dataset": "coco"}, ["metric", "dataset", "papers", "results", "methods", "lowest", "highest"], [
            ["AP", "COCO", 5, 7, 5, 42.0, 52.0],
            ["FPS", "COCO", 1, 1, 1, 23.5, 23.5],
        ]),
        ({"dataset": "VOC"}, None, [["mAP", "Pascal VOC", 2, 3, 3, 82.3, 84.0]]),
    ],
    "methods-compared-with": [
        # papers_with_both: fx-01 mentions GlideNet with Faster R-CNN and with its ResNet-50 backbone
        ({"method": "GlideNet"}, ["method", "compared_with", "shared_datasets", "datasets", "papers_with_both"], [
            ["GlideNet", "KiteDet", ["COCO", "Pascal VOC"], 2, 0],
            ["GlideNet", "PrismDet", ["COCO", "Pascal VOC"], 2, 0],
            ["GlideNet", "Faster R-CNN", ["COCO"], 1, 1],
            ["GlideNet", "FocalMix", ["Pascal VOC"], 1, 0],
            ["GlideNet", "LumaViT", ["COCO"], 1, 0],
            ["GlideNet", "ResNet-50", ["COCO"], 1, 1],
            ["GlideNet", "Swin Transformer", ["COCO"], 1, 0],
        ]),
        # SegFlow shares ADE20K and Cityscapes with OrbitSeg, and fx-06 mentions both
        ({"method": "segflow", "limit": "2"}, None, [
            ["SegFlow", "OrbitSeg", ["ADE20K", "Cityscapes"], 2, 1],
            ["SegFlow", "LumaSeg", ["ADE20K"], 1, 0],
        ]),
    ],
    "most-used-backbones": [
        ({}, ["backbone", "papers", "example_papers"], [
            ["ResNet-50", 4, [TITLE["fx-07"], TITLE["fx-01"], TITLE["fx-03"]]],
            ["Swin Transformer", 3, [TITLE["fx-07"], TITLE["fx-06"], TITLE["fx-02"]]],
            ["LumaViT", 2, [TITLE["fx-11"], TITLE["fx-05"]]],
            ["ConvNeXt", 1, [TITLE["fx-12"]]],
            ["ResNet-101", 1, [TITLE["fx-08"]]],
        ]),
        # the tie at one paper is broken by name: ConvNeXt stays, ResNet-101 is cut
        ({"limit": "4"}, None, [
            ["ResNet-50", 4, [TITLE["fx-07"], TITLE["fx-01"], TITLE["fx-03"]]],
            ["Swin Transformer", 3, [TITLE["fx-07"], TITLE["fx-06"], TITLE["fx-02"]]],
            ["LumaViT", 2, [TITLE["fx-11"], TITLE["fx-05"]]],
            ["ConvNeXt", 1, [TITLE["fx-12"]]],
        ]),
    ],
    "top-datasets": [
        ({}, ["dataset", "papers", "methods"], [
            ["COCO", 6, 7], ["Pascal VOC", 3, 4], ["ADE20K", 3, 3], ["Cityscapes", 2, 2],
            ["AeroScenes", 1, 1], ["DOTA", 1, 1], ["ImageNet", 1, 1],
        ]),
        ({"limit": "2"}, None, [["COCO", 6, 7], ["Pascal VOC", 3, 4]]),
    ],
    "co-evaluated-datasets": [
        ({}, ["dataset_a", "dataset_b", "papers"], [
            ["ADE20K", "Cityscapes", 2], ["COCO", "Pascal VOC", 2], ["AeroScenes", "DOTA", 1], ["COCO", "ImageNet", 1],
        ]),
        ({"dataset": "MS COCO"}, None, [["COCO", "Pascal VOC", 2], ["COCO", "ImageNet", 1]]),
        ({"limit": "1"}, None, [["ADE20K", "Cityscapes", 2]]),
    ],
    "new-methods": [
        # PrismDet is proposed again in 2024 (fx-12) but first in 2023 (fx-02): not new
        ({"since": "2024-01-01"}, ["method", "first_proposed", "paper", "paper_id", "source_file", "papers"], [
            ["LumaSeg", "2024-07-07", TITLE["fx-11"], "fx-11", "listings/2024-b.txt", 1],
            ["OrbitSeg", "2024-05-11", TITLE["fx-06"], "fx-06", "listings/2024-b.txt", 1],
            ["LumaViT", "2024-03-05", TITLE["fx-05"], "fx-05", "listings/2024-b.txt", 1],
            ["TerraNet", "2024-01-20", TITLE["fx-04"], "fx-04", "listings/2024-b.txt", 1],
        ]),
        ({"since": "2024-05", "limit": "1"}, None, [
            ["LumaSeg", "2024-07-07", TITLE["fx-11"], "fx-11", "listings/2024-b.txt", 1],
        ]),
        ({"source": "2022-z"}, None, [["KiteDet", "2022-11-30", TITLE["fx-08"], "fx-08", "listings/2022-z.txt", 1]]),
        ({"source": "2023-a", "since": "2023-06-01"}, None, [
            ["FocalMix", "2023-12-01", TITLE["fx-10"], "fx-10", "listings/2023-a.txt", 1],
            ["SegFlow", "2023-09-15", TITLE["fx-03"], "fx-03", "listings/2023-a.txt", 1],
            ["PrismDet", "2023-06-01", TITLE["fx-02"], "fx-02", "listings/2023-a.txt", 2],
        ]),
        ({"since": "2025"}, None, []),
    ],
    "datasets-for-task": [
        ({"task": "Object Detection"}, ["dataset", "task", "papers", "evaluated", "example_papers"], [
            ["COCO", "object detection", 5, 5, [TITLE["fx-07"], TITLE["fx-01"], TITLE["fx-08"]]],
            ["Pascal VOC", "object detection", 3, 3, [TITLE["fx-01"], TITLE["fx-08"], TITLE["fx-10"]]],
            # fx-02 mentions ImageNet (pre-training) without evaluating on it
            ["ImageNet", "object detection", 1, 0, [TITLE["fx-02"]]],
        ]),
        ({"task": "semantic-segmentation", "limit": "1"}, None, [
            ["ADE20K", "semantic segmentation", 3, 3, [TITLE["fx-11"], TITLE["fx-06"], TITLE["fx-03"]]],
        ]),
    ],
    "tasks-for-method": [
        ({"method": "resnet 50"}, ["task", "method", "papers", "example_papers"], [
            ["object detection", "ResNet-50", 2, [TITLE["fx-07"], TITLE["fx-01"]]],
            ["oriented object detection", "ResNet-50", 1, [TITLE["fx-04"]]],
            ["semantic segmentation", "ResNet-50", 1, [TITLE["fx-03"]]],
        ]),
        ({"method": "LumaViT"}, None, [
            ["image classification", "LumaViT", 1, [TITLE["fx-05"]]],
            ["semantic segmentation", "LumaViT", 1, [TITLE["fx-11"]]],
        ]),
    ],
    "methods-for-task": [
        ({"task": "object detection"}, ["method", "task", "papers", "example_papers"], [
            ["PrismDet", "object detection", 2, [TITLE["fx-12"], TITLE["fx-02"]]],
            ["FocalMix", "object detection", 1, [TITLE["fx-10"]]],
            ["GlideNet", "object detection", 1, [TITLE["fx-01"]]],
            ["KiteDet", "object detection", 1, [TITLE["fx-08"]]],
        ]),
        ({"task": "semantic segmentation", "limit": "2"}, None, [
            ["LumaSeg", "semantic segmentation", 1, [TITLE["fx-11"]]],
            ["OrbitSeg", "semantic segmentation", 1, [TITLE["fx-06"]]],
        ]),
    ],
    "method-papers": [
        ({"method": "Prism-Det"}, ["method", "paper_id", "title", "date", "repos", "evidence"], [
            ["PrismDet", "fx-02", TITLE["fx-02"], "2023-06-01", [REPO("prismdet")], "PrismDet"],
            ["PrismDet", "fx-12", TITLE["fx-12"], "2024-09-01", [REPO("prismdet-v2")], "PrismDet"],
        ]),
        ({"method": "SegFlow"}, None, [["SegFlow", "fx-03", TITLE["fx-03"], "2023-09-15", [], "SegFlow"]]),
        ({"method": "BlobNet"}, None, []),  # mentioned, never proposed
    ],
    "methods-with-code": [
        ({}, ["method", "repos", "repositories", "papers"], [
            ["PrismDet", [REPO("prismdet"), REPO("prismdet-v2")], 2, 2],
            ["FocalMix", [REPO("focalmix")], 1, 1],
            ["GlideNet", [REPO("glidenet")], 1, 1],
            ["KiteDet", [REPO("kitedet")], 1, 1],
            ["LumaViT", [REPO("lumavit")], 1, 1],
            ["OrbitSeg", [REPO("orbitseg")], 1, 1],
            ["TerraNet", [REPO("terranet")], 1, 1],
        ]),
        ({"dataset": "COCO", "limit": "3"}, None, [
            ["PrismDet", [REPO("prismdet"), REPO("prismdet-v2")], 2, 2],
            ["GlideNet", [REPO("glidenet")], 1, 1],
            ["KiteDet", [REPO("kitedet")], 1, 1],
        ]),
    ],
    "paper-card": [],  # asserted in test_paper_card_lists_every_fact_with_its_evidence
    "entity-lookup": [
        ({"name": "ms-coco"}, ["type", "key", "name", "aliases", "papers", "first_papers"], [
            ["Dataset", "coco", "COCO", ["COCO", "MS COCO"], 7, ["fx-01", "fx-02", "fx-05", "fx-06", "fx-07"]],
        ]),
        ({"name": "resnet_50"}, None, [["Method", "resnet50", "ResNet-50", ["ResNet-50"], 4,
                                        ["fx-01", "fx-03", "fx-04", "fx-07"]]]),
        ({"name": "https://github.com/fx-lab/kitedet"}, None, [
            ["Repo", "github.com/fx-lab/kitedet", REPO("kitedet"), [REPO("kitedet")], 1, ["fx-08"]],
        ]),
        ({"name": "GitHub.com/FX-lab/KiteDet"}, None, [
            ["Repo", "github.com/fx-lab/kitedet", REPO("kitedet"), [REPO("kitedet")], 1, ["fx-08"]],
        ]),
        ({"name": "Microsoft COCO"}, None, []),  # no paper wrote it; 'name' is not resolved by type
    ],
    "low-evidence-entities": [
        ({}, ["type", "key", "name", "papers", "facts", "aliases"], [
            ["Dataset", "tinycount", "TinyCount", 1, 0, ["TinyCount"]],
            ["Method", "blobnet", "BlobNet", 1, 0, ["BlobNet"]],
            ["Task", "fewshotcounting", "few-shot counting", 1, 0, ["few-shot counting"]],
            ["Task", "imageclassification", "image classification", 1, 0, ["image classification"]],
            ["Task", "orientedobjectdetection", "oriented object detection", 1, 0,
             ["Oriented Object Detection", "oriented object detection"]],
        ]),
        ({"type": "method", "max_facts": "1"}, None, [
            ["Method", "blobnet", "BlobNet", 1, 0, ["BlobNet"]],
            ["Method", "convnext", "ConvNeXt", 1, 1, ["ConvNeXt"]],
            ["Method", "resnet101", "ResNet-101", 1, 1, ["ResNet-101"]],
        ]),
        ({"type": "Metric", "max_papers": "1", "max_facts": "1"}, None, [
            ["Metric", "top1accuracy", "top-1 accuracy", 1, 1, ["top-1 accuracy"]],
        ]),
    ],
    "incomplete-results": [
        ({}, ["paper", "method", "dataset", "metric", "value", "unit", "split", "evidence"], [
            ["fx-04", "TerraNet", None, "FPS", 20.0, None, None, "TerraNet runs at 20.0 FPS."],
            ["fx-09", None, None, "FPS", 33.3, None, None, "The counter runs at 33.3 FPS."],
        ]),
        ({"limit": "1"}, None, [["fx-04", "TerraNet", None, "FPS", 20.0, None, None, "TerraNet runs at 20.0 FPS."]]),
    ],
}

CASES = [pytest.param(name, params, columns, rows, id=f"{name}-{i}")
         for name, cases in GOLDEN.items() for i, (params, columns, rows) in enumerate(cases)]


@pytest.mark.parametrize(("name", "params", "columns", "rows"), CASES)
def test_golden_rows(store, name: str, params: dict[str, str], columns: list[str] | None, rows: list[list[Any]]):
    result = run(store, name, params)
    if columns is not None:
        assert result.columns == columns
    assert result.rows == rows


def test_paper_card_lists_every_fact_with_its_evidence(store):
    fx10 = PAPER["fx-10"]
    sent = span("fx-10", VOC_SENTENCE)
    repo = REPO("focalmix")
    expected = [
        ["fx-10", "proposes", "Method", "FocalMix", None, None, None, "abstract", *span("fx-10", "FocalMix"), "FocalMix"],
        ["fx-10", "has_code", "Repo", repo, None, None, None, "abstract", *span("fx-10", repo), repo],
        ["fx-10", "evaluated_on", "Method", "FocalMix", "Pascal VOC", None, None, "abstract", *sent, VOC_SENTENCE],
        ["fx-10", "evaluated_on", "Method", "PrismDet", "Pascal VOC", None, None, "abstract", *sent, VOC_SENTENCE],
        ["fx-10", "reports", "Result", "FocalMix", "Pascal VOC", 84.0, ["mAP", None, None], "abstract", *sent,
         VOC_SENTENCE],
        ["fx-10", "reports", "Result", "PrismDet", "Pascal VOC", 83.5, ["mAP", None, None], "abstract", *sent,
         VOC_SENTENCE],
        ["fx-10", "mentions", "Dataset", "Pascal VOC", None, None, ["PASCAL VOC"], "title",
         *span("fx-10", "PASCAL VOC", "title"), "PASCAL VOC"],
        ["fx-10", "mentions", "Method", "FocalMix", None, None, ["FocalMix"], "abstract", *span("fx-10", "FocalMix"),
         "FocalMix"],
        ["fx-10", "mentions", "Method", "PrismDet", None, None, ["Prism-Det"], "abstract", *span("fx-10", "Prism-Det"),
         "Prism-Det"],
        ["fx-10", "mentions", "Metric", "mAP", None, None, ["mAP"], "abstract", *span("fx-10", "mAP"), "mAP"],
        ["fx-10", "mentions", "Repo", repo, None, None, [repo], "abstract", *span("fx-10", repo), repo],
        ["fx-10", "mentions", "Task", "object detection", None, None, ["object detection"], "abstract",
         *span("fx-10", "object detection"), "object detection"],
    ]
    expected = [[row[0], None, *row[1:]] for row in expected]  # fixture papers carry no record id
    by_title = run(store, "paper-card", {"paper": fx10.title.upper()})
    assert by_title.columns == ["paper", "record_id", "fact", "type", "subject", "object", "value", "detail",
                                "field", "start", "end", "evidence"]
    assert by_title.rows == expected
    # the start of a title, in any case, finds the paper too; a blank one finds none
    assert run(store, "paper-card", {"paper": "revisiting DETECTORS on"}).rows == expected
    assert run(store, "paper-card", {"paper": "  "}).rows == []
    assert run(store, "paper-card", {"paper": "fx-10"}).rows == expected
    assert run(store, "paper-card", {"paper": "fx-10", "limit": "3"}).rows == expected[:3]
    assert run(store, "paper-card", {"paper": "fx-99"}).rows == []
    # a paper with an undated, result-free card still lists its evaluations and mentions
    survey = run(store, "paper-card", {"paper": "fx-07"}).rows
    assert [row[2] for row in survey] == ["uses_backbone", "uses_backbone", "evaluated_on", "evaluated_on",
                                          "mentions", "mentions", "mentions", "mentions"]


# -- names: case, aliases and the lexicon ---------------------------------------------------------


def test_names_match_any_case_and_written_spelling_without_the_lexicon(store):
    # what Neo4j Browser sends: the raw value, normalised only by the query itself
    for spelling in ("COCO", "coco", "MS COCO", "ms-coco", "Ms.Coco", "MS_COCO"):
        assert run(store, "backbones-evaluated-on", {"dataset": spelling}, canonical=False).rows == BACKBONES_ON_COCO
    assert run(store, "backbones-evaluated-on", {"dataset": "Microsoft COCO"}, canonical=False).rows == []


def test_the_cli_resolves_names_through_the_lexicon(store):
    # no fixture paper wrote "Microsoft COCO" or "Common Objects in Context"; the lexicon knows both
    for spelling in ("Microsoft COCO", "Common Objects in Context"):
        assert run(store, "backbones-evaluated-on", {"dataset": spelling}).rows == BACKBONES_ON_COCO
    assert run(store, "tasks-for-method", {"method": "ResNet50"}).rows == GOLDEN["tasks-for-method"][0][2]


def test_canonical_name_maps_known_names_and_normalises_the_rest():
    assert canonical_name("Dataset", "Microsoft COCO") == "coco"
    assert canonical_name("Dataset", "PASCAL VOC") == "pascalvoc"
    assert canonical_name("Method", "ResNet 50") == "resnet50"
    assert canonical_name("Metric", "Top-1 Accuracy") == "top1accuracy"
    assert canonical_name("Method", "GlideNet++ (v2)") == "glidenetv2"  # unknown: normalised as `lookup` is
    assert canonical_name("Dataset", "--") == "--"  # nothing left to normalise: passed as given


def test_bind_resolves_only_entity_parameters():
    leaderboard = PACKS["leaderboard"]
    bound = leaderboard.bind({"dataset": "MS-COCO", "metric": "Box AP", "split": "Test-Dev", "limit": "5"})
    assert bound == {"dataset": "coco", "metric": "boxap", "split": "Test-Dev", "lower_is_better": False, "limit": 5}
    raw = leaderboard.bind({"dataset": "MS-COCO", "metric": "Box AP"}, canonical=False)
    assert (raw["dataset"], raw["metric"]) == ("MS-COCO", "Box AP")
    assert PACKS["entity-lookup"].bind({"name": "MS COCO"}) == {"name": "MS COCO", "limit": 20}
    assert set(ENTITY_PARAMS) >= {"dataset", "method", "metric", "task"}


def test_cli_query_on_the_fixture(tmp_path: Path):
    directory = tmp_path / "store"
    load_fixture(directory)
    result = CliRunner().invoke(cli, ["query", "backbones-evaluated-on", "-p", "dataset=Microsoft COCO",
                                      "--format", "json", "--store", str(directory)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["backbone"], r["papers"]) for r in rows] == [(r[0], r[2]) for r in BACKBONES_ON_COCO]


# -- every query: complete header, ordering, limit, golden case -----------------------------------


def test_there_are_at_least_fifteen_queries_in_themed_packs():
    assert len(PACKS) >= 15
    assert len({q.pack for q in PACKS.values()}) >= 4


def test_every_query_has_a_golden_case():
    missing = sorted(set(PACKS) - set(GOLDEN))
    assert not missing, f"queries without golden answers in tests/test_packs.py: {missing}"
    unknown = sorted(set(GOLDEN) - set(PACKS))
    assert not unknown, f"golden answers for queries that do not exist: {unknown}"
    for name, cases in GOLDEN.items():
        assert cases or name == "paper-card", f"{name} has no golden case"
        assert any(rows for _, _, rows in cases) or name == "paper-card", f"{name}: every golden case is empty"


@pytest.mark.parametrize("name", sorted(PACKS))
def test_every_header_is_complete(name: str):
    named: NamedQuery = PACKS[name]
    assert re.fullmatch(r"[a-z][a-z0-9-]+", named.name)
    assert len(named.description) > 30 and named.description.endswith(".")
    assert named.example.startswith(f"kgbuild query {name}")
    example_params = dict(re.findall(r"--param (\w+)=(\"[^\"]*\"|\S+)", named.example))
    declared = {p.name for p in named.params}
    assert set(example_params) <= declared
    assert {p.name for p in named.params if p.required} <= set(example_params)
    named.bind({k: v.strip('"') for k, v in example_params.items()})  # the example's values are valid


@pytest.mark.parametrize("name", sorted(PACKS))
def test_every_query_orders_limits_and_uses_exactly_its_parameters(name: str):
    named = PACKS[name]
    limit = next((p for p in named.params if p.name == "limit"), None)
    assert limit is not None and limit.type == "int" and isinstance(limit.default, int) and limit.default > 0
    assert re.search(r"\bLIMIT \$limit\b", named.cypher)
    final = named.cypher[named.cypher.rindex("RETURN"):]
    assert "ORDER BY" in final, "the last RETURN must have its own ORDER BY"
    used = set(re.findall(r"\$([A-Za-z_]\w*)", named.cypher))
    assert used == {p.name for p in named.params}
    assert "EXISTS {" not in named.cypher.upper().replace("EXISTS{", "EXISTS {")  # FalkorDB has no EXISTS {}
    assert "CALL" not in named.cypher.upper()


# -- hostile parameters ---------------------------------------------------------------------------

HOSTILE = [
    "COCO' OR '1'='1",
    'COCO" OR 1=1 //',
    "} RETURN 1 //",
    "COCO'}) MATCH (n) DETACH DELETE n RETURN n //",
    "x' UNION MATCH (n) RETURN n.id, n.key, 1, 1, 1, 1, 1, 1, 1 //",
    "$dataset",
    "CREATE (:Paper {id: 'evil'})",
]
VALID = {"dataset": "COCO", "metric": "AP", "method": "GlideNet", "task": "object detection", "paper": "fx-10",
         "name": "COCO"}


@pytest.mark.parametrize("canonical", [True, False], ids=["cli", "browser"])
def test_hostile_parameter_values_return_nothing_and_write_nothing(store, canonical: bool):
    before = (store.counts(), store.export())
    tried = 0
    for name, named in PACKS.items():
        required = {p.name: VALID[p.name] for p in named.params if p.required}
        for param in named.params:
            if param.type != "string":
                continue
            for value in HOSTILE:
                rows = run(store, name, {**required, param.name: value}, canonical=canonical).rows
                assert rows == [], f"{name} with {param.name}={value!r} returned {rows}"
                tried += 1
    assert tried >= 15 * len(HOSTILE)
    assert (store.counts(), store.export()) == before


def test_hostile_dates_and_numbers_are_rejected_before_the_store():
    for value in ("2024' OR 1=1", "} RETURN 1 //", "yesterday"):
        with pytest.raises(QueryError):
            PACKS["new-methods"].bind({"since": value})
    with pytest.raises(QueryError):
        PACKS["top-datasets"].bind({"limit": "1 RETURN 1"})


def test_a_pack_with_a_writing_clause_is_refused():
    text = "// name: evil\n// description: Deletes.\n// params: limit (int, 1)\nMATCH (n) DETACH DELETE n\n"
    with pytest.raises(QueryError, match="read-only"):
        parse_pack(text, "evil")


# -- Neo4j Browser assets -------------------------------------------------------------------------


class _Pres(HTMLParser):
    """Collects the text of every runnable <pre> of a guide."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre" and "runnable" in (dict(attrs).get("class") or ""):
            self._open = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.blocks[-1] += data


def test_browser_assets_in_the_repository_are_generated_from_the_packs(tmp_path: Path):
    written = write_browser_assets(tmp_path)
    assert sorted(p.name for p in written) == ["guide.html", "style.grass"]
    committed = Path(__file__).parent.parent / "cypher" / "browser"
    for path in written:
        assert (committed / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"cypher/browser/{path.name} is stale: run kgbuild browser-assets --out cypher/browser")


def test_the_guide_has_every_query_with_runnable_params_and_cypher():
    parser = _Pres()
    parser.feed(guide_html(PACKS))
    blocks = parser.blocks
    for named in PACKS.values():
        assert named.cypher in blocks, f"{named.name} is not a runnable block of the guide"
        for param in named.params:
            assert any(b.startswith(f":param {param.name} => ") for b in blocks)
    assert ":param dataset => 'DOTA'" in blocks  # backbones-evaluated-on's example value
    assert ":param limit => 25" in blocks  # an integer, as LIMIT needs
    assert ":param split => null" in blocks
    assert all(b.startswith(":param ") or b.lstrip().startswith(("WITH", "MATCH", "OPTIONAL MATCH")) for b in blocks)


def test_the_guide_values_are_cypher_literals():
    assert cypher_literal("O'Brien\\Net") == "'O\\'Brien\\\\Net'"
    assert (cypher_literal(None), cypher_literal(True), cypher_literal(25)) == ("null", "true", "25")
    assert example_values(PACKS["leaderboard"]) == {"dataset": "COCO", "metric": "AP", "split": None,
                                                    "lower_is_better": False, "limit": 20}


def test_the_style_captions_papers_by_title_entities_by_name_results_by_value():
    style = grass_style()
    blocks = dict(re.findall(r"node\.(\w+) \{(.*?)\n\}", style, re.S))
    assert set(blocks) == {"Paper", "Method", "Dataset", "Metric", "Task", "Repo", "Result"}
    assert 'caption: "{title}"' in blocks["Paper"]
    assert 'caption: "{value}"' in blocks["Result"]
    for label in ("Method", "Dataset", "Metric", "Task", "Repo"):
        assert 'caption: "{name}"' in blocks[label]
    colours = {re.search(r"\bcolor: (#[0-9A-F]{6})", body).group(1) for body in blocks.values()}
    assert len(colours) == len(blocks)
    assert style.count("{") == style.count("}")


def test_cli_browser_assets_writes_both_files(tmp_path: Path):
    result = CliRunner().invoke(cli, ["browser-assets", "--out", str(tmp_path / "assets")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "assets" / "guide.html").is_file() and (tmp_path / "assets" / "style.grass").is_file()
    assert ":play" in result.output
    assert "Example" in CliRunner().invoke(cli, ["browser-assets", "--help"]).output


def test_the_fixture_is_what_its_generator_writes_and_every_span_is_exact():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_extractions", FIXTURE.with_name("make_extractions.py"))
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    lines = [json.dumps(generator.extraction(paper), ensure_ascii=False, sort_keys=True) for paper in generator.PAPERS]
    assert FIXTURE.read_text(encoding="utf-8") == "\n".join(lines) + "\n", (
        "tests/fixtures/packs/extractions.jsonl is stale: run tests/fixtures/packs/make_extractions.py")
    for extraction in EXTRACTIONS:
        paper = extraction.paper
        for entity in extraction.entities:
            for mention in entity.mentions:
                assert getattr(paper, mention.field)[mention.start:mention.end] == mention.text
        for fact in [*extraction.relations, *extraction.results]:
            assert paper.abstract[fact.evidence.start:fact.evidence.end] == fact.evidence.text
