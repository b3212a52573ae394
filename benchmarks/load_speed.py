"""Load throughput: nodes + relationships written per second, embedded store and Neo4j.

usage: python benchmarks/load_speed.py [--papers N] [--batch-size B] [--seed S] [--keep]

The input is SYNTHETIC: N papers (default 20,000) made as extraction records and turned into
GraphBatch rows by kgbuild.graph.to_graph, the same path a real build takes. Every paper
proposes a method, most use a backbone from a small pool, are evaluated on one to three
datasets (some against a baseline), mention one or two tasks and a metric, report one or two
results, and some link code. Making the rows is not timed; store.write is, from the first
statement to the last, on a new empty store:

- embedded: a FalkorDBStore in a temporary directory (its server start is not timed);
- neo4j: only when NEO4J_URI is set (with NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE).
  The database must hold no nodes; what the benchmark wrote is deleted afterwards unless
  --keep is given.

For each store it prints the first load (nodes + relationships per second; the target for the
embedded store is >= 50,000/s on the 2-core development machine) and a second load of the
same rows, which finds every paper unchanged and writes nothing (papers per second).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from kgbuild.graph import GraphBatch, to_graph
from kgbuild.models import (
    Entity,
    Evidence,
    Extraction,
    GraphCounts,
    Mention,
    Paper,
    Relation,
    Result,
    SourceRef,
)
from kgbuild.stores.cypher_store import DEFAULT_BATCH_SIZE

VERSION = "load-speed-1"
TARGET_EMBEDDED = 50_000


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _entity(kind: str, name: str, text: str, **extra: object) -> Entity:
    start = text.find(name)
    return Entity(type=kind, key=name.lower() if kind == "Repo" else _key(name), name=name,
                  mentions=[Mention(field="abstract", start=start, end=start + len(name), text=name, sentence=0)],
                  **extra)


def synthetic(papers: int, seed: int = 7) -> list[Extraction]:
    rng = random.Random(seed)
    backbones = [f"Backbone-{i}" for i in range(100)]
    baselines = [f"Baseline-{i}" for i in range(2000)]
    datasets = [f"Dataset-{i}" for i in range(1000)]
    metrics = [f"Metric-{i}" for i in range(100)]
    tasks = [f"task number {i}" for i in range(500)]
    out: list[Extraction] = []
    for number in range(papers):
        pid = f"bench:{number:07d}"
        method = f"BenchNet-{number}"
        backbone = rng.choice(backbones) if rng.random() < 0.7 else None
        baseline = rng.choice(baselines) if rng.random() < 0.5 else None
        used = rng.sample(datasets, rng.choice((1, 2, 3)))
        metric = rng.choice(metrics)
        topics = rng.sample(tasks, rng.choice((1, 2)))
        repo = f"https://github.com/bench/{method.lower()}" if rng.random() < 0.4 else None
        first = (f"We propose {method}" + (f" with a {backbone} backbone" if backbone else "")
                 + f" for {' and '.join(topics)}.")
        second = f"{method} reaches 50.0 {metric} on {', '.join(used)}."
        abstract = f"{first} {second}" + (f" It beats {baseline}." if baseline else "") + \
                   (f" Code: {repo}" if repo else "")
        proposed = _entity("Method", method, abstract, proposed=True)
        entities = [proposed]
        if backbone:
            entities.append(_entity("Method", backbone, abstract, roles=["backbone"]))
        compared = [proposed]
        if baseline:
            compared.append(_entity("Method", baseline, abstract))
            entities.append(compared[-1])
        data = [_entity("Dataset", d, abstract) for d in used]
        measure = _entity("Metric", metric, abstract)
        entities += data + [measure] + [_entity("Task", t, abstract) for t in topics]
        if repo:
            entities.append(_entity("Repo", repo, abstract, url=repo))
        start = len(first) + 1
        evidence = Evidence(paper=pid, field="abstract", sentence=1, start=start, end=start + len(second),
                            text=second)
        relations = [Relation(type="EVALUATED_ON", source=m.ref(), target=d.ref(), evidence=evidence)
                     for m in compared for d in data]
        results = [Result(method=proposed.ref(), dataset=d.ref(), metric=measure.ref(),
                          value=round(rng.uniform(20, 90), 1), unit="%", evidence=evidence)
                   for d in data[:rng.choice((1, 2))]]
        paper = Paper(id=pid, title=f"{method}: a synthetic paper", abstract=abstract,
                      source=SourceRef(file="synthetic.jsonl", line=number + 1), date="2024-01-01")
        out.append(Extraction(paper=paper, entities=entities, relations=relations, results=results))
    return out


def _size(counts: GraphCounts) -> tuple[int, int]:
    nodes = counts.papers + sum(counts.entities.values()) + counts.results
    return nodes, sum(counts.relationships.values())


def measure(name: str, store, batch: GraphBatch) -> float:
    """Time a first load and an unchanged reload; print both; return the items per second."""
    started = time.perf_counter()
    report = store.write(batch)
    first = time.perf_counter() - started
    nodes, relationships = _size(store.counts())
    started = time.perf_counter()
    again = store.write(batch)
    second = time.perf_counter() - started
    rate = (nodes + relationships) / first
    print(f"{name:9} load    {len(batch.papers):>7,} papers -> {nodes:>8,} nodes + {relationships:>8,} "
          f"relationships in {first:6.2f} s = {rate:>9,.0f} nodes+relationships/s  (written {report.written:,})")
    print(f"{name:9} reload  {len(batch.papers):>7,} papers unchanged in {second:6.2f} s = "
          f"{len(batch.papers) / second:>9,.0f} papers/s  (unchanged {again.unchanged:,})")
    return rate


def run_embedded(batch: GraphBatch, batch_size: int) -> float:
    from kgbuild.stores.falkordb_store import FalkorDBStore

    with tempfile.TemporaryDirectory(prefix="kgbuild-load-speed-") as directory:
        with FalkorDBStore(Path(directory) / "store", batch_size=batch_size) as store:
            return measure("embedded", store, batch)


def run_neo4j(batch: GraphBatch, batch_size: int, keep: bool) -> None:
    from kgbuild.stores.neo4j_store import Neo4jStore

    store = Neo4jStore(os.environ["NEO4J_URI"], user=os.environ.get("NEO4J_USERNAME"),
                       password=os.environ.get("NEO4J_PASSWORD"), database=os.environ.get("NEO4J_DATABASE"),
                       batch_size=batch_size)
    with store:
        held = store.query("MATCH (n) RETURN count(n) AS n").rows[0][0]
        if held:
            print(f"neo4j     skipped: {store.location} holds {held:,} nodes; the benchmark needs an empty "
                  f"database (set NEO4J_DATABASE to a scratch one)", file=sys.stderr)
            return
        try:
            measure("neo4j", store, batch)
        finally:
            if not keep:
                store.delete_papers(batch.paper_ids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows per transaction")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="leave the benchmark's papers in Neo4j")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    batch = to_graph(synthetic(args.papers, args.seed), VERSION)
    print(f"made {len(batch.papers):,} synthetic papers as GraphBatch rows in {time.perf_counter() - started:.1f} s "
          f"(not timed below); batch size {args.batch_size}")
    rate = run_embedded(batch, args.batch_size)
    verdict = "meets" if rate >= TARGET_EMBEDDED else "MISSES"
    print(f"embedded  {verdict} the target of {TARGET_EMBEDDED:,} nodes+relationships/s")
    if os.environ.get("NEO4J_URI"):
        run_neo4j(batch, args.batch_size, args.keep)
    else:
        print("neo4j     not measured: set NEO4J_URI (and NEO4J_USERNAME, NEO4J_PASSWORD) to measure one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
