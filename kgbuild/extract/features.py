"""What the trained decisions look at: string features of candidates the rules produced.

Each function turns one candidate (an entity draft, a method's role, a method/dataset
pair) into a list of feature strings.  The rules' own verdicts are features too, so a
model learns when to trust them.  Everything here reads the raw text and the extractor's
plain intermediate records; no spaCy object.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import groupby

from kgbuild.extract.candidates import DEFINED, Found
from kgbuild.extract.entities import EntityDraft
from kgbuild.extract.facts import (COMPARED_BEFORE_RE, LIST_GAP_RE, PROPOSE_CUE_RE, TRAIN_ONLY_BEFORE_RE,
                                   holds_propose_verb)
from kgbuild.extract.resources import alternation, term_sequence
from kgbuild.extract.sentences import SentenceIndex

WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]*|\d+(?:\.\d+)?")
# A percentage, or a decimal number standing alone ("\\d+(?:\\.\\d+)?\\s*%|\\b\\d+\\.\\d+\\b" written
# with the first digit taken out of both alternatives, and the word boundary before the
# second tested once that digit is read): the engine skips ahead to digits instead of trying
# both alternatives at every position.
NUMBER_RE = re.compile(r"\d(?:\d*(?:\.\d+)?\s*%|(?<!\w\d)\d*\.\d+\b)")
# Every NUMBER_RE match starts at a digit; a one-class search finds the first digit fast.
DIGIT_RE = re.compile(r"\d")
SHAPE_RUNS_RE = re.compile(r"(.)\1+")
EVAL_WORDS = term_sequence("evaluation_words")
METHOD_CONTEXT_CUES = term_sequence("method_context_cues")
BACKBONE_TITLE_WORDS = term_sequence("backbone_title_words")
PAIR_GAP_CUES = term_sequence("pair_gap_cues")
DEFINITION_CUES = term_sequence("definition_cues")
SOURCE_NAMES = {0: "lexicon", 1: "defined", 2: "cue", 3: "phrase", 4: "shape", 5: "loose", 6: "span_likely", 7: "span_fair",
                8: "span_doubtful"}


def text_style(abstract: str) -> str:
    """"spaced": tokenised text with spaces around punctuation (" , ", " ( "), as corpora such
    as SciREX distribute abstracts; "plain": text as written."""
    # asked more than once per paper of the same string (the batch, the paper view): kept
    # per text for a batch's worth of papers
    style = _STYLES.get(abstract)
    if style is None:
        probe = abstract[:2000]
        style = "spaced" if probe.count(" , ") + probe.count(" . ") + probe.count(" ( ") >= 3 else "plain"
        if len(_STYLES) >= _STYLES_LIMIT:
            _STYLES.clear()
        _STYLES[abstract] = style
    return style


_STYLES: dict[str, str] = {}
_STYLES_LIMIT = 1024


SHAPE_TABLE = str.maketrans({**{c: "X" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
                             **{c: "x" for c in "abcdefghijklmnopqrstuvwxyz"},
                             **{c: "d" for c in "0123456789"}})


def word_shape(text: str) -> str:
    """"ResNet-101" -> "XxXx-d": capitals X, small letters x, digits d, runs collapsed."""
    shape = text[:24].translate(SHAPE_TABLE)
    if "\n" in shape:
        return SHAPE_RUNS_RE.sub(r"\1", shape)  # (its "." leaves runs of line breaks alone)
    # one character per run: three times as fast as the regex's substitution
    return "".join([char for char, _ in groupby(shape)])


def words_before(text: str, pos: int, n: int, floor: int = 0) -> list[str]:
    return _lowered_words(text[max(floor, pos - 12 * n):pos])[-n:]


def words_after(text: str, pos: int, n: int, ceiling: int | None = None) -> list[str]:
    end = min(len(text), pos + 12 * n) if ceiling is None else min(ceiling, pos + 12 * n)
    return _lowered_words(text[pos:end])[:n]


def _lowered_words(window: str) -> list[str]:
    """The ``WORD_RE`` words of ``window``, in lower case.  An ASCII window is lowered whole,
    once, before the search: lower case changes no ASCII character's class there, so the words
    are the same (elsewhere a letter may lower to an ASCII one, the Kelvin sign to "k")."""
    if window.isascii():
        return WORD_RE.findall(window.lower())
    return [w.lower() for w in WORD_RE.findall(window)]


class PaperView:
    """The texts, sentences and mentions of one paper, with what several features share."""

    __slots__ = ("texts", "sentences", "found", "drafts", "lowered", "_sentence_words", "_field_eval_words", "style",
                 "cache", "_text_cache")

    def __init__(self, texts: dict[str, str], sentences: dict[str, SentenceIndex], found: list[Found],
                 drafts: list[EntityDraft], lowered: dict[str, str] | None = None) -> None:
        self.texts = texts
        self.sentences = sentences
        self.found = found
        self.drafts = drafts
        # (``lowered``: the texts in lower case, where the caller has them already)
        self.lowered = lowered if lowered is not None else {field: text.lower() for field, text in texts.items()}
        self._sentence_words: dict[tuple[str, int], frozenset[str]] = {}
        self._field_eval_words: dict[str, tuple[str, ...]] = {}
        self.style = text_style(texts.get("abstract", ""))
        self.cache: dict[object, object] = {}
        self._text_cache: dict[object, tuple[str, ...]] = {}  # what the texts alone decide

    def regrouped(self, found: list[Found], drafts: list[EntityDraft]) -> PaperView:
        """The view of the same paper once its mentions are settled anew: what the texts
        alone decide (lower case, style, sentence cues) is kept, not worked out again."""
        view = PaperView.__new__(PaperView)
        view.texts, view.sentences, view.found, view.drafts = self.texts, self.sentences, found, drafts
        view.lowered, view.style = self.lowered, self.style
        view._sentence_words, view._field_eval_words = self._sentence_words, self._field_eval_words
        view._text_cache = self._text_cache
        view.cache = {}
        return view

    def adapted(self, feats: list[str]) -> list[str]:
        """Each feature twice: once shared, once for this style of text only, so a model
        learns what holds everywhere and what holds in one kind of text."""
        return feats + [f"{self.style}|{f}" for f in feats]

    def count_of(self, etype: str) -> int:
        """How many drafts of the paper have this type (once per paper and type)."""
        key = ("count", etype)
        if key not in self.cache:
            self.cache[key] = sum(1 for d in self.drafts if d.etype == etype)
        return self.cache[key]

    def sentence_of(self, m: Found) -> tuple[int, int, int]:
        sentences = self.sentences[m.field]
        index = sentences.of(m.start)
        start, end = sentences.spans[index]
        return index, start, end

    def sentence_cues(self, field: str, index: int) -> frozenset[str]:
        key = (field, index)
        if key not in self._sentence_words:
            start, end = self.sentences[field].spans[index]
            sentence = self.lowered[field][start:end]
            cues = set(filter(sentence.__contains__, self._eval_words_of(field)))
            digit = DIGIT_RE.search(sentence)
            if digit and NUMBER_RE.search(sentence, digit.start()):
                cues.add("number")
            if "we " in sentence or "our " in sentence:
                cues.add("we")
            self._sentence_words[key] = frozenset(cues)
        return self._sentence_words[key]

    def typed_sentence_cues(self, etype: str | None, field: str, index: int) -> tuple[str, ...]:
        """``sentence_cues`` as features of a type ("Method:sent_we"; etype None: "sent_we"),
        written once per sentence and type: the mentions of a paper share their sentences."""
        key = ("typed cues", etype, field, index)
        cues = self._text_cache.get(key)
        if cues is None:
            prefix = f"{etype}:sent_" if etype is not None else "sent_"
            cues = self._text_cache[key] = tuple(prefix + c for c in self.sentence_cues(field, index))
        return cues

    def context_cues(self, field: str) -> tuple[str, ...]:
        """The ``METHOD_CONTEXT_CUES`` the field contains, in list order: only these can be in
        a window of it (one scan of the list per field, not two per mention)."""
        key = ("context cues", field)
        cues = self._text_cache.get(key)
        if cues is None:
            lowered = self.lowered[field]
            cues = self._text_cache[key] = tuple(filter(lowered.__contains__, METHOD_CONTEXT_CUES))
        return cues

    def _eval_words_of(self, field: str) -> tuple[str, ...]:
        """The evaluation words the field contains, in ``EVAL_WORDS`` order: only these can be
        in one of its sentences (one scan of the list per field, not per sentence)."""
        words = self._field_eval_words.get(field)
        if words is None:
            lowered = self.lowered[field]
            words = self._field_eval_words[field] = tuple(filter(lowered.__contains__, EVAL_WORDS))
        return words


@lru_cache(maxsize=1 << 15)  # the same names come back in paper after paper
def _name_features(name: str) -> tuple[str, ...]:
    words = name.lower().replace("-", " ").split()
    feats = [f"shape={word_shape(name)}", f"nwords={min(len(words), 4)}"]
    if words:
        feats += [f"last={words[-1]}", f"first={words[0]}", f"suffix={words[-1][-3:]}"]
        feats += [f"w={w}" for w in words[:6]]
    if any(c.isdigit() for c in name):
        feats.append("digit")
    if name.isupper():
        feats.append("allcaps")
    if any(c.isupper() for c in name[1:]):
        feats.append("innercap")
    if name[:1].islower():
        feats.append("lowerstart")
    if name.endswith("s") and not name.endswith("ss"):
        feats.append("plural")
    return tuple(feats)


name_features = _name_features  # (what ``_typed_name_features`` writes with and without the type)


@lru_cache(maxsize=1 << 15)
def _typed_name_features(etype: str, name: str) -> tuple[str, ...]:
    """The name's features once with its type ("Method:shape=XxXx") and once without."""
    name_feats = _name_features(name)
    return tuple(f"{etype}:{f}" for f in name_feats) + name_feats


