from django.contrib import admin

from tinhso.warehouse.models import Dataset, DatasetVersion


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
    list_display = ("title", "slug", "owner", "access", "importance", "is_demo")
    list_filter = ("access", "importance", "is_demo")
    search_fields = ("title", "slug")
    inlines = [VersionInline]
