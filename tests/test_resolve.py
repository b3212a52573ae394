"""Entity resolution: canonical keys, merging within a paper, refs rewritten, names kept sensible."""

from __future__ import annotations

from kgbuild.models import Entity, EntityRef, Evidence, Extraction, Mention, Paper, Relation, Result, SourceRef
from kgbuild.names import identity_key
from kgbuild.resolve import CanonicalTable, resolve

TABLE = CanonicalTable([
    {"type": "Dataset", "key": "coco", "name": "COCO", "aliases": ["MS COCO", "MSCOCO"]},
    {"type": "Metric", "key": "top1accuracy", "name": "Top-1 Accuracy", "aliases": ["top-1", "Top 1 Accuracy"]},
    {"type": "Method", "key": "swintransformer", "name": "Swin Transformer", "aliases": ["Swin"]},
])
PAPER = Paper(id="P", title="t", abstract="a", source=SourceRef(file="f", line=1))
EVIDENCE = Evidence(paper="P", field="abstract", sentence=0, start=0, end=1, text="a")


def ent(etype, key, name, *written, proposed=False, roles=()):
    mentions = [Mention(field="abstract", start=i, end=i + 1, text=w, sentence=0) for i, w in enumerate(written)]
    return Entity(type=etype, key=key, name=name, mentions=mentions, proposed=proposed, roles=list(roles))


def run(entities, relations=(), results=()):
    x = Extraction(paper=PAPER, entities=list(entities), relations=list(relations), results=list(results))
    return next(resolve([x], TABLE))


def test_normalisation_rule():
    assert identity_key("ＲｅｓＮｅｔ-101") == "resnet101"  # NFKC folds full-width letters
    assert identity_key("Mask R-CNN") == identity_key("mask rcnn")


def test_lexicon_alias_gets_canonical_key_and_name():
    out = run([ent("Dataset", "mscoco", "MSCOCO", "MSCOCO")])
    assert [(e.key, e.name) for e in out.entities] == [("coco", "COCO")]


def test_unknown_name_gets_normalised_key_and_written_name():
    out = run([ent("Method", "ZapNet-2", "ZapNet-2", "ZapNet-2")])
    assert [(e.key, e.name) for e in out.entities] == [("zapnet2", "ZapNet-2")]


def test_same_key_entities_merge_and_refs_follow():
    top1 = ent("Metric", "top1", "Top-1", "Top-1")
    top1_acc = ent("Metric", "top1accuracy", "top-1 accuracy", "top-1 accuracy")
    method = ent("Method", "zapnet", "ZapNet", "ZapNet", proposed=True)
    coco = ent("Dataset", "mscoco", "MS COCO", "MS COCO")
    result = Result(method=method.ref(), dataset=coco.ref(), metric=top1.ref(), value=80.0, unit="%",
                    evidence=EVIDENCE)
    relation = Relation(type="EVALUATED_ON", source=method.ref(), target=coco.ref(), evidence=EVIDENCE)
    out = run([top1, top1_acc, method, coco], [relation], [result])
    metrics = [e for e in out.entities if e.type == "Metric"]
    assert len(metrics) == 1
    assert {m.text for m in metrics[0].mentions} == {"Top-1", "top-1 accuracy"}
    assert out.results[0].metric == EntityRef(type="Metric", key="top1accuracy", name="Top-1 Accuracy")
    assert out.results[0].dataset.key == "coco" and out.relations[0].target.key == "coco"


def test_merge_unions_roles_and_proposed():
    a = ent("Method", "zapnet", "ZapNet", "ZapNet", proposed=True)
    b = ent("Method", "zap-net", "Zap-Net", "Zap-Net", roles=["backbone"])
    out = run([a, b])
    assert len(out.entities) == 1
    assert out.entities[0].proposed and out.entities[0].roles == ["backbone"]


def test_size_variant_stays_distinct_from_family():
    out = run([ent("Method", "swinl", "Swin-L", "Swin-L"), ent("Method", "swin", "Swin", "Swin")])
    assert sorted(e.key for e in out.entities) == ["swinl", "swintransformer"]


def test_types_never_merge():
    out = run([ent("Task", "nas", "NAS", "NAS"), ent("Method", "nas", "NAS", "NAS")])
    assert sorted(e.type for e in out.entities) == ["Method", "Task"]


def test_duplicate_relations_collapse_after_merge():
    m = ent("Method", "zapnet", "ZapNet", "ZapNet")
    d1, d2 = ent("Dataset", "coco", "COCO", "COCO"), ent("Dataset", "mscoco", "MS COCO", "MS COCO")
    rels = [Relation(type="EVALUATED_ON", source=m.ref(), target=d.ref(), evidence=EVIDENCE) for d in (d1, d2)]
    out = run([m, d1, d2], rels)
    assert len(out.relations) == 1
