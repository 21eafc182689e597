"""`tinhso text train|evaluate|predict`: the text classifier on any labelled CSV."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tinhso.textengine import labelled
from tinhso.textengine.classifier import TextClassifier, evaluate


class Command(BaseCommand):
    help = "Train, evaluate and try the Vietnamese text classifier on a labelled CSV."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        train = commands.add_parser("train", help="Train a model from a labelled CSV.")
        train.add_argument("--csv", required=True)
        train.add_argument("--text-column", required=True)
        train.add_argument("--label-column", required=True)
        train.add_argument("--out", required=True, help="Where to write the model file.")
        train.add_argument("--threshold", type=float, default=None)
        check = commands.add_parser("evaluate", help="Score a model on a labelled CSV.")
        check.add_argument("--model", required=True)
        check.add_argument("--csv", required=True)
        check.add_argument("--text-column", required=True)
        check.add_argument("--label-column", required=True)
        check.add_argument(
            "--json", dest="as_json", action="store_true", help="Print the report as JSON."
        )
        predict = commands.add_parser("predict", help="The 3 most likely labels of a text.")
        predict.add_argument("--model", required=True)
        predict.add_argument("text")

    def handle(self, *args, action, **options):
        try:
            getattr(self, action)(**options)
        except labelled.LabelledDataError as exc:
            raise CommandError(exc.message) from exc

    def _load(self, path: str) -> TextClassifier:
        try:
            return TextClassifier.load(path)
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise CommandError(
                _("“%(path)s” is not a model file of this version: %(reason)s")
                % {"path": path, "reason": exc}
            ) from exc

    def train(self, *, csv, text_column, label_column, out, threshold, **options):
        texts, labels = labelled.read(csv, text_column, label_column)
        kwargs = {"threshold": threshold} if threshold is not None else {}
        model = TextClassifier.train(texts, labels, source=str(csv), **kwargs)
        model.save(out)
        self.stdout.write(
            _("Trained on %(n)s texts, %(k)s labels, in %(s)s s; written to %(out)s.")
            % {
                "n": len(texts),
                "k": len(model.labels),
                "s": model.summary["seconds"],
                "out": out,
            }
        )

    def evaluate(self, *, model, csv, text_column, label_column, as_json, **options):
        classifier = self._load(model)
        texts, labels = labelled.read(csv, text_column, label_column, min_labels=1)
        report = evaluate(classifier, texts, labels)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        examples, accuracy = _("Examples"), _("Accuracy")
        self.stdout.write(
            f"{examples}: {report['examples']}\n"
            f"{accuracy}: {report['accuracy']:.4f}\n"
            f"Macro-F1: {report['macro_f1']:.4f}\n"
            f"Weighted-F1: {report['weighted_f1']:.4f}\n"
        )
        width = max(len(name) for name in report["per_class"])
        self.stdout.write(f"{'':{width}}  precision  recall      F1  support")
        for name, row in report["per_class"].items():
            self.stdout.write(
                f"{name:{width}}  {row['precision']:9.4f}  {row['recall']:6.4f}  "
                f"{row['f1']:6.4f}  {row['support']:7d}"
            )
        names = report["confusion"]["labels"]
        self.stdout.write("\n" + _("Confusion matrix (rows: true, columns: predicted)"))
        self.stdout.write(" " * (width + 2) + " ".join(f"{i:>5}" for i in range(len(names))))
        for i, (name, row) in enumerate(zip(names, report["confusion"]["matrix"], strict=True)):
            self.stdout.write(f"{name:{width}}  " + " ".join(f"{v:5d}" for v in row) + f"  ({i})")

    def predict(self, *, model, text, **options):
        classifier = self._load(model)
        predictions = classifier.top(text, k=3)
        for p in predictions:
            self.stdout.write(f"{p.label}\t{p.probability:.3f}")
        if not classifier.is_sure(predictions):
            self.stdout.write(
                _("Not sure (below %(t)s): an operator should choose.")
                % {"t": classifier.threshold}
            )
