"""Graph stores: the embedded FalkorDB server (default) and, for teams, Neo4j."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from kgbuild.errors import InputError
from kgbuild.stores.base import GraphReader, GraphStore, GraphWriter, RunLog
from kgbuild.stores.cypher_store import DEFAULT_BATCH_SIZE

Backend = Literal["embedded", "neo4j"]
DEFAULT_STORE_DIR = "kgbuild-data"  # the embedded store's directory when none is given


def default_store_dir() -> Path:
    """KGBUILD_STORE when it is set, else ``DEFAULT_STORE_DIR`` (relative to where kgbuild runs)."""
    return Path(os.environ.get("KGBUILD_STORE") or DEFAULT_STORE_DIR)


class StoreConfig(BaseModel):
    """Where the graph lives. The Neo4j password is only ever read from NEO4J_PASSWORD."""

    backend: Backend = "embedded"
    directory: Path = Field(default_factory=default_store_dir)
    wait: float = 0.0
    batch_size: int = DEFAULT_BATCH_SIZE
    neo4j_uri: str | None = None
    neo4j_user: str | None = None
    database: str | None = None

    def describe(self) -> str:
        return str(self.directory) if self.backend == "embedded" else f"{self.neo4j_uri} ({self.database or 'default database'})"


def open_store(config: StoreConfig | None = None, read_only: bool = False) -> GraphStore:
    """A store ready to be entered with ``with``; ``read_only`` for commands that only read
    (the embedded store serves them while a build or rebuild writes)."""
    config = config or StoreConfig()
    if config.backend == "neo4j":
        if not config.neo4j_uri:
            raise InputError("the neo4j backend needs a connection URI",
                             hint="pass --neo4j-uri bolt://HOST:7687 or set NEO4J_URI")
        from kgbuild.stores.neo4j_store import Neo4jStore

        return Neo4jStore(config.neo4j_uri, user=config.neo4j_user, password=os.environ.get("NEO4J_PASSWORD"),
                          database=config.database, batch_size=config.batch_size)
    from kgbuild.stores.falkordb_store import FalkorDBStore

    return FalkorDBStore(config.directory, wait=config.wait, batch_size=config.batch_size, read_only=read_only)


__all__ = ["GraphReader", "GraphStore", "GraphWriter", "RunLog", "StoreConfig", "open_store", "default_store_dir",
           "DEFAULT_BATCH_SIZE", "DEFAULT_STORE_DIR"]
