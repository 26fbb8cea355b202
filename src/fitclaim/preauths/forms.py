"""Forms for pre-authorizations. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from fitclaim.clients.forms import CodeListField, DateInput
from fitclaim.preauths.models import PreauthStatus


class PreauthForm(forms.Form):
    source_id = forms.ModelChoiceField(
        queryset=None, label="Insurance plan", empty_label="Choose the plan"
    )
    lmn_id = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Letter of medical necessity",
        help_text="The signed letter is attached to the request.",
    )
    requested_on = forms.DateField(widget=DateInput(), label="Requested on")
    requested_sessions = forms.IntegerField(min_value=1, max_value=10000)
    requested_from = forms.DateField(widget=DateInput(), label="Sessions from")
    requested_to = forms.DateField(widget=DateInput(), label="Sessions through")
    service_codes = CodeListField(
        label="Service codes", help_text="For example S9451, 97110 (separated by commas)."
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, sources: Any, letters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_id"].queryset = sources  # type: ignore[attr-defined]
        self.fields["lmn_id"].queryset = letters  # type: ignore[attr-defined]
        self.fields["lmn_id"].label_from_instance = lambda lmn: (  # type: ignore[attr-defined]
            f"{lmn.reference} v{lmn.version} ({lmn.get_status_display().lower()}, "
            f"{lmn.valid_from or '—'} to {lmn.valid_to or '—'})"
        )

    @staticmethod
    def initial_for(preauth: Any) -> dict[str, Any]:
        return {
            "source_id": preauth.source_id,
            "lmn_id": preauth.lmn_id,
            "requested_on": preauth.requested_on,
            "requested_sessions": preauth.requested_sessions,
            "requested_from": preauth.requested_from,
            "requested_to": preauth.requested_to,
            "service_codes": list(preauth.service_codes),
            "notes": preauth.notes,
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["source_id"] = data["source_id"].pk
        data["lmn_id"] = data["lmn_id"].pk if data["lmn_id"] else None
        return data


class AnswerForm(forms.Form):
    status = forms.ChoiceField(choices=PreauthStatus.choices, label="Insurer's answer")
    reference = forms.CharField(max_length=60, required=False, label="Reference number")
    approved_sessions = forms.IntegerField(
        min_value=0, max_value=10000, required=False, help_text="Required for an approval."
    )
    valid_from = forms.DateField(
        widget=DateInput(), required=False, help_text="Empty: the requested first day."
    )
    valid_to = forms.DateField(
        widget=DateInput(),
        required=False,
        label="Valid through",
        help_text="Empty: the requested last day.",
    )
    answered_on = forms.DateField(widget=DateInput(), required=False, help_text="Empty: today.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_for(preauth: Any) -> dict[str, Any]:
        return {
            "status": preauth.status,
            "reference": preauth.reference,
            "approved_sessions": preauth.approved_sessions,
            "valid_from": preauth.valid_from,
            "valid_to": preauth.valid_to,
            "answered_on": preauth.answered_on,
            "notes": preauth.notes,
        }
