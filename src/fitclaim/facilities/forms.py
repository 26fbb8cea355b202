"""The facility form. It parses what was typed; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms


class FacilityForm(forms.Form):
    name = forms.CharField(max_length=200)
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    phone = forms.CharField(max_length=40, required=False)

    @staticmethod
    def initial_for(facility: Any) -> dict[str, Any]:
        return {name: getattr(facility, name) for name in FacilityForm.base_fields}
