"""No path of one particular machine anywhere in the repository.

The rule, precisely:

1. No tracked text file names an absolute path that only exists on some machine: a home or
   workspace directory (``/home/...``, ``/root/...``, ``/Users/...``, ``C:\\Users\\...``, the
   development machine's ``/work/...``) or pytest's temporary directories.
2. ``../shared`` (the evaluation data beside a development checkout, which a user's install
   does not have) may be named only where evaluation and training are done or explained:
   the evaluation and training code of ``scripts/``, ``tests/`` and ``.ci/``, ``docs/``, the
   notes on how the shipped models and lexicons were made (``kgbuild/data/models/README.md``,
   ``kgbuild/data/lexicons/ATTRIBUTION.md``) and the README's section on quality. Never in
   kgbuild's code, help texts, examples, packs or container files: what a user reads there
   must work from their install (examples point at ``examples/sample`` or ``--sample``).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).parent.parent
# Split so that this file does not match its own patterns.
MACHINE_PATH = re.compile("|".join([
    r"(?<![\w.])/" + "home/", r"(?<![\w.])/" + "root/", r"(?<![\w.])/" + "Users/", r"[A-Za-z]:\\" + "Users",
    r"(?<![\w.])/" + "work/", "pytest-" + "of-",
]))
SHARED = ".." + "/shared"
SHARED_ALLOWED_UNDER = ("scripts/", "tests/", ".ci/", "docs/")
SHARED_ALLOWED_FILES = ("kgbuild/data/models/README.md", "kgbuild/data/lexicons/ATTRIBUTION.md")
SKIP_DIRS = {".git", ".venv", "venv", "build", "dist", "node_modules", "__pycache__", "target", "kgbuild-data",
             ".kgbuild", ".pytest_cache"}


def _repository_files() -> list[str]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
        return [name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk it
        return [str(p.relative_to(REPO)) for p in REPO.rglob("*")
                if p.is_file() and not SKIP_DIRS & set(p.relative_to(REPO).parts[:-1])
                and not p.parent.name.endswith(".egg-info")]


def _texts() -> dict[str, str]:
    texts = {}
    for name in _repository_files():
        path = REPO / name
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue  # images and other binary files
    return texts


def _readme_quality_section(text: str) -> set[int]:
    """Line numbers (1-based) of the README's section about quality."""
    inside, lines = False, set()
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            inside = "quality" in line.lower()
        if inside:
            lines.add(number)
    return lines


THIS_FILE = "tests/test_no_machine_paths.py"  # states the rule, with examples of what it forbids


def test_no_file_names_a_path_of_one_machine():
    found = [f"{name}:{number}: {line.strip()[:100]}"
             for name, text in _texts().items() if name != THIS_FILE
             for number, line in enumerate(text.splitlines(), 1) if MACHINE_PATH.search(line)]
    assert not found, "machine paths in the repository:\n" + "\n".join(found)


def test_the_evaluation_data_is_named_only_where_evaluation_is_done_or_explained():
    found = []
    for name, text in _texts().items():
        if SHARED not in text or name.startswith(SHARED_ALLOWED_UNDER) or name in SHARED_ALLOWED_FILES:
            continue
        allowed_lines = _readme_quality_section(text) if name == "README.md" else set()
        found += [f"{name}:{number}: {line.strip()[:100]}" for number, line in enumerate(text.splitlines(), 1)
                  if SHARED in line and number not in allowed_lines]
    assert not found, f"{SHARED} named outside evaluation code and docs:\n" + "\n".join(found)


def test_the_rule_catches_what_it_is_meant_to():
    for bad in ("/home/ann/corpus", "see /work/shared/eval", "C:\\Users\\ann", "/root/.cache/x"):
        assert MACHINE_PATH.search(bad), bad
    for fine in ("examples/sample", "benchmarks/workers_scaling.py", "https://example.org/home/x",
                 "$HOME/.cache", "~/.m2"):
        assert not MACHINE_PATH.search(fine), fine
    assert _readme_quality_section("# a\nx\n## Quality\ny\n## Next\nz") == {3, 4}
