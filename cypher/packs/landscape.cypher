// The field as a whole: what is used most, what goes together, what is new.

// name: most-used-backbones
// description: The backbones used by the most papers overall, with up to three example titles.
// params: limit (int, 25)
// example: kgbuild query most-used-backbones --param limit=10
MATCH (p:Paper)-[:USES_BACKBONE]->(m:Method)
WITH m, count(DISTINCT p) AS papers
ORDER BY papers DESC, m.name, m.key
LIMIT $limit
MATCH (p:Paper)-[:USES_BACKBONE]->(m)
WITH m, papers, p
ORDER BY p.title, p.id
WITH m, papers, collect(p.title)[0..3] AS example_papers
RETURN m.name AS backbone, papers, example_papers
ORDER BY papers DESC, backbone, m.key

// name: top-datasets
// description: The datasets evaluated on by the most papers, with how many distinct methods were evaluated on each.
// params: limit (int, 25)
// example: kgbuild query top-datasets --param limit=10
MATCH (m:Method)-[e:EVALUATED_ON]->(d:Dataset)
WITH d, count(DISTINCT e.paper) AS papers, count(DISTINCT m) AS methods
RETURN d.name AS dataset, papers, methods
ORDER BY papers DESC, methods DESC, dataset, d.key
LIMIT $limit

// name: co-evaluated-datasets
// description: Pairs of datasets most often evaluated on together in one paper; give dataset to see only the pairs that include it.
// params: dataset (string, null), limit (int, 25)
// example: kgbuild query co-evaluated-datasets --param dataset=COCO
WITH replace(replace(replace(replace(toLower($dataset), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (:Method)-[e:EVALUATED_ON]->(d:Dataset)
WITH wanted, e.paper AS paper, collect(DISTINCT d) AS datasets
WHERE size(datasets) > 1
UNWIND datasets AS a
UNWIND datasets AS b
WITH wanted, paper, a, b
WHERE a.key < b.key
  AND (wanted IS NULL OR a.key = wanted OR wanted IN a.lookup OR b.key = wanted OR wanted IN b.lookup)
WITH a, b, count(DISTINCT paper) AS papers
RETURN a.name AS dataset_a, b.name AS dataset_b, papers
ORDER BY papers DESC, dataset_a, dataset_b, a.key, b.key
LIMIT $limit

// name: new-methods
// description: Methods first proposed on or after a date (papers without a date do not count as proposing on a date), and/or proposed by papers from a slice of the corpus (source file path containing source). Each with the date and paper of its first proposal.
// params: since (date, null), source (string, null), limit (int, 50)
// example: kgbuild query new-methods --param since=2024-01-01
MATCH (p:Paper)-[:PROPOSES]->(m:Method)
WHERE ($since IS NULL OR p.date >= $since) AND ($source IS NULL OR p.source_file CONTAINS $source)
WITH DISTINCT m
MATCH (q:Paper)-[:PROPOSES]->(m)
WITH m, q
ORDER BY coalesce(q.date, '9999'), q.id
WITH m, min(q.date) AS first_proposed, count(q) AS papers, collect(q)[0] AS first
WHERE $since IS NULL OR first_proposed >= $since
RETURN m.name AS method, first_proposed, first.title AS paper, first.id AS paper_id,
       first.source_file AS source_file, papers
ORDER BY coalesce(first_proposed, '') DESC, method, m.key
LIMIT $limit
