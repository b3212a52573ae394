"""Behaviour specific to the embedded store: one directory, one owner, survives a killed kgbuild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from factories import paper_extraction

from kgbuild.errors import StoreBusyError, StoreError
from kgbuild.graph import to_graph
from kgbuild.stores.embedded_server import PID_FILE
from kgbuild.stores.falkordb_store import FalkorDBStore


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def test_store_lives_in_its_directory_and_stops_its_server(store_dir: Path):
    with FalkorDBStore(store_dir) as store:
        store.write(to_graph([paper_extraction("p1", "LWGANet", ["DOTA"])], "v"))
        pid = int((store_dir / PID_FILE).read_text())
        assert _alive(pid)
    assert not _alive(pid)
    assert (store_dir / "appendonlydir").is_dir() or (store_dir / "graph.rdb").exists()


def test_second_process_on_same_store_fails_clearly(store_dir: Path):
    with FalkorDBStore(store_dir):
        with pytest.raises(StoreBusyError) as caught:
            FalkorDBStore(store_dir).__enter__()
    assert "in use by another kgbuild process" in str(caught.value)
    assert caught.value.hint


def test_second_process_can_wait_for_the_first(store_dir: Path):
    first = FalkorDBStore(store_dir).__enter__()
    first.write(to_graph([paper_extraction("p1", "LWGANet", ["DOTA"])], "v"))
    releaser = threading.Timer(1.0, first.close)
    releaser.start()
    try:
        with FalkorDBStore(store_dir, wait=30) as second:
            assert second.counts().papers == 1
    finally:
        releaser.join()


def test_server_left_by_a_killed_kgbuild_and_watchdog_is_adopted_and_data_kept(store_dir: Path, tmp_path: Path):
    script = tmp_path / "writer.py"
    tests_dir = Path(__file__).parent
    script.write_text(textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(tests_dir)!r})
        from factories import paper_extraction
        from kgbuild.graph import to_graph
        from kgbuild.stores.falkordb_store import FalkorDBStore
        store = FalkorDBStore({str(store_dir)!r}).__enter__()
        store.write(to_graph([paper_extraction("p1", "LWGANet", ["DOTA"])], "v"))
        print("written", flush=True)
        watchdog = int(open(os.path.join({str(store_dir)!r}, "watchdog.pid")).read().split()[0])
        os.kill(watchdog, signal.SIGKILL)  # nothing is left to stop the server
        os.kill(os.getpid(), signal.SIGKILL)
    """))
    completed = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == -signal.SIGKILL
    assert "written" in completed.stdout
    orphan = int((store_dir / PID_FILE).read_text())
    assert _alive(orphan), "the killed process leaves its server running"
    with FalkorDBStore(store_dir) as store:
        assert store.counts().papers == 1
    assert not _alive(orphan)


def test_data_survives_a_killed_server(store_dir: Path):
    with FalkorDBStore(store_dir) as store:
        store.write(to_graph([paper_extraction("p1", "LWGANet", ["DOTA"])], "v"))
        pid = int((store_dir / PID_FILE).read_text())
        time.sleep(1.5)  # appendfsync everysec: let the write reach the disk
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(StoreError) as caught:
            store.counts()
        assert "lost the embedded FalkorDB server" in str(caught.value)
    with FalkorDBStore(store_dir) as store:
        assert store.counts().papers == 1


def test_unusable_store_directory_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError) as caught:
        FalkorDBStore(blocker / "store").__enter__()
    assert "cannot create store directory" in str(caught.value)


def test_deep_store_path_still_gets_a_socket(tmp_path: Path):
    deep = tmp_path.joinpath(*["a-rather-long-directory-name"] * 5)
    with FalkorDBStore(deep) as store:
        assert store.counts().papers == 0


# -- writes run while the next one is prepared (stores/write_pipeline.py) ------------------------

def test_a_write_that_fails_while_later_ones_are_sent_is_reported_and_nothing_else_is_lost(store_dir: Path):
    with FalkorDBStore(store_dir) as store:
        store._write("CREATE (:Probe {n: $n})", {"n": 1})
        store._write("UNWIND $xs AS x CREATE (:Probe {n: 10 / x})", {"xs": [1, 0]})
        store._write("CREATE (:Probe {n: $n})", {"n": 3})
        with pytest.raises(StoreError, match="Division by zero"):
            store.query("MATCH (p:Probe) RETURN p.n")
        # The failed statement changed nothing; those around it ran, in order, and the
        # connection goes on working.
        assert store.query("MATCH (p:Probe) RETURN p.n ORDER BY p.n").rows == [[1], [3]]
        store._write("CREATE (:Probe {n: $n})", {"n": 4})
        assert store.query("MATCH (p:Probe) RETURN count(p)").rows == [[3]]


def test_papers_of_a_batch_that_failed_to_load_get_no_hash_and_load_next_time(store_dir: Path):
    good = to_graph([paper_extraction("p1", "LWGANet", ["DOTA"]), paper_extraction("p2", "ViT", ["COCO"])], "v")
    broken = good.model_copy(deep=True)
    broken.mentions["Method"][0]["roles"] = [{"a map": "is not a property value"}]
    with FalkorDBStore(store_dir) as store:
        # Every statement of the batch in flight at once: the hashes must still wait for them.
        store._writer._window = 1000
        with pytest.raises(StoreError, match="rejected a write"):
            store.write(broken)
        assert store.stored_hashes(["p1", "p2"]) == {"p1": None, "p2": None}
        report = store.write(good)
        assert report.replaced == 2
        assert None not in store.stored_hashes(["p1", "p2"]).values()
        assert store.query("MATCH (:Paper {id: 'p1'})-[:MENTIONS]->(m:Method) RETURN m.key").rows == [["lwganet"]]


def test_writes_still_running_when_the_store_closes_are_kept(store_dir: Path):
    with FalkorDBStore(store_dir) as store:
        for n in range(50):
            store._write("CREATE (:Probe {n: $n})", {"n": n})
    with FalkorDBStore(store_dir) as store:
        assert store.query("MATCH (p:Probe) RETURN count(p)").rows == [[50]]


def test_a_write_failing_at_close_is_not_swallowed(store_dir: Path):
    with pytest.raises(StoreError, match="Division by zero"):
        with FalkorDBStore(store_dir) as store:
            store._write("RETURN 1 / $zero", {"zero": 0})
