"""Server-side speed of kgbuild serve's pages on a built store (e.g. the 100,000-paper SYNTHETIC
graph of `benchmarks/scale.py --n 100000 --keep DIR`, whose store is DIR/store).

The site runs in this process over the store opened read-only, exactly as `kgbuild serve` runs
it; every request's time is the one the site itself reports in its Server-Timing header (from
the request reaching the application to the response being ready: the queries, the Python
around them and the template). Pages: entities drawn at random (seeded) from each type,
the entities with the most papers (the heaviest pages: a leaderboard over thousands of results),
papers drawn at random, the home page and graph views. Nothing is asserted; figures are printed.

usage: python benchmarks/serve_speed.py --store DIR/store [--sample 40] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from pathlib import Path

from starlette.testclient import TestClient

from kgbuild.models import ENTITY_TYPES
from kgbuild.serve.app import create_app
from kgbuild.serve.links import entity_href, graph_href, paper_href
from kgbuild.stores.falkordb_store import FalkorDBStore

TIMING = re.compile(r"app;dur=([\d.]+)")


def _urls(store: FalkorDBStore, sample: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    groups: dict[str, list[str]] = {"entity, random": [], "entity, most papers": [], "paper, random": []}
    for label in ENTITY_TYPES:
        keys = [row[0] for row in store.query(f"MATCH (e:{label}) RETURN e.key ORDER BY e.key").rows]
        groups["entity, random"] += [entity_href(label.lower(), k) for k in rng.sample(keys, min(sample, len(keys)))]
        heaviest = store.query(f"MATCH (e:{label})<-[:MENTIONS]-(p:Paper) WITH e, count(p) AS papers "
                               "RETURN e.key ORDER BY papers DESC, e.key LIMIT 3").rows
        groups["entity, most papers"] += [entity_href(label.lower(), row[0]) for row in heaviest]
    ids = [row[0] for row in store.query("MATCH (p:Paper) RETURN p.id ORDER BY p.id").rows]
    groups["paper, random"] = [paper_href(i) for i in rng.sample(ids, min(sample * 5, len(ids)))]
    groups["graph view, most papers"] = [graph_href(url.split("/")[2], url.split("/", 3)[3])
                                         for url in groups["entity, most papers"]]
    groups["home"] = ["/"]
    return groups


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="the embedded store directory")
    parser.add_argument("--sample", type=int, default=40, help="entities drawn per type (papers: 5 times as many)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    with FalkorDBStore(args.store, read_only=True) as store:
        counts = store.counts()
        groups = _urls(store, args.sample, args.seed)
        with TestClient(create_app(store=store)) as client:
            for urls in groups.values():  # one untimed pass: the server's caches, Python's imports
                for url in urls:
                    assert client.get(url).status_code == 200, url
            print(f"store {args.store}: {counts.papers:,} papers, {sum(counts.entities.values()):,} entities, "
                  f"{counts.results:,} results; {args.repeat} requests per page, server-side times")
            started = time.perf_counter()
            for name, urls in groups.items():
                times = []
                for _ in range(args.repeat):
                    for url in urls:
                        answer = client.get(url)
                        times.append(float(TIMING.search(answer.headers["server-timing"]).group(1)))
                print(f"{name:24} {len(urls):4} pages  p50 {statistics.median(times):7.1f} ms   "
                      f"p95 {_percentile(times, 0.95):7.1f} ms   max {max(times):7.1f} ms")
            print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
