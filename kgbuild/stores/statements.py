"""The Cypher every backend sends to write, replace and count the graph.

These run unchanged on FalkorDB and Neo4j 5; what differs between the two lives in
``dialect.py``. Values always travel as parameters. Labels cannot be parameters in
Cypher, so statements are made once per label from the fixed lists below, never from input.
"""

from __future__ import annotations

from kgbuild.models import ENTITY_TYPES

# Node label -> the property that identifies a node of that label.
NODE_KEYS: dict[str, str] = {"Paper": "id", **{label: "key" for label in ENTITY_TYPES}, "Result": "id",
                             "BuildRun": "id"}

# Nodes of the loader's own bookkeeping, with no key: see OPEN_JOURNAL.
BOOKKEEPING_LABELS: tuple[str, ...] = ("WriteJournal",)

RELATIONSHIP_TYPES: tuple[str, ...] = (
    "MENTIONS", "PROPOSES", "USES_BACKBONE", "HAS_CODE", "EVALUATED_ON",
    "REPORTS", "OF_METHOD", "ON_DATASET", "MEASURED_BY",
    # Derived from EVALUATED_ON, one per (method, dataset) pair: how many papers evaluate the
    # method on the dataset and the first of them by id. Kept so that questions about a much
    # used dataset read one relationship per method instead of one per paper.
    "EVALUATION_SUMMARY",
)

# Relationships that start at a Paper and belong to it alone.
PAPER_OWNED = "MENTIONS|PROPOSES|USES_BACKBONE|HAS_CODE"

PAPER_HASHES = """
UNWIND $ids AS id
MATCH (p:Paper {id: id})
RETURN p.id AS id, p.hash AS hash
"""

# What a load writes is created, not merged, wherever it can be: a paper's facts are deleted
# before the paper is written again, so they are always new, and FalkorDB indexes a node or
# relationship once when it is created with its properties but again at every later SET;
# each re-indexing leaves garbage that the index collects in a forked copy of the server,
# whose copy-on-write pages added gigabytes to the peak memory of a large load. The rows
# hold one entry per node or relationship (see ``graph.GraphBatch``).
#
# A paper's hash is written with the paper, so a paper is written once. What says its facts
# are complete is the batch's WriteJournal node: made before the batch's first write, it names
# the batch's papers, and it is deleted after its last write. A load cut off half-way leaves
# the journal behind, and its papers count as changed (``stored_hashes``) until a later load
# has written them again.
OPEN_JOURNAL = """
CREATE (:WriteJournal {papers: $ids})
"""

# Two statements: FalkorDB 4.16 silently runs nothing of SET ... WITH j WHERE ... DELETE j,
# not even the SET.
CLOSE_JOURNALS = """
MATCH (j:WriteJournal)
SET j.papers = [paper IN j.papers WHERE NOT paper IN $ids]
"""

DELETE_CLOSED_JOURNALS = """
MATCH (j:WriteJournal)
WHERE size(j.papers) = 0
DELETE j
"""

UNFINISHED_PAPERS = """
MATCH (j:WriteJournal)
UNWIND j.papers AS id
RETURN DISTINCT id
"""

# What a paper row writes onto its node, besides its id.
_PAPER_PROPERTIES = ("title", "abstract", "source_file", "source_line", "record_id", "arxiv_id", "doi", "url", "date",
                     "authors", "categories", "extractor_version", "hash")

CREATE_PAPERS = f"""
UNWIND $rows AS row
CREATE (:Paper {{id: row.id, {", ".join(f"{p}: row.{p}" for p in _PAPER_PROPERTIES)}}})
"""

# Papers already stored (changed, or cut off half-way before): their facts are gone by now.
UPDATE_PAPERS = f"""
UNWIND $rows AS row
MATCH (p:Paper {{id: row.id}})
SET {", ".join(f"p.{p} = row.{p}" for p in _PAPER_PROPERTIES)}
"""

