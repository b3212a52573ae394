"""The parameter header FalkorDB takes in front of a query (``CYPHER name=value ...``).

The ``falkordb`` client builds it in Python, value by value; for the large ``UNWIND $rows``
batches of a build that was the largest cost of the loading process. This makes the same
text, character for character (a test compares the two), with less work per value: one
check for the common exact types first, and the quoted keys of a row built once per set of keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _quote(text: str) -> str:
    if "\x00" in text:
        # The server reads the statement as a C string, which ends at NUL; sources reject
        # such records, so this is a guard against a path that skipped them.
        raise ValueError(f"a FalkorDB parameter cannot hold a NUL character: {text[:80]!r}")
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    return f'"{text}"'


def _check_key(key: str) -> str:
    if key == "" or "`" in key:
        raise ValueError(f"a Cypher parameter or map key cannot be empty or hold a backtick: {key!r}")
    return key


_key_prefixes: dict[tuple[str, ...], tuple[str, ...]] = {}


def _value(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _quote(value)
    if value is None:
        return "null"
    if kind is dict:
        keys = tuple(value)
        prefixes = _key_prefixes.get(keys)
        if prefixes is None:
            prefixes = tuple(f"`{_check_key(str(k))}`:" for k in keys)
            if len(_key_prefixes) < 1024:
                _key_prefixes[keys] = prefixes
        return "{" + ",".join([p + _value(v) for p, v in zip(prefixes, value.values())]) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join([_value(v) for v in value]) + "]"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, dict):
        return _value(dict(value))
    return str(value)


def params_header(params: Mapping[str, Any]) -> str:
    """``CYPHER `name`=value ...`` followed by a space, or "" without parameters."""
    if not params:
        return ""
    return "CYPHER " + "".join(f"`{_check_key(str(k))}`={_value(v)} " for k, v in params.items())
