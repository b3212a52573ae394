"""The wheel lists its packages by hand (cypher/ and examples/ are mapped into it), so a new
subpackage of kgbuild/ must be added to that list, or the installed tool fails on import."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_subpackage_of_kgbuild_is_in_the_wheel():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "kgbuild").rglob("__init__.py")}
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    # and the data packages mapped from the top of the repository
    for package, folder in config["package-dir"].items():
        assert package in listed and (REPO / folder / "__init__.py").is_file()
