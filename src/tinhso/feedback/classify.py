"""Field proposals for a report's text.

The proposer is an extension point: until the text engine's trained classifier is
active, a keyword baseline answers, behind the same interface. The operator always
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


def proposer() -> Proposer:
    return KeywordProposer()
