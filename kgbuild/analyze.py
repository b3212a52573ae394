"""Graph analyses Cypher does poorly, over the graph as ``netgraph.to_networkx`` builds it: from
``store.export()``, or (what ``kgbuild analyze`` reads) just the methods, datasets and
evaluations: ``EVALUATIONS_QUERY`` → ``evaluations_graph``.

- Centrality: the method–dataset graph is taken from ``EVALUATED_ON`` (one undirected edge
  per method and dataset, weighted by the number of papers that evaluate that method on that
  dataset) and projected onto each side: methods linked by the datasets they share, datasets
  by the methods they share. PageRank on each projection ranks the methods compared with many
  others on shared benchmarks, and the benchmarks that many methods meet on. (PageRank on
  the bipartite graph itself would mostly rank by degree and favour the hubs of small
  disconnected stars.)
- Communities: datasets are linked when one paper evaluates on both (weight: the number of
  such papers); greedy modularity maximisation groups datasets that are evaluated together.

Pure functions over networkx graphs, returning pydantic records; the CLI only prints them.
Results are deterministic: nodes are added in sorted order and ties are broken by key.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import networkx as nx
from networkx.algorithms.community import greedy_modularity_communities
from pydantic import BaseModel, Field

EVALUATED_ON = "EVALUATED_ON"


class RankedEntity(BaseModel):
    label: str
    key: str
    name: str
    score: float
    papers: int = Field(description="distinct papers with an evaluation involving this entity")
    neighbours: int = Field(description="datasets a method was evaluated on, or methods evaluated on a dataset")


class Community(BaseModel):
    id: int
    size: int
    datasets: list[str] = Field(description="display names, most connected first")
    keys: list[str]
    papers: int = Field(description="distinct papers evaluating on two or more of these datasets")


class Analysis(BaseModel):
    methods: list[RankedEntity]
    datasets: list[RankedEntity]
    communities: list[Community]
    evaluations: int = Field(description="EVALUATED_ON relationships in the graph")
    projected_nodes: int
    projected_edges: int


# What the analyses read: methods, datasets and the EVALUATED_ON relationships between them.
# Reading only these (instead of ``store.export()``, which also carries every paper, mention
# and result) keeps ``kgbuild analyze`` fast and small on a large graph.
EVALUATIONS_QUERY = """
MATCH (m:Method)-[e:EVALUATED_ON]->(d:Dataset)
RETURN m.key AS method, m.name AS method_name, d.key AS dataset, d.name AS dataset_name, e.paper AS paper
ORDER BY method, dataset, paper
"""


def evaluations_graph(rows: list[list[object]]) -> nx.MultiDiGraph:
    """The rows of ``EVALUATIONS_QUERY`` as the graph ``netgraph.to_networkx`` makes of an export
    (node ids ``Label:key``, ``label``/``key``/``name`` attributes, one edge per paper)."""
    from kgbuild.export.netgraph import to_networkx

    nodes: dict[str, dict[str, object]] = {}
    relationships = []
    for method, method_name, dataset, dataset_name, paper in rows:
        source, target = f"Method:{method}", f"Dataset:{dataset}"
        nodes.setdefault(source, {"id": source, "label": "Method", "props": {"key": method, "name": method_name}})
        nodes.setdefault(target, {"id": target, "label": "Dataset", "props": {"key": dataset, "name": dataset_name}})
        relationships.append({"source": source, "target": target, "type": EVALUATED_ON, "props": {"paper": paper}})
    return to_networkx(list(nodes.values()), relationships)


def _evaluations(graph: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    """(method node, dataset node, paper) for every EVALUATED_ON relationship."""
    found = []
    for source, target, attrs in graph.edges(data=True):
        if attrs.get("type") == EVALUATED_ON:
            found.append((source, target, str(attrs.get("paper", ""))))
    return sorted(found)


def _describe(graph: nx.MultiDiGraph, node: str) -> dict[str, str]:
    attrs = graph.nodes[node]
    key = str(attrs.get("key") or node.split(":", 1)[-1])
    return {"label": str(attrs.get("label", node.split(":", 1)[0])), "key": key, "name": str(attrs.get("name") or key)}


def method_dataset_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected method–dataset graph; edge ``weight`` = papers, ``papers`` = their ids."""
    papers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for method, dataset, paper in _evaluations(graph):
        papers[(method, dataset)].add(paper)
    return _paired_graph(graph, papers)


