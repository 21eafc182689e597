"""The feedback JSON API and the signed inbound webhook."""

import hashlib
import hmac
import json

import pytest

from tinhso.feedback.models import InboundChannel, Report

pytestmark = pytest.mark.django_db


def post_json(client, url, payload, **headers):
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


def test_submit_and_retry_with_idempotency_key(client):
    payload = {"text": "Cống thoát nước bị nghẹt, mưa là ngập.", "commune": "27712"}
    first = post_json(client, "/api/feedback/reports", payload, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201
    again = post_json(client, "/api/feedback/reports", payload, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert again.status_code == 200
    assert again.json()["code"] == first.json()["code"]
    other = post_json(client, "/api/feedback/reports", payload, HTTP_IDEMPOTENCY_KEY="abc-2")
    assert other.json()["code"] != first.json()["code"]


def test_tracking_through_the_api_masks_personal_data(client):
    created = post_json(
        client,
        "/api/feedback/reports",
        {"text": "Gọi 0912 345 678 để chỉ chỗ.", "commune": "27712", "phone": "0987654321"},
    ).json()
    # Not yet checked by staff: the code alone shows nothing; the reporter's key does.
    public = client.get(f"/api/feedback/reports/{created['code']}")
    assert public.status_code == 404 and "Gọi" not in public.content.decode()
    key = created["tracking_url"].rstrip("/").rsplit("/", 1)[1]
    assert created["tracking_url"].endswith(f"/feedback/r/{created['code']}/{key}/")
    body = client.get(f"/api/feedback/reports/{created['code']}", {"key": key}).json()
    assert "0912 345 678" not in body["text"] and "Gọi" in body["text"]
    assert "0987654321" not in json.dumps(body)
    assert body["status"] == "received"
    wrong = client.get(f"/api/feedback/reports/{created['code']}", {"key": key[:-1] + "x"})
    assert wrong.status_code == 404


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"text": "", "commune": "27712"}, "text"),
        ({"text": "x", "commune": "99999"}, "99999"),
        ({"text": "x", "field": "khong-co", "commune": "27712"}, "khong-co"),
        ({"text": "x"}, "nơi xảy ra"),
        ({"text": "x", "lat": 123, "lon": 0}, "lat"),
    ],
)
def test_bad_reports_are_refused_with_a_reason(client, payload, needle):
    response = post_json(client, "/api/feedback/reports", payload)
    assert response.status_code == 422
    assert needle in json.dumps(response.json(), ensure_ascii=False)


def test_fields_and_proposals(client):
    fields = client.get("/api/feedback/fields").json()
    assert any(f["code"] == "cap-dien" and f["parent"] == "dien-nuoc" for f in fields)
    proposals = post_json(
        client, "/api/feedback/propose", {"text": "mất điện cả khu phố từ tối qua"}
    ).json()
    assert proposals[0]["field"] == "cap-dien"


@pytest.fixture
def sms_gateway(db):
    return InboundChannel.objects.create(channel="sms", secret="bí-mật-thử-nghiệm")


def signed(gateway, payload):
    body = json.dumps(payload).encode()
    digest = hmac.new(gateway.secret.encode(), body, hashlib.sha256).hexdigest()
    return body, f"sha256={digest}"


def test_signed_inbound_message_becomes_a_report_once(client, sms_gateway):
    payload = {
        "message_id": "sms-001",
        "text": "Đèn đường khu phố 3 không sáng.",
        "sender": "0901112233",
    }
    body, signature = signed(sms_gateway, payload)
    first = client.post(
        "/api/feedback/inbound/sms",
        body,
        content_type="application/json",
        HTTP_X_TINHSO_SIGNATURE=signature,
    )
    assert first.status_code == 201
    again = client.post(
        "/api/feedback/inbound/sms",
        body,
        content_type="application/json",
        HTTP_X_TINHSO_SIGNATURE=signature,
    )
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    report = Report.objects.get(code=first.json()["code"])
    assert (report.channel, report.reporter_phone, report.external_id) == (
        "sms",
        "0901112233",
        "sms-001",
    )


def test_inbound_with_a_bad_signature_is_refused_and_nothing_stored(client, sms_gateway):
    before = Report.objects.count()
    body, _signature = signed(sms_gateway, {"message_id": "x", "text": "y"})
    response = client.post(
        "/api/feedback/inbound/sms",
        body,
        content_type="application/json",
        HTTP_X_TINHSO_SIGNATURE="sha256=" + "0" * 64,
    )
    assert response.status_code == 403
    assert Report.objects.count() == before


def test_inbound_for_an_unknown_channel_is_404(client):
    response = client.post("/api/feedback/inbound/fax", b"{}", content_type="application/json")
    assert response.status_code == 404


def test_inbound_with_a_broken_body_is_422(client, sms_gateway):
    body = b"not json"
    signature = "sha256=" + hmac.new(sms_gateway.secret.encode(), body, hashlib.sha256).hexdigest()
    response = client.post(
        "/api/feedback/inbound/sms",
        body,
        content_type="application/json",
        HTTP_X_TINHSO_SIGNATURE=signature,
    )
    assert response.status_code == 422
