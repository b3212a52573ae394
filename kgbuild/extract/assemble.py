"""Turn the extractor's drafts into the pydantic records that leave the package.

The records are written as plain dicts and validated once, as the one ``Extraction`` that
holds them: pydantic checks every nested record in one call into its compiled validator,
where building each record on its own cost a Python call and a validation apiece (most
of this module's time).  The result is the same records, equally validated."""

from __future__ import annotations

from kgbuild.extract.entities import EntityDraft
from kgbuild.extract.facts import FactResult
from kgbuild.extract.naming import exported_name, without_generic_tail
from kgbuild.extract.sentences import SentenceIndex
from kgbuild.models import Extraction, Paper


def _evidence(paper: Paper, texts, sentences: dict[str, SentenceIndex], field: str, sentence: int) -> dict:
    """An ``Evidence`` record's fields."""
    start, end = sentences[field].spans[sentence]
    return {"paper": paper.id, "field": field, "sentence": sentence, "start": start, "end": end,
            "text": texts[field][start:end]}


class _Refs(dict):
    """``refs[i]``: the fields of the reference (``EntityRef``) to entity ``i``, made when a
    fact first needs it."""

    def __init__(self, entities: list[dict]) -> None:
        super().__init__()
        self.entities = entities

    def __missing__(self, index: int) -> dict:
        entity = self.entities[index]
        ref = self[index] = {"type": entity["type"], "key": entity["key"], "name": entity["name"]}
        return ref


def build_extraction(paper: Paper, texts, sentences, drafts: list[EntityDraft], results: list[FactResult],
                     evaluated, repos) -> Extraction:
    # A candidate whose key holds no letter or digit ("»", symbols) names nothing a graph can
    # key on: it is left out with every fact about it.
    nameless = {i for i, draft in enumerate(drafts) if not any(c.isalnum() for c in draft.key)}
    entities: list[dict] = []
    for draft in drafts:
        mentions = []
        for m in draft.mentions:
            written = texts[m.field][m.start:m.end]
            if m.text != written:
                # a name the text implies ("PASCAL VOC 2012" of "VOC 2007 and 2012"): the
                # evidence is the part it wrote
                mentions.append({"field": m.field, "start": m.start, "end": m.end, "text": written,
                                 "sentence": sentences[m.field].of(m.start)})
                continue
            text = without_generic_tail(draft.etype, m.text)
            end = m.start + len(text)
            mentions.append({"field": m.field, "start": m.start, "end": end, "text": text,
                             "sentence": sentences[m.field].of(m.start)})
        entities.append({"type": draft.etype, "key": draft.key, "name": exported_name(draft), "mentions": mentions,
                         "proposed": draft.proposed and draft.etype in ("Method", "Dataset"),
                         "roles": sorted(draft.roles), "url": None})
    refs = _Refs(entities)
    entities = [e for i, e in enumerate(entities) if i not in nameless]

    repo_entities: dict[str, dict] = {}
    for field, start, end, url in repos:
        entity = repo_entities.get(url.lower())
        if entity is None:
            entity = repo_entities[url.lower()] = {
                "type": "Repo", "key": url.lower().removeprefix("https://"), "name": url, "mentions": [],
                "proposed": False, "roles": [], "url": url}
        entity["mentions"].append({"field": field, "start": start, "end": end, "text": texts[field][start:end],
                                   "sentence": sentences[field].of(start)})
    entities.extend(repo_entities.values())

    relations = [
        {"type": "EVALUATED_ON", "source": refs[m], "target": refs[d],
         "evidence": _evidence(paper, texts, sentences, field, sentence)}
        for m, d, field, sentence in evaluated if m not in nameless and d not in nameless
    ]
    result_records = [
        {"method": refs[r.method] if r.method is not None and r.method not in nameless else None,
         "dataset": refs[r.dataset] if r.dataset is not None and r.dataset not in nameless else None,
         "split": r.split, "metric": refs[r.metric], "value": r.value, "unit": r.unit,
         "evidence": _evidence(paper, texts, sentences, r.field, r.sentence)}
        for r in results if r.metric not in nameless
    ]
    return Extraction(paper=paper, entities=entities, relations=relations, results=result_records)
