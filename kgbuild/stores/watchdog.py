"""Stops an embedded FalkorDB server once no kgbuild process uses it any more.

Started next to each server (``python -m kgbuild.stores.watchdog DIR SERVER_PID``). Every
process using the server holds ``server.lock`` shared and the last one out stops the server
itself; when that last process cannot (``kill -9``, a crash, an OOM kill), this process
finds the lock free and stops the server the same way: saved, then shut down.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

from kgbuild.stores.embedded_server import USERS_LOCK_FILE, EmbeddedServer, _pid_alive

POLL_SECONDS = 0.25


def watch(directory: Path, server_pid: int) -> None:
    users = os.open(directory / USERS_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while _pid_alive(server_pid):
            time.sleep(POLL_SECONDS)
            try:
                fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            # Holding the lock, this process is where a last user would be: newcomers wait.
            try:
                if _pid_alive(server_pid):
                    EmbeddedServer(directory, writer=False)._shutdown_server()
            finally:
                fcntl.flock(users, fcntl.LOCK_UN)
            return
    finally:
        os.close(users)


if __name__ == "__main__":
    watch(Path(sys.argv[1]), int(sys.argv[2]))
