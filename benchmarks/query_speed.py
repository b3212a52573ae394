"""Latency of every pack query on the embedded store or Neo4j: the sample corpus and a synthetic graph.

usage: python benchmarks/query_speed.py [--papers N] [--repeat R] [--graphs corpus,synthetic]
                                        [--index Label.prop ...] [--queries lookups|NAME,...]
                                        [--neo4j-uri URI [--neo4j-user U] [--database D] [--keep] [--reuse]]

- corpus: examples/sample built with kgbuild.build.build (the real extractor).
- synthetic: N papers (default 100,000) of SYNTHETIC data, generated as GraphBatch rows and
  loaded with store.write in batches: every paper proposes a method, most use a backbone
  from a small Zipf-distributed pool, are evaluated on one to three datasets (Zipf over
  2,000) against a baseline, mention tasks and a metric, report a result and may link code;
  10% have no date. The load time is measured and printed.

For each query: one warm-up run, then R timed runs of store.query (round trip through the
unix socket included); p50 and p95 in milliseconds. Entity parameters are bound as the CLI
binds them (through the lexicon); on the synthetic graph both a head entity (the most
frequent) and a typical one (the median) are timed where a query takes one; a query whose
warm-up run takes over 3 s/R is timed fewer times (at least 5). The synthetic store is closed after
loading and opened again before timing, as `kgbuild build` then `kgbuild query` would. Nothing is written into the
repository: the stores live in a temporary directory, removed at the end. --index adds an
index to the benchmark stores only, to measure one before proposing it for stores/dialect.py.

Neo4j: with --neo4j-uri or NEO4J_URI (NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE, as the
CLI reads them; the store is opened by kgbuild.stores.open_store, as the CLI opens it) the
graphs are loaded into that Neo4j instead. Its database must hold no nodes; what the
benchmark wrote is deleted after each graph unless --keep is given. --reuse times the
queries on a synthetic graph of --papers papers that an earlier --keep run left there,
without loading it again (to compare the driver's Rust codec on and off on the same graph;
the run prints which codec the driver uses). Neo4j's queries are not given the embedded
store's 60 s / 4 GB bounds (Community Edition cannot change db.transaction.timeout at run
time); the server's own heap bounds their memory.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from itertools import accumulate
from pathlib import Path
from typing import Any

from kgbuild.errors import StoreError
from kgbuild.graph import GraphBatch
from kgbuild.models import ENTITY_TYPES
from kgbuild.names import lookup_key
from kgbuild.queries import NamedQuery, load_packs
from kgbuild.stores import GraphReader, GraphStore, GraphWriter, StoreConfig, open_store

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample"
SYNTHETIC_VERSION = "synthetic-1"
TIMEOUT_MS = 60_000
QUERY_MEMORY_BYTES = 4 * 1024 ** 3
LOOKUPS_AND_ONE_HOP = {"entity-lookup", "methods-evaluated-on", "method-papers", "metrics-for-dataset",
                       "paper-card", "backbones-evaluated-on", "leaderboard"}


# -- synthetic graph ------------------------------------------------------------------------------

def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    """Cumulative Zipf weights (for random.choices(cum_weights=...))."""
    return list(accumulate(1.0 / (rank ** s) for rank in range(1, n + 1)))


class Synthetic:
    """Deterministic SYNTHETIC papers as GraphBatch rows (see the module docstring)."""

    def __init__(self, papers: int, seed: int = 7) -> None:
        self.papers = papers
        self.rng = random.Random(seed)
        self.datasets = [f"SynthSet-{i:04d}" for i in range(2000)]
        self.backbones = [f"SynthBackbone-{i:03d}" for i in range(200)]
        self.baselines = [f"SynthBaseline-{i:04d}" for i in range(5000)]
        self.metrics = [f"SynthMetric-{i:03d}" for i in range(300)]
        self.tasks = [f"synthetic task {i:04d}" for i in range(1000)]
        self.w_datasets = _zipf_weights(len(self.datasets))
        self.w_backbones = _zipf_weights(len(self.backbones))
        self.w_baselines = _zipf_weights(len(self.baselines))
        self.w_metrics = _zipf_weights(len(self.metrics))
        self.w_tasks = _zipf_weights(len(self.tasks))
        self.seen: dict[str, set[str]] = {label: set() for label in ENTITY_TYPES}

    @staticmethod
    def paper_ids(papers: int) -> list[str]:
        return [f"synthetic:{number:07d}" for number in range(papers)]

    @staticmethod
    def key(name: str) -> str:
        return lookup_key(name)

    def _pick(self, names: list[str], weights: list[float], k: int = 1) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < k:
            name = self.rng.choices(names, cum_weights=weights)[0]
            if name not in chosen:
                chosen.append(name)
        return chosen

    def batch(self, start: int, stop: int) -> GraphBatch:
        batch = GraphBatch(entities={label: [] for label in ENTITY_TYPES},
                           mentions={label: [] for label in ENTITY_TYPES},
                           paper_links={"PROPOSES": [], "USES_BACKBONE": [], "HAS_CODE": []})
        for number in range(start, stop):
            self._paper(batch, number)
        return batch

    def _entity(self, batch: GraphBatch, label: str, name: str, paper: str, offset: int,
                roles: list[str] | None = None, proposed: bool = False, url: str | None = None,
                evaluated: bool = False) -> str:
        key = name.lower() if label == "Repo" else self.key(name)
        if key not in self.seen[label]:
            self.seen[label].add(key)
            batch.entities[label].append({"key": key, "name": name, "aliases": [name],
                                          "lookup": sorted({key, lookup_key(name)}), "url": url})
        batch.mentions[label].append({
            "paper": paper, "key": key, "field": "abstract", "start": offset, "end": offset + len(name),
            "sentence": 0, "text": name, "texts": [name], "count": 1, "roles": roles or [], "proposed": proposed,
            "evaluated": evaluated})
        return key

    def _paper(self, batch: GraphBatch, number: int) -> None:
        rng = self.rng
        pid = f"synthetic:{number:07d}"
        method = f"SynthNet-{number:07d}"
        datasets = self._pick(self.datasets, self.w_datasets, rng.choice((1, 1, 2, 2, 3)))
        backbone = self._pick(self.backbones, self.w_backbones)[0] if rng.random() < 0.7 else None
        baseline = self._pick(self.baselines, self.w_baselines)[0] if rng.random() < 0.5 else None
        metric = self._pick(self.metrics, self.w_metrics)[0]
        tasks = self._pick(self.tasks, self.w_tasks, rng.choice((1, 2)))
        repo = f"https://github.com/synthetic/{method.lower()}" if rng.random() < 0.4 else None
        first = (f"We propose {method}" + (f" with a {backbone} backbone" if backbone else "")
                 + f" for {' and '.join(tasks)}.")
        second = f"{method} reaches 50.0 {metric} on {', '.join(datasets)}."
        abstract = (f"{first} {second}" + (f" It outperforms {baseline}." if baseline else "")
                    + (f" Code: {repo}" if repo else ""))
        date = None if rng.random() < 0.1 else f"{rng.randrange(2015, 2026)}-{rng.randrange(1, 13):02d}-" \
                                                f"{rng.randrange(1, 29):02d}"
        batch.papers.append({
            "id": pid, "hash": f"{number:032x}", "title": f"{method}: a SYNTHETIC paper number {number}",
            "abstract": abstract, "source_file": f"synthetic/part-{number // 10_000:02d}.jsonl",
            "source_line": number % 10_000 + 1, "arxiv_id": None, "doi": None, "url": None, "date": date,
            "authors": [], "categories": [], "extractor_version": SYNTHETIC_VERSION})
        link = {"paper": pid, "field": "abstract", "sentence": 0, "start": 11, "end": 11 + len(method),
                "evidence": method}
        mkey = self._entity(batch, "Method", method, pid, 11, proposed=True, evaluated=True)
        batch.paper_links["PROPOSES"].append({**link, "key": mkey})
        if backbone:
            bkey = self._entity(batch, "Method", backbone, pid, abstract.index(backbone), roles=["backbone"])
            batch.paper_links["USES_BACKBONE"].append({**link, "key": bkey, "evidence": backbone})
        evaluated = [mkey]
        if baseline:
            evaluated.append(self._entity(batch, "Method", baseline, pid, abstract.index(baseline), evaluated=True))
        dkeys = [self._entity(batch, "Dataset", d, pid, abstract.index(d), evaluated=True) for d in datasets]
        xkey = self._entity(batch, "Metric", metric, pid, abstract.index(metric))
        for task in tasks:
            self._entity(batch, "Task", task, pid, abstract.index(task))
        if repo:
            rkey = self._entity(batch, "Repo", repo, pid, abstract.index(repo), url=repo)
            batch.paper_links["HAS_CODE"].append({**link, "key": rkey, "evidence": repo})
        evidence = {"paper": pid, "field": "abstract", "sentence": 1, "start": len(first) + 1,
                    "end": len(first) + 1 + len(second), "evidence": second}
        for ekey in evaluated:
            for dkey in dkeys:
                batch.evaluations.append({**evidence, "method": ekey, "dataset": dkey})
        with_dataset = rng.random() < 0.8
        batch.results.append({
            "id": f"{pid}#r1", "paper": pid, "method": mkey, "dataset": dkeys[0] if with_dataset else None,
            "metric": xkey, "method_name": method, "dataset_name": datasets[0] if with_dataset else None,
            "metric_name": metric, "split": rng.choice((None, "test", "val")), "value": round(rng.uniform(20, 90), 1),
            "unit": None, "field": "abstract", "sentence": 1, "start": evidence["start"], "end": evidence["end"],
            "evidence": evidence["evidence"]})


def load_synthetic(store: GraphWriter, papers: int, batch_papers: int = 5000) -> float:
    generator = Synthetic(papers)
    started = time.perf_counter()
    for start in range(0, papers, batch_papers):
        store.write(generator.batch(start, min(papers, start + batch_papers)))
        done = min(papers, start + batch_papers)
        print(f"  loaded {done:,} synthetic papers ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return time.perf_counter() - started


# -- timing ---------------------------------------------------------------------------------------

def pick(store: GraphReader, cypher: str, **params: Any) -> list[Any]:
    return [row[0] for row in store.query(cypher, params).rows]


def parameter_sets(store: GraphReader, synthetic: bool) -> dict[str, list[dict[str, str]]]:
    """Per query, the parameter sets to time on this graph (head and typical where it matters)."""
    if not synthetic:
        title = pick(store, "MATCH (p:Paper)-[:PROPOSES]->(:Method {key: 'cspnet'}) RETURN p.title LIMIT 1")
        head = {"dataset": "COCO", "method": "ResNet-50", "metric": "AP", "task": "object detection",
                "paper": title[0] if title else "CSPNet", "name": "COCO"}
        heads = [head]
    else:
        by_use = pick(store, "MATCH (d:Dataset)<-[e:EVALUATED_ON]-() WITH d, count(e) AS n "
                             "RETURN d.name ORDER BY n DESC, d.name")
        backbones = pick(store, "MATCH (m:Method)<-[u:USES_BACKBONE]-() WITH m, count(u) AS n "
                                "RETURN m.name ORDER BY n DESC, m.name")
        metrics = pick(store, "MATCH (x:Metric)<-[:MEASURED_BY]-() WITH x, count(*) AS n "
                              "RETURN x.name ORDER BY n DESC, x.name")
        tasks = pick(store, "MATCH (t:Task)<-[r:MENTIONS]-() WITH t, count(r) AS n RETURN t.name ORDER BY n DESC, t.name")
        evaluated = pick(store, "MATCH (m:Method)-[e:EVALUATED_ON]->() WITH m, count(e) AS n "
                                "RETURN m.name ORDER BY n DESC, m.name LIMIT 1")
        heads = [{"dataset": by_use[0], "method": evaluated[0], "metric": metrics[0], "task": tasks[0],
                  "paper": "SynthNet-0050000: a SYNTHETIC paper number 50000", "name": by_use[0], "label": "head"},
                 {"dataset": by_use[len(by_use) // 2], "method": "SynthNet-0012345",
                  "metric": metrics[len(metrics) // 2], "task": tasks[len(tasks) // 2], "paper": "synthetic:0012345",
                  "name": "synthnet0012345", "label": "typical"}]
    sets: dict[str, list[dict[str, str]]] = {}
    for name, named in load_packs().items():
        wanted = [p.name for p in named.params if p.required]
        variants = []
        for values in heads:
            if name == "method-papers" and values.get("label") == "head":
                continue  # every synthetic method is proposed once: head and typical are alike
            params = {p: values[p] for p in wanted}
            if name == "leaderboard" and synthetic:
                params["metric"] = (pick(store, "MATCH (d:Dataset {name: $name})<-[:ON_DATASET]-(:Result)"
                                         "-[:MEASURED_BY]->(x:Metric) WITH x, count(*) AS n "
                                         "RETURN x.name ORDER BY n DESC, x.name LIMIT 1", name=values["dataset"])
                                    or [values["metric"]])[0]  # a small graph may have no result there
            if name == "new-methods":
                params.update({"since": "2025-06-01"} if synthetic else {"source": "001_"})  # the sample has no dates
            if name == "method-papers" and not synthetic:
                params["method"] = "CSPNet"  # ResNet-50 is used there, not proposed
            label = values.get("label", "")
            variants.append({**params, "_label": label} if label else params)
            if not wanted and name != "new-methods":
                break
        sets[name] = variants
    return sets


def time_query(store: GraphReader, named: NamedQuery, raw: dict[str, str], repeat: int) -> tuple[int, float, float]:
    params = named.bind({k: v for k, v in raw.items() if not k.startswith("_")})
    started = time.perf_counter()
    rows = len(store.query(named.cypher, params).rows)  # warm-up
    warm_ms = (time.perf_counter() - started) * 1000
    samples = []
    for _ in range(min(repeat, max(5, int(3000 / max(warm_ms, 1e-3))))):  # slow ones: fewer runs
        started = time.perf_counter()
        store.query(named.cypher, params)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    return rows, statistics.median(samples), p95


def guard(store: GraphStore) -> None:
    """Bound every query of this benchmark's own server: a runaway one fails instead of
    taking the machine's memory or the rest of the run."""
    if store.name == "neo4j":
        return  # no run-time bound in Community Edition: see the module docstring
    connection = store._client.connection
    connection.execute_command("GRAPH.CONFIG", "SET", "TIMEOUT_DEFAULT", str(TIMEOUT_MS))
    connection.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", str(QUERY_MEMORY_BYTES))


