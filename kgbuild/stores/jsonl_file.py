"""The JSON Lines file ``kgbuild extract`` writes, replaced only by a complete run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO


class JsonLinesFile:
    """Bytes appended to ``OUT.<pid>.partial``; ``finish`` renames it to OUT, ``abort`` removes it,
    so a failed or interrupted run leaves the previous OUT as it was."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._partial = self.out.with_name(f"{self.out.name}.{os.getpid()}.partial")
        self._handle: BinaryIO | None = self._partial.open("wb")

    def write(self, lines: bytes) -> None:
        self._handle.write(lines)

    def append_file(self, path: str | Path) -> None:
        """Append a whole file written elsewhere (a Dask worker's shard)."""
        with open(path, "rb") as source:
            shutil.copyfileobj(source, self._handle, 1 << 20)

    def finish(self) -> None:
        self._close()
        os.replace(self._partial, self.out)

    def abort(self) -> None:
        self._close()
        self._partial.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
