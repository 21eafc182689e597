"""Open311 GeoReport v2: the specification's documents in XML and JSON."""

import datetime as dt
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own responses

import pytest
from django.utils import timezone

from tinhso.feedback.models import Report

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314


def test_discovery_in_both_formats(client):
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    body = client.get(f"{BASE}/discovery.json").json()
    assert body["endpoints"][0]["type"] == "production"


def test_services_list_the_fields(client):
    services = client.get(f"{BASE}/services.json").json()
    codes = {s["service_code"] for s in services}
    assert {"giao-thong", "moi-truong", "an-ninh-trat-tu"} <= codes
    roads = next(s for s in services if s["service_code"] == "giao-thong")
    assert roads["service_name"] == "Giao thông, đường sá"
    assert roads["metadata"] is True and roads["type"] == "realtime"
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert root.find("service/metadata").text in {"true", "false"}


def test_service_definition(client):
    root = xml(client.get(f"{BASE}/services/giao-thong.xml"))
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("code") == "track"
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == [
        "ordinary",
        "complaint",
        "denunciation",
    ]
    missing = client.get(f"{BASE}/services/khong-co.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404


def post(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def test_create_request_with_an_api_key(client, token_for, tan_an):
    key = token_for("demo.operator")
    response = post(
        client,
        api_key=key,
        service_code="giao-thong",
        lat=tan_an.lat,
        long=tan_an.lon,
        description="Ổ gà lớn giữa đường, xe máy dễ té.",
        first_name="An",
        last_name="Nguyễn",
        phone="0901234567",
    )
    assert response.status_code == 200, response.content
    created = response.json()[0]
    report = Report.objects.get(code=created["service_request_id"])
    assert report.channel == "open311"
    assert report.commune == tan_an
    assert report.reporter_name == "Nguyễn An"
    assert "token" not in created  # an id is given at once, never both
    root = xml(
        post(
            client,
            "xml",
            api_key=key,
            service_code="moi-truong",
            address_string="Chợ Tân An",
            description="Rác ùn ứ.",
        )
    )
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text.startswith("PA-")


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"service_code": "giao-thong", "address_string": "x", "description": "y"}, 403),
        ({"api_key": "tsk_wrong", "service_code": "giao-thong", "address_string": "x"}, 403),
        ({"service_code": "khong-co", "address_string": "x", "description": "y"}, 404),
        ({"service_code": "giao-thong", "description": "Không có vị trí"}, 400),
        ({"service_code": "giao-thong", "lat": "abc", "long": "1", "description": "y"}, 400),
        ({"service_code": "giao-thong", "address_string": "x", "description": ""}, 400),
    ],
)
def test_create_request_errors_follow_the_spec(client, token_for, data, status):
    if "api_key" not in data and status != 403:
        data = {**data, "api_key": token_for("demo.operator")}
    response = post(client, "xml", **data)
    assert response.status_code == status
    root = xml(response)
    assert root.tag == "errors"
    assert root.find("error/code").text == str(status)
    assert root.find("error/description").text


def test_get_requests_filters_and_limits(client):
    body = client.get(f"{BASE}/requests.json").json()
    assert 0 < len(body) <= 1000
    sample = body[0]
    for key in (
        "service_request_id",
        "status",
        "service_code",
        "description",
        "requested_datetime",
        "expected_datetime",
        "lat",
        "long",
    ):
        assert key in sample
    assert "+07:00" in sample["requested_datetime"]
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert closed and all(r["status"] == "closed" for r in closed)
    by_code = client.get(f"{BASE}/requests.json", {"service_code": "giao-thong"}).json()
    assert all(r["service_code"] == "giao-thong" for r in by_code)
    one = client.get(
        f"{BASE}/requests.json",
        {"service_request_id": sample["service_request_id"], "status": "nonsense"},
    ).json()
    assert [r["service_request_id"] for r in one] == [sample["service_request_id"]]


def test_date_window_is_at_most_90_days(client):
    end = timezone.now()
    start = end - dt.timedelta(days=91)
    response = client.get(
        f"{BASE}/requests.json", {"start_date": start.isoformat(), "end_date": end.isoformat()}
    )
    assert response.status_code == 400
    assert client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}).status_code == 400


def test_one_request_and_unknown_ones(client):
    report = Report.objects.filter(status="closed").first()
    root = xml(client.get(f"{BASE}/requests/{report.code}.xml"))
    assert root.find("request/service_request_id").text == report.code
    assert root.find("request/expected_datetime").text
    assert client.get(f"{BASE}/requests/PA-2026-999999.json").status_code == 404


def test_unchecked_reports_and_personal_data_stay_private(client, new_report):
    report = new_report(
        text="Liên hệ 0912345678 để biết thêm.",
        reporter_name="Lê Văn X",
        reporter_email="x@example.com",
    )
    assert client.get(f"{BASE}/requests/{report.code}.json").status_code == 404
    listing = client.get(f"{BASE}/requests.json").content.decode()
    assert "0912345678" not in listing and "x@example.com" not in listing


def test_token_lookup(client):
    from tinhso.feedback.access import public_reports

    report = public_reports().first()
    body = client.get(f"{BASE}/tokens/{report.code}.json").json()
    assert body == [{"service_request_id": report.code, "token": report.code}]


def test_service_request_updates_extension(client, token_for):
    updates = client.get(f"{BASE}/servicerequestupdates.json").json()
    assert updates
    statuses = {u["status"] for u in updates}
    assert statuses <= {
        "OPEN",
        "CLOSED",
        "FIXED",
        "IN_PROGRESS",
        "ACTION_SCHEDULED",
        "NO_FURTHER_ACTION",
        "DUPLICATE",
        "INTERNAL_REFERRAL",
        "REOPEN",
    }
    assert "FIXED" in statuses
    fixed = Report.objects.filter(status="closed", resolution="fixed").first()
    update = {
        "api_key": token_for("demo.operator"),
        "service_request_id": fixed.code,
        "status": "REOPEN",
        "description": "Vẫn chưa sửa.",
    }
    # A token that did not send the request may not reopen it ...
    refused = client.post(f"{BASE}/servicerequestupdates.json", update)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
    fixed.refresh_from_db()
    assert fixed.status == "closed"
    # ... the reporter's key (from the link given when it was sent) may.
    response = client.post(
        f"{BASE}/servicerequestupdates.json", {**update, "reporter_key": fixed.citizen_key}
    )
    assert response.status_code == 200, response.content
    assert response.json()[0]["status"] == "REOPEN"
    fixed.refresh_from_db()
    assert fixed.status == "assigned"


def test_an_error_echoing_control_characters_is_still_well_formed_xml(client, token_for):
    # Found by the Open311 fuzzer: XML 1.0 cannot hold most control characters.
    response = client.post(
        f"{BASE}/requests.xml",
        {"service_code": "gi\x0bao", "api_key": token_for("demo.operator"), "address_id": "1"},
    )
    assert response.status_code == 404  # no such service, and it says which
    root = xml(response)
    assert root.tag == "errors" and "gi" in root.find("error/description").text
