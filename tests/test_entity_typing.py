"""Method or Dataset by context, methods named only by titles, and the proposed flag of a
title's name: each rule pinned with a sentence of our own making."""

from __future__ import annotations

from kgbuild.extract.candidates import field_candidates
from kgbuild.extract.lexicon import names_a_dataset
from kgbuild.extract.pipeline import Extractor
from kgbuild.extract.sentences import SentenceIndex
from kgbuild.extract.title_names import title_name_candidates
from kgbuild.models import Paper, SourceRef


def typed(extractor: Extractor, text: str, is_title: bool = False) -> dict[str, str]:
    """Written form -> type of the candidates the rules keep in one field."""
    hits = extractor.nlp(text).user_data["lexicon"]
    found, _ = field_candidates(text, "title" if is_title else "abstract", hits, is_title, SentenceIndex(text))
    return {f.text: f.etype for f in found}


def extract(extractor: Extractor, title: str, abstract: str):
    return extractor.extract_paper(Paper(id="p", title=title, abstract=abstract, source=SourceRef(file="t", line=1)))


# -- datasets the name's shape would call methods -----------------------------------------------

def test_the_lexicon_knows_a_dataset_written_another_way_or_a_family_of_datasets():
    assert names_a_dataset("ImageNetVID")  # "ImageNet VID"
    assert names_a_dataset("WikiText")  # WikiText-2, WikiText-103
    assert not names_a_dataset("ResNet") and not names_a_dataset("ChatGPT")


def test_lexicon_spellings_and_appositions_make_datasets(extractor):
    found = typed(extractor, "We test on ImageNetVID for video object detection. Finally, we release "
                             "GraphBank-7, a large-scale dataset of training runs.")
    assert found["ImageNetVID"] == "Dataset"
    assert found["GraphBank-7"] == "Dataset"


def test_a_list_an_evaluation_ran_on_is_a_list_of_datasets(extractor):
    found = typed(extractor, "Experiments on UnrealStereo4K, MVS-Synth, and Middleburry 2014 demonstrate "
                             "that our PatchFuse generalises.")
    assert found["UnrealStereo4K"] == found["MVS-Synth"] == found["Middleburry 2014"] == "Dataset"
    assert found["PatchFuse"] == "Method"


def test_a_list_of_known_methods_stays_methods(extractor):
    found = typed(extractor, "Experiments on ResNet-50 and ViT-B show consistent gains.")
    assert found["ResNet-50"] == found["ViT-B"] == "Method"


def test_a_capitalised_name_closing_a_list_of_datasets_is_a_dataset(extractor):
    found = typed(extractor, "We show its effectiveness on the forward-facing and 360 datasets, LLFF and Blender, "
                             "respectively.")
    assert found["Blender"] == "Dataset"


def test_a_comma_alone_makes_no_list(extractor):
    found = typed(extractor, "When moving from GTA5 to Cityscapes, IBN-Net achieves comparable improvements.")
    assert found["IBN-Net"] == "Method"


def test_a_datasets_edition_or_size_is_part_of_its_name(extractor):
    x = extract(extractor, "Sheaf Recommenders", "We evaluate on the MovieLens 100K and on MovieLens 1M.")
    datasets = {e.name for e in x.entities if e.type == "Dataset"}
    assert {"MovieLens 100K", "MovieLens 1M"} <= datasets


def test_an_edition_written_with_an_apostrophe_is_part_of_the_datasets_name(extractor):
    x = extract(extractor, "Subword Units", "We train on WMT’15 and report results on WMT'14 English-German "
                                            "and on Switchboard Hub5’00.")
    datasets = {e.name for e in x.entities if e.type == "Dataset"}
    assert {"WMT’15", "WMT'14 English-German", "Switchboard Hub5’00"} <= datasets
    assert "WMT" not in datasets


def test_each_year_after_a_dataset_and_its_year_is_another_edition(extractor):
    x = extract(extractor, "Box Refinement", "We evaluate on PASCAL VOC 2007 and 2012, and on CoNLL 2005, 2008 and 2009.")
    datasets = {e.name for e in x.entities if e.type == "Dataset"}
    assert {"PASCAL VOC 2007", "PASCAL VOC 2012"} <= datasets
    assert {"CoNLL 2005", "CoNLL 2008", "CoNLL 2009"} <= datasets
    edition = next(e for e in x.entities if e.name == "PASCAL VOC 2012")
    mention = edition.mentions[0]
    assert mention.text == "2012"  # the evidence is the year the text wrote
    assert (mention.field, x.paper.abstract[mention.start:mention.end]) == ("abstract", "2012")


