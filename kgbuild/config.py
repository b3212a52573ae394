"""The rebuild configuration file (TOML): which sources, which store, which options.

Relative paths and globs are taken from the configuration file's own directory, so a
cron job can run it from anywhere. Neo4j credentials never live in the file: the URI may,
the password only comes from NEO4J_PASSWORD.
"""

from __future__ import annotations

import glob
import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kgbuild.errors import InputError
from kgbuild.stores import DEFAULT_STORE_DIR, StoreConfig


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceSpec(_Section):
    paths: list[str] = Field(min_length=1)
    format: Literal["auto", "listing", "jsonl", "json", "csv", "arxiv"] = "auto"


class StoreSpec(_Section):
    backend: Literal["embedded", "neo4j"] = "embedded"
    directory: str = DEFAULT_STORE_DIR
    neo4j_uri: str | None = None
    neo4j_user: str | None = None
    database: str | None = None


class OptionSpec(_Section):
    workers: int = Field(default=1, ge=1, le=256)
    chunk_size: int = Field(default=500, ge=1, le=100_000)
    batch_size: int = Field(default=1000, ge=1, le=100_000)
    prune: bool = False
    # The largest share of the stored papers one pruning run may remove (see build.prune_guard).
    max_prune: float = Field(default=0.2, ge=0, le=1)
    state_dir: str = ".kgbuild"
    wait: float = Field(default=0.0, ge=0)


class RebuildConfig(_Section):
    sources: list[SourceSpec] = Field(min_length=1)
    store: StoreSpec = Field(default_factory=StoreSpec)
    options: OptionSpec = Field(default_factory=OptionSpec)
    base_dir: Path = Path(".")

    def resolve(self, path: str) -> Path:
        expanded = Path(os.path.expanduser(path))
        return expanded if expanded.is_absolute() else self.base_dir / expanded

    def input_groups(self) -> list[tuple[list[str], str | None]]:
        """Each source's files (globs expanded, sorted) with its format (None: by extension)."""
        groups = []
        for source in self.sources:
            files: list[str] = []
            for pattern in source.paths:
                resolved = str(self.resolve(pattern))
                matches = sorted(glob.glob(resolved, recursive=True))
                if not matches and glob.has_magic(resolved):
                    # Read as "no papers", a pruning rebuild would remove every paper it held.
                    raise InputError(f"source pattern {pattern!r} matches no file (looked for {resolved})",
                                     hint="fix the pattern in the configuration or restore the files; "
                                          "nothing was read or written")
                # A plain path is kept even when missing, so reading it names it as not found.
                files.extend(matches or [resolved])
            groups.append((files, None if source.format == "auto" else source.format))
        return groups

    def store_config(self) -> StoreConfig:
        spec = self.store
        return StoreConfig(
            backend=spec.backend, directory=self.resolve(spec.directory), wait=self.options.wait,
            batch_size=self.options.batch_size,
            neo4j_uri=spec.neo4j_uri or os.environ.get("NEO4J_URI"),
            neo4j_user=spec.neo4j_user or os.environ.get("NEO4J_USERNAME"),
            database=spec.database or os.environ.get("NEO4J_DATABASE"),
        )

    @property
    def state_dir(self) -> Path:
        return self.resolve(self.options.state_dir)


def load_config(path: Path) -> RebuildConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"configuration file {path} not found",
                         hint="copy examples/kgbuild.toml and adjust its paths") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})", hint="fix the syntax at the position given") from None
    if "password" in str(raw.get("store", {})).lower():
        raise InputError(f"{path}: passwords do not belong in the configuration file",
                         hint="remove it and set NEO4J_PASSWORD in the environment instead")
    try:
        return RebuildConfig(**raw, base_dir=path.resolve().parent)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise InputError(f"{path}: {problems}", hint="see examples/kgbuild.toml for every setting") from None
