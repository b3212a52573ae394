// The web explorer's own queries (kgbuild serve). Same format as the query packs: every value
// arrives as a parameter. An entity of a type known only at run time is found through one
// indexed OPTIONAL MATCH per label, of which only the one whose label $type names can match:
// labels cannot be parameters, and a MATCH without a label would scan every node.

// name: site-counts
// description: Nodes by label, in one query so that the figures come from one graph (one count per label: the stores answer those from their label indexes, where grouping all nodes would read them all).
// params: none
MATCH (n:Paper) RETURN 'Paper' AS label, count(n) AS nodes
UNION ALL
MATCH (n:Method) RETURN 'Method' AS label, count(n) AS nodes
UNION ALL
MATCH (n:Dataset) RETURN 'Dataset' AS label, count(n) AS nodes
UNION ALL
MATCH (n:Metric) RETURN 'Metric' AS label, count(n) AS nodes
UNION ALL
MATCH (n:Task) RETURN 'Task' AS label, count(n) AS nodes
UNION ALL
MATCH (n:Repo) RETURN 'Repo' AS label, count(n) AS nodes
UNION ALL
MATCH (n:Result) RETURN 'Result' AS label, count(n) AS nodes

// name: site-top-datasets
// description: The datasets the most papers evaluate on.
// params: limit (int, 10)
MATCH (p:Paper)-[mention:MENTIONS]->(d:Dataset)
WHERE mention.evaluated
WITH d, count(p) AS papers
ORDER BY papers DESC, d.name, d.key
LIMIT $limit
RETURN d.key AS dataset_key, d.name AS dataset, papers

// name: site-top-backbones
// description: The backbones the most papers use.
// params: limit (int, 10)
MATCH (p:Paper)-[:USES_BACKBONE]->(m:Method)
WITH m, count(p) AS papers
ORDER BY papers DESC, m.name, m.key
LIMIT $limit
RETURN m.key AS backbone_key, m.name AS backbone, papers

// name: site-runs
// description: The latest recorded rebuilds.
// params: limit (int, 5)
MATCH (r:BuildRun)
RETURN r.started AS started, r.outcome AS outcome, r.papers_added AS added, r.papers_changed AS changed,
       r.papers_removed AS removed, r.papers_rejected AS rejected, r.seconds AS seconds
ORDER BY started DESC, r.id DESC
LIMIT $limit

// name: site-search-entities
// description: Entities whose key is the lexicon's key for the text, or whose lookup forms hold its normalised form.
// params: lookup (string), method_key (string), dataset_key (string), metric_key (string), task_key (string), repo_key (string), limit (int, 50)
WITH $lookup AS wanted, $method_key AS method_key, $dataset_key AS dataset_key, $metric_key AS metric_key,
     $task_key AS task_key, $repo_key AS repo_key
OPTIONAL MATCH (m:Method)
WHERE m.key = method_key OR wanted IN m.lookup
WITH wanted, dataset_key, metric_key, task_key, repo_key, collect(m) AS methods
OPTIONAL MATCH (d:Dataset)
WHERE d.key = dataset_key OR wanted IN d.lookup
WITH wanted, metric_key, task_key, repo_key, methods, collect(d) AS datasets
OPTIONAL MATCH (x:Metric)
WHERE x.key = metric_key OR wanted IN x.lookup
WITH wanted, task_key, repo_key, methods, datasets, collect(x) AS metrics
OPTIONAL MATCH (t:Task)
WHERE t.key = task_key OR wanted IN t.lookup
WITH wanted, repo_key, methods, datasets, metrics, collect(t) AS tasks
OPTIONAL MATCH (g:Repo)
WHERE g.key = repo_key OR wanted IN g.lookup
WITH methods, datasets, metrics, tasks, collect(g) AS repos
WITH methods + datasets + metrics + tasks + repos AS found
UNWIND found AS e
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(e)
WITH e, count(p) AS papers
RETURN labels(e)[0] AS type, e.key AS key, e.name AS name, e.aliases AS aliases, papers
ORDER BY papers DESC, type, key
LIMIT $limit

