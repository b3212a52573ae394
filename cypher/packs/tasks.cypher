// Tasks: what is used for them and what they were applied to. A paper ties a task to the
// datasets and methods it mentions.

// name: datasets-for-task
// description: Datasets used for a task: datasets mentioned by papers that mention the task, with how many of those papers evaluate on the dataset, and up to three example titles.
// params: task (string), limit (int, 25)
// example: kgbuild query datasets-for-task --param task="object detection"
WITH replace(replace(replace(replace(toLower($task), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (t:Task)
WHERE t.key = wanted OR wanted IN t.lookup
MATCH (p:Paper)-[:MENTIONS]->(t)
MATCH (p)-[:MENTIONS]->(d:Dataset)
OPTIONAL MATCH (p)-[:MENTIONS]->(:Method)-[ev:EVALUATED_ON]->(d)
WHERE ev.paper = p.id
WITH t, d, p, count(ev) AS evaluations
ORDER BY p.title, p.id
WITH t, d, count(p) AS papers, sum(CASE WHEN evaluations > 0 THEN 1 ELSE 0 END) AS evaluated,
     collect(p.title)[0..3] AS example_papers
RETURN d.name AS dataset, t.name AS task, papers, evaluated, example_papers
ORDER BY papers DESC, evaluated DESC, dataset, d.key, t.key
LIMIT $limit

// name: tasks-for-method
// description: Tasks a method was applied to: tasks mentioned by the papers that mention the method, with the number of papers and up to three example titles.
// params: method (string), limit (int, 25)
// example: kgbuild query tasks-for-method --param method=ResNet-50
WITH replace(replace(replace(replace(toLower($method), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (m:Method)
WHERE m.key = wanted OR wanted IN m.lookup
MATCH (p:Paper)-[:MENTIONS]->(m)
MATCH (p)-[:MENTIONS]->(t:Task)
WITH m, t, p
ORDER BY p.title, p.id
WITH m, t, count(p) AS papers, collect(p.title)[0..3] AS example_papers
RETURN t.name AS task, m.name AS method, papers, example_papers
ORDER BY papers DESC, task, t.key, m.key
LIMIT $limit

// name: methods-for-task
// description: Methods proposed for a task: methods proposed by papers that mention the task, with the number of such papers and up to three example titles.
// params: task (string), limit (int, 25)
// example: kgbuild query methods-for-task --param task="semantic segmentation"
WITH replace(replace(replace(replace(toLower($task), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (t:Task)
WHERE t.key = wanted OR wanted IN t.lookup
MATCH (p:Paper)-[:MENTIONS]->(t)
MATCH (p)-[:PROPOSES]->(m:Method)
WITH t, m, p
ORDER BY p.title, p.id
WITH t, m, count(p) AS papers, collect(p.title)[0..3] AS example_papers
RETURN m.name AS method, t.name AS task, papers, example_papers
ORDER BY papers DESC, method, m.key, t.key
LIMIT $limit
