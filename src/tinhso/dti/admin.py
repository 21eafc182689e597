"""The frameworks are shown read-only; the one thing an administrator edits is the weight
of a main index in a framework that publishes its weights separately (405/QĐ-BKHCN)."""

from __future__ import annotations

from django.contrib import admin

from tinhso.core.admin import AuditedAdmin, ReadOnlyAdmin
from tinhso.dti.models import (
    Assessment,
    AssessmentValue,
    Component,
    Feed,
    Framework,
    MainIndex,
    Pillar,
    PublishedResult,
)


class PillarInline(admin.TabularInline):
    model = Pillar
    extra = 0
    fields = ("code", "key", "name_vi", "weight", "max_points")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MainIndexInline(admin.TabularInline):
    model = MainIndex
    extra = 0
    fields = ("code", "name_vi", "group", "max_points", "weight", "scored", "component_count")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("decision", "title_vi", "first_year", "last_year", "status", "method")
    readonly_fields = [f.name for f in Framework._meta.fields]
    inlines = [PillarInline, MainIndexInline]


@admin.register(MainIndex)
class MainIndexAdmin(AuditedAdmin):
    """Changes (audited) only the weight, and only where the framework says weights are
    entered by an administrator."""

    list_display = ("framework", "code", "name_vi", "max_points", "weight", "scored")
    list_filter = ("framework",)
    fields = (
        "framework", "code", "short_code", "name_vi", "name_en", "group", "pillars",
        "max_points", "weight", "scored", "component_count", "note",
    )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [name for name in self.fields if name != "weight"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.framework.weights_editable:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Component)
class ComponentAdmin(ReadOnlyAdmin):
    list_display = ("main_index", "code", "name_vi", "max_points")
    list_filter = ("main_index__framework",)


@admin.register(PublishedResult)
class PublishedResultAdmin(ReadOnlyAdmin):
    list_display = ("year", "unit_name", "rank", "dti", "cqs", "kts", "xhs", "framework")
    list_filter = ("year", "framework")
    readonly_fields = [f.name for f in PublishedResult._meta.fields]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("year", "province", "framework", "created_at")


@admin.register(AssessmentValue)
class AssessmentValueAdmin(ReadOnlyAdmin):
    """Values are entered and reviewed through `actions.py`; shown here for reference."""

    list_display = ("assessment", "main_index", "component", "value", "status", "entered_by")
    list_filter = ("status", "assessment")
    readonly_fields = [f.name for f in AssessmentValue._meta.fields]


@admin.register(Feed)
class FeedAdmin(AuditedAdmin):
    """Which operations-centre indicator measures which main index (or component), on
    which scale: an administrator's setting, audited; the assessments are fed daily."""

    list_display = ("framework", "main_index", "component", "indicator", "zero_at", "full_at",
                    "weight")  # fmt: skip
    list_filter = ("framework",)
    fields = ("framework", "main_index", "component", "indicator", "zero_at", "full_at",
              "weight", "note")  # fmt: skip
