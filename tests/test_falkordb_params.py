"""The embedded store writes the parameter header itself; it must be the client's, exactly."""

from __future__ import annotations

import pytest
from falkordb import Graph
from hypothesis import given, settings
from hypothesis import strategies as st

from kgbuild.stores.falkordb_params import params_header

# NUL is left out: the server cannot read it back, and params_header refuses it (below).
texts = st.text(st.characters(blacklist_characters="\x00"))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts)
keys = texts.filter(lambda k: k and "`" not in k)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


def client_header(params):
    return Graph._build_params_header(None, params)


@settings(max_examples=300)
@given(st.dictionaries(keys, values, min_size=1, max_size=4))
def test_header_is_the_clients_character_for_character(params):
    assert params_header(params) == client_header(params)


def test_rows_of_the_same_shape_and_quotes_and_backslashes():
    rows = [{"id": 'a "quoted" \\ path', "n": 1, "tags": ["x", None], "ok": True, "v": 0.1}] * 3
    assert params_header({"rows": rows}) == client_header({"rows": rows})


@pytest.mark.parametrize("bad", [{"": 1}, {"a`b": 1}, {"rows": [{"a`b": 1}]}])
def test_names_cypher_cannot_hold_are_refused(bad):
    with pytest.raises(ValueError):
        params_header(bad)


def test_nul_in_a_value_is_refused_instead_of_cutting_the_statement_short():
    with pytest.raises(ValueError, match="NUL"):
        params_header({"rows": [{"title": "a\x00b"}]})
