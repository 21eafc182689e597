"""Field proposals for a report's text.

The proposer is an extension point: the text engine's trained classifier when a version
is active, else a keyword baseline, behind the same interface. The operator always
confirms; every confirmation or correction becomes a labelled example.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tinhso.core.text import fold
from tinhso.feedback.models import Field


@dataclass(frozen=True)
class Proposal:
    field: Field
    confidence: float
    # False when the proposer is not confident enough to set the field by itself.
    sure: bool = True


class Proposer(Protocol):
    def propose(self, text: str, k: int = 3) -> list[Proposal]: ...


class KeywordProposer:
    """Counts each field's keywords in the folded text; confidence is the field's share of
    all hits. A baseline, honest about being one."""

    name = "keywords"

    def __init__(self) -> None:
        self.fields = [
            (field, [f" {fold(k)} " for k in field.keywords.split(",") if fold(k)])
            for field in Field.objects.filter(is_active=True)
        ]

    def propose(self, text: str, k: int = 3) -> list[Proposal]:
        folded = f" {fold(text)} "
        scores = []
        for field, keywords in self.fields:
            hits = sum(folded.count(keyword) * len(keyword.split()) for keyword in keywords)
            if hits:
                scores.append((hits, field))
        total = sum(h for h, _f in scores)
        scores.sort(key=lambda pair: (-pair[0], pair[1].order))
        return [Proposal(field, round(h / total, 3)) for h, field in scores[:k]]


class ModelProposer:
    """The text engine's active classifier for fields, trained on the province's own
    confirmed reports. Below its threshold, proposals are marked not sure."""

    name = "classifier"

    def __init__(self, model) -> None:
        self.model = model
        self.fields = {f.code: f for f in Field.objects.filter(is_active=True)}

    def propose(self, text: str, k: int = 3) -> list[Proposal]:
        predictions = [p for p in self.model.top(text, k=k + 2) if p.label in self.fields]
        sure = self.model.is_sure(predictions)
        return [
            Proposal(self.fields[p.label], round(p.probability, 3), sure=sure)
            for p in predictions[:k]
        ]


def proposer() -> Proposer:
    """The trained classifier when one is active, else the keyword baseline."""
    from tinhso.feedback.training import PURPOSE
    from tinhso.textengine.access import active_classifier

    model = active_classifier(PURPOSE)
    return ModelProposer(model) if model is not None else KeywordProposer()
