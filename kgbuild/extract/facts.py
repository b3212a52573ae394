"""What the text says about the entities: proposed, backbone role, results, EVALUATED_ON.

All rules read the sentence around a mention through compiled regexes anchored at the
mention's edges; nothing here walks tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kgbuild.extract.candidates import Found
from kgbuild.extract.caseblind import CaseBlindPattern, ascii_lowered
from kgbuild.extract.entities import EntityDraft
from kgbuild.extract.resources import PATTERN_DIR, alternation, read_jsonl, term_sequence
from kgbuild.extract.rules import NAMED_CUES
from kgbuild.extract.sentences import SentenceIndex

PROPOSE_CUE_RE = CaseBlindPattern(
    rf"(?:\b(?:{alternation('paper_subjects')})\s+(?:\w+\s+){{0,2}}?|\band\s+(?:then\s+|also\s+)?)"
    rf"(?:{alternation('propose_verbs')})\b",
)
# Words between the cue and the name that make the name something else than the novelty:
# "a combination of X", "based on X", "from X to ...".
PROPOSE_BLOCK_RE = re.compile(
    r"\b(?:of|on|from|for|with|to|using|via|over|than|by|into|upon|which|that|where|while|unlike|"
    r"between|among|inspired|beyond)\b|[,;:(]",
    re.IGNORECASE,
)
OUR_BEFORE_RE = re.compile(r"\bour\s+(?:(?:proposed|novel|new|final)\s+)?$", re.IGNORECASE)
# ("Long Name (LN), a novel method": the acronym in the brackets too)
NOVEL_APPOSITION_RE = re.compile(r"\s*(?:\([^)]{1,20}\)\s*|\)\s*)?,\s*(?:a|an)\s+(?:\w+\s+)?(?:novel|new)\b", re.I)
PASSIVE_PROPOSED_RE = re.compile(
    rf"(?:\s*\([^)]{{1,20}}\))?(?:\s+[a-z]+)?\s+(?:is|are)\s+(?:\w+ly\s+|then\s+|also\s+|further\s+)?"
    rf"(?:{alternation('proposed_participles')})\b"
)
NAMED_BEFORE_RE = CaseBlindPattern(
    rf"""\b(?:{alternation('naming_words_before')})\s+(?:as\s+)?(?:the\s+)?[\"'“]?$""",
)

# Matched at the end of a method mention (re.match with pos: no "^" anchor, it would
# only match at the start of the string). A network used to encode the input for the rest
# of a system ("X-based encoders", "X feature extractors", written in lower case: a capitalised
# "Encoder" is part of a name) is a backbone by role; "encoder-decoder" is an architecture.
BACKBONE_AFTER_RE = CaseBlindPattern(
    r"(?:\s*\([^)]{1,20}\))?(?:-based|-style)?\s*(?:,\s*)?(?:(?:as|is|was|are|serves as|serving as|"
    r"(?:can|could|may|might|will|would|to)\s+(?:be|serve as|act as|work as)|has become|becomes|became|"
    r"being)\s+)?(?:(?:the|a|an|our|their|its|both|one of the)\s+)?"
    # up to five describing words; a preposition or verb in between means the backbone is
    # something else ("FCENet with a backbone", "X uses a ResNet backbone")
    r"(?:(?!(?:with|on|for|of|using|via|from|in|to|by|uses?|used|than|into)\b)[\w/-]+\s+){0,5}?"
    r"(?:backbones?|(?-i:feature extractors?|encoders?(?![-\w])|base (?:architectures?|networks?)\b))",
)
BACKBONE_LIST_RE = CaseBlindPattern(
    # ("backbone CNN models, e.g., ...": a family's acronym may name the kind; "backbones in
    # computer vision, such as ...": a short field of use may come between)
    r"\bbackbones?\s*(?:(?:(?-i:[A-Z]{2,}s?)\s+)?(?:networks?|architectures?|models?))?\s*(?:(?:in|for)\s+[a-z-]+(?:\s+[a-z-]+)?\s*,\s*)?"
    r"(?:,\s*)?(?:such as|like|including|e\.g\.,?|"
    r"i\.e\.,?|\(|:|of|namely)\s*",
)


