"""The provider form. It parses what was typed; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from fitclaim.providers.models import ProviderKind


class ProviderForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=ProviderKind.choices)
    credentials = forms.CharField(
        max_length=40, required=False, help_text="MD, DO, NP-C, PA-C, DC, DPT."
    )
    npi = forms.CharField(label="NPI", max_length=20, help_text="10 digits.")
    license_state = forms.CharField(
        max_length=2, required=False, help_text="Two-letter state code."
    )
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_for(provider: Any) -> dict[str, Any]:
        return {name: getattr(provider, name) for name in ProviderForm.base_fields}
