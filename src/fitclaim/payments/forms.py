"""Forms for payment pages. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms

from fitclaim.clients.forms import DateInput
from fitclaim.payments.models import PaymentMethod


class PaymentForm(forms.Form):
    """A payment, and how much of it goes to each attended session still unpaid
    (one amount field per session, prefilled with nothing)."""

    received_on = forms.DateField(widget=DateInput(), label="Date received")
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    method = forms.ChoiceField(choices=PaymentMethod.choices)
    reference = forms.CharField(
        max_length=100, required=False, help_text="Check number, card authorization, transfer id."
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, sessions: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = list(sessions)
        for session in self.sessions:
            left = session.charge - session.paid_total
            self.fields[f"apply_{session.pk}"] = forms.DecimalField(
                max_digits=10,
                decimal_places=2,
                min_value=Decimal("0"),
                required=False,
                label=f"{session.date:%Y-%m-%d} · {session.code} · {left} left of {session.charge}",
            )

    def applications(self) -> list[tuple[int, Decimal]]:
        return [
            (session.pk, self.cleaned_data[f"apply_{session.pk}"])
            for session in self.sessions
            if self.cleaned_data.get(f"apply_{session.pk}")
        ]

    def amount_fields(self) -> list[Any]:
        return [self[f"apply_{session.pk}"] for session in self.sessions]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("received_on", "amount", "method", "reference", "notes")]


class PackageForm(forms.Form):
    purchased_on = forms.DateField(widget=DateInput(), label="Date bought")
    sessions_count = forms.IntegerField(
        min_value=1, max_value=200, initial=10, label="Number of sessions"
    )
    price = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="The whole package, for example 800.00. Each attended session takes its "
        "share; the last one takes the rounding remainder.",
    )
    method = forms.ChoiceField(choices=PaymentMethod.choices, label="Paid by")
    reference = forms.CharField(max_length=100, required=False)
    name = forms.CharField(
        max_length=100, required=False, help_text="Optional, for example Spring 10-pack."
    )


class ReceiptUploadForm(forms.Form):
    file = forms.FileField(help_text="A PDF, JPEG or PNG, up to 10 MB.")
    description = forms.CharField(
        max_length=200, required=False, help_text="For example: Studio receipt, March."
    )
    sessions = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Sessions this receipt is for",
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sessions"]
        field.queryset = sessions  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: (  # type: ignore[attr-defined]
            f"{s.date:%Y-%m-%d} · {s.code} · {s.charge} ({s.get_status_display().lower()})"
        )


class PeriodForm(forms.Form):
    date_from = forms.DateField(widget=DateInput(), label="From")
    date_to = forms.DateField(widget=DateInput(), label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The period ends before it starts.")
        return data
