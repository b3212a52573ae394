"""Imports point down the pipeline: a stage uses the stages before it, never one after it.

The layers of ``kgbuild``, lowest first. A module may import its own layer and the layers
below it; an import of a higher layer (at module level or inside a function alike) fails
this test. The order is the pipeline's: papers are read (sources), extracted (extract), their
names resolved (resolve), turned into graph rows (graph) and written (stores); the runs,
exports, queries and analyses that drive those stages sit above them, and the command line
on top. docs/architecture.md draws the same picture.

A new module must be placed in a layer here; one that is not fails the test, so its place
is chosen rather than found out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "kgbuild"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # what every stage shares: errors, exit codes, the records crossing stages, name folding
    ("foundation", ("kgbuild", "kgbuild.errors", "kgbuild.exit_codes", "kgbuild.models", "kgbuild.names")),
    ("sources", ("kgbuild.sources",)),
    ("extract", ("kgbuild.extract",)),
    ("resolve", ("kgbuild.resolve",)),
    ("graph", ("kgbuild.graph",)),
    ("stores", ("kgbuild.stores",)),
    # runs of the pipeline and what is done with a stored graph
    ("orchestration", ("kgbuild.runner", "kgbuild.build", "kgbuild.rebuild", "kgbuild.distributed", "kgbuild.config",
                       "kgbuild.export", "kgbuild.queries", "kgbuild.render", "kgbuild.analyze",
                       "kgbuild.browser", "kgbuild.evaluate", "kgbuild.train", "kgbuild.crossval",
                       "kgbuild.shipped")),
    # the command line, and the web explorer it starts (kgbuild serve)
    ("interface", ("kgbuild.cli", "kgbuild.serve")),
)


def module_name(path: Path, package_dir: Path) -> str:
    parts = ["kgbuild", *path.relative_to(package_dir).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int | None:
    """The index of the layer whose longest listed prefix names ``module``; the package
    itself (``kgbuild``, its ``__init__``) names no module but itself."""
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            below = prefix != "kgbuild" and module.startswith(prefix + ".")
            if (module == prefix or below) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return best[1] if best else None


def imports_of(path: Path, module: str, modules: set[str]) -> list[tuple[int, str, list[str]]]:
    """(line, imported kgbuild module, names taken from it) for every import in the file."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names if alias.name.split(".")[0] == "kgbuild"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != "kgbuild":
                continue
            names = [alias.name for alias in node.names]
            # "from kgbuild.extract import rules" imports the module kgbuild.extract.rules
            submodules = [f"{source}.{name}" for name in names if f"{source}.{name}" in modules]
            found += [(node.lineno, sub, []) for sub in submodules]
            rest = [name for name in names if f"{source}.{name}" not in modules]
            if rest or not submodules:
                found.append((node.lineno, source, rest))
    return found


def _package(module: str) -> str:
    """The subpackage a module belongs to (``kgbuild.stores``), or the module itself at top level."""
    parts = module.split(".")
    return ".".join(parts[:2])


def violations(package_dir: Path) -> list[str]:
    files = sorted(package_dir.rglob("*.py"))
    modules = {module_name(path, package_dir) for path in files}
    problems = []
    for path in files:
        module = module_name(path, package_dir)
        here = layer_of(module)
        if here is None:
            problems.append(f"{module} is in no layer: add it to LAYERS in {Path(__file__).name}")
            continue
        for line, target, names in imports_of(path, module, modules):
            there = layer_of(target)
            where = f"{path.relative_to(package_dir.parent)}:{line}"
            if there is not None and there > here:
                problems.append(f"{where}: {module} ({LAYERS[here][0]}) imports {target} ({LAYERS[there][0]}), "
                                f"a later layer")
            private = [name for name in names if name.startswith("_") and not name.startswith("__")]
            if private and _package(target) != _package(module):
                problems.append(f"{where}: {module} imports {', '.join(private)}, private to {target}")
    return problems


def test_every_import_points_down_the_pipeline():
    problems = violations(PACKAGE_DIR)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module, layer", [
    ("kgbuild.extract.entities", "extract"),
    ("kgbuild.stores.neo4j_csv", "stores"),
    ("kgbuild.export.neo4j_import", "orchestration"),
    ("kgbuild", "foundation"),
    ("kgbuild.netgraph", None),
])
def test_layers_are_found_by_the_longest_prefix(module, layer):
    index = layer_of(module)
    assert (LAYERS[index][0] if index is not None else None) == layer


def test_an_import_back_up_is_caught(tmp_path: Path):
    package = tmp_path / "kgbuild"
    (package / "extract").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "resolve.py").write_text("from kgbuild.extract.entities import group\n")
    (package / "sources.py").write_text("_TABLE = {}\n")
    (package / "extract" / "__init__.py").write_text("")
    (package / "extract" / "entities.py").write_text(
        "def group():\n    from ..resolve import normalise  # a lazy import counts as well\n")
    (package / "build.py").write_text("from kgbuild.sources import _TABLE\n")
    assert violations(package) == [
        "kgbuild/build.py:1: kgbuild.build imports _TABLE, private to kgbuild.sources",
        "kgbuild/extract/entities.py:2: kgbuild.extract.entities (extract) imports kgbuild.resolve (resolve), "
        "a later layer",
    ]
