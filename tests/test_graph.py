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


def test_a_paper_given_twice_in_a_batch_is_one_paper_with_one_row_per_fact():
    first = paper_extraction("p1", "LWGANet", ["DOTA"], value=40.0)
    again = paper_extraction("p1", "LWGANet", ["DOTA"], value=41.0)
    batch = to_graph([first, again], "test-1")
    assert [row["id"] for row in batch.papers] == ["p1"]
    assert len(batch.mentions["Method"]) == 1 and len(batch.evaluations) == 1
    # The stores create these rows, so a repeated one would be a duplicated node or fact.
    assert len({r["id"] for r in batch.results}) == len(batch.results)
