"""Every place FalkorDB's Cypher and Neo4j's differ, kept together on purpose.

- Schema: Neo4j 5 has ``CREATE CONSTRAINT ... REQUIRE n.p IS UNIQUE`` (which also indexes);
  FalkorDB needs ``CREATE INDEX FOR (n:L) ON (n.p)`` and then ``GRAPH.CONSTRAINT CREATE``.
- Existential subqueries: FalkorDB does not parse ``EXISTS { ... }``; both accept pattern
  predicates such as ``WHERE (m)-[:EVALUATED_ON]->(:Dataset {key: $d})``, so queries use those.
- Read-only execution: FalkorDB has ``GRAPH.RO_QUERY``; Neo4j uses read transactions.
- Full-text search procedures differ (``db.idx.fulltext.*`` vs ``db.index.fulltext.*``);
  the query packs use neither.
"""

from __future__ import annotations

from kgbuild.stores.statements import NODE_KEYS

# Properties that query packs filter or sort on, beyond the node keys.
EXTRA_INDEXES: tuple[tuple[str, str], ...] = (
    ("Paper", "date"),
    ("Result", "paper"),
)


def indexed_properties() -> list[tuple[str, str]]:
    """(label, property) pairs that get an index: node keys first, then query filters."""
    return list(NODE_KEYS.items()) + list(EXTRA_INDEXES)


def falkordb_index(label: str, prop: str) -> str:
    return f"CREATE INDEX FOR (n:{label}) ON (n.{prop})"


def falkordb_unique_constraint(graph: str, label: str, prop: str) -> tuple[str, ...]:
    """Arguments of FalkorDB's GRAPH.CONSTRAINT command (uniqueness is not set through Cypher there)."""
    return ("GRAPH.CONSTRAINT", "CREATE", graph, "UNIQUE", "NODE", label, "PROPERTIES", "1", prop)


def neo4j_schema() -> list[str]:
    statements = [
        f"CREATE CONSTRAINT {label.lower()}_{prop}_unique IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
        for label, prop in NODE_KEYS.items()
    ]
    statements += [
        f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
        for label, prop in EXTRA_INDEXES
    ]
    return statements
