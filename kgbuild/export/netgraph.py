"""The stored graph as a networkx graph, for export and for analyses Cypher does poorly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
from networkx.readwrite import json_graph

from kgbuild.errors import InputError

EXPORT_FORMATS = ("graphml", "json")


def to_networkx(nodes: list[dict[str, Any]], relationships: list[dict[str, Any]]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node in nodes:
        graph.add_node(node["id"], label=node["label"], **node["props"])
    for rel in relationships:
        graph.add_edge(rel["source"], rel["target"], key=f"{rel['type']}:{rel['props'].get('paper', '')}",
                       type=rel["type"], **rel["props"])
    return graph


def _graphml_safe(value: Any) -> Any:
    # GraphML attributes are scalars; lists and maps are kept as JSON text.
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def write_graph(graph: nx.MultiDiGraph, out: Path, fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format '{fmt}'", hint=f"use one of: {', '.join(EXPORT_FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        data = json_graph.node_link_data(graph, edges="edges")
        out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1), encoding="utf-8")
        return
    safe = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        safe.add_node(node, **{k: _graphml_safe(v) for k, v in attrs.items() if v is not None})
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        safe.add_edge(source, target, key=key, **{k: _graphml_safe(v) for k, v in attrs.items() if v is not None})
    nx.write_graphml(safe, out)
