"""kgbuild.analyze on hand-made graphs and on the query-pack fixture (tests/fixtures/packs)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from test_packs import load_fixture

from kgbuild.analyze import (
    EVALUATIONS_QUERY,
    Analysis,
    analyze,
    co_evaluation_graph,
    dataset_communities,
    evaluations_graph,
    method_dataset_graph,
    pagerank,
    projected_pagerank,
)
from kgbuild.cli import cli
from kgbuild.export.netgraph import to_networkx
from kgbuild.stores.falkordb_store import FalkorDBStore


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("analyze") / "store"
    load_fixture(directory)
    return directory


@pytest.fixture(scope="module")
def graph(fixture_store: Path) -> nx.MultiDiGraph:
    with FalkorDBStore(fixture_store) as store:
        return to_networkx(*store.export())


def _evaluations(*triples: tuple[str, str, str]) -> nx.MultiDiGraph:
    """A graph shaped like the export: Method:x -[EVALUATED_ON {paper}]-> Dataset:y."""
    graph = nx.MultiDiGraph()
    for method, dataset, paper in triples:
        for label, key in (("Method", method), ("Dataset", dataset)):
            graph.add_node(f"{label}:{key}", label=label, key=key, name=key.upper())
        graph.add_edge(f"Method:{method}", f"Dataset:{dataset}", key=f"EVALUATED_ON:{paper}",
                       type="EVALUATED_ON", paper=paper)
    graph.add_node("Paper:p1", label="Paper", id="p1")  # other nodes and edges are ignored
    graph.add_edge("Paper:p1", f"Method:{triples[0][0]}", key="MENTIONS:p1", type="MENTIONS", paper="p1")
    return graph


def test_pagerank_matches_the_hand_computed_path():
    # a - b - c: a = c = 0.05 + 0.85 b / 2 and b = 0.05 + 0.85 (a + c), so a = 0.07125 / 0.2775
    scores = pagerank(nx.path_graph(["a", "b", "c"]))
    assert scores["a"] == pytest.approx(0.07125 / 0.2775, abs=1e-9)
    assert scores["c"] == pytest.approx(scores["a"], abs=1e-12)
    assert scores["b"] == pytest.approx(1 - 2 * 0.07125 / 0.2775, abs=1e-9)
    assert pagerank(nx.Graph()) == {}


def _explicit_projection(bipartite: nx.Graph, side: list[str]) -> nx.Graph:
    def weight(g: nx.Graph, u: str, v: str) -> float:
        return sum(g[u][d]["weight"] * g[v][d]["weight"] for d in set(g[u]) & set(g[v]))

    return nx.bipartite.generic_weighted_projected_graph(bipartite, side, weight_function=weight)


def test_projected_pagerank_equals_pagerank_on_the_built_projection():
    rng = random.Random(7)
    triples = [(f"m{rng.randrange(40)}", f"d{int(rng.paretovariate(1.2)) % 15}", f"p{rng.randrange(60)}")
               for _ in range(150)]
    bipartite = method_dataset_graph(_evaluations(*triples))
    for label in ("Method", "Dataset"):
        side = [n for n, attrs in bipartite.nodes(data=True) if attrs["label"] == label]
        implicit = projected_pagerank(bipartite, side)
        explicit = pagerank(_explicit_projection(bipartite, side))
        assert implicit.keys() == explicit.keys()
        assert max(abs(implicit[n] - explicit[n]) for n in side) < 1e-9
        assert sum(implicit.values()) == pytest.approx(1.0)


def test_method_dataset_graph_weights_edges_by_papers():
    graph = _evaluations(("a", "x", "p1"), ("a", "x", "p2"), ("a", "y", "p1"), ("b", "x", "p3"))
    projected = method_dataset_graph(graph)
    assert sorted(projected.nodes) == ["Dataset:x", "Dataset:y", "Method:a", "Method:b"]
    assert projected["Method:a"]["Dataset:x"] == {"weight": 2, "papers": ["p1", "p2"]}
    assert projected["Method:b"]["Dataset:x"]["weight"] == 1
    co = co_evaluation_graph(graph)
    assert list(co.edges(data="papers")) == [("Dataset:x", "Dataset:y", ["p1"])]


def test_a_method_alone_on_its_datasets_is_not_central():
    # hub: m1..m3 all on x; loner: evaluated on three datasets nobody else uses
    graph = _evaluations(("m1", "x", "p1"), ("m2", "x", "p2"), ("m3", "x", "p3"), ("m1", "y", "p1"),
                         ("loner", "q", "p9"), ("loner", "r", "p9"), ("loner", "s", "p9"))
    methods, datasets = analyze(graph).methods, analyze(graph).datasets
    assert [m.key for m in methods] == ["m1", "m2", "m3", "loner"]
    assert methods[0].neighbours == 2 and methods[0].papers == 1
    assert methods[-1].neighbours == 3 and methods[-1].score < methods[-2].score
    assert datasets[0].key == "x"


def test_fixture_central_methods_and_datasets(graph: nx.MultiDiGraph):
    result = analyze(graph, top=20)
    # PrismDet is evaluated on COCO (two papers) and Pascal VOC; GlideNet and KiteDet on the same
    # two datasets (one paper each) tie and are ordered by key
    assert [m.key for m in result.methods[:4]] == ["prismdet", "segflow", "glidenet", "kitedet"]
    assert result.methods[2].score == result.methods[3].score
    prismdet = result.methods[0]
    assert (prismdet.name, prismdet.papers, prismdet.neighbours) == ("PrismDet", 3, 2)
    # TerraNet shares no dataset with another method: last, with only the teleport share
    assert result.methods[-1].key == "terranet"
    assert [d.key for d in result.datasets[:2]] == ["coco", "pascalvoc"]
    coco = result.datasets[0]
    assert (coco.papers, coco.neighbours) == (6, 7)
    assert result.evaluations == 21
    assert (result.projected_nodes, result.projected_edges) == (19, 19)


def test_fixture_communities_of_co_evaluated_datasets(graph: nx.MultiDiGraph):
    communities = dataset_communities(co_evaluation_graph(graph))
    assert [(c.keys, c.papers) for c in communities] == [
        (["coco", "pascalvoc", "imagenet"], 3),
        (["ade20k", "cityscapes"], 2),
        (["aeroscenes", "dota"], 1),
    ]
    assert communities[0].datasets == ["COCO", "Pascal VOC", "ImageNet"]
    assert [c.id for c in communities] == [1, 2, 3]


def test_communities_split_two_dense_groups_joined_by_one_paper():
    left = [(f"m{i}", d, f"p{i}") for i in range(6) for d in ("a", "b", "c")]
    right = [(f"n{i}", d, f"q{i}") for i in range(6) for d in ("x", "y", "z")]
    bridge = [("bridge", "c", "r1"), ("bridge", "x", "r1")]
    communities = dataset_communities(co_evaluation_graph(_evaluations(*left, *right, *bridge)))
    assert sorted(sorted(c.keys) for c in communities) == [["a", "b", "c"], ["x", "y", "z"]]


def test_an_empty_graph_gives_empty_answers():
    result = analyze(nx.MultiDiGraph())
    assert result == Analysis(methods=[], datasets=[], communities=[], evaluations=0, projected_nodes=0,
                              projected_edges=0)


def test_cli_analyze_table_and_json(fixture_store: Path):
    runner = CliRunner()
    table = runner.invoke(cli, ["analyze", "--store", str(fixture_store), "--top", "3"], catch_exceptions=False)
    assert table.exit_code == 0, table.output
    assert "central methods" in table.output and "PrismDet" in table.output
    assert "COCO, Pascal VOC, ImageNet" in table.output
    as_json = runner.invoke(cli, ["analyze", "--store", str(fixture_store), "--format", "json"],
                            catch_exceptions=False)
    assert as_json.exit_code == 0, as_json.output
    data = Analysis.model_validate(json.loads(as_json.output))
    assert data.methods[0].key == "prismdet" and data.datasets[0].key == "coco"
    assert len(data.communities) == 3


def test_cli_analyze_refuses_a_missing_store(tmp_path: Path):
    result = CliRunner().invoke(cli, ["analyze", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "no graph store at" in result.output


def test_cli_analyze_help_has_an_example():
    output = CliRunner().invoke(cli, ["analyze", "--help"]).output
    assert "Example" in output and "kgbuild analyze" in output


def test_the_evaluations_query_gives_the_same_graph_as_the_export(fixture_store: Path, graph: nx.MultiDiGraph):
    with FalkorDBStore(fixture_store) as store:
        rows = store.query(EVALUATIONS_QUERY).rows
    small = evaluations_graph(rows)
    assert small.number_of_nodes() < graph.number_of_nodes()
    assert analyze(small, top=20) == analyze(graph, top=20)
    assert list(method_dataset_graph(small).edges(data=True)) == list(method_dataset_graph(graph).edges(data=True))
