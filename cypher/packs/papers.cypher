// Questions about single papers and entities.

// name: paper-card
// description: Everything extracted from one paper, found by its id, the id its input gave it (record_id), its arXiv id or DOI, its title (ignoring case) or the start of its title, one fact per row with where it was read: what it proposes, its backbones, code, evaluations with their evidence sentence, reported results with theirs, and every entity it mentions with the forms it was written in.
// params: paper (string), limit (int, 200)
// example: kgbuild query paper-card --param paper="LWGANet: A Lightweight Group Attention Backbone"
OPTIONAL MATCH (by_id:Paper)
WHERE by_id.id IN [$paper, 'arxiv:' + $paper, 'doi:' + toLower($paper), 'id:' + $paper]
WITH collect(by_id) AS by_id
OPTIONAL MATCH (by_record:Paper {record_id: $paper})
WHERE size(by_id) = 0
WITH by_id, collect(by_record) AS by_record
OPTIONAL MATCH (by_title:Paper {title: $paper})
WHERE size(by_id) + size(by_record) = 0
WITH by_id, by_record, collect(by_title) AS by_title
OPTIONAL MATCH (by_any_case:Paper)
WHERE size(by_id) + size(by_record) + size(by_title) = 0 AND toLower(by_any_case.title) = toLower($paper)
WITH by_id, by_record, by_title, collect(by_any_case) AS by_any_case
OPTIONAL MATCH (by_prefix:Paper)
WHERE size(by_id) + size(by_record) + size(by_title) + size(by_any_case) = 0 AND trim($paper) <> ''
  AND toLower(by_prefix.title) STARTS WITH toLower(trim($paper))
WITH by_id, by_record, by_title, by_any_case, collect(by_prefix) AS by_prefix
UNWIND by_id + by_record + by_title + by_any_case + by_prefix AS p
OPTIONAL MATCH (p)-[mn:MENTIONS]->(e)
WITH p, mn, e
ORDER BY mn.start
WITH p, collect(CASE WHEN e IS NULL THEN null ELSE
  {rank: 5, fact: 'mentions', type: labels(e)[0], subject: e.name, object: null, value: null, texts: mn.texts,
   field: mn.field, start: mn.start, end: mn.end, evidence: mn.text} END) AS mentions
OPTIONAL MATCH (p)-[l:PROPOSES|USES_BACKBONE|HAS_CODE]->(t)
WITH p, mentions, collect(CASE WHEN t IS NULL THEN null ELSE
  {rank: CASE type(l) WHEN 'PROPOSES' THEN 0 WHEN 'USES_BACKBONE' THEN 1 ELSE 2 END, fact: toLower(type(l)),
   type: labels(t)[0], subject: t.name, object: null, value: null, texts: null,
   field: l.field, start: l.start, end: l.end, evidence: l.evidence} END) AS links
OPTIONAL MATCH (p)-[:MENTIONS]->(m:Method)-[ev:EVALUATED_ON]->(d:Dataset)
WHERE ev.paper = p.id
WITH p, mentions, links, collect(CASE WHEN ev IS NULL THEN null ELSE
  {rank: 3, fact: 'evaluated_on', type: 'Method', subject: m.name, object: d.name, value: null, texts: null,
   field: ev.field, start: ev.start, end: ev.end, evidence: ev.evidence} END) AS evaluations
OPTIONAL MATCH (p)-[:REPORTS]->(r:Result)
WITH p, mentions, links, evaluations, collect(CASE WHEN r IS NULL THEN null ELSE
  {rank: 4, fact: 'reports', type: 'Result', subject: r.method, object: r.dataset, value: r.value,
   texts: [r.metric, r.unit, r.split], field: r.field, start: r.start, end: r.end, evidence: r.evidence} END) AS results
WITH p, links + evaluations + results + mentions AS facts
UNWIND facts AS f
RETURN p.id AS paper, p.record_id AS record_id, f.fact AS fact, f.type AS type, f.subject AS subject, f.object AS object,
       f.value AS value, f.texts AS detail, f.field AS field, f.start AS start, f.end AS end,
       f.evidence AS evidence
ORDER BY paper, f.rank, type, subject, object, value, start
LIMIT $limit

// name: entity-lookup
// description: Find entities of any type by a name or any alias a paper used (repositories also by their URL), with how many papers mention each and the first five of them (by the id their input gave them where it gave one, else by paper id).
// params: name (string), limit (int, 20)
// example: kgbuild query entity-lookup --param name="MS COCO"
// The typed parameters of the other queries (dataset, method, ...) reach the store already
// mapped by kgbuild to a lexicon key or a lookup key (kgbuild.names.lookup_key). `name` is
// bound as written, because it is also matched as a repository URL below, which a lookup key
// would destroy (it drops "/" and "."); so it is normalised here only, the way every query
// normalises for a run by hand in Neo4j Browser: lower case without spaces, "-", "_" and ".".
// That fold has no NFKC and no case folding: a full-width or "ẞ" spelling found by the typed
// queries is not found here.
WITH replace(replace(replace(replace(toLower($name), ' ', ''), '-', ''), '_', ''), '.', '') AS wanted
OPTIONAL MATCH (m:Method)
WHERE m.key = wanted OR wanted IN m.lookup
WITH wanted, collect(m) AS methods
OPTIONAL MATCH (d:Dataset)
WHERE d.key = wanted OR wanted IN d.lookup
WITH wanted, methods, collect(d) AS datasets
OPTIONAL MATCH (x:Metric)
WHERE x.key = wanted OR wanted IN x.lookup
WITH wanted, methods, datasets, collect(x) AS metrics
OPTIONAL MATCH (t:Task)
WHERE t.key = wanted OR wanted IN t.lookup
WITH wanted, methods, datasets, metrics, collect(t) AS tasks
OPTIONAL MATCH (g:Repo)
WHERE g.key = wanted OR wanted IN g.lookup
   OR g.key = replace(replace(replace(toLower($name), 'https://', ''), 'http://', ''), 'www.', '')
WITH methods, datasets, metrics, tasks, collect(g) AS repos
WITH methods + datasets + metrics + tasks + repos AS found
UNWIND found AS e
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(e)
WITH e, p
ORDER BY coalesce(p.record_id, p.id)
WITH e, count(p) AS papers, collect(coalesce(p.record_id, p.id)) AS ids
RETURN labels(e)[0] AS type, e.key AS key, e.name AS name, e.aliases AS aliases, papers, ids[..5] AS first_papers
ORDER BY papers DESC, type, key
LIMIT $limit
