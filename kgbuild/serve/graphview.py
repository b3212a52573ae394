"""The graph view's data: the neighbourhood of an entity or a paper, as nodes and edges that
link to their pages (drawn by static/graph.js with Cytoscape.js)."""

from __future__ import annotations

from pydantic import BaseModel

from kgbuild.serve.links import entity_href, paper_href
from kgbuild.serve.pages import NotFound, label_of
from kgbuild.serve.reader import SiteReader


class GraphNode(BaseModel):
    id: str
    type: str
    label: str
    href: str
    center: bool = False


class GraphEdge(BaseModel):
    source: str
    target: str
    relation: str


class GraphPage(BaseModel):
    title: str
    href: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]


def entity_graph(reader: SiteReader, url_type: str, key: str) -> GraphPage:
    label = label_of(url_type)
    found = reader.site("site-entity", type=label, key=key)
    if not found:
        raise NotFound(f"no {url_type} with key '{key}' in the graph")
    center = _node(label, key, found[0]["name"], center=True)
    nodes, edges = {center.id: center}, []
    for row in reader.site("site-graph-entity", type=label, key=key):
        other = _node(row["type"], row["key"], row["name"])
        nodes.setdefault(other.id, other)
        source, target = (center.id, other.id) if row["outgoing"] else (other.id, center.id)
        edges.append(GraphEdge(source=source, target=target, relation=row["relation"]))
    return GraphPage(title=f"{found[0]['name']} ({url_type})", href=center.href, nodes=list(nodes.values()),
                     edges=_distinct(edges))


def paper_graph(reader: SiteReader, paper_id: str) -> GraphPage:
    found = reader.site("site-paper", id=paper_id)
    if not found:
        raise NotFound(f"no paper with id '{paper_id}' in the graph")
    center = _node("Paper", paper_id, found[0]["title"] or paper_id, center=True)
    nodes, edges = {center.id: center}, []
    for row in reader.site("site-graph-paper", id=paper_id):
        other = _node(row["type"], row["key"], row["name"])
        nodes.setdefault(other.id, other)
        edges.append(GraphEdge(source=center.id, target=other.id, relation=row["relation"]))
    for row in reader.site("site-paper-evaluations", id=paper_id):
        method, dataset = _node("Method", row["method_key"], row["method"]), _node("Dataset", row["dataset_key"], row["dataset"])
        if method.id in nodes and dataset.id in nodes:
            edges.append(GraphEdge(source=method.id, target=dataset.id, relation="EVALUATED_ON"))
    return GraphPage(title=found[0]["title"] or paper_id, href=center.href, nodes=list(nodes.values()),
                     edges=_distinct(edges))


def _node(label: str, key: str, name: str | None, center: bool = False) -> GraphNode:
    href = paper_href(key) if label == "Paper" else entity_href(label.lower(), key)
    return GraphNode(id=f"{label}:{key}", type=label, label=name or key, href=href, center=center)


def _distinct(edges: list[GraphEdge]) -> list[GraphEdge]:
    """One edge per pair of nodes: a paper that proposes a method also mentions it, and the
    mention says less."""
    kept: dict[tuple[str, str], GraphEdge] = {}
    for edge in edges:
        pair = (edge.source, edge.target)
        if pair not in kept or kept[pair].relation == "MENTIONS":
            kept[pair] = edge
    return list(kept.values())
