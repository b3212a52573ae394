"""Method names only a title writes as a phrase: which phrases are candidates for the trained
``title_name`` decision, and how a kept one takes the place of a name it extends."""

from __future__ import annotations

from kgbuild.extract.candidates import LEXICON, Found
from kgbuild.extract.title_names import names_from_title, replace_extended, title_name_candidates, title_phrases


def candidates(title: str, abstract: str, title_found=(), abstract_found=()) -> dict[str, list[str]]:
    found = title_name_candidates(title, abstract, list(title_found), list(abstract_found))
    return {title[start:end]: feats for (start, end), _, feats in found}


def test_a_phrase_the_abstract_never_repeats_needs_a_method_head():
    found = candidates("Striped Hourglass Networks for Pose Estimation",
                       "This work introduces a convolutional network for pose estimation.")
    assert "Striped Hourglass Networks" in found and "echoes=0" in found["Striped Hourglass Networks"]
    assert candidates("Learning Fast for Pose Estimation", "We learn fast.") == {}


def test_a_phrase_extending_a_known_name_is_a_candidate_and_replaces_it():
    title = "Frustum PointNets for 3D Detection"
    abstract = "We study 3D detection. Frustum PointNets beat PointNets on KITTI."
    in_title = Found("title", 8, 17, "Method", "pointnet", LEXICON, "PointNets")
    in_abstract = [Found("abstract", 31, 40, "Method", "pointnet", LEXICON, "PointNets"),
                   Found("abstract", 46, 55, "Method", "pointnet", LEXICON, "PointNets")]
    found = candidates(title, abstract, [in_title], in_abstract)
    assert "extends_name" in found["Frustum PointNets"] and "echoes=1" in found["Frustum PointNets"]
    cands = title_name_candidates(title, abstract, [in_title], in_abstract)
    named = names_from_title(title, abstract, cands, lambda feats: True)
    assert [(f.field, f.text) for f in named] == [("title", "Frustum PointNets"), ("abstract", "Frustum PointNets")]
    kept = replace_extended([in_title, *in_abstract], named)
    # the baseline written alone keeps its mention; the two inside the new name are gone
    assert sorted((f.field, f.start, f.text) for f in kept) == [
        ("abstract", 23, "Frustum PointNets"), ("abstract", 46, "PointNets"), ("title", 0, "Frustum PointNets")]


def test_a_phrase_over_a_dataset_or_as_long_as_the_name_is_no_candidate():
    title = "PointNets for Detection on KITTI Scenes"
    found = [Found("title", 0, 9, "Method", "pointnet", LEXICON, "PointNets"),
             Found("title", 27, 32, "Dataset", "kitti", LEXICON, "KITTI")]
    assert "PointNets" not in candidates(title, "PointNets on KITTI.", found)
    assert not any("KITTI" in phrase for phrase in candidates(title, "PointNets on KITTI.", found))


def test_the_article_opening_a_titles_name_is_not_part_of_the_name():
    found = candidates("The Striper: A Fast Agent for Games", "We present the Striper, an agent. The Striper wins.")
    assert "Striper" in found and "The Striper" not in found
    found = candidates("A Joint Striped Model: Growing a Network", "The Joint Striped Model grows.")
    assert "Joint Striped Model" in found
    title = "A-Striped-Net: Hard Examples"
    assert [title[start:end] for start, end, kind in title_phrases(title) if kind == "colon"] == ["A-Striped-Net"]
