from django.contrib import admin

from tinhso.core.admin import AuditedAdmin, ReadOnlyAdmin, SecretsAdmin
from tinhso.feedback.models import (
    CalendarDay,
    Field,
    InboundChannel,
    LabelledExample,
    Message,
    OutboundGateway,
    Report,
    TierDeadline,
)


@admin.register(Field)
class FieldAdmin(AuditedAdmin):
    list_display = (
        "code",
        "name",
        "parent",
        "tier",
        "routing",
        "agency",
        "duplicate_radius_m",
        "requires_contact",
        "is_active",
    )
    list_filter = ("tier", "routing", "is_active")
    search_fields = ("code", "name", "keywords")
    autocomplete_fields = ("agency", "parent")


@admin.register(TierDeadline)
class TierDeadlineAdmin(AuditedAdmin):
    list_display = ("tier", "working_days")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "label", "is_working_day")
    date_hierarchy = "date"


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Read-only: reports change through the workflow (feedback/actions.py)."""

    list_display = (
        "code",
        "status",
        "field",
        "agency",
        "commune",
        "received_at",
        "deadline",
        "channel",
        "is_demo",
    )
    list_filter = ("status", "channel", "track", "field", "is_demo")
    search_fields = ("code", "text")
    list_select_related = ("field", "agency", "commune")
    # The reporter's private key is theirs alone.
    exclude = ("citizen_key",)
    readonly_fields = [f.name for f in Report._meta.fields if f.name != "citizen_key"]


@admin.register(LabelledExample)
class LabelledExampleAdmin(ReadOnlyAdmin):
    """Training examples are the operators' confirmations; they change through the
    workflow (feedback/actions), never by hand."""

    list_display = ("field", "proposed", "created_at", "text")
    list_filter = ("field",)
    search_fields = ("text",)


@admin.register(InboundChannel)
class InboundChannelAdmin(SecretsAdmin):
    list_display = ("channel", "is_active", "note")


@admin.register(OutboundGateway)
class OutboundGatewayAdmin(SecretsAdmin):
    list_display = ("channel", "url", "is_active")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "recipient", "subject", "status", "attempts")
    list_filter = ("status", "channel", "to_staff")
    search_fields = ("recipient", "subject", "report__code")
    readonly_fields = [f.name for f in Message._meta.fields]
