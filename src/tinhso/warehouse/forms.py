"""Forms of the data stewards' pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.agencies.models import Agency
from tinhso.units.models import Commune
from tinhso.warehouse.models import Dataset, Spatial, Theme
from tinhso.warehouse.readers import CHOICES as ENCODING_CHOICES


class TagsField(forms.CharField):
    """Comma-separated tags, kept as a list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [t.strip()[:50] for t in text.split(",") if t.strip()][:20]


class DatasetForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = TagsField(label=_("Tags (comma-separated)"), required=False)
    source_url = forms.URLField(
        label=_("pull from URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("The warehouse fetches this address on the update frequency's rhythm."),
    )

    def clean_source_url(self) -> str:
        from tinhso.warehouse.pulls import PullRefused, check_url

        url = self.cleaned_data.get("source_url") or ""
        if url:
            try:
                check_url(url)
            except PullRefused as exc:
                raise forms.ValidationError(exc.message) from exc
        return url

    class Meta:
        model = Dataset
        fields = [
            "slug",
            "title",
            "description",
            "owner",
            "access",
            "shared_with",
            "importance",
            "licence",
            "themes",
            "tags",
            "frequency",
            "spatial",
            "communes",
            "temporal_start",
            "temporal_end",
            "contact_name",
            "contact_email",
            "source_url",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "temporal_start": forms.DateInput(attrs={"type": "date"}),
            "temporal_end": forms.DateInput(attrs={"type": "date"}),
            # Checkboxes in a box with a search field (static/tinhso/picker.js): a province
            # has about a hundred communes, too many for a multi-select.
            "shared_with": forms.CheckboxSelectMultiple,
            "communes": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "slug": _("Lower-case letters, digits and hyphens; the table's name in SQL."),
            "shared_with": _(
                "For shared data: the agencies that may read it (none: every agency)."
            ),
        }

    def __init__(self, *args, owners=None, province_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else Agency.objects.none()
        self.fields["shared_with"].queryset = Agency.objects.filter(is_active=True).order_by("name")
        self.fields["communes"].queryset = Commune.objects.filter(
            province__code=province_code
        ).order_by("search_key")
        if self.instance.pk:
            del self.fields["slug"]
            del self.fields["owner"]

    def clean(self):
        data = super().clean()
        if data.get("spatial") == Spatial.COMMUNES and not data.get("communes"):
            self.add_error("communes", _("Choose the communes the data covers."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    append = forms.BooleanField(label=_("Add the rows to the current version"), required=False)
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV or TSV file"),
        required=False,
        choices=[("", _("Detect it"))] + [(e, e.upper()) for e in ENCODING_CHOICES],
        help_text=_("Choose one only when detection was unsure (the report says so)."),
    )
    accept_schema_change = forms.BooleanField(
        label=_("The columns changed on purpose (removed, renamed or of another type)"),
        required=False,
        help_text=_(
            "Without this, a file whose columns differ from the current version is refused "
            "with a list of the differences, and the current version stays live."
        ),
    )
    sheet = forms.CharField(
        label=_("Sheet (XLSX; empty: the first)"), max_length=100, required=False
    )
