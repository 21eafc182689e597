from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tinhso.core.actors import actor_from_request
from tinhso.core.admin import ReadOnlyAdmin
from tinhso.textengine import actions, trainers
from tinhso.textengine.models import ClassifierVersion


@admin.register(ClassifierVersion)
class ClassifierVersionAdmin(ReadOnlyAdmin):
    """Versions are trained and activated through textengine/actions (audited)."""

    list_display = (
        "__str__",
        "created_at",
        "is_active",
        "macro_f1_display",
        "examples",
        "trained_by",
        "is_demo",
        "note",
    )
    list_filter = ("purpose", "is_active", "is_demo")
    readonly_fields = [f.name for f in ClassifierVersion._meta.fields]
    actions = ["activate", "train_now"]

    @admin.display(description=_("macro-F1 (held out)"))
    def macro_f1_display(self, obj):
        return obj.macro_f1

    @admin.display(description=_("examples"))
    def examples(self, obj):
        return obj.summary.get("examples")

    @admin.action(description=_("Use this version (roll back or forward)"))
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version."), messages.ERROR)
            return
        version = actions.activate_version(actor_from_request(request), queryset.get())
        self.message_user(request, _("%(version)s is now in use.") % {"version": version})

    @admin.action(description=_("Train a new version from the confirmed reports now"))
    def train_now(self, request, queryset):
        purposes = sorted(set(queryset.values_list("purpose", flat=True)))
        if not any([trainers.enqueue(purpose) for purpose in purposes]):
            self.message_user(
                request, _("Nothing trains these versions' classifier."), messages.ERROR
            )
            return
        self.message_user(
            request, _("Training is queued; the new version appears here when it is done.")
        )
