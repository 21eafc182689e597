"""The field classifier on a real labelled corpus, beside a plain baseline trained in the
same run.

    python benchmarks/classifier_corpus.py [--corpus DIR] [--candidates] [--segment]
                                           [--imbalanced]

The corpus folder holds `train.csv`, `dev.csv` and `test.csv` with the columns `text` and
`label`; by default the ViCTSD news-topic comments at ../shared/data/text/victsd-topic
beside the repository (public, for evaluation only: it is never copied into the
repository; its README gives source, citation and licence). Without it, the script says
so and stops.

Every model is trained on train only. Recipes and hyper-parameters were chosen on dev;
test is printed to report them, not to choose.

- baseline: TF-IDF of word 1–2-grams and char_wb 2–5-grams (sublinear tf, char min_df 2)
  of the raw text, LinearSVC(C=1) — the recipe of the corpus README;
- product: the product's own path, as `tinhso text train|evaluate` take it (labelled.read,
  TextClassifier.train, save, load, evaluate);
- --candidates: the recipes it was chosen against (the previous product recipe, a linear
  SVM on the normalised text, complement naive Bayes, logistic regression, an ensemble,
  accent-folded text beside the original); --segment adds underthesea word segmentation
  (slow: minutes);
- --imbalanced: the same recipes trained on a skewed sample of train (each label keeps
  a share from 100 % down to 8 %), to see what happens to macro F1 and what
  class_weight="balanced" does about it.

Then the calibration of the product's probabilities on test (expected calibration error
over ten bins, a reliability table) and what its "not sure" threshold does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
CORPUS = ROOT.parent / "shared" / "data" / "text" / "victsd-topic"


def setup() -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(throwaway.installation("corpus", "sqlite"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()


def scores(truth, predicted) -> tuple[float, float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return (
        accuracy_score(truth, predicted),
        f1_score(truth, predicted, average="macro", zero_division=0),
        f1_score(truth, predicted, average="weighted", zero_division=0),
    )


def baseline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(
        FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                    ),
                ),
            ]
        ),
        LinearSVC(C=1.0),
    )


def averaged(weight: float = 0.5):
    """An ensemble: the per-text standardised scores of a linear SVM and of complement
    naive Bayes (its log-probabilities), added with a weight on the second."""
    import numpy as np
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    class Averaged(ClassifierMixin, BaseEstimator):
        def __init__(self, weight: float = 0.5):
            self.weight = weight

        def fit(self, X, y):  # noqa: N803 - scikit-learn's name
            self.models_ = [LinearSVC(C=0.5).fit(X, y), ComplementNB(alpha=0.3).fit(X, y)]
            self.classes_ = self.models_[0].classes_
            return self

        def predict(self, X):  # noqa: N803 - scikit-learn's name
            svm, nb = self.models_
            svm_scores = svm.decision_function(X)
            if svm_scores.ndim == 1:  # two labels
                svm_scores = np.stack([-svm_scores, svm_scores], axis=1)
            scores = z(svm_scores) + self.weight * z(nb.predict_log_proba(X))
            return self.classes_[scores.argmax(axis=1)]

    def z(scores):
        return (scores - scores.mean(1, keepdims=True)) / (scores.std(1, keepdims=True) + 1e-9)

    return Averaged(weight)


def candidates(segment: bool) -> dict:
    """name → (make a scikit-learn pipeline, how its input text is prepared)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    from tinhso.textengine.normalize import fold, normalize

    def segmented(text: str) -> str:
        """Syllables of each word joined by "_" ("ổ gà" → "ổ_gà"), by underthesea — not a
        dependency of the platform (it did not pay its way, docs/text-engine.md): install
        it beside the benchmark to measure it again."""
        from underthesea import word_tokenize

        return word_tokenize(normalize(text), format="text")

    def words(ngrams=(1, 2), pattern=r"(?u)\b\w+\b"):
        return TfidfVectorizer(
            token_pattern=pattern, ngram_range=ngrams, sublinear_tf=True, dtype=np.float32
        )

    def chars(ngrams=(2, 5)):
        return TfidfVectorizer(
            analyzer="char_wb", ngram_range=ngrams, sublinear_tf=True, min_df=2, dtype=np.float32
        )

    def union(w=(1, 2), c=(2, 5)):
        return FeatureUnion([("words", words(w)), ("chars", chars(c))])

    def both(text: str) -> str:
        n = normalize(text)
        return f"{n} {fold(n)}"

    out = {
        "previous product: words 1-2 + chars 2-4, LogisticRegression(C=10)": (
            lambda: make_pipeline(union(c=(2, 4)), LogisticRegression(C=10.0, max_iter=1000)),
            normalize,
        ),
        "normalised, words 1-2 + chars 2-5, LinearSVC(C=0.5)": (
            lambda: make_pipeline(union(), LinearSVC(C=0.5)),
            normalize,
        ),
        "normalised, words 1-2 + chars 1-5, LinearSVC(C=0.5)": (
            lambda: make_pipeline(union(c=(1, 5)), LinearSVC(C=0.5)),
            normalize,
        ),
        "normalised + accent-folded, LinearSVC(C=0.5)": (
            lambda: make_pipeline(union(), LinearSVC(C=0.5)),
            both,
        ),
        "normalised, ComplementNB(alpha=0.3)": (
            lambda: make_pipeline(union(), ComplementNB(alpha=0.3)),
            normalize,
        ),
        "normalised, LogisticRegression(C=30)": (
            lambda: make_pipeline(union(), LogisticRegression(C=30.0, max_iter=300)),
            normalize,
        ),
        "normalised, ensemble: LinearSVC + 0.5 × ComplementNB": (
            lambda: make_pipeline(union(), averaged(0.5)),
            normalize,
        ),
    }
    if segment:
        out["segmented words 1-2 + chars 2-5, LinearSVC(C=0.5)"] = (
            lambda: make_pipeline(
                FeatureUnion([("words", words(pattern=r"(?u)[\w_]+")), ("chars", chars())]),
                LinearSVC(C=0.5),
            ),
            segmented,
        )
    return out


