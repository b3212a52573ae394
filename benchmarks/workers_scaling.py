"""How extraction scales with --workers: the same SYNTHETIC abstracts extracted with 1..N processes.

usage: python benchmarks/workers_scaling.py [--n 40000] [--max-workers CPUS] [--corpus FILE] [--rounds R]

The corpus is made by benchmarks/scale.py's generator (sentences of the sample recombined,
every record labelled synthetic). Each run reads the file, extracts and resolves every paper
exactly as `kgbuild extract --workers N` does (workers hand back JSON lines, not spaCy Docs),
writing them to a temporary file; start-up (building the pipeline in each worker) is included.
Every run is a fresh Python process, as a `kgbuild extract` is: a pool forked from a process
that has just extracted in-process inherits its grown vocabulary and heap, whose copy-on-write
pages and garbage collection then cost the workers time.  With --rounds R the worker counts
take turns R times (so that a slow spell of the machine does not fall on one count) and the
medians are printed.  Nothing is asserted: it prints abstracts/s, the speed-up over one worker
and the efficiency per added core ((speed-up - 1) / (workers - 1); the issue's target is 0.8).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
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


def fresh_run(corpus: Path, workers: int) -> tuple[int, float]:
    command = [sys.executable, __file__, "--one-run", str(workers), "--corpus", str(corpus)]
    papers, seconds = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    return int(papers), float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40_000)
    parser.add_argument("--max-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--corpus", type=Path, help="an existing SYNTHETIC corpus (scale.py --keep)")
    parser.add_argument("--rounds", type=int, default=1, help="times each worker count runs (medians shown)")
    parser.add_argument("--one-run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_run:
        print(*one_run(args.corpus, args.one_run))
        return
    corpus = args.corpus
    if corpus is None:
        corpus = Path(tempfile.mkdtemp(prefix="kgbuild-workers-")) / f"synthetic-{args.n}.jsonl.gz"
        write_corpus(corpus, args.n)
    print(f"SYNTHETIC corpus {corpus}, {os.cpu_count()} cores, {args.rounds} round(s)")
    counts = range(1, args.max_workers + 1)
    seconds: dict[int, list[float]] = {workers: [] for workers in counts}
    papers = 0
    for _ in range(args.rounds):
        for workers in counts:
            papers, took = fresh_run(corpus, workers)
            seconds[workers].append(took)
    print(f"{'workers':>7}  {'papers':>8}  {'seconds':>8}  {'abstracts/s':>11}  {'speed-up':>8}  {'per added core':>14}")
    base = papers / statistics.median(seconds[1])
    for workers in counts:
        rate = papers / statistics.median(seconds[workers])
        speedup = rate / base
        per_core = f"{(speedup - 1) / (workers - 1):.2f}" if workers > 1 else "-"
        print(f"{workers:>7}  {papers:>8,}  {statistics.median(seconds[workers]):>8.1f}  {rate:>11,.0f}  "
              f"{speedup:>8.2f}  {per_core:>14}")
    if args.rounds > 1 and args.max_workers > 1:
        pairs = sorted((one / many - 1) / (args.max_workers - 1)
                       for one, many in zip(seconds[1], seconds[args.max_workers]))
        print(f"per added core in each round ({args.max_workers} workers): {', '.join(f'{p:.2f}' for p in pairs)}")


if __name__ == "__main__":
    main()
