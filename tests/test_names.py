"""The lexicon builder, the resolver and the query side agree on how a name is written.

A name goes three ways: the lexicon builder (scripts/) keys the lexicon's entries, the resolver
looks a paper's spelling up in that lexicon (or keys it itself), and a query parameter is
mapped to a key or matched against the ``lookup`` list the graph rows carry. Each spelling
group below must end at one entity on all three ways.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgbuild import queries, resolve as resolve_module
from kgbuild.graph import to_graph
from kgbuild.models import Entity, Extraction, Mention, Paper, SourceRef
from kgbuild.names import identity_key, lookup_key, title_key
from kgbuild.resolve import CanonicalTable, resolve
from kgbuild.sources.identity import paper_id

ROOT = Path(__file__).resolve().parents[1]

# Each group: how a lexicon (or the first paper) writes the name, then how others write it.
SAME_NAME = {
    "hyphen and digits": ["ResNet-50", "ResNet50", "resnet 50", "RESNET_50"],
    "full-width forms": ["ResNet-50", "ＲｅｓＮｅｔ－５０", "ＲＥＳＮＥＴ５０"],
    "combining accent": ["Café-Net", "Cafe\u0301-Net", "CAFÉ NET"],
    "ligature": ["ﬁne-grained Net", "fine grained net"],
    "Greek letters": ["α-Net", "Α-NET", "α net"],
    "Greek final sigma": ["ΣΑΣ-Net", "σας-net"],
    "capital sharp s": ["Straße-Net", "STRAẞE-NET"],
}


@pytest.fixture
def builder_key(monkeypatch):
    """The key the lexicon builder (scripts/lexicons, as scripts/build_lexicons.py runs it)
    gives a name."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    return importlib.import_module("lexicons.text").canonical_key


def _paper_writing(name: str) -> Extraction:
    paper = Paper(id="P1", title=name, abstract="", source=SourceRef(file="f", line=1))
    mention = Mention(field="title", start=0, end=len(name), text=name, sentence=0)
    entity = Entity(type="Method", key=identity_key(name), name=name, mentions=[mention])
    return Extraction(paper=paper, entities=[entity])


@pytest.mark.parametrize("group", list(SAME_NAME.values()), ids=list(SAME_NAME))
def test_the_builder_keys_a_name_as_the_resolver_does(builder_key, group):
    keys = {builder_key(name) for name in group}
    assert keys == {identity_key(name) for name in group}
    assert len(keys) == 1, f"one entity written {group} got the keys {sorted(keys)}"


@pytest.mark.parametrize("group", list(SAME_NAME.values()), ids=list(SAME_NAME))
def test_every_spelling_resolves_to_the_lexicon_entry_and_so_does_a_query(builder_key, group, monkeypatch):
    listed, *others = group
    row = {"type": "Method", "key": builder_key(listed), "name": listed, "aliases": []}
    table = CanonicalTable([row])
    for written in others:
        resolved = next(resolve([_paper_writing(written)], table))
        assert [(e.key, e.name) for e in resolved.entities] == [(row["key"], listed)], written
    monkeypatch.setattr(resolve_module, "default_table", lambda: table)
    for asked in group:
        assert queries.canonical_name("Method", asked) == row["key"], asked


@pytest.mark.parametrize("group", list(SAME_NAME.values()), ids=list(SAME_NAME))
def test_a_query_finds_a_name_no_lexicon_knows_by_any_spelling(group, monkeypatch):
    written, *asked_for = group
    resolved = list(resolve([_paper_writing(written)], CanonicalTable([])))
    [row] = to_graph(resolved, "test").entities["Method"]
    monkeypatch.setattr(resolve_module, "default_table", lambda: CanonicalTable([]))
    for asked in asked_for:
        wanted = queries.canonical_name("Method", asked)
        assert wanted == row["key"] or wanted in row["lookup"], (asked, row)


def test_sharp_s_and_ss_are_one_name_to_a_lookup_but_two_identities():
    # Documented in kgbuild/names.py: lookups case-fold, identities lower-case, and folding
    # identities too would change the keys stored graphs hold.
    assert lookup_key("Straße-Net") == lookup_key("STRASSE-NET") == "strassenet"
    assert identity_key("Straße-Net") != identity_key("STRASSE-NET")
    resolved = list(resolve([_paper_writing("Straße-Net")], CanonicalTable([])))
    [row] = to_graph(resolved, "test").entities["Method"]
    assert lookup_key("STRASSE-NET") in row["lookup"]



# Paper ids hash the title fold (``title:<sha1 of title_key>``), and they are stored: the fold
# must stay what it was when it lived in sources.identity, for every text.
def _title_fold_as_stored(title: str) -> str:
    import re
    import unicodedata

    return re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", title).casefold()).strip()


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_the_title_fold_is_the_one_paper_ids_were_made_with(title):
    assert title_key(title) == _title_fold_as_stored(title)


def test_a_title_named_paper_keeps_its_id():
    # the id this title had before the fold moved to kgbuild.names
    assert paper_id("BoxNet: Simple Boxes for Object Detection", "an abstract") == "title:e8c68b8daffb90ba"


def test_titles_keep_their_word_boundaries_where_names_drop_them():
    assert title_key("ResNet-50: Deep Residual Learning") == "resnet 50 deep residual learning"
    assert lookup_key("ResNet-50: Deep Residual Learning") == "resnet50deepresiduallearning"
    assert title_key("Straße-Net") == "strasse net"  # the same case fold as a look-up