def report(graph: str, store: GraphStore, synthetic: bool, repeat: int,
           only: set[str] | None = None) -> list[list[str]]:
    packs = load_packs()
    guard(store)
    lines = []
    for name, variants in parameter_sets(store, synthetic).items():
        if only and name not in only:
            continue
        for raw in variants:
            shown = ", ".join(f"{k}={v}" for k, v in raw.items() if not k.startswith("_"))
            kind = "lookup/1-hop" if name in LOOKUPS_AND_ONE_HOP else "aggregate"
            where = graph + (f" ({raw['_label']})" if "_label" in raw else "")
            try:
                rows, p50, p95 = time_query(store, packs[name], raw, repeat)
            except StoreError as exc:
                lines.append([where, name, kind, shown[:48], "-", "failed", str(exc)[:60]])
                continue
            flag = " !" if kind == "lookup/1-hop" and p95 >= 50 else ""
            lines.append([where, name, kind, shown[:48], str(rows), f"{p50:.1f}", f"{p95:.1f}{flag}"])
            print("  " + "  ".join(lines[-1]), file=sys.stderr)  # as it goes: a slow graph takes minutes
    return lines


def print_table(lines: list[list[str]]) -> None:
    header = ["graph", "query", "kind", "params", "rows", "p50 ms", "p95 ms"]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print("  ".join(v.ljust(w) for v, w in zip(line, widths)))


