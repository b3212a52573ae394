// Lint Cypher statements as Neo4j 5 Cypher (syntax and semantics) with Neo4j's own
// language support, offline. Used by tests/test_cypher_lint.py.
//
// stdin:  a JSON list of statements, each a string or {"id", "cypher", "parameters"}
//         (parameters: name -> example value; a $param not declared is an error), or an
//         object {"statements": [...], "labels": [...], "relationshipTypes": [...]}; labels
//         and relationship types not listed there are reported as warnings.
// stdout: a JSON list, one entry per statement, in order:
//         {"id", "diagnostics": [{"severity": "error"|"warning"|"information"|"hint",
//                                  "message", "line", "column"}]}
//
// Functions and procedures are checked against the built-in ones of Neo4j 5 (the registry
// the package ships, dumped from a Neo4j server, minus APOC, GDS and CDC), so an unknown or
// deprecated function is reported as well.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The package's ESM build imports files without extensions, which Node cannot load: use CJS.
const require = createRequire(import.meta.url);
const { lintCypherQuery, testData } = require('@neo4j-cypher/language-support');

const CYPHER_VERSION = 'CYPHER 5';
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const CORE_PROCEDURE_NAMESPACES = ['db.', 'dbms.', 'tx.'];

function builtIns() {
  const mock = testData.mockSchema;
  const functions = Object.fromEntries(
    Object.entries(mock.functions[CYPHER_VERSION]).filter(([, fn]) => fn.isBuiltIn),
  );
  const procedures = Object.fromEntries(
    Object.entries(mock.procedures[CYPHER_VERSION]).filter(([name]) =>
      CORE_PROCEDURE_NAMESPACES.some((ns) => name.startsWith(ns)),
    ),
  );
  return { functions: { [CYPHER_VERSION]: functions }, procedures: { [CYPHER_VERSION]: procedures } };
}

function main() {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const envelope = Array.isArray(input) ? { statements: input } : input;
  const registry = builtIns();
  const report = envelope.statements.map((item, index) => {
    const statement = typeof item === 'string' ? { cypher: item } : item;
    const schema = {
      ...registry,
      defaultLanguage: CYPHER_VERSION,
      parameters: statement.parameters ?? {},
      labels: envelope.labels,
      relationshipTypes: envelope.relationshipTypes,
    };
    const diagnostics = lintCypherQuery(statement.cypher, schema).map((d) => ({
      severity: SEVERITY[d.severity] ?? String(d.severity),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    }));
    return { id: statement.id ?? String(index), diagnostics };
  });
  process.stdout.write(JSON.stringify(report));
}

main();
