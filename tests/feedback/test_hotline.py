"""The hotline operator's screen, duplicates and merging."""

import pytest

from tinhso.feedback import duplicates
from tinhso.feedback.models import Field, Report, Status
from tinhso.units.places import find_commune

pytestmark = pytest.mark.django_db


def test_similarity_ignores_accents_and_teen_code():
    a = "Đèn đường không sáng hơn một tuần"
    assert duplicates.similarity(a, "den duong ko sang hon 1 tuan") >= 0.6
    assert duplicates.similarity(a, a) == pytest.approx(1.0)
    assert duplicates.similarity(a, "Rác thải bốc mùi") < 0.1


def test_distance_is_in_metres():
    assert 1100 < duplicates.distance_m(10.0, 106.0, 10.01, 106.0) < 1120


def test_nearby_open_reports_of_the_same_field_are_proposed(new_report, field, tan_an):
    first = new_report(
        text="Ổ gà lớn giữa đường trước chợ", field=field, lat=tan_an.lat, lon=tan_an.lon
    )
    far = new_report(
        text="Ổ gà lớn giữa đường trước chợ", field=field, lat=tan_an.lat + 0.05, lon=tan_an.lon
    )
    found = duplicates.find(
        "Đường trước chợ có ổ gà", field=field, lat=tan_an.lat + 0.001, lon=tan_an.lon
    )
    codes = [c.report.code for c in found]
    assert first.code in codes
    assert far.code not in codes
    assert (
        duplicates.find(
            "Đường trước chợ có ổ gà",
            field=Field.objects.get(code="y-te"),
            lat=tan_an.lat,
            lon=tan_an.lon,
        )
        == []
    )


def test_commune_named_in_the_text_is_found(tan_an):
    place = find_commune("Rác ùn ứ ở phường Tân An gần chợ", tan_an.province)
    assert place is not None and place.commune == tan_an


def test_the_operator_screen_proposes_as_the_call_is_typed(operator, tan_an):
    html = operator.get(
        "/feedback/hotline/assist/",
        {"text": "Đèn tín hiệu giao thông ở phường Tân An không hoạt động"},
    ).content.decode()
    assert "Giao thông, đường sá" in html
    assert "Phường Tân An" in html
    assert "Sở Xây dựng" in html


def test_one_confirmation_creates_and_routes_the_call(operator, field, tan_an):
    response = operator.post(
        "/feedback/hotline/",
        {
            "text": "Đèn tín hiệu giao thông ở ngã tư không hoạt động.",
            "field": field.pk,
            "commune": tan_an.pk,
            "reporter_phone": "0909000111",
            "track": "ordinary",
        },
        follow=True,
    )
    report = Report.objects.filter(channel="hotline").latest("id")
    assert report.status == Status.ASSIGNED
    assert report.agency.code == "SXD"
    assert report.field_confirmed
    assert report.code in " ".join(str(m) for m in response.context["messages"])
    # The success message links to the new report.
    assert f'<a href="/feedback/staff/{report.code}/">{report.code}</a>' in (
        response.content.decode()
    )


def test_same_problem_merges_into_the_first_report(operator, field, tan_an, new_report, client):
    first = new_report(text="Ổ gà lớn trước chợ", field=field, commune=tan_an)
    operator.post(
        "/feedback/hotline/",
        {
            "text": "Có ổ gà lớn trước chợ Tân An.",
            "field": field.pk,
            "commune": tan_an.pk,
            "track": "ordinary",
            "duplicate_of": first.code,
        },
    )
    merged = Report.objects.filter(channel="hotline").latest("id")
    assert merged.duplicate_of == first
    assert (merged.status, merged.resolution) == (Status.CLOSED, "duplicate")
    page = client.get(f"/feedback/r/{first.code}/{first.citizen_key}/").content.decode()
    assert "2 người" in page


def test_the_hotline_is_for_operators(handler_client, client):
    assert handler_client.get("/feedback/hotline/").status_code == 403
    assert client.get("/feedback/hotline/").status_code in {302, 403}


def test_operators_see_the_hotline_in_the_navigation(operator, handler_client):
    assert "/feedback/hotline/" in operator.get("/").content.decode()
    assert "/feedback/hotline/" not in handler_client.get("/").content.decode()


def test_the_operator_screen_reads_old_unit_names(operator):
    from tinhso.units.lookup import index

    expected = index().convert("Tây Ninh", "thành phố Tây Ninh", "phường 1").default
    html = operator.get(
        "/feedback/hotline/assist/",
        {"text": "Cong thoat nuoc bi nghet o phuong 1 thanh pho tay ninh"},
    ).content.decode()
    assert expected.name in html
    assert "Phường 1" in html  # which old unit the proposal was read from
