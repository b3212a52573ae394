"""Every place FalkorDB's Cypher and Neo4j's differ, kept together on purpose.

- Schema: Neo4j 5 has ``CREATE CONSTRAINT ... REQUIRE n.p IS UNIQUE`` (which also indexes);
  FalkorDB needs ``CREATE INDEX FOR (n:L) ON (n.p)`` and then ``GRAPH.CONSTRAINT CREATE``.
- Existential subqueries: FalkorDB does not parse ``EXISTS { ... }``; both accept pattern
  predicates such as ``WHERE (m)-[:EVALUATED_ON]->(:Dataset {key: $d})``, so queries use those.
- Read-only execution: FalkorDB has ``GRAPH.RO_QUERY``; Neo4j uses read transactions.
- Repeated strings: FalkorDB's ``intern()`` keeps one copy of a string however many
  properties hold it; Neo4j has no such function (it stores every value in its own record
  anyway). The FalkorDB store sends the write statements through ``falkordb_write``.
- Full-text search procedures differ (``db.idx.fulltext.*`` vs ``db.index.fulltext.*``);
  the query packs use neither.
- Finding the schema: FalkorDB has ``CALL db.indexes() YIELD label, properties``; Neo4j 5
  removed ``db.indexes()`` (it has ``SHOW INDEXES``). That difference is how the Neo4j
  backend tells a FalkorDB server speaking Bolt from a Neo4j one (see ``FALKORDB_INDEXES``).
- FalkorDB over Bolt (``BOLT_PORT``, experimental in FalkorDB 4.16) answers as "Neo4j/5.13.0"
  but: rejects ``CREATE CONSTRAINT``/``CREATE INDEX ... IF NOT EXISTS``; cannot create
  uniqueness constraints at all (that is the Redis command ``GRAPH.CONSTRAINT``, not Cypher);
  ignores the access mode (a read transaction may write), the database name (everything
  goes to the graph ``falkordb``) and ``rollback()``; sends errors without a message; and
  crashes on a request larger than about 4 KB. Only use it to test the wire path.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kgbuild.stores.statements import NODE_KEYS

# Properties that query packs filter or sort on, beyond the node keys.
EXTRA_INDEXES: tuple[tuple[str, str], ...] = (
    ("Paper", "date"),
    ("Paper", "title"),
    ("Paper", "record_id"),  # paper-card finds a paper by the id its input gave it
    ("Result", "paper"),
)
# Entity lookups match `wanted IN e.lookup`: FalkorDB answers that from an index on the
# list property; Neo4j range indexes do not serve IN on a list, so these are FalkorDB's only.
FALKORDB_LOOKUP_INDEXES: tuple[tuple[str, str], ...] = tuple(
    (label, "lookup") for label in ("Method", "Dataset", "Metric", "Task", "Repo"))
# Relationship properties queries filter on (paper cards, per-paper replacement).
RELATIONSHIP_INDEXES: tuple[tuple[str, str], ...] = (("EVALUATED_ON", "paper"),)


def indexed_properties() -> list[tuple[str, str]]:
    """(label, property) pairs that get a node index on FalkorDB: keys first, then query filters."""
    return list(NODE_KEYS.items()) + list(EXTRA_INDEXES) + list(FALKORDB_LOOKUP_INDEXES)


def falkordb_index(label: str, prop: str) -> str:
    return f"CREATE INDEX FOR (n:{label}) ON (n.{prop})"


def falkordb_relationship_index(rel_type: str, prop: str) -> str:
    return f"CREATE INDEX FOR ()-[r:{rel_type}]-() ON (r.{prop})"


def neo4j_relationship_index(rel_type: str, prop: str) -> str:
    return f"CREATE INDEX {rel_type.lower()}_{prop} IF NOT EXISTS FOR ()-[r:{rel_type}]-() ON (r.{prop})"


def falkordb_unique_constraint(graph: str, label: str, prop: str) -> tuple[str, ...]:
    """Arguments of FalkorDB's GRAPH.CONSTRAINT command (uniqueness is not set through Cypher there)."""
    return ("GRAPH.CONSTRAINT", "CREATE", graph, "UNIQUE", "NODE", label, "PROPERTIES", "1", prop)


