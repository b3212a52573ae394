"""The backbone role with the shipped (retrained) models and rules: sentences of our own making."""

from __future__ import annotations

import pytest

from kgbuild.extract.pipeline import Extractor
from kgbuild.models import Paper, SourceRef


def extract(extractor: Extractor, title: str, abstract: str):
    return extractor.extract_paper(Paper(id="p", title=title, abstract=abstract, source=SourceRef(file="t", line=1)))


def roles(extraction) -> dict[str, bool]:
    return {e.name: "backbone" in (e.roles or []) for e in extraction.entities if e.type == "Method"}


def test_a_list_after_backbones_such_as_goes_on_past_a_parenthesised_acronym(extractor):
    x = extract(extractor, "Learning Depth Priors for Image Encoders",
                "Popular backbones such as Vision Transformers (ViT) and ResNets are trained on flat "
                "images only. We pre-train them with depth priors and fine-tune on ScanNet.")
    r = roles(x)
    assert r.get("ResNets") is True
    assert any(r.get(name) for name in ("Vision Transformers", "ViT"))


def test_a_network_used_as_the_base_network_is_a_backbone(extractor):
    x = extract(extractor, "Siamese Matching of Product Photos",
                "We train a Siamese network with VGG16 as the base network and apply the learned embeddings "
                "to product retrieval on Stanford Online Products.")
    assert roles(x).get("VGG16") is True


def test_a_study_named_after_backbones_takes_no_role(extractor):
    x = extract(extractor, "Clash of the Backbones: Comparing Pretrained Vision Models",
                "Vision systems are typically built on a backbone. We present Clash of the Backbones (CoB), "
                "a benchmark that compares many pretrained models on classification, detection and retrieval. "
                "CoB backbones are ranked by their transfer accuracy.")
    assert not any(flag for name, flag in roles(x).items() if "backbone" in name.lower())


def test_a_proposed_general_purpose_vision_backbone(extractor):
    x = extract(extractor, "QuillNet: Gated Stripe Attention Networks",
                "We present QuillNet, a new family of hierarchical vision networks built from gated stripe "
                "attention. QuillNet reaches 84.1% top-1 accuracy on ImageNet-1K, 51.2 box AP on COCO object "
                "detection and 49.8 mIoU on ADE20K semantic segmentation, showing its promise as a "
                "general-purpose vision backbone for dense prediction tasks.")
    assert roles(x).get("QuillNet") is True


def test_its_promise_as_a_backbone_is_said_of_the_sentences_subject(extractor):
    x = extract(extractor, "Stripe Attention for Vision",
                "QuillNet surpasses PlumFormer-B by 1.2 AP on COCO, 2.0 mIoU on ADE20K and 0.9% top-1 accuracy "
                "on ImageNet, showing its promise as a general-purpose vision backbone.")
    assert roles(x).get("QuillNet") is True
    assert roles(x).get("PlumFormer-B") is not True


def test_a_method_compared_against_in_a_backbone_paper_is_no_backbone(extractor):
    x = extract(extractor, "QuillNet: Gated Stripe Attention Networks",
                "We present QuillNet, a general-purpose vision backbone. QuillNet-B reaches 84.1% top-1 "
                "accuracy on ImageNet, surpassing PlumFormer-B by 0.9%, and 51.2 box AP on COCO.")
    assert roles(x).get("PlumFormer-B") is not True


def test_the_backbone_of_a_protein_is_no_method_role(extractor):
    x = extract(extractor, "Designing Protein Folds with Frame Flow Matching",
                "Protein design models generate the residue backbone frames of a protein. We propose "
                "FoldFlowNet, which models the protein backbone with equivariant flow matching and "
                "outperforms RFdiffusion in designability on CATH.")
    assert not any(roles(x).values())


# The rules alone (no trained model): each of these fails without its rule.

@pytest.fixture(scope="module")
def rules_only() -> Extractor:
    from kgbuild.extract.decisions import Decisions

    return Extractor(decisions=Decisions())


def test_a_list_after_backbones_in_a_field_such_as(rules_only):
    x = extract(rules_only, "Depth Priors for Flat Encoders",
                "Common backbones in computer vision, such as Swin Transformers (Swin) and ResNets, only ever "
                "see flat images. We pre-train them with depth priors and fine-tune on ScanNet.")
    r = roles(x)
    assert r.get("ResNets") is True
    assert any(r.get(name) for name in ("Swin Transformers", "Swin"))


