"""Scale benchmark: a SYNTHETIC corpus of N abstracts, built end to end into the embedded store.

The corpus is synthetic: every abstract recombines sentences of the sample corpus
(examples/sample) and swaps in generated method names, so the graph grows the way a real
one does (new methods every paper, datasets and metrics shared). Titles start with
"[SYNTHETIC]" and every record has "synthetic": true. Nothing is asserted; figures are printed.

usage: python benchmarks/scale.py [--n 1000000] [--workers 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import orjson

from kgbuild.build import build
from kgbuild.queries import load_packs
from kgbuild.sources import read_papers
from kgbuild.stores.cypher_store import CypherStore
from kgbuild.stores.falkordb_store import FalkorDBStore

REPO = Path(__file__).resolve().parent.parent
NAME_RE = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9-]*\b")


def _sentences_and_names() -> tuple[list[str], list[str]]:
    sentences, names = [], set()
    for item in read_papers([REPO / "examples" / "sample"]):
        abstract = getattr(item, "abstract", "")
        sentences += [s.strip() + "." for s in abstract.split(". ") if len(s) > 40]
        names.update(NAME_RE.findall(getattr(item, "title", "")))
    return sentences, sorted(names)


def write_corpus(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    sentences, names = _sentences_and_names()
    with gzip.open(path, "wb", compresslevel=1) as handle:
        for i in range(n):
            base = rng.choice(names)
            method = f"{base}{i % 9973}X{i // 9973}"
            picked = rng.sample(sentences, 6)
            picked[0] = f"We propose {method}, a new approach. " + picked[0]
            abstract = " ".join(s.replace(base, method) for s in picked)
            record = {"id": f"synthetic-{i}", "title": f"[SYNTHETIC] {method}: paper {i}",
                      "abstract": abstract, "synthetic": True}
            handle.write(orjson.dumps(record) + b"\n")


class MemorySampler(threading.Thread):
    """Peak resident memory of this process and all its descendants (workers, the server)."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.phase = "build"
        # (seconds since start, phase, server bytes, kgbuild bytes), for --series
        self.samples: list[tuple[float, str, int, int]] = []
        self.peak = 0
        self.peak_server = 0
        self.peak_kgbuild = 0
        self._halt = threading.Event()

    def run(self) -> None:
        started = time.perf_counter()
        while not self._halt.is_set():
            server, kgbuild = _tree_rss(os.getpid())
            self.samples.append((time.perf_counter() - started, self.phase, server, kgbuild))
            self.peak = max(self.peak, server + kgbuild)
            self.peak_server = max(self.peak_server, server)
            self.peak_kgbuild = max(self.peak_kgbuild, kgbuild)
            self._halt.wait(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _tree_rss(pid: int) -> tuple[int, int]:
    """Proportional set size summed over the tree, as (server and its forks, kgbuild and its
    workers): pages shared between processes (a forked server's copy-on-write pages) are
    counted once, not once per process."""
    server, kgbuild, stack = 0, 0, [(pid, False)]
    while stack:
        current, in_server = stack.pop()
        try:
            in_server = in_server or b"redis" in Path(f"/proc/{current}/cmdline").read_bytes()
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    size = int(line.split()[1]) * 1024
                    if in_server:
                        server += size
                    else:
                        kgbuild += size
                    break
        except OSError:
            continue
        stack += [(child, in_server) for child in _children(current)]
    return server, kgbuild


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="keep corpus and store in this directory")
    parser.add_argument("--series", type=Path, help="write the memory samples (TSV) to this file")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kgbuild-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"synthetic-{args.n}.jsonl.gz"
    if not corpus.exists():
        started = time.perf_counter()
        write_corpus(corpus, args.n)
        print(f"generated {args.n:,} SYNTHETIC abstracts in {time.perf_counter() - started:.0f} s -> {corpus}")

    write_seconds = 0.0
    real_write = CypherStore.write

    def timed_write(self, batch, rewrite=False):
        nonlocal write_seconds
        started = time.perf_counter()
        try:
            return real_write(self, batch, rewrite)
        finally:
            write_seconds += time.perf_counter() - started

    CypherStore.write = timed_write  # measures the time spent loading, inside the real run
    sampler = MemorySampler()
    sampler.start()
    started = time.perf_counter()
    with FalkorDBStore(work / "store") as store:
        summary = build([str(corpus)], store, workers=args.workers, chunk_size=2000)
        total = time.perf_counter() - started
        counts = summary.graph
        elements = counts.papers + sum(counts.entities.values()) + counts.results + sum(counts.relationships.values())
        sampler.phase = "queries"
        latencies = _query_latencies(store)
        sampler.phase = "close"
    peak = sampler.stop()
    if args.series:
        args.series.write_text("seconds\tphase\tserver_gib\tkgbuild_gib\n" + "".join(
            f"{t:.1f}\t{phase}\t{server / 2**30:.3f}\t{kgbuild / 2**30:.3f}\n"
            for t, phase, server, kgbuild in sampler.samples))
    CypherStore.write = real_write

    print(f"SYNTHETIC corpus: {summary.counts.papers:,} papers, {args.workers} extraction workers, 2 cores")
    print(f"end to end         {total / 60:8.1f} min   ({summary.counts.papers / total:,.0f} abstracts/s)")
    print(f"outside loading    {summary.counts.papers / max(total - write_seconds, 1e-9):8,.0f} abstracts/s "
          f"(time not spent in store.write: mostly waiting for extracted batches)")
    print(f"loading            {elements / max(write_seconds, 1e-9):8,.0f} nodes+relationships/s "
          f"({elements:,} in {write_seconds:.0f} s)")
    print(f"peak memory        {peak / 2**30:8.2f} GiB  (kgbuild, its workers and the FalkorDB server)")
    print(f"  of which         {sampler.peak_server / 2**30:8.2f} GiB  FalkorDB server at its peak, "
          f"{sampler.peak_kgbuild / 2**30:.2f} GiB kgbuild and its workers at theirs")
    for name, (p50, p95) in latencies.items():
        print(f"query {name:26} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")


def _query_latencies(store: FalkorDBStore, repeat: int = 50) -> dict[str, tuple[float, float]]:
    packs = load_packs()
    some_paper = store.query("MATCH (p:Paper) RETURN p.id LIMIT 1").rows[0][0]
    probes = {
        "entity-lookup": {"name": "COCO"},
        "methods-evaluated-on": {"dataset": "KITTI"},
        "backbones-evaluated-on": {"dataset": "KITTI"},
        "paper-card": {"paper": some_paper},
        "method-papers": {"method": "ResNet-50"},
    }
    figures = {}
    for name, raw in probes.items():
        query = packs[name]
        params = query.bind({k: str(v) for k, v in raw.items()})
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            store.query(query.cypher, params)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        figures[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    return figures


if __name__ == "__main__":
    main()
