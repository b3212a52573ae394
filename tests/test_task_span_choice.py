"""The trained choice of a task's span: which words before a head word ("detection",
"estimation") belong to the task's name.  Sentences of our own making."""

from __future__ import annotations

from kgbuild.extract import rules
from kgbuild.extract.candidates import PHRASE, SPAN_DOUBTFUL, SPAN_FAIR, field_candidates, span_rank
from kgbuild.extract.entities import group_mentions
from kgbuild.extract.features import entity_own_features
from kgbuild.extract.sentences import SentenceIndex
from kgbuild.extract.task_spans import MAX_MODIFIERS, TaskSpans, span_options


def offered(text: str, head: str, in_title: bool = False) -> list[str] | None:
    """The spans the head word ``head`` offers, shortest first."""
    rules.load_word_lists()
    scan = rules.WordScan(text)
    (index,) = [i for i in scan.task_heads if scan.words[i].group() == head]
    options = span_options(scan, index, in_title)
    if options is None:
        return None
    word, modifiers = options
    starts = [word.start()] + [m.start() for m in modifiers]
    return [text[start:word.end()] for start in starts]


def chosen_tasks(extractor, text: str, is_title: bool = False) -> dict[str, int]:
    """Written form -> source rank of the Task candidates of one field, spans chosen by the
    shipped span model."""
    hits = extractor.nlp(text).user_data["lexicon"]
    lowered = {"title": text.lower() if is_title else "", "abstract": "" if is_title else text.lower()}
    chooser = TaskSpans(extractor.decisions.get("task_span"), None, "plain", lowered)
    found, _ = field_candidates(text, "title" if is_title else "abstract", hits, is_title, SentenceIndex(text),
                                task_chooser=chooser)
    return {f.text: f.rank for f in found if f.etype == "Task"}


def test_a_head_offers_every_span_up_to_a_stop_word():
    assert offered("We study the arbitrary-shaped scene text detection problem.", "detection") == [
        "detection", "text detection", "scene text detection", "arbitrary-shaped scene text detection"]


def test_punctuation_and_adverbs_end_the_spans_a_head_offers():
    assert offered("Robust, accurate depth estimation", "estimation") == [
        "estimation", "depth estimation", "accurate depth estimation"]
    assert offered("a truly general pose estimation", "estimation") == [
        "estimation", "pose estimation", "general pose estimation"]


def test_no_more_than_the_longest_name_is_offered():
    spans = offered("We tackle large scale weakly supervised video object instance segmentation.", "segmentation")
    assert len(spans) == MAX_MODIFIERS + 1
    assert spans[-1] == "supervised video object instance segmentation"


def test_a_capitalised_head_starting_a_sentence_offers_nothing():
    assert offered("We evaluate it. Detection of small objects is hard.", "Detection") is None
    assert offered("We study Small Object Detection in drone images.", "Detection") == [
        "Detection", "Object Detection", "Small Object Detection", "study Small Object Detection"]


def test_the_model_keeps_a_hyphenated_modifier_outside_the_vocabulary(extractor):
    found = chosen_tasks(extractor, "We address arbitrary-shaped text detection in natural images.")
    assert "arbitrary-shaped text detection" in found


def test_the_model_takes_every_word_of_a_long_task_name(extractor):
    assert set(chosen_tasks(extractor, "We study few-shot point cloud completion.")) == {
        "few-shot point cloud completion"}


def test_the_model_leaves_out_a_verb_before_the_task(extractor):
    found = chosen_tasks(extractor, "Our module improves monocular depth estimation on indoor scenes.")
    assert "monocular depth estimation" in found
    assert not any(name.startswith("improves") for name in found)


def test_the_model_leaves_out_a_word_that_says_how(extractor):
    found = chosen_tasks(extractor, "We propose a diffusion-based image generation model.")
    assert not any(name.startswith("diffusion") for name in found)


def test_the_entity_model_reads_how_sure_the_span_model_was(extractor):
    text = "We study few-shot point cloud completion."
    hits = extractor.nlp(text).user_data["lexicon"]
    chooser = TaskSpans(extractor.decisions.get("task_span"), None, "plain", {"title": "", "abstract": text.lower()})
    found, definitions = field_candidates(text, "abstract", hits, False, SentenceIndex(text), task_chooser=chooser)
    (draft,) = [d for d in group_mentions(found, definitions) if d.etype == "Task"]
    assert "source=span_likely" in entity_own_features(draft)
    assert span_rank(0.3) == SPAN_DOUBTFUL


def test_without_a_span_model_the_rule_spans_stand(extractor):
    text = "We address rotated ship detection in aerial images."
    hits = extractor.nlp(text).user_data["lexicon"]
    chooser = TaskSpans(None, None, "plain", {"title": "", "abstract": text.lower()})
    found, _ = field_candidates(text, "abstract", hits, False, SentenceIndex(text), task_chooser=chooser)
    assert {f.text: f.rank for f in found if f.etype == "Task"} == {"rotated ship detection": PHRASE}


def test_training_lists_the_head_words_that_seldom_end_a_task():
    from kgbuild.extract.linear import LinearModel
    from kgbuild.train import RARE_HEAD_MIN, fit_task_span

    rows = []
    for n in range(RARE_HEAD_MIN + 2):  # "design" never names a task, "detection" often does
        rows += [(["k=0", "h=design"], "no"), (["k=1", "h=design", "f=system"], "no")]
        rows += [(["k=0", "h=detection"], "no"), (["k=1", "h=detection", "f=object"], "yes" if n % 2 else "no")]
    rows += [(["k=0", "h=parsing"], "no")] * (RARE_HEAD_MIN - 1)  # too seldom seen to judge
    model = fit_task_span(rows)
    assert model.extra == {"rare_heads": ["design"]}
    assert LinearModel.from_json(model.to_json()).extra == {"rare_heads": ["design"]}


def test_a_skipped_head_word_offers_no_task(extractor):
    import copy

    text = "We address rotated ship detection in aerial images."
    model = copy.copy(extractor.decisions.get("task_span"))
    assert chosen_tasks(extractor, text) == {"rotated ship detection": SPAN_FAIR}  # (the head kept)
    model.extra = {"rare_heads": ["detection"]}
    hits = extractor.nlp(text).user_data["lexicon"]
    chooser = TaskSpans(model, None, "plain", {"title": "", "abstract": text.lower()})
    found, _ = field_candidates(text, "abstract", hits, False, SentenceIndex(text), task_chooser=chooser)
    assert not [f for f in found if f.etype == "Task"]
