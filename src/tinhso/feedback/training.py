"""Training the field classifier from the province's own history: every operator's
confirmation or correction (`LabelledExample`) is a training example."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.feedback.models import LabelledExample

PURPOSE = "feedback-fields"
MIN_EXAMPLES = 20
HELD_OUT = 0.2


class NotEnoughExamples(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def examples() -> tuple[list[str], list[str]]:
    """The labelled history: for each report its latest label (a correction replaces the
    confirmation before it); examples without a report as they are."""
    latest: dict[object, tuple[str, str]] = {}
    rows = LabelledExample.objects.order_by("created_at", "id").values_list(
        "id", "report_id", "text", "field__code"
    )
    for pk, report_id, text, code in rows:
        latest[report_id if report_id is not None else f"x{pk}"] = (text, code)
    texts = [text for text, _code in latest.values()]
    labels = [code for _text, code in latest.values()]
    return texts, labels


def train_from_history(actor: Actor, *, is_demo: bool = False):
    """Train on the history, score on a held-out fifth (stratified), retrain on all of it,
    and store the version (active unless it scores worse than the active one)."""
    from sklearn.model_selection import train_test_split

    from tinhso.textengine.actions import store_version
    from tinhso.textengine.classifier import TextClassifier, evaluate

    texts, labels = examples()
    counts = Counter(labels)
    if len(texts) < MIN_EXAMPLES or len(counts) < 2:
        raise NotEnoughExamples(
            _(
                "Not enough confirmed reports to train on yet (%(n)s examples, %(k)s fields; "
                "at least %(min)s examples of two fields are needed)."
            )
            % {"n": len(texts), "k": len(counts), "min": MIN_EXAMPLES}
        )
    # Fields with a single example cannot be split; they are trained on, not scored.
    splittable = [i for i, label in enumerate(labels) if counts[label] >= 2]
    train_idx, test_idx = train_test_split(
        splittable,
        test_size=HELD_OUT,
        random_state=0,
        stratify=[labels[i] for i in splittable],
    )
    singles = [i for i, label in enumerate(labels) if counts[label] < 2]
    first = TextClassifier.train(
        [texts[i] for i in train_idx + singles], [labels[i] for i in train_idx + singles]
    )
    evaluation = evaluate(first, [texts[i] for i in test_idx], [labels[i] for i in test_idx])
    model = TextClassifier.train(texts, labels, source=_("confirmed reports"))
    return store_version(actor, PURPOSE, model, evaluation, is_demo=is_demo)
