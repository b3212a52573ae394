"""Extraction throughput vs spaCy tokenisation alone, single process.

usage: python benchmarks/extract_speed.py [PATH ...] [--repeat N] [--cold-runs K] [--baseline REF]

PATH: corpus files/directories (default examples/sample, the bundled copy of the listing
corpus) read with kgbuild.sources.read_papers when available, else a JSONL of
{id,title,abstract} or the corpus .txt layout (title line, abstract line).  Both
measurements run on the same texts, each with its own freshly built pipeline (building it
is not timed):

- cold: one pass over the corpus in a fresh Python process, as a run of `kgbuild
  extract` or `build` meets it; the median of K processes for each side, because one
  short pass is noisy.
- warm: the best of N further passes in this process over the same texts.  Every word
  is then in spaCy's tokenizer cache (and in our word memo), which bare tokenising
  profits from far more than the extractor does; a real corpus is read once.

``--baseline REF`` also times the extractor of a git ref (a release tag, ``main``) the same
way, in the same run: its tree is checked out into a temporary worktree and imported in
place of this checkout's package, with the same interpreter and libraries.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spacy

from kgbuild.models import Paper, SourceRef

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "examples" / "sample"  # the corpus's 321 entries
TOKENISE_LABEL = "spacy.blank('en') tokenise"


def load_papers(paths: list[Path]) -> list[Paper]:
    try:
        from kgbuild.sources import read_papers  # type: ignore[attr-defined]
    except ImportError:
        read_papers = None
    if read_papers is not None:
        papers = [p for p in read_papers(paths) if isinstance(p, Paper)]
        if papers:
            return papers
    papers = []
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".jsonl":
                for n, line in enumerate(file.open(), 1):
                    row = json.loads(line)
                    papers.append(Paper(id=row.get("id", f"{file.name}:{n}"), title=row.get("title", ""),
                                        abstract=row.get("abstract", ""), source=SourceRef(file=str(file), line=n)))
            elif file.suffix == ".txt":
                papers.extend(_txt_papers(file))
    return papers


def _txt_papers(file: Path) -> list[Paper]:
    """Corpus .txt layout: a short title line followed by a long abstract line."""
    lines = [(n, line.strip()) for n, line in enumerate(file.open(encoding="utf-8"), 1) if line.strip()]
    papers = []
    for (n, title), (_, abstract) in zip(lines, lines[1:]):
        if len(title) < 300 and len(abstract) >= 300:
            papers.append(Paper(id=f"{file.name}:{n}", title=title, abstract=abstract,
                                source=SourceRef(file=str(file), line=n)))
    return papers


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def warm_best(repeat: int, run) -> float:
    """The best of ``repeat`` passes after one that fills the caches."""
    run()
    return min(timed(run) for _ in range(repeat))


def runners(which: str, papers: list[Paper]):
    """(seconds to build the pipeline, a function that makes one pass over the papers)."""
    start = time.perf_counter()
    if which == "extract":
        from kgbuild.extract.pipeline import Extractor

        extractor = Extractor()

        def run():
            for _ in extractor.run(papers):
                pass
    else:
        blank = spacy.blank("en")
        texts = [t for p in papers for t in (p.title, p.abstract)]

        def run():
            for _ in blank.pipe(texts, batch_size=256):
                pass
    return time.perf_counter() - start, run


def cold_seconds(which: str, paths: list[Path], package_root: Path | None = None) -> float:
    """One first pass in a fresh interpreter: nothing cached from an earlier pass.
    ``package_root``: a checkout whose ``kgbuild`` is imported instead of this one's."""
    command = [sys.executable, __file__, "--cold-pass", which, *map(str, paths)]
    env = dict(os.environ)
    if package_root is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(package_root), env.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return float(done.stdout.split()[-1])


def checkout(ref: str, into: Path) -> Path:
    repo = Path(__file__).resolve().parent.parent
    subprocess.run(["git", "-C", str(repo), "worktree", "add", "--detach", str(into), ref],
                   check=True, capture_output=True, text=True)
    return into


def remove_checkout(into: Path) -> None:
    repo = Path(__file__).resolve().parent.parent
    subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(into)], capture_output=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5, help="warm passes (best is kept)")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes per cold figure (median)")
    parser.add_argument("--baseline", metavar="REF", help="also time the extractor of this git ref")
    parser.add_argument("--cold-pass", choices=("extract", "tokenise"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    paths = args.paths or [DEFAULT_CORPUS]
    papers = load_papers(paths)
    if not papers:
        print("no papers found in", [str(p) for p in paths], file=sys.stderr)
        return 2
    if args.cold_pass:
        import kgbuild

        print(f"kgbuild from {Path(kgbuild.__file__).parent}", file=sys.stderr)
        _, run = runners(args.cold_pass, papers)
        print(timed(run))
        return 0
    if args.baseline:
        with tempfile.TemporaryDirectory() as scratch:
            root = checkout(args.baseline, Path(scratch) / "baseline")
            try:
                return compare_with_baseline(args.baseline, root, paths, len(papers), args.cold_runs)
            finally:
                remove_checkout(root)

    build_seconds, run_extract = runners("extract", papers)
    _, run_tokenise = runners("tokenise", papers)
    extract_warm = warm_best(args.repeat, run_extract)
    tokenise_warm = warm_best(args.repeat, run_tokenise)
    # alternate the two sides so that a slow spell of the machine hits both
    colds: dict[str, list[float]] = {"extract": [], "tokenise": []}
    for _ in range(args.cold_runs):
        for which in colds:
            colds[which].append(cold_seconds(which, paths))
    extract_cold, tokenise_cold = statistics.median(colds["extract"]), statistics.median(colds["tokenise"])
    n = len(papers)
    print(f"papers: {n} (title + abstract each); pipeline build: {build_seconds:.2f}s")
    print(f"{'':28}{'cold (1st pass)':>16}{'warm (best)':>14}   abstracts/s")
    print(f"{'extract (single process)':28}{n / extract_cold:16.0f}{n / extract_warm:14.0f}")
    print(f"{TOKENISE_LABEL:28}{n / tokenise_cold:16.0f}{n / tokenise_warm:14.0f}")
    print(f"{'ratio extract/tokenise':28}{tokenise_cold / extract_cold:16.2f}{tokenise_warm / extract_warm:14.2f}")
    pairs = sorted(t / e for t, e in zip(colds["tokenise"], colds["extract"]))
    print(f"cold: median of {args.cold_runs} fresh processes per side; ratio per pair of runs "
          f"{', '.join(f'{r:.2f}' for r in pairs)}")
    return 0


def compare_with_baseline(ref: str, root: Path, paths: list[Path], n: int, runs: int) -> int:
    """First-pass throughput of this checkout's extractor and of ``ref``'s, runs alternated."""
    seconds: dict[str, list[float]] = {"this checkout": [], ref: []}
    for _ in range(runs):
        seconds["this checkout"].append(cold_seconds("extract", paths))
        seconds[ref].append(cold_seconds("extract", paths, root))
    print(f"papers: {n}; cold first pass, median of {runs} fresh processes each (runs alternated)")
    for label, values in seconds.items():
        print(f"{'extract (' + label + ')':40}{n / statistics.median(values):10.0f} abstracts/s")
    ratio = statistics.median(seconds[ref]) / statistics.median(seconds["this checkout"])
    print(f"{'speed relative to ' + ref:40}{ratio:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
