"""The funding source form: only the fields of the chosen kind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model

from fitclaim.clients.forms import CodeListField, DateInput
from fitclaim.funding.models import (
    BOOL_FIELDS,
    DATE_FIELDS,
    KIND_SPECS,
    LIST_FIELDS,
    FundingKind,
    FundingSource,
    editable_fields,
)
from fitclaim.providers.models import ProviderKind

LABELS = {
    "name": "Name",
    "payer_name": "Payer",
    "member_id": "Member or account id",
    "accepts_esignature": "Accepts e-signed letters of medical necessity",
    "order": "Insurance order",
    "period_start": "Period starts",
    "period_end": "Period ends",
    "covers_training": "Covers medically necessary training",
    "requires_lmn": "Requires a letter of medical necessity",
    "requires_preauthorization": "Requires pre-authorization",
    "accepted_issuers": "Letters accepted from",
    "covered_conditions": "Covered conditions (ICD-10-CM)",
    "covered_codes": "Covered service codes",
    "required_credentials": "Required trainer credentials",
    "allowed_per_session": "Allowed per session",
    "deductible_met": "Deductible already met",
    "copay": "Copay per session",
    "coinsurance": "Coinsurance (member's share, 0 to 1)",
    "session_limit": "Session limit",
    "sessions_used": "Sessions already used",
    "timely_filing_days": "Timely filing (days after the session)",
    "election": "Annual election",
    "grace_period_days": "Grace period (days after the period)",
    "runout_days": "Run-out (days to file after the period)",
    "used": "Already reimbursed",
    "limited_purpose": "Limited purpose (dental and vision only)",
    "established": "Established on",
    "balance": "Balance",
    "annual_cap": "Annual cap",
    "claim_deadline_days": "Claim deadline (days after the period)",
    "rate": "Share paid (0 to 1)",
}

HELP = {
    "covered_conditions": "Categories or codes, separated by commas (E66, E11.9); empty: any.",
    "covered_codes": "Separated by commas (S9451, 97110); empty means any service.",
    "required_credentials": "One of these is required (ACSM-CEP, NASM-CES); empty means none.",
    "accepted_issuers": "None checked means any provider.",
    "used": "Reimbursed outside fitclaim this period.",
}


class FundingKindForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Choose…"), *FundingKind.choices], label="Kind of source"
    )


class FundingSourceForm(forms.Form):
    """The fields of one kind of source (funding.models.KIND_SPECS), with the
    engine's defaults as initial values on a new source."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        spec = KIND_SPECS[kind]
        names = editable_fields(kind)
        plain = [n for n in names if n not in LIST_FIELDS and n not in BOOL_FIELDS]
        model_fields = fields_for_model(
            FundingSource,
            fields=plain,
            widgets={
                **{n: DateInput() for n in DATE_FIELDS},
                "claim_address": forms.Textarea(attrs={"rows": 2}),
            },
        )
        for name in names:
            field: forms.Field
            if name == "accepted_issuers":
                field = forms.MultipleChoiceField(
                    choices=ProviderKind.choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            elif name in LIST_FIELDS:
                field = CodeListField()
            elif name in BOOL_FIELDS or name == "accepts_esignature":
                field = forms.BooleanField(required=False)
            else:
                field = model_fields[name]
                field.required = name in spec.required or name == "name"
            if name in LABELS:
                field.label = LABELS[name]
            if name in HELP:
                field.help_text = HELP[name]
            self.fields[name] = field

    @staticmethod
    def initial_for_new(kind: str) -> dict[str, Any]:
        initial: dict[str, Any] = {"accepts_esignature": True}
        initial.update(KIND_SPECS[kind].defaults)
        return initial

    @staticmethod
    def initial_for(source: FundingSource) -> dict[str, Any]:
        return {name: getattr(source, name) for name in editable_fields(source.kind)}


class FundingPreferencesForm(forms.Form):
    """The client's strategy, and a rank for each non-insurance source (all
    empty: the engine's default order)."""

    strategy = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, sources: list[FundingSource], **kwargs: Any) -> None:
        from fitclaim.clients.models import Strategy

        super().__init__(*args, **kwargs)
        self.fields["strategy"].choices = Strategy.choices  # type: ignore[attr-defined]
        self.sources = [s for s in sources if s.kind != FundingKind.INSURANCE]
        for source in self.sources:
            self.fields[f"rank_{source.pk}"] = forms.IntegerField(
                min_value=1, required=False, label=f"Rank of {source.name}"
            )

    @staticmethod
    def initial_for(client: Any, sources: list[FundingSource]) -> dict[str, Any]:
        initial: dict[str, Any] = {"strategy": client.strategy}
        for rank, pk in enumerate(client.priority, start=1):
            initial[f"rank_{pk}"] = rank
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ranks = {s.pk: cleaned.get(f"rank_{s.pk}") for s in self.sources}
        given = {pk: rank for pk, rank in ranks.items() if rank is not None}
        if given and len(given) != len(ranks):
            for pk, rank in ranks.items():
                if rank is None:
                    self.add_error(f"rank_{pk}", "rank every source, or none for the default order")
        seen: dict[int, int] = {}
        for pk, rank in given.items():
            if rank in seen:
                self.add_error(f"rank_{pk}", f"rank {rank} is used twice")
            seen[rank] = pk
        cleaned["priority"] = [pk for pk, _ in sorted(given.items(), key=lambda item: item[1])]
        return cleaned
