"""Forms for client pages. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from fitclaim.clients.services import normalize_codes


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's field problems under the fields they name; a problem
    with something the form has no field for is shown above the form, named."""
    for field, messages in exc.message_dict.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
        else:
            label = "" if field == "__all__" else f"{field.replace('_', ' ')}: "
            for message in messages:
                form.add_error(None, f"{label}{message}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CodeListField(forms.CharField):
    """Codes typed as one text, separated by commas or spaces: a list out."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return normalize_codes(super().to_python(value))


class ClientForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    birth_date = forms.DateField(required=False, widget=DateInput())
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = CodeListField(
        label="Conditions (ICD-10-CM)",
        help_text="Billable codes separated by commas, for example E66.811, E11.9.",
    )
    trainer_ids = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Assigned trainers",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, trainers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer_ids"].queryset = trainers  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, client: Any) -> dict[str, Any]:
        return {
            "first_name": client.first_name,
            "last_name": client.last_name,
            "birth_date": client.birth_date,
            "email": client.email,
            "phone": client.phone,
            "address": client.address,
            "conditions": list(client.conditions),
            "trainer_ids": [t.pk for t in client.trainers.all()],
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["trainer_ids"] = [trainer.pk for trainer in data["trainer_ids"]]
        return data


class PortalLoginForm(forms.Form):
    email = forms.EmailField(
        help_text="The client signs in with this address; we email them a link to set a password."
    )
