"""Every statement the Neo4j backend sends is Neo4j 5 Cypher, as Neo4j's own tooling reads it.

The linter is ``@neo4j-cypher/language-support`` (Neo4j's parser and semantic analysis, the
ones behind its editors), run offline by the small node project in tests/cypher_lint. It
checks syntax, semantics (undefined variables, types, removed syntax), undeclared
parameters, unknown or deprecated functions and procedures, and labels or relationship types
outside kgbuild's model.

Errors fail. Warnings fail too: what it warns about is a deprecation (the statement stops
working in a later Neo4j) or a label/relationship type kgbuild never writes (a typo that
matches nothing); an exception would have to be listed, with its reason, in ALLOWED_WARNINGS.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kgbuild.queries import load_packs
from kgbuild.serve.reader import site_queries
from kgbuild.stores import dialect
from kgbuild.stores import statements as st

LINT_DIR = Path(__file__).parent / "cypher_lint"
SCHEMA_FILE = Path(__file__).parent.parent / "cypher" / "schema.cypher"
# (statement id, message start) -> why the warning is acceptable. Empty on purpose.
ALLOWED_WARNINGS: dict[tuple[str, str], str] = {}
# The parameters CypherStore passes (rows/ids/keys: _write_rows; run: record_run; limit: runs).
STORE_PARAMETERS = {"rows": [], "ids": [], "keys": [], "run": {}, "limit": 20}
EXAMPLE_VALUES = {"string": "DOTA", "int": 10, "float": 1.5, "bool": False, "date": "2024-01-01"}
CANARY = "kgbuild_lint_canary"


# Known-bad statements: they show the lint is live, and what each of its checks reports.
BAD = {
    "syntax": ("MATCH (n:Paper RETURN n", "error", "Invalid input"),
    "variable": ("MATCH (n:Paper) RETURN m", "error", "Variable `m` not defined"),
    "parameter": ("MATCH (n:Paper {id: $paper}) RETURN n", "error", "Parameter $paper is not defined"),
    "function": ("RETURN toLowr('x')", "error", "Function toLowr is not present"),
    "procedure": ("CALL db.indexes() YIELD label, properties RETURN label, properties", "error",
                  "Procedure db.indexes is not present"),
    "neo4j-4-schema": ("CREATE CONSTRAINT ON (n:Paper) ASSERT n.id IS UNIQUE", "error", "Invalid constraint syntax"),
    "deprecated": ("MATCH (n:Paper) RETURN id(n)", "warning", "Function id is deprecated"),
    "label": ("MATCH (n:Papr) RETURN n", "warning", "Label Papr is not present"),
    "relationship": ("MATCH (:Paper)-[:MENTION]->(m) RETURN m", "warning", "Relationship type MENTION is not present"),
}


def store_statements() -> list[dict]:
    statements = [{"id": f"statements.py #{i}: {s.strip().splitlines()[-1][:60]}", "cypher": s,
                   "parameters": STORE_PARAMETERS} for i, s in enumerate(st.all_write_statements())]
    return statements + [{"id": f"dialect.py: {s[:60]}", "cypher": s, "parameters": {}}
                         for s in dialect.neo4j_statements() if not s.startswith("CREATE ")]


def pack_statements() -> list[dict]:
    return [{"id": f"pack {q.pack}: {name}", "cypher": q.cypher,
             "parameters": {p.name: EXAMPLE_VALUES[p.type] for p in q.params}}
            for name, q in load_packs().items()]


def site_statements() -> list[dict]:
    """The web explorer's own queries (kgbuild/serve/site.cypher), which Neo4j runs too."""
    return [{"id": f"site: {name}", "cypher": q.cypher,
             "parameters": {p.name: EXAMPLE_VALUES[p.type] for p in q.params}}
            for name, q in site_queries().items()]


def schema_file_statements() -> list[dict]:
    lines = [line for line in SCHEMA_FILE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("//")]
    return [{"id": f"schema.cypher: {s.strip()}", "cypher": s.strip(), "parameters": {}}
            for s in "\n".join(lines).split(";") if s.strip()]


_NAMES = re.compile(r"\b(" + "|".join(sorted({*st.NODE_KEYS, *st.BOOKKEEPING_LABELS, *st.RELATIONSHIP_TYPES},
                                              key=len, reverse=True)) + r")\b")


def with_canary(statement: dict) -> dict:
    """The statement behind a clause using an undefined variable: the semantic analysis must
    report it, which shows that it ran on this statement (the package skips it silently if it
    throws). Schema commands cannot follow a clause, so they get none."""
    return {**statement, "id": statement["id"] + " +canary",
            "cypher": f"WITH {CANARY} AS {CANARY}_0\n{statement['cypher'].strip()}"}


