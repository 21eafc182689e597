"""Admin: the audit log (read-only), the mixin that audits every admin write, and the
read-only admin for everything that changes through `actions.py`.

Every model in the admin is one or the other (tests/core/test_admin.py checks it): an
`AuditedAdmin`, whose adds, changes and deletes go into the audit log, or a
`ReadOnlyAdmin`, which adds, changes and deletes nothing."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tinhso.core.actions import changed, record, snapshot
from tinhso.core.actors import actor_from_request
from tinhso.core.models import AuditEntry, ScheduledRun


class AuditedAdmin(admin.ModelAdmin):
    """Back-office edits go into the audit log like every other write: the object before
    (read from the database) and after, under the action `admin.<add|change|delete>`."""

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:
            current = type(obj)._default_manager.filter(pk=obj.pk).first()
            obj._audit_before = snapshot(current) if current is not None else None
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        record(actor_from_request(request), "admin.add", obj, after=snapshot(obj))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        before = getattr(obj, "_audit_before", None)
        after = snapshot(obj)
        if before is not None:
            before, after = changed(before, after)
        elif "password" in str(message).lower():
            after = {"password_changed": True}
        record(actor_from_request(request), "admin.change", obj, before=before, after=after)
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        record(actor_from_request(request), "admin.delete", obj, before=snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        actor = actor_from_request(request)
        for obj in queryset:
            record(actor, "admin.delete", obj, before=snapshot(obj))
        super().delete_queryset(request, queryset)


class SecretsAdmin(AuditedAdmin):
    """An audited admin whose `sensitive_fields` are written, never shown: the inputs come
    back empty, and leaving one empty keeps the stored value."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in getattr(self.model, "sensitive_fields", ()):
            field = form.base_fields.get(name)
            if field is None:
                continue
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
            if obj is not None:
                field.required = False
                field.help_text = _("Leave empty to keep the current value.")
        return form

    def save_model(self, request, obj, form, change):
        if change:
            for name in getattr(self.model, "sensitive_fields", ()):
                if name in form.fields and not form.cleaned_data.get(name):
                    current = type(obj)._default_manager.filter(pk=obj.pk).first()
                    setattr(obj, name, getattr(current, name))
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For data that changes through `actions.py` (or comes from a package): shown, never
    added, changed or deleted here. Admin actions that call `actions.py` stay available."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type", "actor_kind")
    search_fields = ("actor_label", "object_repr", "object_id", "action")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    """When each periodic task last ran; written by the worker only."""

    list_display = ("task", "last_run_at")
    readonly_fields = ("task", "last_run_at")
