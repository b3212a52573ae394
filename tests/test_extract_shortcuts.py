"""The extractor's speed shortcuts must answer exactly as the plain code they replace.

Each test runs a shortcut and the straightforward version beside it on sentences written
for the purpose: names, heads and measures next to digits, words met for the first time.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import re

import pytest

from kgbuild import extract as extract_package
from kgbuild.extract import candidates, features, lexicon, resources, rules
from kgbuild.extract.candidates import Found
from kgbuild.extract.caseblind import CaseBlindPattern, plain_ascii
from kgbuild.extract.entities import group_mentions
from kgbuild.extract.features import PaperView, entity_features, method_features
from kgbuild.extract.linear import LinearModel
from kgbuild.extract.names import NAME_TOKEN_RE
from kgbuild.extract.sentences import SentenceIndex

TEXTS = [
    "We propose QuokkaNet-L, a detector for oriented object detection, and test it on the "
    "Zubrowka dataset and the Frobnitz-7K benchmark, where its top-1 accuracy reaches 81.2%.",
    "Monocular Video Depth Estimation with XyzFormer++ (XF) improves the error rate of BlorpNet.",
    "the quick brown fox; nothing here is a name, a head or a measure",
    "",
]


def plain_scan(text: str) -> dict[str, list[int]]:
    """What WordScan finds, word by word in Python."""
    found = {"names": [], "task_heads": [], "dataset_heads": [], "measure_heads": []}
    for index, match in enumerate(NAME_TOKEN_RE.finditer(text)):
        flags = rules.word_class(match.group())
        for name, flag in (("names", rules.NAME), ("task_heads", rules.TASK_HEAD),
                           ("dataset_heads", rules.DATASET_HEAD), ("measure_heads", rules.MEASURE_HEAD)):
            if flags & flag:
                found[name].append(index)
    return found


@pytest.mark.parametrize("text", TEXTS)
def test_word_scan_finds_the_words_a_plain_loop_finds(text):
    rules._WORD_CLASS.clear()  # every word new: the first-time path runs too
    first = rules.WordScan(text)
    again = rules.WordScan(text)  # every word known now
    expected = plain_scan(text)
    for scan in (first, again):
        assert [m.span() for m in scan.words] == [m.span() for m in NAME_TOKEN_RE.finditer(text)]
        assert {name: getattr(scan, name) for name in expected} == expected
    if text.startswith("We propose"):
        assert first.names and first.task_heads and first.dataset_heads and first.measure_heads


MEASURE_SENTENCES = [
    "Its accuracy is 81.2 on the test set.",
    "Its accuracy is 7 on the test set.",  # the one number is the first digit
    "Its accuracy beats ResNet-50 and T5 on 3D scenes.",  # digits, all inside names
    "The accuracy is higher than that of the baseline.",
    "We improve accuracy.",
    "(1) We improve accuracy (2) at scale.",
    "It runs at 140fps with 2.7x less memory.",
]


@pytest.mark.parametrize("sentence", MEASURE_SENTENCES)
def test_a_sentence_measures_exactly_when_the_full_regexes_say_so(sentence):
    text = "A first sentence. " + sentence + " A last one."
    start = text.index(sentence)
    end = start + len(sentence)
    expected = bool(candidates.MEASUREMENT_RE.search(text, start, end)
                    or candidates.MEASURE_CUE_RE.unicode.search(text, start, end))
    candidates._sentence_measures.cache_clear()
    assert candidates._sentence_measures(text, start, end) is expected


def test_measure_answers_differ_across_the_sentences():
    """(The test above would pass with a constant answer if every sentence gave the same one.)"""
    answers = set()
    for sentence in MEASURE_SENTENCES:
        text = "A first sentence. " + sentence + " A last one."
        start = text.index(sentence)
        answers.add(candidates._sentence_measures(text, start, start + len(sentence)))
    assert answers == {True, False}


def test_word_lists_make_the_name_keys_and_let_the_lexicon_reading_go():
    lexicon._name_keys.cache_clear()
    rules.load_word_lists()
    assert lexicon._name_keys.cache_info().currsize == 1  # made now, not by the first texts
    assert resources.lexicon_texts_by_label.cache_info().currsize == 0  # its rows not kept
    datasets, sorted_datasets, sorted_methods = lexicon._name_keys()
    assert sorted_datasets == sorted(datasets) and sorted_methods and "" not in datasets


def test_a_binary_model_probability_is_the_sigmoid_of_its_score():
    model = LinearModel("toy", ["no", "yes"], [{"a": 1.5, "b": -0.25, "plain|c": 2.0, "c": 0.5}], [-0.5])
    for features, style in ((["a", "b", "a"], None), (["a", "c"], "plain"), (["c"], None), ([], "plain")):
        (score,) = model.scores(features, style)
        assert model.probability(features, style) == 1.0 / (1.0 + math.exp(-score))
    assert model.probability(["a", "c"], "plain") > model.probability(["a", "c"])


def _view(texts, found):
    sentences = {field: SentenceIndex(text) for field, text in texts.items()}
    return PaperView(texts, sentences, found, group_mentions(found, []))


def test_a_regrouped_view_gives_the_features_of_a_fresh_one():
    texts = {"title": "QuokkaNet: Fast Detection",
             "abstract": "We propose QuokkaNet. QuokkaNet beats BlorpNet on Zubrowka. We evaluate BlorpNet too."}
    found = [Found("title", 0, 9, "Method", None, 4, "QuokkaNet")]
    abstract = texts["abstract"]
    for name, etype in (("QuokkaNet", "Method"), ("BlorpNet", "Method"), ("Zubrowka", "Dataset")):
        at = abstract.find(name)
        while at >= 0:
            found.append(Found("abstract", at, at + len(name), etype, None, 4, name))
            at = abstract.find(name, at + 1)
    found.sort(key=lambda f: (f.field != "title", f.start))
    first = _view(texts, found)
    for draft in first.drafts:
        entity_features(first, draft)  # fills the text caches the regrouped view keeps,
        method_features(first, draft, False)  # and the paper's counts, which it must not
    kept = [f for f in found if f.text != "BlorpNet"]
    fresh = _view(texts, kept)
    regrouped = first.regrouped(kept, fresh.drafts)
    assert regrouped.found is kept and regrouped.drafts is fresh.drafts
    for draft in fresh.drafts:
        assert entity_features(regrouped, draft) == entity_features(fresh, draft)
        assert method_features(regrouped, draft, False) == method_features(fresh, draft, False)


def test_words_start_where_a_word_starts_as_the_look_behind_said():
    # the look-behind form NAME_TOKEN_RE had: no word character before the first letter
    # (written out: the pattern's own runs are possessive now)
    # (and with the chunks joined by underscores: "NetInfoF_Probe", "CNN_{3L}")
    look_behind = re.compile(r"[A-Za-z0-9](?<![\w][A-Za-z0-9])[A-Za-z0-9]*"
                             r"(?:(?:[-.]|\.(?=\d))[A-Za-z0-9]+|_[A-Za-z0-9]+|_\{[A-Za-z0-9]+\})*(?:\+\+|\+(?!\w))?")
    for text in [*TEXTS, "x_ResNet-50 ÉtéNet2 über3D a.b 3.5x GPT-4+ C++ é9 _7 (BERT)/RoBERTa' CNN_{3L} W_{ij"]:
        assert [m.span() for m in NAME_TOKEN_RE.finditer(text)] == [m.span() for m in look_behind.finditer(text)]


def test_word_shape_collapses_runs_as_the_regex_does():
    for text in ("ResNet-101", "BERT", "aaaBBB--11..", "x", "", "Two\n\nLines  ", "Éé-ü9", "A" * 40):
        assert features.word_shape(text) == features.SHAPE_RUNS_RE.sub(r"\1", text[:24].translate(features.SHAPE_TABLE))



# The name-token pattern as it was written before its runs were made possessive.
GREEDY_NAME_TOKEN_RE = re.compile(r"\b[A-Za-z0-9][A-Za-z0-9]*(?:(?:[-.]|\.(?=\d))[A-Za-z0-9]+|_[A-Za-z0-9]+|_\{[A-Za-z0-9]+\})*"
                                  r"(?:\+\+|\+(?!\w))?")
NAME_TOKEN_TEXTS = TEXTS + [
    "v1.2.3 beats C++ and XyzFormer++ on Set-5. 3.14 and e.g. ResNet-50-v2.1, a.b.c. and -x- ..x",
    "Trailing dot. Hyphen- end; A+B+ C+, Zork+ net. 12.5% gains, éclair5 and naïve-ly",
    "NetInfoF_Probe and CNN_{3L}, W_{ij and a_b_ or _x, Fid_+ and v_1.2",
]


@pytest.mark.parametrize("text", NAME_TOKEN_TEXTS)
def test_possessive_name_tokens_are_the_greedy_ones(text):
    assert [m.span() for m in NAME_TOKEN_RE.finditer(text)] == [m.span() for m in GREEDY_NAME_TOKEN_RE.finditer(text)]


def test_text_style_kept_per_text_answers_as_computed():
    spaced = "We test it on X , Y and Z . It ( the model ) works ."
    plain = "We test it on X, Y and Z. It works."
    for _ in range(2):  # the second round answers from what the first kept
        for text in (spaced, plain, "", spaced[:20]):
            probe = text[:2000]
            expected = "spaced" if probe.count(" , ") + probe.count(" . ") + probe.count(" ( ") >= 3 else "plain"
            assert features.text_style(text) == expected
    assert features.text_style(spaced) == "spaced" and features.text_style(plain) == "plain"


ASCII_TEXTS = [t for t in NAME_TOKEN_TEXTS if t.isascii() and "_" not in t] + [
    "C++11 and C+11, A+B+C++D, x++y, 3.5x vs. 2x-3x; R-CNN/ViT-B/16 (ours), a-b.c-d. 1-2-3",
]


@pytest.mark.parametrize("text", ASCII_TEXTS)
def test_the_ascii_name_tokens_are_the_ones_with_the_word_boundary(text):
    from kgbuild.extract.names import ASCII_NAME_TOKEN_RE

    assert [m.span() for m in ASCII_NAME_TOKEN_RE.finditer(text)] == [m.span() for m in NAME_TOKEN_RE.finditer(text)]


@pytest.mark.parametrize("text", ["x_ResNet-50 a_b", "ÉtéNet2 über3D é9 ResNet-50"])
def test_word_scan_reads_underscores_and_other_letters_with_the_word_boundary(text):
    # without the "\b", "ResNet" of "x_ResNet" and "t" of "ÉtéNet2" would be words
    assert [m.span() for m in rules.WordScan(text).words] == [m.span() for m in NAME_TOKEN_RE.finditer(text)]


def test_the_entity_features_read_untyped_score_as_the_typed_ones_written_out():
    # the entity decision reads the name's and the context's features without their typed
    # copies ("Method:prev=propose"); a model that weighs both forms scores them the same
    texts = {"title": "QuokkaNet for Zubrowka Detection",
             "abstract": "We propose QuokkaNet (QN). Results on Zubrowka show 81.2% accuracy for QuokkaNet."}
    found = [Found("title", 0, 9, "Method", None, 4, "QuokkaNet"), Found("title", 14, 22, "Dataset", "zub", 0, "Zubrowka")]
    abstract = texts["abstract"]
    for name, etype in (("QuokkaNet", "Method"), ("Zubrowka", "Dataset")):
        at = abstract.find(name)
        while at >= 0:
            found.append(Found("abstract", at, at + len(name), etype, None, 4, name))
            at = abstract.find(name, at + 1)
    found.sort(key=lambda f: (f.field != "title", f.start))
    view = _view(texts, found)
    every = sorted({f for draft in view.drafts for f in entity_features(view, draft)})
    assert any(f.startswith("Method:prev=") for f in every) and any(":sent_" in f for f in every)
    weights = {f: (i % 7 - 3) / 4 for i, f in enumerate(every)}
    weights.update({f"plain|{f}": 0.125 for f in every[::3]})
    model = LinearModel("entity", ["no", "yes"], [weights], [0.25])
    for draft in view.drafts:
        written = model.logit(entity_features(view, draft), "plain")
        read = model.logit(features.entity_own_features(draft), "plain") \
            + model.typed_contribution(features.name_features(draft.name), draft.etype, "plain") \
            + model.typed_contribution(features.entity_context_features(view, draft, typed=False), draft.etype, "plain")
        assert math.isclose(read, written, abs_tol=1e-9)


# Sentences that set off the case-blind cues, in every case, with the white space and
# punctuation the cue patterns read around them.
CUE_TEXTS = [
    "In This Paper We PROPOSE QuokkaNet, and then Introduce its Swin-T Backbone serving as the encoder.",
    "QuokkaNet Serving As The Strong Backbone outperforms BlorpNet by +2.1 mAP, a gain of 3.4%, up to 7x faster.",
    "Backbone networks such as ResNet-50 and architectures built upon ViT-B; models based on the DenseNet.",
    "Experiments on the CHALLENGING Zubrowka and Frobnitz benchmarks show it surpasses prior art, compared with X.",
    "Its accuracy is higher than BlorpNet's, in terms of Recall, dubbed as \"Quokka\", named the Quokka Model.",
    "tabs\tand\nnew lines\r\n between Words: evaluated ON  Frobnitz,\x0bvalidated\x0con it (see Fig. 2).",
    "QuokkaNet Reaches 84.1% Top-1, Showing Its Promise As A General-Purpose Vision Backbone.",
    "A QuokkaNet Pre-Trained ON The Large-Scale Zubrowka corpus, Learnt with Frobnitz: 2% LOWER error.",
]


def _twins():
    """``(name, pattern, ASCII twin)`` of every ``CaseBlindPattern`` a module of ``kgbuild.extract``
    holds, named after its first holder (one imported elsewhere is the same object, listed once)."""
    seen: set[int] = set()
    for module_info in sorted(pkgutil.iter_modules(extract_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{extract_package.__name__}.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, CaseBlindPattern) and id(value) not in seen:
                seen.add(id(value))
                yield f"{module_info.name}.{name}", value.unicode, value.ascii


def _lowered_twins():
    """``(name, pattern, lower-case twin)`` of every ``CaseBlindPattern`` that has one."""
    for module_info in sorted(pkgutil.iter_modules(extract_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{extract_package.__name__}.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, CaseBlindPattern) and value.lowered is not None:
                yield f"{module_info.name}.{name}", value.unicode, value.lowered


@pytest.mark.parametrize("text", CUE_TEXTS)
def test_the_lower_case_twins_match_the_lowered_text_where_the_patterns_match_the_text(text):
    assert plain_ascii(text)
    lowered = text.lower()
    twins = list(_lowered_twins())
    assert len(twins) >= 12  # (the cue patterns of the proposed flag, the facts and the features)
    for name, pattern, twin in twins:
        assert not twin.flags & re.IGNORECASE, name
        for pos in range(len(text) + 1):
            assert [m.span() for m in twin.finditer(lowered, pos)] == [m.span() for m in pattern.finditer(text, pos)], name
            expected = pattern.search(text, max(0, pos - 40), pos)
            got = twin.search(lowered, max(0, pos - 40), pos)
            assert (got and got.span()) == (expected and expected.span()), name
            expected, got = pattern.match(text, pos), twin.match(lowered, pos)
            assert (got and got.span()) == (expected and expected.span()), name


def test_a_case_blind_pattern_runs_the_twin_that_suits_the_text():
    pattern = CaseBlindPattern(r"\bserv(?:es|ing) as\s+the\s+backbones?\b")
    assert pattern.lowered is not None
    for text in ("Its SERVING AS THE Backbone works", "its serving as\x1cthe backbone works",
                 "its Serving as the Kelvin \u212a backbone", "Über: serving as the backbone"):
        expected = [m.span() for m in pattern.unicode.finditer(text)]
        assert [m.span() for m in pattern.finditer(text)] == expected
        assert (pattern.search(text) and pattern.search(text).span()) == (expected[:1] or [None])[0]
        start = expected[0][0] if expected else 0
        assert bool(pattern.match(text, start)) is bool(expected)
    # patterns with a capital, an escape that may stand for one or case-sensitive parts have none
    for source in (r"\bX\d", r"(?-i:[A-Z]{2})s", r"\x41b", r"\N{LATIN SMALL LETTER A}", r"(?P<n>ab)"):
        assert CaseBlindPattern(source).lowered is None, source
    assert CaseBlindPattern(r"\S+\W\D\B(?:a|b)(?=c)(?!d)(?<=e)(?<!f)\\").lowered is not None


@pytest.mark.parametrize("text", CUE_TEXTS)
def test_the_ascii_twins_of_case_blind_patterns_match_where_the_patterns_do(text):
    assert plain_ascii(text)
    twins = list(_twins())
    assert len(twins) >= 11  # (as many as there were when the test was written)
    for name, pattern, twin in twins:
        assert pattern.flags & re.IGNORECASE, name
        # every start (as the windowed searches use them) and the whole text
        for pos in range(len(text) + 1):
            assert [m.span() for m in twin.finditer(text, pos)] == [m.span() for m in pattern.finditer(text, pos)], name
            expected = pattern.search(text, max(0, pos - 40), pos)
            got = twin.search(text, max(0, pos - 40), pos)
            assert (got and got.span()) == (expected and expected.span()), name
            expected, got = pattern.match(text, pos), twin.match(text, pos)
            assert (got and got.span()) == (expected and expected.span()), name


def test_the_cue_texts_set_the_cues_off():
    """(The test above would pass on texts no pattern matches.)"""
    # (the patterns that end in "$" match at the end of a window: each end is tried)
    matched = {name for name, pattern, _ in _twins() for text in CUE_TEXTS
               for end in range(len(text) + 1) if pattern.search(text, 0, end)}
    assert matched == {name for name, _, _ in _twins()}


def test_texts_with_other_characters_or_the_separators_keep_the_patterns():
    # Unicode reads U+001C-U+001F as white space, ASCII does not: the twins would differ there
    spaced = "used as\x1cthe backbone"
    pattern = CaseBlindPattern(r"used as\s+the backbone")
    assert pattern.unicode.search(spaced) and not pattern.ascii.search(spaced)
    assert pattern.for_text(spaced) is pattern.unicode and pattern.search(spaced)
    assert pattern.match(spaced) and [m.span() for m in pattern.finditer(spaced)] == [(0, len(spaced))]
    assert pattern.for_text("USED AS THE BACKBONE") is pattern.ascii
    assert not any(plain_ascii(f"used as{separator}the backbone") for separator in "\x1c\x1d\x1e\x1f")
    assert not plain_ascii("serving as the Kelvin \u212a backbone")  # (the Kelvin sign folds to "k")
    assert plain_ascii("serving as the backbone") and plain_ascii("")


def test_every_propose_verb_holds_a_stem_the_cheap_search_finds():
    # method_features and mark_proposed skip the propose cue where no stem occurs
    from kgbuild.extract.resources import PATTERN_DIR, read_jsonl

    stems = [row["pattern"] for row in read_jsonl(PATTERN_DIR / "propose_verb_stems.jsonl")]
    for row in read_jsonl(PATTERN_DIR / "propose_verbs.jsonl"):
        assert any(row["pattern"].startswith(stem) for stem in stems), row["pattern"]


def test_propose_verb_stems_are_plain_strings_found_as_their_alternation_finds_them():
    from kgbuild.extract.facts import PROPOSE_VERB_STEMS, holds_propose_verb

    assert PROPOSE_VERB_STEMS and all(re.fullmatch(r"[\w ]+", stem) for stem in PROPOSE_VERB_STEMS)  # no regex syntax
    alternation = re.compile("|".join(PROPOSE_VERB_STEMS))
    answers = set()
    for text in CUE_TEXTS + TEXTS:
        lowered = text.lower()
        for start in range(0, len(lowered) + 1, 3):
            for end in (start, start + 9, start + 40, len(lowered)):
                expected = alternation.search(lowered, start, end) is not None
                assert holds_propose_verb(lowered, start, end) is expected
                answers.add(expected)
    assert answers == {True, False}


@pytest.mark.parametrize("text", CUE_TEXTS + TEXTS + ["Über-Net and the \u212aelvin-Net, ÉtéNet2 3.5 of the ResNet-50 X-"])
def test_words_around_a_position_are_the_words_lowered_one_by_one(text):
    for pos in range(len(text) + 1):
        for n in (1, 2, 4):
            before = [w.lower() for w in features.WORD_RE.findall(text[max(0, pos - 12 * n):pos])[-n:]]
            after = [w.lower() for w in features.WORD_RE.findall(text[pos:min(len(text), pos + 12 * n)])[:n]]
            assert features.words_before(text, pos, n) == before
            assert features.words_after(text, pos, n) == after


# Words that reach the name-shape and generic-term tests: names, numbers, numerals, years,
# hyphenated forms, digits from other scripts, capitals outside ASCII and a line break.
SHAPE_WORDS = [
    "QuokkaNet", "Blorp-L", "Swin-T", "GPT-4", "T5", "YOLOv3", "v2", "2019", "2019a", "1999b", "20th", "3D", "3-D",
    "12.5", "1.5x", "140fps", "IV", "XL", "XIV", "Ivy", "Xylo-Net", "A100", "iPhone12", "GPU-Computation",
    "Text-to-3D", "post-GELU", "Base-Net", "Inception-3", "a", "", "I", "7", "x-y", "ab.cd", "Ab.Cd", "CNNs",
    "LLMs", "٣D", "٢٠١٩", "Ǆemal", "ǅemal-X", "Éclair9", "über-Net", "Net12\n", "Net\n", "QuokkaNet-٣",
    "ResNet-50-v2.1", "e.g.", "Fig.", "ROBERTA-large", "dataset-7K", "Foo-Bar-Baz",
]


def _name_shaped_as_written_before(word: str) -> bool:
    """``names.is_name_shaped`` as it was before its shortcuts (every pattern tried)."""
    from kgbuild.extract import names

    if len(word) < 2 or names.YEAR_RE.match(word) or names.ORDINAL_OR_UNIT_RE.match(word):
        return False
    if not word[0].isalpha() and not any(c.isupper() for c in word):
        return False
    parts = names.NAME_PART_SEPARATOR_RE.split(word)
    if names.INTERNAL_CAPITAL_RE.match(parts[0]) or any(names.INTERNAL_CAPITAL_RE.match(p) for p in parts):
        return True
    if any(c.isupper() for c in word) and names.LETTER_DIGIT_RE.search(word):
        return True
    if len(parts) > 1 and parts[0][:1].isupper() and any(p.isupper() for p in parts[1:]):
        return True
    if len(parts) > 1 and parts[0][:1].isupper() and parts[-1].isdigit() and len(parts[0]) > 1:
        return True
    if len(parts) > 1 and all(p[:1].isupper() for p in parts) and parts[-1] in names.NAME_SUFFIX_WORDS:
        return True
    return False


def _generic_as_written_before(word: str) -> bool:
    """``names.is_generic_term`` as it was before its shortcuts."""
    from kgbuild.extract import names

    never = resources.term_list("never_entities")
    if word in resources.term_list("not_methods") or word.lower() in resources.lowered_term_list("not_methods_lower"):
        return True
    stem = names.TRAILING_DIGITS_RE.sub("", word)
    if stem in never or word in never:
        return True
    parts = word.split("-")
    if len(parts) > 1 and parts[0] in never:
        return True
    if len(parts) > 1 and ("to" in parts[1:-1] or parts[0].islower()):
        return True
    return False


def test_name_shape_and_generic_terms_answer_as_before_their_shortcuts():
    from kgbuild.extract import names

    names.is_name_shaped.cache_clear()
    words = SHAPE_WORDS + [m.group() for text in NAME_TOKEN_TEXTS + CUE_TEXTS for m in NAME_TOKEN_RE.finditer(text)]
    for word in words:
        assert names.is_name_shaped(word) is _name_shaped_as_written_before(word), word
        assert names.is_generic_term(word) is _generic_as_written_before(word), word
    # (both answers occur, or the test would pass on a constant)
    assert {names.is_name_shaped(w) for w in words} == {names.is_generic_term(w) for w in words} == {True, False}


DIMENSION_TEXTS = [
    "A 3D U-Net and a 2D ControlNet beat 1D convs; not x3D Net, v.2D Map, 1-2D Foo, 5D Bar or 3D  two.",
    "3D Gaussians open the text; (4D Scenes) and 2D-3D lifting, 3Ds, 23D Net, é2D Net, _3D Net.",
]


@pytest.mark.parametrize("text", DIMENSION_TEXTS)
def test_the_dimension_pattern_finds_what_its_look_behind_first_form_found(text):
    look_behind_first = re.compile(r"(?<![\w.-])[1-4]D (?=\w)")
    expected = [m.span() for m in look_behind_first.finditer(text)]
    assert [m.span() for m in candidates.DIMENSION_RE.finditer(text)] == expected
    assert expected  # (the texts hold dimensions)


@pytest.mark.parametrize("text", [
    "Code: https://github.com/quokka/net and www.quokka.org; see quokka.io/docs or a/b tests.",
    "No link here, only A/B testing and w/o augmentation.",
    "No slash at all, and no web address.",
    "Mirror at ftp://files.example.edu/x, also example.ai/y.",
])
def test_url_spans_are_the_url_pattern_matches(text):
    assert candidates._url_spans(text) == [m.span() for m in candidates.URL_RE.finditer(text)]


@pytest.mark.parametrize("texts", [
    {"title": "QuokkaNet", "abstract": "We study computer vision with deep learning (DL)."},
    {"title": "Machine Learning for Zubrowka", "abstract": "Nothing broad here."},
    {"title": "QuokkaNet", "abstract": "Nothing broad here either."},
])
def test_broad_fields_are_dropped_exactly_where_one_is_written(texts):
    from kgbuild.extract.entities import BROAD_FIELDS, without_broad_fields

    lowered = {field: text.lower() for field, text in texts.items()}
    found = []
    for field, text in lowered.items():
        for term in BROAD_FIELDS:
            at = text.find(term)
            if at >= 0:
                found.append(Found(field, at, at + len(term), "Task", None, 3, texts[field][at:at + len(term)]))
    found.append(Found("title", 0, 3, "Method", None, 4, texts["title"][:3]))
    written = any(re.search("|".join(map(re.escape, sorted(BROAD_FIELDS))), text) for text in lowered.values())
    kept = without_broad_fields(found, lowered, [])
    assert len(kept) == (1 if written else len(found))


# Patterns rewritten so that the regex engine can skip ahead (a leading look-behind or word
# boundary tested after the first character, runs taken whole), beside the forms they had.
REWRITTEN_PATTERNS = {
    "result_features.CLAUSE_STOP_RE": r"[;]|\bwhile\b|\bwhereas\b|\bbut\b|\bwhich\b|, and\b",
    "result_features.CANDIDATE_RE": r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                                    r"(?:(\s?%|\s?percent\b)|([KMBGT])(?=[A-Z]|\b)|\s(thousand|million|billion)\b)?",
    "rules.WORD_AT_END_RE": r"([A-Za-z0-9][\w\-.+]*?)(\s*)$",
    "features.NUMBER_RE": r"\d+(?:\.\d+)?\s*%|\b\d+\.\d+\b",
    "candidates.MEASURE_MODIFIER_BACK_RE": r"(?<![^\s(])([a-z][a-z0-9]*(?:-[a-z0-9]+)*) $",
}
REWRITE_TEXTS = [
    "QuokkaNet reaches 81.2% (v1.5, 3.14x) while BlorpNet-2 gets 1,234,567.8 and 12,34 points; but which "
    "awhile, whereas butter, 2.7M params, 14 million steps, 5 percent, x400 AP50 .5 and 7.",
    "Zubrowka 2019: a 140fps model with 4.5G FLOPs, 77M weights and 1.5 thousand classes, which are 2.6 AP, "
    "0.8 mAP better than ResNet-50, and 3.5% lower; somewhile nowhich, ButNet.",
    "Trailing words: Blorp-Net++ v2.1  ", "a.b-c+ \n", "12ab 3.4.5 6,789,012 0.5% and 1 2 3 ",
    "the (top-1 test accuracy and one-shot rank-1 frame error rate x9-y rate, Top-5 xAccuracy tests )",
]


@pytest.mark.parametrize("name", sorted(REWRITTEN_PATTERNS))
def test_rewritten_patterns_match_as_their_plain_forms_did(name):
    module_name, attribute = name.split(".")
    rewritten = getattr(importlib.import_module(f"kgbuild.extract.{module_name}"), attribute)
    plain = re.compile(REWRITTEN_PATTERNS[name])
    found = 0
    for text in REWRITE_TEXTS:
        for pos in range(len(text) + 1):
            expected = [(m.span(), m.groups()) for m in plain.finditer(text, pos)]
            assert [(m.span(), m.groups()) for m in rewritten.finditer(text, pos)] == expected, (name, pos)
            found += len(expected)
            for window in (text[max(0, pos - 40):pos], text[pos:pos + 40]):
                expected = plain.search(window)
                got = rewritten.search(window)
                assert (got and (got.span(), got.groups())) == (expected and (expected.span(), expected.groups()))
                found += expected is not None
    assert found  # (the texts hold what the pattern finds)


@pytest.mark.parametrize("text", CUE_TEXTS + [
    "Backbones such as ResNet; a backbone like ViT, the BACKBONE CNN models, e.g., VGG, and xbackbone (no). "
    "backbone networks: A, B; backbone of it; backbones in computer vision, such as Swin.",
    "Über backbones such as ÉtéNet: not plain ASCII, the pattern itself runs.",
])
def test_backbone_list_cues_are_the_pattern_matches(text):
    from kgbuild.extract.facts import BACKBONE_LIST_RE, backbone_list_cues

    expected = [m.span() for m in BACKBONE_LIST_RE.unicode.finditer(text)]
    assert [m.span() for m in backbone_list_cues(text)] == expected
    if "such as" in text:
        assert expected


NAMING_TEXTS = [
    "We propose a model called QuokkaNet 2, dubbed \"Blorp\", termed the Zork Model, also referred to as ZM "
    "and nicknamed Quokka-L; its part, denoted as FooNet, is named Bar++ and coined Baz.",
    "A detector named Florence 2. Florence 2 wins; recalled X, undubbed Y, called it, named the NeO 360 for NeO 360 scenes.",
    "No cue here at all.",
]


def test_every_naming_word_opens_with_a_naming_cue():
    from kgbuild.extract.resources import PATTERN_DIR, read_jsonl

    for row in read_jsonl(PATTERN_DIR / "naming_words.jsonl"):
        assert any(row["pattern"].startswith(cue) for cue in rules.NAMED_CUES), row["pattern"]


@pytest.mark.parametrize("text", NAMING_TEXTS + CUE_TEXTS)
def test_naming_cue_matches_are_the_pattern_matches(text):
    expected = [(m.span(), m.group("name")) for m in rules.NAMED_CUE_RE.finditer(text)]
    assert [(m.span(), m.group("name")) for m in rules._named_cue_matches(text)] == expected
    if text in NAMING_TEXTS[:2]:
        assert len(expected) >= 2