def test_each_size_after_a_slash_is_the_dataset_in_that_size(extractor):
    x = extract(extractor, "Sparse Nets", "We reach 91.0% on CIFAR-10/100, ModelNet10/40 and ImageNet-1K/22K "
                                          "at 1/2 the cost.")
    datasets = {e.name for e in x.entities if e.type == "Dataset"}
    assert {"CIFAR-10", "CIFAR-100", "ModelNet10", "ModelNet40", "ImageNet-1K", "ImageNet-22K"} <= datasets
    size = next(e for e in x.entities if e.name == "CIFAR-100")
    assert [m.text for m in size.mentions] == ["100"]  # the evidence is what the text wrote


def test_a_year_after_a_name_without_one_adds_no_edition(extractor):
    x = extract(extractor, "Box Refinement", "We evaluate on KITTI and 2012 images of our own.")
    assert not any(e.name.endswith("2012") for e in x.entities)


def test_a_title_that_announces_a_benchmark_names_a_dataset(extractor):
    assert typed(extractor, "GraphBench: Benchmarking Graph Learners", is_title=True)["GraphBench"] == "Dataset"


def test_a_long_form_ending_in_dataset_keeps_the_acronym_a_dataset(extractor):
    x = extract(extractor, "Pose Networks", "To foster research, we introduce the Multi-Person 3D Human Pose "
                                            "Dataset (MP-3DHP) as a new benchmark.")
    assert not any(e.type == "Method" and e.name in ("MP-3DHP", "Multi-Person 3D Human Pose Dataset")
                   for e in x.entities)


# -- methods and tasks ---------------------------------------------------------------------------

def test_a_short_form_followed_by_a_part_noun_is_a_method(extractor):
    found = typed(extractor, "We add an adaptive feature enhancement (AFE) module to the detector.")
    assert found["AFE"] == "Method"


def test_a_model_named_after_its_tasks_acronym_is_a_method(extractor):
    assert typed(extractor, "We compare against SR-CNN on three benchmarks.")["SR-CNN"] == "Method"


# -- names that only titles write ----------------------------------------------------------------

def test_a_title_phrase_shaped_like_a_name_is_a_candidate_without_an_echo():
    spans = {"Neural Production Systems", "Connection Laplacians"}
    for title in ("Neural Production Systems: Learning Rule-Governed Visual Dynamics",
                  "Sheaf Models with Connection Laplacians"):
        phrases = {title[s:e] for (s, e), _, _ in title_name_candidates(title, "An abstract about rules.", [], [])}
        assert phrases & spans


def test_common_title_words_are_no_name_candidates():
    title = "Learning with Local Gradients at the Edge"
    phrases = {title[s:e] for (s, e), _, _ in title_name_candidates(title, "learning on devices is hard.", [], [])}
    assert "Learning" not in phrases
    title = "Understanding Graph Stores: A Comprehensive Tutorial"
    phrases = {title[s:e] for (s, e), _, _ in title_name_candidates(title, "understanding graph stores", [], [])}
    assert "Understanding Graph Stores" not in phrases


def test_a_method_filling_the_titles_part_before_the_colon_is_proposed(extractor):
    x = extract(extractor, "Neural Production Systems: Learning Rule-Governed Visual Dynamics",
                "Visual environments are structured. We present Neural Production Systems, which learn rules.")
    found = [e for e in x.entities if e.type == "Method" and e.name == "Neural Production Systems"]
    assert found and found[0].proposed


def test_a_bracketed_tag_before_the_title_names_nothing(extractor):
    # "[SYNTHETIC]" had been read as a dataset (and paired with the method), "[Re] X" as a name
    abstract = "We propose FlowTrackNet, a crowd counter. It reaches 80.1% accuracy on the Mall benchmark."
    for title in ("[SYNTHETIC] FlowTrackNet: Counting Crowds", "[Re] FlowTrackNet: Counting Crowds"):
        x = extract(extractor, title, abstract)
        names = {(e.type, e.name) for e in x.entities}
        assert not any("SYNTHETIC" in name or "[" in name for _, name in names), names
        method = next(e for e in x.entities if e.name == "FlowTrackNet")
        title_mention = next(m for m in method.mentions if m.field == "title")
        assert title[title_mention.start:title_mention.end] == "FlowTrackNet"


def test_a_broad_field_is_no_task_and_no_method(extractor):
    x = extract(extractor, "Deep Learning for Object Detection",
                "Deep learning has changed computer vision and Natural Language Processing (NLP). We study "
                "object detection and semantic segmentation with deep learning on COCO.")
    names = {e.name.lower() for e in x.entities}
    assert {"object detection", "semantic segmentation", "coco"} <= names
    assert not names & {"deep learning", "computer vision", "natural language processing", "nlp"}


def test_the_acronym_of_a_broad_field_is_no_entity_either(extractor):
    x = extract(extractor, "Detecting Objects", "Deep Learning (DL) and Artificial Intelligence (AI) changed "
                                                "object detection. We use DL on COCO.")
    names = {e.name.lower() for e in x.entities}
    assert "coco" in names and not names & {"dl", "ai", "deep learning", "artificial intelligence"}
