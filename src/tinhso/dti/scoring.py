"""DTI arithmetic: main indices → pillars and the DTI, ranks, and the 2025 merger rule.

Pure Python on `Decimal` (no ORM), so the command line, the pages and the tests share one
calculation. A framework reaches this module as a `Scheme`: what is scored, with which
weight, and which main indices each pillar holds (`tinhso.dti.frameworks` builds one from
the database).

Two ways of forming the DTI exist among the national frameworks:

- ``main_indices`` (922/QĐ-BTTTT, 405/QĐ-BKHCN): each main index is published on 0–1 and
  DTI = Σ weightᵢ × indexᵢ, the weight being the index's share of the 1,000 points. A
  pillar is the share of its member indices' points: Σ wᵢ·indexᵢ / Σ wᵢ over its members.
- ``pillars`` (1726/QĐ-BTTTT): the three pillar values are published on 0–1 and
  DTI = Σ weightₚ × pillarₚ.

Published values carry four decimals, rounded half up; inputs are used exactly and only the
results are rounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

PLACES = Decimal("0.0001")
ZERO = Decimal(0)
ONE = Decimal(1)

MAIN_INDICES = "main_indices"
PILLARS = "pillars"


class ScoringError(ValueError):
    """A calculation the framework cannot make; `message` is for the user (Vietnamese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def published(value: Decimal) -> Decimal:
    """`value` as the national results publish it: four decimals, half up."""
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def parse_value(raw: object) -> Decimal:
    """A value on 0–1 as written in a file: "0.8575", "0,8575" or a number.
    Raises ValueError (with a Vietnamese message) otherwise."""
    text = str(raw).strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number") % {"value": raw}) from None
    if not value.is_finite() or value < ZERO or value > ONE:
        raise ValueError(_("“%(value)s” is outside 0–1") % {"value": raw})
    return value


@dataclass(frozen=True)
class Part:
    """A scored part of a framework: a main index (`main_indices` method) or a pillar
    (`pillars` method). `weight` is None while the framework has not published it."""

    code: str
    name: str
    weight: Decimal | None
    scored: bool = True


@dataclass(frozen=True)
class PillarRule:
    code: str  # CQS, KTS, XHS
    key: str  # the column of its value under the `pillars` method: chinh_quyen_so, …
    name: str
    weight: Decimal | None = None  # used by the `pillars` method
    members: tuple[str, ...] = ()  # main-index codes, used by the `main_indices` method


@dataclass(frozen=True)
class Scheme:
    """What a framework says about forming the scores."""

    code: str
    method: str
    parts: tuple[Part, ...]
    pillars: tuple[PillarRule, ...] = ()

    @property
    def inputs(self) -> tuple[Part, ...]:
        """What a row of values holds: the main indices, or the pillars for `pillars`."""
        if self.method == PILLARS:
            return tuple(Part(p.key, p.name, p.weight) for p in self.pillars)
        return self.parts

    @property
    def scored_inputs(self) -> tuple[Part, ...]:
        return tuple(p for p in self.inputs if p.scored)

    def check_weights(self) -> None:
        """Refuse, naming what is missing, when a scored part has no weight yet."""
        missing = [p.name for p in self.scored_inputs if p.weight is None]
        if missing:
            raise ScoringError(
                _(
                    "Framework %(code)s has no weights yet for: %(indices)s. An administrator "
                    "must enter the published weights before scores can be computed."
                )
                % {"code": self.code, "indices": ", ".join(missing)}
            )


@dataclass
class Score:
    """One unit's scores, rounded as published; `rank` is set by `rank_scores`."""

    key: str
    dti: Decimal
    pillars: dict[str, Decimal] = field(default_factory=dict)
    inputs: dict[str, Decimal] = field(default_factory=dict)
    contributions: dict[str, Decimal] = field(default_factory=dict)
    rank: int | None = None


def score(scheme: Scheme, key: str, values: Mapping[str, Decimal]) -> Score:
    """Score one unit from its input values (main indices or pillars, on 0–1)."""
    scheme.check_weights()
    missing = [p.code for p in scheme.scored_inputs if p.code not in values]
    if missing:
        raise ScoringError(_("Missing values: %(codes)s") % {"codes": ", ".join(missing)})
    # check_weights has refused any scored part without a weight.
    weights = {p.code: p.weight or ZERO for p in scheme.scored_inputs}
    contributions = {code: values[code] * weight for code, weight in weights.items()}
    dti = sum(contributions.values(), ZERO)
    pillars: dict[str, Decimal] = {}
    if scheme.method == PILLARS:
        pillars = {p.code: published(values[p.key]) for p in scheme.pillars}
    else:
        for rule in scheme.pillars:
            members = [m for m in rule.members if m in weights]
            total = sum((weights[m] for m in members), ZERO)
            if total:
                points = sum((contributions[m] for m in members), ZERO)
                pillars[rule.code] = published(points / total)
    return Score(
        key=key,
        dti=published(dti),
        pillars=pillars,
        inputs={code: values[code] for code in values},
        contributions={code: published(c) for code, c in contributions.items()},
    )


def rank_scores(scores: Sequence[Score]) -> list[Score]:
    """Order by DTI, highest first; equal DTIs share a rank and the next rank skips
    (2021: Thanh Hóa and Vĩnh Phúc both 12th at 0.4880, Hải Dương 14th)."""
    ordered = sorted(scores, key=lambda s: (-s.dti, s.key))
    previous: Decimal | None = None
    rank = 0
    for position, item in enumerate(ordered, start=1):
        if item.dti != previous:
            rank = position
            previous = item.dti
        item.rank = rank
    return ordered


def score_all(scheme: Scheme, rows: Iterable[tuple[str, Mapping[str, Decimal]]]) -> list[Score]:
    """Score and rank many units."""
    return rank_scores([score(scheme, key, values) for key, values in rows])


def merge(former: Sequence[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    """The 2025 merger rule: a merged province's value of each main index is the mean of its
    former provinces' values (dantri.com.vn, 21 Oct 2025). Only indices every former
    province has are merged; the means are exact, the scores built on them are rounded."""
    if not former:
        raise ScoringError(_("There are no former provinces to merge."))
    common = set(former[0]).intersection(*former[1:])
    count = Decimal(len(former))
    return {code: sum((values[code] for values in former), ZERO) / count for code in sorted(common)}


@dataclass(frozen=True)
class WhatIf:
    """The smallest raise of main indices that lifts a DTI to `target`: how much each index
    goes up (on 0–1, four decimals), the new values, and the DTI they give."""

    target: Decimal
    raises: dict[str, Decimal]
    values: dict[str, Decimal]
    dti: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.raises.values(), ZERO)


def what_if(scheme: Scheme, values: Mapping[str, Decimal], target: Decimal) -> WhatIf:
    """Which main indices, raised by how much, bring the published DTI to at least `target`
    with the smallest total change of the indices.

    DTI = Σ wᵢ·indexᵢ with each index at most 1, so a unit of change buys most where the
    weight is highest: raising the heaviest indices first, each up to 1, is the optimum
    (a fractional knapsack). Raises are rounded up to the fourth decimal, as values are
    entered. Refuses when even every index at 1 would not reach the target."""
    scheme.check_weights()
    weights: dict[str, Decimal] = {p.code: p.weight or ZERO for p in scheme.scored_inputs}
    order = sorted(weights, key=lambda code: (-weights[code], code))
    current = sum((values[code] * weights[code] for code in order), ZERO)
    # published(x) >= target exactly when x >= target - half a unit of the fourth decimal.
    gap = target - PLACES / 2 - current
    raises: dict[str, Decimal] = {}
    for code in order:
        if gap <= 0:
            break
        headroom = ONE - values[code]
        if headroom <= 0:
            continue
        step = min(headroom, (gap / weights[code]).quantize(PLACES, rounding=ROUND_CEILING))
        raises[code] = step
        gap -= step * weights[code]
    if gap > 0:
        raise ScoringError(
            _("Even with every main index at 1, the DTI cannot reach %(target)s.")
            % {"target": target}
        )
    new_values = {code: values[code] + raises.get(code, ZERO) for code in values}
    return WhatIf(target, raises, new_values, score(scheme, "", new_values).dti)


def places_up(scores: Sequence[Score], key: str, places: int) -> Decimal:
    """The published DTI that lifts `key` `places` places in a ranking (its rank shared
    with the unit it reaches counts as reached): the DTI of the unit now ranked there."""
    ranked = rank_scores(list(scores))
    mine = next(s for s in ranked if s.key == key)
    goal = max(1, (mine.rank or 1) - places)
    above = [s for s in ranked if s.rank is not None and s.rank <= goal and s.key != key]
    if not above:
        return mine.dti
    return min(s.dti for s in above)