def add_indexes(store: GraphStore, indexes: list[str]) -> None:
    if indexes:
        print(f"  extra indexes for this run only: {', '.join(indexes)}", file=sys.stderr)
    for spec in indexes:
        label, prop = spec.split(".", 1)
        try:
            if store.name == "neo4j":
                store._write(f"CREATE INDEX IF NOT EXISTS FOR (n:{label}) ON (n.{prop})", {})
            else:
                store._require_graph().query(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
        except Exception as exc:  # noqa: BLE001 - an existing index is fine
            print(f"  index {spec}: {exc}", file=sys.stderr)
    if indexes and store.name == "neo4j":
        store.query("CALL db.awaitIndexes(600)")
    elif indexes:
        time.sleep(5)  # FalkorDB fills a new index in the background


# -- Neo4j ----------------------------------------------------------------------------------------

def codec() -> str:
    """Which (de)serialisation the neo4j driver uses in this process."""
    from importlib import metadata

    try:
        return f"Rust codec on (neo4j-rust-ext {metadata.version('neo4j-rust-ext')})"
    except metadata.PackageNotFoundError:
        return "Rust codec off (neo4j-rust-ext not installed)"


def held_papers(store: GraphReader) -> tuple[int, int]:
    """(nodes, synthetic papers) in the store."""
    nodes = pick(store, "MATCH (n) RETURN count(n)")[0]
    synthetic = pick(store, "MATCH (p:Paper) WHERE p.id STARTS WITH 'synthetic:' RETURN count(p)")[0]
    return int(nodes), int(synthetic)


def _config(args: argparse.Namespace, directory: Path, batch_size: int | None = None) -> StoreConfig:
    extra = {"batch_size": batch_size} if batch_size else {}
    if args.neo4j_uri:
        return StoreConfig(backend="neo4j", neo4j_uri=args.neo4j_uri, neo4j_user=args.neo4j_user,
                           database=args.database, **extra)
    return StoreConfig(backend="embedded", directory=directory, **extra)


def _neo4j_empty(store: GraphStore, graph: str) -> bool:
    nodes, _ = held_papers(store)
    if nodes:
        print(f"{graph}: skipped: {store.location} holds {nodes:,} nodes; the benchmark needs an empty "
              f"database (set NEO4J_DATABASE to a scratch one), or --reuse for a kept synthetic graph",
              file=sys.stderr)
    return not nodes


def run_corpus(args: argparse.Namespace, scratch: Path) -> list[list[str]]:
    from kgbuild.build import build

    with open_store(_config(args, scratch / "corpus")) as store:
        if store.name == "neo4j" and not _neo4j_empty(store, "corpus"):
            return []
        try:
            summary = build([str(SAMPLE)], store)
            add_indexes(store, args.index)
            print(f"corpus: {summary.graph.papers} papers from {SAMPLE} in {summary.seconds} s", file=sys.stderr)
            return report("corpus", store, False, args.repeat, args.queries)
        finally:
            if store.name == "neo4j" and not args.keep:
                store.delete_papers(store.paper_ids())


def run_synthetic(args: argparse.Namespace, scratch: Path) -> list[list[str]]:
    config = _config(args, scratch / f"synthetic-{args.papers}", batch_size=2000)
    neo4j = config.backend == "neo4j"
    loaded = False
    try:
        with open_store(config) as store:
            nodes, held = held_papers(store) if neo4j else (0, 0)
            if neo4j and args.reuse and held == args.papers:
                print(f"synthetic: reusing the {held:,} synthetic papers already in {store.location}",
                      file=sys.stderr)
            elif neo4j and not _neo4j_empty(store, "synthetic"):
                return []
            else:
                loaded = True
                seconds = load_synthetic(store, args.papers)
                counts = store.counts()
                items = counts.papers + sum(counts.entities.values()) + counts.results \
                    + sum(counts.relationships.values())
                print(f"synthetic: loaded {counts.papers:,} papers in {seconds:.0f} s "
                      f"({counts.papers / seconds:,.0f} papers/s, {items / seconds:,.0f} nodes+relationships/s); "
                      f"entities {counts.entities}; relationships {counts.relationships}", file=sys.stderr)
            add_indexes(store, args.index)
        # Queried as a user queries it: `kgbuild build` ends, `kgbuild query` opens the store
        # again (the server reads the graph back, with nothing left pending from the load).
        with open_store(_config(args, config.directory)) as store:
            return report("synthetic", store, True, args.repeat, args.queries)
    finally:
        if neo4j and loaded and not args.keep:
            with open_store(config) as store:
                print(f"synthetic: deleting the {args.papers:,} synthetic papers", file=sys.stderr)
                store.delete_papers(Synthetic(0).paper_ids(args.papers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000, help="synthetic papers (default 100,000)")
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per query (default 40)")
    parser.add_argument("--graphs", default="corpus,synthetic")
    parser.add_argument("--index", action="append", default=[], metavar="Label.prop",
                        help="add an index to the benchmark stores (repeatable)")
    parser.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI"), metavar="URI",
                        help="time Neo4j instead of the embedded store [env NEO4J_URI]")
    parser.add_argument("--neo4j-user", default=os.environ.get("NEO4J_USERNAME"), metavar="USER",
                        help="[env NEO4J_USERNAME]; the password is read from NEO4J_PASSWORD only")
    parser.add_argument("--database", default=os.environ.get("NEO4J_DATABASE"), metavar="NAME",
                        help="[env NEO4J_DATABASE]")
    parser.add_argument("--keep", action="store_true", help="leave the benchmark's papers in Neo4j")
    parser.add_argument("--reuse", action="store_true",
                        help="Neo4j: time a synthetic graph of --papers papers kept there by an earlier --keep run")
    parser.add_argument("--queries", type=lambda text: set(text.split(",")) if text else None, metavar="A,B",
                        help="time only these pack queries; 'lookups' for the lookups and one-hop queries")
    args = parser.parse_args()
    if args.queries and "lookups" in args.queries:
        args.queries = (args.queries - {"lookups"}) | LOOKUPS_AND_ONE_HOP
    graphs = args.graphs.split(",")
    scratch = Path(tempfile.mkdtemp(prefix="kgbuild-bench-"))
    lines: list[list[str]] = []
    if args.neo4j_uri:
        print(f"neo4j: {args.neo4j_uri}; {codec()}", file=sys.stderr)
    try:
        if "corpus" in graphs:
            lines += run_corpus(args, scratch)
        if "synthetic" in graphs:
            lines += run_synthetic(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if lines:
        print_table(lines)
    print("\n'!' marks a lookup or one-hop query at or over the 50 ms p95 target. Synthetic rows are SYNTHETIC data.")


if __name__ == "__main__":
    main()
