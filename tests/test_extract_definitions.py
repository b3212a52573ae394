"""Acronym definitions and naming cues on made-up sentences (none taken from the eval sets)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_extract import run  # noqa: E402

from kgbuild.extract import rules  # noqa: E402
from kgbuild.extract.acronyms import find_definitions  # noqa: E402


def types_of(extraction, written: str) -> set[str]:
    """The types of every entity with a mention written exactly ``written``."""
    return {e.type for e in extraction.entities if any(m.text == written for m in e.mentions)}


def entities_with(extraction, written: str) -> list:
    return [e for e in extraction.entities if any(m.text == written for m in e.mentions)]


# --- a defined acronym follows its long form, not the dataset lexicon -------------------

def test_acronym_the_paper_defines_as_a_method_is_no_lexicon_dataset():
    # "GQA" is a question-answering dataset in the lexicon; this paper's GQA is a layer
    x = run("Graph reasoning",
            "Graph Query Attention (GQA) is a layer that lets queries attend over a graph. "
            "We show GQA improves question answering on CLEVR.")
    assert types_of(x, "GQA") == {"Method"}
    assert types_of(x, "Graph Query Attention") == {"Method"}


def test_every_mention_of_a_defined_method_acronym_joins_one_method():
    # "CUB" is the birds dataset in the lexicon: the later mention must not stay apart
    x = run("Counting",
            "We propose Cascaded Upsampling Block (CUB), a decoder that restores detail. "
            "CUB improves density maps on ShanghaiTech.")
    found = entities_with(x, "CUB")
    assert len(found) == 1 and found[0].type == "Method"
    assert {m.text for m in found[0].mentions} >= {"CUB", "Cascaded Upsampling Block"}


def test_dataset_acronym_defined_by_its_dataset_long_form_stays_a_dataset():
    x = run("Visual reasoning",
            "We evaluate on the Street View House Numbers (SVHN) digits and report 97.2% accuracy on SVHN.")
    assert types_of(x, "SVHN") == {"Dataset"}


# --- a number after a cued name is part of the name, unless it counts something ---------

@pytest.mark.parametrize("sentence, name", [
    ("We present a renderer called Lumo 360 for indoor scenes.", "Lumo 360"),
    ("Our second model, dubbed Quill 2, reads longer documents.", "Quill 2"),
    ("The final system is named Corvid 1.5.", "Corvid 1.5"),
    ("A pruned variant named SlimNet 3 times smaller keeps its accuracy.", "SlimNet"),
    ("A shallow decoder called FlatDec 2 layers deep suffices.", "FlatDec"),
    ("We call it a model named Orca 7 Experts wide.", "Orca"),
])
def test_number_after_a_cued_name(sentence, name):
    assert [sentence[s:e] for s, e in rules.named_cues(sentence)] == [name]


def test_numbered_name_is_one_method_wherever_it_is_written():
    x = run("Indoor rendering", "We present a renderer called Lumo 360 for indoor scenes. "
                                "Lumo 360 renders a room in one second, and Lumo 360's memory use is small.")
    found = entities_with(x, "Lumo 360")
    assert len(found) == 1 and found[0].type == "Method"
    assert not entities_with(x, "Lumo")


# --- a quoted long form loses both quotes ---------------------------------------------

def test_quoted_long_form_keeps_neither_quote():
    for opening, closing in (('"', '"'), ("“", "”"), ("‘", "’")):
        text = f"We introduce {opening}Sparse Token Mixer{closing} (STM) for compact vision models."
        (d,) = find_definitions(text)
        assert text[d.long_start:d.long_end] == "Sparse Token Mixer"
        assert text[d.short_start:d.short_end] == "STM"


def test_quoted_long_form_is_named_without_its_quote():
    x = run("Token mixing", "We introduce “Sparse Token Mixer” (STM) for vision. STM is fast on mobile phones.")
    assert types_of(x, "Sparse Token Mixer") == {"Method"}
    assert not any(m.text.endswith(("”", '"')) for e in x.entities for m in e.mentions)


# --- software is no dataset -------------------------------------------------------------

def test_frameworks_a_model_is_implemented_in_are_not_datasets():
    x = run("Fast training", "Our detector is implemented in Caffe and ported to TensorFlow; it reaches "
                             "41.2 AP on COCO.")
    assert not types_of(x, "Caffe") & {"Dataset"}
    assert not types_of(x, "TensorFlow") & {"Dataset"}
    assert types_of(x, "COCO") == {"Dataset"}
