from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.dti.models import Assessment, Component, MainIndex


class ValueForm(forms.Form):
    """A value of the assessment with its evidence: a main index on 0–1, or a component's
    points where the framework has components."""

    main_index = forms.ModelChoiceField(label=_("Main index"), queryset=MainIndex.objects.none())
    component = forms.ModelChoiceField(
        label=_("Component"), queryset=Component.objects.none(), required=False
    )
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=9, decimal_places=4)
    evidence_link = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        index_field = self.fields["main_index"]
        assert isinstance(index_field, forms.ModelChoiceField)
        index_field.queryset = MainIndex.objects.filter(framework=assessment.framework)
        index_field.label_from_instance = lambda i: i.name_vi  # type: ignore[method-assign,assignment]
        components = Component.objects.filter(main_index__framework=assessment.framework)
        component_field = self.fields["component"]
        assert isinstance(component_field, forms.ModelChoiceField)
        if components.exists():
            component_field.queryset = components
        else:
            del self.fields["component"]


class WhatIfForm(forms.Form):
    places = forms.IntegerField(label=_("Move up how many places"), min_value=1, max_value=62)
