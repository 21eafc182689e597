"""Back office for sensors: devices are registered and edited here (audited, the token
write-only); readings, roll-ups and archived months are shown, never edited."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from tinhso.core.admin import ReadOnlyAdmin, SecretsAdmin
from tinhso.sensors.actions import TOKEN_PREFIX, commune_at, token_digest
from tinhso.sensors.models import ArchivedMonth, Device, Observation, Rollup


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = ("device_id", "kind", "name", "lat", "lon", "owner", "contact",
                  "expected_interval", "is_active", "is_demo", "token_hash")  # fmt: skip

    def clean_token_hash(self):
        raw = self.cleaned_data.get("token_hash") or ""
        if raw and (not raw.startswith(TOKEN_PREFIX) or len(raw) < len(TOKEN_PREFIX) + 32):
            raise forms.ValidationError(
                _("A device token starts with %(prefix)s and has at least 32 more characters.")
                % {"prefix": TOKEN_PREFIX}
            )
        return raw


@admin.register(Device)
class DeviceAdmin(SecretsAdmin):
    """A token typed here is stored as its hash; the commune follows the location.
    Registering through the API generates the token instead (shown once)."""

    form = DeviceForm

    list_display = ("device_id", "name", "kind", "commune", "owner", "is_active", "last_seen_at")
    list_filter = ("kind", "is_active", "is_demo", "owner")
    search_fields = ("device_id", "name")
    readonly_fields = ("commune", "refused_count", "last_refusal", "last_refused_at",
                       "last_seen_at", "created_at")  # fmt: skip

    def save_model(self, request, obj, form, change):
        raw = form.cleaned_data.get("token_hash")
        if raw:
            obj.token_hash = token_digest(raw)
        obj.commune = commune_at(obj.lat, obj.lon)
        super().save_model(request, obj, form, change)


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ("device", "observed_at", "property", "value", "received_at")
    list_filter = ("property",)
    search_fields = ("device__device_id",)
    date_hierarchy = "observed_at"
    list_select_related = ("device",)


@admin.register(Rollup)
class RollupAdmin(ReadOnlyAdmin):
    list_display = ("device", "property", "period", "start", "minimum", "maximum", "mean",
                    "count")  # fmt: skip
    list_filter = ("period", "property")
    list_select_related = ("device",)


@admin.register(ArchivedMonth)
class ArchivedMonthAdmin(ReadOnlyAdmin):
    list_display = ("month", "rows", "location", "archived_at", "sha256")
