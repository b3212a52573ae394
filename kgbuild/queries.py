"""Named, parameterised Cypher queries read from the query packs in ``cypher/packs``.

A pack file holds one or more queries, each introduced by a header::

    // name: backbones-evaluated-on
    // description: Which backbones were evaluated on a dataset.
    // params: dataset (string), limit (int, 25)
    MATCH ...

A parameter without a default is required; ``null`` as a default makes it optional with no
value. Values reach the store only as parameters, never as Cypher text.

A string parameter named after an entity type (``dataset``, ``method``, ``backbone``,
``metric``, ``task``) is mapped to the lexicon's canonical key before it is bound, the way
``kgbuild build`` resolves names: "Microsoft COCO" becomes ``coco`` even when no paper wrote
that spelling. A name the lexicon does not know is passed in its normalised form (what an
entity's ``lookup`` holds). The queries normalise their parameters themselves as well, so they
give the same answers for names papers wrote when run by hand in Neo4j Browser.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kgbuild.errors import InputError, QueryError

PACKS_ENV = "KGBUILD_PACKS"
# Parameter name -> the entity type its value names (see the module docstring).
ENTITY_PARAMS: dict[str, str] = {
    "dataset": "Dataset", "method": "Method", "backbone": "Method", "metric": "Metric", "task": "Task",
}
PARAM_TYPES = ("string", "int", "float", "bool", "date")
_HEADER = re.compile(r"^//\s*(name|description|params|example)\s*:\s*(.*)$")
_PARAM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(\w+)\s*(?:,\s*(.*?))?\s*\)\s*$")
_WRITE_CLAUSES = re.compile(r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|CALL\s+db\.)\b",
                            re.IGNORECASE)


class QueryParam(BaseModel):
    name: str
    type: str
    default: Any = None
    required: bool = True


class NamedQuery(BaseModel):
    name: str
    description: str
    params: list[QueryParam]
    cypher: str
    pack: str
    example: str = ""

    def bind(self, raw: Mapping[str, str], canonical: bool = True) -> dict[str, Any]:
        """Typed parameter values from ``key=value`` strings, with defaults filled in.

        With ``canonical`` (the default), entity-name parameters are mapped through the
        lexicon (see :func:`canonical_name`); without it they are bound exactly as given,
        as Neo4j Browser would send them.
        """
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(raw) - set(declared))
        if unknown:
            raise QueryError(
                f"query '{self.name}' has no parameter {', '.join(unknown)}",
                hint=f"its parameters: {', '.join(declared) or 'none'} (see: kgbuild packs show {self.name})",
            )
        bound: dict[str, Any] = {}
        for param in self.params:
            if param.name in raw:
                bound[param.name] = _convert(self.name, param, raw[param.name])
                if canonical and param.type == "string" and param.name in ENTITY_PARAMS:
                    bound[param.name] = canonical_name(ENTITY_PARAMS[param.name], bound[param.name])
            elif param.required:
                raise QueryError(
                    f"query '{self.name}' needs --param {param.name}=<{param.type}>",
                    hint=f"for example: {self.example or f'kgbuild query {self.name} --param {param.name}=...'}",
                )
            else:
                bound[param.name] = param.default
        return bound


def canonical_name(entity_type: str, text: str) -> str:
    """The lexicon's canonical key for ``text`` as an entity of ``entity_type``, else ``text``
    normalised as entity lookups are (case, spaces and punctuation removed), else ``text``."""
    from kgbuild.names import identity_key, lookup_key
    from kgbuild.resolve import default_table

    normalised = identity_key(text)
    if not normalised:
        return text
    entry = default_table().lookup(entity_type, normalised, [text])
    return entry[0] if entry else (lookup_key(text) or text)


def _convert(query: str, param: QueryParam, text: str) -> Any:
    try:
        return _parse_value(param.type, text)
    except ValueError:
        raise QueryError(f"parameter '{param.name}' of query '{query}' must be a {param.type}, got {text!r}",
                         hint=f"pass it as --param {param.name}=<{param.type}>") from None


def _parse_value(kind: str, text: str) -> Any:
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
        raise ValueError(text)
    if kind == "date" and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text.strip()):
        raise ValueError(text)
    return text


def default_packs_dir() -> Path:
    configured = os.environ.get(PACKS_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "cypher" / "packs"


def _parse_params(spec: str, where: str) -> list[QueryParam]:
    params: list[QueryParam] = []
    for part in _split_params(spec):
        match = _PARAM.match(part)
        if not match:
            raise QueryError(f"{where}: cannot read parameter '{part}'",
                             hint="write params as: name (type, default), other (type)")
        name, kind, default = match.groups()
        if kind not in PARAM_TYPES:
            raise QueryError(f"{where}: parameter '{name}' has unknown type '{kind}'",
                             hint=f"use one of {', '.join(PARAM_TYPES)}")
        if default is None or default == "":
            params.append(QueryParam(name=name, type=kind))
        else:
            value = None if default == "null" else _parse_value(kind, default.strip().strip("'\""))
            params.append(QueryParam(name=name, type=kind, default=value, required=False))
    return params


def _split_params(spec: str) -> list[str]:
    """Split 'a (string), b (int, 25)' on the commas outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in spec:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    if current.strip() and current.strip().lower() != "none":
        parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def parse_pack(text: str, pack: str) -> list[NamedQuery]:
    queries: list[NamedQuery] = []
    header: dict[str, str] = {}
    body: list[str] = []

    def flush() -> None:
        if not header:
            return
        where = f"pack {pack}, query {header.get('name', '?')}"
        for field in ("name", "description"):
            if not header.get(field):
                raise QueryError(f"{where}: missing '// {field}:' header", hint="see cypher/README.md")
        cypher = "\n".join(body).strip().rstrip(";").strip()
        if not cypher:
            raise QueryError(f"{where}: no Cypher after the header", hint="see cypher/README.md")
        if _WRITE_CLAUSES.search(_strip_strings(cypher)):
            raise QueryError(f"{where}: pack queries must be read-only", hint="remove the writing clause")
        queries.append(NamedQuery(name=header["name"], description=header["description"],
                                  params=_parse_params(header.get("params", ""), where),
                                  cypher=cypher, pack=pack, example=header.get("example", "")))

    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match and match.group(1) == "name" and (body or "name" in header):
            flush()
            header, body = {}, []
        if match and not any(b.strip() for b in body):
            field, value = match.groups()
            header[field] = (header.get(field, "") + " " + value).strip() if field == "description" else value
        elif line.strip().startswith("//") and not any(b.strip() for b in body):
            continue
        else:
            body.append(line)
    flush()
    return queries


def _strip_strings(cypher: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"|//[^\n]*", "", cypher)


def load_packs(directory: Path | None = None) -> dict[str, NamedQuery]:
    directory = directory or default_packs_dir()
    if not directory.is_dir():
        raise InputError(f"query pack directory {directory} not found",
                         hint=f"run from a kgbuild checkout or set {PACKS_ENV}=/path/to/cypher/packs")
    queries: dict[str, NamedQuery] = {}
    for path in sorted(directory.glob("*.cypher")):
        for query in parse_pack(path.read_text(encoding="utf-8"), path.stem):
            if query.name in queries:
                raise QueryError(f"query name '{query.name}' is defined twice ({queries[query.name].pack}, {path.stem})",
                                 hint="rename one of them")
            queries[query.name] = query
    return queries


def find_query(name: str, directory: Path | None = None) -> NamedQuery:
    queries = load_packs(directory)
    if name not in queries:
        close = [q for q in queries if name.lower() in q or q in name.lower()]
        raise QueryError(f"no query named '{name}'",
                         hint=f"did you mean {', '.join(close)}?" if close else "list them with: kgbuild packs")
    return queries[name]
