"""Claims: what fitclaim asks a funding source to reimburse, and what came back.

A claim is built from the engine's payable decisions for one source (lines are
sessions with the engine's amounts); it is checked, submitted, answered
(payments and denials, by hand or from an 835), appealed and closed. What the
payers answered becomes the sessions' settlements in the engine case.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from fitclaim.domain.claim_lifecycle import OPEN, Channel, ClaimStatus

ZERO = Decimal("0.00")


class Status(models.TextChoices):
    """The stored form of `fitclaim.domain.claim_lifecycle.ClaimStatus`."""

    DRAFT = ClaimStatus.DRAFT.value, "Draft"
    READY = ClaimStatus.READY.value, "Ready"
    SUBMITTED = ClaimStatus.SUBMITTED.value, "Submitted"
    PAID = ClaimStatus.PAID.value, "Paid"
    PARTIALLY_PAID = ClaimStatus.PARTIALLY_PAID.value, "Partially paid"
    DENIED = ClaimStatus.DENIED.value, "Denied"
    APPEALED = ClaimStatus.APPEALED.value, "Appealed"
    CLOSED = ClaimStatus.CLOSED.value, "Closed"
    WITHDRAWN = ClaimStatus.WITHDRAWN.value, "Withdrawn"


class SubmissionChannel(models.TextChoices):
    PORTAL = Channel.PORTAL.value, "Online portal"
    MAIL = Channel.MAIL.value, "Mail"
    FAX = Channel.FAX.value, "Fax"
    EDI = Channel.EDI.value, "Electronic (EDI, 837P)"


OPEN_STATUSES = sorted(status.value for status in OPEN)
CHANNEL_WORDS = {
    Channel.PORTAL.value: "the payer's online portal",
    Channel.MAIL.value: "mail",
    Channel.FAX.value: "fax",
    Channel.EDI.value: "EDI (837P)",
}


class Claim(models.Model):
    """A request to one funding source to reimburse some of a client's sessions.

    `total` is what the claim asks for (the engine's amounts, each cut to what
    no other claim holds); `charge_total` is what the sessions cost. Its number
    (FC000123) is the claim id sent to payers: CLM01 of an 837P, echoed in the
    835's CLP01.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="claims")
    source = models.ForeignKey(
        "funding.FundingSource", on_delete=models.PROTECT, related_name="claims"
    )
    # The source's kind when the claim was built (filters and reports).
    kind = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    as_of = models.DateField(help_text="The day the engine decided the amounts.")
    total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    charge_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    claim_by = models.DateField(
        null=True, blank=True, help_text="The earliest claim deadline of its lines."
    )

    submitted_on = models.DateField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=SubmissionChannel.choices, blank=True)
    submission_reference = models.CharField(
        max_length=100, blank=True, help_text="Confirmation number, tracking or fax receipt."
    )
    payer_id = models.CharField(
        "payer id (837P)",
        max_length=80,
        blank=True,
        help_text="The insurer's electronic payer id, for an 837P.",
    )
    payer_claim_number = models.CharField(max_length=80, blank=True)
    paid_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    answered_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status"], name="claim_org_status"),
            models.Index(fields=["client", "source"], name="claim_client_source"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="claim_total_not_negative"),
            models.CheckConstraint(condition=Q(paid_total__gte=0), name="claim_paid_not_negative"),
            models.CheckConstraint(
                condition=~Q(status__in=["submitted", "paid", "partially_paid", "denied"])
                | Q(submitted_on__isnull=False, channel__gt=""),
                name="claim_submitted_has_date_and_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_status_display()})"

    @property
    def number(self) -> str:
        return f"FC{self.pk:06d}" if self.pk else "FC-new"

    @property
    def channel_words(self) -> str:
        """How it was sent, to follow "submitted ... by"."""
        return CHANNEL_WORDS.get(self.channel, self.channel)

    @property
    def lifecycle_status(self) -> ClaimStatus:
        return ClaimStatus(self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def claim_pk_from_number(text: str) -> int | None:
    """FC000123 (as sent in CLM01, returned in CLP01) -> 123; None otherwise."""
    value = (text or "").strip().upper()
    if value.startswith("FC") and value[2:].isdigit():
        return int(value[2:]) or None
    return None


class ClaimLine(models.Model):
    """One session on a claim, with the amount asked and what the payer answered.

    `open` mirrors the claim's status (open until closed or withdrawn) so the
    database itself refuses a session on two open claims to the same source.
    `paid` and `deductible` are the running totals of the line's postings.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    session = models.ForeignKey(
        "training.TrainingSession", on_delete=models.PROTECT, related_name="claim_lines"
    )
    source = models.ForeignKey("funding.FundingSource", on_delete=models.PROTECT, related_name="+")
    open = models.BooleanField(default=True)

    date = models.DateField()
    code = models.CharField(max_length=10)
    units = models.PositiveSmallIntegerField(default=1)
    charge = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    predicted = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="What the engine said the source would pay."
    )
    claim_by = models.DateField(null=True, blank=True)
    lmn = models.ForeignKey(
        "lmns.Lmn", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    preauthorization = models.ForeignKey(
        "preauths.Preauthorization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    answered = models.BooleanField(default=False)
    paid = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    deductible = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)

    class Meta:
        ordering = ["date", "session_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "source"],
                condition=Q(open=True),
                name="claim_line_session_once_per_open_source",
            ),
            models.UniqueConstraint(fields=["claim", "session"], name="claim_line_session_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_line_amount_positive"),
            models.CheckConstraint(condition=Q(paid__gte=0), name="claim_line_paid_not_negative"),
            models.CheckConstraint(
                condition=Q(deductible__gte=0), name="claim_line_deductible_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount__lte=F("charge")), name="claim_line_amount_within_charge"
            ),
        ]
        indexes = [models.Index(fields=["session"], name="claim_line_session")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.code} {self.amount} on {self.claim_id}"

    @property
    def control(self) -> str:
        """The line item control number sent in the 837P (REF*6R)."""
        return f"L{self.pk}"


def line_pk_from_control(text: str) -> int | None:
    value = (text or "").strip().upper()
    if value.startswith("L") and value[1:].isdigit():
        return int(value[1:]) or None
    return None


class EraImport(models.Model):
    """One 835 remittance file posted in full. A file is posted once: the same
    bytes again are refused by its SHA-256."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    content = models.TextField(help_text="The 835 as received.")
    payer_name = models.CharField(max_length=200, blank=True)
    trace_number = models.CharField(max_length=80, blank=True)
    payment_date = models.DateField(null=True, blank=True)
    total_paid = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    claims_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "835 import"
        constraints = [
            models.UniqueConstraint(fields=["organization", "sha256"], name="era_import_once")
        ]

    def __str__(self) -> str:
        return f"835 {self.trace_number or self.file_name} ({self.claims_count} claims)"


class AnswerOrigin(models.TextChoices):
    MANUAL = "manual", "Recorded by hand"
    ERA = "835", "Imported 835"


class Answer(models.Model):
    """A payer's answer to a claim: a payment (maybe of nothing: a denial), on a
    date, with its reference (check or EFT trace number)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="answers")
    received_on = models.DateField()
    reference = models.CharField(max_length=80, blank=True)
    paid = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    origin = models.CharField(max_length=10, choices=AnswerOrigin.choices)
    era = models.ForeignKey(
        EraImport, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    status_code = models.CharField(
        max_length=4, blank=True, help_text="CLP02, the payer's claim status."
    )
    payer_claim_number = models.CharField(max_length=80, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(paid__gte=0), name="answer_paid_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.paid} on {self.received_on:%Y-%m-%d} for claim {self.claim_id}"


class LinePosting(models.Model):
    """What one answer paid on one line (0.00: denied), with the part applied to
    the deductible and the remark codes (RARC)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="postings")
    line = models.ForeignKey(ClaimLine, on_delete=models.CASCADE, related_name="postings")
    paid = models.DecimalField(max_digits=10, decimal_places=2)
    deductible = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    allowed = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    remarks = models.JSONField(default=list, blank=True, help_text="RARC codes.")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "line"], name="posting_line_once"),
            models.CheckConstraint(condition=Q(paid__gte=0), name="posting_paid_not_negative"),
            models.CheckConstraint(
                condition=Q(deductible__gte=0), name="posting_deductible_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paid} to line {self.line_id}"


class Adjustment(models.Model):
    """A claim adjustment (CAS): group (CO, PR, OA, PI, CR), reason code (CARC)
    and amount, on a line or (line empty) on the whole claim."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="adjustments")
    line = models.ForeignKey(
        ClaimLine, on_delete=models.CASCADE, null=True, blank=True, related_name="adjustments"
    )
    group = models.CharField(max_length=2)
    reason = models.CharField("CARC", max_length=5)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.group}-{self.reason} {self.amount}"


class Appeal(models.Model):
    """An appeal of a denied (or underpaid) line: a letter drafted from the
    denial reason, the letter of medical necessity, the pre-authorization and
    the plan's terms; editable until it is sent."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appeals")
    line = models.ForeignKey(ClaimLine, on_delete=models.CASCADE, related_name="appeals")
    reason = models.CharField("CARC", max_length=5, blank=True)
    body = models.TextField()
    sent_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"appeal {self.pk} of claim {self.claim_id}"

    @property
    def reference(self) -> str:
        return f"AP{self.pk:06d}" if self.pk else "AP-new"


class X12Batch(models.Model):
    """One 837P file fitclaim generated: its interchange control number is the
    primary key, so no two files of an organization share one."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    claims = models.ManyToManyField(Claim, related_name="x12_batches")
    sha256 = models.CharField(max_length=64)
    usage = models.CharField(max_length=1, default="P")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "837P batch"

    def __str__(self) -> str:
        return f"837P {self.pk:09d}"


class IdempotencyKey(models.Model):
    """A request made with an `Idempotency-Key` header and the answer it got: a
    retry with the same key gets the same answer and changes nothing."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    operation = models.CharField(max_length=100)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.operation} ({self.key})"
