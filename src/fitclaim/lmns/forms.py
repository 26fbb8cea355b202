"""Forms for letters. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from fitclaim.clients.forms import CodeListField, DateInput
from fitclaim.files.services import MAX_UPLOAD_BYTES

NECESSITY_TEMPLATE = (
    "{name} is under my care for the conditions listed above. I prescribe supervised "
    "exercise training as part of their treatment: it treats these conditions, and "
    "{name} would not incur this expense but for them."
)


class LmnForm(forms.Form):
    provider_id = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Provider",
        help_text="The clinician who issues and signs the letter.",
    )
    diagnoses = CodeListField(
        label="Diagnoses (ICD-10-CM)",
        help_text="Billable codes separated by commas. New ones are added to the client's "
        "conditions.",
    )
    necessity_statement = forms.CharField(
        label="Statement of medical necessity",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="That the training treats the named conditions and would not be incurred "
        "but for them.",
    )
    exercise_kind = forms.CharField(
        label="Kind of exercise",
        max_length=300,
        required=False,
        help_text="For example: supervised resistance and aerobic training.",
    )
    sessions_per_week = forms.IntegerField(min_value=1, max_value=14, required=False)
    minutes_per_session = forms.IntegerField(min_value=1, max_value=480, required=False)
    intensity = forms.CharField(
        max_length=300, required=False, help_text="For example: moderate, RPE 11-13."
    )
    precautions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    goals = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    valid_from = forms.DateField(required=False, widget=DateInput(), label="Valid from")
    valid_to = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Valid through",
        help_text="Empty: twelve months from the first day.",
    )
    sessions_authorized = forms.IntegerField(
        min_value=1, required=False, help_text="Empty: as many as the plan prescribes."
    )
    reexamination_date = forms.DateField(
        required=False, widget=DateInput(), label="Re-examination date"
    )
    trainer_ids = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Authorized trainers",
        help_text="None checked: any qualified trainer.",
        widget=forms.CheckboxSelectMultiple,
    )
    facility_ids = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Authorized facilities",
        help_text="None checked: any facility.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, providers: Any, trainers: Any, facilities: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["provider_id"].queryset = providers  # type: ignore[attr-defined]
        self.fields["trainer_ids"].queryset = trainers  # type: ignore[attr-defined]
        self.fields["facility_ids"].queryset = facilities  # type: ignore[attr-defined]

    @staticmethod
    def initial_for_new(client: Any, today: Any) -> dict[str, Any]:
        from fitclaim.domain.letters import default_valid_to

        return {
            "diagnoses": list(client.conditions),
            "necessity_statement": NECESSITY_TEMPLATE.format(name=client.name),
            "valid_from": today,
            "valid_to": default_valid_to(today),
            "trainer_ids": [t.pk for t in client.trainers.all()],
        }

    @staticmethod
    def initial_for(lmn: Any) -> dict[str, Any]:
        return {
            "provider_id": lmn.provider_id,
            "diagnoses": list(lmn.diagnoses),
            "necessity_statement": lmn.necessity_statement,
            "exercise_kind": lmn.exercise_kind,
            "sessions_per_week": lmn.sessions_per_week,
            "minutes_per_session": lmn.minutes_per_session,
            "intensity": lmn.intensity,
            "precautions": lmn.precautions,
            "goals": lmn.goals,
            "valid_from": lmn.valid_from,
            "valid_to": lmn.valid_to,
            "sessions_authorized": lmn.sessions_authorized,
            "reexamination_date": lmn.reexamination_date,
            "trainer_ids": [t.pk for t in lmn.authorized_trainers.all()],
            "facility_ids": [f.pk for f in lmn.authorized_facilities.all()],
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        provider = data.pop("provider_id")
        data["provider_id"] = provider.pk if provider else None
        data["trainer_ids"] = [trainer.pk for trainer in data["trainer_ids"]]
        data["facility_ids"] = [facility.pk for facility in data["facility_ids"]]
        return data


class SendForm(forms.Form):
    provider_email = forms.EmailField(
        label="Provider's email",
        help_text="We email a secure link, valid for 14 days, to review and sign the letter.",
    )


class ScanForm(forms.Form):
    file = forms.FileField(
        label="Signed letter (PDF, JPEG or PNG)",
        help_text=f"At most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Stored encrypted.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    signer_name = forms.CharField(label="Signed by", max_length=200)
    signed_on = forms.DateField(label="Signed on", widget=DateInput())


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: withdrawn by the provider; issued in error.",
    )


class RenewForm(forms.Form):
    valid_from = forms.DateField(
        required=False,
        widget=DateInput(),
        help_text="Empty: the day after the current letter ends (or today, if it has ended).",
    )
    valid_to = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Valid through",
        help_text="Empty: twelve months.",
    )


class SignForm(forms.Form):
    signer_name = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text="Typing your name is your electronic signature.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    attested = forms.BooleanField(
        label="I have examined this patient and attest to the statement of medical necessity "
        "and the provider attestation in this letter.",
    )
    document_sha256 = forms.CharField(widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    comment = forms.CharField(
        label="What should change?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The practice receives your comment and the letter goes back to them.",
    )
