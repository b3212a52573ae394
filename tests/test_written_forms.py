"""Names as texts write them, and what texts taken from PDFs or listings leave in them: each
rule pinned with sentences of our own making."""

from __future__ import annotations

from kgbuild.extract.author_lines import author_lines
from kgbuild.extract.candidates import field_candidates
from kgbuild.extract.sentences import sentence_spans, SentenceIndex


def candidates(extractor, text: str) -> dict[str, str]:
    """Written form -> type of the mentions the rules keep in an abstract."""
    hits = extractor.nlp(text).user_data["lexicon"]
    found, _ = field_candidates(text, "abstract", hits, False, SentenceIndex(text))
    return {f.text: f.etype for f in found}


def test_a_dimension_before_a_methods_name_is_part_of_it(extractor):
    found = candidates(extractor, "We lift the 2D ControlNet to a 3D ControlNet and compare it with a 3D U-Net.")
    assert found.get("2D ControlNet") == "Method"
    assert found.get("3D ControlNet") == "Method"
    assert found.get("3D U-Net") == "Method"
    assert "ControlNet" not in found and "U-Net" not in found


def test_a_dimension_names_no_method_by_itself(extractor):
    found = candidates(extractor, "Our detector reads 3D point clouds with a ResNet-50 backbone.")
    assert found.get("ResNet-50") == "Method"
    assert not any(text.startswith("3D") and etype == "Method" for text, etype in found.items())


def test_names_joined_by_underscores_or_with_a_subscript_are_one_name(extractor):
    found = candidates(extractor, "The toolkit has two parts, GraphKit_Probe and GraphKit_Act, and a small "
                                  "network named CNN_{4L}.")
    assert found.get("GraphKit_Probe") == "Method"
    assert found.get("GraphKit_Act") == "Method"
    assert found.get("CNN_{4L}") == "Method"


def test_a_variable_with_a_subscript_is_no_name(extractor):
    found = candidates(extractor, "The weight W_{ij} links unit i to unit j.")
    assert not any("W_" in text for text in found)


def test_a_full_stop_that_lost_its_space_ends_the_sentence_and_no_name_spans_it(extractor):
    text = "It runs within an efficient framework.FooNet was tested on twelve datasets."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "It runs within an efficient framework.", "FooNet was tested on twelve datasets."]
    found = candidates(extractor, text)
    assert found.get("FooNet") == "Method"
    assert "framework.FooNet" not in found


def test_a_full_stop_inside_an_abbreviation_a_version_or_an_address_ends_nothing():
    text = "See e.g.The appendix, ResNet v1.5 and arxiv.org for details."
    assert [text[s:e] for s, e in sentence_spans(text)] == [text]


def test_a_sentence_run_together_names_nothing(extractor):
    found = candidates(extractor, "On large graphs, FOOCOcountsthe12matricesinseconds.")
    assert not any("count" in text for text in found)


AUTHOR_LINE = ("Our model sets a new state of the art . JaneDoe , RichardRoeSmith andAnnaLee "
               "SchoolofComputing , NorthlandUniversity , Northland")


def test_an_author_line_run_together_is_found_by_the_affiliation_after_it():
    spans = author_lines(AUTHOR_LINE)
    assert [AUTHOR_LINE[s:e].split(" , ")[0] for s, e in spans] == ["JaneDoe"]
    assert "AnnaLee" in AUTHOR_LINE[spans[0][0]:spans[0][1]]


def test_names_in_an_author_line_are_no_methods(extractor):
    found = candidates(extractor, AUTHOR_LINE)
    assert not any(name in text for text in found for name in ("JaneDoe", "RichardRoeSmith", "AnnaLee"))


def test_a_list_of_models_is_no_author_line(extractor):
    text = "We compare DenseNet , ResNet and MobileNet on the data of the Center for Vision."
    assert author_lines(text) == []
    found = candidates(extractor, text)
    assert {found.get("DenseNet"), found.get("ResNet"), found.get("MobileNet")} == {"Method"}


def test_a_name_in_apposition_to_a_method_noun_is_a_method(extractor):
    found = candidates(extractor, "Our sampler is ten times faster than the strongest diffusion-based method, "
                                  "Blueberry, and closes the gap to the leading data-driven approach, "
                                  "Depth Whatever, which needs more labels.")
    assert found.get("Blueberry") == "Method"
    assert found.get("Depth Whatever") == "Method"


def test_a_capital_after_an_opening_phrase_starts_a_clause_not_a_name(extractor):
    found = candidates(extractor, "In our model, Attention (A) is computed once. For the baseline, Pruning, "
                                  "it is not.")
    assert "Attention" not in found and "Pruning" not in found


def test_a_letter_hyphened_to_a_capitalised_word_is_name_shaped(extractor):
    found = candidates(extractor, "It trades memory (like NeRF) against quality (better than Q-Planes).")
    assert found.get("Q-Planes") == "Method"


def test_a_task_acronym_listed_among_datasets_names_the_benchmark(extractor):
    listed = candidates(extractor, "We test it on vision-and-language tasks (VQA, GQA, NLVR2, MSCOCO).")
    assert listed.get("VQA") == "Dataset"
    assert listed.get("GQA") == "Dataset"
    alone = candidates(extractor, "We study VQA and report results on GQA.")
    assert alone.get("VQA") == "Task"


def test_a_title_case_run_before_a_part_noun_names_a_part(extractor):
    found = candidates(extractor, "We add (i) Spectral Mixing and Token Routing modules and a Depth Gate block "
                                  "to the encoder; we study Graph Theory in general.")
    assert found.get("Spectral Mixing") == "Method"
    assert found.get("Token Routing") == "Method"
    assert found.get("Depth Gate") == "Method"
    assert "Graph Theory" not in found


def test_a_greenhouse_gas_formula_names_nothing(extractor):
    found = candidates(extractor, "Training it emits as much CO_2 as five cars, and CO2 emission matters.")
    assert not any(text.startswith("CO") for text in found)
