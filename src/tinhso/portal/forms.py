"""The portal's public forms (a reuse, a dataset request) and the stewards' answers. Each
message says what is missing and how to fix it; `actions.py` checks the same again."""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from tinhso.agencies.models import Agency

from .models import ReuseKind


class Honeypot(forms.Form):
    """A field people never see (hidden, skipped by the keyboard) that form-filling robots
    fill: a form that comes back with it is dropped as if accepted."""

    website = forms.CharField(required=False, max_length=200)

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


def _contact_fields(form: forms.Form) -> None:
    form.fields["submitter_name"] = forms.CharField(
        label=_("Your name"),
        max_length=150,
        error_messages={"required": _("Give your name.")},
    )
    form.fields["submitter_email"] = forms.EmailField(
        label=_("Your e-mail (never shown)"),
        error_messages={
            "required": _("Give your e-mail address, so that the steward can reply."),
            "invalid": _("The e-mail address is not valid."),
        },
    )


class ReuseForm(Honeypot):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the reuse's title.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ReuseKind.choices,
        error_messages={"required": _("Choose what kind of reuse it is.")},
    )
    url = forms.CharField(
        label=_("Address (http:// or https://)"),
        max_length=500,
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=_("The address must be a web address starting with http:// or https://."),
            )
        ],
        error_messages={"required": _("Give the reuse's address (http:// or https://).")},
        widget=forms.URLInput,
    )
    description = forms.CharField(
        label=_("What it does with the data"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _contact_fields(self)


class RequestForm(Honeypot):
    title = forms.CharField(
        label=_("Data you need"),
        max_length=200,
        error_messages={"required": _("Give the title of the data you need.")},
    )
    description = forms.CharField(
        label=_("What it should contain, and what you will do with it"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say what data you need and what you will do with it.")},
    )
    agency = forms.ModelChoiceField(
        label=_("Agency that may hold it (optional)"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("I don't know"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _contact_fields(self)
