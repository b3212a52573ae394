"""The proposed flag with the shipped (retrained) models and rules: sentences of our own making."""

from __future__ import annotations

import pytest

from kgbuild.extract.pipeline import Extractor
from kgbuild.models import Paper, SourceRef


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def proposed(extractor: Extractor, title: str, abstract: str) -> dict[str, bool]:
    x = extractor.extract_paper(Paper(id="p", title=title, abstract=abstract, source=SourceRef(file="t", line=1)))
    return {e.name: bool(e.proposed) for e in x.entities if e.type == "Method"}


def test_the_part_our_system_consists_of_is_proposed(extractor):
    flags = proposed(extractor, "Moving Crowds: Counting People in Video",
                     "Crowd counting in video is hard. Our counter consists of a WaveNetX that tracks the flow "
                     "and a TideNet that counts heads. It reaches a low error on the Mall benchmark.")
    assert flags.get("WaveNetX") is True


def test_the_networks_we_build_from_named_after_namely_are_proposed(extractor):
    flags = proposed(extractor, "Moving Crowds: Counting People in Video",
                     "Crowd counting in video is hard. We build a counter from two networks, namely FlowTrackNet "
                     "and HeadCountNet. It reaches a low error on the Mall benchmark.")
    assert flags.get("FlowTrackNet") is True


def test_the_cascaded_networks_named_after_ie_are_proposed(extractor):
    flags = proposed(extractor, "LipFlow: Talking Faces from Audio",
                     "Talking face videos must keep the lips in sync. To this end, we propose a two-stage learning "
                     "strategy with two cascaded networks, i.e., DraftNet, and PolishNet. LipFlow beats earlier "
                     "methods on the HDTF benchmark.")
    assert flags.get("DraftNet") is True