def entity_features(view: PaperView, draft: EntityDraft) -> list[str]:
    """Is this draft an entity, and of which type?"""
    return entity_name_features(draft) + entity_context_features(view, draft)


def entity_name_features(draft: EntityDraft) -> list[str]:
    """``entity_features`` of the draft alone: its type, source, name, mentions and forms."""
    head, tail = _entity_own_features(draft)
    return head + list(_typed_name_features(draft.etype, draft.name)) + tail


def entity_own_features(draft: EntityDraft) -> list[str]:
    """``entity_name_features`` but the name's ("_name_features", each also written with the
    draft's type: a model reads those with ``LinearModel.typed_contribution``)."""
    head, tail = _entity_own_features(draft)
    return head + tail


def _entity_own_features(draft: EntityDraft) -> tuple[list[str], list[str]]:
    t = draft.etype
    rank = min(m.rank for m in draft.mentions)
    feats = [f"type={t}", f"source={SOURCE_NAMES.get(rank, rank)}", f"type+source={t}{rank}"]
    if any(m.key for m in draft.mentions):
        feats += ["lexicon", f"lexicon={t}"]
    head, feats = feats, []
    n = len(draft.mentions)
    feats.append(f"mentions={min(n, 4)}")
    fields = {m.field for m in draft.mentions}
    if "title" in fields:
        feats.append("in_title")
        if fields == {"title"}:
            feats.append("title_only")
    if len(draft.forms) > 1:
        feats.append("several_forms")
    return head, feats


