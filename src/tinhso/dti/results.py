"""Reading the published national results, and the 2025 merger rule on them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from tinhso.dti.models import PublishedResult
from tinhso.dti.scoring import ScoringError, merge, published
from tinhso.units.models import Province

PILLAR_FIELDS = {"CQS": "cqs", "KTS": "kts", "XHS": "xhs"}


def _values(result: PublishedResult) -> dict[str, Decimal]:
    """A result's published values by code: main indices, pillars and the DTI."""
    values = {code: Decimal(v) for code, v in result.main_indices.items()}
    for code, name in PILLAR_FIELDS.items():
        if getattr(result, name) is not None:
            values[code] = getattr(result, name)
    if result.dti is not None:
        values["dti"] = result.dti
    return values


@dataclass(frozen=True)
class MergedResult:
    """A merged province's values from its former provinces' published ones, rounded as
    published. `former` names the provinces the mean is over."""

    province: Province
    year: int
    dti: Decimal | None
    pillars: dict[str, Decimal]
    main_indices: dict[str, Decimal]
    former: list[str]


def merged(province: Province, year: int) -> MergedResult:
    """The 2025 merger rule applied to a year's results of the 63 former provinces: each
    main index of `province` is the mean of its former provinces' (dantri.com.vn,
    21 Oct 2025). The DTI and the pillars are weighted sums of the main indices, so their
    means are the same numbers; they are averaged too where main indices were not
    published. Refuses when a former province has no result for the year."""
    former = list(province.legacy_provinces.order_by("code"))
    results = {
        r.legacy_province_id: r
        for r in PublishedResult.objects.filter(year=year, legacy_province__in=former)
    }
    missing = [p.name for p in former if p.pk not in results]
    if missing:
        raise ScoringError(
            _("No %(year)s result yet for: %(missing)s — %(province)s cannot be merged.")
            % {"year": year, "missing": ", ".join(missing), "province": province.name}
        )
    means = merge([_values(results[p.pk]) for p in former])
    dti = means.pop("dti", None)
    pillars = {code: published(means.pop(code)) for code in PILLAR_FIELDS if code in means}
    return MergedResult(
        province=province,
        year=year,
        dti=published(dti) if dti is not None else None,
        pillars=pillars,
        main_indices={code: published(v) for code, v in means.items()},
        former=[p.name for p in former],
    )
