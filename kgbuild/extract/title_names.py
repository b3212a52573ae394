"""Method names that only the title writes as a phrase: "Transitive Invariance for ...",
"Sheaf Neural Networks with ...", "Direct Voxel Grid Optimization: ...".

Titles are Title Case, so shape proves nothing there, and most title phrases are no names
("Two at Once", "Propagate Yourself").  Every phrase no rule took is a candidate; the
trained ``title_name`` decision keeps the few that are names, judged mostly by how the
abstract uses the same words (again capitalised mid-sentence, introduced by "we propose",
defined with an acronym).  A phrase the abstract never repeats is a candidate only when it
is shaped like a name: Title Case words before the colon ("Neural Production Systems: ..."),
or ending in a method's head word ("Stacked Hourglass Networks for ...": the abstract calls
it "our network"); so is a phrase that extends a method name a rule took ("Frustum
PointNets" around "PointNets", "End-To-End Memory Networks"), which then replaces that
name's mentions inside it.  No phrase opening with a verb in "-ing" or naming a family of
methods ("Deep Neural Network") is a candidate, nor one common word.
"""

from __future__ import annotations

import re

from kgbuild.extract.candidates import CUE, Found
from kgbuild.extract.names import is_generic_term
from kgbuild.extract.resources import alternation, lowered_term_list, term_list
from kgbuild.extract.rules import DATASET_TITLE_RE, STOP

TITLE_CONNECTIVES = term_list("title_connectives")
AFTER_WORDS = term_list("title_tool_words")
TITLE_WORD_RE = re.compile(r"[^\s:]+")
MAX_WORDS = 5
INTRODUCED_BEFORE_RE = re.compile(rf"\b(?:{alternation('introducing_verb_stems')})\w*\s+(?:a|an|the|our)?\s*"
                                  r"(?:\w+[\s-]+){0,3}$",
    re.IGNORECASE)
METHOD_HEADS = term_list("title_method_heads")
HEADS_NEEDING_ECHO = term_list("title_heads_needing_echo")
TASK_HEADS = lowered_term_list("task_heads")


def title_phrases(title: str) -> list[tuple[int, int, str]]:
    """(start, end, kind): the part before a colon ("colon"), the words that open the title
    up to a connective ("lead"), and the words after "with"/"via"/"using"/"by" ("after")."""
    words = [(m.start(), m.end(), m.group()) for m in TITLE_WORD_RE.finditer(title)]
    colon = title.find(":")
    spans: dict[tuple[int, int], str] = {}
    if colon > 0:
        before = _without_article([w for w in words if w[1] <= colon])
        if 0 < len(before) <= MAX_WORDS:
            spans[(before[0][0], before[-1][1])] = "colon"
    run: list[tuple[int, int, str]] = []
    kind = "lead"
    for start, end, word in words + [(len(title), len(title), "for")]:
        bare = word.lower().strip(",.;!?")
        crosses_colon = colon >= 0 and run and run[0][0] < colon < start
        if bare in TITLE_CONNECTIVES or crosses_colon or word.endswith((",", ";")):
            if word.endswith((",", ";")) and bare not in TITLE_CONNECTIVES and not crosses_colon and kind != "skip":
                run.append((start, end - 1, word[:-1]))
            if run and len(run) <= MAX_WORDS:
                spans.setdefault((run[0][0], run[-1][1]), kind)
            run = []
            kind = "after" if bare in AFTER_WORDS else "skip"
            if crosses_colon and bare not in TITLE_CONNECTIVES:
                kind = "skip"
            continue
        if kind != "skip":
            run.append((start, end, word))
    return [(start, end, kind) for (start, end), kind in spans.items()]


ARTICLES = ("a", "an", "the")


