"""Candidates in tokenised abstracts (SciREX style) and in text left with markup: sentences of
our own making."""

from __future__ import annotations

from kgbuild.extract.candidates import field_candidates
from kgbuild.extract.pipeline import Extractor
from kgbuild.extract.sentences import SentenceIndex
from kgbuild.models import Paper, SourceRef


def candidates(extractor: Extractor, text: str, lower_methods: bool = False) -> dict[str, str]:
    hits = extractor.nlp(text).user_data["lexicon"]
    found, _ = field_candidates(text, "abstract", hits, False, SentenceIndex(text), lower_methods=lower_methods)
    return {f.text: f.etype for f in found}


TECHNIQUE = "We train the tagger with batch normalization after every layer and report its accuracy ."


def test_a_lower_case_lexicon_method_is_a_candidate_in_tokenised_text_only(extractor):
    # tokenised corpora annotate techniques written in lower case; prose annotations do not
    assert candidates(extractor, TECHNIQUE, lower_methods=True).get("batch normalization") == "Method"
    assert "batch normalization" not in candidates(extractor, TECHNIQUE)


def test_a_tokenised_abstract_is_searched_for_lower_case_lexicon_methods(extractor):
    abstract = ("We study sequence tagging . Our tagger , trained with batch normalization , improves "
                "over prior work ( see [ 3 ] ) , and the code is public . It runs fast , too .")
    paper = Paper(id="p", title="", abstract=abstract, source=SourceRef(file="t", line=1))
    seen = []
    Extractor(trace=lambda pid, kind, cand, feats: seen.append((kind, cand))).extract_paper(paper)
    assert any(kind == "entity" and "batch normalization" in cand["forms"] for kind, cand in seen)


def test_key_value_markup_names_nothing(extractor):
    text = "Results follow . GRUname = GRU , description = GatedRecurrentUnit , first= GRU ."
    found = candidates(extractor, text)
    assert not {"GRUname", "GatedRecurrentUnit"} & set(found)


def test_words_run_together_with_a_small_word_name_nothing(extractor):
    text = "This work was done at the NorthernInstituteofSomething and PolarUniversityforScience ."
    assert not {"NorthernInstituteofSomething", "PolarUniversityforScience"} & set(candidates(extractor, text))


def test_a_name_shaped_word_is_still_a_candidate(extractor):
    assert candidates(extractor, "We compare against FooNet and BarGAN on two tasks .").get("FooNet") == "Method"


def test_a_translation_direction_after_a_dataset_is_part_of_its_name(extractor):
    text = "We report results on the WMT 2014 English-to-Czech translation task and on WMT'16 Ro-En ."
    found = candidates(extractor, text)
    assert found.get("WMT 2014 English-to-Czech") == "Dataset"
    assert found.get("WMT'16 Ro-En") == "Dataset"
    assert not any(name.startswith("Czech") for name in found)


def test_a_weak_measure_word_after_a_comparative_is_a_measure(extractor):
    assert candidates(extractor, "Our detector runs with the lowest latency on the phone .").get("latency") == "Metric"
    assert candidates(extractor, "The new layout reaches the highest throughput on the board .").get("throughput") == "Metric"
    # with no measuring sense, the word stays no measure
    assert "latency" not in candidates(extractor, "Latency matters in many deployed systems today .")
