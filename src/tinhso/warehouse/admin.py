from django.contrib import admin

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.warehouse.models import Dataset, DatasetVersion, IngestJob


class VersionInline(admin.TabularInline):
    model = DatasetVersion
    fields = ("number", "status", "rows", "source_name", "encoding", "uploaded_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    """Read-only: datasets change through the stewards' pages and the API, where every
    change is checked (warehouse/access.py) and audited (warehouse/actions.py)."""

    list_display = ("title", "slug", "owner", "access", "importance", "is_demo")
    list_filter = ("access", "importance", "is_demo")
    search_fields = ("title", "slug")
    inlines = [VersionInline]


@admin.register(IngestJob)
class IngestJobAdmin(ReadOnlyAdmin):
    list_display = ("dataset", "source_name", "status", "progress", "created_by", "created_at")
    list_filter = ("status",)