def entity_context_features(view: PaperView, draft: EntityDraft, typed: bool = True) -> list[str]:
    """``entity_features`` of the text around the draft's first three mentions.  ``typed=False``:
    those written with the type ("Method:prev=we") left for ``LinearModel.typed_contribution``
    to read from their untyped forms (a sentence cue, written only typed, untyped then)."""
    t = draft.etype
    feats = []
    for m in draft.mentions[:3]:
        text = view.texts[m.field]
        before = words_before(text, m.start, 2)
        after = words_after(text, m.end, 2)
        if before:
            feats.append(f"prev={before[-1]}")
            if typed:
                feats.append(f"{t}:prev={before[-1]}")
        else:
            feats.append("prev=<s>")
        if len(before) == 2:
            feats.append(f"prev2={before[0]}_{before[1]}")
        if after:
            feats.append(f"next={after[0]}")
            if typed:
                feats.append(f"{t}:next={after[0]}")
        if text[m.end:m.end + 2] == " (":
            feats.append("paren_after")
        index, _, _ = view.sentence_of(m)
        feats += view.typed_sentence_cues(t if typed else None, m.field, index)
    return feats


def title_only(draft: EntityDraft) -> bool:
    return all(m.field == "title" for m in draft.mentions)


def method_features(view: PaperView, draft: EntityDraft, main_name: bool) -> list[str]:
    """What the proposed flag and the backbone role look at."""
    feats = list(_name_features(draft.name))
    if any(m.key for m in draft.mentions):
        feats.append("lexicon")
    if draft.proposed:
        feats.append("rule_proposed")
    if "backbone" in draft.roles:
        feats.append("rule_backbone")
    if main_name:
        feats.append("title_prefix")
    n = len(draft.mentions)
    feats.append(f"mentions={min(n, 5)}")
    first = min(draft.mentions, key=lambda m: (m.field != "title", m.start))
    fields = {m.field for m in draft.mentions}
    if "title" in fields:
        feats.append("in_title")
    if first.field == "abstract":
        index, _, _ = view.sentence_of(first)
        feats.append(f"first_sentence={min(index, 4)}")
    listed = False
    for m in draft.mentions[:4]:
        text = view.texts[m.field]
        lowered = view.lowered[m.field]
        _, s_start, s_end = view.sentence_of(m)
        before = words_before(text, m.start, 4, s_start)
        after = words_after(text, m.end, 4, s_end)
        # "three sub-networks: 1) a Base-Net ...", "two networks, i.e., CoarseNet and RefineNet":
        # a part the text lists (the words before, read already, say where the pattern can match)
        if not listed and not PART_TOKENS.isdisjoint(before) and \
                PART_BEFORE_RE.search(lowered, max(s_start, m.start - 60), m.start):
            listed = True
        feats += [f"b4={w}" for w in before]
        feats += [f"a4={w}" for w in after]
        if before:
            feats.append(f"b1={before[-1]}")
        if after:
            feats.append(f"a1={after[0]}")
        window_before = lowered[max(s_start, m.start - 80):m.start]
        window_after = lowered[m.end:min(s_end, m.end + 80)]
        for cue in view.context_cues(m.field):
            if cue in window_before:
                feats.append(f"before:{cue.strip()}")
            if cue in window_after:
                feats.append(f"after:{cue.strip()}")
        if "backbone" in window_after[:30]:
            feats.append("backbone_right_after")
        if "backbone" in window_before[-40:]:
            feats.append("backbone_right_before")
        if m.field == "title":
            title = view.texts["title"]
            if title[:m.start].rstrip().endswith(":"):
                feats.append("title_after_colon")
            if title[m.end:].lstrip().startswith(":"):
                feats.append("title_before_colon")
    feats.append(f"methods_in_paper={min(view.count_of('Method'), 6)}")
    if any(m.rank == DEFINED for m in draft.mentions):
        feats.append("defined_here")  # "Dual Half-Space Projected Gradient (DHSPG)"
    if not any(m.key for m in draft.mentions):
        feats.append("unknown_name")
    proposed_places = {(m.field, view.sentences[m.field].of(m.start)) for d in view.drafts
                       if d is not draft and d.proposed for m in d.mentions}
    if proposed_places & {(m.field, view.sentences[m.field].of(m.start)) for m in draft.mentions}:
        feats.append("beside_proposed")  # the parts of a proposed system are named with it
    for m in draft.mentions[:4]:
        _, s_start, s_end = view.sentence_of(m)
        key = ("propose cue", m.field, s_start)
        if key not in view.cache:  # where the sentence's first propose cue ends, once per sentence
            text = view.texts[m.field]
            # Every cue holds a propose verb, so a sentence without one of their stems has none;
            # most have none, and the stems' search is the cheaper.  (Only in an ASCII text is
            # each character's lower case the one the cue's case-blind match compares with.)
            if text.isascii() and not holds_propose_verb(view.lowered[m.field], s_start, s_end):
                view.cache[key] = None
            else:
                cue = PROPOSE_CUE_RE.search(text, s_start, s_end)
                view.cache[key] = cue.end() if cue else None
        if view.cache[key] is not None and view.cache[key] <= m.start:
            feats.append("sentence_proposes_before")  # "we propose X, which consists of Y and Z"
            break
    if title_only(draft):
        feats.append("title_only")
    if listed:
        feats.append("listed_part")
        if "sentence_proposes_before" in feats or "beside_proposed" in feats:
            feats.append("listed_part&ours")  # the parts of the system the paper proposes
    return feats