def test_tasks_after_backbones_in_a_field_take_no_role(rules_only):
    x = extract(rules_only, "KiteNet: Striped Attention Networks",
                "KiteNet outperforms existing vision backbones in downstream tasks such as object detection "
                "with PlumNet heads on COCO.")
    assert roles(x).get("PlumNet") is False


def test_the_method_a_clause_says_is_serving_as_the_backbone(rules_only):
    x = extract(rules_only, "KiteNet: Striped Attention Networks",
                "We propose KiteNet, a striped attention network. In addition, KiteNet has obtained strong "
                "transfer results on several detection benchmarks serving as the backbone, and is used by "
                "winning entries.")
    assert roles(x).get("KiteNet") is True


def test_serving_as_the_backbone_after_a_clause_end_names_no_earlier_method(rules_only):
    x = extract(rules_only, "Shared Heads for Detection",
                "We compare against PlumNet; a small convolutional stack serving as the backbone keeps the "
                "detector fast on COCO.")
    assert roles(x).get("PlumNet") is False


def test_methods_listed_after_architectures_based_on_in_a_backbone_paper(rules_only):
    x = extract(rules_only, "FoldNet: A New Backbone for Mobile Vision",
                "We propose FoldNet. FoldNet is simple and general enough to cope with architectures based on "
                "ResNet, ResNeXt, and DenseNet. It is evaluated on ImageNet.")
    r = roles(x)
    assert r.get("ResNet") is True and r.get("ResNeXt") is True and r.get("DenseNet") is True


def test_architectures_based_on_in_a_paper_without_backbones_give_no_role(rules_only):
    x = extract(rules_only, "FoldNet for Mobile Vision",
                "We propose FoldNet. FoldNet is simple and general enough to cope with architectures based on "
                "ResNet, ResNeXt, and DenseNet. It is evaluated on ImageNet.")
    assert roles(x).get("ResNeXt") is False


def test_a_proposed_network_whose_title_names_feature_extraction(rules_only):
    x = extract(rules_only, "Temporal Gating Network for Robust Audio Feature Extraction",
                "Noisy recordings are a challenge for audio understanding. We present a unified framework, called "
                "Temporal Gating Network (TGN). It gates the input features in the backbone network. TGN reaches "
                "state-of-the-art results on AudioSet and ESC-50.")
    assert any(flag for name, flag in roles(x).items() if name in ("TGN", "Temporal Gating Network"))


def test_a_proposed_network_whose_title_names_another_task(rules_only):
    x = extract(rules_only, "Temporal Gating Network for Robust Audio Event Detection",
                "Noisy recordings are a challenge for audio understanding. We present a unified framework, called "
                "Temporal Gating Network (TGN). It gates the input features in the backbone network. TGN reaches "
                "state-of-the-art results on AudioSet and ESC-50.")
    assert not any(flag for name, flag in roles(x).items() if name in ("TGN", "Temporal Gating Network"))


def test_a_list_after_backbone_family_models_eg(rules_only):
    x = extract(rules_only, "Split Blocks for Convolutional Networks",
                "The proposed block can be plugged into backbone CNN models, e.g., ResNet, ResNeXt, and DLA. "
                "We evaluate it on CIFAR-100 and ImageNet.")
    r = roles(x)
    assert r.get("ResNet") is True and r.get("DLA") is True


def test_the_method_a_backbone_paper_plugs_its_part_into_is_a_backbone(rules_only):
    x = extract(rules_only, "Neighbour Mixing for Graph Backbones",
                "Graph backbones aggregate features from neighbours. Experiments show that plugging in neighbour "
                "mixing to PlumGCN and KiteGAT raises node classification accuracy on Cora.")
    r = roles(x)
    assert r.get("PlumGCN") is True and r.get("KiteGAT") is True


def test_the_method_a_backbone_paper_improves_is_a_backbone(rules_only):
    x = extract(rules_only, "ShapeTalk: Language Pre-training for Point Cloud Backbones",
                "We present ShapeTalk, which aligns point clouds with captions. ShapeTalk improves the "
                "performance of PlumPoint by 3% on ScanObjectNN.")
    assert roles(x).get("PlumPoint") is True


def test_the_method_a_paper_without_backbones_improves_takes_no_role(rules_only):
    x = extract(rules_only, "ShapeTalk: Language Pre-training for Point Clouds",
                "We present ShapeTalk, which aligns point clouds with captions. ShapeTalk improves the "
                "performance of PlumPoint by 3% on ScanObjectNN.")
    assert roles(x).get("PlumPoint") is False