ADD_SIGHTINGS = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
SET p.also_seen_in = row.also_seen_in
"""

PAPER_SIGHTINGS = """
UNWIND $ids AS id
MATCH (p:Paper {id: id})
RETURN p.id AS id, p.also_seen_in AS also_seen_in
"""

PAPER_ENTITY_KEYS = """
UNWIND $ids AS id
MATCH (p:Paper {id: id})-[:MENTIONS]->(e)
RETURN labels(e)[0] AS label, e.key AS key
"""

DELETE_PAPER_RESULTS = """
UNWIND $ids AS id
MATCH (:Paper {id: id})-[:REPORTS]->(r:Result)
DETACH DELETE r
"""

# Every method a paper evaluates is one it mentions, so the paper anchors the match.
DELETE_PAPER_EVALUATIONS = """
UNWIND $ids AS id
MATCH (:Paper {id: id})-[:MENTIONS]->(:Method)-[r:EVALUATED_ON {paper: id}]->(:Dataset)
DELETE r
"""

# The (method, dataset) pairs whose summaries change when these papers' facts go.
PAPER_EVALUATION_PAIRS = """
UNWIND $ids AS id
MATCH (:Paper {id: id})-[:MENTIONS]->(m:Method)-[:EVALUATED_ON {paper: id}]->(d:Dataset)
RETURN DISTINCT m.key AS method, d.key AS dataset
"""

# Recounted from the per-paper relationships, not adjusted by deltas, so a summary is right
# after any sequence of writes, replacements and deletions, even ones cut off half-way.
REFRESH_EVALUATION_SUMMARIES = """
UNWIND $rows AS row
MATCH (m:Method {key: row.method})
MATCH (d:Dataset {key: row.dataset})
OPTIONAL MATCH (m)-[e:EVALUATED_ON]->(d)
WITH m, d, count(e) AS papers, min(e.paper) AS first_paper
MERGE (m)-[s:EVALUATION_SUMMARY]->(d)
SET s.papers = papers, s.first_paper = first_paper
"""

# For pairs only new papers touched: add their counts. A paper whose write was cut off is
# still named by a write journal, so the next run replaces it and its pairs are recounted above.
ADD_TO_EVALUATION_SUMMARIES = """
UNWIND $rows AS row
MATCH (m:Method {key: row.method})
MATCH (d:Dataset {key: row.dataset})
MERGE (m)-[s:EVALUATION_SUMMARY]->(d)
ON CREATE SET s.papers = 0, s.first_paper = row.first_paper
SET s.papers = s.papers + row.papers,
    s.first_paper = CASE WHEN row.first_paper < s.first_paper THEN row.first_paper ELSE s.first_paper END
"""

DELETE_EMPTY_SUMMARIES = """
UNWIND $rows AS row
MATCH (:Method {key: row.method})-[s:EVALUATION_SUMMARY]->(:Dataset {key: row.dataset})
WHERE s.papers = 0
DELETE s
"""

DELETE_PAPER_LINKS = f"""
UNWIND $ids AS id
MATCH (:Paper {{id: id}})-[r:{PAPER_OWNED}]->()
DELETE r
"""

DELETE_PAPERS = """
UNWIND $ids AS id
MATCH (p:Paper {id: id})
DETACH DELETE p
"""

ALL_PAPER_IDS = "MATCH (p:Paper) RETURN p.id AS id ORDER BY id"

COUNT_PAPERS = "MATCH (n:Paper) RETURN count(n) AS n"

EXPORT_NODES = """
MATCH (n)
RETURN labels(n)[0] AS label, coalesce(n.key, n.id) AS key, properties(n) AS props
ORDER BY label, key
"""

EXPORT_RELATIONSHIPS = """
MATCH (a)-[r]->(b)
RETURN labels(a)[0] AS source_label, coalesce(a.key, a.id) AS source_key, type(r) AS type,
       labels(b)[0] AS target_label, coalesce(b.key, b.id) AS target_key, properties(r) AS props
ORDER BY source_label, source_key, type, target_label, target_key
"""


# Maps cannot be property values in either database, so the deltas travel as JSON text.
MERGE_RUN = """
MERGE (r:BuildRun {id: $run.id})
SET r.started = $run.started, r.finished = $run.finished, r.outcome = $run.outcome,
    r.inputs = $run.inputs, r.papers_added = $run.papers_added, r.papers_changed = $run.papers_changed,
    r.papers_removed = $run.papers_removed, r.papers_unchanged = $run.papers_unchanged,
    r.papers_rejected = $run.papers_rejected, r.entity_delta = $run.entity_delta,
    r.relationship_delta = $run.relationship_delta, r.extractor_version = $run.extractor_version,
    r.rejects_file = $run.rejects_file, r.message = $run.message, r.seconds = $run.seconds
"""

RECENT_RUNS = """
MATCH (r:BuildRun)
RETURN r.id AS id, r.started AS started, r.finished AS finished, r.outcome AS outcome, r.inputs AS inputs,
       r.papers_added AS papers_added, r.papers_changed AS papers_changed, r.papers_removed AS papers_removed,
       r.papers_unchanged AS papers_unchanged, r.papers_rejected AS papers_rejected,
       r.entity_delta AS entity_delta, r.relationship_delta AS relationship_delta,
       r.extractor_version AS extractor_version, r.rejects_file AS rejects_file, r.message AS message,
       r.seconds AS seconds
ORDER BY started DESC, id DESC
LIMIT $limit
"""


def add_aliases(label: str) -> str:
    """Entities already stored take the spellings they did not have. Aliases accumulate over
    the papers that wrote them; `lookup` holds their normalised forms so queries can match
    whatever spelling a user types. An entity is only written when something is new to it."""
    return f"""
UNWIND $rows AS row
MATCH (e:{label} {{key: row.key}})
WITH e, [a IN row.aliases WHERE NOT a IN e.aliases] AS new_aliases,
     [k IN row.lookup WHERE NOT k IN e.lookup] AS new_lookup
