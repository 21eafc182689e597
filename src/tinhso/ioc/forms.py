from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.ioc.models import ReportFrequency, report_scopes
from tinhso.units import province as home_province
from tinhso.units.models import Commune


class EntryForm(forms.Form):
    """A value entered by hand, with its evidence."""

    indicator = forms.ModelChoiceField(queryset=None, label=_("Indicator"))
    period = forms.DateField(
        label=_("Period (any day in it)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    commune = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Commune"),
        empty_label=_("The whole province"),
    )
    value = forms.FloatField(label=_("Value"))
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    evidence_link = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["commune"].queryset = Commune.objects.filter(
            province__code=home_province.code()
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("evidence_file") and not data.get("evidence_link"):
            raise forms.ValidationError(_("Attach the evidence: a file or a link."))
        return data


class ReportForm(forms.Form):
    """A report to generate now: its scope and the week or month holding a day."""

    scope = forms.ChoiceField(label=_("Scope"), choices=report_scopes)
    frequency = forms.ChoiceField(label=_("Period"), choices=ReportFrequency.choices)
    day = forms.DateField(
        label=_("Any day in the period"), widget=forms.DateInput(attrs={"type": "date"})
    )