def canaries_for(statements: list[dict]) -> list[dict]:
    """One canary per shape of statement (those made per label differ only in the label);
    none for schema commands and SHOW, which cannot follow another clause."""
    seen: set[str] = set()
    chosen = []
    for statement in statements:
        shape = _NAMES.sub("X", statement["cypher"])
        if shape not in seen and not statement["cypher"].lstrip().startswith(("CREATE ", "SHOW ")):
            seen.add(shape)
            chosen.append(with_canary(statement))
    return chosen


@pytest.fixture(scope="session")
def linted() -> dict[str, list[dict]]:
    """Diagnostics of every statement the tests look at, from one run of the linter (it loads
    Neo4j's whole front end, ~1 s, then takes ~0.1 s a statement). Installs it on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        message = "the Cypher lint needs node and npm (install Node.js >= 18.18)"
        if os.environ.get("CI"):
            pytest.fail(message + "; they are required in CI")
        pytest.skip(message)
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        done = subprocess.run([npm, "ci", "--prefix", str(LINT_DIR), "--no-audit", "--no-fund"],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.fail(f"npm ci --prefix {LINT_DIR} failed:\n{done.stdout}\n{done.stderr}")
    real = store_statements() + pack_statements() + site_statements() + schema_file_statements()
    statements = ([{"id": f"bad: {name}", "cypher": cypher, "parameters": {}} for name, (cypher, _, _) in BAD.items()]
                  + [with_canary({"id": "bad: canary", "cypher": "MATCH (n:Paper) RETURN n", "parameters": {}})]
                  + real + canaries_for(real))
    ids = [s["id"] for s in statements]
    assert len(ids) == len(set(ids)), "statement ids must be unique"
    # Two processes, one per core.
    halves = [statements[::2], statements[1::2]]
    processes = [subprocess.Popen([node, str(LINT_DIR / "lint.mjs")], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in halves]
    report: list[dict] = []
    for process, half in zip(processes, halves, strict=True):
        envelope = {"statements": half, "labels": sorted({*st.NODE_KEYS, *st.BOOKKEEPING_LABELS}),
                    "relationshipTypes": sorted(st.RELATIONSHIP_TYPES)}
        out, err = process.communicate(json.dumps(envelope), timeout=300)
        assert process.returncode == 0, f"lint.mjs failed:\n{err}"
        part = json.loads(out)
        assert [r["id"] for r in part] == [s["id"] for s in half]
        report += part
    return {r["id"]: r["diagnostics"] for r in report}


def _check(linted: dict[str, list[dict]], statements: list[dict]) -> None:
    problems: list[str] = []
    warnings: list[str] = []
    for statement in statements:
        for diagnostic in linted[statement["id"]]:
            line = f"{statement['id']}:{diagnostic['line']}:{diagnostic['column']}: " \
                   f"{diagnostic['severity']}: {diagnostic['message']}"
            if diagnostic["severity"] == "error":
                problems.append(line)
            elif diagnostic["severity"] == "warning":
                warnings.append(line)
                if not any(statement["id"] == sid and diagnostic["message"].startswith(start)
                           for sid, start in ALLOWED_WARNINGS):
                    problems.append(line)
    for canary in canaries_for(statements):
        if not any(CANARY in d["message"] for d in linted[canary["id"]]):
            problems.append(f"{canary['id']}: the semantic analysis did not run on it "
                            f"(an undefined variable went unreported)")
    listed = "\n".join(problems) + ("\nwarnings:\n" + "\n".join(warnings) if warnings else "")
    assert not problems, f"not valid Neo4j 5 Cypher:\n{listed}"


def test_the_linter_finds_real_mistakes(linted):
    for name, (_, severity, start) in BAD.items():
        found = linted[f"bad: {name}"]
        assert any(d["severity"] == severity and d["message"].startswith(start) for d in found), (name, found)
    assert any(CANARY in d["message"] for d in linted["bad: canary +canary"])


def test_store_statements_are_neo4j_5_cypher(linted):
    statements = store_statements()
    assert len(statements) > 40
    _check(linted, statements)


def test_query_packs_are_neo4j_5_cypher(linted):
    statements = pack_statements()
    assert statements
    _check(linted, statements)


def test_site_queries_are_neo4j_5_cypher(linted):
    statements = site_statements()
    assert len(statements) > 20
    _check(linted, statements)


def test_schema_file_is_generated_from_the_dialect():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == dialect.neo4j_schema_script(), \
        "cypher/schema.cypher is stale: run python scripts/write_schema_cypher.py"


def test_schema_file_is_neo4j_5_cypher(linted):
    statements = schema_file_statements()
    assert [s["cypher"] for s in statements] == dialect.neo4j_schema()
    _check(linted, statements)
    # Every node key is constrained.
    constrained = {(s.split("(n:")[1].split(")")[0], s.split("REQUIRE n.")[1].split()[0])
                   for s in dialect.neo4j_schema() if "CONSTRAINT" in s}
    assert constrained == set(st.NODE_KEYS.items())
