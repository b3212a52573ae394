"""Extraction on Dask: a real LocalCluster of worker processes must give the single-process bytes."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.build import extract_to_jsonl
from kgbuild.cli import cli
from kgbuild.distributed import (
    DistributedError,
    SchedulerUnreachableError,
    Unit,
    extract_with_dask,
    plan_partitions,
    scan_partition,
)
from kgbuild.errors import InputError

SAMPLE = Path(__file__).parent.parent / "examples" / "sample"


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed", reason="needs the dask extra: pip install -e '.[dask]'")
    with distributed.LocalCluster(n_workers=3, processes=True, threads_per_worker=1,
                                  dashboard_address=":0") as local:
        yield local


@pytest.fixture(scope="module")
def single_run(tmp_path_factory: pytest.TempPathFactory):
    """The sample plus a JSON Lines file: a duplicate of a listing paper, a malformed line, a new paper."""
    folder = tmp_path_factory.mktemp("single")
    probe = folder / "probe.jsonl"
    extract_to_jsonl([str(SAMPLE)], probe)
    listed = json.loads(probe.read_text().splitlines()[7])["paper"]
    extra = folder / "extra.jsonl"
    extra.write_text("\n".join([
        json.dumps({"title": listed["title"].upper() + "!", "abstract": "Reformatted title: same paper."}),
        '{"title": "broken',
        json.dumps({"title": "A New Backbone", "arxiv_id": "2501.00001",
                    "abstract": "We evaluate ResNet-50 on ImageNet and reach 81.2% top-1 accuracy."}),
    ]) + "\n")
    inputs = [str(SAMPLE), str(extra)]
    out = folder / "single.jsonl"
    summary = extract_to_jsonl(inputs, out, rejects_path=folder / "single.rejects.jsonl")
    return inputs, out, summary


def _free_closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_dask_output_is_byte_identical_to_the_single_process_run(cluster, single_run, tmp_path: Path):
    inputs, single_out, single = single_run
    assert (single.counts.entries, single.counts.duplicates, single.counts.rejected) == (323, 30, 1)
    for partitions in (None, 3):
        out = tmp_path / f"dask-{partitions}.jsonl"
        rejects = tmp_path / f"dask-{partitions}.rejects.jsonl"
        seen: list[int] = []
        summary = extract_with_dask(inputs, out, scheduler=cluster.scheduler_address, rejects_path=rejects,
                                    partitions=partitions, progress=seen.append)
        assert out.read_bytes() == single_out.read_bytes()
        assert summary.counts == single.counts
        assert rejects.read_bytes() == Path(single.rejects_file).read_bytes()
        assert summary.rejects_file == str(rejects)
        assert summary.workers == 3
        assert summary.partitions > 1
        assert sum(seen) == single.counts.papers
        assert not (tmp_path / f"dask-{partitions}.jsonl.shards").exists()
        assert sorted(p.name for p in tmp_path.iterdir() if ".tmp" in p.name) == []
    assert summary.partitions == 3


def test_global_dedup_is_exact_across_partitions(cluster, tmp_path: Path):
    # File 2 holds Q (arXiv 2401.1, title "Shared") then P (arXiv 2401.1, title "Other").
    # Alone, file 2 would keep Q and drop P (same id). Globally Q is a duplicate of R in
    # file 1 (same title) and is dropped, so P's id was never taken: one process keeps P.
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"title": "Shared", "abstract": "R: BERT on GLUE."}) + "\n")
    second.write_text(json.dumps({"title": "Shared", "arxiv_id": "2401.00001", "abstract": "Q."}) + "\n"
                      + json.dumps({"title": "Other", "arxiv_id": "2401.00001", "abstract": "P: ViT on COCO."}) + "\n")
    inputs = [str(first), str(second)]
    single = extract_to_jsonl(inputs, tmp_path / "single.jsonl")
    rejects = tmp_path / "dask.rejects.jsonl"
    rejects.write_text("stale\n")
    summary = extract_with_dask(inputs, tmp_path / "dask.jsonl", scheduler=cluster.scheduler_address,
                                rejects_path=rejects, partitions=2)
    assert summary.partitions == 2
    kept = [json.loads(line)["paper"]["title"] for line in (tmp_path / "dask.jsonl").read_text().splitlines()]
    assert kept == ["Shared", "Other"]
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "single.jsonl").read_bytes()
    assert summary.counts == single.counts
    assert not rejects.exists()  # a clean run leaves no stale rejects, as the single-process run


def test_a_large_json_lines_file_is_split_into_line_ranges(cluster, single_run, tmp_path: Path):
    _, single_out, _ = single_run
    papers = [json.loads(line)["paper"] for line in single_out.read_text().splitlines()]
    lines = []
    for number, paper in enumerate(papers + papers[:40], 1):  # 40 duplicates at the end
        lines.append(json.dumps({"title": paper["title"], "abstract": paper["abstract"]}))
        if number % 50 == 0:
            lines += ["", "not json"]
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())  # BOM, no final newline

    plan = plan_partitions([str(big)], None, 4)
    ranges = [(unit.start, unit.end) for part in plan for unit in part]
    assert len(plan) == 4 and len(ranges) == 4
    assert ranges[0][0] == 0 and ranges[-1][1] == big.stat().st_size
    assert all(end == start for (_, end), (start, _) in zip(ranges, ranges[1:]))
    assert all(big.read_bytes()[start - 1:start] == b"\n" for start, _ in ranges[1:])

    single = extract_to_jsonl([str(big)], tmp_path / "single.jsonl", rejects_path=tmp_path / "single.rejects.jsonl")
    summary = extract_with_dask([str(big)], tmp_path / "dask.jsonl", scheduler=cluster.scheduler_address,
                                rejects_path=tmp_path / "dask.rejects.jsonl", partitions=4)
    assert summary.partitions == 4
    assert summary.counts == single.counts
    assert single.counts.duplicates == 40 and single.counts.rejected == len(lines) // 52
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "single.jsonl").read_bytes()
    # rejects carry the file's own line numbers, also in the later ranges
    assert (tmp_path / "dask.rejects.jsonl").read_bytes() == (tmp_path / "single.rejects.jsonl").read_bytes()


def test_cli_runs_extract_on_the_dask_cluster(cluster, single_run, tmp_path: Path):
    inputs, _, _ = single_run
    local_out, dask_out = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    runner = CliRunner()
    local = runner.invoke(cli, ["extract", *inputs, "--out", str(local_out), "-q"], catch_exceptions=False)
    assert local.exit_code == 3, local.output  # the inputs hold one malformed record
    result = runner.invoke(cli, ["extract", *inputs, "--out", str(dask_out), "-q", "--executor", "dask",
                                 "--scheduler", cluster.scheduler_address, "--partitions", "4"],
                           catch_exceptions=False)
    assert result.exit_code == 3, result.output
    assert "papers    293 distinct (323 entries read, 30 duplicates)" in result.output
    assert "dask      4 partitions on 3 workers" in result.output
    assert dask_out.read_bytes() == local_out.read_bytes()
    assert (tmp_path / "dask.rejects.jsonl").read_bytes() == (tmp_path / "local.rejects.jsonl").read_bytes()


def test_cli_takes_the_scheduler_from_the_environment(cluster, tmp_path: Path):
    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"title": "T", "abstract": "BERT on GLUE."}) + "\n")
    result = CliRunner().invoke(cli, ["extract", str(first), "--out", str(tmp_path / "o.jsonl"), "-q",
                                      "--executor", "dask"],
                                env={"DASK_SCHEDULER_ADDRESS": cluster.scheduler_address})
    assert result.exit_code == 0, result.output
    assert f"on 3 workers ({cluster.scheduler_address})" in result.output


def test_scheduler_options_need_the_dask_executor(tmp_path: Path):
    result = CliRunner().invoke(cli, ["extract", str(SAMPLE), "--out", str(tmp_path / "o.jsonl"),
                                      "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2
    assert "--executor dask" in result.output


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path):
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_free_closed_port()}"
    with pytest.raises(SchedulerUnreachableError) as caught:
        extract_with_dask([str(SAMPLE)], tmp_path / "o.jsonl", scheduler=address, timeout=1)
    assert address in str(caught.value)
    assert "dask scheduler" in caught.value.hint and "--scheduler" in caught.value.hint
    assert not (tmp_path / "o.jsonl").exists()


def test_bad_scheduler_address_through_the_cli(tmp_path: Path):
    pytest.importorskip("distributed")
    result = CliRunner().invoke(cli, ["extract", str(SAMPLE), "--out", str(tmp_path / "o.jsonl"),
                                      "--executor", "dask", "--scheduler", "no-port-here"])
    assert result.exit_code == 2
    assert "error: bad Dask scheduler address 'no-port-here'" in result.output
    assert "tcp://HOST:PORT" in result.output


def test_a_scheduler_without_workers_is_a_clear_error(tmp_path: Path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        with pytest.raises(DistributedError, match="has no workers") as caught:
            extract_with_dask([str(SAMPLE)], tmp_path / "o.jsonl", scheduler=empty.scheduler_address,
                              worker_timeout=0.5)
    assert "dask worker" in caught.value.hint


def test_missing_dask_is_an_input_error_with_the_install_hint(monkeypatch, tmp_path: Path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(InputError) as caught:
        extract_with_dask([str(SAMPLE)], tmp_path / "o.jsonl", scheduler="tcp://127.0.0.1:8786")
    assert 'pip install "kgbuild[dask]"' in caught.value.hint and " -e " not in caught.value.hint


def test_a_worker_that_cannot_see_an_input_says_so(tmp_path: Path):
    # The driver saw the file (it has a size); on this "worker" the path does not exist.
    unit = Unit(name="corpus/a.jsonl", path=str(tmp_path / "not-mounted" / "a.jsonl"), size=120)
    found = scan_partition([unit], None)
    assert found["unseen"] == ["corpus/a.jsonl"]
    # A path the driver could not see either is an ordinary reject, as in one process.
    missing = Unit(name="nowhere.jsonl", path=str(tmp_path / "nowhere.jsonl"), size=None)
    found = scan_partition([missing], None)
    assert found["sightings"] == [] and found["rejected"] == 1


def test_workers_with_another_extractor_version_are_refused(cluster, monkeypatch, tmp_path: Path):
    import kgbuild.extract

    monkeypatch.setattr(kgbuild.extract, "EXTRACTOR_VERSION", "1+not-what-the-workers-run")
    with pytest.raises(DistributedError, match="has extractor") as caught:
        extract_with_dask([str(SAMPLE)], tmp_path / "o.jsonl", scheduler=cluster.scheduler_address)
    assert "same kgbuild version" in caught.value.hint
    assert not (tmp_path / "o.jsonl").exists()


def test_workers_without_kgbuild_are_refused(cluster, monkeypatch, tmp_path: Path):
    # A module only this process can import stands in for kgbuild missing on the workers.
    (tmp_path / "only_on_the_driver.py").write_text("def fingerprint():\n    return 'x'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import only_on_the_driver

    import kgbuild.distributed

    monkeypatch.setattr(kgbuild.distributed, "worker_fingerprint", only_on_the_driver.fingerprint)
    with pytest.raises(DistributedError, match="cannot run kgbuild") as caught:
        extract_with_dask([str(SAMPLE)], tmp_path / "o.jsonl", scheduler=cluster.scheduler_address)
    assert "ModuleNotFoundError" in str(caught.value)
    assert "same environment" in caught.value.hint
