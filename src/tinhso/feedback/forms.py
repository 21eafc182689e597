"""Forms of the citizen and staff pages (the API parses with ninja schemas)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.feedback.models import Field, Resolution, Track
from tinhso.units.models import Commune


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("What happened?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    field = forms.ModelChoiceField(
        label=_("Field (optional — we propose one)"), queryset=Field.objects.none(), required=False
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"), queryset=Commune.objects.none(), required=False
    )
    place = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    reporter_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    reporter_phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?[0-9 .\-]{8,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number.")},
    )
    reporter_email = forms.EmailField(label=_("Email"), required=False)
    show_name = forms.BooleanField(label=_("Show my name publicly"), required=False)
    track = forms.ChoiceField(
        label=_("Kind of submission"), choices=Track.choices, initial=Track.ORDINARY
    )
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    photos = MultipleFileField(label=_("Photos (up to 5)"), required=False)

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = Field.objects.filter(is_active=True)
        if province is not None:
            self.fields["commune"].queryset = province.communes.order_by("search_key")

    def clean(self):
        data = super().clean()
        if not (data.get("commune") or data.get("place") or data.get("lat") is not None):
            raise forms.ValidationError(
                _("Say where it is: pick the commune, type an address, or use your location.")
            )
        return data


class AcceptForm(forms.Form):
    field = forms.ModelChoiceField(label=_("Field"), queryset=Field.objects.filter(is_active=True))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the citizen"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CloseForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (Resolution.FIXED, _("Fixed")),
            (Resolution.NOT_FIXED, _("Not fixed")),
            (Resolution.NOT_COMPETENT, _("Not within the agency's competence")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason (when not fixed or not within competence)"), required=False, max_length=2000
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
    )


class HotlineForm(forms.Form):
    """A call typed in by a hotline operator; the field is confirmed by the operator."""

    text = forms.CharField(
        label=_("What the caller reports"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    field = forms.ModelChoiceField(label=_("Field"), queryset=Field.objects.filter(is_active=True))
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"), queryset=Commune.objects.none(), required=False
    )
    place = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    reporter_name = forms.CharField(label=_("Caller's name"), max_length=150, required=False)
    reporter_phone = forms.CharField(label=_("Caller's phone"), max_length=40, required=False)
    reporter_email = forms.EmailField(label=_("Email"), required=False)
    track = forms.ChoiceField(
        label=_("Kind of submission"), choices=Track.choices, initial=Track.ORDINARY
    )
    duplicate_of = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        if province is not None:
            self.fields["commune"].queryset = province.communes.order_by("search_key")
