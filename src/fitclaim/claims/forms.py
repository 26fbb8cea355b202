"""Forms for the claim pages. They parse what was typed; the rules live in the services."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms

from fitclaim.claims.models import SubmissionChannel
from fitclaim.claims.services import LineAnswerIn
from fitclaim.clients.forms import DateInput
from fitclaim.domain.claim_lifecycle import LABELS, ClaimStatus
from fitclaim.funding.models import FundingKind

MODES = [
    ("all", "Every payable session"),
    ("range", "Sessions in a date range"),
    ("pick", "Sessions I choose"),
]


class BuilderForm(forms.Form):
    """Which source, and which of its payable sessions."""

    source = forms.TypedChoiceField(coerce=int, label="Claim from")
    mode = forms.ChoiceField(
        choices=MODES, initial="all", widget=forms.RadioSelect, label="Which sessions"
    )
    date_from = forms.DateField(widget=DateInput(), required=False, label="From")
    date_to = forms.DateField(widget=DateInput(), required=False, label="To")
    sessions = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Sessions"
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, sources: Iterable[Any], candidates: Iterable[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            (s.pk, f"{s.name} ({s.get_kind_display()})") for s in sources
        ]
        self.fields["sessions"].choices = [
            (c.session.pk, f"{c.session.date:%Y-%m-%d} · {c.session.code} · {c.amount}")
            for c in candidates
            if c.claimable
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        mode = data.get("mode")
        if mode == "range" and not (data.get("date_from") or data.get("date_to")):
            self.add_error("date_from", "Give the first day, the last day, or both.")
        if mode == "pick" and not data.get("sessions"):
            self.add_error("sessions", "Choose at least one session.")
        return data

    def range_fields(self) -> list[Any]:
        return [self["date_from"], self["date_to"]]

    def choice(self) -> dict[str, Any]:
        """The keyword arguments of claim_build for what was chosen."""
        data = self.cleaned_data
        mode = data.get("mode") or "all"
        return {
            "session_ids": list(data.get("sessions") or []) if mode == "pick" else None,
            "date_from": data.get("date_from") if mode == "range" else None,
            "date_to": data.get("date_to") if mode == "range" else None,
        }


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(widget=DateInput(), label="Date submitted")
    channel = forms.ChoiceField(choices=SubmissionChannel.choices, label="Sent by")
    reference = forms.CharField(
        max_length=100,
        required=False,
        label="Confirmation or tracking number",
    )

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != FundingKind.INSURANCE:
            self.fields["channel"].choices = [
                c for c in SubmissionChannel.choices if c[0] != SubmissionChannel.EDI
            ]


class PayerIdForm(forms.Form):
    payer_id = forms.CharField(
        max_length=80,
        required=False,
        label="Payer id (837P)",
        help_text="The insurer's electronic payer id, from its clearinghouse list.",
    )


_GROUP_SPACE = re.compile(r"\b(CO|CR|OA|PI|PR)\s*[-:]?\s+(?=[A-Z0-9])")
_CODE = re.compile(r"^(?:(CO|CR|OA|PI|PR)[-:])?([A-Z0-9]{1,5})$")


def parse_codes(text: str, *, default_group: str) -> list[tuple[str, str]] | None:
    """ "CO-50, PR-1" -> [("CO", "50"), ("PR", "1")]; a bare "50" takes the
    default group. None when something is not a code."""
    text = _GROUP_SPACE.sub(lambda m: m.group(1) + "-", text.strip().upper())
    found: list[tuple[str, str]] = []
    for part in re.split(r"[,;\s]+", text):
        if not part:
            continue
        match = _CODE.match(part)
        if match is None:
            return None
        found.append((match.group(1) or default_group, match.group(2)))
    return found


class AnswerForm(forms.Form):
    """What the payer answered: a date, a reference, and for each line the
    amount paid (0 for a denial), the deductible, and the reason codes."""

    received_on = forms.DateField(widget=DateInput(), label="Date of the answer")
    reference = forms.CharField(
        max_length=80, required=False, label="Check or EFT number, or EOB reference"
    )

    def __init__(self, *args: Any, lines: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            label = f"{line.date:%Y-%m-%d} · {line.code} · asked {line.amount}"
            self.fields[f"paid_{line.pk}"] = forms.DecimalField(
                max_digits=10,
                decimal_places=2,
                min_value=Decimal("0"),
                label=f"Paid for {label}",
                initial=line.amount,
            )
            self.fields[f"deductible_{line.pk}"] = forms.DecimalField(
                max_digits=10,
                decimal_places=2,
                min_value=Decimal("0"),
                required=False,
                label=f"Applied to the deductible ({line.date:%Y-%m-%d})",
            )
            self.fields[f"codes_{line.pk}"] = forms.CharField(
                required=False,
                max_length=100,
                label=f"Reason codes (CARC) for {line.date:%Y-%m-%d}",
                help_text="For a denial or a cut, e.g. CO-50 or PR-1; a bare number is CO.",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for line in self.lines:
            text = data.get(f"codes_{line.pk}") or ""
            if text and parse_codes(text, default_group="CO") is None:
                self.add_error(f"codes_{line.pk}", "Write codes like CO-50, PR-1 or 197.")
        return data

    def header_fields(self) -> list[Any]:
        return [self["received_on"], self["reference"]]

    def line_fields(self) -> list[tuple[Any, Any, Any, Any]]:
        return [
            (line, self[f"paid_{line.pk}"], self[f"deductible_{line.pk}"], self[f"codes_{line.pk}"])
            for line in self.lines
        ]

    def answers(self) -> list[LineAnswerIn]:
        answers = []
        for line in self.lines:
            paid = self.cleaned_data.get(f"paid_{line.pk}")
            if paid is None:
                continue
            deductible = self.cleaned_data.get(f"deductible_{line.pk}") or Decimal("0.00")
            codes = parse_codes(self.cleaned_data.get(f"codes_{line.pk}") or "", default_group="CO")
            adjustments = []
            for group, reason in codes or []:
                if group == "PR" and reason == "1":
                    amount = deductible
                else:
                    amount = max(Decimal("0.00"), line.amount - paid - deductible)
                adjustments.append((group, reason, amount))
            if deductible and not any(g == "PR" and r == "1" for g, r, _ in adjustments):
                adjustments.append(("PR", "1", deductible))
            answers.append(
                LineAnswerIn(
                    line_id=line.pk,
                    paid=paid,
                    deductible=deductible,
                    adjustments=adjustments,
                )
            )
        return answers


class AppealForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), label="Letter")


class AppealSendForm(forms.Form):
    sent_on = forms.DateField(widget=DateInput(), label="Date sent")


class EraUploadForm(forms.Form):
    file = forms.FileField(label="835 remittance file")
    dry_run = forms.BooleanField(
        required=False, label="Check only", help_text="Report what would be posted; post nothing."
    )


AGE_CHOICES = [
    ("", "Any age"),
    ("30", "Submitted 30+ days ago"),
    ("60", "60+ days"),
    ("90", "90+ days"),
]


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), ("open", "Open")]
        + [(s.value, LABELS[s].capitalize()) for s in ClaimStatus],
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", "Any source"), *FundingKind.choices], label="Source"
    )
    age = forms.ChoiceField(required=False, choices=AGE_CHOICES, label="Age")
