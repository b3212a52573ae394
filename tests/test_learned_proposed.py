"""The proposed flag: what its model reads, and what the shipped models and rules say
(sentences of our own making)."""

from __future__ import annotations

import pytest

from kgbuild.extract.features import PRIOR_ADJECTIVE_RE, PRIOR_BEFORE_RE, listed_after_proposal
from kgbuild.extract.pipeline import Extractor
from kgbuild.models import Paper, SourceRef


def _paper(title: str, abstract: str) -> Paper:
    return Paper(id="p", title=title, abstract=abstract, source=SourceRef(file="t", line=1))


def method_features(title: str, abstract: str) -> dict[str, list[str]]:
    """Every method's proposed-flag features, by the forms it is written in."""
    seen: dict[str, list[str]] = {}

    def trace(paper_id, kind, candidate, features):
        if kind == "method":
            for form in candidate["forms"]:
                seen[form] = features

    Extractor(trace=trace).extract_paper(_paper(title, abstract))
    return seen


def proposed(extractor: Extractor, title: str, abstract: str) -> dict[str, bool]:
    x = extractor.extract_paper(_paper(title, abstract))
    return {e.name: bool(e.proposed) for e in x.entities if e.type == "Method"}


@pytest.mark.parametrize("sentence, part", [
    ("Our tracker is built from three sub-networks: 1) a ShoalNet that finds every fish; 2) a "
     "lightweight CurrentNet that models the water flow.", "CurrentNet"),
    ("We propose a two-stage pipeline with two networks, i.e., SketchStage and InkStage, trained "
     "one after the other.", "InkStage"),
    ("We turn the attention layer into a pure convolution, namely ConvFolding, which keeps the "
     "query-key structure.", "ConvFolding"),
    ("The whole system consists of a KelpEncoder that reads the sonar frames.", "KelpEncoder"),
])
def test_a_part_the_text_lists_is_marked(sentence, part):
    feats = method_features("Watching Fish Underwater", "Counting fish in murky water is hard. " + sentence +
                            " It works well on the Reef benchmark.")
    assert "listed_part" in feats[part]


@pytest.mark.parametrize("sentence, name", [
    ("The best results so far come from RiverNet, trained on 3 large corpora.", "RiverNet"),
    ("We compare with ShoalNet and CurrentNet, e.g. on murky scenes.", "CurrentNet"),
])
def test_a_name_in_running_text_is_no_listed_part(sentence, name):
    feats = method_features("Watching Fish Underwater", "Counting fish in murky water is hard. " + sentence)
    assert "listed_part" not in feats[name]


def test_the_listed_parts_of_what_we_propose_are_proposed(extractor):
    flags = proposed(extractor, "Echoes: Counting Bats from Ultrasound",
                     "Counting bats from their calls is hard. We propose a counting pipeline with two cascaded "
                     "networks, i.e., CallSplitNet, and WingCountNet. The pipeline beats earlier counters on "
                     "the BatCalls benchmark.")
    assert flags.get("WingCountNet") is True


@pytest.mark.parametrize("before", [
    "We plug our adapter into pre-trained ",
    "We combine TideNet and ",
    "Our counter is built on top of ",
    "We start from an off-the-shelf ",
    "We extend the pretrained ShoalNet/",
])
def test_work_the_paper_uses_is_read_as_prior_work(before):
    assert PRIOR_BEFORE_RE.search(before.lower())


@pytest.mark.parametrize("before", ["We propose ", "Our new ", "Unlike earlier counters, "])
def test_what_the_paper_proposes_is_not_read_as_prior_work(before):
    assert not PRIOR_BEFORE_RE.search(before.lower())


def test_what_our_method_is_put_into_is_not_proposed(extractor):
    flags = proposed(extractor, "Steering Sound Generators",
                     "Sound generators are hard to steer. We propose a light adapter, and we integrate our "
                     "adapter into pre-trained WaveFormer to steer it. It beats earlier adapters on the "
                     "BirdSong benchmark.")
    assert flags.get("WaveFormer") is False


def _view(title: str, abstract: str, monkeypatch):
    """The paper view the method decisions read, and its drafts by their written forms."""
    import kgbuild.extract.pipeline as pipeline

    seen = {}
    decide = pipeline.decide_methods

    def capture(view, *args, **kwargs):
        seen["view"] = view
        return decide(view, *args, **kwargs)

    monkeypatch.setattr(pipeline, "decide_methods", capture)
    Extractor().extract_paper(_paper(title, abstract))
    view = seen["view"]
    return view, {form: d for d in view.drafts for form in (d.name, *d.forms)}


def test_a_part_listed_once_the_paper_says_what_it_proposes_is_after_the_proposal(monkeypatch):
    view, drafts = _view("Reef Counting", "Counting fish is hard. We present ReefCount, a counter with two parts: "
                         "(1) a GridSplitNet that cuts the frame, and (2) a TileMixer block that adds context. "
                         "It beats earlier counters on the Reef benchmark.", monkeypatch)
    assert listed_after_proposal(view, drafts["TileMixer"])


def test_a_part_listed_before_the_paper_says_what_it_proposes_is_not(monkeypatch):
    view, drafts = _view("Reef Counting", "Earlier counters have two parts: (1) a GridSplitNet that cuts the frame, "
                         "and (2) a tile merger. We present ReefCount, which needs neither. It beats earlier counters "
                         "on the Reef benchmark.", monkeypatch)
    assert not listed_after_proposal(view, drafts["GridSplitNet"])


def test_the_parts_listed_after_the_proposal_are_proposed(extractor):
    flags = proposed(extractor, "Counting Bats from Ultrasound",
                     "Counting bats is hard. We introduce a counter. It is made of two parts: (i) EchoSplit, which "
                     "cuts the calls, and (ii) EchoCount, which counts them. The counter beats earlier counters on "
                     "the BatCalls benchmark.")
    assert flags.get("EchoSplit") is True and flags.get("EchoCount") is True


@pytest.mark.parametrize("before", [
    "the conventional ",
    "the powerful ",
    "a recent generalizable ",
    "the celebrated residual ",
    "the widely used ",
])
def test_words_that_make_a_name_earlier_work(before):
    assert PRIOR_ADJECTIVE_RE.search(before)


@pytest.mark.parametrize("before", ["we propose a new ", "our ", "we present the first "])
def test_words_of_a_proposal_are_not_earlier_work(before):
    assert not PRIOR_ADJECTIVE_RE.search(before)


def test_models_listed_as_what_the_paper_compares_against_are_no_parts(monkeypatch):
    view, drafts = _view("Fast Graph Kernels", "Graph learning is slow. We propose GraphForge, a compiler for graph "
                         "models. GraphForge runs 5x faster compared with the best public systems on select models, "
                         "i.e., RiverGCN and LakeGAT, on large graphs.", monkeypatch)
    assert not listed_after_proposal(view, drafts["RiverGCN"])


def test_what_a_list_names_as_backbones_is_no_proposed_part(extractor):
    flags = proposed(extractor, "Judging Portrait Quality",
                     "Portrait quality is hard to judge. We propose a dual-branch judge. Specifically, we utilize two "
                     "backbone networks (i.e., ShoalFormer-B) to extract the quality-aware features. The judge beats "
                     "earlier ones on the PortraitQ benchmark.")
    assert flags.get("ShoalFormer-B") is not True
