"""Author lines left in an abstract's text: "TitouanParcollet , YingZhang , ... UniversitédeMontréal".

Text taken from a PDF (as SciREX distributes papers) can end with the authors and their
affiliations, each name run together ("WuzhenShi , FengJiang , DebinZhao
SchoolofComputerScience ..."). A person's name run together has the shape of a model name
("DebinZhao" as "DenseNet"), so the name rules would take it for a method. What tells the
two apart is the affiliation that follows the names, run together the same way; a list of
models is followed by no "HarbinInstituteofTechnology".
"""

from __future__ import annotations

import re

from kgbuild.extract.resources import term_sequence

# What an affiliation contains ("Universit" of "University", "Université"); the text is
# searched for these first (plain substring tests), the regexes below only run where one is.
AFFILIATION_STEMS = term_sequence("affiliation_stems")
_STEM = "|".join(map(re.escape, AFFILIATION_STEMS))
# An affiliation whose words lost their spaces: "HarbinInstituteofTechnology",
# "UniversitédeMontréal", "CenterforDataScience", "NewYorkUniversity".
GLUED_AFFILIATION_RE = re.compile(rf"(?:{_STEM})\w*?(?:of|for|de|d’|d')[A-Z]|[a-z](?:{_STEM})")
# A person's name run together: two to four capitalised words with no space between them.
_PERSON = r"[A-Z][^\W\d_A-Z]+(?:[A-Z][^\W\d_A-Z]+){1,3}"
_NEXT = r"(?:\s*,\s*|\s+)(?:and\s*)?"
# Two or more such names in a list ("A , B and C", "A , B , andC"); an affiliation run together
# has the same shape, so the list may run on over the affiliations
AUTHOR_LIST_RE = re.compile(rf"{_PERSON}(?:{_NEXT}{_PERSON})+")
FIRST_TWO_RE = re.compile(rf"{_PERSON}{_NEXT}{_PERSON}")
# How far after the list an affiliation may start
AFFILIATION_REACH = 120


def author_lines(text: str) -> list[tuple[int, int]]:
    """Character spans of the lists of run-together person names that an affiliation follows
    (the list's first two names are persons; the affiliation may be in the list or after it)."""
    if not any(stem in text for stem in AFFILIATION_STEMS):
        return []
    spans = []
    for names in AUTHOR_LIST_RE.finditer(text):
        two = FIRST_TWO_RE.match(text, names.start())
        if two and GLUED_AFFILIATION_RE.search(text, two.end(), names.end() + AFFILIATION_REACH):
            spans.append(names.span())
    return spans