# "into pre-trained StyleGAN2", "combine RetNet and Transformer", "built on top of X": work the
# paper uses or plugs its own into, not what it proposes
PRIOR_BEFORE_RE = re.compile(rf"\b(?:{alternation('prior_work_cues')})\s+(?:(?:the|a|an|pre-?trained|existing)\s+)*"
                             r"(?:[\w-]+(?:,\s+|\s+and\s+|/))?$")


def written_as_prior_work(view: PaperView, draft: EntityDraft) -> bool:
    """A name the text writes as work the paper uses ("into pre-trained X"), and never defines."""
    if any(m.rank == DEFINED for m in draft.mentions):
        return False
    return _written_after(view, draft, PRIOR_BEFORE_RE, 60)


def _written_after(view: PaperView, draft: EntityDraft, before: re.Pattern, reach: int) -> bool:
    """``before`` ends right before one of the draft's first four mentions, within ``reach``
    characters of it and in its sentence."""
    for m in draft.mentions[:4]:
        _, s_start, _ = view.sentence_of(m)
        if before.search(view.lowered[m.field], max(s_start, m.start - reach), m.start):
            return True
    return False


# "compared with the state-of-the-art systems in select models, i.e., X, Y": what a list names
# after these is what the paper compares against, not its parts
COMPARISON_RE = re.compile(rf"\b(?:{alternation('compared_against_words')})\b")