def neo4j_unique_constraint(label: str, prop: str) -> str:
    return (f"CREATE CONSTRAINT {label.lower()}_{prop}_unique IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE")


def neo4j_index(label: str, prop: str) -> str:
    return f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"


def neo4j_schema() -> list[str]:
    statements = [neo4j_unique_constraint(label, prop) for label, prop in NODE_KEYS.items()]
    statements += [neo4j_index(label, prop) for label, prop in EXTRA_INDEXES]
    statements += [neo4j_relationship_index(rel_type, prop) for rel_type, prop in RELATIONSHIP_INDEXES]
    return statements


# Row fields whose strings the same graph holds many times over: the field a fact was read
# from ("title" or "abstract"), entity spellings, evidence sentences (every relationship one
# sentence gives carries it), result units, splits and names, a paper's source file,
# extractor version, date and categories. FalkorDB would allocate each value once per
# property; interned, one copy serves them all (a fifth of the embedded store's memory on the
# 1,000,000-paper synthetic build, docs/performance.md). Unique strings (ids, titles,
# abstracts, keys) are left alone: interning them would only add the pool's entry.
# Values read back are the same strings, typed String, indexed and compared as before.
FALKORDB_INTERNED_VALUES = frozenset({
    "field", "text", "evidence", "unit", "split", "method_name", "dataset_name", "metric_name",
    "source_file", "extractor_version", "date"})
FALKORDB_INTERNED_LISTS = frozenset({"texts", "roles", "categories"})
_WRITTEN_ROW_VALUE = re.compile(r"(?<=[:=] )row\.(\w+)\b")
_FIRST_WRITE_CLAUSE = re.compile(r"\b(CREATE|SET)\b")


@lru_cache(maxsize=None)
def falkordb_write(cypher: str) -> str:
    """A write statement as the FalkorDB store sends it: the repeated strings it stores
    (``row.NAME`` as a property value after its first CREATE or SET) wrapped in ``intern``.
    What the statement matches on, before that clause, is left as it is."""
    clause = _FIRST_WRITE_CLAUSE.search(cypher)
    if clause is None:
        return cypher

    def interned(value: re.Match[str]) -> str:
        name = value.group(1)
        if name in FALKORDB_INTERNED_VALUES:
            return f"intern(row.{name})"
        if name in FALKORDB_INTERNED_LISTS:
            return f"[s IN row.{name} | intern(s)]"
        return value.group(0)

    head, tail = cypher[:clause.start()], cypher[clause.start():]
    return head + _WRITTEN_ROW_VALUE.sub(interned, tail)


# -- Neo4j ------------------------------------------------------------------------------------

# Run once at open when no database is named, so that every later call names its database
# (saves a home-database lookup per transaction and pins the whole load to one database).
NEO4J_HOME_DATABASE = "CALL db.info() YIELD name RETURN name"

# Index creation returns at once and populates in the background; wait before loading.
NEO4J_AWAIT_INDEXES_SECONDS = 300
NEO4J_AWAIT_INDEXES = f"CALL db.awaitIndexes({NEO4J_AWAIT_INDEXES_SECONDS})"

SCHEMA_FILE_HEADER = """\
// Neo4j 5 schema of the kgbuild graph: a uniqueness constraint (which is also a range
// index) on the key of every node label, and the indexes the query packs filter on.
// Every statement is idempotent (IF NOT EXISTS); `kgbuild schema` and every load run them.
//
// GENERATED from kgbuild.stores.dialect.neo4j_schema() by scripts/write_schema_cypher.py;
// edit that function and run the script, do not edit this file by hand
// (tests/test_cypher_lint.py fails when the two disagree).
//
// To apply it by hand (cypher-shell reads the password from NEO4J_PASSWORD):
//   cypher-shell -a neo4j://localhost:7687 -u neo4j -f cypher/schema.cypher
"""


