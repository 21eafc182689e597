"""The DTI's pages: the overview (score sheet, comparison, weakest indices, what-if), the
assessment with its values to enter and review, and a year's national table."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from tinhso.agencies.models import User
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.dti import actions
from tinhso.dti.models import Assessment, AssessmentValue, Framework, PublishedResult
from tinhso.dti.scoring import published

pytestmark = pytest.mark.django_db

PAGES = ("/dti/", "/dti/assessments/2024/", "/dti/results/2024/", "/dti/results/2024/dti.csv")
WEIGHTS_405 = {
    "nhan_thuc_so": D("0.1"),
    "the_che_so": D("0.1"),
    "ha_tang_so": D("0.1"),
    "nhan_luc_so": D("0.1"),
    "an_toan_thong_tin_mang": D("0.1"),
    "hoat_dong_chinh_quyen_so": D("0.2"),
    "hoat_dong_kinh_te_so": D("0.15"),
    "hoat_dong_xa_hoi_so": D("0.15"),
}


def signed_in(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def vi(value: D) -> str:
    return f"{value:.4f}".replace(".", ",")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_staff_with_a_viewing_role_read_every_page(client):
    for username in ("demo.leader", "demo.operator", "demo.handler", "demo.steward"):
        signed_in(client, username)
        for url in PAGES:
            assert client.get(url).status_code == 200, (username, url)


def test_an_account_without_a_role_is_refused(client):
    user = User.objects.create_user("dti.norole", password="x-not-used-1")
    client.force_login(user)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    nav = signed_in(client, "demo.leader").get("/dti/").content.decode()
    assert 'href="/dti/"' in nav


def test_the_comparison_shows_the_leader_and_the_national_mean(client):
    page = signed_in(client, "demo.leader").get("/dti/?year=2024").content.decode()
    table = PublishedResult.objects.filter(year=2024, province__isnull=False)
    dtis = [r.dti for r in table if r.dti is not None]
    mean = published(sum(dtis, D(0)) / len(dtis))
    leader = re.search(r'id="dti-leader">([^<]*)<', page).group(1)
    hanoi = PublishedResult.objects.get(year=2024, province__code="01").unit_name
    assert leader == f"{hanoi} · {vi(D('0.8241'))}"
    assert re.search(r'id="dti-mean">([^ ]*) ', page).group(1) == vi(mean)
    assert page.count('class="dti-bar') >= 1 and 'class="dti-mean"' in page


def test_the_2021_comparison_uses_the_former_provinces(client):
    page = signed_in(client, "demo.leader").get("/dti/?year=2021").content.decode()
    da_nang = PublishedResult.objects.get(year=2021, legacy_province__code="48").unit_name
    assert f'id="dti-leader">{da_nang} · 0,6419<' in page
    assert client.get("/dti/?year=1999").status_code == 404


def test_the_score_sheet_shows_the_approved_values(client, province):
    page = signed_in(client, "demo.leader").get("/dti/").content.decode()
    row = re.search(r'<tr id="sheet-nhan_thuc_so">(.*?)</tr>', page, re.S).group(1)
    assert "0,8500" in row
    # an_toan_thong_tin_mang waits for review: it does not count yet.
    row = re.search(r'<tr id="sheet-an_toan_thong_tin_mang">(.*?)</tr>', page, re.S).group(1)
    assert "0,7150" not in row
    assert 'id="sheet-missing"' in page


def _weights_and_a_result(province, dti: str) -> None:
    admin = Actor.for_user(User.objects.get(username="demo.admin"))
    actions.set_weights(admin, Framework.objects.get(code="405"), WEIGHTS_405)
    supervisor = Actor.for_user(User.objects.get(username="demo.supervisor"))
    row = actions.ResultRow(
        province=province,
        legacy_province=None,
        rank=None,
        dti=D(dti),
        pillars={},
        main_indices={},
        source="test",
    )
    actions.import_results(supervisor, Framework.objects.get(code="405"), 2024, [row])


def test_the_what_if_answers_with_the_smallest_raises(client, province):
    _weights_and_a_result(province, "0.7000")
    values = {f"v_{code}": "0.7" for code in WEIGHTS_405}
    page = (
        signed_in(client, "demo.leader")
        .get("/dti/", {"year": "2024", "places": "1", **values})
        .content.decode()
    )
    above = min(
        r.dti
        for r in PublishedResult.objects.filter(year=2024, province__isnull=False)
        if r.dti is not None and r.dti > D("0.7000")
    )
    assert f"{vi(above)};" in re.search(r'id="what-if-target">(.*?)</p>', page, re.S).group(1)
    answer = re.search(r'id="what-if-answer">(.*?)</table>', page, re.S).group(1)
    # The heaviest index (0.2) is raised first, by (above − 0.7 − 0.00005) / 0.2 rounded up.
    assert 'id="raise-hoat_dong_chinh_quyen_so"' in answer
    step = ((above - D("0.70005")) / D("0.2")).quantize(D("0.0001"), rounding="ROUND_CEILING")
    if step <= D("0.3"):
        assert f"+{vi(step)}" in answer
    # The weakest indices by points lost, from the assessment's approved values:
    # hạ tầng số (fed from the households with fibre, 60.5 %) 0.1 × (1 − 0.605), then
    # thể chế số 0.1 × (1 − 0.78), then nhận thức số 0.1 × (1 − 0.85).
    losses = re.findall(r'<tr id="loss-([a-z_]+)">', page)
    assert losses == ["ha_tang_so", "the_che_so", "nhan_thuc_so"]
    assert "0,0220" in re.search(r'id="loss-the_che_so">(.*?)</tr>', page, re.S).group(1)


def test_the_what_if_says_when_the_framework_has_no_weights(client, province):
    page = signed_in(client, "demo.leader").get("/dti/?year=2024&places=1").content.decode()
    assert 'id="what-if-answer"' not in page
    assert 'class="error"' in page


def test_entering_and_approving_a_value_through_the_pages(client, province):
    assessment = Assessment.objects.get(year=2024, province=province)
    index = assessment.framework.main_indices.get(code="nhan_luc_so")
    data = {"main_index": index.pk, "value": "0.6200", "evidence_link": "https://example.vn/bc"}
    assert (
        signed_in(client, "demo.leader").post("/dti/assessments/2024/enter/", data).status_code
        == 403
    )
    response = signed_in(client, "demo.handler").post("/dti/assessments/2024/enter/", data)
    assert response.status_code == 302
    entry = AssessmentValue.objects.get(assessment=assessment, main_index=index)
    assert (entry.value, entry.status) == (D("0.6200"), "pending")
    assert AuditEntry.objects.filter(action="dti.value.enter", object_id=str(entry.pk)).exists()
    # No evidence: the form says so and nothing is written.
    page = client.post(
        "/dti/assessments/2024/enter/", {"main_index": index.pk, "value": "0.5"}
    ).content.decode()
    assert 'id="value-form"' in page and "kèm minh chứng" in page
    assert AssessmentValue.objects.get(pk=entry.pk).value == D("0.6200")
    # The one who entered it cannot review it; a supervisor can.
    assert (
        client.post(f"/dti/values/{entry.pk}/review/", {"decision": "approve"}).status_code == 403
    )
    page = signed_in(client, "demo.supervisor").get("/dti/assessments/2024/").content.decode()
    assert f'action="/dti/values/{entry.pk}/review/"' in page
    response = client.post(f"/dti/values/{entry.pk}/review/", {"decision": "approve"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "approved" and entry.reviewed_by.username == "demo.supervisor"
    assert AuditEntry.objects.filter(action="dti.value.approve", object_id=str(entry.pk)).exists()
    sheet = client.get("/dti/").content.decode()
    assert "0,6200" in re.search(r'<tr id="sheet-nhan_luc_so">(.*?)</tr>', sheet, re.S).group(1)


def test_returning_a_value_needs_a_note(client, province):
    assessment = Assessment.objects.get(year=2024, province=province)
    pending = AssessmentValue.objects.get(
        assessment=assessment, status="pending", entered_by__username="demo.handler"
    )
    signed_in(client, "demo.supervisor")
    client.post(f"/dti/values/{pending.pk}/review/", {"decision": "return"})
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.post(
        f"/dti/values/{pending.pk}/review/", {"decision": "return", "note": "Thiếu số liệu"}
    )
    pending.refresh_from_db()
    assert (pending.status, pending.review_note) == ("returned", "Thiếu số liệu")


def test_the_national_table_and_its_downloads(client):
    signed_in(client, "demo.leader")
    page = client.get("/dti/results/2021/").content.decode()
    count = PublishedResult.objects.filter(year=2021).count()
    body = re.search(r'<table class="dti-results" id="dti-results">(.*?)</table>', page, re.S)
    assert body.group(1).count("<tr") >= count + 1
    csv = client.get("/dti/results/2021/dti.csv").content.decode("utf-8-sig")
    da_nang = PublishedResult.objects.get(year=2021, legacy_province__code="48").unit_name
    assert csv.splitlines()[1].startswith(f"1,{da_nang},0.6419")
    xlsx = client.get("/dti/results/2021/dti.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/dti/results/1999/").status_code == 404


def test_a_merged_province_is_placed_among_the_former_ones():
    from tinhso.dti import compare
    from tinhso.units.models import Province

    # The 2021 table is of the former provinces; a merged province whose former provinces
    # all have a published DTI gets a row by the merger rule.
    found = [compare.compare(p, 2021) for p in Province.objects.all()]
    merged = [c for c in found if c.mine is not None]
    assert merged, "no merged province has all its former provinces' 2021 results"
    comparison = merged[0]
    mine = comparison.mine
    assert mine.merged and len(comparison.former) >= 1
    published_dtis = [r.dti for r in comparison.rows if not r.merged and r.dti is not None]
    assert mine.rank == 1 + sum(d > mine.dti for d in published_dtis)
    assert mine in comparison.neighbours and len(comparison.neighbours) <= 5
    # The mean is over the published DTIs only.
    assert comparison.mean == published(sum(published_dtis, D(0)) / len(published_dtis))