def listed_after_proposal(view: PaperView, draft: EntityDraft) -> bool:
    """An abstract mention of the draft is a listed part (``PART_BEFORE_RE``) in or after the
    abstract's first sentence that says what the paper proposes ("we propose ..."), with no
    comparison before it in its sentence."""
    if "first proposal" not in view.cache:  # (asked of few drafts: the abstract is searched then)
        cue = PROPOSE_CUE_RE.search(view.texts["abstract"])
        view.cache["first proposal"] = None if cue is None else view.sentences["abstract"].of(cue.start())
    first = view.cache["first proposal"]
    if first is None:
        return False
    lowered = view.lowered["abstract"]
    for m in draft.mentions[:4]:
        if m.field != "abstract":
            continue
        index, s_start, _ = view.sentence_of(m)
        if index >= first and PART_BEFORE_RE.search(lowered, max(s_start, m.start - 60), m.start) \
                and not COMPARISON_RE.search(lowered, s_start, m.start):
            return True
    return False


# "the conventional adversarial training (AT)", "the powerful Mixture-of-Experts (MoE) idea"
PRIOR_ADJECTIVE_RE = re.compile(rf"\b(?:{alternation('prior_work_adjectives')})\s+(?:[\w-]+\s+){{0,3}}$")


def described_as_prior_work(view: PaperView, draft: EntityDraft) -> bool:
    """A mention a few words after a word that makes it earlier work ("conventional", "recent",
    "the celebrated"): so even where the text defines the name."""
    return _written_after(view, draft, PRIOR_ADJECTIVE_RE, 50)


PART_TOKENS = frozenset(term_sequence("part_list_tokens"))
PART_BEFORE_RE = re.compile(rf"(?:{alternation('part_list_cues')})\s+(?:[\w-]+(?:,\s+(?:and\s+)?|\s+and\s+))?"
                            rf"(?:(?:{alternation('part_list_adjectives')})\s+){{0,3}}$")


# "with a ResNet-50 backbone", "X-based detectors", "built on top of X", "X as the encoder"
USED_BEFORE_RE = re.compile(r"\b(?:based on|built (?:up)?on|built on top of|on top of|upon|with|using|adopt(?:s|ing)?|"
                            r"replac(?:e|es|ing) \w+ with|plug(?:ged|ging)? into|applied to|architectures? such as|"
                            r"networks? such as|models? such as|architectures? like)\s+(?:the |a |an |our )?"
                            r"(?:[\w-]+ ){0,2}$")
USED_AFTER_RE = re.compile(
    rf"^(?:\s*\([^)]{{1,20}}\))?(?:-based|-like|-style| based)\b|^\s+(?:as|is used as|serves as)\s+(?:the |"
    rf"a |an |our )?(?:[\w-]+ ){{0,2}}(?:{alternation('used_as_roles')})"
)
AS_BACKBONE_RE = re.compile(rf"\b(?:as|serv\w* as|a|an)\s+(?:the\s+)?"
                            rf"(?:(?:{alternation('backbone_adjectives')})\s+){{0,3}}backbone")
BACKBONE_PAPER_CUES = term_sequence("backbone_paper_cues")
VISION_BENCHMARK_CUES = term_sequence("vision_benchmark_cues")


