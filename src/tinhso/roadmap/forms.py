from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.roadmap.models import Plan, TaskStatus


class ProgressReportForm(forms.Form):
    """A month's progress of a task, with its evidence."""

    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence_link = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")


class TaskUpdateForm(forms.Form):
    """What the owner agency keeps up to date on a task; the secretariat also moves the
    due day."""

    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    evidence_text = forms.CharField(
        label=_("Evidence of completion"), required=False, max_length=300
    )
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")
    due = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, secretariat: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not secretariat:
            del self.fields["due"]


class PlanImportForm(forms.Form):
    """A spreadsheet in the plan's export columns, added to a plan or to a new one."""

    file = forms.FileField(label=_("Spreadsheet (XLSX)"))
    plan = forms.ModelChoiceField(
        label=_("Add to the plan"),
        queryset=Plan.objects.all(),
        required=False,
        empty_label=_("A new plan"),
    )
    name = forms.CharField(label=_("Name of the new plan"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if not data.get("plan") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose a plan or name the new one."))
        return data
