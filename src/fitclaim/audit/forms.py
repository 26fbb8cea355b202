from __future__ import annotations

from typing import Any

from django import forms

from fitclaim.audit.models import AuditAction
from fitclaim.audit.selectors import AuditFilter


class AuditFilterForm(forms.Form):
    """The audit page's filters. Choices come from the admin's own organization,
    so no other organization's people or record kinds are ever listed."""

    actor = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    entity = forms.ChoiceField(label="Record", required=False)
    client_id = forms.IntegerField(label="Client id", required=False, min_value=1)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], entities: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", "Anyone"), *people]
        self.fields["entity"].choices = [("", "Any record"), *((e, e) for e in entities)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            actor_id=data.get("actor"),
            action=data.get("action") or "",
            entity=data.get("entity") or "",
            client_id=data.get("client_id"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
