"""How many words before a task's head word belong to its name: a trained choice.

The rule (``rules.task_phrases``) walks back from a head word ("detection", "estimation")
through the modifiers its word lists vouch for and stops at the first one they do not know,
so a name such as "arbitrary-shaped scene text detection" is cut short and "point cloud
completion" can be missed.  Here every head offers the spans that end at it, with up to
``MAX_MODIFIERS`` words before it (no stop word, adverb or punctuation inside), the
``task_span`` model scores each from the words in and around it and from the rule's own
verdict, and the likeliest span of each head becomes a Task candidate when its probability
reaches the model's threshold (chosen in training).  The probability goes on as the candidate's source, which the entity
model reads: it makes the final call.

Without the model the rule's spans stand, as before; a training run (``trace``) sees every
span offered, labelled by whether the gold annotation names a task so.
"""

from __future__ import annotations

from kgbuild.extract import rules
from kgbuild.extract.linear import LinearModel
from kgbuild.extract.resources import lowered_term_list

MAX_MODIFIERS = 4


def word_shape(word: str) -> str:
    if "-" in word:
        return "hyphen"
    first = word[0]
    if first.isdigit():
        return "digit"
    if first.isupper():
        return "caps" if len(word) > 1 and word.isupper() else "capital"
    if word.endswith("ing"):
        return "ing"
    if word.endswith("ed"):
        return "ed"
    if word.endswith("s") and not word.endswith("ss"):
        return "s"
    return "lower"


def _edge_before(text: str, start: int) -> str:
    """The punctuation (or stop word, or the text's start) before a span the walk could not
    take further."""
    left = text[max(0, start - 24):start].rstrip()
    if not left:
        return "^"
    if left[-1].isalnum():
        return left.rsplit(None, 1)[-1].lower()
    return left[-1]


def _edge_after(text: str, end: int) -> str:
    rest = text[end:end + 24]
    stripped = rest.lstrip()
    if not stripped:
        return "$"
    if stripped[0].isalnum():
        word = stripped.split(None, 1)[0]
        return "".join(c for c in word if c.isalnum()).lower() or stripped[0]
    return stripped[0]


def span_options(scan: rules.WordScan, index: int, in_title: bool):
    """The spans a head word at ``index`` offers: (start, end, modifier words nearest first),
    or None when the word cannot end a task's name here."""
    text = scan.text
    head = scan.words[index]
    head_word = head.group()
    if head_word[0].isupper() and not in_title and head.start() > 0 and \
            not rules._preceded_by_capital_word(text, head.start()):
        return None  # sentence-initial "Detection of ..."
    end = head.end()
    if text[end:end + 1] == "-" or (end < len(text) and text[end].isalnum()):
        return None  # "detection-based", part of a longer word
    modifiers = []
    position = index
    while len(modifiers) < MAX_MODIFIERS:
        back = scan.previous(position)
        if back is None:
            break
        lower = back.group().lower()
        if lower in rules.STOP or lower.endswith("ly"):
            break
        modifiers.append(back)
        position -= 1
    return head, modifiers


class TaskSpans:
    """The Task candidates of one text's head words (``choose``), by the model when there is one."""

    def __init__(self, model: LinearModel | None, trace, style: str, lowered: dict[str, str]) -> None:
        self.model = model
        self.trace = trace
        self.style = style
        self.lowered = lowered

    def choose(self, scan: rules.WordScan, in_title: bool) -> list[tuple[int, int, bool, float | None]]:
        """(start, end, loose, probability): the rule's spans with no probability when there
        is no model; else each head's likeliest span, from the model's threshold on."""
        ruled = rules.task_phrases(scan, in_title)
        if self.model is None and self.trace is None:
            return [(start, end, loose, None) for start, end, loose in ruled]
        by_end = {end: (start, loose) for start, end, loose in ruled}
        text = scan.text
        own = self.lowered["title" if in_title else "abstract"]
        vocabulary = rules.task_modifier_vocabulary()
        task_stop = lowered_term_list("task_stop")
        endings = rules.known_task_endings()
        chosen = []
        for index in scan.task_heads:
            offered = span_options(scan, index, in_title)
            if offered is None:
                continue
            head, modifiers = offered
            end = head.end()
            head_lower = head.group().lower()
            rule = by_end.get(end)
            after = _edge_after(text, end)
            common = [f"h={head_lower}", f"a={after}", f"h+a={head_lower}+{after}"]
            if in_title:
                common.append("title")
            if head.group()[0].isupper():
                common.append("head_capital")
            if head_lower in rules.WEAK_HEADS:
                common.append("weak_head")
            lowers = [m.group().lower() for m in modifiers]
            best = None
            for k in range(len(modifiers) + 1):
                start = modifiers[k - 1].start() if k else head.start()
                feats = list(common)
                feats.append(f"k={min(k, 3)}")
                if k:
                    first = modifiers[k - 1].group()
                    first_lower = lowers[k - 1]
                    shape = word_shape(first)
                    known = first_lower in vocabulary
                    feats += [f"f={first_lower}", f"fs={shape}", f"fv={known}", f"k+fv={k}{known}",
                              f"fs+h={shape}+{head_lower}", f"n={lowers[0]}", f"f3={first_lower[-3:]}"]
                    if all(w in vocabulary for w in lowers[:k]):
                        feats.append("all_known")
                    last_two = f"{lowers[0]} {head_lower}"
                    if last_two in endings:
                        feats.append("known_ending")
                if k < len(modifiers):
                    outside = modifiers[k].group()
                    outside_lower = lowers[k]
                    feats += [f"o={outside_lower}", f"os={word_shape(outside)}",
                              f"ov={outside_lower in vocabulary}"]
                else:
                    feats.append(f"o={_edge_before(text, start)}")
                if rule is None:
                    feats.append("rule=none")
                else:
                    relation = "same" if rule[0] == start else ("longer" if rule[0] < start else "shorter")
                    feats += [f"rule={relation}", f"rule+loose={relation}{rule[1]}"]
                if rules._said_as_task(text, start, end, in_title):
                    feats.append("said_task")
                written = text[start:end].lower()
                if written in task_stop:
                    feats.append("task_stop")
                if k:
                    if self.lowered["abstract" if in_title else "title"].find(written) >= 0:
                        feats.append("echo")
                    if own.count(written) > 1:
                        feats.append("repeat")
                if self.trace is not None:
                    self.trace("task_span", {"type": "Task", "forms": [text[start:end]]},
                               feats + [f"{self.style}|{f}" for f in feats])
                if self.model is not None:
                    p = self.model.probability(feats, self.style)
                    if best is None or p > best[2]:
                        best = (start, end, p)
            if best is not None and best[2] >= self.model.threshold:
                chosen.append((best[0], best[1], False, best[2]))
        if self.model is None:
            return [(start, end, loose, None) for start, end, loose in ruled]
        return chosen