// name: site-search-papers
// description: Papers whose id or exact title is the text.
// params: text (string)
MATCH (p:Paper {id: $text})
RETURN p.id AS paper_id, p.title AS title, p.date AS date
UNION
MATCH (p:Paper {title: $text})
RETURN p.id AS paper_id, p.title AS title, p.date AS date

// name: site-entity
// description: One entity with its aliases and how many papers mention it.
// params: type (string), key (string)
OPTIONAL MATCH (m:Method {key: $key}) WHERE $type = 'Method'
OPTIONAL MATCH (d:Dataset {key: $key}) WHERE $type = 'Dataset'
OPTIONAL MATCH (x:Metric {key: $key}) WHERE $type = 'Metric'
OPTIONAL MATCH (t:Task {key: $key}) WHERE $type = 'Task'
OPTIONAL MATCH (g:Repo {key: $key}) WHERE $type = 'Repo'
WITH coalesce(m, d, x, t, g) AS e
WHERE e IS NOT NULL
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(e)
WITH e, count(p) AS papers
RETURN e.key AS key, e.name AS name, e.aliases AS aliases, e.url AS url, papers

// name: site-entity-papers
// description: Papers that mention an entity, newest first (undated last), with the first mention's place and the text it is in.
// params: type (string), key (string), skip (int, 0), limit (int, 25)
OPTIONAL MATCH (m:Method {key: $key}) WHERE $type = 'Method'
OPTIONAL MATCH (d:Dataset {key: $key}) WHERE $type = 'Dataset'
OPTIONAL MATCH (x:Metric {key: $key}) WHERE $type = 'Metric'
OPTIONAL MATCH (t:Task {key: $key}) WHERE $type = 'Task'
OPTIONAL MATCH (g:Repo {key: $key}) WHERE $type = 'Repo'
WITH coalesce(m, d, x, t, g) AS e
WHERE e IS NOT NULL
MATCH (p:Paper)-[mention:MENTIONS]->(e)
WITH p, mention
ORDER BY coalesce(p.date, '') DESC, p.id
SKIP $skip
LIMIT $limit
RETURN p.id AS paper_id, p.title AS title, p.date AS date, mention.field AS field, mention.start AS start,
       mention.end AS end, mention.roles AS roles, mention.proposed AS proposed, mention.evaluated AS evaluated,
       CASE mention.field WHEN 'title' THEN p.title ELSE p.abstract END AS text

// name: site-dataset-leaderboard
// description: The best results reported on a dataset for each metric and split (up to per_board of each), highest value first.
// params: key (string), per_board (int, 10), limit (int, 400)
MATCH (:Dataset {key: $key})<-[:ON_DATASET]-(r:Result)-[:MEASURED_BY]->(x:Metric)
WITH x, coalesce(r.split, '') AS board, r
ORDER BY r.value DESC, r.paper, r.start
WITH x, board, collect(r)[0..$per_board] AS best
UNWIND best AS r
MATCH (p:Paper)-[:REPORTS]->(r)
OPTIONAL MATCH (r)-[:OF_METHOD]->(m:Method)
RETURN x.key AS metric_key, x.name AS metric, r.split AS split, r.value AS value, r.unit AS unit,
       m.key AS method_key, coalesce(m.name, r.method) AS method, p.id AS paper_id, p.title AS title,
       r.field AS field, r.start AS start, r.end AS end, r.evidence AS evidence
ORDER BY metric, metric_key, board, value DESC, paper_id, start
LIMIT $limit

// name: site-dataset-methods
// description: Methods evaluated on a dataset, with how many papers say so and the first of them.
// params: key (string), limit (int, 25)
MATCH (m:Method)-[summary:EVALUATION_SUMMARY]->(:Dataset {key: $key})
RETURN m.key AS method_key, m.name AS method, summary.papers AS papers, summary.first_paper AS paper_id
ORDER BY papers DESC, method, method_key
LIMIT $limit