def backbone_list_cues(text: str):
    """``BACKBONE_LIST_RE.finditer(text)``.  Every match opens with the word "backbone": in a
    plain ASCII text, the places where its lower-case copy writes it (a fast search) are the
    only ones the pattern is tried at, rather than every position."""
    lowered = ascii_lowered(text)
    if lowered is None:
        yield from BACKBONE_LIST_RE.finditer(text)
        return
    pattern = BACKBONE_LIST_RE.ascii
    at = lowered.find("backbone")
    while at >= 0:
        cue = pattern.match(text, at)
        if cue is None:
            at = lowered.find("backbone", at + 1)
        else:
            yield cue
            at = lowered.find("backbone", cue.end())


# "architectures based on ResNet, ResNeXt, and DenseNet" (in a paper that speaks of backbones)
BASE_LIST_RE = CaseBlindPattern(rf"\b(?:{alternation('base_list_cues')})\s+(?:the\s+)?")
# "X has achieved ... serving as the backbone": the sentence's method before the cue, with
# no other method and no clause end between them
AS_BACKBONE_CUE_RE = CaseBlindPattern(
    rf"\b(?:{alternation('as_backbone_cues')})\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,3}}?backbones?\b")
# "QuillNet reaches 84.1% ..., showing its promise as a general-purpose backbone": the
# possessive stands for the sentence's subject, however far back it is
POSSESSIVE_BACKBONE_CUE_RE = CaseBlindPattern(
    rf"\b(?:its|their)\s+(?:{alternation('possessive_role_nouns')})\s+as\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,3}}?backbones?\b")
# "plugging X in to GCN and GAT", "improves the performance of PointMLP": the method the paper's
# own is put into or improves (a list's later members too); read in a paper that speaks of backbones
HOST_HINT_RE = re.compile("|".join(map(re.escape, term_sequence("host_hints"))))
HOST_BEFORE_RE = re.compile(rf"\b(?:{alternation('host_cues')})\s+(?:(?:the|a|an|pre-trained|existing)\s+)*"
                            r"(?:[\w-]+\s+){0,2}?(?:[\w-]+,?\s+(?:and\s+|or\s+)?)?$", re.IGNORECASE)
TITLE_ROLE_RE = re.compile(alternation("title_role_words"), re.IGNORECASE)
BACKBONE_BEFORE_RE = re.compile(r"\bbackbones?\s+(?:networks?\s+)?$", re.IGNORECASE)
CLAUSE_END_RE = re.compile(r"[;)]|\.\s|\bwhile\b|\bwhereas\b|\bbut\b")
# "the protein backbone", "peptide backbones": a molecule's backbone is no network's role
MOLECULE_BEFORE_RE = re.compile(rf"\b(?:{alternation('molecule_words')})s?\s+backbones?$", re.IGNORECASE)
ROLE_WORD_RE = re.compile(alternation("role_words"), re.IGNORECASE)

# (the test for what precedes the number follows its first digit, so that the regex engine
# can skip ahead to digits)
NUMBER_RE = re.compile(r"(\d(?<![\w.+\-±/^]\d)\d{0,2}(?:\.\d+)?)(\s?%|\s?percent\b)?(?![\w.]*\d)(?![-\w])")
DELTA_BEFORE_RE = CaseBlindPattern(
    rf"(?:[+±↑↓]|\bby|\bby (?:{alternation('delta_by_modifiers')})|\bgains? of|\bimprovements? of|\bincreases? of|"
    rf"\bboosts? of|\bmargin of|\bup to|\bdrops? of|\breductions? of|\bdecreases? of|\bspeedups? of|\bfrom|"
    rf"\baverage of|\bx|\bwithin)\s*$",
)
DELTA_AFTER_RE = CaseBlindPattern(
    rf"\s*(?:%|percent)?\s*(?:(?!and\b|or\b|while\b|with\b|but\b)\w+\s+)?(?:{alternation('delta_after_words')})",
)
# "2% CTR lift", "+1.5 mAP gain": the measure is followed by the word for a change in it.
CHANGE_AFTER_METRIC_RE = re.compile(rf"\s*(?:{alternation('change_words')})\b", re.IGNORECASE)
METRIC_BEFORE_GLUE_RE = re.compile(rf"^\s*(?:{alternation('metric_before_glue')})*\s*(?:of\s+)?$", re.IGNORECASE)
METRIC_AFTER_GLUE_RE = re.compile(r"^\s*(?:%|percent)?\s*(?:in|on|of|mean|average|the)?\s*$", re.IGNORECASE)
EVAL_CUE_RE = CaseBlindPattern(alternation("evaluation_cues"))
TRAIN_ONLY_BEFORE_RE = CaseBlindPattern(
    r"\b(?:pre-?train(?:ed|ing)?|train(?:ed|ing)?|learned|learnt|distilled)\s+(?:\w+\s+){0,3}?"
    r"(?:on|from|with|using)\s+(?:the\s+)?(?:large-scale\s+)?$",
)


