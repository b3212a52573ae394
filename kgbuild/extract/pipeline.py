"""The extractor: a blank spaCy pipeline plus our lexicon component, and the rules.

spaCy does the tokenising and the hash-based phrase matching; the rules run on the raw
strings.  Only plain records (``kgbuild.models``) leave this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import spacy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.util import compile_suffix_regex

from kgbuild.extract import rules
from kgbuild.extract.assemble import build_extraction
from kgbuild.extract.candidates import Found, field_candidates
from kgbuild.extract.entities import group_mentions
from kgbuild.extract.facts import find_evaluated_on, find_results, mark_backbones, mark_proposed
from kgbuild.extract.lexicon import LexiconMatcher
from kgbuild.extract.repos import find_repos
from kgbuild.extract.sentences import SentenceIndex
from kgbuild.models import Extraction, Paper

BATCH_SIZE = 256
# spaCy's vocabulary keeps every string it has seen (each new name, each new token), so a
# long run rebuilds the pipeline after this many papers to give that memory back. spaCy's
# memory zones would bound it too, but inside one no lexeme or tokenizer cache entry is kept
# between texts, which halved the extraction speed.
PAPERS_PER_PIPELINE = 50_000
LEXICON_COMPONENT = "kgbuild_lexicon"
TOKENIZER_CACHE_SIZE = 100_000


@Language.factory(LEXICON_COMPONENT)
def _make_lexicon_component(nlp: Language, name: str):
    matcher = LexiconMatcher(nlp)

    def lexicon_component(doc):
        # plain tuples in user_data: cheaper than Span objects and never leave the module
        doc.user_data["lexicon"] = matcher(doc)
        return doc

    return lexicon_component


# spaCy leaves the full stop on "mIoU." or "ImageNet-1K." (mixed case before it), which
# would hide the name from the phrase matcher at every sentence end.
SENTENCE_FINAL_STOP = r"(?<=[A-Za-z0-9])\.$"


def _not_for_letters(find, nothing):
    """``find`` with a shortcut for chunks made of letters only: every English prefix, suffix
    and infix rule needs a digit, a punctuation mark or a symbol, so such a chunk has none.
    The affix regexes are alternations of a hundred-odd patterns tried at every position,
    the tokeniser's main cost on words it has not seen yet (the tokens come out the same)."""

    def find_unless_letters(chunk: str):
        return nothing if chunk.isalpha() else find(chunk)

    return find_unless_letters


def _only_with_a_dot(url_match):
    """spaCy's URL test, run only on chunks with a full stop: its host part is either an
    IPv4 address or dot-separated labels, so a chunk without one is never a URL.  The
    tokenizer tries it on every word it has not seen, and it backtracks over the whole word."""

    def url_match_if_dotted(chunk: str):
        return "." in chunk and url_match(chunk)

    return url_match_if_dotted


# The longest suffix spaCy's English rules can split off, apart from runs of full stops
# (searched in full): a unit after a number ("km/h", "mbar").  tests/test_extract_tokens.py
# checks this against the rules, so that a spaCy upgrade cannot silently break it.
LONGEST_SUFFIX = 5
# What the longer rules end in, besides letters and digits: "……", "US$" (and ".." above).
MULTI_CHARACTER_SUFFIX_ENDS = frozenset("…$")


def _suffix_at_end(search):
    """spaCy's suffix search (every rule ends in "$") tried only where a suffix can start.

    ``search`` tries every position of the chunk, which made it the costliest affix test;
    the chunk's last few characters give the same answer."""

    def find_suffix(chunk: str):
        if chunk.isalpha():
            return None
        last = chunk[-1:]
        if last.isascii() and last.isalnum():
            # No rule ends in an ASCII digit; the ones ending in an ASCII letter are "'s"
            # and units right after a number ("5km").
            if last.isdigit() or (chunk[-2:-1] not in ("'", "’")
                                  and not any(c.isdigit() for c in chunk[-LONGEST_SUFFIX - 1:])):
                return None
        if chunk.endswith(".."):
            return search(chunk)
        if last not in MULTI_CHARACTER_SUFFIX_ENDS and not last.isalnum():
            return search(chunk, max(0, len(chunk) - 1))  # "model,": only one-character rules end so
        return search(chunk, max(0, len(chunk) - LONGEST_SUFFIX))

    return find_suffix