// name: site-dataset-backbones
// description: Backbones used by papers that evaluate on a dataset.
// params: key (string), limit (int, 25)
MATCH (:Dataset {key: $key})<-[mention:MENTIONS]-(p:Paper)
WHERE mention.evaluated
MATCH (p)-[:USES_BACKBONE]->(m:Method)
WITH m, count(p) AS papers
RETURN m.key AS backbone_key, m.name AS backbone, papers
ORDER BY papers DESC, backbone, backbone_key
LIMIT $limit

// name: site-method-datasets
// description: Datasets a method was evaluated on, with how many papers say so and the first of them.
// params: key (string), limit (int, 25)
MATCH (:Method {key: $key})-[summary:EVALUATION_SUMMARY]->(d:Dataset)
RETURN d.key AS dataset_key, d.name AS dataset, summary.papers AS papers, summary.first_paper AS paper_id
ORDER BY papers DESC, dataset, dataset_key
LIMIT $limit

// name: site-method-proposed-by
// description: Papers proposing a method, oldest first (undated last).
// params: key (string), limit (int, 25)
MATCH (:Method {key: $key})<-[:PROPOSES]-(p:Paper)
RETURN p.id AS paper_id, p.title AS title, p.date AS date
ORDER BY coalesce(date, '9999'), paper_id
LIMIT $limit

// name: site-method-backbone-of
// description: What a method is a backbone of: papers using it as a backbone and the methods they propose.
// params: key (string), limit (int, 25)
MATCH (:Method {key: $key})<-[:USES_BACKBONE]-(p:Paper)
OPTIONAL MATCH (p)-[:PROPOSES]->(m:Method)
WHERE m.key <> $key
RETURN m.key AS method_key, m.name AS method, p.id AS paper_id, p.title AS title
ORDER BY title, paper_id, method, method_key
LIMIT $limit

// name: site-method-code
// description: Code repositories linked by the papers proposing a method.
// params: key (string), limit (int, 25)
MATCH (:Method {key: $key})<-[:PROPOSES]-(p:Paper)-[:HAS_CODE]->(g:Repo)
RETURN g.key AS repo_key, g.name AS repo, p.id AS paper_id, p.title AS title
ORDER BY repo_key, paper_id
LIMIT $limit

// name: site-metric-datasets
// description: Datasets with results measured by a metric, with the number of results and the range of values.
// params: key (string), limit (int, 25)
MATCH (:Metric {key: $key})<-[:MEASURED_BY]-(r:Result)-[:ON_DATASET]->(d:Dataset)
WITH d, count(r) AS results, min(r.value) AS lowest, max(r.value) AS highest
RETURN d.key AS dataset_key, d.name AS dataset, results, lowest, highest
ORDER BY results DESC, dataset, dataset_key
LIMIT $limit

// name: site-task-datasets
// description: Datasets mentioned by papers that mention a task.
// params: key (string), limit (int, 25)
MATCH (:Task {key: $key})<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(d:Dataset)
WITH d, count(p) AS papers
RETURN d.key AS dataset_key, d.name AS dataset, papers
ORDER BY papers DESC, dataset, dataset_key
LIMIT $limit

// name: site-task-methods
// description: Methods proposed by papers that mention a task.
// params: key (string), limit (int, 25)
MATCH (:Task {key: $key})<-[:MENTIONS]-(p:Paper)-[:PROPOSES]->(m:Method)
WITH m, count(p) AS papers
RETURN m.key AS method_key, m.name AS method, papers
ORDER BY papers DESC, method, method_key
LIMIT $limit

// name: site-repo-papers
// description: Papers linking a code repository, with the methods they propose.
// params: key (string), limit (int, 25)
MATCH (:Repo {key: $key})<-[:HAS_CODE]-(p:Paper)
OPTIONAL MATCH (p)-[:PROPOSES]->(m:Method)
RETURN p.id AS paper_id, p.title AS title, m.key AS method_key, m.name AS method
ORDER BY paper_id, method, method_key
LIMIT $limit

// name: site-paper
// description: One paper's text and bibliographic fields.
// params: id (string)
MATCH (p:Paper {id: $id})
RETURN p.id AS id, p.title AS title, p.abstract AS abstract, p.date AS date, p.url AS url, p.doi AS doi,
       p.arxiv_id AS arxiv_id, p.authors AS authors, p.categories AS categories,
       p.source_file AS source_file, p.source_line AS source_line

