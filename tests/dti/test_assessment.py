"""A year's assessment: values entered with evidence, reviewed by someone else, and the
score sheet formed from the approved ones only."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.agencies.models import User
from tinhso.core.access import AccessDenied
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.dti import actions, sheet
from tinhso.dti.actions import AssessmentError
from tinhso.dti.models import Framework, ValueStatus

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
LINK = "https://example.vn/minh-chung.pdf"


def as_user(username: str) -> Actor:
    return Actor.for_user(User.objects.get(username=username))


@pytest.fixture
def handler() -> Actor:
    return as_user("demo.handler")


@pytest.fixture
def supervisor() -> Actor:
    return as_user("demo.supervisor")


@pytest.fixture
def assessment(province, supervisor):
    # The demo opens 2024; 2022 is free.
    return actions.open_assessment(supervisor, province, 2022)


def test_an_assessment_opens_once_a_year_under_the_year_s_framework(
    assessment, province, supervisor, handler
):
    assert assessment.framework.code == "922"
    with pytest.raises(AssessmentError):
        actions.open_assessment(supervisor, province, 2022)
    with pytest.raises(AccessDenied):
        actions.open_assessment(handler, province, 2023)
    opened = AuditEntry.objects.filter(action="dti.assessment.open", object_id=str(assessment.pk))
    assert opened.get().actor_label == "demo.supervisor"


def test_entered_values_count_once_approved_and_reproduce_the_published_dti(
    assessment, handler, supervisor
):
    framework = assessment.framework
    entries = [
        actions.enter_value(
            handler, assessment, framework.main_indices.get(code=code), value, evidence_link=LINK
        )
        for code, value in DA_NANG_2022.items()
    ]
    approvals = AuditEntry.objects.filter(action="dti.value.approve")
    already = approvals.count()
    pending = sheet.build(assessment)
    assert pending.score is None and pending.pending == 8 and len(pending.missing) == 8

    for entry in entries[:-1]:
        actions.review_value(supervisor, entry, approve=True)
    partial = sheet.build(assessment)
    assert partial.score is None and partial.missing == ["Hoạt động xã hội số"]

    actions.review_value(supervisor, entries[-1], approve=True)
    done = sheet.build(assessment)
    assert done.score.dti == D("0.8002") and done.pending == 0
    assert done.score.contributions["hoat_dong_chinh_quyen_so"] == D("0.1715")
    assert approvals.count() == already + 8


def test_evidence_is_required_and_values_stay_in_range(assessment, handler, tmp_path):
    index = assessment.framework.main_indices.get(code="ha_tang_so")
    with pytest.raises(AssessmentError):
        actions.enter_value(handler, assessment, index, D("0.5"))
    with pytest.raises(AssessmentError):
        actions.enter_value(handler, assessment, index, D("1.2"), evidence_link=LINK)
    other = Framework.objects.get(code="405").main_indices.get(code="ha_tang_so")
    with pytest.raises(AssessmentError):
        actions.enter_value(handler, assessment, other, D("0.5"), evidence_link=LINK)
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 minh chung", "application/pdf")
    entry = actions.enter_value(handler, assessment, index, D("0.5"), evidence_file=upload)
    with entry.evidence_file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 minh chung"


def test_a_value_is_reviewed_by_someone_else_and_a_returned_one_is_corrected(
    assessment, handler, supervisor
):
    index = assessment.framework.main_indices.get(code="nhan_luc_so")
    own = actions.enter_value(supervisor, assessment, index, D("0.4"), evidence_link=LINK)
    with pytest.raises(AccessDenied):
        actions.review_value(supervisor, own, approve=True)
    with pytest.raises(AccessDenied):
        actions.review_value(handler, own, approve=True)  # not a reviewer

    entry = actions.enter_value(handler, assessment, index, D("0.45"), evidence_link=LINK)
    assert entry.pk == own.pk and entry.status == ValueStatus.PENDING  # one value per index
    with pytest.raises(AssessmentError):
        actions.review_value(supervisor, entry, approve=False)  # a return says why
    returned = actions.review_value(supervisor, entry, approve=False, note="Thiếu quyết định")
    assert returned.status == ValueStatus.RETURNED
    with pytest.raises(AssessmentError):
        actions.review_value(supervisor, returned, approve=True)  # already reviewed

    corrected = actions.enter_value(handler, assessment, index, D("0.5"), evidence_link=LINK)
    assert corrected.status == ValueStatus.PENDING and corrected.reviewed_by is None
    change = AuditEntry.objects.filter(action="dti.value.correct").latest("id")
    assert change.before["value"] == 0.45 and change.after["value"] == 0.5
    assert actions.review_value(supervisor, corrected, approve=True).status == "approved"


def test_a_main_index_with_components_is_its_points_over_its_maximum(province, supervisor):
    data = {
        "code": "thu-1", "decision": "1/QĐ-THU", "title_vi": "Khung thử", "first_year": 2030,
        "status": "published", "method": "main_indices",
        "pillars": [{"code": "CQS", "key": "chinh_quyen_so", "name_vi": "Chính quyền số"}],
        "main_indices": [
            {"code": "a", "name_vi": "A", "max_points": 40, "weight": "0.4", "pillars": ["CQS"],
             "components": [{"code": "a1", "name_vi": "A1", "max_points": 30},
                            {"code": "a2", "name_vi": "A2", "max_points": 10}]},
            {"code": "b", "name_vi": "B", "max_points": 60, "weight": "0.6", "pillars": ["CQS"]},
        ],
    }  # fmt: skip
    framework = actions.install_framework(Actor.system("tests"), data)
    # Of the frameworks covering 2030 (405 is open-ended), the latest decision is used.
    assessment = actions.open_assessment(supervisor, province, 2030)
    assert assessment.framework == framework
    a, b = framework.main_indices.all()
    a1, a2 = a.components.all()
    handler = as_user("demo.handler")
    with pytest.raises(AssessmentError):
        actions.enter_value(handler, assessment, a, D("31"), component=a1, evidence_link=LINK)
    entries = [
        actions.enter_value(handler, assessment, a, D("24"), component=a1, evidence_link=LINK),
        actions.enter_value(handler, assessment, b, D("0.5"), evidence_link=LINK),
    ]
    for entry in entries:
        actions.review_value(supervisor, entry, approve=True)
    assert sheet.build(assessment).missing == ["A"]  # a2 not yet entered

    last = actions.enter_value(handler, assessment, a, D("6"), component=a2, evidence_link=LINK)
    actions.review_value(supervisor, last, approve=True)
    result = sheet.build(assessment)
    assert result.main_indices["a"] == D("0.75")  # (24 + 6) / 40
    assert result.score.dti == D("0.6000")  # 0.4 × 0.75 + 0.6 × 0.5
    assert result.score.pillars == {"CQS": D("0.6000")}
