// Questions about single papers and entities.

// name: paper-card
// description: Everything extracted from one paper (by id or exact title): its entities with roles and the sentences they come from, its evaluations and results.
// params: paper (string)
// example: kgbuild query paper-card --param paper="LWGANet: A Lightweight Group Attention Backbone for Remote Sensing Visual Tasks"
MATCH (p:Paper)
WHERE p.id = $paper OR toLower(p.title) = toLower($paper)
MATCH (p)-[mn:MENTIONS]->(e)
OPTIONAL MATCH (e)-[ev:EVALUATED_ON {paper: p.id}]->(d:Dataset)
RETURN p.id AS paper, labels(e)[0] AS type, e.name AS entity, mn.proposed AS proposed, mn.roles AS roles,
       mn.texts AS written_as, collect(DISTINCT d.name) AS evaluated_on, mn.field AS field,
       mn.start AS start, mn.end AS end
ORDER BY type, entity

// name: entity-lookup
// description: Find entities of any type by a name or any alias a paper used, with how many papers mention each.
// params: name (string), limit (int, 20)
// example: kgbuild query entity-lookup --param name="MS COCO"
WITH replace(replace(replace(replace(toLower($name), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
MATCH (e)
WHERE (e:Method OR e:Dataset OR e:Metric OR e:Task OR e:Repo) AND (e.key = wanted OR wanted IN e.lookup)
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(e)
RETURN labels(e)[0] AS type, e.key AS key, e.name AS name, e.aliases AS aliases, count(p) AS papers
ORDER BY papers DESC, type, key
LIMIT $limit