@dataclass(slots=True)
class FactResult:
    method: int | None
    dataset: int | None
    split: str | None
    metric: int
    value: float
    unit: str | None
    field: str
    sentence: int


# Words every match of the cue patterns above contains (lower case; the naming cues are
# rules.NAMED_CUES): where none occurs, the patterns need not run.
# Each stem is a plain string (tests/test_extract_shortcuts.py), looked for with ``in``: its
# search skips ahead through the text, where an alternation of the stems is tried at every
# position (``holds_propose_verb``).
PROPOSE_VERB_STEMS = tuple(row["pattern"] for row in read_jsonl(PATTERN_DIR / "propose_verb_stems.jsonl"))


def holds_propose_verb(lowered: str, start: int, end: int) -> bool:
    """Whether ``lowered[start:end]`` holds a propose verb's stem (``PROPOSE_VERB_STEMS``)."""
    window = lowered[start:end]
    return any(map(window.__contains__, PROPOSE_VERB_STEMS))


def mark_proposed(texts: dict[str, str], found: list[Found], drafts: list[EntityDraft],
                  title_prefix_span: tuple[int, int] | None, lowered: dict[str, str] | None = None) -> None:
    """``lowered``: the texts in lower case (``str.lower``), where the caller has them already."""
    lowered = {field: lowered[field] if lowered is not None and len(lowered[field]) == len(text)
               else _lower_keeping_offsets(text) for field, text in texts.items()}
    names_something: dict[str, bool] = {}  # per field, worked out when first needed
    for f in found:
        if f.etype not in ("Method", "Dataset") or drafts[f.entity].proposed:
            continue  # (one mention that shows it proposed is enough)
        text = texts[f.field]
        if f.field == "title" and title_prefix_span and f.start == title_prefix_span[0]:
            drafts[f.entity].proposed = True
            continue
        if f.field == "title" and text[:f.start].rstrip().endswith(":") and not text[f.end:].strip():
            drafts[f.entity].proposed = True  # "... for Dynamic Networks: JEI-DNN"
            continue
        window_start = max(0, f.start - 120)
        window = text[window_start:f.start]
        if f.field not in names_something:
            names_something[f.field] = any(cue in lowered[f.field] for cue in NAMED_CUES)
        if (names_something[f.field] and NAMED_BEFORE_RE.for_text(text).search(window)) or (
                "our" in lowered[f.field][window_start:f.start] and OUR_BEFORE_RE.search(window)):
            drafts[f.entity].proposed = True
            continue
        if NOVEL_APPOSITION_RE.match(text, f.end) or PASSIVE_PROPOSED_RE.match(text, f.end):
            drafts[f.entity].proposed = True
            continue
        cue = None
        if holds_propose_verb(lowered[f.field], window_start, f.start):
            for cue in PROPOSE_CUE_RE.for_text(text).finditer(window):
                pass
        if cue is not None:
            between = window[cue.end():]
            if "." in between.replace("e.g.", "").replace("i.e.", ""):
                continue
            if not PROPOSE_BLOCK_RE.search(between) and not _mention_between(found, f, cue, len(window)):
                drafts[f.entity].proposed = True


