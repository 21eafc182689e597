"""The province against the published national results of a year: the leader, the national
mean, its neighbours in rank, the main indices where it loses most points, and what
raises would move it up a number of places.

A year's table is the 34 merged units where they were published for it, else the 63
former provinces; in the latter the province's row is formed by the merger rule
(`results.merged`) and placed among them by its DTI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from tinhso.dti import frameworks, results
from tinhso.dti.models import Framework, PublishedResult
from tinhso.dti.scoring import ONE, ZERO, Scheme, Score, ScoringError, WhatIf, published
from tinhso.dti.scoring import places_up as target_for
from tinhso.dti.scoring import what_if as smallest_raise
from tinhso.units.models import Province

NEIGHBOURS = 2  # ranks either side


@dataclass(eq=False)
class Row:
    name: str
    rank: int | None
    dti: Decimal | None
    pillars: dict[str, Decimal] = field(default_factory=dict)
    main_indices: dict[str, Decimal] = field(default_factory=dict)
    mine: bool = False
    merged: bool = False  # formed by the merger rule, not published as such
    against_mean: Decimal | None = None  # DTI − the national mean


@dataclass
class Comparison:
    year: int
    framework: Framework | None
    rows: list[Row]
    mine: Row | None = None
    leader: Row | None = None
    mean: Decimal | None = None
    neighbours: list[Row] = field(default_factory=list)
    former: list[str] = field(default_factory=list)

    @property
    def ranked(self) -> list[Row]:
        """The rows with a DTI, highest first."""
        with_dti = [r for r in self.rows if r.dti is not None]
        return sorted(with_dti, key=lambda r: -(r.dti or 0))


def years() -> list[int]:
    """The years with published results, latest first."""
    return sorted(set(PublishedResult.objects.values_list("year", flat=True)), reverse=True)


def _row(result: PublishedResult, province: Province) -> Row:
    pillars = {
        code: getattr(result, name)
        for code, name in results.PILLAR_FIELDS.items()
        if getattr(result, name) is not None
    }
    return Row(
        name=result.unit_name,
        rank=result.rank,
        dti=result.dti,
        pillars=pillars,
        main_indices={code: Decimal(v) for code, v in result.main_indices.items()},
        mine=result.province_id == province.pk,
    )


def table(year: int, province: Province) -> tuple[list[Row], Framework | None]:
    """A year's published table (merged units where published, else former provinces),
    in published rank order, and the framework it was assessed with."""
    found = PublishedResult.objects.filter(year=year).select_related(
        "province", "legacy_province", "framework"
    )
    merged_units = [r for r in found if r.province_id is not None]
    chosen = merged_units or [r for r in found if r.legacy_province_id is not None]
    chosen.sort(key=lambda r: (r.rank is None, r.rank or 0, -(r.dti or ZERO)))
    framework = chosen[0].framework if chosen else None
    return [_row(r, province) for r in chosen], framework


def compare(province: Province, year: int) -> Comparison:
    rows, framework = table(year, province)
    comparison = Comparison(year, framework, rows)
    published_dtis = [r.dti for r in rows if r.dti is not None]
    mine = next((r for r in rows if r.mine), None)
    if mine is None and rows:
        try:
            merged = results.merged(province, year)
        except ScoringError:
            merged = None
        if merged is not None and merged.dti is not None:
            mine = Row(
                name=province.name,
                rank=1 + sum(d > merged.dti for d in published_dtis),
                dti=merged.dti,
                pillars=merged.pillars,
                main_indices=merged.main_indices,
                mine=True,
                merged=True,
            )
            comparison.former = merged.former
            rows.append(mine)
    comparison.mine = mine
    if published_dtis:
        comparison.mean = published(sum(published_dtis, ZERO) / len(published_dtis))
        for row in rows:
            if row.dti is not None:
                row.against_mean = row.dti - comparison.mean
    ranked = comparison.ranked
    comparison.leader = ranked[0] if ranked else None
    if mine is not None and mine.dti is not None:
        at = ranked.index(mine)
        comparison.neighbours = ranked[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]
    return comparison


@dataclass(frozen=True)
class Loss:
    code: str
    name: str
    value: Decimal
    weight: Decimal
    lost: Decimal  # weight × (1 − value): the DTI it keeps from the province


def weakest(scheme: Scheme, values: Mapping[str, Decimal]) -> list[Loss]:
    """The scored main indices by the DTI they lose, most first. Refuses (with the
    framework's message) while the framework has no weights."""
    scheme.check_weights()
    losses = [
        Loss(
            p.code,
            p.name,
            values[p.code],
            p.weight or ZERO,
            (p.weight or ZERO) * (ONE - values[p.code]),
        )
        for p in scheme.scored_inputs
        if p.code in values
    ]
    return sorted(losses, key=lambda loss: (-loss.lost, loss.code))


def what_if(
    scheme: Scheme, comparison: Comparison, values: Mapping[str, Decimal], places: int
) -> WhatIf:
    """The smallest raises of `values` (the province's main indices) that bring its DTI to
    the one now `places` places above it in the year's table."""
    mine = comparison.mine
    if mine is None or mine.dti is None:
        raise ScoringError(
            _("%(year)s has no published DTI of the province to move from.")
            % {"year": comparison.year}
        )
    missing = [p.name for p in scheme.scored_inputs if p.code not in values]
    if missing:
        raise ScoringError(_("Missing values: %(codes)s") % {"codes": ", ".join(missing)})
    scheme.check_weights()
    # Keyed by position: a merged province may share its name with a former one.
    ranked = comparison.ranked
    scores = [Score(key=str(at), dti=r.dti) for at, r in enumerate(ranked) if r.dti is not None]
    target = target_for(scores, str(ranked.index(mine)), places)
    return smallest_raise(scheme, values, target)


def scheme_of(framework: Framework) -> Scheme:
    return frameworks.scheme(framework)
