"""The trained decisions: training, cross-validation, shipped models, and the error classes
the issue names, each pinned with a sentence of our own making."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from factories import data_folder_copy

from kgbuild import crossval
from kgbuild.cli import cli
from kgbuild.extract import resources
from kgbuild.extract.decisions import DECISIONS, Decisions
from kgbuild.extract.linear import LinearModel
from kgbuild.extract.pipeline import Extractor
from kgbuild.models import Paper, SourceRef
from kgbuild.train import read_annotated, train_decisions, write_models

ANNOTATED = Path(__file__).parent / "fixtures" / "annotated"


def annotated():
    return (read_annotated(ANNOTATED / "corpus.jsonl", ANNOTATED / "corpus_input.jsonl", "corpus")
            + read_annotated(ANNOTATED / "scirex.jsonl", ANNOTATED / "scirex_input.jsonl", "scirex"))


def extract(extractor: Extractor, title: str, abstract: str):
    return extractor.extract_paper(Paper(id="p", title=title, abstract=abstract, source=SourceRef(file="t", line=1)))


def method(extraction, name: str):
    return next(e for e in extraction.entities if e.type == "Method" and e.name == name)


def pairs(extraction) -> set[tuple[str, str]]:
    return {(r.source.name, r.target.name) for r in extraction.relations if r.type == "EVALUATED_ON"}


def test_a_method_neither_proposed_nor_written_with_a_dataset_is_not_paired_with_it():
    # a pair model that says yes to every pair: what stands is what the guard lets through
    models = dict(Decisions.shipped().models)
    models["evaluated_on"] = LinearModel("evaluated_on", ["no", "yes"], [{}], [5.0])
    x = extract(Extractor(decisions=Decisions(models)), "Wrapping Normalisation into Any Network with KelpNet",
                "We present KelpNet, a novel normalisation block for convolutional networks. KelpNet can be "
                "wrapped into many advanced deep architectures, such as DenseNet, ResNeXt and SENet. With "
                "KelpNet, we won the 1st place on the Drivable Area track of the RoadSeg 2021 Challenge.")
    paired = pairs(x)
    assert ("KelpNet", "RoadSeg 2021 Challenge") in paired
    assert not {pair for pair in paired if pair[0] in ("DenseNet", "ResNeXt", "SENet")}


def _with_model(name: str, weights: dict[str, float]) -> Extractor:
    models = dict(Decisions.shipped().models)
    models[name] = LinearModel(name, ["no", "yes"], [weights], [0.0])
    return Extractor(decisions=Decisions(models))


CONTEXT_TITLE = "KelpNet for Road Segmentation"
CONTEXT_ABSTRACT = "We propose KelpNet. Built with KelpNet, our system is fast."


def test_an_entity_its_own_features_decide_is_kept_whatever_its_context_says():
    # "prev=propose" would outweigh everything, but the draft's own features ("type=Method")
    # put it far past the threshold: the text around its mentions is not read
    sure = _with_model("entity", {"type=Method": 10.0, "prev=propose": -100.0})
    assert "KelpNet" in {e.name for e in extract(sure, CONTEXT_TITLE, CONTEXT_ABSTRACT).entities}
    # near the threshold the context is read, and decides
    unsure = _with_model("entity", {"type=Method": 2.0, "prev=propose": -100.0})
    assert "KelpNet" not in {e.name for e in extract(unsure, CONTEXT_TITLE, CONTEXT_ABSTRACT).entities}


def test_a_backbone_role_its_methods_own_features_decide_does_not_read_the_backbone_context():
    # "used_before" ("with KelpNet") is backbone context: read only where the method's own
    # features leave the role's score near its threshold
    sure = _with_model("backbone", {"nwords=1": 10.0, "used_before": -100.0})
    assert "backbone" in method(extract(sure, CONTEXT_TITLE, CONTEXT_ABSTRACT), "KelpNet").roles
    unsure = _with_model("backbone", {"nwords=1": 2.0, "used_before": -100.0})
    assert "backbone" not in method(extract(unsure, CONTEXT_TITLE, CONTEXT_ABSTRACT), "KelpNet").roles


# -- the models as files ------------------------------------------------------------------------

def test_a_linear_model_survives_its_json_and_scores_only_present_features():
    model = LinearModel("proposed", ["no", "yes"], [{"a": 2.0, "b": -1.0}], [-0.5], threshold=0.6)
    again = LinearModel.from_json(model.to_json())
    assert again.scores(["a", "a", "zzz"]) == [1.5]  # a feature counts once, unknown ones not at all
    assert again.says_yes(["a"]) and not again.says_yes(["b"])
    assert again.threshold == 0.6


def test_a_model_reads_features_in_a_style_as_if_they_were_written_adapted():
    # what PaperView.adapted writes ("plain|f" beside each f) scores the same read through ``style``
    model = LinearModel("entity", ["no", "yes"],
                        [{"a": 2.0, "plain|a": 0.5, "spaced|a": -3.0, "plain|b": -1.25, "c": 0.75}], [-0.5])
    features = ["a", "b", "b", "zzz"]
    for style in ("plain", "spaced"):
        adapted = features + [f"{style}|{f}" for f in features]
        assert model.scores(features, style) == model.scores(adapted)
        assert model.probability(features, style) == model.probability(adapted)
    assert model.scores(["c"], "plain") == [0.25]


def test_typed_features_read_without_writing_them_score_as_written_out():
    model = LinearModel("entity", ["no", "yes"], [{"w=a": 1.0, "Method:w=a": 0.5, "Task:w=b": 2.0,
                                                   "plain|Method:w=a": 0.25, "plain|w=c": -1.0}], [0.0])
    features = ["w=a", "w=b", "w=c", "w=a"]
    for style in (None, "plain", "spaced"):
        for etype in ("Method", "Task", "Dataset"):
            written = features + [f"{etype}:{f}" for f in features]
            assert model.typed_contribution(features, etype, style) == model.contribution(written, style)
    assert model.typed_contribution(features, "Method", "plain") == 0.75


def test_a_sentence_is_cued_as_stating_a_number_only_by_a_percentage_or_a_decimal():
    from kgbuild.extract.features import PaperView
    from kgbuild.extract.sentences import SentenceIndex

    abstract = ("Our Zorblet reaches 41 % recall. It runs at 3.25 steps. Zorblet-v2.1 and Zorb50 differ. "
                "Nothing is counted here.")
    texts = {"title": "", "abstract": abstract}
    view = PaperView(texts, {field: SentenceIndex(text) for field, text in texts.items()}, [], [])
    said = ["number" in view.sentence_cues("abstract", i) for i in range(4)]
    # a digit glued to a word ("v2.1", "Zorb50") is no number; "41 %" and "3.25" are
    assert said == [True, True, False, False]


def test_every_decision_ships_a_small_model():
    shipped = Decisions.shipped()
    assert set(shipped.models) == set(DECISIONS)
    total = sum((resources.MODEL_DIR / f"{name}.json").stat().st_size for name in DECISIONS)
    assert total < 20 * 1024 * 1024


def test_changing_a_model_changes_the_extractor_version(tmp_path, monkeypatch):
    before = resources.data_fingerprint()
    copy = data_folder_copy(monkeypatch, tmp_path, "MODEL_DIR", "*.json")
    assert resources.data_fingerprint() == before
    model = LinearModel.load(copy / "evaluated_on.json")
    model.threshold = 0.99
    (copy / "evaluated_on.json").write_bytes(model.to_json())
    assert resources.data_fingerprint() != before


# -- training and cross-validation ------------------------------------------------------------

def test_training_is_reproducible_bit_for_bit(tmp_path):
    papers = annotated()
    first = write_models(train_decisions(papers), tmp_path / "one")
    second = write_models(train_decisions(papers), tmp_path / "two")
    assert [p.name for p in first] == [f"{name}.json" for name in sorted(DECISIONS)]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_cross_validation_never_scores_a_paper_with_a_model_trained_on_it(monkeypatch):
    papers = annotated()
    trained_on: list[set[str]] = []
    real_train = crossval.train_decisions

    def recording_train(training, seed):
        trained_on.append({a.paper.id for a in training})
        return real_train(training, seed)

    monkeypatch.setattr(crossval, "train_decisions", recording_train)
    folds = crossval.assign_folds(papers, 3)
    result = crossval.cross_validate(papers, k=3)
    assert len(trained_on) == 3
    for fold, ids in enumerate(trained_on):
        held = {a.paper.id for a, f in zip(papers, folds) if f == fold}
        assert held and not held & ids
        assert ids | held == {a.paper.id for a in papers}
    assert set(result.groups) == {"corpus", "scirex"}
    assert result.papers == {"corpus": 30, "scirex": 15}
    row = result.groups["corpus"]["ENTITIES_MICRO"]
    assert len(row.f1_folds) == 3 and row.gold > 0


def test_eval_cv_and_train_commands(tmp_path):
    runner = CliRunner()
    specs = [f"corpus={ANNOTATED / 'corpus.jsonl'}", f"scirex={ANNOTATED / 'scirex.jsonl'}"]
    result = runner.invoke(cli, ["eval", "--cv", "--folds", "2", *specs, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert report["folds"] == 2 and set(report["groups"]) == {"corpus", "scirex"}
    result = runner.invoke(cli, ["train", *specs, "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.json" for name in DECISIONS)
    trained = Decisions.shipped(tmp_path)
    assert set(trained.models) == set(DECISIONS)


def test_eval_cv_seed_deals_other_folds_and_is_reported():
    specs = [f"corpus={ANNOTATED / 'corpus.jsonl'}", f"scirex={ANNOTATED / 'scirex.jsonl'}"]
    result = CliRunner().invoke(cli, ["eval", "--cv", "--folds", "2", "--seed", "7", *specs, "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output[result.output.index("{"):])["seed"] == 7
    papers = [a for name in ("corpus", "scirex")
              for a in read_annotated(ANNOTATED / f"{name}.jsonl", ANNOTATED / f"{name}_input.jsonl", name)]
    assert crossval.assign_folds(papers, 2, 7) != crossval.assign_folds(papers, 2, 13)


def test_eval_cv_keeps_each_papers_held_out_prediction(tmp_path):
    specs = [f"corpus={ANNOTATED / 'corpus.jsonl'}", f"scirex={ANNOTATED / 'scirex.jsonl'}"]
    out = tmp_path / "held_out.jsonl"
    result = CliRunner().invoke(cli, ["eval", "--cv", "--folds", "2", *specs, "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    papers = [a for name in ("corpus", "scirex")
              for a in read_annotated(ANNOTATED / f"{name}.jsonl", ANNOTATED / f"{name}_input.jsonl", name)]
    assert [r["cv"]["gold"] for r in rows] == [a.paper.id for a in papers]
    assert [r["cv"]["fold"] for r in rows] == crossval.assign_folds(papers, 2)
    assert all("entities" in r for r in rows)


def test_eval_of_several_files_without_cv_says_what_to_do():
    result = CliRunner().invoke(cli, ["eval", str(ANNOTATED / "corpus.jsonl"), str(ANNOTATED / "scirex.jsonl")])
    assert result.exit_code != 0
    assert "--cv" in result.output


# -- error classes, in sentences of our own -----------------------------------------------------

def test_a_trailing_delta_is_no_result(extractor):
    x = extract(extractor, "FooNet: Fast Detection",
                "We propose FooNet, a one-stage detector. FooNet achieves 45.1 AP on COCO test-dev, "
                "which is 2.6 AP better than RetinaNet.")
    values = sorted(r.value for r in x.results)
    assert values == [45.1]
    (result,) = x.results
    assert (result.method.name, result.dataset.name, result.split) == ("FooNet", "COCO", "test-dev")


def test_an_error_rate_is_not_accuracy(extractor):
    x = extract(extractor, "BarNet for Image Classification",
                "We present BarNet, a compact network. BarNet reaches 23.9% top-1 error on ImageNet.")
    (result,) = x.results
    assert result.metric.name == "top-1 error" and result.value == 23.9


def test_backbones_listed_together_all_get_the_role(extractor):
    x = extract(extractor, "Detection Heads Revisited",
                "We adopt ResNet-50 and Swin-T as backbone networks for our detector.")
    assert "backbone" in method(x, "ResNet-50").roles
    assert "backbone" in method(x, "Swin-T").roles


def test_versions_and_depths_stay_apart(extractor):
    x = extract(extractor, "A Study of Classifiers",
                "We compare DenseNet, DenseNet121, VGG16 and VGG19 on CIFAR-10. XNet and XNetV2 are tested too.")
    names = {e.name for e in x.entities if e.type == "Method"}
    assert {"DenseNet", "DenseNet121", "VGG16", "VGG19", "XNet", "XNetV2"} <= names
    keys = [e.key for e in x.entities if e.type == "Method"]
    assert len(keys) == len(set(keys))


def test_pretraining_data_is_not_an_evaluation(extractor):
    x = extract(extractor, "GlowNet: Segmenting Everything",
                "We propose GlowNet. GlowNet is pre-trained on ImageNet and evaluated on ADE20K and "
                "Cityscapes, where it reaches 52.1 mIoU on ADE20K.")
    evaluated = pairs(x)
    assert ("GlowNet", "ADE20K") in evaluated and ("GlowNet", "Cityscapes") in evaluated
    assert ("GlowNet", "ImageNet") not in evaluated


def test_a_name_with_no_letter_or_digit_is_no_entity(extractor):
    # hypothesis found it: a title repeated as the abstract, made of symbols, became a
    # method with an empty key, which crashed the embedded store's uniqueness check
    text = "\U000c7856»\U000e8460\x80"
    x = extract(extractor, text, text)
    assert all(any(c.isalnum() for c in e.key) for e in x.entities)


def test_tokenised_text_is_read_as_prose_and_points_at_the_original(extractor):
    abstract = ("We propose QuxNet - 3 , a network for super - resolution . QuxNet - 3 reaches 31.2 dB PSNR "
                "on Set5 , beating VGG - 16 features .")
    x = extract(extractor, "", abstract)
    qux = method(x, "QuxNet-3")
    assert qux.proposed
    assert [m.text for m in qux.mentions] == ["QuxNet - 3", "QuxNet - 3"]
    for mention in qux.mentions:
        assert abstract[mention.start:mention.end] == mention.text
    for relation in x.relations:
        assert abstract[relation.evidence.start:relation.evidence.end] == relation.evidence.text


def test_a_title_glued_to_a_tokenised_abstract_is_read_as_the_title(extractor):
    # SciREX records have no title field: the title opens the abstract ("ZorbNet : ... We present")
    abstract = ("ZorbNet : Wide Residual Networks for Image Classification We present a wide , shallow residual "
                "network that trains fast . Experiments on CIFAR - 10 and CIFAR - 100 show state - of - the - art "
                "accuracy , and ZorbNet outperforms ResNet - 50 on ImageNet , with fewer parameters .")
    x = extract(extractor, "", abstract)
    zorb = method(x, "ZorbNet")
    assert zorb.proposed  # the name before the title's colon
    assert [(m.field, m.start, m.sentence) for m in zorb.mentions] == [("abstract", 0, 0), ("abstract", 207, 2)]
    assert {("ZorbNet", "CIFAR-10"), ("ZorbNet", "CIFAR-100"), ("ZorbNet", "ImageNet")} <= pairs(x)
    for relation in x.relations:
        assert relation.evidence.field == "abstract"
        assert abstract[relation.evidence.start:relation.evidence.end] == relation.evidence.text


def test_a_dataset_name_followed_by_module_is_a_method(extractor):
    x = extract(extractor, "Rotation-Aware Detection",
                "We design the ARC module, which rotates kernels. Plugged into detectors, the ARC module "
                "improves accuracy on DOTA.")
    assert {e.name for e in x.entities if e.type == "Method"} == {"ARC"}
    assert {e.name for e in x.entities if e.type == "Dataset"} == {"DOTA"}


def test_a_host_boosted_by_the_proposed_part_gives_the_score_to_the_part(extractor):
    x = extract(extractor, "ZapNeck: A Better Neck",
                "We propose ZapNeck. RetinaNet is boosted to 40.2 AP on COCO by replacing FPN with our ZapNeck.")
    (result,) = x.results
    assert (result.method.name, result.dataset.name, result.value) == ("ZapNeck", "COCO", 40.2)
    assert ("ZapNeck", "COCO") in pairs(x)
