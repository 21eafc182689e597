"""The classifier's model: naive-Bayes-weighted linear SVMs folded into one weight vector
per label, probabilities tempered by cross-validation, weights for skewed training sets.
The texts are the feedback demo's, written for the demo."""

import random

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from tinhso.feedback.demo import PLACES, TEXTS
from tinhso.textengine.classifier import NaiveBayesSVM, TextClassifier
from tinhso.textengine.normalize import normalize


def rows(seed: int, per_template: int, keep=None):
    rng = random.Random(seed)
    out = []
    for label, templates in TEXTS.items():
        share = 1.0 if keep is None else keep.get(label, 1.0)
        for template in templates:
            for _ in range(per_template):
                if rng.random() < share:
                    out.append((template.format(place=rng.choice(PLACES)), label))
    rng.shuffle(out)
    return [t for t, _ in out], [y for _, y in out]


def test_each_label_scores_as_its_svm_on_the_weighted_features():
    texts, labels = rows(1, 4)
    features = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    X = features.fit_transform(texts).astype(np.float32)
    model = NaiveBayesSVM(calibration_examples=0).fit(X, labels)
    assert model.temperature_ == 1.0
    # Recompute one label's model the long way: the ratio, the scaled features, the SVM.
    j = 2
    positive = np.array(labels) == model.classes_[j]
    present = (X > 0).astype(np.float32)
    p = 1.0 + np.asarray(present[positive].sum(axis=0)).ravel()
    q = 1.0 + np.asarray(present[~positive].sum(axis=0)).ravel()
    ratio = np.log(p / p.sum()) - np.log(q / q.sum())
    scaled = X @ sparse.diags(ratio)
    svm = LinearSVC(C=0.5, dual=True).fit(scaled, positive)
    expected = svm.decision_function(scaled)
    assert np.allclose(model.decision_function(X)[:, j], expected, atol=1e-3)
    assert list(model.predict(X[:5])) == [
        model.classes_[k] for k in model.decision_function(X[:5]).argmax(axis=1)
    ]


def test_probabilities_are_tempered_and_sum_to_one():
    texts, labels = rows(2, 6)
    model = TextClassifier.train(texts, labels)
    # The demo's templated texts are as easy held out as trained on: the fit would make
    # every text sure; the floor keeps a greeting unsure.
    assert model.pipeline[-1].temperature_ == 0.25
    assert model.summary["temperature"] == 0.25
    probabilities = model.probabilities(texts[:20])
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert model.labels == sorted(TEXTS)
    assert not model.is_sure(model.top("xin chào"))
    assert model.is_sure(model.top(texts[0]))


def test_balanced_weights_raise_a_rare_label():
    rare = sorted(TEXTS)[0]
    texts, labels = rows(3, 20, keep={rare: 0.1})
    assert 0 < labels.count(rare) < labels.count(sorted(TEXTS)[1]) / 5
    test_texts, _labels = rows(4, 2)
    plain = TextClassifier.train(texts, labels)
    balanced = TextClassifier.train(texts, labels, class_weight="balanced")
    j = plain.labels.index(rare)
    assert balanced.summary["class_weight"] == "balanced"
    assert plain.summary["class_weight"] is None

    # Its examples weigh more against the rest: its scores rise on every text.
    def scores(model):
        return model.pipeline.decision_function([normalize(t) for t in test_texts])[:, j]

    assert (scores(balanced) > scores(plain)).mean() > 0.9
