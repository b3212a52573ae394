"""The embedded store under concurrent readers, signals and kill -9, with real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kgbuild.stores.embedded_server import PID_FILE
from kgbuild.stores.falkordb_store import FalkorDBStore

KGBUILD = [sys.executable, "-m", "kgbuild.cli"]
# Generous: these bound "stops at all", not how fast (the machine may be busy).
PATIENCE = 60.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.05)


def _server_pid(store: Path) -> int:
    """The build's server's pid, once the server has written it: the server creates its pid
    file before it writes the number, so a reader can find it empty."""
    pid_file = store / PID_FILE
    _wait_for(lambda: pid_file.exists() and pid_file.read_text().strip().isdigit(), "the build's server")
    return int(pid_file.read_text())


def _papers(path: Path, count: int, start: int = 0) -> Path:
    path.write_text("".join(json.dumps({
        "id": f"2304.{n:05d}", "title": f"Net{n}: paper {n}",
        "abstract": f"We propose Net{n}. Net{n} reaches {40 + n % 50}.5% mAP on COCO and is evaluated on KITTI."})
        + "\n" for n in range(start, start + count)))
    return path


def _papers_stored(store: Path) -> int:
    with FalkorDBStore(store, read_only=True) as reader:
        return reader.counts().papers


def _kgbuild(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KGBUILD, *args], capture_output=True, text=True, timeout=300)


HOLDING_WRITER = """
import sys
from kgbuild.build import build
from kgbuild.stores.falkordb_store import FalkorDBStore
store_dir, first, second, atomic = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "atomic"
with FalkorDBStore(store_dir) as store:
    build([first], store)
    if atomic:
        with store.atomic():
            build([second], store)
            print("holding", flush=True)
            sys.stdin.readline()
    else:
        build([second], store)
        print("holding", flush=True)
        sys.stdin.readline()
print("closed", flush=True)
"""


@pytest.mark.parametrize("mode", ["build", "atomic"])
def test_readers_are_served_while_a_writer_holds_the_store(tmp_path: Path, mode: str):
    store = tmp_path / "store"
    first, second = _papers(tmp_path / "a.jsonl", 3), _papers(tmp_path / "b.jsonl", 2, start=10)
    script = tmp_path / "writer.py"
    script.write_text(HOLDING_WRITER)
    writer = subprocess.Popen([sys.executable, str(script), str(store), str(first), str(second), mode],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "holding"
        stats = _kgbuild("stats", "--format", "json", "--store", str(store))
        query = _kgbuild("query", "leaderboard", "-p", "dataset=COCO", "-p", "metric=mAP", "--format", "json",
                         "--store", str(store))
        second_writer = _kgbuild("build", str(second), "--store", str(store), "-q")
    finally:
        writer.communicate("go\n", timeout=PATIENCE)
    assert stats.returncode == 0, stats.stderr
    # A build's completed writes are visible; a rebuild's staging copy is not, until its swap.
    assert json.loads(stats.stdout)["papers"] == (5 if mode == "build" else 3)
    assert query.returncode == 0, query.stderr
    assert second_writer.returncode == 75 and "in use by another kgbuild process" in second_writer.stderr
    assert writer.returncode == 0
    with FalkorDBStore(store, read_only=True) as reopened:
        assert reopened.counts().papers == 5


def test_stats_runs_during_a_real_build_without_being_locked_out(tmp_path: Path):
    store = tmp_path / "store"
    data = _papers(tmp_path / "many.jsonl", 3000)
    build = subprocess.Popen([*KGBUILD, "build", str(data), "--store", str(store), "-q"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: (store / PID_FILE).exists() or build.poll() is not None, "the build's server")
    overlapped, codes = 0, []
    while build.poll() is None:
        reader = _kgbuild("stats", "--format", "json", "--store", str(store))
        codes.append(reader.returncode)
        if build.poll() is None:
            overlapped += 1
    build.communicate(timeout=PATIENCE)
    assert build.returncode == 0
    assert overlapped >= 1, "the build ended before a reader could run beside it"
    assert set(codes) == {0}, codes
    final = _kgbuild("stats", "--format", "json", "--store", str(store))
    assert json.loads(final.stdout)["papers"] == 3000


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_a_build_cleanly(tmp_path: Path, signum: int):
    store = tmp_path / "store"
    data = _papers(tmp_path / "many.jsonl", 3000)
    build = subprocess.Popen([*KGBUILD, "build", str(data), "--store", str(store), "-q"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = _server_pid(store)
    _wait_for(lambda: _papers_stored(store) > 0, "the first batch")  # into the load
    build.send_signal(signum)
    _, stderr = build.communicate(timeout=PATIENCE)
    assert build.returncode == 128 + signum, stderr
    assert f"stopped by {signal.Signals(signum).name}" in stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
    assert not _alive(server), "the server is shut down with the command"
    assert 0 < _papers_stored(store) < 3000, "stopped mid-load, keeping the completed batches"
    # The lock is released and the graph usable: the same build completes it.
    again = _kgbuild("build", str(data), "--store", str(store), "-q")
    assert again.returncode == 0, again.stderr
    assert json.loads(_kgbuild("stats", "--format", "json", "--store", str(store)).stdout)["papers"] == 3000


def test_server_of_a_killed_kgbuild_shuts_itself_down_and_keeps_the_data(tmp_path: Path):
    store = tmp_path / "store"
    script = tmp_path / "writer.py"
    script.write_text(textwrap.dedent(f"""
        import os, signal, sys
        from kgbuild.build import build
        from kgbuild.stores.falkordb_store import FalkorDBStore
        store = FalkorDBStore({str(store)!r}).__enter__()
        build([{str(_papers(tmp_path / "a.jsonl", 4))!r}], store)
        store._wait_for_writes()
        print("written", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL and "written" in done.stdout
    server = int((store / PID_FILE).read_text())
    _wait_for(lambda: not _alive(server), "the orphaned server to shut itself down")
    with FalkorDBStore(store, read_only=True) as reopened:
        assert reopened.counts().papers == 4


def test_server_shuts_down_after_kill_9_even_with_extraction_workers_still_alive(tmp_path: Path):
    store = tmp_path / "store"
    data = _papers(tmp_path / "many.jsonl", 3000)
    # Its own session, so that the orphaned workers can be ended after the test.
    build = subprocess.Popen([*KGBUILD, "build", str(data), "--store", str(store), "-q", "--workers", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        server = _server_pid(store)
        _wait_for(lambda: _papers_stored(store) > 0, "the first batch")
        build.kill()
        build.wait(timeout=PATIENCE)
        _wait_for(lambda: not _alive(server), "the server to notice kgbuild is gone")
        assert _papers_stored(store) > 0
    finally:
        try:
            os.killpg(build.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_ctrl_c_in_the_terminal_stops_a_build_with_workers_cleanly(tmp_path: Path):
    store = tmp_path / "store"
    data = _papers(tmp_path / "many.jsonl", 3000)
    # Ctrl-C signals the terminal's whole process group: kgbuild and its extraction workers.
    build = subprocess.Popen([*KGBUILD, "build", str(data), "--store", str(store), "-q", "--workers", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        server = _server_pid(store)
        _wait_for(lambda: _papers_stored(store) > 0, "the first batch")
        os.killpg(build.pid, signal.SIGINT)
        _, stderr = build.communicate(timeout=PATIENCE * 3)
    finally:
        try:
            os.killpg(build.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert build.returncode == 130, stderr
    assert "stopped by SIGINT" in stderr and "internal error" not in stderr and "Traceback" not in stderr
    assert not _alive(server)
