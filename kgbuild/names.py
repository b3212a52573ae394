"""How entity names are compared: the one place the package normalises a name.

Imports nothing of kgbuild, so every stage (extraction, resolution, the graph rows, the query
side) and the lexicon builder in ``scripts/`` can use it without pulling in another stage.

Both functions apply NFKC (full-width "ＲｅｓＮｅｔ" is "ResNet", a composed and a decomposed
"é" are one letter), fold case and drop every run of characters that is not a letter or a
digit ("ResNet-50", "ResNet 50" and "resnet50" are one name). They differ in the case fold:

- ``identity_key`` lower-cases. Its result is stored: it is an entity's key when the lexicon
  does not know the name, and the lexicon's canonical keys are made with it.
- ``lookup_key`` case-folds, which also folds "ß" to "ss", a final "ς" to "σ", Greek letters
  with an iota subscript and Cherokee letters. Its results are stored too, in each entity's
  ``lookup`` list, and query parameters are matched against them, so a search for "Strasse"
  finds what a paper wrote as "Straße".

They are kept apart on purpose: folding identities the looser way would give a name written
with one of those letters a different key than the graphs built so far hold, and since the
extractor version would not change, a store would then hold the old and the new key as two
entities. Making them one is a change of stored keys, to be made together with a bump of the
extractor's code version (so every stored paper is rewritten). For every other input
(everything in the lexicons, the sample and the evaluation sets) the two agree.

Titles are compared by a third function with the same fold as ``lookup_key``: ``title_key``
(``kgbuild.sources.identity`` de-duplicates papers by it, and a paper with neither an arXiv
id, a DOI nor an id of its own is named by its hash). It keeps word boundaries, as one
space, where the name keys drop them. That difference is kept because it is stored: the
hash is the paper id of every title-named paper, so folding titles like names would give
those papers new ids and leave their old ones in every graph built so far. (Titles are long
enough that ignoring spaces would seldom merge two papers, so the ids gain nothing worth
that.)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=1 << 14)  # the same names come back in paper after paper
def identity_key(text: str) -> str:
    """NFKC, lower case, only letters and digits: the identity of a name (see the module)."""
    return _NOT_ALPHANUMERIC.sub("", unicodedata.normalize("NFKC", text).lower())


def lookup_key(text: str) -> str:
    """NFKC, case-folded, only letters and digits: how a name is looked up (see the module)."""
    return _NOT_ALPHANUMERIC.sub("", _folded(text))


def title_key(text: str) -> str:
    """NFKC, case-folded, each run of other characters one space: how titles are compared.
    Hashed into stored paper ids, so it must not change (see the module)."""
    return _NOT_ALPHANUMERIC.sub(" ", _folded(text)).strip()


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def version_numbers(name: str) -> tuple[str, ...]:
    """The numbers written in a method's name: DenseNet121 and DenseNet, VGG16 and VGG19,
    XNet and XNetV2 differ in them and are different models."""
    return tuple(_NUMBER.findall(name))
