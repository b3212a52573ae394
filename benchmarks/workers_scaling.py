"""How extraction scales with --workers: the same SYNTHETIC abstracts extracted with 1..N processes.

usage: python benchmarks/workers_scaling.py [--n 40000] [--max-workers CPUS] [--corpus FILE]

The corpus is made by benchmarks/scale.py's generator (sentences of the sample recombined,
every record labelled synthetic). Each run reads the file, extracts and resolves every paper
exactly as `kgbuild extract --workers N` does (workers hand back JSON lines, not spaCy Docs),
writing them to a temporary file; start-up (building the pipeline in each worker) is included. Nothing is asserted:
it prints abstracts/s, the speed-up over one worker and the efficiency per added core
((speed-up - 1) / (workers - 1); the issue's target is 0.8).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import write_corpus  # noqa: E402

from kgbuild.build import extract_to_jsonl  # noqa: E402


def one_run(corpus: Path, workers: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory(prefix="kgbuild-workers-out-") as out:
        started = time.perf_counter()
        summary = extract_to_jsonl([str(corpus)], Path(out) / "out.jsonl", workers=workers)
        return summary.counts.papers, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40_000)
    parser.add_argument("--max-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--corpus", type=Path, help="an existing SYNTHETIC corpus (scale.py --keep)")
    args = parser.parse_args()
    corpus = args.corpus
    if corpus is None:
        corpus = Path(tempfile.mkdtemp(prefix="kgbuild-workers-")) / f"synthetic-{args.n}.jsonl.gz"
        write_corpus(corpus, args.n)
    print(f"SYNTHETIC corpus {corpus}, {os.cpu_count()} cores")
    print(f"{'workers':>7}  {'papers':>8}  {'seconds':>8}  {'abstracts/s':>11}  {'speed-up':>8}  {'per added core':>14}")
    base = None
    for workers in range(1, args.max_workers + 1):
        papers, seconds = one_run(corpus, workers)
        rate = papers / seconds
        base = base or rate
        speedup = rate / base
        per_core = f"{(speedup - 1) / (workers - 1):.2f}" if workers > 1 else "-"
        print(f"{workers:>7}  {papers:>8,}  {seconds:>8.1f}  {rate:>11,.0f}  {speedup:>8.2f}  {per_core:>14}")


if __name__ == "__main__":
    main()