def _paper_backbone_cues(view: PaperView) -> tuple[str, ...]:
    """What the whole paper says about backbones (computed once per paper)."""
    cached = view.cache.get("backbone_paper")
    if cached is not None:
        return cached
    lowered = " ".join(view.lowered.values())
    title = view.lowered.get("title", "")
    cues = [f"paper:{c}" for c in filter(lowered.__contains__, BACKBONE_PAPER_CUES)]
    if "backbone" in lowered:
        cues.append("paper:backbone")
    if "backbone" in title:
        cues.append("title:backbone")
    for word in BACKBONE_TITLE_WORDS:
        if word in title:
            cues.append(f"title:{word}")
    if "protein" in lowered or "residue" in lowered:
        cues.append("paper:protein")
    tasks = sum(1 for c in VISION_BENCHMARK_CUES if c in lowered)
    cues.append(f"paper:vision_tasks={min(tasks, 3)}")
    view.cache["backbone_paper"] = result = tuple(cues)
    return result


def proposed_backbone_features(view: PaperView) -> list[str]:
    """What the paper says about backbones, for a method the proposed model flagged."""
    return ["model_proposed", *(f"proposed&{c}" for c in _paper_backbone_cues(view))]


SENTENCE_CUES = term_sequence("backbone_sentence_cues")


def _sentence_backbone_cues(view: PaperView, field: str, start: int, end: int) -> tuple[bool, bool, list[str]]:
    """(says "backbone", says "as the/a ... backbone", cue features) of a sentence, once per sentence."""
    key = (field, start)
    cached = view.cache.get(key)
    if cached is None:
        sentence = view.lowered[field][start:end]
        has_backbone = "backbone" in sentence
        cached = (has_backbone, bool(has_backbone and AS_BACKBONE_RE.search(sentence)),
                  [f"sentence:{cue}" for cue in SENTENCE_CUES if cue in sentence])
        view.cache[key] = cached
    return cached


def backbone_features(view: PaperView, draft: EntityDraft, main_name: bool) -> list[str]:
    """The method inside a phrase that uses it as the base of something else, and what the
    sentence and the paper say about backbones."""
    feats = []
    sentence_backbone = False
    for m in draft.mentions[:6]:
        lowered = view.lowered[m.field]
        _, s_start, s_end = view.sentence_of(m)
        if USED_BEFORE_RE.search(lowered, max(s_start, m.start - 40), m.start):
            feats.append("used_before")
        if USED_AFTER_RE.search(lowered[m.end:min(s_end, m.end + 50)]):
            feats.append("used_after")
        has_backbone, as_backbone, cues = _sentence_backbone_cues(view, m.field, s_start, s_end)
        if has_backbone:
            sentence_backbone = True
            if "backbone" not in lowered[m.start:m.end]:
                feats.append("sentence:backbone")
                if as_backbone:
                    feats.append("sentence:as_backbone")  # "serving as the backbone", "a general vision backbone"
        feats += cues
    if "backbone" in draft.name.lower():
        feats.append("name_has_backbone")  # a benchmark "... of the Backbones", not a backbone
    paper = _paper_backbone_cues(view)
    if draft.proposed or main_name:  # a paper about a backbone: what it says holds for what it proposes
        feats += [f"proposed&{c}" for c in paper]
        if sentence_backbone:
            feats.append("proposed&sentence:backbone")
    else:
        feats += [f"other&{c}" for c in paper if c in ("paper:backbone", "title:backbone", "paper:protein")]
    if "backbone" in draft.roles:
        feats += [f"rule&{c}" for c in paper if c in ("paper:protein", "title:backbone")]
    return feats


EVAL_SENTENCE_CUES = frozenset(term_sequence("evaluation_sentence_words"))


