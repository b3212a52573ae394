"""The extractor: a blank spaCy pipeline plus our lexicon component, and the rules.

spaCy does the tokenising and the hash-based phrase matching; the rules run on the raw
strings.  Only plain records (``kgbuild.models``) leave this module.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language

from kgbuild.extract import rules
from kgbuild.extract.assemble import build_extraction
from kgbuild.extract.candidates import Found, field_candidates, follow_definitions
from kgbuild.extract.decisions import Decisions, PaperTrace, decide_definitions, decide_entities, decide_title_names, decide_methods, decide_pairs
from kgbuild.extract.entities import group_mentions, keep_versions_apart, without_broad_fields
from kgbuild.extract.facts import find_evaluated_on, find_results, mark_backbones, mark_proposed
from kgbuild.extract.features import PaperView, text_style
from kgbuild.extract.task_spans import TaskSpans
from kgbuild.extract.lexicon import LexiconMatcher
from kgbuild.extract.repos import find_repos
from kgbuild.extract.result_decisions import decide_results
from kgbuild.extract.sentences import SentenceIndex
from kgbuild.extract.spacing import Spaced, point_at_original, read_spaced
from kgbuild.extract.title_names import blank_title_tag, replace_extended
from kgbuild.extract.tokens import tune_tokenizer
from kgbuild.models import Extraction, Paper

BATCH_SIZE = 256
# spaCy's vocabulary keeps every string it has seen (each new name, each new token), so a
# long run rebuilds the pipeline after this many papers to give that memory back. spaCy's
# memory zones would bound it too, but inside one no lexeme or tokenizer cache entry is kept
# between texts, which halved the extraction speed.
PAPERS_PER_PIPELINE = 50_000
LEXICON_COMPONENT = "kgbuild_lexicon"


@Language.factory(LEXICON_COMPONENT)
def _make_lexicon_component(nlp: Language, name: str):
    matcher = LexiconMatcher(nlp)

    def lexicon_component(doc):
        # plain tuples in user_data: cheaper than Span objects and never leave the module
        doc.user_data["lexicon"] = matcher(doc)
        return doc

    return lexicon_component


def build_nlp() -> Language:
    nlp = spacy.blank("en")
    tune_tokenizer(nlp)
    # The ~20k lexicon patterns are tokenised with the chunk cache off: it keeps what it
    # holds (no eviction), and pattern words would have taken the room of abstract words.
    cache_size, nlp.tokenizer.max_cache_size = nlp.tokenizer.max_cache_size, 0
    nlp.add_pipe(LEXICON_COMPONENT)
    nlp.tokenizer.max_cache_size = cache_size
    return nlp


class Extractor:
    """``freeze_heap``: for the one extractor of a process (the CLI's, a worker's).  The
    pipeline's hundred thousand objects live as long as the process, and Python's full
    garbage collections walked them all again and again (a sixth of the extraction time);
    frozen (``gc.freeze``) they are skipped.  Everything the process holds at that moment
    is frozen with them, hence not the default for a library caller."""

    def __init__(self, freeze_heap: bool = False, decisions: Decisions | None = None,
                 trace: PaperTrace | None = None) -> None:
        rules.load_word_lists()
        self._freeze_heap = freeze_heap
        # ``decisions``: the trained models (default: those shipped); ``trace``: for training
        self.decisions = decisions if decisions is not None else Decisions.shipped()
        self.trace = trace
        self.renew()

    def renew(self) -> None:
        """A fresh pipeline: what the old vocabulary learnt from the texts is freed.

        The old pipeline goes before the new one is built, so the two are never held at
        once (that had added a fresh pipeline, about 40 MB, to each worker's peak)."""
        self.nlp = None
        if self._freeze_heap:
            gc.unfreeze()  # so that the old pipeline's reference cycles can be collected
            gc.collect()
        self.nlp = build_nlp()
        self._papers_since_build = 0
        # A full collection now, while the pipeline is new, frozen or not: Python starts the
        # next one only once the heap has grown by a quarter since the last, so the first
        # texts do not pay for a walk over the pipeline that building it had brought due.
        gc.collect()
        if self._freeze_heap:
            gc.freeze()

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
        joined: list[Spaced | None] = []
        for paper in papers:
            title, abstract = paper.title or "", paper.abstract or ""
            if text_style(abstract) == "spaced":
                spaced = read_spaced(title, abstract)
                title, abstract = spaced.texts["title"], spaced.texts["abstract"]
                joined.append(spaced)
            else:
                joined.append(None)
            texts.append(title)
            texts.append(abstract)
        if self._papers_since_build >= PAPERS_PER_PIPELINE:
            self.renew()
        # Only plain tuples leave spaCy, so no Doc or Lexeme outlives the pipeline it came from.
        hits = [doc.user_data["lexicon"] for doc in self.nlp.pipe(texts, batch_size=BATCH_SIZE)]
        self._papers_since_build += len(papers)
        for i, paper in enumerate(papers):
            yield extract_one(paper, hits[2 * i], hits[2 * i + 1], self.decisions, self.trace, joined[i])

    def extract_paper(self, paper: Paper) -> Extraction:
        return next(self._run_batch([paper]))


def extract_one(paper: Paper, title_hits, abstract_hits, decisions: Decisions | None = None,
                trace: PaperTrace | None = None, joined: Spaced | None = None) -> Extraction:
    """``joined``: a tokenised record read as prose, per field the text and its characters'
    original offsets (``spacing.read_spaced``); the extraction then points at the original text."""
    decisions = decisions if decisions is not None else Decisions()
    if trace is not None:
        trace = _for_paper(trace, paper.id)
    if joined is not None:
        texts = dict(joined.texts)
    else:
        texts = {"title": paper.title or "", "abstract": paper.abstract or ""}
    texts["title"] = blank_title_tag(texts["title"])
    sentences = {field: SentenceIndex(text) for field, text in texts.items()}
    splits = []
    # the texts in lower case, made once: the task spans, the definitions, the features and the flags read them
    lowered = {field: text.lower() for field, text in texts.items()}
    task_spans = TaskSpans(decisions.get("task_span"), trace, text_style(texts["abstract"]), lowered)
    abstract_found, abstract_defs = field_candidates(texts["abstract"], "abstract", abstract_hits, False,
                                                     sentences["abstract"], lower_methods=joined is not None,
                                                     task_chooser=task_spans)
    confirmed = {(f.etype, f.key) for f in abstract_found if f.key}
    title_found, title_defs = field_candidates(texts["title"], "title", title_hits, True, sentences["title"],
                                               confirmed, task_chooser=task_spans)
    title_found = _echo_in_title(texts["title"], title_found, abstract_found)
    found = title_found + abstract_found
    _benchmark_in_title(texts["title"], found, abstract_defs)
    named = decide_title_names(texts, title_found, abstract_found, decisions, trace)
    if named:
        found = replace_extended(found, named)
    found.sort(key=lambda f: (f.field != "title", f.start))
    definitions = [("title", d) for d in title_defs] + [("abstract", d) for d in abstract_defs]
    for field, hits in (("title", title_hits), ("abstract", abstract_hits)):
        splits.extend((field, s, e, key) for s, e, etype, key in hits if etype == "Split")
    follow_definitions(found, definitions)
    keep_versions_apart(found)
    found = without_broad_fields(decide_definitions(texts, found, definitions, decisions, trace, lowered), lowered,
                                 definitions)
    drafts = group_mentions(found, definitions)
    first_view = PaperView(texts, sentences, found, drafts, lowered)
    found, drafts = decide_entities(first_view, definitions, decisions, trace)
    prefix_span = _title_name_span(texts["title"], found)
    mark_proposed(texts, found, drafts, prefix_span, lowered)
    mark_backbones(texts, sentences, found, drafts, prefix_span, lowered)
    view = first_view.regrouped(found, drafts)
    decide_methods(view, prefix_span[0] if prefix_span else None, decisions, trace)
    main_methods = _main_methods(found, drafts)
    main_method = main_methods[0] if main_methods else None
    results = decide_results(view, splits, main_method, decisions, trace,
                             lambda: find_results(texts, sentences, found, drafts, splits, main_method))
    evaluated = find_evaluated_on(texts, sentences, found, drafts, results, main_methods)
    result_pairs = {(r.method, r.dataset) for r in results if r.method is not None and r.dataset is not None}
    evaluated = decide_pairs(view, evaluated, result_pairs, main_methods, decisions, trace)
    repos = [(field, start, end, url) for field, text in texts.items() for start, end, url in find_repos(text)]
    extraction = build_extraction(paper, texts, sentences, drafts, results, evaluated, repos)
    if joined is not None:
        point_at_original(extraction, joined)
    return extraction


def _for_paper(trace, paper_id: str):
    def traced(kind: str, candidate: dict, features: list[str]) -> None:
        trace(paper_id, kind, candidate, features)

    return traced


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


def _title_name_span(title: str, found: list[Found]) -> tuple[int, int] | None:
    """The span of the name a title opens with, "LWGANet: ..." (``rules.title_prefix``), or of
    a method mention that fills the title's part before its colon ("Neural Production
    Systems: Learning ...")."""
    prefix = rules.title_prefix(title)
    if prefix:
        return prefix[0], prefix[1]
    colon = title.find(":")
    if colon <= 0:
        return None
    start = len(title) - len(title.lstrip())
    for f in found:
        if f.field == "title" and f.etype == "Method" and f.start == start and not title[f.end:colon].strip():
            return f.start, f.end
    return None


def _benchmark_in_title(title: str, found: list[Found], abstract_defs) -> None:
    """"Battle of the Backbones: A Large-Scale Comparison of ...", "BiBench: Benchmarking ...":
    the name before the colon of a title that announces a benchmark is a dataset, wherever
    the paper writes it (and its acronym), unless the lexicon knows it as a method."""
    colon = title.find(":")
    if colon <= 0 or not rules.DATASET_TITLE_RE.search(title, colon):
        return
    name = title[:colon].strip()
    if not any(f.field == "title" and f.text == name and f.etype == "Method" for f in found):
        return
    same = [f for f in found if f.text == name and f.etype == "Method"]
    if any(f.key for f in same):
        return
    spans = {(f.field, f.start, f.end) for f in same}
    for d in abstract_defs:
        if ("abstract", d.long_start, d.long_end) in spans:
            same += [f for f in found if f.field == "abstract" and (f.start, f.end) == (d.short_start, d.short_end)
                     and f.etype == "Method" and not f.key]
    for f in same:
        f.etype = "Dataset"


def _main_methods(found, drafts) -> list[int]:
    """The paper's own method: the proposed one the title names, else the first proposed."""
    seen: list[int] = []
    for f in found:
        if f.etype == "Method" and drafts[f.entity].proposed and f.entity not in seen:
            seen.append(f.entity)
    in_title = [e for e in seen if any(f.field == "title" and f.entity == e for f in found)]
    return (in_title or seen)[:1]
