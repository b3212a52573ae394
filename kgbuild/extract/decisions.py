"""The trained decisions the extractor makes over the rules' candidates.

Ten models, each a :class:`~kgbuild.extract.linear.LinearModel` shipped in
``kgbuild/data/models`` and written by ``kgbuild train``:

- ``task_span``: which span ending at a task's head word names the task (``task_spans``);
- ``title_name``: is a title phrase no rule took a method's name (``title_names``);
- ``definition``: does an acronym definition "Long Form (LF)" name a method;
- ``entity``: is a grouped candidate an entity of the type the rules gave it;
- ``proposed`` and ``backbone``: a method's flag and role;
- ``evaluated_on``: was this method evaluated on this dataset;
- ``result``, ``result_metric``, ``result_dataset``: is a number an absolute result, and of
  which measure on which dataset (``result_decisions``).

The rules run first and their verdicts are features; a missing model leaves the rules'
verdict in place, which is also how the training run collects features for the first model.
``trace``, when given, receives every decision's candidate and features, so training sees
exactly what extraction sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from kgbuild.extract.candidates import DATASET_LF_HEADS, DEFINED, Found
from kgbuild.extract.entities import EntityDraft, group_mentions
from kgbuild.extract.features import (PairContext, PaperView, backbone_features, definition_features, entity_context_features,
                                      described_as_prior_work, entity_features, entity_own_features, listed_after_proposal,
                                      method_features, name_features, pair_features, proposed_backbone_features,
                                      trained_only_on, written_as_prior_work)
from kgbuild.extract.linear import LinearModel
from kgbuild.extract.names import is_generic_term
from kgbuild.extract.title_names import names_from_title, title_name_candidates
from kgbuild.extract.resources import MODEL_DIR, alternation

DECISIONS = ("task_span", "title_name", "definition", "entity", "proposed", "backbone", "evaluated_on", "result",
             "result_metric", "result_dataset")
Trace = Callable[[str, dict, list[str]], None]  # (decision, candidate, features), one paper's
PaperTrace = Callable[[str, str, dict, list[str]], None]  # the same with the paper's id first


class Decisions:
    def __init__(self, models: dict[str, LinearModel] | None = None) -> None:
        self.models = dict(models or {})

    @classmethod
    def shipped(cls, folder: Path = MODEL_DIR) -> Decisions:
        models = {}
        for name in DECISIONS:
            path = folder / f"{name}.json"
            if path.exists():
                models[name] = LinearModel.load(path)
        return cls(models)

    def get(self, name: str) -> LinearModel | None:
        return self.models.get(name)


def forms_of(draft: EntityDraft) -> list[str]:
    return sorted({draft.name, *draft.forms})


def decide_title_names(texts: dict[str, str], title_found: list[Found], abstract_found: list[Found],
                       decisions: Decisions, trace: Trace | None) -> list[Found]:
    model = decisions.get("title_name")
    if (model is None and trace is None) or not texts["title"]:
        return []
    candidates = title_name_candidates(texts["title"], texts["abstract"], title_found, abstract_found)
    if trace is not None:
        for (start, end), _, feats in candidates:
            trace("title_name", {"forms": [texts["title"][start:end]]}, feats)
    if model is None:
        return []
    return names_from_title(texts["title"], texts["abstract"], candidates, model.says_yes)


def decide_definitions(texts: dict[str, str], found: list[Found], definitions, decisions: Decisions,
                       trace: Trace | None, lowered: dict[str, str]) -> list[Found]:
    """Both forms of a definition the model calls a method become method mentions (retyped
    from another type, or added where no rule took them)."""
    model = decisions.get("definition")
    if (model is None and trace is None) or not definitions:
        return found
    by_span = {(f.field, f.start, f.end): f for f in found}
    added: list[Found] = []
    for field, d in definitions:
        text = texts[field]
        short = by_span.get((field, d.short_start, d.short_end))
        long = by_span.get((field, d.long_start, d.long_end))
        rule_type = (short or long).etype if (short or long) else "None"
        feats = definition_features(text, lowered[field], d.long_start, d.long_end, d.short_start, d.short_end,
                                    rule_type)
        if trace is not None:
            trace("definition", {"forms": [text[d.short_start:d.short_end], text[d.long_start:d.long_end]]}, feats)
        if model is None or rule_type == "Method" or not model.says_yes(feats):
            continue
        if rule_type == "Dataset" and _last_word(text[d.long_start:d.long_end]) in DATASET_LF_HEADS:
            continue  # "Multi-Person 3D Human Pose Dataset (MP-3DHP)": the long form says what it is
        if is_generic_term(text[d.short_start:d.short_end]) or is_generic_term(text[d.long_start:d.long_end]):
            continue  # "graph neural networks (GNNs)": a family, which the guideline does not name
        for start, end, mention in ((d.short_start, d.short_end, short), (d.long_start, d.long_end, long)):
            if mention is not None:
                mention.etype, mention.key = "Method", None
            elif not any(f.field == field and f.start < end and start < f.end for f in found + added):
                added.append(Found(field, start, end, "Method", None, DEFINED, text[start:end]))
    if added:
        found = sorted(found + added, key=lambda f: (f.field != "title", f.start))
    return found


def _last_word(text: str) -> str:
    words = text.replace("-", " ").split()
    return words[-1].lower() if words else ""


# How far from its threshold a model's score must be, on the features that cost little, for
# the features that cost more not to be read: they move the entity score by less than 3 in
# 99% of the drafts (the largest seen, 7.8, was on a draft whose score was near the
# threshold anyway). At 3 the cross-validated figures and the extraction of the sample and
# of the annotated inputs are unchanged; at 2 SciREX Metric lost 0.014.
SURE_MARGIN = 3.0


def _near_threshold(score: float) -> bool:
    """A score (taken from the threshold's logit) within ``SURE_MARGIN`` of it: the features
    that cost more are read before deciding."""
    return -SURE_MARGIN <= score <= SURE_MARGIN


def decide_entities(view: PaperView, definitions, decisions: Decisions, trace: Trace | None
                    ) -> tuple[list[Found], list[EntityDraft]]:
    model = decisions.get("entity")
    if model is None and trace is None:
        return view.found, view.drafts
    changed = False
    dropped: set[int] = set()
    cut = model.threshold_logit if model is not None else 0.0
    for index, draft in enumerate(view.drafts):
        if trace is None:
            # The draft's own features first: where they alone put the score further than
            # ``SURE_MARGIN`` from the threshold, the context around its mentions is not read.
            # (the name's features are read with their typed forms without writing those)
            score = model.logit(entity_own_features(draft), view.style) - cut \
                + model.typed_contribution(name_features(draft.name), draft.etype, view.style)
            if not _near_threshold(score):
                if score < 0.0:
                    dropped.add(index)
                    changed = True
                continue
            # (no context feature is one of the draft's own: the scores add up)
            if score + model.typed_contribution(entity_context_features(view, draft, typed=False), draft.etype,
                                                view.style) < 0.0:
                dropped.add(index)
                changed = True
            continue
        feats = entity_features(view, draft)
        trace("entity", {"type": draft.etype, "forms": forms_of(draft)}, view.adapted(feats))
        if model is None:
            continue
        if not model.says_yes(feats, view.style):
            dropped.add(index)
            changed = True
    if not changed:
        return view.found, view.drafts
    found = [f for f in view.found if f.entity not in dropped]
    return found, group_mentions(found, definitions)


def decide_methods(view: PaperView, title_prefix_start: int | None, decisions: Decisions,
                   trace: Trace | None) -> None:
    proposed, backbone = decisions.get("proposed"), decisions.get("backbone")
    if proposed is None and backbone is None and trace is None:
        return
    verdicts = []
    talks_of_backbones = None  # (asked once, by the first method whose role is open)
    for draft in view.drafts:
        if draft.etype != "Method":
            continue
        main_name = title_prefix_start is not None and any(
            m.field == "title" and m.start == title_prefix_start for m in draft.mentions)
        # (features are written once, and read in the text's style too: ``view.style``)
        feats = method_features(view, draft, main_name)
        if trace is not None:
            trace("method", {"forms": forms_of(draft)}, view.adapted(feats))
        # the role reads the backbone context besides (the proposed flag does better without it),
        # where the role is still to decide (``_role_open``: no step between changes its answer)
        role_score = None
        if trace is not None:
            read_context = True
        elif _role_open(backbone, draft):
            # in a paper that never writes "backbone" (most), the role's context is read
            # (``SURE_MARGIN``) only where the method's own features leave the role's score near
            # its threshold; where it does, the context ("proposed&paper:backbone", "as the
            # backbone") can outweigh them, and is read for every method
            if talks_of_backbones is None:
                talks_of_backbones = any("backbone" in text for text in view.lowered.values())
            if talks_of_backbones and (draft.proposed or main_name):
                read_context = True
            else:
                role_score = backbone.logit(feats, view.style) - backbone.threshold_logit
                read_context = _near_threshold(role_score)
        else:
            read_context = False
        if read_context:
            role_parts = [feats, backbone_features(view, draft, main_name)]
        elif role_score is not None:
            role_parts = None  # decided on the method's own features below
        else:
            role_parts = [feats]  # (the role is not asked: nothing more to read)
        verdicts.append((draft, feats, role_parts, role_score))
    # The rules' flags are precise and miss many (cross-validated precision about 0.9,
    # recall about 0.5): a model adds the flags they miss and never takes one away.
    for draft, feats, role_parts, role_score in verdicts:
        rule_proposed = draft.proposed
        if proposed is not None:
            draft.proposal = proposed.probability(feats, view.style)
            if not draft.proposed:
                # (a name the text puts after "into pre-trained", "combine ... and", "built on" is
                # work the paper uses, unless the paper defines it: the model does not add it)
                # (nor to a name written after "conventional", "the celebrated", "recent", ...)
                draft.proposed = draft.proposal >= proposed.threshold and not written_as_prior_work(view, draft) \
                    and not described_as_prior_work(view, draft) and not _backbone_in_use(draft)
        if role_parts is None:
            # (decided on the method's own features, ``role_score`` far from the threshold)
            if role_score > 0.0 and not _compared_against(view, draft):
                draft.roles.add("backbone")
        else:
            if draft.proposed and not rule_proposed:
                # the backbone role also reads the proposed model's verdict: what a backbone paper
                # says holds for the method it proposes
                role_parts.append(proposed_backbone_features(view))
            if trace is not None:
                trace("backbone", {"forms": forms_of(draft)}, [f for part in role_parts for f in view.adapted(part)])
            # (letting the backbone model also take the rules' role away where it is confident,
            # p < 0.1, cost cross-validated F1: it stays an adder.)  A name that says "backbone"
            # ("... of the Backbones") is a study or a benchmark, not a network in that role.
            if _role_open(backbone, draft) and backbone.says_yes([f for part in role_parts for f in part], view.style) \
                    and not _compared_against(view, draft):
                draft.roles.add("backbone")
        if proposed is not None and not draft.proposed and "listed_part" in feats and "unknown_name" in feats \
                and "backbone" not in draft.roles and listed_after_proposal(view, draft):
            # "We present X ... with three components: (1) ..., (2) A Global-to-Local (G2L) module":
            # a part the text lists once the paper has said what it proposes, under a name no
            # lexicon knows, is one of the paper's own (the model misses most). (Flagged after the
            # role is settled: a part of a backbone paper's system is not the backbone, and what
            # is listed as a backbone, "two backbone networks (i.e., X)", is no part.)
            draft.proposed = True


def _backbone_in_use(draft: EntityDraft) -> bool:
    """A network the rules call a backbone ("we utilize two backbone networks (i.e., X)") that
    the title does not name is one the paper uses: the proposed model adds no flag to it (a
    proposed backbone is the title's)."""
    return "backbone" in draft.roles and not any(m.field == "title" for m in draft.mentions)


def _role_open(backbone: LinearModel | None, draft: EntityDraft) -> bool:
    """Whether the backbone model is asked about this method: it only adds the role, where the
    rules did not give it and the name does not say "backbone"."""
    return backbone is not None and "backbone" not in draft.roles and not _says_backbone(draft)


COMPARED_AGAINST_RE = re.compile(rf"\b(?:{alternation('compared_against_words')})\s+(?:the\s+|a\s+|an\s+)?"
                                 r"(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def _compared_against(view: PaperView, draft: EntityDraft) -> bool:
    """Every mention follows "beats", "outperforms", "than", ...: a method the paper compares
    against, whatever else its sentence says about backbones."""
    return all(COMPARED_AGAINST_RE.search(view.texts[m.field], max(0, m.start - 40), m.start) for m in draft.mentions)


def _says_backbone(draft: EntityDraft) -> bool:
    return any("backbone" in form.lower() for form in (draft.name, *draft.forms))


def decide_pairs(view: PaperView, rule_pairs: list[tuple[int, int, str, int]], result_pairs: set[tuple[int, int]],
                 main_methods: list[int], decisions: Decisions, trace: Trace | None
                 ) -> list[tuple[int, int, str, int]]:
    model = decisions.get("evaluated_on")
    if model is None and trace is None:
        return rule_pairs
    by_pair = {(m, d): (field, sentence) for m, d, field, sentence in rule_pairs}
    context = PairContext(view, set(by_pair) | set(result_pairs))
    kept = []
    trained_only: dict[int, bool] = {}  # per dataset draft
    drafts = view.drafts
    for mi, method in enumerate(drafts):
        if method.etype != "Method":
            continue
        for di, dataset in enumerate(drafts):
            if dataset.etype != "Dataset":
                continue
            if di not in trained_only:
                trained_only[di] = trained_only_on(view, dataset)
            rule = (mi, di) in by_pair
            feats = pair_features(view, method, dataset, rule, (mi, di) in result_pairs, mi in main_methods,
                                  trained_only[di], context, (mi, di))
            if trace is not None:
                trace("evaluated_on", {"method": forms_of(method), "dataset": forms_of(dataset),
                                       "proposed": method.proposed,
                                       "backbone": "backbone" in method.roles}, view.adapted(feats))
            keep = model.says_yes(feats, view.style) if model is not None else rule
            if keep and not rule and (mi, di) not in result_pairs and trained_only[di]:
                keep = False  # the guideline: data used only for (pre-)training is no evaluation
            if keep and not rule and (mi, di) not in result_pairs and not method.proposed \
                    and mi not in main_methods and not _share_a_sentence(view, method, dataset):
                # a method the paper neither proposes nor leads with, never written with the
                # dataset: the paper-wide cues ("won the 1st place on X") are about its own system
                keep = False
            if keep:
                kept.append((mi, di, *(by_pair.get((mi, di)) or _evidence_place(view, method, dataset))))
    return kept


def _places(view: PaperView, draft: EntityDraft) -> list[tuple[str, int]]:
    """(field, sentence) of each of the draft's mentions, in order."""
    return [(m.field, view.sentences[m.field].of(m.start)) for m in draft.mentions]


def _share_a_sentence(view: PaperView, method: EntityDraft, dataset: EntityDraft) -> bool:
    return not set(_places(view, method)).isdisjoint(_places(view, dataset))


def _evidence_place(view: PaperView, method: EntityDraft, dataset: EntityDraft) -> tuple[str, int]:
    """The sentence that names both, else the dataset's first sentence in the abstract."""
    method_sentences = set(_places(view, method))
    places = _places(view, dataset)
    for place in places:
        if place in method_sentences:
            return place
    in_abstract = [p for p in places if p[0] == "abstract"]
    return (in_abstract or places)[0]
