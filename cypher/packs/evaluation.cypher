// Questions about what was evaluated where, and how well.
// Names are matched ignoring case, spaces, hyphens, underscores and dots, against every
// spelling a paper used ("dota", "MS COCO", "ImageNet-1k"); kgbuild also maps a name the
// lexicon knows to its canonical key before running ("Microsoft COCO" -> COCO).

// name: backbones-evaluated-on
// description: Which backbones were evaluated on a dataset: methods a paper uses or presents as a backbone, where that same paper evaluates on the dataset; with the number of such papers and the first of their titles in alphabetical order.
// params: dataset (string), limit (int, 25)
// example: kgbuild query backbones-evaluated-on --param dataset=DOTA
WITH replace(replace(replace(replace(toLower($dataset), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (d:Dataset)
WHERE d.key = wanted OR wanted IN d.lookup
MATCH (p:Paper)-[mention:MENTIONS]->(d)
WHERE mention.evaluated
MATCH (p)-[:USES_BACKBONE]->(m:Method)
// one row per paper and backbone (one MENTIONS per paper and dataset): count() needs no DISTINCT
WITH m, d, count(p) AS papers, min(p.title) AS example_paper
RETURN m.name AS backbone, d.name AS dataset, papers, example_paper
ORDER BY papers DESC, backbone, m.key, d.key
LIMIT $limit

// name: methods-evaluated-on
// description: Every method evaluated on a dataset, with the number of papers that say so and one evidence sentence (from the first such paper by id).
// params: dataset (string), limit (int, 50)
// example: kgbuild query methods-evaluated-on --param dataset=COCO
WITH replace(replace(replace(replace(toLower($dataset), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (d:Dataset)
WHERE d.key = wanted OR wanted IN d.lookup
MATCH (m:Method)-[summary:EVALUATION_SUMMARY]->(d)
WITH m, d, summary.papers AS papers, summary.first_paper AS first_paper
ORDER BY papers DESC, m.name, m.key, d.key
LIMIT $limit
MATCH (m)-[first:EVALUATED_ON {paper: first_paper}]->(d)
RETURN m.name AS method, d.name AS dataset, papers, first.evidence AS evidence
ORDER BY papers DESC, method, m.key, d.key

// name: leaderboard
// description: Best reported value per method on a dataset for a metric, with the paper and the sentence that reports it. Higher is better unless lower_is_better is true; split (e.g. test-dev, val) keeps only results on that split. Ties go to the paper with the smaller id.
// params: dataset (string), metric (string), split (string, null), lower_is_better (bool, false), limit (int, 20)
// example: kgbuild query leaderboard --param dataset=COCO --param metric=AP
WITH replace(replace(replace(replace(toLower($dataset), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted_dataset,
     replace(replace(replace(replace(toLower($metric), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted_metric
MATCH (d:Dataset)
WHERE d.key = wanted_dataset OR wanted_dataset IN d.lookup
WITH d, wanted_metric
MATCH (x:Metric)
WHERE x.key = wanted_metric OR wanted_metric IN x.lookup
WITH d, x
MATCH (r:Result)-[:ON_DATASET]->(d)
WHERE (r)-[:MEASURED_BY]->(x) AND ($split IS NULL OR toLower(r.split) = toLower($split))
MATCH (r)-[:OF_METHOD]->(m:Method)
MATCH (p:Paper)-[:REPORTS]->(r)
WITH m, d, x, r, p
ORDER BY CASE WHEN $lower_is_better THEN r.value ELSE -r.value END, p.id, r.id
WITH m, d, x, collect({value: r.value, unit: r.unit, split: r.split, paper: p.title, paper_id: p.id,
                       evidence: r.evidence})[0] AS best
RETURN m.name AS method, best.value AS value, best.unit AS unit, best.split AS split, x.name AS metric,
       d.name AS dataset, best.paper AS paper, best.paper_id AS paper_id, best.evidence AS evidence
ORDER BY CASE WHEN $lower_is_better THEN value ELSE -value END, method, m.key, d.key, x.key
LIMIT $limit

// name: metrics-for-dataset
// description: Metrics reported for a dataset: how many papers and results use each, how many methods (by name) they cover, and the range of reported values.
// params: dataset (string), limit (int, 25)
// example: kgbuild query metrics-for-dataset --param dataset=COCO
WITH replace(replace(replace(replace(toLower($dataset), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (d:Dataset)
WHERE d.key = wanted OR wanted IN d.lookup
MATCH (r:Result)-[:ON_DATASET]->(d)
MATCH (r)-[:MEASURED_BY]->(x:Metric)
// one row per result (each has one dataset and one metric): count(r) needs no DISTINCT; the
// method is read from the result's own copy of its name, not through OF_METHOD
WITH x, d, count(DISTINCT r.paper) AS papers, count(r) AS results, count(DISTINCT r.method) AS methods,
     min(r.value) AS lowest, max(r.value) AS highest
RETURN x.name AS metric, d.name AS dataset, papers, results, methods, lowest, highest
ORDER BY papers DESC, results DESC, metric, x.key, d.key
LIMIT $limit

// name: methods-compared-with
// description: Methods compared with a method on the same datasets: every other method evaluated on a dataset the method was evaluated on, with the shared datasets and how many papers mention both.
// params: method (string), limit (int, 25)
// example: kgbuild query methods-compared-with --param method=PVT
WITH replace(replace(replace(replace(toLower($method), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (m:Method)
WHERE m.key = wanted OR wanted IN m.lookup
MATCH (m)-[:EVALUATED_ON]->(d:Dataset)
WITH DISTINCT m, d
MATCH (d)<-[:EVALUATED_ON]-(other:Method)
WHERE other.key <> m.key
WITH DISTINCT m, d, other
ORDER BY d.name, d.key
WITH m, other, collect(d.name) AS shared_datasets
WITH m, other, shared_datasets, size(shared_datasets) AS datasets
ORDER BY datasets DESC, other.name, other.key, m.key
LIMIT $limit
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(m)
WHERE (p)-[:MENTIONS]->(other)
WITH m, other, shared_datasets, datasets, count(p) AS papers_with_both
RETURN m.name AS method, other.name AS compared_with, shared_datasets, datasets, papers_with_both
ORDER BY datasets DESC, compared_with, other.key, m.key
