"""Named, parameterised Cypher queries read from the query packs.

The packs ship with kgbuild (``cypher/packs`` in the source tree, installed as the data package
``kgbuild.cypher``); ``KGBUILD_PACKS`` names directories of a user's own packs, and a user's
pack with the name of a shipped one replaces it.

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

import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kgbuild.errors import InputError, QueryError
from kgbuild.shipped import packs_folder

PACKS_ENV = "KGBUILD_PACKS"
# Parameter name -> the entity type its value names (see the module docstring).
ENTITY_PARAMS: dict[str, str] = {
    "dataset": "Dataset", "method": "Method", "backbone": "Method", "metric": "Metric", "task": "Task",
}
# Parameters that name one paper: an arXiv id or DOI in any of its written forms becomes
# the paper id it gives ("arXiv:2103.14030v2" -> "arxiv:2103.14030"); see ``paper_key``.
PAPER_PARAMS = ("paper",)
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
    origin: str = ""  # "shipped", or the path of the user's pack file it was read from

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
                elif canonical and param.type == "string" and param.name in PAPER_PARAMS:
                    bound[param.name] = paper_key(bound[param.name])
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


def paper_key(text: str) -> str:
    """``arxiv:<id>`` for an arXiv id, its URL or arXiv's DOI; ``doi:<doi>`` for a DOI or its URL;
    otherwise ``text`` as given (a paper id, a record's own id or a title)."""
    from kgbuild.sources.identity import arxiv_id_from_doi, arxiv_id_from_url, normalise_arxiv_id, normalise_doi

    stripped = text.strip()
    arxiv = normalise_arxiv_id(stripped) or arxiv_id_from_url(stripped)
    doi = None if arxiv else normalise_doi(stripped)
    if doi and (from_doi := arxiv_id_from_doi(doi)):
        arxiv = from_doi
    if arxiv:
        return f"arxiv:{arxiv}"
    return f"doi:{doi}" if doi else text


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


SHIPPED = "shipped"


def shipped_packs() -> dict[str, str]:
    """The packs installed with kgbuild (``cypher/packs`` of the source tree, the data package
    ``kgbuild.cypher`` of an install): pack name -> text."""
    folder = packs_folder()
    return {entry.name[: -len(".cypher")]: entry.read_text(encoding="utf-8")
            for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".cypher")}


def user_pack_dirs() -> list[Path]:
    """The directories named by ``KGBUILD_PACKS`` (several separated by the path separator)."""
    configured = os.environ.get(PACKS_ENV, "")
    return [Path(part) for part in configured.split(os.pathsep) if part.strip()]


def _directory_packs(directory: Path) -> dict[str, tuple[str, str]]:
    if not directory.is_dir():
        raise InputError(f"query pack directory {directory} not found",
                         hint=f"point {PACKS_ENV} at a directory of .cypher files, or unset it to use only "
                              "the shipped packs")
    return {path.stem: (path.read_text(encoding="utf-8"), str(path)) for path in sorted(directory.glob("*.cypher"))}


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
    """Every named query: of ``directory`` alone when given, else the shipped packs with the
    packs of ``KGBUILD_PACKS`` over them (a user's pack named like a shipped one replaces it).
    Each query's ``origin`` says where it was read: ``shipped`` or the file's path."""
    if directory is not None:
        texts = _directory_packs(Path(directory))
    else:
        texts = {name: (text, SHIPPED) for name, text in shipped_packs().items()}
        for user_dir in user_pack_dirs():
            texts.update(_directory_packs(user_dir))
    queries: dict[str, NamedQuery] = {}
    for pack, (text, origin) in sorted(texts.items()):
        for query in parse_pack(text, pack):
            if query.name in queries:
                raise QueryError(f"query name '{query.name}' is defined twice ({queries[query.name].pack}, {pack})",
                                 hint="rename one of them, or name your pack file like the shipped pack it replaces")
            queries[query.name] = query.model_copy(update={"origin": origin})
    return queries


def find_query(name: str, directory: Path | None = None) -> NamedQuery:
    queries = load_packs(directory)
    if name not in queries:
        close = closest_names(name, list(queries))
        raise QueryError(f"no query named '{name}'",
                         hint=(f"did you mean {' or '.join(close)}? " if close else "") + "list them with: kgbuild packs")
    return queries[name]


_ENTITY_EXISTS = "MATCH (e:{label}) WHERE e.key = $key OR $key IN e.lookup RETURN count(e) AS found"
_ENTITY_NAMES = "MATCH (e:{label}) RETURN e.key AS key, e.name AS name"


def require_entities(store: Any, named: NamedQuery, raw: Mapping[str, str], bound: Mapping[str, Any]) -> None:
    """Raise ``QueryError`` when an entity parameter (``dataset=...``) names no entity of its
    type in ``store``, with the closest names the graph has. Called when a query found nothing,
    so that "no such dataset" is not mistaken for "no answer"."""
    for param in named.params:
        label = ENTITY_PARAMS.get(param.name)
        value = bound.get(param.name)
        if label is None or param.type != "string" or param.name not in raw or not isinstance(value, str):
            continue
        if store.query(_ENTITY_EXISTS.format(label=label), {"key": value}).rows[0][0]:
            continue
        names = {str(key): str(name) for key, name in store.query(_ENTITY_NAMES.format(label=label)).rows}
        # Close to the normalised key ("cocco" ~ "coco") or to the name as typed ("BoxNett" ~ "BoxNet").
        by_key = [names[key] for key in closest_names(value, list(names), limit=5)]
        by_name = closest_names(raw[param.name], list(names.values()), limit=5)
        suggestions = list(dict.fromkeys(by_key + by_name))[:5]
        raise QueryError(
            f"no {label.lower()} named {raw[param.name]!r} in the graph",
            hint=(f"did you mean {', '.join(suggestions)}? " if suggestions else "")
            + f"look names up with: kgbuild query entity-lookup --param name=...")


def closest_names(wanted: str, names: list[str], limit: int = 3) -> list[str]:
    """Names like ``wanted``: spelled alike (difflib), or containing it, or contained in it."""
    lowered = {name.lower(): name for name in names}
    alike = difflib.get_close_matches(wanted.lower(), list(lowered), n=limit, cutoff=0.6)
    within = [lower for lower in lowered if wanted.lower() in lower or (len(lower) > 3 and lower in wanted.lower())]
    return [lowered[lower] for lower in dict.fromkeys(alike + within)][:limit]