def build_nlp() -> Language:
    nlp = spacy.blank("en")
    # The phrase matchers read ORTH and LOWER only; computing the other lexical attributes
    # (shape, stop word, like_num, ...) for every new word was a third of the tokenising.
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {LOWER: getters[LOWER]}
    suffixes = list(nlp.Defaults.suffixes) + [SENTENCE_FINAL_STOP]
    tokenizer = nlp.tokenizer
    tokenizer.prefix_search = _not_for_letters(tokenizer.prefix_search, None)
    tokenizer.suffix_search = _suffix_at_end(compile_suffix_regex(suffixes).search)
    tokenizer.infix_finditer = _not_for_letters(tokenizer.infix_finditer, ())
    tokenizer.url_match = _only_with_a_dot(tokenizer.url_match)
    nlp.add_pipe(LEXICON_COMPONENT)
    # Tokenising ~20k lexicon patterns filled the tokenizer's chunk cache (no eviction) with
    # pattern words, leaving no room for abstract words.  Re-setting the rules is the public
    # way to get a fresh cache (deleting keys does not free slots).
    nlp.tokenizer.rules = nlp.tokenizer.rules
    # spaCy caches the first 10,000 distinct chunks only; a corpus has many more, and every
    # chunk missing from the cache is split by the affix rules again (a few MB per 100,000).
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_SIZE
    return nlp


class Extractor:
    def __init__(self) -> None:
        rules.load_word_lists()
        self.nlp = build_nlp()
        self._papers_since_build = 0

    def renew(self) -> None:
        """A fresh pipeline: what the old vocabulary learnt from the texts is freed."""
        self.nlp = build_nlp()
        self._papers_since_build = 0

    def run(self, papers: Iterable[Paper]) -> Iterator[Extraction]:
        batch: list[Paper] = []
        for paper in papers:
            batch.append(paper)
            if len(batch) >= BATCH_SIZE:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, papers: list[Paper]) -> Iterator[Extraction]:
        texts = []
        for paper in papers:
            texts.append(paper.title or "")
            texts.append(paper.abstract or "")
        if self._papers_since_build >= PAPERS_PER_PIPELINE:
            self.renew()
        # Only plain tuples leave spaCy, so no Doc or Lexeme outlives the pipeline it came from.
        hits = [doc.user_data["lexicon"] for doc in self.nlp.pipe(texts, batch_size=BATCH_SIZE)]
        self._papers_since_build += len(papers)
        for i, paper in enumerate(papers):
            yield extract_one(paper, hits[2 * i], hits[2 * i + 1])

    def extract_paper(self, paper: Paper) -> Extraction:
        return next(self._run_batch([paper]))


def extract_one(paper: Paper, title_hits, abstract_hits) -> Extraction:
    texts = {"title": paper.title or "", "abstract": paper.abstract or ""}
    sentences = {field: SentenceIndex(text) for field, text in texts.items()}
    found, definitions, splits = [], [], []
    abstract_found, abstract_defs = field_candidates(texts["abstract"], "abstract", abstract_hits, False,
                                                     sentences["abstract"])
    confirmed = {(f.etype, f.key) for f in abstract_found if f.key}
    title_found, title_defs = field_candidates(texts["title"], "title", title_hits, True, sentences["title"],
                                               confirmed)
    title_found = _echo_in_title(texts["title"], title_found, abstract_found)
    found = title_found + abstract_found
    definitions = [("title", d) for d in title_defs] + [("abstract", d) for d in abstract_defs]
    for field, hits in (("title", title_hits), ("abstract", abstract_hits)):
        splits.extend((field, s, e, key) for s, e, etype, key in hits if etype == "Split")
    drafts = group_mentions(found, definitions)
    prefix = rules.title_prefix(texts["title"])
    prefix_span = (prefix[0], prefix[1]) if prefix else None
    mark_proposed(texts, found, drafts, prefix_span)
    mark_backbones(texts, found, drafts, prefix_span)
    main_methods = _main_methods(found, drafts)
    results = find_results(texts, sentences, found, drafts, splits, main_methods[0] if main_methods else None)
    evaluated = find_evaluated_on(texts, sentences, found, drafts, results, main_methods)
    repos = [(field, start, end, url) for field, text in texts.items() for start, end, url in find_repos(text)]
    return build_extraction(paper, texts, sentences, drafts, results, evaluated, repos)


def _echo_in_title(title: str, title_found: list[Found], abstract_found: list[Found]) -> list[Found]:
    """Names the abstract establishes are also mentions where the title writes them verbatim
    (title-case titles give no shape evidence of their own)."""
    added = list(title_found)
    for f in abstract_found:
        if f.etype not in ("Method", "Dataset", "Task") or len(f.text) < 3:
            continue
        haystack, needle = (title.lower(), f.text.lower()) if f.etype == "Task" else (title, f.text)
        at = haystack.find(needle)
        if at < 0:
            continue
        end = at + len(needle)
        if (at > 0 and title[at - 1].isalnum()) or (end < len(title) and title[end].isalnum()):
            continue
        if any(o.start < end and at < o.end for o in added):
            continue
        added.append(Found("title", at, end, f.etype, f.key, f.rank, title[at:end]))
    added.sort(key=lambda f: f.start)
    return added


def _main_methods(found, drafts) -> list[int]:
    """The paper's own method: the proposed one the title names, else the first proposed."""
    seen: list[int] = []
    for f in found:
        if f.etype == "Method" and drafts[f.entity].proposed and f.entity not in seen:
            seen.append(f.entity)
    in_title = [e for e in seen if any(f.field == "title" and f.entity == e for f in found)]
    return (in_title or seen)[:1]