def _lower_keeping_offsets(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # a few letters lower-case to two characters ("İ"); keep those as written
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _mention_between(found: list[Found], f: Found, cue, window_len: int) -> bool:
    """Another entity sits between the cue and this mention (only the first one is the novelty)."""
    cue_start = f.start - window_len + cue.end()
    for other in found:
        if other.field == f.field and cue_start <= other.start < f.start and other.entity != f.entity:
            if other.etype in ("Method", "Dataset"):
                return True
    return False


def mark_backbones(texts: dict[str, str], sentences: dict[str, SentenceIndex], found: list[Found],
                   drafts: list[EntityDraft], title_prefix_span: tuple[int, int] | None,
                   lowered: dict[str, str] | None = None) -> None:
    """``lowered``: the texts in lower case, where the caller has them already."""
    if lowered is None:
        lowered = {field: text.lower() for field, text in texts.items()}
    talks_of_backbones = any("backbone" in text for text in lowered.values())
    # the role patterns end in one of these words: a text without them needs no matching
    names_a_role = {field: "backbone" in lowered[field] or "encoder" in text or "feature extractor" in text
                    or "base architecture" in text or "base network" in text
                    for field, text in texts.items()}
    host_hinted: dict[str, bool] = {}  # per field, worked out when first needed
    for f in found:
        if f.etype != "Method" or "backbone" in drafts[f.entity].roles:
            continue
        text = texts[f.field]
        if not names_a_role[f.field] and not talks_of_backbones:
            continue
        role = names_a_role[f.field] and BACKBONE_AFTER_RE.match(text, f.end, min(len(text), f.end + 70))
        if role and not MOLECULE_BEFORE_RE.search(text, f.end, role.end()):
            between = text[f.end:f.end + 70]
            head = ROLE_WORD_RE.search(between)
            if not _other_method_in(found, f, f.end, f.end + (head.start() if head else 0)):
                drafts[f.entity].roles.add("backbone")
                continue
        if talks_of_backbones and BACKBONE_BEFORE_RE.search(text, max(0, f.start - 30), f.start):
            drafts[f.entity].roles.add("backbone")
            continue
        if f.field == "title" and ((title_prefix_span and f.start == title_prefix_span[0])
                                   or drafts[f.entity].proposed):
            if TITLE_ROLE_RE.search(text, f.end):
                drafts[f.entity].roles.add("backbone")
                continue
        if talks_of_backbones and _composed_after_method(found, f, text):
            drafts[f.entity].roles.add("backbone")  # "RetinaNet+PVT": detector + backbone
            continue
        if talks_of_backbones and _host_hinted(host_hinted, f.field, lowered) \
                and _hosts_the_method(text, lowered[f.field], f):
            drafts[f.entity].roles.add("backbone")
    for field, text in texts.items():
        if "backbone" not in lowered[field]:
            continue
        for cue in backbone_list_cues(text):
            limit = _clause_end(text, cue.end(), cue.end() + 120)
            for f in found:
                if f.field == field and f.etype == "Method" and cue.end() <= f.start < limit:
                    drafts[f.entity].roles.add("backbone")
        for cue in AS_BACKBONE_CUE_RE.finditer(text):
            subject = _method_before(found, field, text, cue.start())
            if subject is not None and not MOLECULE_BEFORE_RE.search(text, cue.start(), cue.end()):
                drafts[subject.entity].roles.add("backbone")
        for cue in POSSESSIVE_BACKBONE_CUE_RE.finditer(text):
            subject = _sentence_subject(found, field, sentences[field], cue.start())
            if subject is not None and not MOLECULE_BEFORE_RE.search(text, cue.start(), cue.end()):
                drafts[subject.entity].roles.add("backbone")
    if talks_of_backbones:
        for field, text in texts.items():
            for cue in BASE_LIST_RE.finditer(text):
                limit = _clause_end(text, cue.end(), cue.end() + 120)
                members = [f for f in found if f.field == field and cue.end() <= f.start < limit]
                # the list begins right after the cue, with a method
                if members and members[0].etype == "Method" and members[0].start == cue.end():
                    for f in members:
                        if f.etype == "Method":
                            drafts[f.entity].roles.add("backbone")
        _share_role_along_lists(texts, found, drafts)
        # a name that says "backbone" ("Clash of the Backbones (CoB)") is a study or a benchmark
        for f in found:
            if f.etype == "Method" and "backbone" in lowered[f.field][f.start:f.end]:
                drafts[f.entity].roles.discard("backbone")


def _host_hinted(hinted: dict[str, bool], field: str, lowered: dict[str, str]) -> bool:
    """Whether the field holds anything a host cue is made of, searched once per field."""
    hint = hinted.get(field)
    if hint is None:
        hint = hinted[field] = HOST_HINT_RE.search(lowered[field]) is not None
    return hint


def _hosts_the_method(text: str, lowered: str, f: Found) -> bool:
    """A host cue ends right before the mention, in its sentence (the hints first: one quick
    scan of the window, and most windows hold none)."""
    start = max(0, f.start - 100)
    stop = text.rfind(". ", start, f.start)
    start = stop + 2 if stop >= 0 else start
    return HOST_HINT_RE.search(lowered, start, f.start) is not None and \
        HOST_BEFORE_RE.search(text, start, f.start) is not None


def _method_before(found: list[Found], field: str, text: str, pos: int) -> Found | None:
    """The method mention nearest before ``pos`` in its clause (none when a role word comes
    between: that names the role of something else)."""
    before = [f for f in found if f.field == field and f.etype == "Method" and f.end <= pos]
    if not before:
        return None
    nearest = max(before, key=lambda f: f.end)
    between = text[nearest.end:pos]
    if CLAUSE_END_RE.search(between) or "." in between or ROLE_WORD_RE.search(between):
        return None
    return nearest


def _sentence_subject(found: list[Found], field: str, sentences: SentenceIndex, pos: int) -> Found | None:
    """The first method mention of the sentence ``pos`` is in, before ``pos``."""
    sentence_start = sentences.spans[sentences.of(pos)][0]
    before = [f for f in found if f.field == field and f.etype == "Method" and sentence_start <= f.start < pos]
    return min(before, key=lambda f: f.start) if before else None


def _clause_end(text: str, start: int, end: int) -> int:
    """Where the clause that begins at ``start`` ends (by ``end``): a ")" that closes a "("
    opened inside it ("such as Vision Transformers (ViT) and ResNets") does not end it."""
    pos = start
    while True:
        stop = CLAUSE_END_RE.search(text, pos, end)
        if stop is None:
            return min(len(text), end)
        if stop.group() == ")" and "(" in text[pos:stop.start()]:
            pos = stop.end()
            continue
        return stop.start()


LIST_GAP_RE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/\s*)")