class PairContext:
    """What the whole paper says about its pairs, worked out once: which (method, dataset)
    drafts the rules or a result pair, which datasets stand in one list ("on X, Y and Z"),
    and which methods the paper compares against."""

    __slots__ = ("methods_of", "datasets_of", "list_mates", "top_proposal", "_view", "_compared")

    def __init__(self, view: PaperView, paired: set[tuple[int, int]]) -> None:
        self.methods_of: dict[int, set[int]] = {}
        self.datasets_of: dict[int, set[int]] = {}
        for m, d in paired:
            self.methods_of.setdefault(d, set()).add(m)
            self.datasets_of.setdefault(m, set()).add(d)
        self.list_mates: dict[int, set[int]] = {}
        datasets = [f for f in view.found if f.etype == "Dataset"]
        for left, right in zip(datasets, datasets[1:]):
            if left.field == right.field and left.entity != right.entity and \
                    LIST_GAP_RE.fullmatch(view.texts[left.field], left.end, right.start):
                self.list_mates.setdefault(left.entity, set()).add(right.entity)
                self.list_mates.setdefault(right.entity, set()).add(left.entity)
        # a list is one list however long: "X, Y and Z" makes X and Z mates too
        for entity in list(self.list_mates):
            seen, todo = set(), [entity]
            while todo:
                e = todo.pop()
                if e not in seen:
                    seen.add(e)
                    todo.extend(self.list_mates.get(e, ()))
            self.list_mates[entity] = seen - {entity}
        proposals = [(d.proposal, i) for i, d in enumerate(view.drafts) if d.etype == "Method"]
        self.top_proposal = max(proposals)[1] if proposals and max(proposals)[0] > 0 else None
        self._view = view
        self._compared: dict[int, bool] = {}

    def compared(self, entity: int) -> bool:
        """A method the paper compares against: a mention of it follows "outperforms", "than",
        ... in its sentence.  Asked only of the methods a pair's role leaves open (neither the
        paper's own nor proposed), and once per method: most are never asked."""
        answer = self._compared.get(entity)
        if answer is None:
            view = self._view
            answer = False
            for f in view.found:
                if f.entity == entity and f.etype == "Method":
                    _, s_start, _ = view.sentence_of(f)
                    text = view.texts[f.field]
                    if COMPARED_BEFORE_RE.search(text, max(s_start, f.start - 80), f.start):
                        answer = True
                        break
            self._compared[entity] = answer
        return answer


def pair_features(view: PaperView, method: EntityDraft, dataset: EntityDraft, rule_pair: bool, result_pair: bool,
                  main_method: bool, dataset_trained_on_only: bool, context: PairContext | None = None,
                  indices: tuple[int, int] | None = None) -> list[str]:
    """Was this method evaluated on this dataset?  (``dataset_trained_on_only``: ``trained_only_on``,
    worked out once per dataset by the caller, which also needs it.)"""
    feats = []
    if rule_pair:
        feats.append("rule_pair")
    if result_pair:
        feats.append("result_pair")
    if method.proposed:
        feats.append("proposed")
    if main_method:
        feats.append("main_method")
    if "backbone" in method.roles:
        feats.append("backbone")
    if any(m.key for m in method.mentions):
        feats.append("method_lexicon")
    if any(m.key for m in dataset.mentions):
        feats.append("dataset_lexicon")
    if dataset_trained_on_only:
        feats.append("dataset_trained_on_only")
    method_sentences = _mention_places(view, method)
    together = 0
    places, before_feats, cues = _dataset_pair_parts(view, dataset)
    for d, (field, index), ds_b in zip(dataset.mentions, places, before_feats):
        feats += ds_b
        if (field, index) in method_sentences:
            together += 1
            between_methods = [m for m in method.mentions if m.field == d.field
                               and view.sentences[d.field].of(m.start) == index]
            nearest = min(between_methods, key=lambda m: abs(m.start - d.start))
            gap = view.lowered[d.field][min(nearest.end, d.end):max(nearest.start, d.start)]
            feats.append("method_first" if nearest.start < d.start else "dataset_first")
            feats.append(f"gap_len={min(len(gap) // 20, 5)}")
            gap_words = gap.split()
            for cue in PAIR_GAP_CUES:
                if cue in gap_words or (len(cue) > 3 and cue in gap):
                    feats.append(f"gap:{cue}")
    feats += [f"ds_cue={c}" for c in cues]
    feats.append(f"together={min(together, 3)}")
    if dataset.mentions and all(m.field == "title" for m in dataset.mentions):
        feats.append("dataset_title_only")
    feats.append(f"datasets={min(view.count_of('Dataset'), 5)}")
    feats.append(f"methods={min(view.count_of('Method'), 6)}")
    if method.proposed and together == 0:
        feats.append("proposed_apart")
    if method.proposed:
        feats += [f"proposed&ds_cue={c}" for c in cues]
    if context is not None and indices is not None:
        feats += _paper_pair_features(context, indices, main_method, method, cues, together)
    return feats


def _mention_places(view: PaperView, draft: EntityDraft) -> set[tuple[str, int]]:
    """(field, sentence) of the draft's mentions, once per draft and view (a method is paired
    with every dataset of its paper)."""
    key = ("places", id(draft))
    places = view.cache.get(key)
    if places is None:
        places = view.cache[key] = {(m.field, view.sentences[m.field].of(m.start)) for m in draft.mentions}
    return places


