"""Forms for trainer pages. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from fitclaim.clients.forms import DateInput
from fitclaim.trainers.models import LicensedProfession

COMMON_CREDENTIALS = (
    "ACSM-CEP",
    "ACSM-EP",
    "NASM-CES",
    "NASM-CPT",
    "ACE-MES",
    "ACE-CPT",
    "NSCA-CSCS",
)


class TrainerForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    npi = forms.CharField(
        label="NPI", max_length=20, required=False, help_text="Optional; 10 digits."
    )
    licensed_profession = forms.ChoiceField(
        choices=LicensedProfession.choices, initial=LicensedProfession.NONE
    )
    user_id = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Signs in as",
        help_text="The staff account of this trainer: they will see the clients assigned to them.",
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user_id"].queryset = users  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(trainer: Any) -> dict[str, Any]:
        return {
            "name": trainer.name,
            "email": trainer.email,
            "phone": trainer.phone,
            "npi": trainer.npi,
            "licensed_profession": trainer.licensed_profession,
            "user_id": trainer.user_id,
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["user_id"] = data["user_id"].pk if data["user_id"] else None
        return data


class CredentialForm(forms.Form):
    code = forms.CharField(
        max_length=30,
        help_text="For example ACSM-CEP, NASM-CES, ACE-MES.",
        widget=forms.TextInput(attrs={"list": "credential-codes", "autocomplete": "off"}),
    )
    number = forms.CharField(label="Certificate number", max_length=60, required=False)
    issuer = forms.CharField(max_length=200, required=False, help_text="The certifying body.")
    issued = forms.DateField(required=False, widget=DateInput())
    expires = forms.DateField(widget=DateInput())

    @staticmethod
    def initial_for(credential: Any) -> dict[str, Any]:
        return {
            "code": credential.code,
            "number": credential.number,
            "issuer": credential.issuer,
            "issued": credential.issued,
            "expires": credential.expires,
        }
