// Curation: what the graph holds on thin evidence, for a person to check.

// name: low-evidence-entities
// description: Entities mentioned by at most max_papers papers and taking part in at most max_facts facts (proposed, backbone, code, evaluations, results): likely noise or orphans for curation. type keeps one kind (Method, Dataset, Metric, Task, Repo).
// params: max_papers (int, 1), max_facts (int, 0), type (string, null), limit (int, 50)
// example: kgbuild query low-evidence-entities --param type=Method --param max_facts=1
MATCH (e)
WHERE (e:Method OR e:Dataset OR e:Metric OR e:Task OR e:Repo)
  AND ($type IS NULL OR toLower(labels(e)[0]) = toLower($type))
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(e)
WITH e, count(p) AS papers
WHERE papers <= $max_papers
OPTIONAL MATCH (e)-[f:PROPOSES|USES_BACKBONE|HAS_CODE|EVALUATED_ON|OF_METHOD|ON_DATASET|MEASURED_BY]-()
WITH e, papers, count(f) AS facts
WHERE facts <= $max_facts
RETURN labels(e)[0] AS type, e.key AS key, e.name AS name, papers, facts, e.aliases AS aliases
ORDER BY papers, facts, type, key
LIMIT $limit

// name: incomplete-results
// description: Reported results that lack a method or a dataset, with the sentence they were read from, for curation.
// params: limit (int, 50)
// example: kgbuild query incomplete-results
MATCH (r:Result)
OPTIONAL MATCH (r)-[:OF_METHOD]->(m:Method)
OPTIONAL MATCH (r)-[:ON_DATASET]->(d:Dataset)
WITH r, m, d
WHERE m IS NULL OR d IS NULL
MATCH (p:Paper)-[:REPORTS]->(r)
RETURN p.id AS paper, r.method AS method, r.dataset AS dataset, r.metric AS metric, r.value AS value,
       r.unit AS unit, r.split AS split, r.evidence AS evidence
ORDER BY paper, metric, value, r.id
LIMIT $limit
