"""Scheduled rebuilds: incremental, one at a time, recorded, and safe to kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kgbuild.build
from kgbuild.config import load_config
from kgbuild.errors import InputError, PruneRefusedError, RebuildLockedError
from kgbuild.rebuild import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_SUCCEEDED,
    EXIT_SUCCEEDED_WITH_REJECTS,
    exit_code,
    rebuild,
    rebuild_lock,
)
from kgbuild.stores.falkordb_store import FalkorDBStore

SAMPLE = Path(__file__).parent.parent / "examples" / "sample"


def _paper(n: int, extra: str = "") -> dict:
    return {"id": f"2301.{n:05d}", "title": f"Net{n}: Paper number {n}",
            "abstract": f"We propose Net{n}. Net{n} achieves {40 + n % 50}.5% mAP on COCO and is evaluated on "
                        f"Pascal VOC.{extra}"}


def _write(path: Path, papers: list[dict]) -> None:
    path.write_text("".join(json.dumps(p) + "\n" for p in papers))


def _config(tmp_path: Path, *, chunk_size: int = 500, prune: bool = False, paths: str = '"data/*.jsonl"') -> Path:
    config = tmp_path / "kgbuild.toml"
    config.write_text(textwrap.dedent(f"""
        [[sources]]
        paths = [{paths}]

        [store]
        directory = "store"

        [options]
        chunk_size = {chunk_size}
        prune = {str(prune).lower()}
    """))
    (tmp_path / "data").mkdir(exist_ok=True)
    return config


def _snapshot(store_dir: Path):
    with FalkorDBStore(store_dir) as store:
        nodes, relationships = store.export()
    keep = [n for n in nodes if n["label"] != "BuildRun"]
    return keep, relationships


def test_unchanged_inputs_rebuild_as_a_no_op(tmp_path: Path):
    config = _config(tmp_path)
    _write(tmp_path / "data" / "a.jsonl", [_paper(i) for i in range(5)])
    first = rebuild(load_config(config))
    before = _snapshot(tmp_path / "store")
    second = rebuild(load_config(config))
    assert (first.papers_added, first.outcome) == (5, "succeeded")
    assert (second.papers_added, second.papers_changed, second.papers_unchanged) == (0, 0, 5)
    assert all(v == 0 for v in second.entity_delta.values())
    assert _snapshot(tmp_path / "store") == before


def test_changed_abstract_and_new_file_touch_only_their_papers(tmp_path: Path):
    config = _config(tmp_path)
    papers = [_paper(i) for i in range(4)]
    _write(tmp_path / "data" / "a.jsonl", papers)
    rebuild(load_config(config))
    papers[2] = dict(papers[2], abstract="We propose Net2. Net2 achieves 77.7% mAP on KITTI.")
    _write(tmp_path / "data" / "a.jsonl", papers)
    _write(tmp_path / "data" / "b.jsonl", [_paper(10)])
    run = rebuild(load_config(config))
    assert (run.papers_added, run.papers_changed, run.papers_unchanged) == (1, 1, 3)
    with FalkorDBStore(tmp_path / "store") as store:
        rows = store.query("MATCH (m:Method)-[e:EVALUATED_ON]->(d:Dataset) RETURN m.key, d.key ORDER BY m.key, d.key").rows
    assert ["net2", "kitti"] in rows and ["net2", "coco"] not in rows
    assert ["net1", "coco"] in rows and ["net10", "coco"] in rows


def test_extractor_version_change_reextracts_every_paper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config = _config(tmp_path)
    _write(tmp_path / "data" / "a.jsonl", [_paper(i) for i in range(3)])
    rebuild(load_config(config))
    monkeypatch.setattr(kgbuild.build, "EXTRACTOR_VERSION", "a-newer-extractor")
    run = rebuild(load_config(config))
    assert (run.papers_changed, run.papers_unchanged) == (3, 0)


def test_prune_removes_papers_gone_from_the_sources(tmp_path: Path):
    config = _config(tmp_path, prune=True)
    _write(tmp_path / "data" / "a.jsonl", [_paper(i) for i in range(10)])
    rebuild(load_config(config))
    _write(tmp_path / "data" / "a.jsonl", [_paper(i) for i in range(9)])
    run = rebuild(load_config(config))
    assert run.papers_removed == 1
    assert run.entity_delta["Paper"] == -1


def test_concurrent_rebuild_is_refused_with_its_own_exit_code(tmp_path: Path):
    config = load_config(_config(tmp_path))
    _write(tmp_path / "data" / "a.jsonl", [_paper(1)])
    with rebuild_lock(config.state_dir, "the test's store"):
        with pytest.raises(RebuildLockedError) as caught:
            rebuild(config)
    assert "another rebuild" in str(caught.value)
    assert caught.value.exit_code == EXIT_LOCKED


def test_rejects_are_counted_and_change_the_exit_code(tmp_path: Path):
    config = _config(tmp_path)
    (tmp_path / "data" / "a.jsonl").write_text(json.dumps(_paper(1)) + "\n{broken\n")
    run = rebuild(load_config(config))
    assert (run.papers_added, run.papers_rejected, run.outcome) == (1, 1, "succeeded with rejects")
    assert exit_code(run) == EXIT_SUCCEEDED_WITH_REJECTS
    rejects = [json.loads(line) for line in Path(run.rejects_file).read_text().splitlines()]
    assert rejects[0]["line"] == 2 and rejects[0]["reason"]


def test_missing_source_fails_the_run_naming_it_and_writes_nothing(tmp_path: Path):
    config = _config(tmp_path, paths='"data/*.jsonl", "missing.jsonl"')
    _write(tmp_path / "data" / "a.jsonl", [_paper(1)])
    with pytest.raises(InputError, match="missing.jsonl") as caught:
        rebuild(load_config(config))
    assert caught.value.exit_code == 2
    assert not (tmp_path / "store").exists()


def test_runs_are_recorded_in_the_graph(tmp_path: Path):
    config = _config(tmp_path)
    _write(tmp_path / "data" / "a.jsonl", [_paper(1)])
    first = rebuild(load_config(config))
    second = rebuild(load_config(config))
    with FalkorDBStore(tmp_path / "store") as store:
        runs = store.runs()
    assert [r.id for r in runs] == [second.id, first.id]
    assert runs[1].papers_added == 1 and runs[1].entity_delta["Paper"] == 1
    assert runs[0].outcome == "succeeded" and exit_code(runs[0]) == EXIT_SUCCEEDED


KILLER = """
import os, signal, sys
from pathlib import Path
from kgbuild.config import load_config
from kgbuild.rebuild import rebuild
from kgbuild.stores.cypher_store import CypherStore

