"""Load logic shared by the Cypher backends: what to send, in which order, in which batches.

A backend supplies three primitives: ``_write`` (a statement that changes data),
``_read`` (a read-only statement) and ``ensure_schema``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from kgbuild.graph import EvaluationRow, GraphBatch, evaluation_summaries
from kgbuild.models import ENTITY_TYPES, BuildRun, GraphCounts, QueryResult, SourceRef, WriteReport
from kgbuild.stores import statements as st
from kgbuild.stores.base import chunked

DEFAULT_BATCH_SIZE = 1000


class CypherStore:
    name = "cypher"
    batch_size = DEFAULT_BATCH_SIZE

    # -- primitives a backend provides ------------------------------------------------------

    def _write(self, cypher: str, params: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _read(self, cypher: str, params: Mapping[str, Any] | None = None,
              timeout: float | None = None) -> QueryResult:
        raise NotImplementedError

    def _wait_for_writes(self) -> None:
        """Returns once every statement ``_write`` was given has run; a backend whose
        ``_write`` returns before that overrides it."""

    # -- the contract -------------------------------------------------------------------------

    def _write_rows(self, cypher: str, rows: list[Any], name: str = "rows") -> None:
        """``rows`` (graph rows, or ids or keys as ``name`` says) in ``UNWIND`` batches."""
        for chunk in chunked(rows, self.batch_size):
            self._write(cypher, {name: chunk})

    def stored_hashes(self, paper_ids: list[str]) -> dict[str, str | None]:
        """Stored papers among ``paper_ids`` with their hash; None for a paper whose last
        write did not finish (a write journal still names it)."""
        found: dict[str, str | None] = {}
        for chunk in chunked(paper_ids, self.batch_size):
            for paper_id, paper_hash in self._read(st.PAPER_HASHES, {"ids": chunk}).rows:
                found[str(paper_id)] = paper_hash
        if found:
            unfinished = {str(row[0]) for row in self._read(st.UNFINISHED_PAPERS).rows}
            found.update((pid, None) for pid in unfinished & found.keys())
        return found

    def write(self, batch: GraphBatch, rewrite: bool = False) -> WriteReport:
        ids = batch.paper_ids
        already = self.stored_hashes(ids)
        hashes = {row["id"]: row["hash"] for row in batch.papers}
        # With ``rewrite`` (build --full) a stored paper is replaced even when its hash is the same.
        unchanged = set() if rewrite else {
            pid for pid, stored in already.items() if stored is not None and stored == hashes[pid]}
        replaced = [pid for pid in already if pid not in unchanged]
        if unchanged:
            batch = _without(batch, unchanged)
        previous_entities = self._entity_keys_of(replaced)
        pairs = self._evaluation_pairs_of(replaced)
        if not batch.papers:
            return WriteReport(written=0, unchanged=len(unchanged), replaced=0)
        written_ids = batch.paper_ids
        self._write(st.OPEN_JOURNAL, {"ids": written_ids})
        self._delete_facts(replaced)
        self._write_rows(st.UPDATE_PAPERS, [row for row in batch.papers if row["id"] in already])
        self._write_rows(st.CREATE_PAPERS, [row for row in batch.papers if row["id"] not in already])
        for label in ENTITY_TYPES:
            self._write_rows(st.add_aliases(label), batch.entities.get(label, []))
            self._write_rows(st.create_entities(label), batch.entities.get(label, []))
            self._write_rows(st.create_mentions(label), batch.mentions.get(label, []))
        for rel_type, label in st.PAPER_LINK_TARGETS.items():
            self._write_rows(st.create_paper_links(rel_type, label), batch.paper_links.get(rel_type, []))
        self._write_rows(st.CREATE_EVALUATIONS, batch.evaluations)
        self._update_summaries(batch.evaluations, recount=pairs, replaced=set(replaced))
        self._write_rows(st.CREATE_RESULTS, batch.results)
        self._write_rows(st.LINK_RESULT_METHODS, [r for r in batch.results if r["method"]])
        self._write_rows(st.LINK_RESULT_DATASETS, [r for r in batch.results if r["dataset"]])
        self._delete_orphans(previous_entities)
        # The journal says the papers' facts are all written, so it goes only after they have run.
        self._wait_for_writes()
        self._write(st.CLOSE_JOURNALS, {"ids": written_ids})
        self._write(st.DELETE_CLOSED_JOURNALS, {})
        self._wait_for_writes()
        return WriteReport(written=len(batch.papers) - len(replaced), unchanged=len(unchanged),
                           replaced=len(replaced))

    def delete_papers(self, paper_ids: list[str], keep_papers: bool = False) -> None:
        previous_entities = self._entity_keys_of(paper_ids)
        pairs = self._evaluation_pairs_of(paper_ids)
        self._delete_facts(paper_ids)
        self._refresh_summaries(pairs)
        if not keep_papers:
            self._write_rows(st.DELETE_PAPERS, paper_ids, "ids")
        self._delete_orphans(previous_entities)

    def record_sightings(self, sightings: Mapping[str, list[SourceRef]]) -> None:
        wanted = {pid: sorted({f"{s.file}:{s.line}" for s in refs}) for pid, refs in sightings.items()}
        stored: dict[str, list[str]] = {}
        for chunk in chunked(sorted(wanted), self.batch_size):
            for pid, seen in self._read(st.PAPER_SIGHTINGS, {"ids": chunk}).rows:
                stored[str(pid)] = list(seen or [])
        # Only what changed is written, so a run that changes nothing writes nothing.
        rows = [{"id": pid, "also_seen_in": seen} for pid, seen in sorted(wanted.items())
                if pid in stored and stored[pid] != seen]
        self._write_rows(st.ADD_SIGHTINGS, rows)

    def paper_ids(self) -> list[str]:
        return [str(row[0]) for row in self._read(st.ALL_PAPER_IDS).rows]

    def query(self, cypher: str, params: Mapping[str, Any] | None = None,
              timeout: float | None = None) -> QueryResult:
        if timeout is None:
            return self._read(cypher, params or {})
        return self._read(cypher, params or {}, timeout=timeout)

    def counts(self) -> GraphCounts:
        def single(cypher: str) -> int:
            rows = self._read(cypher).rows
            return int(rows[0][0]) if rows else 0

        return GraphCounts(
            papers=single(st.COUNT_PAPERS),
            entities={label: single(st.count_label(label)) for label in ENTITY_TYPES},
            relationships={t: single(st.count_relationship(t)) for t in st.RELATIONSHIP_TYPES},
            results=single(st.count_label("Result")),
        )

    def record_run(self, run: BuildRun) -> None:
        row = run.model_dump()
        row["entity_delta"] = json.dumps(run.entity_delta, sort_keys=True)
        row["relationship_delta"] = json.dumps(run.relationship_delta, sort_keys=True)
        self._write(st.MERGE_RUN, {"run": row})

    def runs(self, limit: int = 20) -> list[BuildRun]:
        result = self._read(st.RECENT_RUNS, {"limit": limit})
        runs = []
        for values in result.rows:
            row = dict(zip(result.columns, values))
            for field in ("entity_delta", "relationship_delta"):
                row[field] = json.loads(row[field] or "{}")
            runs.append(BuildRun(**{k: v for k, v in row.items() if v is not None}))
        return runs

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Writes inside become visible together where the backend can do that.

        The default gives each statement's own atomicity; backends override it.
        """
        yield

    def export(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        nodes = [{"id": f"{label}:{key}", "label": label, "props": dict(props)}
                 for label, key, props in self._read(st.EXPORT_NODES).rows]
        rows = self._read(st.EXPORT_RELATIONSHIPS).rows
        # Relationships between the same two nodes (one per paper) come in no set order from the
        # query, and not in the same one on Neo4j as on FalkorDB: their properties order them.
        rank: dict[tuple, int] = {}
        for row in rows:
            rank.setdefault(tuple(row[:5]), len(rank))
        rows.sort(key=lambda row: (rank[tuple(row[:5])], json.dumps(row[5], sort_keys=True)))
        relationships = [
            {"source": f"{sl}:{sk}", "target": f"{tl}:{tk}", "type": rel_type, "props": dict(props)}
            for sl, sk, rel_type, tl, tk, props in rows
        ]
        return nodes, relationships

    # -- helpers ------------------------------------------------------------------------------

    def _entity_keys_of(self, paper_ids: list[str]) -> dict[str, set[str]]:
        keys: dict[str, set[str]] = {label: set() for label in ENTITY_TYPES}
        for chunk in chunked(paper_ids, self.batch_size):
            for label, key in self._read(st.PAPER_ENTITY_KEYS, {"ids": chunk}).rows:
                if label in keys:
                    keys[label].add(str(key))
        return keys

    def _evaluation_pairs_of(self, paper_ids: list[str]) -> set[tuple[str, str]]:
        pairs: set[tuple[str, str]] = set()
        for chunk in chunked(paper_ids, self.batch_size):
            pairs.update((str(m), str(d)) for m, d in self._read(st.PAPER_EVALUATION_PAIRS, {"ids": chunk}).rows)
        return pairs

    def _update_summaries(self, evaluations: list[EvaluationRow], recount: set[tuple[str, str]],
                          replaced: set[str]) -> None:
        """Pairs a replaced paper had or has are recounted; pairs only new papers touch get
        the new papers added, which is cheaper and, for them, the same."""
        recount = recount | {(r["method"], r["dataset"]) for r in evaluations if r["paper"] in replaced}
        added = evaluation_summaries(r for r in evaluations if (r["method"], r["dataset"]) not in recount)
        self._write_rows(st.ADD_TO_EVALUATION_SUMMARIES, [
            {"method": m, "dataset": d, "papers": papers, "first_paper": first}
            for (m, d), (papers, first) in sorted(added.items())])
        self._refresh_summaries(recount)

    def _refresh_summaries(self, pairs: set[tuple[str, str]]) -> None:
        rows = [{"method": method, "dataset": dataset} for method, dataset in sorted(pairs)]
        self._write_rows(st.REFRESH_EVALUATION_SUMMARIES, rows)
        self._write_rows(st.DELETE_EMPTY_SUMMARIES, rows)

    def _delete_facts(self, paper_ids: list[str]) -> None:
        if not paper_ids:
            return
        for statement in (st.DELETE_PAPER_RESULTS, st.DELETE_PAPER_EVALUATIONS, st.DELETE_PAPER_LINKS):
            self._write_rows(statement, paper_ids, "ids")

    def _delete_orphans(self, keys_by_label: dict[str, set[str]]) -> None:
        for label, keys in keys_by_label.items():
            self._write_rows(st.delete_orphans(label), sorted(keys), "keys")


Row = TypeVar("Row", bound=Mapping[str, Any])


def _without(batch: GraphBatch, paper_ids: set[str]) -> GraphBatch:
    """The batch minus some papers. Entity rows stay: merging them again changes nothing."""
    def keep(rows: list[Row], field: str = "paper") -> list[Row]:
        return [row for row in rows if row[field] not in paper_ids]

    return GraphBatch(
        papers=keep(batch.papers, "id"),
        entities=batch.entities,
        mentions={label: keep(rows) for label, rows in batch.mentions.items()},
        paper_links={rel: keep(rows) for rel, rows in batch.paper_links.items()},
        evaluations=keep(batch.evaluations),
        results=keep(batch.results),
    )