def neo4j_schema_script() -> str:
    """The text of ``cypher/schema.cypher``: the header, then one statement per line."""
    return SCHEMA_FILE_HEADER + "\n" + "".join(f"{statement};\n" for statement in neo4j_schema())


# What exists already, so that opening a store with everything in place writes nothing (a
# read-only user can query; no schema round trips on every command).
NEO4J_SHOW_CONSTRAINTS = ("SHOW CONSTRAINTS YIELD type, entityType, labelsOrTypes, properties "
                          "RETURN type, entityType, labelsOrTypes, properties")
NEO4J_SHOW_INDEXES = ("SHOW INDEXES YIELD type, entityType, labelsOrTypes, properties "
                      "RETURN type, entityType, labelsOrTypes, properties")


def neo4j_missing_schema(constraints: list[list[object]], indexes: list[list[object]]) -> list[str]:
    """The schema statements whose constraint or index is not among the rows of
    ``NEO4J_SHOW_CONSTRAINTS`` and ``NEO4J_SHOW_INDEXES`` (matched by what they cover, not
    by name: an equivalent one made by hand counts)."""
    def single_node_property(rows: list[list[object]], kinds: tuple[str, ...],
                             entity_type: str = "NODE") -> set[tuple[str, str]]:
        return {(str(labels[0]), str(props[0])) for kind, entity, labels, props in rows
                if entity == entity_type and any(k in str(kind) for k in kinds)
                and isinstance(labels, list) and isinstance(props, list) and len(labels) == len(props) == 1}

    unique = single_node_property(constraints, ("UNIQUENESS",))
    # A uniqueness constraint is backed by a range index, which also serves lookups.
    ranged = single_node_property(indexes, ("RANGE",)) | unique
    missing = [neo4j_unique_constraint(label, prop) for label, prop in NODE_KEYS.items() if (label, prop) not in unique]
    missing += [neo4j_index(label, prop) for label, prop in EXTRA_INDEXES if (label, prop) not in ranged]
    ranged_relationships = single_node_property(indexes, ("RANGE",), "RELATIONSHIP")
    missing += [neo4j_relationship_index(rel_type, prop) for rel_type, prop in RELATIONSHIP_INDEXES
                if (rel_type, prop) not in ranged_relationships]
    return missing


def neo4j_statements() -> list[str]:
    """Every statement only the Neo4j backend sends (the shared ones are in statements.py)."""
    return [*neo4j_schema(), NEO4J_HOME_DATABASE, NEO4J_AWAIT_INDEXES, NEO4J_SHOW_CONSTRAINTS, NEO4J_SHOW_INDEXES]


# -- FalkorDB reached through the Neo4j backend (its Bolt port) ------------------------------

# Succeeds on FalkorDB, fails on Neo4j 5 (no such procedure): the probe that tells them apart.
FALKORDB_INDEXES = "CALL db.indexes() YIELD label, properties RETURN label, properties"


def falkordb_bolt_schema(indexed: set[tuple[str, str]]) -> list[str]:
    """The FalkorDB statements that create the indexes missing from ``indexed``.

    FalkorDB's ``CREATE INDEX`` fails when the index exists, hence the explicit list.
    Uniqueness constraints cannot be created over Bolt (``GRAPH.CONSTRAINT`` is not Cypher).
    """
    statements = [falkordb_index(label, prop) for label, prop in indexed_properties() if (label, prop) not in indexed]
    statements += [falkordb_relationship_index(rel_type, prop) for rel_type, prop in RELATIONSHIP_INDEXES
                   if (rel_type, prop) not in indexed]
    return statements
