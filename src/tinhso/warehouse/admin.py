from django.contrib import admin

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
class DatasetAdmin(admin.ModelAdmin):
    """Read-only: datasets change through the stewards' pages and the API, where every
    change is checked (warehouse/access.py) and audited (warehouse/actions.py)."""

    list_display = ("title", "slug", "owner", "access", "importance", "is_demo")
    list_filter = ("access", "importance", "is_demo")
    search_fields = ("title", "slug")
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    list_display = ("dataset", "source_name", "status", "progress", "created_by", "created_at")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
