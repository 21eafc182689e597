"""Agencies, the caller's account and API tokens, through HTTP."""

import json

import pytest

from tinhso.agencies.models import Agency, ApiToken
from tinhso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_directory_is_public_and_real(client):
    agencies = client.get("/api/agencies").json()
    codes = {a["code"] for a in agencies}
    assert {"VPUBND", "SYT", "SXD", "SKHCN", "SNNMT", "CAT"} <= codes
    committees = client.get("/api/agencies", {"kind": "commune_committee"}).json()
    assert len(committees) == 96
    assert all(a["name"].startswith("Ủy ban nhân dân") for a in committees)


def test_agencies_serving_a_commune(client):
    body = client.get("/api/agencies", {"commune": "27712"}).json()
    assert [a["code"] for a in body] == ["UBND-27712"]


def test_agency_detail_and_404(client):
    assert client.get("/api/agencies/SYT").json()["name"] == "Sở Y tế tỉnh Tây Ninh"
    response = client.get("/api/agencies/NOPE")
    assert response.status_code == 404
    assert "NOPE" in response.json()["detail"]


NEW_AGENCY = {
    "code": "PCTN",
    "name": "Công ty Điện lực (thử)",
    "kind": "utility",
    "communes_served": ["27712", "27694"],
    "phone": "1900 0000",
}


def test_creating_an_agency_needs_an_administrator(client, token_for):
    payload = json.dumps(NEW_AGENCY)
    assert client.post("/api/agencies", payload, content_type="application/json").status_code == 401
    refused = client.post(
        "/api/agencies",
        payload,
        content_type="application/json",
        **bearer(token_for("demo.handler")),
    )
    assert refused.status_code == 403
    assert "vai trò" in refused.json()["detail"]
    assert not Agency.objects.filter(code="PCTN").exists()


def test_administrator_creates_and_changes_an_agency(client, token_for):
    raw = token_for("demo.admin")
    created = client.post(
        "/api/agencies", json.dumps(NEW_AGENCY), content_type="application/json", **bearer(raw)
    )
    assert created.status_code == 201, created.json()
    assert created.json()["communes_served"] == ["27694", "27712"]
    changed = client.patch(
        "/api/agencies/PCTN",
        json.dumps({"email": "cskh@example.vn"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert changed.status_code == 200
    entries = AuditEntry.objects.filter(
        object_type="agencies.agency", object_id=str(Agency.objects.get(code="PCTN").pk)
    )
    assert [e.action for e in entries.order_by("id")] == [
        "agencies.create_agency",
        "agencies.update_agency",
    ]
    last = entries.order_by("id").last()
    assert last.actor_kind == "token" and last.actor_label.startswith("demo.admin")
    assert last.after == {"email": "cskh@example.vn"}


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({**NEW_AGENCY, "kind": "spaceship"}, 422),
        ({**NEW_AGENCY, "communes_served": ["99999"]}, 422),
        ({**NEW_AGENCY, "code": "SYT"}, 409),
        ({**NEW_AGENCY, "email": "not-an-email"}, 422),
        ({"name": "Thiếu mã"}, 422),
    ],
)
def test_bad_agency_input_is_refused_with_a_reason(client, token_for, payload, status):
    response = client.post(
        "/api/agencies",
        json.dumps(payload),
        content_type="application/json",
        **bearer(token_for("demo.admin")),
    )
    assert response.status_code == status
    assert response.json()["detail"]


def test_me_by_session_and_by_token(handler_client, token_for):
    from django.test import Client

    assert Client().get("/api/me").status_code == 401
    me = handler_client.get("/api/me").json()
    assert me["username"] == "demo.handler"
    assert me["agency"] == "SXD"
    assert me["roles"] == ["handler"]
    assert me["via_token"] is False
    assert Client().get("/api/me", **bearer(token_for("demo.handler"))).json()["via_token"] is True


def test_token_lifecycle(handler_client):
    created = handler_client.post(
        "/api/tokens", json.dumps({"label": "kịch bản"}), content_type="application/json"
    )
    assert created.status_code == 201
    raw = created.json()["token"]
    token = ApiToken.objects.get(pk=created.json()["id"])
    assert raw.startswith(token.prefix)
    assert raw not in token.digest and len(token.digest) == 64  # only a digest is stored

    from django.test import Client

    other = Client()
    assert other.get("/api/me", **bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    listed = handler_client.get("/api/tokens").json()
    assert [t["prefix"] for t in listed] == [token.prefix]
    assert "token" not in listed[0]

    revoked = handler_client.delete(f"/api/tokens/{token.pk}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"]
    assert other.get("/api/me", **bearer(raw)).status_code == 401
    actions = list(
        AuditEntry.objects.filter(
            object_type="agencies.apitoken", object_id=str(token.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["agencies.create_token", "agencies.revoke_token"]


def test_a_token_cannot_mint_tokens(client, token_for):
    response = client.post(
        "/api/tokens",
        json.dumps({"label": "x"}),
        content_type="application/json",
        **bearer(token_for("demo.handler")),
    )
    assert response.status_code == 403


def test_nobody_revokes_someone_elses_token(client, token_for, handler_client):
    admin_token = ApiToken.objects.get(
        digest=__import__("tinhso.agencies.auth", fromlist=["digest"]).digest(
            token_for("demo.admin")
        )
    )
    response = handler_client.delete(f"/api/tokens/{admin_token.pk}")
    assert response.status_code == 404
    admin_token.refresh_from_db()
    assert admin_token.revoked_at is None


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer tsk_forged", "Basic abc", "Bearer "])
def test_bad_tokens_are_401(client, header):
    response = client.get("/api/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


def test_session_writes_need_the_csrf_token(handler_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(handler_user)
    response = strict.post("/api/tokens", json.dumps({}), content_type="application/json")
    assert response.status_code in {401, 403}
    assert not ApiToken.objects.filter(user=handler_user).exists()
