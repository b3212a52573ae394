"""The scorer behind `kgbuild eval`, on small hand-made gold and predictions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.cli import cli
from kgbuild.evaluate import repo_identity, score

GOLD = {
    "title": "BoxNet: Simple Boxes",
    "methods": [
        {"name": "BoxNet", "aliases": ["BoxNet"], "proposed": True, "roles": [], "optional": False},
        {"name": "ResNet-50", "aliases": ["ResNet-50", "ResNet50"], "proposed": False, "roles": ["backbone"],
         "optional": False},
        {"name": "CNNs", "aliases": ["CNNs"], "proposed": False, "roles": [], "optional": True},
    ],
    "datasets": [{"name": "COCO", "aliases": ["COCO", "MS COCO", "COCO test-dev"], "optional": False}],
    "metrics": [{"name": "box AP", "aliases": ["box AP"], "optional": False}],
    "tasks": [],
    "repos": [{"url": "https://github.com/acme/boxnet", "optional": False}],
    "evaluated_on": [{"method": "BoxNet", "dataset": "COCO"}],
    "results": [{"method": "BoxNet", "dataset": "COCO", "split": "test-dev", "metric": "box AP",
                 "value": 48.1, "unit": "%"}],
}


def _prediction(**overrides):
    row = {
        "paper": {"title": "BoxNet: simple boxes"},
        "entities": [
            {"type": "Method", "name": "BoxNet", "proposed": True, "roles": []},
            {"type": "Method", "name": "resnet 50", "roles": ["backbone"]},
            {"type": "Method", "name": "CNNs"},
            {"type": "Method", "name": "Detector"},
            {"type": "Dataset", "name": "COCO", "mentions": [{"text": "MS COCO"}]},
            {"type": "Metric", "name": "box AP"},
            {"type": "Repo", "name": "x", "url": "https://github.com/Acme/BoxNet.git"},
        ],
        "relations": [{"type": "EVALUATED_ON", "source": {"name": "BoxNet"}, "target": {"name": "MS COCO"}}],
        "results": [{"method": {"name": "BoxNet"}, "dataset": {"name": "COCO"}, "metric": {"name": "box AP"},
                     "value": 48.1}],
    }
    row.update(overrides)
    return row


def test_aliases_optional_items_and_false_positives_are_counted_as_the_guideline_says():
    report = score([GOLD], [_prediction()])
    method = report.rows["Method"]
    # BoxNet and ResNet-50 found; CNNs is optional (not counted); "Detector" is a false positive.
    assert (method.gold, method.predicted, method.recall, method.precision) == (2, 3, 1.0, 0.667)
    assert report.rows["Dataset"].f1 == 1.0
    assert report.rows["Repo"].f1 == 1.0
    assert report.rows["EVALUATED_ON"].f1 == 1.0
    assert report.rows["RESULT"].f1 == 1.0
    assert report.rows["BACKBONE"].f1 == 1.0
    assert report.rows["PROPOSED"].f1 == 1.0
    assert report.missing == 0


def test_results_need_the_right_value_metric_and_dataset():
    wrong_value = _prediction(results=[{"metric": "box AP", "dataset": "COCO", "value": 47.0}])
    no_dataset = _prediction(results=[{"metric": "box AP", "dataset": None, "value": 48.1}])
    assert score([GOLD], [wrong_value]).rows["RESULT"].f1 == 0.0
    assert score([GOLD], [no_dataset]).rows["RESULT"].f1 == 0.0


def test_a_missing_paper_counts_as_nothing_found():
    report = score([GOLD], [])
    assert report.missing == 1
    assert report.rows["ENTITIES_MICRO"].recall == 0.0


def test_repo_urls_compare_by_owner_and_name():
    assert repo_identity("https://github.com/Acme/BoxNet.git}") == "github.com/acme/boxnet"
    assert repo_identity("github.com/acme/boxnet/tree/main") == "github.com/acme/boxnet"


def test_eval_command_extracts_and_scores(tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD) + "\n")
    (tmp_path / "gold_input.jsonl").write_text(json.dumps({
        "id": "g1", "title": "BoxNet: Simple Boxes",
        "abstract": "We propose BoxNet, built on a ResNet-50 backbone. BoxNet achieves 48.1% box AP on "
                    "COCO test-dev. Code: https://github.com/acme/boxnet."}) + "\n")
    result = CliRunner().invoke(cli, ["eval", str(gold), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["papers"] == 1 and report["missing"] == 0
    assert report["rows"]["Repo"]["f1"] == 1.0
    assert report["rows"]["Method"]["recall"] > 0


def test_eval_without_texts_says_how_to_pass_them(tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD) + "\n")
    result = CliRunner().invoke(cli, ["eval", str(gold)])
    assert result.exit_code == 2
    assert "--input" in result.output


DEV = Path(__file__).parent.parent.parent / "shared" / "eval" / "dev.jsonl"


@pytest.mark.skipif(not DEV.exists(), reason="the dev set lives in ../shared, beside a CI checkout only")
def test_dev_set_evaluation_runs_on_every_annotated_paper():
    result = CliRunner().invoke(cli, ["eval", str(DEV), "--format", "json"], catch_exceptions=False)
    report = json.loads(result.output)
    assert report["papers"] == 30 and report["missing"] == 0
