"""Demo step: a seed field classifier, trained on the demo reports that the demo's
operators confirmed (demo texts, labelled as demo)."""

from __future__ import annotations

from tinhso.core.actors import Actor
from tinhso.textengine.models import ClassifierVersion
from tinhso.units.models import Province


def build(actor: Actor, province: Province, out) -> None:
    from tinhso.feedback.training import PURPOSE, NotEnoughExamples, train_from_history

    if ClassifierVersion.objects.filter(purpose=PURPOSE).exists():
        out("Bộ phân loại / classifier: đã có / already there")
        return
    try:
        version = train_from_history(actor, is_demo=True)
    except NotEnoughExamples as exc:
        out(exc.message)
        return
    out(
        f"Bộ phân loại mẫu / seed classifier: {version.summary['examples']} ví dụ / examples, "
        f"macro-F1 {version.macro_f1}"
    )
