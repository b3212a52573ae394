"""Graph stores: the embedded FalkorDB server (default) and, for teams, Neo4j."""

from __future__ import annotations

from pathlib import Path

from kgbuild.stores.base import GraphStore
from kgbuild.stores.cypher_store import DEFAULT_BATCH_SIZE


def open_store(directory: Path | str | None = None, *, wait: float = 0.0,
               batch_size: int = DEFAULT_BATCH_SIZE) -> GraphStore:
    """A store ready to be entered with ``with``."""
    from kgbuild.stores.falkordb_store import FalkorDBStore

    return FalkorDBStore(directory, wait=wait, batch_size=batch_size)


__all__ = ["GraphStore", "open_store", "DEFAULT_BATCH_SIZE"]
