"""A title glued to the front of a tokenised abstract (as SciREX distributes papers) is read
off as the title, and what is found in it still points into the abstract as stored.
The texts are our own, written in the corpus's tokenised style."""

from __future__ import annotations

import pytest

from kgbuild.extract.glued_title import glued_title
from kgbuild.extract.spacing import read_spaced


def split(text: str) -> tuple[str, str] | None:
    found = glued_title(text)
    return None if found is None else (text[:found[0]], text[found[1]:])


@pytest.mark.parametrize("text, title, opening", [
    ("ZorbNet : Ultra - Wide Networks without Shortcuts We introduce a design for wide networks .",
     "ZorbNet : Ultra - Wide Networks without Shortcuts", "We introduce"),
    # the abstract's first word is capitalised as the title's are; the lower-case word after it tells
    ("Plaid Residual Networks Deep residual networks were shown to scale .",
     "Plaid Residual Networks", "Deep residual"),
    # capitalised small words of the title, and an abstract that opens with one
    ("Dense Part Matching In The Wild In this work , we match parts .",
     "Dense Part Matching In The Wild", "In this work"),
    # a usual first word a little before the first lower-case word ("Although SGD requires")
    ("Shuffling the Data to Improve Parsers Although SGD requires shuffling , we do not .",
     "Shuffling the Data to Improve Parsers", "Although SGD"),
    # brackets that belong to the title, and a bracketed acronym that opens the abstract
    ("Fast Learning by Gated Linear Units ( GLUs ) We introduce the gated linear unit .",
     "Fast Learning by Gated Linear Units ( GLUs )", "We introduce"),
    ("Nets Trained by a Slow Rule Converge Faster Generative Adversarial Networks ( GANs ) excel at images .",
     "Nets Trained by a Slow Rule Converge Faster", "Generative Adversarial"),
    # hyphenated words in lower case belong to the title's compound
    ("Passage Re - ranking with QERT Recently , neural rankers have improved .",
     "Passage Re - ranking with QERT", "Recently ,"),
    ("What Do Parsers Learn About Syntax ? Parsers are trained on treebanks .",
     "What Do Parsers Learn About Syntax ?", "Parsers are"),
])
def test_a_glued_title_is_split_off(text, title, opening):
    found = split(text)
    assert found is not None and found[0] == title and found[1].startswith(opening)


@pytest.mark.parametrize("text", [
    "We present a simple network for image classification .",
    "Semantic segmentation is an essential component of driving systems .",
    "For years , recursive networks have been popular .",
    "3D reconstruction from a single image is hard .",
    ". Fine - Grained Classification datasets are small .",
    # one word is no title; nor is the subject of the first sentence
    "Adversarial Autoencoders are a powerful tool .",
    "Generative Adversarial Networks are a powerful tool .",
    # plain prose: the sentence ends before a usual first word could start the abstract
    "Text-to-3D generation, which synthesises objects, has attracted attention. While several works exist.",
])
def test_no_title_is_invented(text):
    assert glued_title(text) is None


def test_read_spaced_points_the_glued_title_into_the_abstract():
    stored = "ZorbNet - 2 : Wide Networks We present ZorbNet - 2 ."
    spaced = read_spaced("", stored)
    assert spaced.title_glued
    assert spaced.texts == {"title": "ZorbNet-2 : Wide Networks", "abstract": "We present ZorbNet-2 ."}
    for field, text in spaced.texts.items():
        origin = spaced.origins[field]
        assert stored[origin[0]] == text[0] and stored[origin[len(text) - 1]] == text[-1]
    start = spaced.texts["abstract"].index("ZorbNet")
    first, last = spaced.origins["abstract"][start], spaced.origins["abstract"][start + len("ZorbNet-2") - 1] + 1
    assert stored[first:last] == "ZorbNet - 2"


def test_a_record_with_a_title_keeps_it():
    spaced = read_spaced("A Title", "ZorbNet : Wide Networks We present ZorbNet .")
    assert not spaced.title_glued and spaced.texts["title"] == "A Title"
