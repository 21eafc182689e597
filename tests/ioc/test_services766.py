"""The public-service index of Decision 766/QĐ-TTg from a dossiers dataset: each group's
points × its share, a group with nothing to measure left out of the total."""

from __future__ import annotations

import pytest

from tests.ioc.conftest import other_commune
from tinhso.ioc import actions, services766, sources
from tinhso.ioc.computation import compute
from tinhso.ioc.models import IndicatorValue

pytestmark = pytest.mark.django_db

HEADER = ("ma_xa,kenh_nop,ngay_nhan,dung_han,dong_bo_quoc_gia,thanh_toan_truc_tuyen,"
          "so_hoa_ho_so,so_hoa_ket_qua,danh_gia")  # fmt: skip
# Four dossiers in October 2026 in Tân An (27712), one in another commune.
ROWS = [
    "27712,Trực tuyến,2026-10-02,true,true,true,true,true,5",
    "27712,Trực tuyến,2026-10-05,false,true,,false,true,3",
    "27712,Trực tiếp,2026-10-09,true,false,false,true,false,",
    "27712,Bưu chính,2026-10-20,,true,,true,,",
    "{other},Trực tuyến,2026-10-21,,true,,true,,",
]


@pytest.fixture
def dossiers(publish_csv):
    rows = "\n".join(ROWS).format(other=other_commune().code)
    return publish_csv("ho-so-766", HEADER + "\n" + rows + "\n")


def define(system, component: str):
    return actions.define_indicator(
        system,
        code=f"i766-{component}",
        name_vi=component,
        sector="public-services",
        period="month",
        source_kind="services766",
        source_config={"dataset": "ho-so-766", "component": component},
    )


def value(indicator, commune):
    return IndicatorValue.objects.get(
        indicator=indicator, commune__code=commune, period_start__month=10
    ).value


@pytest.mark.parametrize(
    ("component", "tan_an"),
    [
        # 3 of 4 synchronised × 18
        ("transparency", 13.5),
        # 2 on time of 3 finished × 20
        ("progress", 20 * 2 / 3),
        # 2 of 4 online × 11 + 1 paid online of 2 with a fee × 11
        ("online", 5.5 + 5.5),
        # 1 satisfied of 2 rated × 18
        ("satisfaction", 9.0),
        # 3 of 4 digitised × 11 + 2 of 3 results × 11
        ("digitisation", 8.25 + 11 * 2 / 3),
        # all groups measured: their sum
        ("total", 13.5 + 20 * 2 / 3 + 11 + 9 + 8.25 + 11 * 2 / 3),
    ],
)
def test_each_group_is_its_points_times_its_share(system, dossiers, component, tan_an):
    indicator = define(system, component)
    assert compute(indicator).error == ""
    assert value(indicator, "27712") == pytest.approx(tan_an)


def test_the_total_leaves_out_what_cannot_be_measured(system, dossiers):
    """The other commune's only dossier is not finished, has no fee and no rating: progress
    and satisfaction are not measured; online counts only its submission (11 points)."""
    indicator = define(system, "total")
    compute(indicator)
    # transparency 18/18, online 11/11 (+0 measured of payment), digitisation 11/11
    assert value(indicator, other_commune().code) == pytest.approx(100.0)
    province = IndicatorValue.objects.get(indicator=indicator, commune__isnull=True)
    assert 0 < province.value < 100
    assert province.provenance["kind"] == "sql"
    assert "ho-so-766" in province.provenance["datasets"]


def test_a_dataset_without_the_columns_is_refused_with_the_missing_name(system, publish_csv):
    publish_csv("ho-so-thieu", "ma_xa,kenh_nop,ngay_nhan\n27712,Trực tuyến,2026-10-02\n")
    with pytest.raises(sources.SourceError):
        actions.define_indicator(
            system,
            code="i766-thieu",
            name_vi="x",
            sector="public-services",
            period="month",
            source_kind="services766",
            source_config={"dataset": "ho-so-thieu"},
        )


def test_an_unknown_component_or_column_role_is_refused(system, dossiers):
    for config in ({"dataset": "ho-so-766", "component": "speed"},
                   {"dataset": "ho-so-766", "columns": {"speed": "x"}}):  # fmt: skip
        with pytest.raises(sources.SourceError):
            sources.validate("services766", config)


def test_the_groups_make_the_decisions_100_points():
    assert {g: p for g, (p, _c) in services766.GROUPS.items()} == {
        "transparency": 18,
        "progress": 20,
        "online": 22,
        "satisfaction": 18,
        "digitisation": 22,
    }