def product(train, texts_by_split, folder: Path, **model_options):
    """The path of `tinhso text train` then `tinhso text evaluate`."""
    from tinhso.textengine.classifier import TextClassifier, evaluate

    started = time.perf_counter()
    model = TextClassifier.train(*train, **model_options)
    path = model.save(folder / "model.joblib")
    seconds = time.perf_counter() - started
    model = TextClassifier.load(path)
    reports = {split: evaluate(model, *data) for split, data in texts_by_split.items()}
    return model, reports, seconds


def row(name: str, figures: dict, seconds: float, base: dict | None = None) -> None:
    cells = []
    for split in ("dev", "test"):
        acc, macro, weighted = figures[split]
        cell = f"{acc:.3f} {macro:.3f} {weighted:.3f}"
        if base is not None:
            cell += (
                f" ({(macro - base[split][1]) * 100:+.2f} {(weighted - base[split][2]) * 100:+.2f})"
            )
        cells.append(f"{cell:34s}")
    print(f"{name[:66]:66s} {' '.join(cells)} {seconds:6.1f} s", flush=True)


def skewed(train, seed: int = 0):
    """A sample of train where the labels (sorted) keep 100 %, 76 %, … down to 8 % of
    their texts: the largest label is about 12 times the smallest."""
    import random

    rng = random.Random(seed)
    names = sorted(set(train[1]))
    share = {name: 0.08 ** (i / (len(names) - 1)) for i, name in enumerate(names)}
    kept = [(t, y) for t, y in zip(*train, strict=True) if rng.random() < share[y]]
    return [t for t, _ in kept], [y for _, y in kept]


def compare(train, splits, folder, *, with_candidates: bool, segment: bool) -> dict:
    from tinhso.textengine.classifier import CLASS_WEIGHT

    columns = ("model (trained on train)", "dev: acc macro weighted", "test: acc macro weighted")
    print(f"{columns[0]:66s} {columns[1]:34s} {columns[2]:34s} fit")
    started = time.perf_counter()
    base_model = baseline().fit(*train)
    base_s = time.perf_counter() - started
    base = {split: scores(y, base_model.predict(x)) for split, (x, y) in splits.items()}
    row("baseline: raw text, words 1-2 + char_wb 2-5, LinearSVC(C=1)", base, base_s)

    model, reports, seconds = product(train, splits, folder)
    figures = {s: (r["accuracy"], r["macro_f1"], r["weighted_f1"]) for s, r in reports.items()}
    row(
        "product (tinhso text train|evaluate), Δ macro/weighted vs baseline:",
        figures,
        seconds,
        base,
    )
    other = None if CLASS_WEIGHT == "balanced" else "balanced"
    _model, reports, seconds = product(train, splits, folder, class_weight=other)
    figures = {s: (r["accuracy"], r["macro_f1"], r["weighted_f1"]) for s, r in reports.items()}
    row(f"the product's recipe with class_weight={other}", figures, seconds, base)

    if with_candidates:
        for name, (make, prepare) in candidates(segment).items():
            started = time.perf_counter()
            pipeline = make().fit([prepare(t) for t in train[0]], train[1])
            fit_s = time.perf_counter() - started
            got = {
                split: scores(y, pipeline.predict([prepare(t) for t in x]))
                for split, (x, y) in splits.items()
            }
            row(name, got, fit_s, base)
            if hasattr(pipeline, "predict_proba"):
                x, y = splits["test"]
                probabilities = pipeline.predict_proba([prepare(t) for t in x])
                print(f"{'':66s} ECE on test {ece(probabilities, pipeline.classes_, y):.3f}")
    return {"model": model, "reports": reports}