def _share_role_along_lists(texts: dict[str, str], found: list[Found], drafts: list[EntityDraft]) -> None:
    """"ResNet-50, Swin-T and ConvNeXt as backbones": the pattern after the list's last
    member marks only it; every member before it, joined by commas/and/or, is one too."""
    methods = [f for f in found if f.etype == "Method"]
    for left_index in range(len(methods) - 2, -1, -1):
        left, right = methods[left_index], methods[left_index + 1]
        if left.field != right.field or "backbone" not in drafts[right.entity].roles:
            continue
        text = texts[left.field]
        if LIST_GAP_RE.fullmatch(text, left.end, right.start) and _list_ends_in_role(text, methods, left_index + 1):
            drafts[left.entity].roles.add("backbone")


def _list_ends_in_role(text: str, methods: list[Found], index: int) -> bool:
    """The list that holds ``methods[index]`` is followed closely by the word "backbone"."""
    while index + 1 < len(methods) and methods[index + 1].field == methods[index].field and \
            LIST_GAP_RE.fullmatch(text, methods[index].end, methods[index + 1].start):
        index += 1
    end = methods[index].end
    return "backbone" in text[end:end + 30].lower()


def _composed_after_method(found: list[Found], f: Found, text: str) -> bool:
    """The mention is the second part of "Method+Method" (how detector/backbone pairs are written)."""
    joined = text[max(0, f.start - 3):f.start]
    if "+" not in joined:
        return False
    plus = f.start - 3 + joined.rindex("+") if f.start >= 3 else joined.rindex("+")
    return any(o.field == f.field and o.etype == "Method" and o.entity != f.entity
               and plus - 2 <= o.end <= plus for o in found)


def _other_method_in(found: list[Found], f: Found, start: int, end: int) -> bool:
    return any(o.field == f.field and o.etype == "Method" and start <= o.start < end and o.entity != f.entity
               for o in found)


