"""The demo province's DTI: published results to compare against and a 2024 assessment
under way (built once per test session by `tinhso demo`)."""

import io
from decimal import Decimal as D

import pytest

from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.dti import demo, results, sheet
from tinhso.dti.models import Assessment, PublishedResult
from tinhso.units.models import Province

pytestmark = pytest.mark.django_db


def test_the_demo_has_published_results_of_two_years():
    da_nang_2021 = PublishedResult.objects.get(year=2021, legacy_province__code="48")
    assert (da_nang_2021.rank, da_nang_2021.dti, da_nang_2021.cqs) == (1, D("0.6419"), D("0.6868"))
    assert "dti.gov.vn" in da_nang_2021.source
    hanoi_2024 = PublishedResult.objects.get(year=2024, province__code="01")
    assert (hanoi_2024.rank, hanoi_2024.dti, hanoi_2024.framework.code) == (1, D("0.8241"), "405")
    # The shipped 63-province figures give the merged Đà Nẵng its published 0.7069.
    assert results.merged(Province.objects.get(code="48"), 2024).dti == D("0.7069")
    assert PublishedResult.objects.get(year=2024, province__code="48").dti == D("0.7069")


def test_the_demo_province_has_a_2024_assessment_under_way(province):
    assessment = Assessment.objects.get(year=2024, province=province)
    state = sheet.build(assessment)
    assert assessment.framework.code == "405"
    # Two entered by staff and approved, one waiting; of the three fed from the demo's own
    # indicators (2024: fibre 60.5 %, smartphones 78.4 %, digital economy 10.6 % of GRDP),
    # infrastructure approved, the other two waiting.
    assert set(state.main_indices) == {"nhan_thuc_so", "the_che_so", "ha_tang_so"}
    assert state.main_indices["ha_tang_so"] == D("0.6050") and state.pending == 3
    fed = {
        v.main_index.code: v.value
        for v in assessment.values.exclude(fed_from=[]).select_related("main_index")
    }
    assert fed == {
        "ha_tang_so": D("0.6050"),
        "hoat_dong_xa_hoi_so": D("0.7840"),
        "hoat_dong_kinh_te_so": D("0.3533"),
    }
    assert len(state.missing) == 5 and state.score is None


def test_the_demo_step_runs_again_without_writing(province):
    before = AuditEntry.objects.count()
    out = io.StringIO()
    demo.build(Actor.system("tests"), province, out.write)
    assert AuditEntry.objects.count() == before and out.getvalue() == ""
