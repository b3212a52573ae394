"""Files that ship with kgbuild besides its code: the query packs, the sample, the example
configuration. Their one source is the top of the repository (``cypher/``, ``examples/``);
pyproject.toml installs them as the data packages ``kgbuild.cypher`` and ``kgbuild.examples``,
so they are found the same way in a wheel, an editable install and a checkout.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from kgbuild.errors import KgbuildError

PACKS_PACKAGE = "kgbuild.cypher"
EXAMPLES_PACKAGE = "kgbuild.examples"
# What `kgbuild rebuild --init` changes in the example configuration: it is written where the
# user wants it, next to their own papers rather than beside the bundled sample.
_INIT_EDITS = (
    ("# kgbuild rebuild configuration: `kgbuild rebuild --config examples/kgbuild.toml`",
     "# kgbuild rebuild configuration: `kgbuild rebuild --config {name}`"),
    ('paths = ["sample/*.txt"]',
     '# Written by `kgbuild rebuild --init`: put your inputs in papers/ (any of the formats above),\n'
     '# or list your own paths here.\npaths = ["papers"]'),
    ('directory = "../kgbuild-data"', 'directory = "kgbuild-data"'),
    ('state_dir = "../.kgbuild"', 'state_dir = ".kgbuild"'),
)


def packs_folder() -> Traversable:
    """The shipped query packs (``cypher/packs``)."""
    return resources.files(PACKS_PACKAGE) / "packs"


def sample_dir() -> Path:
    """The bundled sample of listing pages (``examples/sample``), as a directory on disk."""
    folder = resources.files(EXAMPLES_PACKAGE) / "sample"
    path = Path(str(folder))
    if not path.is_dir():  # only an install from a zip file could do this
        raise KgbuildError("the bundled sample is not on disk in this installation",
                           hint="install kgbuild from its wheel or source (pip install kgbuild), not as a zip")
    return path


def sample_files() -> list[str]:
    """The sample's listing pages (its README, also shipped, is no input)."""
    return sorted(str(path) for path in sample_dir().glob("*.txt"))


def example_config() -> str:
    """``examples/kgbuild.toml``, the commented example of every rebuild setting."""
    return (resources.files(EXAMPLES_PACKAGE) / "kgbuild.toml").read_text(encoding="utf-8")


def init_config(name: str) -> str:
    """The example configuration as ``kgbuild rebuild --init`` writes it for file ``name``."""
    text = example_config()
    for old, new in _INIT_EDITS:
        if old not in text:
            raise AssertionError(f"examples/kgbuild.toml no longer holds {old!r}; update shipped._INIT_EDITS")
        text = text.replace(old, new.format(name=name))
    return text