def find_results(texts: dict[str, str], sentences: dict[str, SentenceIndex], found: list[Found],
                 drafts: list[EntityDraft], splits: list[tuple[str, int, int, str]],
                 main_method: int | None) -> list[FactResult]:
    results = []
    for field, text in texts.items():
        in_field = [f for f in found if f.field == field]
        if not any(f.etype == "Metric" for f in in_field):
            continue
        covered = [(f.start, f.end) for f in in_field]
        measured = {sentences[field].of(f.start) for f in in_field if f.etype == "Metric"}
        for number in NUMBER_RE.finditer(text):
            start, end = number.span()
            if any(s <= start < e for s, e in covered):
                continue  # part of a name: ResNet-101, AP50
            value = float(number.group(1))
            unit = "%" if number.group(2) else None
            if unit == "%" and value > 100:
                continue
            sentence = sentences[field].of(start)
            if sentence not in measured and not (results and BARE_PAREN_RE.match(text, start - 1)):
                continue  # no measure named in the sentence: only a bare "(0.87)" after a result can be one
            s_start, s_end = sentences[field].spans[sentence]
            from_to = FROM_TO_RE.search(text, max(0, start - 60), start)
            if from_to is None and DELTA_BEFORE_RE.search(text, max(0, start - 40), start):
                continue
            if DELTA_AFTER_RE.match(text, end, min(len(text), end + 30)):
                continue
            if from_to is not None:
                # "reduces FID from 56.45% to 21.62%": the value after "to" is the new score
                metric = next((f for f in reversed(in_field) if f.etype == "Metric" and s_start <= f.start
                               and 0 <= from_to.start() - f.end <= 30), None)
            else:
                metric = _metric_for(text, in_field, start, end, s_start, s_end)
            method = None
            if metric is None and results and BARE_PAREN_RE.match(text, start - 1):
                # "... using MobileNetV2 (0.872) and U-Net (0.874)": same measure as just reported
                method = _method_right_before(in_field, start - 1)
                if method is not None:
                    metric = next((f for f in in_field if f.etype == "Metric" and f.entity == results[-1].metric),
                                  None)
            if metric is None:
                continue
            if start < metric.start and CHANGE_AFTER_METRIC_RE.match(text, metric.end):
                continue
            if method is None:
                limit = metric.start if s_start <= metric.start < start else start
                method = _nearest_before(in_field, "Method", start, s_start, limit)
            dataset = _dataset_for(in_field, start, s_start, s_end)
            split = _split_for(splits, field, dataset, s_start, s_end) if dataset else None
            method_entity = method.entity if method else main_method
            results.append(FactResult(method_entity, dataset.entity if dataset else None, split,
                                      metric.entity, value, unit, field, sentence))
    return results


FROM_TO_RE = re.compile(r"\bfrom\s+\d+(?:\.\d+)?\s?%?\s+to\s+$")
BARE_PAREN_RE = re.compile(r"\(\d+(?:\.\d+)?\s?%?\)")


def _method_right_before(mentions, paren: int) -> Found | None:
    return next((f for f in mentions if f.etype == "Method" and 0 <= paren - f.end <= 1), None)


def _metric_for(text, mentions, start, end, s_start, s_end) -> Found | None:
    best, best_distance = None, 10**9
    for f in mentions:
        if f.etype != "Metric" or not s_start <= f.start < s_end:
            continue
        if f.end <= start:
            gap = text[f.end:start]
            if len(gap) <= 30 and METRIC_BEFORE_GLUE_RE.match(gap):
                distance = len(gap)
            else:
                continue
        elif f.start >= end:
            gap = text[end:f.start]
            if len(gap) <= 12 and METRIC_AFTER_GLUE_RE.match(gap):
                distance = len(gap) - 1  # "59.4% box AP": the metric after the number is the usual order
            else:
                continue
        else:
            continue
        if distance < best_distance:
            best, best_distance = f, distance
    return best


def _nearest_before(mentions, etype, pos, s_start, metric_start) -> Found | None:
    best = None
    for f in mentions:
        if f.etype == etype and s_start <= f.start < min(pos, metric_start):
            best = f
    return best


def _dataset_for(mentions, pos, s_start, s_end) -> Found | None:
    best, best_distance = None, 10**9
    for f in mentions:
        if f.etype == "Dataset" and s_start <= f.start < s_end:
            distance = abs(f.start - pos)
            if distance < best_distance:
                best, best_distance = f, distance
    return best


