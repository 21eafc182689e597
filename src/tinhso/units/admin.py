from django.contrib import admin

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.units.models import (
    BoundaryUpload,
    Commune,
    LegacyDistrict,
    LegacyProvince,
    LegacyWard,
    Province,
)


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind")
    search_fields = ("code", "name", "search_key")


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "province", "area_km2")
    list_filter = ("kind", "province")
    search_fields = ("code", "name", "search_key")
    list_select_related = ("province",)


@admin.register(LegacyProvince)
class LegacyProvinceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "new_province")
    search_fields = ("code", "name")


@admin.register(LegacyDistrict)
class LegacyDistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "province")
    search_fields = ("code", "name")
    list_select_related = ("province",)


@admin.register(LegacyWard)
class LegacyWardAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "district")
    search_fields = ("code", "name")
    list_select_related = ("district",)


@admin.register(BoundaryUpload)
class BoundaryUploadAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "province", "source_crs", "uploaded_at")
