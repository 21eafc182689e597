"""The indicators' values as a warehouse dataset: one row per value, a new version only
when they changed, queryable through the sandbox like any dataset."""

from __future__ import annotations

import pytest

from tinhso.ioc import export
from tinhso.ioc.computation import compute
from tinhso.ioc.models import IndicatorValue
from tinhso.warehouse import sandbox
from tinhso.warehouse.models import Dataset

pytestmark = pytest.mark.django_db


def test_the_values_land_in_the_warehouse_once_per_change(system, fibre_indicator):
    compute(fibre_indicator)
    first = export.to_warehouse()  # the demo may have exported before: its number + 1
    dataset = Dataset.objects.get(slug=export.SLUG)
    n = dataset.current.number
    assert first.startswith(f"version {n}:")
    assert dataset.access == "shared" and dataset.owner.kind == "pc_office"
    assert export.to_warehouse() == f"unchanged since version {n}"

    answer = sandbox.run(
        system,
        f'SELECT ma_xa, gia_tri, danh_gia FROM "{export.SLUG}" '
        "WHERE ma_chi_tieu = 't-cap-quang' AND year(ngay_bat_dau_ky) = 2025 AND ma_xa = '27712'",
    )
    stored = IndicatorValue.objects.get(
        indicator=fibre_indicator, commune__code="27712", period_start__year=2025
    )
    assert len(answer.rows) == 1
    assert answer.rows[0][1] == pytest.approx(stored.value)
    assert answer.rows[0][2] == fibre_indicator.status(stored.value)

    IndicatorValue.objects.filter(pk=stored.pk).update(value=stored.value + 1)
    assert export.to_warehouse().startswith(f"version {n + 1}:")
    counted = sandbox.run(system, f'SELECT count(*) FROM "{export.SLUG}"').rows[0][0]
    assert counted == IndicatorValue.objects.count()
