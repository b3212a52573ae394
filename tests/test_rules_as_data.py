"""The extractor's vocabulary lives in data files, hashed into the extractor version.

A word list written in code would change extraction without changing the version, so
stored papers would not be re-extracted after an edit.  These tests read the extractor's
source and fail on a literal collection of words or a regex alternation of many words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from factories import data_folder_copy

import kgbuild.extract
from kgbuild.extract import resources

EXTRACT_DIR = Path(kgbuild.extract.__file__).parent
WORD_RE = re.compile(r"^[A-Za-z][A-Za-z' .-]*$")
# Names of things, not vocabulary: the decisions' and files' names, attribute names, the
# syntax of URLs (top-level domains, code hosts) and of numbers with units ("140fps", "3D").
NOT_VOCABULARY = {"DECISIONS", "RESULT_DECISIONS", "LEXICON_FILES", "WORD_LISTS", "__slots__", "URL_RE",
                  "URL_SIGN_RE", "REPO_HOSTS", "MEASUREMENT_RE", "ORDINAL_OR_UNIT_RE"}
MIN_WORDS = 4
# A regex group with this many alternatives that are content words (not function words such
# as "of", "the", "is", which are the grammar of a pattern) is a word list, whatever its use.
MIN_CONTENT_WORDS = 5


def _word_literals(node: ast.AST) -> list[str]:
    if not isinstance(node, (ast.Set, ast.Tuple, ast.List)):
        return []  # (dict literals are records: their string keys are field names)
    items = node.elts
    words = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    return words if len(words) == len(items) and all(WORD_RE.match(w) for w in words) else []


def word_lists_in(source: str) -> list[tuple[int, str]]:
    """(line, a few words) of every literal collection of words outside NOT_VOCABULARY."""
    tree = ast.parse(source)
    exempt = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in NOT_VOCABULARY
                                                for t in node.targets):
            exempt.update(id(n) for n in ast.walk(node.value))
    found = []
    for node in ast.walk(tree):
        words = _word_literals(node)
        if len(words) >= MIN_WORDS and id(node) not in exempt:
            found.append((node.lineno, ", ".join(words[:3])))
    return found


def _alternatives(pattern: str) -> list[list[str]]:
    """The top-level alternatives of every group (and of the whole pattern)."""
    groups, stack = [], [[""]]
    for ch in pattern:
        if ch == "(":
            stack.append([""])
        elif ch == ")" and len(stack) > 1:
            groups.append(stack.pop())
            stack[-1][-1] += "(…)"
        elif ch == "|":
            stack[-1].append("")
        else:
            stack[-1][-1] += ch
    groups.append(stack[0])
    return groups


def word_alternations_in(source: str) -> list[tuple[int, str]]:
    found = []
    tree = ast.parse(source)
    exempt = {id(n) for node in ast.walk(tree) if isinstance(node, ast.Assign)
              and any(isinstance(t, ast.Name) and t.id in NOT_VOCABULARY for t in node.targets)
              for n in ast.walk(node.value)}
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "compile" and node.args):
            continue
        parts = [n.value for n in ast.walk(node.args[0]) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        for group in _alternatives("".join(parts)):
            words = [alt.lstrip("?:") for alt in group if WORD_RE.match(alt.lstrip("?:"))]
            words = [w for w in words if w.lower() not in STOP_WORDS]
            if len(words) >= MIN_CONTENT_WORDS:
                found.append((node.lineno, "|".join(words[:3])))
    return found


def test_no_word_list_in_the_extractors_code():
    offenders = [f"{path.name}:{line}: {words}…"
                 for path in sorted(EXTRACT_DIR.glob("*.py"))
                 for line, words in word_lists_in(path.read_text()) + word_alternations_in(path.read_text())]
    assert offenders == [], "word lists in code (move them to kgbuild/data/patterns/): " + "; ".join(offenders)


def test_the_checks_see_a_word_list_in_code():
    # the two forms the extractor's lists used to take
    assert word_lists_in('HEADS = frozenset({"network", "module", "layer", "block"})\n')
    assert word_lists_in('def f(x):\n    return [c for c in ("backbone", "encoder", "our ", "such as") if c in x]\n')
    assert word_alternations_in('import re\nR = re.compile(r"-(?:based|like|style|level|wise|aware|free|guided)$")\n')
    assert not word_alternations_in('import re\nR = re.compile(r"(?:with|on|for|of|in|to|by|than|while|at)\\b")\n')


def test_every_pattern_file_the_extractor_reads_is_in_the_version_hash(tmp_path, monkeypatch):
    """Editing any list changes the data fingerprint, hence the extractor version."""
    before = resources.data_fingerprint()
    copy = data_folder_copy(monkeypatch, tmp_path, "PATTERN_DIR", "*.jsonl")
    assert resources.data_fingerprint() == before
    for path in sorted(copy.glob("*.jsonl")):
        original = path.read_bytes()
        path.write_bytes(original + b'{"term": "an edit"}\n')
        assert resources.data_fingerprint() != before, f"{path.name} is not hashed into the version"
        path.write_bytes(original)


def test_pattern_files_keep_their_order_and_skip_comments():
    assert resources.term_sequence("named_cues")[:3] == ("named", "called", "dubbed")
    assert "|" not in "".join(resources.term_sequence("delta_words"))
    assert resources.alternation("dataset_title_words").startswith(r"datasets?|benchmarks?|corpus|challenge|")