def _dataset_pair_parts(view: PaperView, dataset: EntityDraft):
    """What ``pair_features`` reads of a dataset alone, once per dataset and view (it is paired
    with every method of its paper): each mention's (field, sentence) and "ds_b" features, and
    the cues of its sentences (a set only read from then on)."""
    key = ("pair dataset", id(dataset))
    parts = view.cache.get(key)
    if parts is None:
        places, before_feats = [], []
        cues: set[str] = set()
        for d in dataset.mentions:
            index, s_start, _ = view.sentence_of(d)
            cues |= view.sentence_cues(d.field, index)
            places.append((d.field, index))
            before_feats.append([f"ds_b={w}" for w in words_before(view.texts[d.field], d.start, 3, s_start)])
        parts = view.cache[key] = (places, before_feats, cues)
    return parts


def _paper_pair_features(context: PairContext, indices: tuple[int, int], main_method: bool, method: EntityDraft,
                         cues: set[str], together: int) -> list[str]:
    """The pair's place in the paper: the method's part in it (the paper's own, proposed, a
    baseline it compares against, a known name, other), what else the method and the dataset
    are paired with, and how likely the proposed model thinks it is that the paper proposes
    the method (SciREX abstracts often evaluate "our model" without naming it; an unflagged
    method the paper most likely proposes is still the one evaluated)."""
    mi, di = indices
    if main_method:
        role = "main"
    elif method.proposed:
        role = "proposed"
    elif context.compared(mi):
        role = "compared"
    elif any(m.key for m in method.mentions):
        role = "known"
    else:
        role = "other"
    facts = []
    if context.methods_of.get(di, set()) - {mi}:
        facts.append("ds_paired_other")
    if context.datasets_of.get(mi, set()) - {di}:
        facts.append("method_paired_other")
    if context.list_mates.get(di, set()) & context.datasets_of.get(mi, set()):
        facts.append("list_mate_paired")
    if cues & EVAL_SENTENCE_CUES:
        facts.append("ds_eval_sentence")
    if "we" in cues:
        facts.append("ds_we_sentence")
    facts.append(f"together={min(together, 1)}")
    band = "hi" if method.proposal >= 0.5 else "mid" if method.proposal >= 0.2 else "lo"
    band += "top" if context.top_proposal == mi else "nottop"
    return [f"role={role}", *facts, *(f"{role}&{fact}" for fact in facts),
            f"proposal={band}", *(f"proposal={band}&{fact}" for fact in facts)]


def trained_only_on(view: PaperView, dataset: EntityDraft) -> bool:
    """Every mention of the dataset follows "pre-trained on", "trained on", ...: training data."""
    return all(TRAIN_ONLY_BEFORE_RE.search(view.texts[d.field], max(0, d.start - 60), d.start)
               for d in dataset.mentions)


def definition_features(text: str, lowered: str, long_start: int, long_end: int, short_start: int,
                        short_end: int, rule_type: str) -> list[str]:
    """Does an acronym definition "Long Form (LF)" name a method?"""
    long_form, short = text[long_start:long_end], text[short_start:short_end]
    words = long_form.replace("-", " ").split()
    lower = [w.lower() for w in words]
    feats = [f"rule={rule_type}", f"nwords={min(len(words), 5)}"]
    if lower:
        feats += [f"last={lower[-1]}", f"first={lower[0]}", f"suffix={lower[-1][-4:]}"]
        feats += [f"w={w}" for w in lower[:6]]
    capitals = sum(1 for w in words if w[:1].isupper())
    feats.append("long_capitalised" if capitals == len(words) else "long_lower" if capitals == 0 else "long_mixed")
    feats.append(f"short_shape={word_shape(short)}")
    if any(c.islower() for c in short):
        feats.append("short_has_lower")
    if short.endswith("s") and short[:-1].isupper():
        feats.append("short_plural")
    before = words_before(text, long_start, 3)
    feats += [f"b={w}" for w in before]
    after = words_after(text, short_end + 1, 1)
    if after:
        feats.append(f"after={after[0]}")
    window = lowered[max(0, long_start - 60):long_start]
    for cue in DEFINITION_CUES:
        if cue in window:
            feats.append(f"cue={cue}")
    return feats