WHERE size(new_aliases) > 0 OR size(new_lookup) > 0
SET e.aliases = e.aliases + new_aliases, e.lookup = e.lookup + new_lookup
"""


def create_entities(label: str) -> str:
    """Entities not stored yet, with all their properties at once."""
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (found:{label} {{key: row.key}})
WITH row WHERE found IS NULL
CREATE (:{label} {{key: row.key, name: row.name, url: row.url, aliases: row.aliases, lookup: row.lookup}})
"""


def create_mentions(label: str) -> str:
    return f"""
UNWIND $rows AS row
MATCH (p:Paper {{id: row.paper}})
MATCH (e:{label} {{key: row.key}})
CREATE (p)-[:MENTIONS {{field: row.field, start: row.start, end: row.end, sentence: row.sentence,
                       text: row.text, texts: row.texts, count: row.count, roles: row.roles,
                       proposed: row.proposed, evaluated: row.evaluated}}]->(e)
"""


def create_paper_links(rel_type: str, label: str) -> str:
    """PROPOSES, USES_BACKBONE and HAS_CODE: paper -> entity, with the sentence that says so."""
    return f"""
UNWIND $rows AS row
MATCH (p:Paper {{id: row.paper}})
MATCH (e:{label} {{key: row.key}})
CREATE (p)-[:{rel_type} {{field: row.field, sentence: row.sentence, start: row.start, end: row.end,
                         evidence: row.evidence}}]->(e)
"""


CREATE_EVALUATIONS = """
UNWIND $rows AS row
MATCH (m:Method {key: row.method})
MATCH (d:Dataset {key: row.dataset})
CREATE (m)-[:EVALUATED_ON {paper: row.paper, field: row.field, sentence: row.sentence,
                           start: row.start, end: row.end, evidence: row.evidence}]->(d)
"""

CREATE_RESULTS = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.paper})
MATCH (metric:Metric {key: row.metric})
CREATE (p)-[:REPORTS]->(r:Result {id: row.id, paper: row.paper, value: row.value, unit: row.unit,
                                  split: row.split, method: row.method_name,
                                  dataset: row.dataset_name, metric: row.metric_name,
                                  field: row.field, sentence: row.sentence, start: row.start,
                                  end: row.end, evidence: row.evidence})-[:MEASURED_BY]->(metric)
"""

LINK_RESULT_METHODS = """
UNWIND $rows AS row
MATCH (r:Result {id: row.id})
MATCH (m:Method {key: row.method})
CREATE (r)-[:OF_METHOD]->(m)
"""

LINK_RESULT_DATASETS = """
UNWIND $rows AS row
MATCH (r:Result {id: row.id})
MATCH (d:Dataset {key: row.dataset})
CREATE (r)-[:ON_DATASET]->(d)
"""


def delete_orphans(label: str) -> str:
    """Entities no paper mentions any more; shared ones stay while one paper still does."""
    return f"""
UNWIND $keys AS key
MATCH (e:{label} {{key: key}})
WHERE NOT (:Paper)-[:MENTIONS]->(e)
DETACH DELETE e
"""


def count_label(label: str) -> str:
    return f"MATCH (n:{label}) RETURN count(n) AS n"


def count_relationship(rel_type: str) -> str:
    return f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS n"


def all_write_statements() -> list[str]:
    """Every statement a store sends, for linting them as Neo4j Cypher."""
    statements = [
        PAPER_HASHES, OPEN_JOURNAL, CLOSE_JOURNALS, DELETE_CLOSED_JOURNALS, UNFINISHED_PAPERS, CREATE_PAPERS, UPDATE_PAPERS, ADD_SIGHTINGS, PAPER_SIGHTINGS, PAPER_ENTITY_KEYS,
        DELETE_PAPER_RESULTS, DELETE_PAPER_EVALUATIONS, DELETE_PAPER_LINKS, DELETE_PAPERS,
        PAPER_EVALUATION_PAIRS, REFRESH_EVALUATION_SUMMARIES, ADD_TO_EVALUATION_SUMMARIES, DELETE_EMPTY_SUMMARIES,
        ALL_PAPER_IDS, COUNT_PAPERS, MERGE_RUN, RECENT_RUNS, EXPORT_NODES, EXPORT_RELATIONSHIPS, CREATE_EVALUATIONS, CREATE_RESULTS,
        LINK_RESULT_METHODS, LINK_RESULT_DATASETS,
    ]
    for label in ENTITY_TYPES:
        statements += [add_aliases(label), create_entities(label), create_mentions(label), delete_orphans(label)]
    for label in NODE_KEYS:
        statements.append(count_label(label))
    for rel_type in RELATIONSHIP_TYPES:
        statements.append(count_relationship(rel_type))
    for rel_type, label in PAPER_LINK_TARGETS.items():
        statements.append(create_paper_links(rel_type, label))
    return statements


PAPER_LINK_TARGETS: dict[str, str] = {"PROPOSES": "Method", "USES_BACKBONE": "Method", "HAS_CODE": "Repo"}
