"""Full build versus no-op rebuild on the sample corpus (a benchmark: it prints, it asserts nothing).

usage: python benchmarks/rebuild_speed.py [INPUT_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import textwrap
import time
from pathlib import Path

from kgbuild.config import load_config
from kgbuild.rebuild import rebuild

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="?", default=str(REPO / "examples" / "sample"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "kgbuild.toml"
        config.write_text(textwrap.dedent(f"""
            [[sources]]
            paths = ["{Path(args.inputs).resolve()}"]
            [store]
            directory = "store"
        """))
        started = time.perf_counter()
        first = rebuild(load_config(config))
        full = time.perf_counter() - started
        noop_times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            run = rebuild(load_config(config))
            noop_times.append(time.perf_counter() - started)
            assert run.papers_added == run.papers_changed == 0
    noop = statistics.median(noop_times)
    print(f"input: {args.inputs} ({first.papers_added} papers)")
    print(f"full build          {full:8.3f} s   (store start, extraction, load, run record, stop)")
    print(f"no-op rebuild       {noop:8.3f} s   (median of {args.repeat})")
    print(f"no-op / full        {noop / full:8.1%}   (target < 5%)")


if __name__ == "__main__":
    main()
