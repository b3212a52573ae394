"""Acronym definitions: the fast long-form search agrees with the plain algorithm."""

from __future__ import annotations

import random

from kgbuild.extract.acronyms import _best_long_form, _best_long_form_by_character, find_definitions


def plain_chars(short: str) -> list[str]:
    chars = [c.lower() for c in short if c.isalnum()]
    if short.endswith("s") and len(chars) > 2 and short[-2].isupper():
        chars = chars[:-1]
    return chars


def test_long_form_search_matches_the_character_by_character_algorithm():
    rng = random.Random(7)
    words = ["vision", "Transformer", "remote", "sensing", "Prior-Data", "Fitted", "Networks", "context-mixing",
             "dynamic", "convolution", "a", "of", "the", "X2", "non-maximum", "suppression", "re-ID", "tiny"]
    shorts = ["ViT", "RS", "PFNs", "ContMix", "NMS", "ReID", "T2", "XYZ", "DCs", "VTs", "a1"]
    for _ in range(3000):
        long_text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        short = rng.choice(shorts)
        assert _best_long_form(short, long_text) == _best_long_form_by_character(plain_chars(short), long_text), \
            (short, long_text)


def test_definitions_found_in_prose():
    text = ("We study remote sensing (RS) with a Vision Transformer (ViT) and Prior-Data Fitted "
            "Networks (PFNs), unlike context-mixing dynamic convolution (ContMix).")
    pairs = {text[d.short_start:d.short_end]: text[d.long_start:d.long_end] for d in find_definitions(text)}
    assert pairs == {"RS": "remote sensing", "ViT": "Vision Transformer",
                     "PFNs": "Prior-Data Fitted Networks", "ContMix": "context-mixing dynamic convolution"}
