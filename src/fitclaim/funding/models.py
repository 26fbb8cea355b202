"""Funding sources: where the money for a client's training can come from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q

from fitclaim.coverage import engine_ids


class FundingKind(models.TextChoices):
    INSURANCE = "insurance", "Health insurance"
    FSA = "fsa", "Flexible spending account (FSA)"
    HSA = "hsa", "Health savings account (HSA)"
    WELLNESS = "wellness", "Employer wellness program"


@dataclass(frozen=True)
class KindSpec:
    """The engine fields of one kind of source (ENGINE.md, "The fields"):
    the required ones, and the optional ones with the default the engine
    applies (None where the default is "none")."""

    required: tuple[str, ...]
    defaults: dict[str, Any]

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + tuple(self.defaults)


ZERO = Decimal("0.00")

# One table, read by the form (which fields to show), the rules (what is
# required), the services (defaults) and the engine-input selector (which keys
# to emit). Adding an engine field means adding it here and as a column.
KIND_SPECS: dict[str, KindSpec] = {
    FundingKind.INSURANCE: KindSpec(
        required=("period_start", "period_end"),
        defaults={
            "covers_training": True,
            "requires_lmn": True,
            "requires_preauthorization": False,
            "accepted_issuers": [],
            "covered_conditions": [],
            "covered_codes": [],
            "required_credentials": [],
            "allowed_per_session": None,
            "deductible": ZERO,
            "deductible_met": ZERO,
            "copay": ZERO,
            "coinsurance": Decimal("0"),
            "session_limit": None,
            "sessions_used": 0,
            "timely_filing_days": 365,
        },
    ),
    FundingKind.FSA: KindSpec(
        required=("period_start", "period_end", "election"),
        defaults={
            "grace_period_days": 0,
            "runout_days": 90,
            "used": ZERO,
            "limited_purpose": False,
            "requires_lmn": True,
            "accepted_issuers": [],
            "covered_codes": [],
        },
    ),
    FundingKind.HSA: KindSpec(
        required=("established", "balance"),
        defaults={"requires_lmn": True, "accepted_issuers": [], "covered_codes": []},
    ),
    FundingKind.WELLNESS: KindSpec(
        required=("period_start", "period_end", "annual_cap"),
        defaults={
            "claim_deadline_days": 90,
            "rate": Decimal("1"),
            "used": ZERO,
            "requires_lmn": False,
            "accepted_issuers": [],
            "covered_codes": [],
        },
    ),
}

# Fields every source has, which the engine does not see: they are for the
# claim packet and the claim checks.
PAYER_FIELDS = ("name", "payer_name", "member_id", "claim_address", "accepts_esignature")

MONEY_FIELDS = frozenset(
    {
        "allowed_per_session",
        "deductible",
        "deductible_met",
        "copay",
        "election",
        "used",
        "balance",
        "annual_cap",
    }
)
RATE_FIELDS = frozenset({"coinsurance", "rate"})
DAYS_FIELDS = frozenset(
    {"timely_filing_days", "grace_period_days", "runout_days", "claim_deadline_days"}
)
COUNT_FIELDS = frozenset({"session_limit", "sessions_used"}) | DAYS_FIELDS
LIST_FIELDS = frozenset(
    {"accepted_issuers", "covered_conditions", "covered_codes", "required_credentials"}
)
BOOL_FIELDS = frozenset(
    {"covers_training", "requires_lmn", "requires_preauthorization", "limited_purpose"}
)
DATE_FIELDS = frozenset({"period_start", "period_end", "established"})
ALL_KIND_FIELDS = frozenset(field for spec in KIND_SPECS.values() for field in spec.fields)

# A number of days is at most 100 years (ENGINE.md).
MAX_DAYS = 36500


def editable_fields(kind: str) -> tuple[str, ...]:
    """The fields a person fills in for a source of this kind, in form order."""
    order = ("order",) if kind == FundingKind.INSURANCE else ()
    return PAYER_FIELDS[:1] + order + PAYER_FIELDS[1:] + KIND_SPECS[kind].fields


def _money(**kwargs: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, **kwargs)


def _rate(**kwargs: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True, **kwargs)


def _days(**kwargs: Any) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(null=True, blank=True, **kwargs)


class FundingSource(models.Model):
    """One place a client's training can be reimbursed from: a health insurance
    plan, a flexible spending account, a health savings account or an employer
    wellness program, with the rules the engine applies to it (ENGINE.md).

    One table for the four kinds: the columns of the other kinds stay null. An
    insurance source has an `order` (1 = primary); the non-insurance ones are
    ordered by the client's `priority`.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="funding_sources"
    )
    kind = models.CharField(max_length=20, choices=FundingKind.choices)

    # Who pays, and where claims go.
    name = models.CharField(
        max_length=200, help_text="For example Acme Health PPO, or Employer FSA 2026."
    )
    payer_name = models.CharField(
        max_length=200, blank=True, help_text="The insurer or plan administrator."
    )
    member_id = models.CharField("member or account id", max_length=60, blank=True)
    claim_address = models.TextField(blank=True, help_text="Where claims are mailed.")
    order = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Insurance only: 1 for the primary plan, 2 for the secondary.",
    )
    accepts_esignature = models.BooleanField(
        "accepts e-signed letters",
        default=True,
        help_text="Whether this payer accepts an e-signed letter of medical necessity.",
    )

    # The engine's rules. Money in dollars with cents, rates from 0 to 1.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    covers_training = models.BooleanField(null=True, blank=True)
    requires_lmn = models.BooleanField("requires a letter of medical necessity", default=True)
    requires_preauthorization = models.BooleanField(null=True, blank=True)
    accepted_issuers = models.JSONField(
        default=list,
        blank=True,
        help_text="Provider kinds whose letters this source accepts; none means any.",
    )
    covered_conditions = models.JSONField(
        null=True,
        blank=True,
        help_text="ICD-10-CM categories or codes (E66, E11.9); none means any.",
    )
    covered_codes = models.JSONField(
        default=list, blank=True, help_text="Service codes (S9451, 97110); none means any."
    )
    required_credentials = models.JSONField(
        null=True, blank=True, help_text="Trainer credentials, one of which is required (ACSM-CEP)."
    )
    allowed_per_session = _money(help_text="Empty: the charge is allowed in full.")
    deductible = _money()
    deductible_met = _money()
    copay = _money()
    coinsurance = _rate(help_text="The member's share, from 0 to 1 (0.20 = 20%).")
    session_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    sessions_used = models.PositiveIntegerField(null=True, blank=True)
    timely_filing_days = _days()
    election = _money()
    grace_period_days = _days()
    runout_days = _days()
    used = _money(help_text="Already reimbursed outside fitclaim.")
    limited_purpose = models.BooleanField(null=True, blank=True)
    established = models.DateField(null=True, blank=True)
    balance = _money()
    annual_cap = _money()
    claim_deadline_days = _days()
    rate = _rate(help_text="The share of each session the program pays, from 0 to 1.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["client", "kind", "order", "pk"]
        constraints = [
            # The engine accepts at most one HSA per case, and a person has one.
            models.UniqueConstraint(
                fields=["client"], condition=Q(kind="hsa"), name="one_hsa_per_client"
            ),
            models.UniqueConstraint(
                fields=["client", "order"],
                condition=Q(kind="insurance"),
                name="insurance_order_unique_per_client",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=F("period_end")),
                name="funding_period_start_not_after_end",
            ),
            models.CheckConstraint(
                condition=Q(coinsurance__isnull=True) | Q(coinsurance__gte=0, coinsurance__lte=1),
                name="funding_coinsurance_is_a_rate",
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gte=0, rate__lte=1),
                name="funding_rate_is_a_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def engine_id(self) -> str:
        return engine_ids.source_id(self.pk)

    @property
    def spec(self) -> KindSpec:
        return KIND_SPECS[self.kind]

    @property
    def has_period(self) -> bool:
        return "period_start" in self.spec.fields
