// Code: which papers propose a method, and where its code lives.

// name: method-papers
// description: Papers proposing a method, oldest first (undated last), with their code repositories and the words that name the method.
// params: method (string), limit (int, 25)
// example: kgbuild query method-papers --param method=CSPNet
WITH replace(replace(replace(replace(toLower($method), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (m:Method)
WHERE m.key = wanted OR wanted IN m.lookup
MATCH (p:Paper)-[pr:PROPOSES]->(m)
OPTIONAL MATCH (p)-[:HAS_CODE]->(r:Repo)
WITH m, p, pr, r
ORDER BY r.key
WITH m, p, pr, collect(DISTINCT r.name) AS repos
RETURN m.name AS method, p.id AS paper_id, p.title AS title, p.date AS date, repos, pr.evidence AS evidence
ORDER BY coalesce(date, '9999'), paper_id, m.key
LIMIT $limit

// name: methods-with-code
// description: Methods whose proposing paper links a code repository, with the repositories; give dataset to keep only methods evaluated on it.
// params: dataset (string, null), limit (int, 50)
// example: kgbuild query methods-with-code --param dataset=COCO
WITH replace(replace(replace(replace(toLower($dataset), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
OPTIONAL MATCH (target:Dataset)
WHERE target.key = wanted OR wanted IN target.lookup
WITH wanted, collect(target) AS targets
MATCH (p:Paper)-[:HAS_CODE]->(r:Repo)
MATCH (p)-[:PROPOSES]->(m:Method)
OPTIONAL MATCH (m)-[:EVALUATED_ON]->(d:Dataset)
WHERE wanted IS NOT NULL AND d IN targets
WITH wanted, m, p, r, count(d) AS on_dataset
WHERE wanted IS NULL OR on_dataset > 0
WITH m, p, r
ORDER BY r.key
WITH m, count(DISTINCT p) AS papers, collect(DISTINCT r.name) AS repos
RETURN m.name AS method, repos, size(repos) AS repositories, papers
ORDER BY repositories DESC, papers DESC, method, m.key
LIMIT $limit