// name: site-paper-mentions
// description: The entities a paper mentions, with where the first mention is and every spelling it used.
// params: id (string)
MATCH (:Paper {id: $id})-[mention:MENTIONS]->(e)
RETURN labels(e)[0] AS type, e.key AS key, e.name AS name, mention.field AS field, mention.start AS start,
       mention.end AS end, mention.texts AS texts, mention.roles AS roles, mention.proposed AS proposed
ORDER BY field, start, type, key

// name: site-paper-links
// description: What a paper proposes, uses as a backbone and links as code, with the mention each was read from.
// params: id (string)
MATCH (:Paper {id: $id})-[link:PROPOSES|USES_BACKBONE|HAS_CODE]->(e)
RETURN toLower(type(link)) AS fact, labels(e)[0] AS type, e.key AS key, e.name AS name, link.field AS field,
       link.start AS start, link.end AS end, link.evidence AS evidence
ORDER BY fact, field, start, key

// name: site-paper-evaluations
// description: The evaluations a paper states, with their sentence.
// params: id (string)
MATCH (:Paper {id: $id})-[:MENTIONS]->(m:Method)-[evaluation:EVALUATED_ON {paper: $id}]->(d:Dataset)
RETURN m.key AS method_key, m.name AS method, d.key AS dataset_key, d.name AS dataset,
       evaluation.field AS field, evaluation.start AS start, evaluation.end AS end,
       evaluation.evidence AS evidence
ORDER BY field, start, method, method_key, dataset, dataset_key

// name: site-paper-results
// description: The results a paper reports, with their sentence.
// params: id (string)
MATCH (:Paper {id: $id})-[:REPORTS]->(r:Result)
OPTIONAL MATCH (r)-[:OF_METHOD]->(m:Method)
OPTIONAL MATCH (r)-[:ON_DATASET]->(d:Dataset)
OPTIONAL MATCH (r)-[:MEASURED_BY]->(x:Metric)
RETURN m.key AS method_key, coalesce(m.name, r.method) AS method, d.key AS dataset_key,
       coalesce(d.name, r.dataset) AS dataset, x.key AS metric_key, coalesce(x.name, r.metric) AS metric,
       r.value AS value, r.unit AS unit, r.split AS split, r.field AS field, r.start AS start, r.end AS end,
       r.evidence AS evidence
ORDER BY field, start, metric, value, r.id

// name: site-graph-entity
// description: Up to limit neighbours of an entity (papers, and other entities through evaluation summaries), results left out; of an entity with more, the first the store finds (sorting them all would cost more than the view is worth).
// params: type (string), key (string), limit (int, 60)
OPTIONAL MATCH (m:Method {key: $key}) WHERE $type = 'Method'
OPTIONAL MATCH (d:Dataset {key: $key}) WHERE $type = 'Dataset'
OPTIONAL MATCH (x:Metric {key: $key}) WHERE $type = 'Metric'
OPTIONAL MATCH (t:Task {key: $key}) WHERE $type = 'Task'
OPTIONAL MATCH (g:Repo {key: $key}) WHERE $type = 'Repo'
WITH coalesce(m, d, x, t, g) AS e
WHERE e IS NOT NULL
MATCH (e)-[link]-(n)
WHERE (n:Paper OR n:Method OR n:Dataset OR n:Metric OR n:Task OR n:Repo) AND type(link) <> 'EVALUATED_ON'
WITH e, link, n
LIMIT $limit
RETURN type(link) AS relation, startNode(link) = e AS outgoing, labels(n)[0] AS type,
       coalesce(n.key, n.id) AS key, coalesce(n.name, n.title) AS name
ORDER BY type, key, relation

// name: site-graph-paper
// description: The entities linked to a paper.
// params: id (string), limit (int, 80)
MATCH (:Paper {id: $id})-[link]->(n)
WHERE n:Method OR n:Dataset OR n:Metric OR n:Task OR n:Repo
RETURN type(link) AS relation, labels(n)[0] AS type, n.key AS key, n.name AS name
ORDER BY type, key, relation
LIMIT $limit
