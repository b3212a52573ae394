from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


def _embedded(directory: Path):
    from kgbuild.stores.falkordb_store import FalkorDBStore

    return FalkorDBStore(directory)


BACKENDS = {"embedded": _embedded}


def _backend_params() -> list[str]:
    names = ["embedded"]
    if os.environ.get("NEO4J_URI"):
        names.append("neo4j")
    return names


@pytest.fixture(params=_backend_params())
def open_store(request: pytest.FixtureRequest, tmp_path: Path):
    """A factory for stores of one backend, all opened on the same underlying graph."""
    factory = BACKENDS[request.param]
    location = tmp_path / "store"

    def opener():
        return factory(location)

    return opener
