"""The run-log contract (``kgbuild.stores.RunLog``): what a scheduled rebuild keeps in the store
it rebuilds. Every backend passes these (see test_store_writer_contract.py)."""

from __future__ import annotations

from factories import paper_extraction

from kgbuild.graph import to_graph
from kgbuild.models import BuildRun
from kgbuild.stores import RunLog


def _run(run_id: str, started: str, **fields) -> BuildRun:
    return BuildRun(id=run_id, started=started, **fields)


def test_every_backend_is_a_run_log(open_store):
    with open_store() as store:
        assert isinstance(store, RunLog)


def test_a_recorded_run_comes_back_whole(open_store):
    run = _run("r1", "2026-01-02T03:04:05Z", finished="2026-01-02T03:05:00Z", outcome="succeeded with rejects",
               inputs=["a.jsonl", "b.csv"], papers_added=3, papers_changed=2, papers_removed=1,
               papers_unchanged=7, papers_rejected=4, entity_delta={"Paper": 2, "Method": -1},
               relationship_delta={"MENTIONS": 5}, extractor_version="2+abc", rejects_file="rejects.jsonl",
               message="4 records rejected", seconds=1.5)
    with open_store() as store:
        store.record_run(run)
    with open_store() as store:
        assert store.runs() == [run]


def test_recording_a_run_again_updates_it(open_store):
    with open_store() as store:
        store.record_run(_run("r1", "2026-01-02T03:04:05Z"))
        finished = _run("r1", "2026-01-02T03:04:05Z", finished="2026-01-02T03:06:00Z", outcome="succeeded",
                        papers_added=5)
        store.record_run(finished)
        assert store.runs() == [finished]


def test_runs_come_newest_first_and_as_many_as_asked(open_store):
    with open_store() as store:
        for run_id, started in (("r2", "2026-01-02T00:00:00Z"), ("r1", "2026-01-01T00:00:00Z"),
                                ("r3", "2026-01-03T00:00:00Z")):
            store.record_run(_run(run_id, started))
        assert [run.id for run in store.runs()] == ["r3", "r2", "r1"]
        assert [run.id for run in store.runs(limit=2)] == ["r3", "r2"]


def test_a_recorded_run_counts_as_no_paper_entity_or_fact(open_store):
    with open_store() as store:
        store.write(to_graph([paper_extraction("p1", "LWGANet", ["DOTA"])], "test-1"))
        before = store.counts()
        store.record_run(_run("r1", "2026-01-02T03:04:05Z"))
        assert store.counts() == before
