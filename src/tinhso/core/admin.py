"""Admin: the audit log (read-only) and the mixin that audits every admin write."""

from __future__ import annotations

from django.contrib import admin

from tinhso.core.actions import record, snapshot
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
        if before is None and "password" in str(message).lower():
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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type", "actor_kind")
    search_fields = ("actor_label", "object_repr", "object_id", "action")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    """When each periodic task last ran; written by the worker only."""

    list_display = ("task", "last_run_at")
    readonly_fields = ("task", "last_run_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
