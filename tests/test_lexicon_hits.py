"""The lexicon phrase matcher's hits, pinned: which entries, where, in what order.

The matcher finds a phrase only where the text's tokens are the pattern's tokens, so any
change to the tokenizer (its shortcuts, its rules, the token_match) that moves a token
boundary next to a name changes these hits.  The sentences are our own, written to put
names next to what spaCy's affix rules split: hyphens, slashes, brackets, a possessive,
percent signs, sentence-final full stops, special cases ("cannot", "don't") and text
tokenised SciREX-style (spaces around punctuation).
"""

from __future__ import annotations

import pytest

from kgbuild.extract.pipeline import build_nlp

CASES = [
    ('We fine-tune ResNet-50 and ViT-B/16 on ImageNet-1K, reaching 81.2% top-1 accuracy.',
     [('ViT', 27, 'Method', 'vit'), ('ResNet-50', 13, 'Method', 'resnet50'), ('ViT-B/16', 27, 'Method', 'vitb'), ('ImageNet-1K', 39, 'Dataset', 'imagenet1k'), ('top-1', 67, 'Metric', 'top1accuracy'), ('top-1 accuracy', 67, 'Metric', 'top1accuracy'), ('accuracy', 73, 'Metric', 'accuracy')]),
    ("Our model (trained on MS COCO) improves mIoU. It also beats BERT's F1 score on SQuAD v1.1.",
     [('COCO', 25, 'Dataset', 'coco'), ('mIoU', 40, 'Metric', 'miou'), ('BERT', 60, 'Method', 'bert'), ('F1', 67, 'Metric', 'f1'), ('SQuAD', 79, 'Dataset', 'squad'), ('MS COCO', 22, 'Dataset', 'coco'), ('F1 score', 67, 'Metric', 'f1'), ('SQuAD v1.1', 79, 'Dataset', 'squad')]),
    ("Results on [Cityscapes] and {ADE20K}: +2.3% mIoU; see the authors' code for PASCAL VOC 2012.",
     [('mIoU', 44, 'Metric', 'miou'), ('VOC', 83, 'Dataset', 'pascalvoc'), ('Cityscapes', 12, 'Dataset', 'cityscapes'), ('ADE20K', 29, 'Dataset', 'ade20k'), ('PASCAL VOC', 76, 'Dataset', 'pascalvoc'), ('PASCAL VOC 2012', 76, 'Dataset', 'pascalvoc2012'), ('VOC 2012', 83, 'Dataset', 'pascalvoc2012')]),
    ('Experiments on CIFAR-10 , CIFAR-100 and SVHN show that Adam ( with dropout ) works ; BLEU = 28.4 on WMT 2014 English-German .',
     [('SVHN', 40, 'Dataset', 'svhn'), ('Adam', 55, 'Method', 'adam'), ('BLEU', 85, 'Metric', 'bleu'), ('WMT', 100, 'Dataset', 'wmt'), ('CIFAR-10', 15, 'Dataset', 'cifar10'), ('CIFAR-100', 26, 'Dataset', 'cifar100'), ('WMT 2014', 100, 'Dataset', 'wmt14')]),
    ('object detection and semantic segmentation on the test-dev split; the val set uses word error rate (WER).',
     [('WER', 100, 'Metric', 'wer'), ('object detection', 0, 'Task', 'objectdetection'), ('semantic segmentation', 21, 'Task', 'semanticsegmentation'), ('test', 50, 'Split', 'test'), ('test-dev', 50, 'Split', 'test-dev'), ('test-dev split', 50, 'Split', 'test-dev'), ('dev', 55, 'Split', 'dev'), ('dev split', 55, 'Split', 'dev'), ('val', 70, 'Split', 'val'), ('val set', 70, 'Split', 'val'), ('word error rate', 83, 'Metric', 'wer'), ('error rate', 88, 'Metric', 'errorrate')]),
    ("We cannot use the ImageNet pre-trained ResNet50, so we don't report FID or Inception Score.",
     [('FID', 68, 'Metric', 'fid'), ('Inception', 75, 'Method', 'inception'), ('ImageNet', 18, 'Dataset', 'imagenet'), ('ResNet50', 39, 'Method', 'resnet50'), ('Inception Score', 75, 'Metric', 'inceptionscore')]),
]


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


@pytest.mark.parametrize("sentence, expected", CASES)
def test_lexicon_hits_are_pinned(nlp, sentence, expected):
    hits = nlp(sentence).user_data["lexicon"]
    assert [(sentence[start:end], start, etype, key) for start, end, etype, key in hits] == expected