def co_evaluation_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Datasets linked when one paper evaluates on both; edge ``weight`` = such papers."""
    by_paper: dict[str, set[str]] = defaultdict(set)
    for _, dataset, paper in _evaluations(graph):
        by_paper[paper].add(dataset)
    together: dict[tuple[str, str], set[str]] = defaultdict(set)
    for paper, datasets in by_paper.items():
        for a, b in combinations(sorted(datasets), 2):
            together[(a, b)].add(paper)
    return _paired_graph(graph, together)


def _paired_graph(graph: nx.MultiDiGraph, pairs: dict[tuple[str, str], set[str]]) -> nx.Graph:
    """An undirected graph of the paired nodes; edge ``weight`` = papers, ``papers`` = their ids."""
    projected = nx.Graph()
    for node in sorted({n for pair in pairs for n in pair}):
        projected.add_node(node, **_describe(graph, node))
    for (a, b), ids in sorted(pairs.items()):
        projected.add_edge(a, b, weight=len(ids), papers=sorted(ids))
    return projected


def pagerank(graph: nx.Graph, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 200) -> dict[str, float]:
    """Weighted PageRank of an undirected graph by power iteration.

    networkx's own ``pagerank`` needs SciPy, which kgbuild does not depend on; this is the
    same computation (uniform teleport, rank of isolated nodes spread evenly) in plain Python.
    """
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    n = len(nodes)
    strength = dict(graph.degree(weight="weight"))
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = sum(rank[v] for v in nodes if not strength[v])
        base = (1.0 - alpha) / n + alpha * dangling / n
        new = dict.fromkeys(nodes, base)
        for u in nodes:
            if strength[u]:
                share = alpha * rank[u] / strength[u]
                for v, edge in graph[u].items():
                    new[v] += share * edge.get("weight", 1)
        done = sum(abs(new[v] - rank[v]) for v in nodes) < n * tol
        rank = new
        if done:
            break
    return rank


def projected_pagerank(bipartite: nx.Graph, side: list[str], alpha: float = 0.85, tol: float = 1.0e-10,
                       max_iter: int = 200) -> dict[str, float]:
    """PageRank of ``side``'s nodes on the projection of a weighted bipartite graph onto them.

    In the projection two methods (say) are linked with weight sum over shared datasets of
    w(m1, d) * w(m2, d). The projection of a dataset with thousands of methods is a clique
    of millions of edges, so it is never built: each step of the power iteration sends rank
    through the other side instead, which is linear in the bipartite graph's size. Equal to
    ``pagerank`` on the explicit projection (tests check it).
    """
    nodes = sorted(side)
    if not nodes:
        return {}
    n = len(nodes)
    strength = dict(bipartite.degree(weight="weight"))
    out = {u: sum(e.get("weight", 1) * (strength[d] - e.get("weight", 1)) for d, e in bipartite[u].items())
           for u in nodes}
    loops = {u: sum(e.get("weight", 1) ** 2 for e in bipartite[u].values()) for u in nodes}
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = sum(rank[u] for u in nodes if not out[u])
        flow: dict[str, float] = defaultdict(float)
        for u in nodes:
            if out[u]:
                share = rank[u] / out[u]
                for d, edge in bipartite[u].items():
                    flow[d] += edge.get("weight", 1) * share
        base = (1.0 - alpha) / n + alpha * dangling / n
        new = {}
        for v in nodes:
            arriving = sum(e.get("weight", 1) * flow[d] for d, e in bipartite[v].items())
            if out[v]:
                arriving -= loops[v] * rank[v] / out[v]  # a node does not link to itself
            new[v] = base + alpha * arriving
        done = sum(abs(new[v] - rank[v]) for v in nodes) < n * tol
        rank = new
        if done:
            break
    return rank


def central_entities(projected: nx.Graph, top: int = 10) -> tuple[list[RankedEntity], list[RankedEntity]]:
    """The ``top`` methods and datasets by PageRank: methods on the method projection of the
    method–dataset graph (linked by shared datasets), datasets on the dataset projection
    (linked by shared methods). A method compared with many others on shared benchmarks ranks
    high; one alone on its own datasets ranks low, however many datasets it has."""
    ranked: dict[str, list[RankedEntity]] = {"Method": [], "Dataset": []}
    for label, entities in ranked.items():
        side = [node for node, attrs in projected.nodes(data=True) if attrs["label"] == label]
        scores = projected_pagerank(projected, side)
        for node in side:
            attrs = projected.nodes[node]
            papers = {p for _, _, edge in projected.edges(node, data=True) for p in edge["papers"]}
            entities.append(RankedEntity(
                label=label, key=attrs["key"], name=attrs["name"], score=round(scores[node], 6),
                papers=len(papers), neighbours=projected.degree(node)))
        entities.sort(key=lambda e: (-e.score, -e.papers, e.key))
    return ranked["Method"][:top], ranked["Dataset"][:top]


def dataset_communities(co_evaluated: nx.Graph, top: int = 10) -> list[Community]:
    """Groups of datasets evaluated together (greedy modularity), largest first."""
    if co_evaluated.number_of_edges() == 0:
        return []
    groups = greedy_modularity_communities(co_evaluated, weight="weight")
    found = []
    for members in groups:
        if len(members) < 2:
            continue
        strength = dict(co_evaluated.subgraph(members).degree(weight="weight"))
        ordered = sorted(members, key=lambda n: (-strength[n], co_evaluated.nodes[n]["key"]))
        papers = {p for _, _, edge in co_evaluated.subgraph(members).edges(data=True) for p in edge["papers"]}
        found.append((ordered, papers))
    found.sort(key=lambda item: (-len(item[0]), -len(item[1]), co_evaluated.nodes[item[0][0]]["key"]))
    return [Community(id=i, size=len(ordered), datasets=[co_evaluated.nodes[n]["name"] for n in ordered],
                      keys=[co_evaluated.nodes[n]["key"] for n in ordered], papers=len(papers))
            for i, (ordered, papers) in enumerate(found[:top], 1)]


def analyze(graph: nx.MultiDiGraph, top: int = 10) -> Analysis:
    projected = method_dataset_graph(graph)
    methods, datasets = central_entities(projected, top)
    return Analysis(methods=methods, datasets=datasets,
                    communities=dataset_communities(co_evaluation_graph(graph), top),
                    evaluations=len(_evaluations(graph)), projected_nodes=projected.number_of_nodes(),
                    projected_edges=projected.number_of_edges())


def analysis_text(result: Analysis) -> str:
    """The analysis as three terminal tables."""
    from kgbuild import render

    def ranked(title: str, entities: list[RankedEntity], other: str) -> str:
        rows = [[i, e.name, e.key, f"{e.score:.4f}", e.papers, e.neighbours] for i, e in enumerate(entities, 1)]
        body = render.table(["rank", "name", "key", "pagerank", "papers", other], rows) if rows else "(none)"
        return f"{title}\n{body}"

    communities = [[c.id, c.size, c.papers, ", ".join(c.datasets)] for c in result.communities]
    parts = [
        f"method-dataset graph: {result.projected_nodes} nodes, {result.projected_edges} edges "
        f"from {result.evaluations} EVALUATED_ON relationships",
        ranked("central methods (PageRank, methods linked by shared datasets)", result.methods, "datasets"),
        ranked("central datasets (PageRank, datasets linked by shared methods)", result.datasets, "methods"),
        "communities of datasets evaluated together (greedy modularity)\n"
        + (render.table(["community", "datasets", "papers", "members"], communities) if communities else "(none)"),
    ]
    return "\n\n".join(parts)
