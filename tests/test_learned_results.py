"""The learned result decisions (``result``, ``result_metric``, ``result_dataset``) with the
shipped models, on sentences of our own making: which numbers are absolute results, of which
measure and on which dataset."""

from __future__ import annotations

import pytest

from kgbuild.extract.decisions import Decisions
from kgbuild.extract.pipeline import Extractor
from kgbuild.extract.result_features import CANDIDATE_RE
from kgbuild.models import Paper, SourceRef


def extract(extractor: Extractor, title: str, abstract: str):
    return extractor.extract_paper(Paper(id="p", title=title, abstract=abstract, source=SourceRef(file="t", line=1)))


def triples(extraction) -> set[tuple[str, float, str | None]]:
    return {(r.metric.name, r.value, r.dataset.name if r.dataset else None) for r in extraction.results}


def test_candidates_include_efficiency_figures_and_slashed_pairs():
    text = "86.1%/87.5% accuracy, 28M parameters, 4.5G FLOPs and 410B FLOPs on AP50 with x400"
    found = [(m.group(1), m.group(2), m.group(3)) for m in CANDIDATE_RE.finditer(text)]
    assert found == [("86.1", "%", None), ("87.5", "%", None), ("28", None, "M"), ("4.5", None, "G"),
                     ("410", None, "B")]


def test_a_coordinated_list_pairs_element_by_element(extractor):
    x = extract(extractor, "ZorpNet: Dense Pretraining for Detection and Segmentation",
                "We propose ZorpNet, a dense pretraining method. Specifically, ZorpNet achieves 61.3 AP, "
                "42.7 mAP and 78.4 mIoU on PASCAL VOC, COCO and Cityscapes, respectively.")
    assert triples(x) == {("AP", 61.3, "PASCAL VOC"), ("mAP", 42.7, "COCO"), ("mIoU", 78.4, "Cityscapes")}


def test_a_trailing_delta_and_a_plus_gain_are_no_results(extractor):
    x = extract(extractor, "QuxSeg: Boundary Refinement for Semantic Segmentation",
                "We present QuxSeg, a segmentation network. QuxSeg reaches 52.4 mIoU on ADE20K, which is "
                "1.8 mIoU higher than Swin-T. On Cityscapes, QuxSeg brings +2.3% mIoU over the baseline.")
    assert triples(x) == {("mIoU", 52.4, "ADE20K")}


def test_efficiency_figures_are_results_without_unit(extractor):
    x = extract(extractor, "FlumNet: Efficient Image Classification",
                "We propose FlumNet, an efficient convolutional network. FlumNet obtains 83.2% top-1 accuracy "
                "on ImageNet with only 28M parameters and 4.5G FLOPs.")
    got = {(r.metric.name, r.value, r.unit) for r in x.results}
    assert ("top-1 accuracy", 83.2, "%") in got
    assert ("parameters", 28.0, None) in got
    assert ("FLOPs", 4.5, None) in got


def test_an_error_rate_keeps_its_own_measure(extractor):
    x = extract(extractor, "GrelNet for Image Classification",
                "We present GrelNet, a compact residual network. GrelNet reaches 21.7% top-1 error on ImageNet.")
    (result,) = x.results
    assert (result.metric.name, result.value, result.unit) == ("top-1 error", 21.7, "%")


def test_a_bounded_figure_is_no_result(extractor):
    x = extract(extractor, "Reading House Numbers with WumpNet",
                "We present WumpNet, a convolutional network for digit recognition. We evaluate WumpNet on "
                "SVHN and achieve over 96% accuracy on complete house numbers.")
    assert x.results == []


def test_slashed_scores_of_two_sizes_are_two_results(extractor):
    x = extract(extractor, "PlonkFormer: Integral Pretraining of Vision Transformers",
                "We present PlonkFormer, a pretraining framework. The base/large PlonkFormer achieves an "
                "85.9%/87.4% top-1 accuracy on ImageNet-1K.")
    assert triples(x) == {("top-1 accuracy", 85.9, "ImageNet-1K"), ("top-1 accuracy", 87.4, "ImageNet-1K")}



@pytest.fixture(scope="module")
def extractor_without_dataset_model() -> Extractor:
    """The shipped models but the one that places a number's dataset: what the sentence itself
    pairs must hold whatever that model (retrained on other papers) would say."""
    shipped = Decisions.shipped()
    return Extractor(decisions=Decisions({name: model for name, model in shipped.models.items()
                                          if name != "result_dataset"}))


def test_slashed_scores_count_as_one_element_of_a_coordinated_list(extractor, extractor_without_dataset_model):
    abstract = ("We introduce BrindleNet, a pixel-level pretext task. It achieves 58.4 AP, 39.2 / 38.7 mAP and "
                "75.9 mIoU when transferred to PASCAL VOC detection, COCO detection and Cityscapes segmentation, "
                "which are 1.9 AP, 0.6 / 0.9 mAP and 0.8 mIoU better than the previous best methods.")
    for ex in (extractor, extractor_without_dataset_model):
        x = extract(ex, "BrindleNet: Pixel Contrast for Dense Pretraining", abstract)
        assert triples(x) == {("AP", 58.4, "PASCAL VOC"), ("mAP", 39.2, "COCO"), ("mAP", 38.7, "COCO"),
                              ("mIoU", 75.9, "Cityscapes")}


def test_a_score_goes_to_the_dataset_written_after_its_measure(extractor, extractor_without_dataset_model):
    abstract = ("We present TarnNet, a pretraining framework. The small/base TarnNet achieves a 84.1%/86.0% "
                "top-1 accuracy on ImageNet-1K, a 51.7%/54.2% box AP on COCO object detection with the "
                "Mask R-CNN framework, and a 52.3%/55.0% mIoU on ADE20K semantic segmentation.")
    for ex in (extractor, extractor_without_dataset_model):
        x = extract(ex, "Integrally Pretrained Pyramid Backbones", abstract)
        assert triples(x) == {("top-1 accuracy", 84.1, "ImageNet-1K"), ("top-1 accuracy", 86.0, "ImageNet-1K"),
                              ("box AP", 51.7, "COCO"), ("box AP", 54.2, "COCO"),
                              ("mIoU", 52.3, "ADE20K"), ("mIoU", 55.0, "ADE20K")}
