from django import forms
from django.contrib import admin

from tinhso.core.admin import AuditedAdmin, ReadOnlyAdmin
from tinhso.ioc import sources
from tinhso.ioc.models import (
    Alert,
    AlertNotice,
    AlertRule,
    ArchivedReport,
    Indicator,
    IndicatorValue,
    ManualEntry,
    ReportDelivery,
    ReportSubscription,
    Target,
)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code", "name_vi", "name_en", "sector", "unit", "direction", "period", "good",
            "bad", "owner", "method", "source_text", "source_kind", "source_config", "key",
            "order", "is_demo",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        try:
            sources.validate(data.get("source_kind", ""), data.get("source_config") or {})
        except sources.SourceError as exc:
            raise forms.ValidationError({"source_config": exc.message}) from exc
        return data


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    form = IndicatorForm
    inlines = [TargetInline]
    list_display = ("code", "name_vi", "sector", "period", "source_kind", "key", "is_demo")
    list_filter = ("sector", "source_kind", "key", "is_demo")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(AlertRule)
class AlertRuleAdmin(AuditedAdmin):
    # The model's clean() checks the parameters of the kind (alerts.validate) and says,
    # in the reader's language, which one is wrong.
    list_display = (
        "name", "kind", "indicator", "severity", "notify_on_open", "is_active", "is_demo"
    )  # fmt: skip
    list_filter = ("kind", "severity", "is_active")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "period_start", "commune", "value", "computed_at")
    list_filter = ("indicator",)


@admin.register(ManualEntry)
class ManualEntryAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "period_start", "commune", "value", "status", "entered_at")
    list_filter = ("status",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("title", "rule", "severity", "state", "opened_at")
    list_filter = ("state", "severity")


@admin.register(AlertNotice)
class AlertNoticeAdmin(ReadOnlyAdmin):
    list_display = ("alert", "reason", "role", "user", "channel", "status", "created_at")
    list_filter = ("reason", "channel", "status")
    exclude = ("recipient",)


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(AuditedAdmin):
    list_display = ("name", "scope", "frequency", "is_active")
    list_filter = ("frequency", "scope", "is_active")


@admin.register(ArchivedReport)
class ArchivedReportAdmin(ReadOnlyAdmin):
    list_display = ("scope", "frequency", "period_start", "period_end", "generated_at")
    list_filter = ("frequency", "scope")


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("report", "subscription", "sent_at")
