"""Helpers for the web explorer's tests: a store built from the sample, and `kgbuild serve`
run as its own process the way a user runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from kgbuild.build import build
from kgbuild.stores.falkordb_store import FalkorDBStore

REPO = Path(__file__).parent.parent
SAMPLE = REPO / "examples" / "sample"
KGBUILD = [sys.executable, "-m", "kgbuild.cli"]


def build_store(directory: Path, inputs: list[Path] | None = None) -> Path:
    with FalkorDBStore(directory) as store:
        build([str(p) for p in inputs or [SAMPLE]], store)
    return directory


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    """`kgbuild serve` in a process of its own; stopped with SIGTERM like a service."""

    def __init__(self, args: list[str], host: str = "127.0.0.1", env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{self.port}"
        self.process = subprocess.Popen([*KGBUILD, "serve", "--port", str(self.port), *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env={**os.environ, **(env or {})})
        self.client = httpx2.Client(base_url=self.base, timeout=30)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.client.get("/static/site.css")
                return
            except httpx2.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    out, err = self.stop()
                    raise AssertionError(f"kgbuild serve did not come up (exit {self.process.returncode}):\n{err}")
                time.sleep(0.1)

    def get(self, path: str, **kwargs) -> httpx2.Response:
        return self.client.get(path, **kwargs)

    def stop(self) -> tuple[str, str]:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.communicate()