def _split_for(splits, field, dataset: Found, s_start, s_end) -> str | None:
    """The split written next to the dataset ("COCO test-dev", "test set of COCO")."""
    best, best_rank = None, None
    for s_field, start, end, split in splits:
        if s_field != field or not s_start <= start < s_end:
            continue
        if start >= dataset.end:
            distance = start - dataset.end  # after the name: the usual order
        elif end <= dataset.start:
            distance = dataset.start - end + 20
        else:
            continue
        if distance > 40:
            continue
        rank = (distance, -(end - start))  # nearest; at the same place the longer name ("test-dev")
        if best_rank is None or rank < best_rank:
            best, best_rank = split, rank
    return best


COMPARED_BEFORE_RE = CaseBlindPattern(
    r"\b(?:outperform\w*|surpass\w*|than|compared (?:to|with)|comparison (?:to|with)|over|as|versus|vs\.?|"
    r"beat\w*|exceed\w*|such as|including|like|against)\s+(?:[\w-]+\s+){0,4}?$",
)
SUBJECT_OF_SCORE_RE = re.compile(rf"\b(?:{alternation('scoring_verb_stems')})\w*\b", re.IGNORECASE)


def _evaluated_method(text: str, mention: Found, s_start: int, drafts, result_methods: set[int]) -> bool:
    """Methods a sentence evaluates: the proposed one, ones with a score, ones compared against,
    and the subject of "achieves/obtains ..."; not ones merely used ("with T5 and CLIP-T5")."""
    if drafts[mention.entity].proposed or mention.entity in result_methods:
        return True
    if COMPARED_BEFORE_RE.search(text, max(s_start, mention.start - 80), mention.start):
        return True
    verb = SUBJECT_OF_SCORE_RE.search(text, mention.end, mention.end + 60)
    return bool(verb) and not SENTENCE_GAP_RE.search(text, mention.end, verb.start())


SENTENCE_GAP_RE = re.compile(r"[,;:]|\bwhich\b|\bthat\b")


def find_evaluated_on(texts: dict[str, str], sentences: dict[str, SentenceIndex], found: list[Found],
                      drafts: list[EntityDraft], results: list[FactResult], main_methods: list[int]):
    """``[(method_entity, dataset_entity, field, sentence)]``, first evidence kept."""
    pairs: dict[tuple[int, int], tuple[str, int]] = {}
    result_methods = {r.method for r in results if r.method is not None}
    for r in results:
        if r.method is not None and r.dataset is not None:
            pairs.setdefault((r.method, r.dataset), (r.field, r.sentence))
    evaluated_in: dict[tuple[str, int], list[int]] = {}  # per sentence: several datasets share one
    for f in found:
        if f.etype != "Dataset" or f.field == "title":
            continue
        text = texts[f.field]
        if TRAIN_ONLY_BEFORE_RE.search(text, max(0, f.start - 60), f.start):
            continue
        sentence = sentences[f.field].of(f.start)
        if (f.field, sentence) not in evaluated_in:
            evaluated_in[f.field, sentence] = _methods_evaluated_in(
                text, sentences[f.field].spans[sentence], f.field, found, drafts, result_methods, main_methods)
        for method in evaluated_in[f.field, sentence]:
            pairs.setdefault((method, f.entity), (f.field, sentence))
    return [(m, d, field, sentence) for (m, d), (field, sentence) in pairs.items()]


def _methods_evaluated_in(text: str, span: tuple[int, int], field: str, found: list[Found], drafts,
                          result_methods: set[int], main_methods: list[int]) -> list[int]:
    """The methods a sentence that names a dataset evaluates on it (none without an evaluation cue)."""
    s_start, s_end = span
    if not EVAL_CUE_RE.search(text, s_start, s_end):
        return []
    in_sentence = [o.entity for o in found if o.field == field and o.etype == "Method"
                   and s_start <= o.start < s_end and _evaluated_method(text, o, s_start, drafts, result_methods)]
    # the proposed method is meant even when the sentence says "our model"; baselines
    # named next to the dataset ("outperforms X on D", "as X") are evaluated there too
    if not any(drafts[m].proposed for m in in_sentence):
        in_sentence = main_methods + in_sentence
    return in_sentence