def ece(probabilities, classes, labels, bins: int = 10) -> float:
    """Expected calibration error of the top-1 probability over equal-width bins."""
    import numpy as np

    top = probabilities.max(axis=1)
    right = np.asarray(classes)[probabilities.argmax(axis=1)] == np.asarray(labels)
    which = np.minimum((top * bins).astype(int), bins - 1)
    return float(
        sum(
            (which == b).mean() * abs(top[which == b].mean() - right[which == b].mean())
            for b in range(bins)
            if (which == b).any()
        )
    )


def calibration(model, texts, labels, bins: int = 10) -> None:
    import numpy as np

    probabilities = model.probabilities(texts)
    top = probabilities.max(axis=1)
    right = np.array(model.labels)[probabilities.argmax(axis=1)] == np.array(labels)
    which = np.minimum((top * bins).astype(int), bins - 1)
    print("\nreliability on test (top-1 probability → share right):")
    for b in range(bins):
        inside = which == b
        if inside.any():
            print(
                f"  {b / bins:.1f}–{(b + 1) / bins:.1f}: {inside.sum():4d} texts, mean "
                f"probability {top[inside].mean():.3f}, right {right[inside].mean():.3f}"
            )
    sure = top >= model.threshold
    unsure_right = right[~sure].mean() if (~sure).any() else float("nan")
    print(
        f"expected calibration error (ECE, {bins} bins): "
        f"{ece(probabilities, model.labels, labels, bins):.3f}; temperature "
        f"{getattr(model.pipeline[-1], 'temperature_', float('nan')):.3f}\n"
        f"threshold {model.threshold}: {sure.mean():.1%} of texts sure, right "
        f"{right[sure].mean():.3f}; not sure {(~sure).mean():.1%}, right {unsure_right:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--candidates", action="store_true")
    parser.add_argument("--segment", action="store_true")
    parser.add_argument("--imbalanced", action="store_true")
    args = parser.parse_args()
    missing = [s for s in ("train", "dev", "test") if not (args.corpus / f"{s}.csv").exists()]
    if missing:
        print(
            f"No labelled corpus at {args.corpus} (missing {', '.join(missing)}.csv): "
            "nothing measured. Give its folder with --corpus."
        )
        return
    setup()
    try:
        run(args)
    finally:
        throwaway.remove(dict(os.environ))


def run(args) -> None:
    from tinhso.textengine import labelled

    def read(split: str):
        return labelled.read(args.corpus / f"{split}.csv", "text", "label")

    train = read("train")
    splits = {"dev": read("dev"), "test": read("test")}
    print(
        f"corpus {args.corpus.name}: {len(train[0]):,} train, {len(splits['dev'][0]):,} dev, "
        f"{len(splits['test'][0]):,} test texts; {len(set(train[1]))} labels\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        done = compare(
            train,
            splits,
            Path(folder),
            with_candidates=args.candidates,
            segment=args.segment,
        )
        calibration(done["model"], *splits["test"])
        if args.imbalanced:
            sample = skewed(train)
            counts = sorted(
                ((sum(1 for y in sample[1] if y == n), n) for n in set(sample[1])), reverse=True
            )
            print(
                f"\nskewed train sample: {len(sample[0]):,} texts, per label "
                + ", ".join(f"{n} {c}" for c, n in counts)
            )
            compare(sample, splits, Path(folder), with_candidates=args.candidates, segment=False)


if __name__ == "__main__":
    main()
