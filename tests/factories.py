"""Small hand-made extraction records for store and graph tests (no extractor involved)."""

from __future__ import annotations

from kgbuild.models import Entity, Evidence, Extraction, Mention, Paper, Relation, Result, SourceRef


def _entity(kind: str, name: str, abstract: str, **extra: object) -> Entity:
    start = abstract.find(name)
    mentions = [Mention(field="abstract", start=start, end=start + len(name), text=name, sentence=0)] if start >= 0 else []
    key = "".join(ch for ch in name.lower() if ch.isalnum())
    return Entity(type=kind, key=key, name=name, mentions=mentions, **extra)


def paper_extraction(paper_id: str, method: str, datasets: list[str], *, abstract: str | None = None,
                     backbone: str | None = None, metric: str = "mAP", value: float = 50.0,
                     repo: str | None = None) -> Extraction:
    """One paper proposing ``method``, evaluated on ``datasets`` with one result on the first."""
    abstract = abstract or (
        f"We propose {method}" + (f" with a {backbone} backbone" if backbone else "")
        + f". {method} reaches {value}% {metric} on " + " and ".join(datasets) + "."
        + (f" Code: {repo}" if repo else "")
    )
    paper = Paper(id=paper_id, title=f"{method}: a study", abstract=abstract,
                  source=SourceRef(file="fixture.jsonl", line=1))
    proposed = _entity("Method", method, abstract, proposed=True)
    entities = [proposed]
    if backbone:
        entities.append(_entity("Method", backbone, abstract, roles=["backbone"]))
    dataset_entities = [_entity("Dataset", d, abstract) for d in datasets]
    metric_entity = _entity("Metric", metric, abstract)
    entities += dataset_entities + [metric_entity]
    if repo:
        entities.append(Entity(type="Repo", key=repo.lower(), name=repo, url=repo,
                               mentions=[Mention(field="abstract", start=abstract.find(repo),
                                                 end=abstract.find(repo) + len(repo), text=repo, sentence=1)]))
    sentence = abstract.split(". ")[1] if ". " in abstract else abstract
    start = abstract.find(sentence)
    evidence = Evidence(paper=paper_id, field="abstract", sentence=1, start=start, end=start + len(sentence),
                        text=sentence)
    relations = [Relation(type="EVALUATED_ON", source=proposed.ref(), target=d.ref(), evidence=evidence)
                 for d in dataset_entities]
    results = [Result(method=proposed.ref(), dataset=dataset_entities[0].ref(), metric=metric_entity.ref(),
                      value=value, unit="%", evidence=evidence)] if dataset_entities else []
    return Extraction(paper=paper, entities=entities, relations=relations, results=results)


def data_folder_copy(monkeypatch, tmp_path, attribute: str, pattern: str):
    """A copy of one of the extractor's data folders (``resources.<attribute>``: the patterns or
    the models) put in its place, to edit in a test without touching the package."""
    from kgbuild.extract import resources

    copy = tmp_path / attribute.lower()
    copy.mkdir()
    for path in getattr(resources, attribute).glob(pattern):
        (copy / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(resources, attribute, copy)
    return copy
