"""Task phrases the word lists alone would miss, offered to the entity model as "loose"
candidates: hyphenated modifiers outside the task vocabulary, and heads that the text itself
calls a task ("... tasks", a title's "for Classification").  Sentences of our own making."""

from __future__ import annotations

from kgbuild.extract import rules
from kgbuild.extract.candidates import LOOSE, field_candidates
from kgbuild.extract.entities import group_mentions
from kgbuild.extract.features import entity_own_features
from kgbuild.extract.pipeline import Extractor
from kgbuild.extract.sentences import SentenceIndex


def task_candidates(extractor: Extractor, text: str, is_title: bool = False) -> dict[str, int]:
    """Written form -> source rank of the Task candidates the rules keep in one field."""
    hits = extractor.nlp(text).user_data["lexicon"]
    found, _ = field_candidates(text, "title" if is_title else "abstract", hits, is_title, SentenceIndex(text))
    return {f.text: f.rank for f in found if f.etype == "Task"}


def phrases(text: str, in_title: bool = False) -> dict[str, bool]:
    rules.load_word_lists()
    return {text[start:end]: loose for start, end, loose in rules.task_phrases(rules.WordScan(text), in_title)}


def test_a_hyphenated_modifier_outside_the_vocabulary_stays_in_the_task_name(extractor):
    found = task_candidates(extractor, "We address arbitrary-shaped text detection in natural scenes.")
    assert found == {"arbitrary-shaped text detection": LOOSE}


def test_a_hyphenated_word_saying_how_or_how_well_is_no_part_of_the_task():
    assert phrases("A diffusion-based image generation method.") == {"image generation": False}
    assert phrases("It enables high-quality image generation.") == {"image generation": False}
    assert phrases("We use a patch-wise text detection head.") == {"text detection": False}


def test_modifiers_from_the_vocabulary_alone_make_a_plain_phrase():
    assert phrases("We address oriented object detection in aerial images.") == {"oriented object detection": False}


def test_a_verb_or_judgement_before_the_head_is_still_no_modifier():
    # a plain word outside the vocabulary ends the name, as before: only hyphenated ones go on
    assert phrases("Our module improves object detection.") == {"object detection": False}
    assert phrases("It gives accurate text detection.") == {"text detection": False}
    assert phrases("It reaches state-of-the-art object detection.") == {"object detection": False}


def test_a_head_followed_by_tasks_is_a_task_even_alone(extractor):
    found = task_candidates(extractor, "The backbone serves both classification and segmentation tasks.")
    assert found.get("segmentation") == LOOSE


def test_a_generic_head_with_an_unknown_ending_needs_the_word_tasks():
    # "dense prediction" is no known task ending: written as a task, it is offered
    assert phrases("It helps many dense prediction tasks.") == {"dense prediction": True}
    assert phrases("It makes a dense prediction of depth.") == {}


def test_a_bare_head_without_such_context_is_no_candidate():
    assert phrases("The detection of small objects remains hard.") == {}
    assert phrases("We improve segmentation with a new loss.") == {}


def test_a_title_for_names_its_task():
    assert phrases("Wide Networks Are Optimal for Classification", in_title=True) == {"Classification": True}
    assert phrases("Wide Networks and Classification", in_title=True) == {}


def test_the_entity_model_sees_that_a_candidate_is_loose(extractor):
    text = "We address arbitrary-shaped text detection in natural scenes."
    hits = extractor.nlp(text).user_data["lexicon"]
    found, definitions = field_candidates(text, "abstract", hits, False, SentenceIndex(text))
    (draft,) = [d for d in group_mentions(found, definitions) if d.etype == "Task"]
    assert "source=loose" in entity_own_features(draft)
