from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.agencies import actions
from tinhso.agencies.models import Agency, ApiToken, RoleAssignment, User
from tinhso.core.actors import actor_from_request
from tinhso.core.admin import AuditedAdmin


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "parent", "phone", "email", "is_active", "is_demo")
    list_filter = ("kind", "is_active", "is_demo")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("parent", "commune", "communes_served")
    list_select_related = ("parent",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "agency", "email", "is_active", "is_demo")
    list_filter = ("is_active", "is_staff", "is_demo", "role_assignments__role", "agency__kind")
    search_fields = ("username", "full_name", "email", "agency__name")
    autocomplete_fields = ("agency",)
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "phone", "agency")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "agency", "password1", "password2")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created through `agencies.actions.create_token`, which shows the token
    once in a message; the admin never sees it again."""

    list_display = (
        "prefix",
        "label",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "label", "user__username")
    autocomplete_fields = ("user",)
    fields = ("user", "label", "expires_at", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False  # a token is revoked (the action above), never edited

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "user", "label", "expires_at")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = actions.create_token(
            actor_from_request(request), obj.user, label=obj.label, expires_at=obj.expires_at
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _("New token for %(user)s: %(token)s — copy it now, it will not be shown again.")
            % {"user": obj.user, "token": raw},
        )

    def log_addition(self, request, obj, message):
        return None  # create_token has recorded it in the audit log

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit trail keeps the token's history

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        actor = actor_from_request(request)
        for token in queryset:
            actions.revoke_token(actor, token)
