"""The admin never writes around the audit log, and secrets never reach it."""

import pytest
from django.contrib import admin
from django.db.models import Q

from tinhso.core.actions import record, sensitive_fields, snapshot
from tinhso.core.admin import AuditedAdmin, ReadOnlyAdmin
from tinhso.core.models import AuditEntry
from tinhso.feedback.models import InboundChannel, Report

pytestmark = pytest.mark.django_db

SECRET = "hmac-secret-do-not-leak-7f3a9c"
NEW_SECRET = "second-secret-also-hidden-41bd"


def test_every_model_in_the_admin_is_audited_or_read_only(admin_user, rf):
    request = rf.get("/admin/")
    request.user = admin_user
    ours = {m: a for m, a in admin.site._registry.items() if m.__module__.startswith("tinhso.")}
    assert len(ours) > 15
    for model, model_admin in ours.items():
        if isinstance(model_admin, AuditedAdmin):
            continue
        label = model._meta.label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        # Adding is allowed only where the admin hands it to actions.py (API tokens).
        assert isinstance(model_admin, ReadOnlyAdmin) or label == "agencies.ApiToken", label
        if not isinstance(model_admin, ReadOnlyAdmin):
            assert model_admin.log_addition(request, model(), "") is None  # actions recorded it


def test_a_gateway_secret_never_reaches_the_audit_log_or_the_page(admin_client):
    added = admin_client.post(
        "/admin/feedback/inboundchannel/add/",
        {"channel": "sms", "secret": SECRET, "is_active": "on", "note": "nhà mạng"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    gateway = InboundChannel.objects.get(channel="sms")
    assert gateway.secret == SECRET
    page = admin_client.get(f"/admin/feedback/inboundchannel/{gateway.pk}/change/")
    assert page.status_code == 200 and SECRET not in page.content.decode()

    # Saved again without touching the secret: kept. Then changed: shown as "changed".
    form = {"channel": "sms", "secret": "", "is_active": "on", "note": "đổi ghi chú"}
    assert admin_client.post(page.request["PATH_INFO"], form).status_code == 302
    gateway.refresh_from_db()
    assert gateway.secret == SECRET and gateway.note == "đổi ghi chú"
    form["secret"] = NEW_SECRET
    assert admin_client.post(page.request["PATH_INFO"], form).status_code == 302
    gateway.refresh_from_db()
    assert gateway.secret == NEW_SECRET

    entries = AuditEntry.objects.filter(object_type="feedback.inboundchannel")
    assert entries.count() == 3
    change = entries.filter(action="admin.change").order_by("-id").first()
    assert change.after == {"secret": "changed"} and change.before == {"secret": "•••"}
    leaked = AuditEntry.objects.filter(
        Q(before__icontains=SECRET)
        | Q(after__icontains=SECRET)
        | Q(before__icontains=NEW_SECRET)
        | Q(after__icontains=NEW_SECRET)
        | Q(object_repr__icontains=SECRET)
    )
    assert not leaked.exists()
    assert not any(
        SECRET in str(e.before) + str(e.after) or NEW_SECRET in str(e.before) + str(e.after)
        for e in AuditEntry.objects.all()
    )


def test_models_declare_what_the_audit_log_never_holds(system, new_report_for_audit):
    assert {"citizen_key", "reporter_phone", "reporter_email", "reporter_name"} <= (
        sensitive_fields(Report)
    )
    report = new_report_for_audit
    record(system, "tests.snapshot", report, after=snapshot(report))
    entry = AuditEntry.objects.filter(action="tests.snapshot").get()
    text = str(entry.after)
    for value in (report.citizen_key, report.reporter_phone, report.reporter_email):
        assert value and value not in text


@pytest.fixture
def new_report_for_audit(system, db):
    from tinhso.feedback import actions
    from tinhso.units.models import Commune

    report, _ = actions.submit_report(
        system,
        actions.ReportDraft(
            text="Đèn giao thông hỏng ở ngã tư.",
            channel="web",
            commune=Commune.objects.get(code="27712"),
            reporter_name="Lê Thị Mai",
            reporter_phone="0911222333",
            reporter_email="mai@example.vn",
        ),
    )
    return report