def _without_article(run: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """"The Reactor: ...", "A Joint Many-Task Model: ...": the name starts after its article."""
    return run[1:] if len(run) > 1 and run[0][2].lower() in ARTICLES else run


def _occurrences(haystack: str, needle: str) -> list[int]:
    found = []
    at = haystack.find(needle)
    while at >= 0:
        end = at + len(needle)
        if (at == 0 or not haystack[at - 1].isalnum()) and (end == len(haystack) or not haystack[end].isalnum()):
            found.append(at)
        at = haystack.find(needle, end)
    return found


def phrase_features(title: str, abstract: str, lowered_abstract: str, start: int, end: int, kind: str,
                    echoes: list[int]) -> list[str]:
    phrase = title[start:end]
    words = phrase.split()
    lower = [w.lower() for w in words]
    feats = [f"kind={kind}", f"nwords={min(len(words), 5)}", f"last={lower[-1]}", f"first={lower[0]}"]
    feats += [f"w={w}" for w in lower]
    if lower[-1] in METHOD_HEADS or lower[-1].rsplit("-", 1)[-1] in METHOD_HEADS:
        feats.append("method_head")
    if lower[0].endswith("ing"):
        feats.append("first_ing")
    if all(w[:1].isupper() or w[:1].isdigit() for w in words):
        feats.append("all_capitalised")
    if any(c.isdigit() for c in phrase):
        feats.append("digit")
    if "-" in phrase:
        feats.append("hyphen")
    if len(words) == 1:
        feats.append("one_word")
    if start == 0:
        feats.append("opens_title")
    if any(w in STOP for w in lower):
        feats.append("stop_word_inside")
    feats.append(f"echoes={min(len(echoes), 3)}")
    for at in echoes[:3]:
        written = abstract[at:at + len(phrase)]
        if written == phrase:
            feats.append("echo_same_case")
        elif written[:1].isupper() and written[1:] == written[1:].lower() or written.islower():
            feats.append("echo_lower")
        if INTRODUCED_BEFORE_RE.search(abstract, max(0, at - 60), at):
            feats.append("echo_introduced")
        after = abstract[at + len(phrase):at + len(phrase) + 12]
        if re.match(r"\s*\([A-Z]", after):
            feats.append("echo_defines_acronym")
        if lowered_abstract[max(0, at - 5):at].endswith("our "):
            feats.append("echo_our")
    return feats


CAPITALISED_BEFORE_RE = re.compile(r"[A-Z][\w-]*[\s-]+$")
CAPITALISED_AFTER_RE = re.compile(r"[\s-]+[A-Z]")


def _named_alone(abstract: str, at: int, word: str) -> bool:
    """The abstract writes the title's one word as a name: capitalised as in the title, not
    opening a sentence, and not inside a longer capitalised name ("Mutual Information",
    "Information Bottleneck")."""
    end = at + len(word)
    if not abstract.startswith(word, at) or at == 0 or abstract[:at].rstrip()[-1:] in ".!?:":
        return False
    return not (CAPITALISED_BEFORE_RE.search(abstract, max(0, at - 30), at) or CAPITALISED_AFTER_RE.match(abstract, end))


def _name_without_echo(phrase: str, kind: str) -> bool:
    """A title phrase the abstract never repeats is still a candidate when it is shaped like a
    name: before the colon, Title Case words with no function word and no verb in "-ing" first
    ("Neural Production Systems: ..."); elsewhere, ending in a method's head noun ("...
    with Connection Laplacians", "Pointer Networks")."""
    words = phrase.split()
    lower = [w.lower() for w in words]
    if len(words) < 2 or any(w in STOP for w in lower) or lower[0].endswith("ing"):
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() for w in words) and kind != "after":
        return False
    last = lower[-1].rsplit("-", 1)[-1]
    if last in TASK_HEADS or lower[-1] in HEADS_NEEDING_ECHO or last in HEADS_NEEDING_ECHO:
        return False
    return kind == "colon" or last in METHOD_HEADS


def title_name_candidates(title: str, abstract: str, title_found: list[Found], abstract_found: list[Found]):
    """``[(title span, abstract echo spans, features)]`` for the phrases no rule took that the
    abstract repeats or that are shaped like a name (``_name_without_echo``), and for those
    that extend a method name a rule took ("Frustum PointNets" around "PointNets")."""
    lowered = abstract.lower()
    out = []
    for start, end, kind in title_phrases(title):
        if end - start < 3:
            continue
        overlapping = [f for f in title_found if f.start < end and start < f.end]
        extends = bool(overlapping)
        if extends and not all(f.etype == "Method" and start <= f.start and f.end <= end
                               and f.end - f.start < end - start for f in overlapping):
            continue
        phrase = title[start:end]
        if phrase.split()[0].lower().endswith("ing") or is_generic_term(phrase):
            continue  # "Understanding Graph Databases: ...", "... with Deep Neural Network": no name
        # the abstract's repetitions of the phrase, where no rule took a part of it (for a
        # phrase that extends a name, none took more than a part)
        echoes = [at for at in _occurrences(lowered, phrase.lower())
                  if not any(f.start < at + len(phrase) and at < f.end
                             and not (extends and f.etype == "Method" and at <= f.start and f.end <= at + len(phrase))
                             for f in abstract_found)]
        if " " not in phrase and (phrase.lower() in STOP or not any(_named_alone(abstract, at, phrase) for at in echoes)):
            continue  # "Learning with ...", "... via Information": one common word, not a name
        if not echoes and not extends and not _name_without_echo(phrase, kind):
            continue  # a phrase the abstract never uses again is too weak a guess ("Fast Inference")
        feats = phrase_features(title, abstract, lowered, start, end, kind, echoes)
        if not echoes:
            feats += ["no_echo", f"no_echo&kind={kind}"]
        if extends:
            feats.append("extends_name")
        out.append(((start, end), echoes, feats))
    return out


def names_from_title(title: str, abstract: str, candidates, keep) -> list[Found]:
    """The kept candidates as method mentions in the title and wherever the abstract repeats
    them (they replace the mentions of a name they extend: ``replace_extended``)."""
    added = []
    for (start, end), echoes, feats in candidates:
        if not keep(feats):
            continue
        # "Battle of the Backbones: A Large-Scale Comparison of ...": a benchmark's name
        etype = "Dataset" if "kind=colon" in feats and DATASET_TITLE_RE.search(title, end) else "Method"
        added.append(Found("title", start, end, etype, None, CUE, title[start:end]))
        length = end - start
        added.extend(Found("abstract", at, at + length, etype, None, CUE, abstract[at:at + length])
                     for at in echoes)
    return added


def replace_extended(found: list[Found], named: list[Found]) -> list[Found]:
    """``found`` with the title names added, less the mentions inside them ("PointNets" in
    "Frustum PointNets")."""
    spans = [(f.field, f.start, f.end) for f in named]
    kept = [f for f in found if not any(field == f.field and start <= f.start and f.end <= end
                                        for field, start, end in spans)]
    return kept + named


# "[SYNTHETIC] XNet: ...", "[Re] XNet: ...": a bracketed tag before a title marks the record
# (a reproduction, a generated corpus), it names nothing; read as a name it became a dataset.
TITLE_TAG_RE = re.compile(r"\[[^\[\]\n]{1,30}\]\s+")


def blank_title_tag(title: str) -> str:
    """The title with a leading bracketed tag turned into spaces (offsets stay those of the title)."""
    tag = TITLE_TAG_RE.match(title)
    return title if tag is None else " " * tag.end() + title[tag.end():]
