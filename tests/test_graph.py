"""Rows the stores write, from hand-made extractions."""

from __future__ import annotations

from factories import paper_extraction

from kgbuild.graph import to_graph


def test_mentions_say_whether_the_paper_evaluates_the_entity():
    extraction = paper_extraction("p1", "LWGANet", ["DOTA"], backbone="ResNet-50")
    mentioned = extraction.model_copy(update={"entities": [
        *extraction.entities,
        *paper_extraction("p1", "CBNet", ["COCO"], abstract="We propose CBNet. It helps COCO.").entities]})
    batch = to_graph([mentioned], "test-1")
    evaluated = {(label, row["key"]): row["evaluated"] for label, rows in batch.mentions.items() for row in rows}
    assert evaluated[("Method", "lwganet")] and evaluated[("Dataset", "dota")]
    # the backbone is used, not evaluated; COCO and CBNet are named without an evaluation
    assert not evaluated[("Method", "resnet50")]
    assert not evaluated[("Dataset", "coco")] and not evaluated[("Method", "cbnet")]
