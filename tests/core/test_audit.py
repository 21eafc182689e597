"""The audit log: every write recorded, nothing rewritten."""

import pytest
from django.db import DatabaseError, connection, transaction

from tinhso.agencies import actions
from tinhso.agencies.models import Agency
from tinhso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_action_records_who_what_before_and_after(system, province):
    agency = actions.create_agency(
        system, code="TEST1", name="Cơ quan thử", kind="other", province=province
    )
    actions.update_agency(system, agency, phone="0276 3822 000")
    entries = AuditEntry.objects.filter(object_type="agencies.agency", object_id=str(agency.pk))
    created, updated = entries.order_by("id")
    assert created.action == "agencies.create_agency"
    assert created.actor_label == "tests"
    assert created.after["name"] == "Cơ quan thử"
    assert updated.before == {"phone": ""}
    assert updated.after == {"phone": "0276 3822 000"}


def test_an_unchanged_update_records_nothing(system):
    agency = Agency.objects.get(code="SYT")
    before = AuditEntry.objects.count()
    actions.update_agency(system, agency, name=agency.name)
    assert AuditEntry.objects.count() == before


def test_entries_cannot_be_changed_or_deleted_through_the_model():
    entry = AuditEntry.objects.first()
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_updates_that_bypass_the_model():
    entry = AuditEntry.objects.first()
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["forged", entry.pk])  # noqa: S608
    entry.refresh_from_db()
    assert entry.action != "forged"


def test_passwords_and_token_digests_never_reach_the_log(system, handler_user):
    actions.set_password(system, handler_user, "một-mật-khẩu-mới-2026")
    _token, raw = actions.create_token(system, handler_user, label="x")
    text = " ".join(str(e.before) + str(e.after) for e in AuditEntry.objects.all())
    assert "argon2" not in text
    assert raw not in text
    assert raw[12:] not in text


def test_admin_edits_are_audited(admin_client):
    agency = Agency.objects.get(code="STP")
    url = f"/admin/agencies/agency/{agency.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        email="stp@example.gov.vn",
        communes_served=[],
        kind=agency.kind,
        province=agency.province_id,
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.filter(action="admin.change", object_id=str(agency.pk)).get()
    assert entry.actor_label == "demo.admin"
    assert entry.before["email"] == ""
    assert entry.after["email"] == "stp@example.gov.vn"


def test_audit_api_is_for_administrators(admin_client, token_for):
    from django.test import Client

    anonymous = Client()
    assert anonymous.get("/api/audit").status_code == 401
    handler = token_for("demo.handler")
    assert anonymous.get("/api/audit", HTTP_AUTHORIZATION=f"Bearer {handler}").status_code == 403
    response = admin_client.get("/api/audit", {"action": "agencies.create_user", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 7
    assert all(e["action"] == "agencies.create_user" for e in body["items"])
