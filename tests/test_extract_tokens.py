"""The extractor's tokenizer shortcuts must give exactly spaCy's tokens.

The lexicon phrase matcher only finds a name when text and pattern are cut into the same
tokens, so a shortcut that changed one token boundary would silently lose names.
"""

from __future__ import annotations

import string
from pathlib import Path
from re import _parser  # the regex parser: the widths of spaCy's suffix rules

import pytest
import spacy
from spacy.util import compile_suffix_regex

from kgbuild.extract.pipeline import build_nlp
from kgbuild.extract.tokens import LONGEST_SUFFIX, SENTENCE_FINAL_STOP, suffix_at_end
from kgbuild.sources import read_papers

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample"

TRICKY = [
    "It reaches 10km/h, 5km and 3.5mbar at 20°C. and costs US$5 or C$7 (not A$9).",
    "BERT's and GPT’s heads; the authors' code... see Fig. 3 …and more……",
    "and so on.......... then (see above)........ end",
    "ResNet-50. mIoU. ImageNet-1K. U.S. e.g. i.e., Swin-L/Swin-B, AP50:95 and AP@0.5!",
    "state-of-the-art naïve Schrödinger (ViT) [COCO] {x} «quote» “quoted” 'single' `tick`",
    "+1.7% mAP, ±0.3, 2×faster, 100% top-1, 3D/4D, x86_64, foo_Bar, a--b, v2.1.3.",
    "https://github.com/open-mmlab/mmdetection.git and www.example.com/a?b=c#d, example.org, me@mail.ac.uk",
    "Dr. Smith's 1990s work, 'n' stuff, 4MB vs 4 MB vs 4GB., CO2 and H2O.",
]


def stock_tokenizer():
    """spaCy's own English tokenizer with the one suffix rule the extractor adds."""
    nlp = spacy.blank("en")
    suffixes = list(nlp.Defaults.suffixes) + [SENTENCE_FINAL_STOP]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp.tokenizer


def sample_texts() -> list[str]:
    papers = [p for p in read_papers([SAMPLE]) if hasattr(p, "abstract")]
    assert len(papers) > 200
    return [t for p in papers for t in (p.title, p.abstract)]


@pytest.mark.parametrize("source", ["tricky", "sample"])
def test_extractor_tokens_equal_spacys(source):
    texts = TRICKY if source == "tricky" else sample_texts()
    ours, stock = build_nlp().tokenizer, stock_tokenizer()
    for text in texts:
        assert [t.text for t in ours(text)] == [t.text for t in stock(text)], text


def test_suffix_rules_are_no_longer_than_the_shortcut_assumes():
    nlp = spacy.blank("en")
    for rule in list(nlp.Defaults.suffixes) + [SENTENCE_FINAL_STOP]:
        longest = _parser.parse(rule).getwidth()[1]
        if rule == r"\.\.+":
            continue  # runs of full stops: searched in full
        assert longest <= LONGEST_SUFFIX, rule


def test_suffix_shortcuts_find_what_the_full_search_finds():
    """Every ending the shortcuts treat specially, after every kind of stem."""
    nlp = spacy.blank("en")
    full = compile_suffix_regex(list(nlp.Defaults.suffixes) + [SENTENCE_FINAL_STOP]).search
    shortcut = suffix_at_end(full)
    units = ["km", "km²", "m/s", "km/h", "mbar", "MB", "GB", "kg", "%", "°C", "mph", "µm"]
    currencies = ["$", "US$", "C$", "A$", "€", "£", "₹"]
    endings = list(string.punctuation) + list("…’”“«»—–²³°·。，") + units + currencies + [
        "'s", "'S", "’s", "……", "...", "..", ".", "a", "Z", "7", "x5", "s"]
    stems = ["", "a", "A", "5", "ab", "AB", "5k", "US", "x'", "x’", ".", "…", "°", "5.", "A.", "ResNet-50"]
    for stem in stems:
        for ending in endings:
            chunk = stem + ending
            expected, got = full(chunk), shortcut(chunk)
            assert (expected and expected.end() - expected.start()) == (got and got.end() - got.start()), chunk
