from django import forms
from django.utils.translation import gettext_lazy as _


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
