"""Helpers of the operations centre's tests: a dataset by commune made in the test, a
feedback hub emptied of the demo's reports, indicators defined through the actions."""

from __future__ import annotations

import pytest

from tinhso.agencies.models import Agency
from tinhso.feedback.models import Report
from tinhso.ioc import actions
from tinhso.units.models import Commune
from tinhso.warehouse import actions as warehouse_actions
from tinhso.warehouse.models import Access

FIBRE = (
    "ma_xa,nam,so_ho,so_ho_cap_quang\n"
    "27712,2024,1000,550\n27712,2025,1000,720\n{other},2025,800,400\n"
)


def other_commune() -> Commune:
    return Commune.objects.filter(province__code="80").exclude(code="27712").order_by("code")[0]


@pytest.fixture
def publish_csv(system, tmp_path):
    """A factory: a shared dataset of the SKHCN with one version of the CSV text given."""

    def publish(slug: str, text: str):
        dataset = warehouse_actions.create_dataset(
            system,
            slug=slug,
            title=slug,
            owner=Agency.objects.get(code="SKHCN"),
            access=Access.SHARED,
        )
        path = tmp_path / f"{slug}.csv"
        path.write_text(text, encoding="utf-8")
        warehouse_actions.add_version(system, dataset, path)
        return dataset

    return publish


@pytest.fixture
def fibre(publish_csv):
    """A shared dataset of households with fibre per commune and year."""
    return publish_csv("cap-quang", FIBRE.format(other=other_commune().code))


FIBRE_SQL = (
    "SELECT nam AS period, ma_xa AS commune, 100.0 * so_ho_cap_quang / so_ho AS value "
    'FROM "cap-quang" '
    "UNION ALL SELECT nam, NULL, 100.0 * sum(so_ho_cap_quang) / sum(so_ho) "
    'FROM "cap-quang" GROUP BY nam'
)


@pytest.fixture
def fibre_indicator(system, fibre):
    return actions.define_indicator(
        system,
        code="t-cap-quang",
        name_vi="Hộ có cáp quang",
        name_en="Households with fibre",
        sector="digital",
        unit="%",
        direction="higher",
        period="year",
        good=70,
        bad=50,
        source_kind="sql",
        source_config={"sql": FIBRE_SQL},
    )


@pytest.fixture
def no_reports(db):
    """The demo's reports out of the way (rolled back with the test)."""
    Report.objects.all().delete()