real_write = CypherStore.write
calls = []

def write_then_die(self, batch, rewrite=False):
    report = real_write(self, batch, rewrite)
    calls.append(1)
    if len(calls) == 2:  # after two of the batches, mid-rebuild
        print("killing", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    return report

CypherStore.write = write_then_die
rebuild(load_config(Path(sys.argv[1])))
"""


def test_killed_rebuild_leaves_the_last_graph_and_the_next_run_converges(tmp_path: Path):
    killed_dir, clean_dir = tmp_path / "killed", tmp_path / "clean"
    for directory in (killed_dir, clean_dir):
        directory.mkdir()
        config = _config(directory, chunk_size=2)
        _write(directory / "data" / "a.jsonl", [_paper(i) for i in range(4)])
        rebuild(load_config(config))
        _write(directory / "data" / "a.jsonl", [_paper(i, " It also reports 1.0 FID.") for i in range(8)])
    before = _snapshot(killed_dir / "store")

    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    done = subprocess.run([sys.executable, str(script), str(killed_dir / "kgbuild.toml")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert "killing" in done.stdout

    assert _snapshot(killed_dir / "store") == before, "readers still see the last good graph"
    recovered = rebuild(load_config(killed_dir / "kgbuild.toml"))
    assert "did not finish" in recovered.message
    rebuild(load_config(clean_dir / "kgbuild.toml"))
    assert _strip_sources(_snapshot(killed_dir / "store")) == _strip_sources(_snapshot(clean_dir / "store"))


def _strip_sources(snapshot):
    """The two stores read the same data from different directories; compare everything else."""
    nodes, relationships = snapshot
    for node in nodes:
        node["props"].pop("source_file", None)
    return nodes, relationships


def test_bad_configuration_is_a_clear_error(tmp_path: Path):
    config = tmp_path / "kgbuild.toml"
    config.write_text('[[sources]]\npaths = []\n[store]\npassword = "x"\n')
    with pytest.raises(InputError) as caught:
        load_config(config)
    assert "password" in str(caught.value)
    config.write_text("[[sources]]\npaths = []\n")
    with pytest.raises(InputError) as caught:
        load_config(config)
    assert "sources.0.paths" in str(caught.value)
    with pytest.raises(InputError):
        load_config(tmp_path / "nope.toml")


def test_rebuild_and_runs_commands_report_and_exit_with_the_documented_codes(tmp_path: Path):
    from click.testing import CliRunner

    from kgbuild.cli import cli

    config = _config(tmp_path)
    (tmp_path / "data" / "a.jsonl").write_text(json.dumps(_paper(1)) + "\n{broken\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["rebuild", "--config", str(config), "--quiet"])
    assert result.exit_code == EXIT_SUCCEEDED_WITH_REJECTS, result.output
    assert "outcome        succeeded with rejects" in result.output
    assert "1 added" in result.output and "1 rejected" in result.output
    with rebuild_lock(load_config(config).state_dir, "test"):
        locked = runner.invoke(cli, ["rebuild", "--config", str(config)])
    assert locked.exit_code == EXIT_LOCKED
    assert "another rebuild" in locked.output and "Traceback" not in locked.output
    listed = runner.invoke(cli, ["runs", "--config", str(config), "--format", "json"])
    assert listed.exit_code == 0
    assert [r["outcome"] for r in json.loads(listed.output)] == ["succeeded with rejects"]


# -- pruning never mistakes a vanished or unreadable source for papers that left -----------------

def _stored_ids(store_dir: Path) -> list[str]:
    with FalkorDBStore(store_dir) as store:
        return sorted(store.paper_ids())


def _pruning_setup(tmp_path: Path, paths: str) -> Path:
    config = _config(tmp_path, prune=True, paths=paths)
    _write(tmp_path / "data" / "a.jsonl", [_paper(i) for i in range(5)])
    rebuild(load_config(config))
    assert len(_stored_ids(tmp_path / "store")) == 5
    return config


def test_prune_with_a_pattern_that_now_matches_nothing_fails_and_keeps_every_paper(tmp_path: Path):
    config = _pruning_setup(tmp_path, '"data/*.jsonl"')
    (tmp_path / "data" / "a.jsonl").rename(tmp_path / "data" / "a.jsonl.moved")
    with pytest.raises(InputError, match="'data/\\*.jsonl' matches no file"):
        rebuild(load_config(config))
    assert len(_stored_ids(tmp_path / "store")) == 5


def test_prune_with_a_vanished_directory_fails_naming_it_and_keeps_every_paper(tmp_path: Path):
    config = _pruning_setup(tmp_path, '"data"')
    (tmp_path / "data").rename(tmp_path / "elsewhere")
    with pytest.raises(InputError, match="input not found: .*data"):
        rebuild(load_config(config))
    assert len(_stored_ids(tmp_path / "store")) == 5


def test_prune_with_an_unreadable_source_is_refused_and_the_graph_kept(tmp_path: Path):
    config = _pruning_setup(tmp_path, '"data/*.jsonl*"')
    import gzip

    whole = gzip.compress(b"".join(json.dumps(_paper(i)).encode() + b"\n" for i in range(5)))
    (tmp_path / "data" / "a.jsonl").unlink()
    (tmp_path / "data" / "a.jsonl.gz").write_bytes(whole[: len(whole) // 2])  # a truncated copy
    with pytest.raises(PruneRefusedError, match="could not be read in full .*a.jsonl.gz"):
        rebuild(load_config(config))
    assert len(_stored_ids(tmp_path / "store")) == 5
    with FalkorDBStore(tmp_path / "store") as store:
        assert store.runs(1)[0].outcome == "failed"


def test_prune_over_max_prune_is_refused_unless_overridden(tmp_path: Path):
    from click.testing import CliRunner

    from kgbuild.cli import cli

    config = _pruning_setup(tmp_path, '"data/*.jsonl"')
    _write(tmp_path / "data" / "a.jsonl", [_paper(0), _paper(1)])  # 3 of 5 (60%) left
    refused = CliRunner().invoke(cli, ["rebuild", "--config", str(config), "-q"])
    assert refused.exit_code == EXIT_FAILED, refused.output
    assert "3 of 5 stored papers (60%)" in refused.output and "--max-prune" in refused.output
    assert len(_stored_ids(tmp_path / "store")) == 5
    allowed = CliRunner().invoke(cli, ["rebuild", "--config", str(config), "-q", "--max-prune", "0.6"])
    assert allowed.exit_code == EXIT_SUCCEEDED, allowed.output
    assert _stored_ids(tmp_path / "store") == ["arxiv:2301.00000", "arxiv:2301.00001"]


def test_rejects_of_earlier_rebuilds_are_kept_with_their_run_ids(tmp_path: Path):
    config = _config(tmp_path)
    (tmp_path / "data" / "a.jsonl").write_text(json.dumps(_paper(1)) + "\n{broken\n")
    first = rebuild(load_config(config))
    (tmp_path / "data" / "a.jsonl").write_text(json.dumps(_paper(1)) + "\n")
    rebuild(load_config(config))
    (tmp_path / "data" / "a.jsonl").write_text("{broken again\n" + json.dumps(_paper(1)) + "\n")
    third = rebuild(load_config(config))
    lines = [json.loads(line) for line in Path(third.rejects_file).read_text().splitlines()]
    assert [(r["run"], r["line"]) for r in lines] == [(first.id, 2), (third.id, 1)]


def test_rebuild_that_loads_nothing_says_so_in_its_outcome_and_exit_code(tmp_path: Path):
    config = _config(tmp_path)
    (tmp_path / "data" / "a.jsonl").write_text("{broken\n{also broken\n")
    run = rebuild(load_config(config))
    assert (run.outcome, run.papers_rejected) == ("loaded nothing", 2)
    assert exit_code(run) == 4


def test_full_rebuild_rewrites_every_paper_and_says_so(tmp_path: Path):
    config = _config(tmp_path)
    _write(tmp_path / "data" / "a.jsonl", [_paper(i) for i in range(3)])
    rebuild(load_config(config))
    before = _snapshot(tmp_path / "store")
    run = rebuild(load_config(config), full=True)
    assert (run.papers_added, run.papers_changed, run.papers_unchanged) == (0, 3, 0)
    assert "--full: 3 stored papers re-extracted and rewritten" in run.message
    assert _snapshot(tmp_path / "store") == before  # rewritten to the same graph
