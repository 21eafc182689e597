"""The field classifier: word and character n-grams of the normalised text, a linear
model with calibrated probabilities, and "not sure" below a threshold.

A model is a file (joblib) holding the fitted pipeline, its labels, its threshold and a
summary of what it was trained on. Load only model files the platform or its operators
made: like every pickle, a model file can run code when loaded.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.pipeline import FeatureUnion, Pipeline

from tinhso.textengine.normalize import normalize

FORMAT = 1
DEFAULT_THRESHOLD = 0.45


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float


def _features() -> FeatureUnion:
    # Texts arrive normalised (lower case, tones unified, abbreviations written out).
    # Syllable unigrams and bigrams stand in for words (most Vietnamese words are one or
    # two syllables); character n-grams within words catch misspellings and teen-code
    # the dictionary does not know.
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    lowercase=False,
                    token_pattern=r"(?u)\b\w+\b",  # noqa: S106 - a regex, not a secret
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=1,
                    max_features=300_000,
                    dtype=np.float32,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    lowercase=False,
                    analyzer="char_wb",
                    ngram_range=(2, 4),
                    sublinear_tf=True,
                    min_df=2,
                    max_features=300_000,
                    dtype=np.float32,
                ),
            ),
        ]
    )


def _model() -> LogisticRegression:
    """Multinomial logistic regression: its probabilities come from minimising log-loss,
    so they are calibrated without a separate step. Measured against a linear SVM
    calibrated by 5-fold cross-validation on the same features: 26× faster to train,
    5× faster to predict (benchmarks/text_engine.py, docs/text-engine.md)."""
    return LogisticRegression(C=10.0, max_iter=1000)


@dataclass
class TextClassifier:
    pipeline: Pipeline
    labels: list[str]
    threshold: float = DEFAULT_THRESHOLD
    summary: dict = field(default_factory=dict)

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        source: str = "",
    ) -> TextClassifier:
        counts = Counter(labels)
        if len(counts) < 2:
            raise ValueError("at least two labels are needed")
        started = dt.datetime.now(dt.UTC)
        pipeline = Pipeline([("features", _features()), ("model", _model())])
        pipeline.fit([normalize(t) for t in texts], list(labels))
        return cls(
            pipeline=pipeline,
            labels=[str(label) for label in pipeline.classes_],
            threshold=threshold,
            summary={
                "format": FORMAT,
                "trained_at": started.isoformat(),
                "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
                "examples": len(texts),
                "per_label": dict(sorted(counts.items())),
                "source": source,
            },
        )

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return self.pipeline.predict_proba([normalize(t) for t in texts])

    def predict(self, texts: Sequence[str], k: int = 3) -> list[list[Prediction]]:
        """The `k` most likely labels of each text, most likely first."""
        probabilities = self.probabilities(texts)
        top = np.argsort(-probabilities, axis=1)[:, :k]
        return [
            [Prediction(self.labels[j], float(row[j])) for j in order]
            for row, order in zip(probabilities, top, strict=True)
        ]

    def top(self, text: str, k: int = 3) -> list[Prediction]:
        return self.predict([text], k)[0]

    def is_sure(self, predictions: Sequence[Prediction]) -> bool:
        return bool(predictions) and predictions[0].probability >= self.threshold

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {
                "format": FORMAT,
                "pipeline": self.pipeline,
                "labels": self.labels,
                "threshold": self.threshold,
                "summary": self.summary,
            },
            path,
            compress=3,
        )
        return path

    @classmethod
    def load(cls, path: str | Path) -> TextClassifier:
        data = joblib.load(path)  # noqa: S301 - the platform's own model files only
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a model file of this version")
        return cls(
            pipeline=data["pipeline"],
            labels=data["labels"],
            threshold=data["threshold"],
            summary=data["summary"],
        )


def evaluate(model: TextClassifier, texts: Sequence[str], labels: Sequence[str]) -> dict:
    """Accuracy, macro and weighted F1, per-label precision/recall/F1/support and the
    confusion matrix (rows: true labels, columns: predicted), over every label seen."""
    predicted = [p[0].label for p in model.predict(texts, k=1)]
    truth = [str(label) for label in labels]
    names = sorted(set(truth) | set(predicted) | set(model.labels))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=names, zero_division=0
    )
    return {
        "examples": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4),
        "weighted_f1": round(
            float(f1_score(truth, predicted, average="weighted", zero_division=0)), 4
        ),
        "per_class": {
            name: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for name, p, r, f, s in zip(names, precision, recall, f1, support, strict=True)
        },
        "confusion": {
            "labels": names,
            "matrix": confusion_matrix(truth, predicted, labels=names).tolist(),
        },
    }
