"""The shipped frameworks in the database, scoring from them, and the 405 weights an
administrator enters."""

from decimal import Decimal as D

import pytest

from tinhso.core.access import AccessDenied
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.dti import actions, frameworks
from tinhso.dti.models import Framework, FrameworkStatus
from tinhso.dti.scoring import ScoringError

pytestmark = pytest.mark.django_db

DA_NANG_2022 = {
    # Published main indices of Đà Nẵng 2022 (https://dti.gov.vn/xep-hang-2022); DTI 0.8002.
    "nhan_thuc_so": D("1.0000"),
    "the_che_so": D("0.9000"),
    "ha_tang_so": D("0.8253"),
    "nhan_luc_so": D("0.8487"),
    "an_toan_thong_tin_mang": D("0.7578"),
    "hoat_dong_chinh_quyen_so": D("0.8575"),
    "hoat_dong_kinh_te_so": D("0.7836"),
    "hoat_dong_xa_hoi_so": D("0.5197"),
}
WEIGHTS_405 = {code: D("0.125") for code in DA_NANG_2022}


def test_the_three_national_frameworks_are_installed_by_migrate():
    shipped = {f.code: f for f in Framework.objects.filter(shipped=True)}
    assert set(shipped) == {"1726", "922", "405"}
    assert all(f.status == FrameworkStatus.PUBLISHED for f in shipped.values())

    f922 = shipped["922"]
    indices = list(f922.main_indices.all())
    assert len(indices) == 9 and sum(i.component_count for i in indices) == 98
    assert sum(i.max_points for i in indices) == 1000
    scored = [i for i in indices if i.scored]
    assert len(scored) == 8 and sum(i.weight for i in scored) == 1
    smart_city = f922.main_indices.get(code="do_thi_thong_minh")
    assert not smart_city.scored and smart_city.max_points == 0
    cqs = f922.pillars.get(code="CQS")
    assert cqs.max_points == 700 and cqs.main_indices.count() == 7

    assert {p.code: p.weight for p in shipped["1726"].pillars.all()} == {
        "CQS": D("0.4"), "KTS": D("0.3"), "XHS": D("0.3")
    }  # fmt: skip
    f405 = shipped["405"]
    assert f405.main_indices.count() == 8 and f405.component_count == 47
    assert f405.weights_editable and not f405.main_indices.filter(weight__isnull=False).exists()
    # No component texts were found publicly: none are shipped (docs/dti.md).
    assert not f922.main_indices.filter(components__isnull=False).exists()
    assert frameworks.for_year(2022) == f922 and frameworks.for_year(2020).code == "1726"
    assert frameworks.for_year(2026) == f405


def test_loading_again_writes_nothing():
    before = AuditEntry.objects.count()
    assert frameworks.load_shipped(Actor.system("tests")) == []
    assert AuditEntry.objects.count() == before


def test_scoring_from_the_database_reproduces_da_nang_2022():
    [result] = frameworks.score(frameworks.get("922"), [("TP. Đà Nẵng", DA_NANG_2022)])
    assert result.dti == D("0.8002") and result.rank == 1
    # Pillars: (foundation points + own activity points) / 700 or 650.
    foundation = sum(DA_NANG_2022[c] for c in list(DA_NANG_2022)[:5]) * 100
    assert result.pillars["KTS"] == ((foundation + D("0.7836") * 150) / 650).quantize(D("0.0001"))


def test_405_refuses_to_score_until_an_administrator_enters_weights(admin_user, handler_user):
    f405 = frameworks.get("405/QĐ-BKHCN")
    with pytest.raises(ScoringError) as caught:
        frameworks.score(f405, [("X", DA_NANG_2022)])
    assert "405" in caught.value.message and "Hoạt động xã hội số" in caught.value.message

    with pytest.raises(AccessDenied):
        actions.set_weights(Actor.for_user(handler_user), f405, WEIGHTS_405)
    actions.set_weights(Actor.for_user(admin_user), f405, WEIGHTS_405)
    entry = AuditEntry.objects.filter(action="dti.framework.weights").latest("id")
    assert entry.actor_user_id == admin_user.pk
    [result] = frameworks.score(f405, [("X", DA_NANG_2022)])
    assert result.dti == (sum(DA_NANG_2022.values()) * D("0.125")).quantize(D("0.0001"))

    # A new release of the shipped file keeps the weights the administrator entered.
    Framework.objects.filter(code="405").update(shipped_digest="")
    assert [f.code for f in frameworks.load_shipped(Actor.system("tests"))] == ["405"]
    assert set(f405.main_indices.values_list("weight", flat=True)) == {D("0.125")}


def test_the_admin_edits_405_weights_only(admin_client):
    f405 = Framework.objects.get(code="405")
    index = f405.main_indices.get(code="nhan_thuc_so")
    url = f"/admin/dti/mainindex/{index.pk}/change/"
    assert admin_client.post(url, {"weight": "0.1"}).status_code == 302
    index.refresh_from_db()
    assert index.weight == D("0.1") and index.name_vi == "Nhận thức số"
    change = AuditEntry.objects.filter(action="admin.change", object_type="dti.mainindex")
    assert change.latest("id").after == {"weight": 0.1}

    shipped = Framework.objects.get(code="922").main_indices.get(code="nhan_thuc_so")
    url = f"/admin/dti/mainindex/{shipped.pk}/change/"
    admin_client.post(url, {"weight": "0.5"})
    shipped.refresh_from_db()
    assert shipped.weight == D("0.1")
    assert admin_client.get("/admin/dti/framework/").status_code == 200


@pytest.mark.parametrize(
    "model",
    ["framework", "mainindex", "component", "publishedresult", "assessment", "assessmentvalue"],
)
def test_the_admin_lists_every_dti_model(admin_client, model):
    # Pillars are shown inside their framework.
    assert admin_client.get(f"/admin/dti/{model}/").status_code == 200
