// Questions about what was evaluated where.
// Names are matched ignoring case, spaces, hyphens, underscores and dots, against every
// spelling a paper used ("dota", "MS COCO", "ImageNet-1k").

// name: backbones-evaluated-on
// description: Which backbones were evaluated on a dataset: methods that a paper uses or presents as a backbone, where that paper evaluates on the dataset or the method itself is evaluated on it.
// params: dataset (string), limit (int, 25)
// example: kgbuild query backbones-evaluated-on --param dataset=DOTA
WITH replace(replace(replace(replace(toLower($dataset), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (d:Dataset)
WHERE d.key = wanted OR wanted IN d.lookup
MATCH (p:Paper)-[:USES_BACKBONE]->(m:Method)
MATCH (p)-[:MENTIONS]->(d)
WHERE (m)-[:EVALUATED_ON]->(d) OR (p)-[:PROPOSES]->(:Method)-[:EVALUATED_ON]->(d)
RETURN m.name AS backbone, d.name AS dataset, count(DISTINCT p) AS papers,
       collect(DISTINCT p.title)[0..3] AS example_papers
ORDER BY papers DESC, backbone
LIMIT $limit

// name: methods-evaluated-on
// description: Every method evaluated on a dataset, with the number of papers that say so and one evidence sentence.
// params: dataset (string), limit (int, 50)
// example: kgbuild query methods-evaluated-on --param dataset=COCO
WITH replace(replace(replace(replace(toLower($dataset), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (d:Dataset)
WHERE d.key = wanted OR wanted IN d.lookup
MATCH (m:Method)-[e:EVALUATED_ON]->(d)
WITH m, d, e ORDER BY e.paper
RETURN m.name AS method, d.name AS dataset, count(e) AS papers, collect(e.evidence)[0] AS evidence
ORDER BY papers DESC, method
LIMIT $limit

// name: leaderboard
// description: Best reported value per method on a dataset for a metric, with the paper and the sentence that reports it. Higher is taken as better unless lower_is_better is true.
// params: dataset (string), metric (string), lower_is_better (bool, false), limit (int, 20)
// example: kgbuild query leaderboard --param dataset=COCO --param metric="box AP"
WITH replace(replace(replace(replace(toLower($dataset), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted_dataset,
     replace(replace(replace(replace(toLower($metric), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted_metric
MATCH (d:Dataset)
WHERE d.key = wanted_dataset OR wanted_dataset IN d.lookup
MATCH (x:Metric)
WHERE x.key = wanted_metric OR wanted_metric IN x.lookup
MATCH (m:Method)<-[:OF_METHOD]-(r:Result)-[:ON_DATASET]->(d)
MATCH (r)-[:MEASURED_BY]->(x)
MATCH (p:Paper)-[:REPORTS]->(r)
WITH m, d, x, r, p
ORDER BY CASE WHEN $lower_is_better THEN r.value ELSE -r.value END, p.id
WITH m, d, x, collect({value: r.value, unit: r.unit, split: r.split, paper: p.title, evidence: r.evidence})[0] AS best
RETURN m.name AS method, best.value AS value, best.unit AS unit, best.split AS split, x.name AS metric,
       d.name AS dataset, best.paper AS paper, best.evidence AS evidence
ORDER BY CASE WHEN $lower_is_better THEN value ELSE -value END, method
LIMIT $limit
