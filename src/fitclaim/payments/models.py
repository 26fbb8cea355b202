"""Payments, prepaid packages, what each payment paid for, and receipts.

Money is `Decimal` with two places everywhere. What must always hold (a session
is never paid more than its charge, a payment never applied beyond its amount)
is kept in running totals the database checks, so two payments recorded at the
same moment cannot together overrun either limit.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

ZERO = Decimal("0.00")


class PaymentMethod(models.TextChoices):
    CARD = "card", "Credit or debit card"
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    HSA_FSA_CARD = "hsa_fsa_card", "HSA or FSA card"
    OTHER = "other", "Other"


class Payment(models.Model):
    """Money a client paid, on a date, by some method. It pays for sessions
    through its allocations; a package's payment is held and applied as the
    sessions are attended."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="payments")
    received_on = models.DateField("date received")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(
        max_length=100, blank=True, help_text="Check number, card authorization, transfer id."
    )
    notes = models.TextField(blank=True)
    applied_total = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["client", "received_on"], name="payment_client_date")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(applied_total__gte=Decimal("0")) & Q(applied_total__lte=F("amount")),
                name="payment_applied_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.received_on:%Y-%m-%d} ({self.get_method_display()})"

    @property
    def unapplied(self) -> Decimal:
        return self.amount - self.applied_total


class Package(models.Model):
    """A prepaid package: `sessions_count` sessions for `price`, bought with one
    payment. The money is held and each attended session takes its share
    (domain.packages), because an FSA or HSA reimburses only what has been
    incurred: sessions not yet attended are never paid, receipted or claimed."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="packages")
    payment = models.OneToOneField(Payment, on_delete=models.CASCADE, related_name="package")
    name = models.CharField(max_length=100, blank=True)
    sessions_count = models.PositiveSmallIntegerField()
    price = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["payment__received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_count__gte=1), name="package_at_least_one_session"
            ),
            models.CheckConstraint(
                condition=Q(price__gt=Decimal("0")), name="package_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.sessions_count} sessions for {self.price}"


class Allocation(models.Model):
    """Part of a payment applied to one session. `applied_on` is when the money
    paid for the session: the payment's date, the day a credit was applied
    later, or for a package the day the session was attended (never before the
    purchase). The case builder counts an allocation as paid from that day on,
    so each application is its own row, even for the same payment and session."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    session = models.ForeignKey(
        "training.TrainingSession", on_delete=models.RESTRICT, related_name="allocations"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    applied_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["applied_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=Decimal("0")), name="allocation_positive"
            ),
        ]
        indexes = [models.Index(fields=["session", "applied_on"], name="allocation_session_date")]

    def __str__(self) -> str:
        return f"{self.amount} of payment {self.payment_id} to session {self.session_id}"


class ReceiptKind(models.TextChoices):
    PAYMENT = "payment", "Receipt for a payment"
    RANGE = "range", "Receipt for a period"


class Receipt(models.Model):
    """An itemized receipt fitclaim generated: the allocations it covers, as
    lines. A session is receipted once a receipt covers the money applied to it.
    The same coverage (the same allocations, the same payment or period) is one
    receipt however often it is downloaded."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="receipts")
    kind = models.CharField(max_length=10, choices=ReceiptKind.choices)
    payment = models.ForeignKey(
        Payment, on_delete=models.RESTRICT, null=True, blank=True, related_name="receipts"
    )
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    issued_on = models.DateField()
    total = models.DecimalField(max_digits=12, decimal_places=2)
    coverage_key = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "coverage_key"], name="receipt_coverage_once"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"R-{self.pk:06d}" if self.pk else "R-new"


class ReceiptLine(models.Model):
    """One allocation on a receipt: what paid which session, for how much."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    allocation = models.ForeignKey(
        Allocation, on_delete=models.RESTRICT, related_name="receipt_lines"
    )
    session = models.ForeignKey(
        "training.TrainingSession", on_delete=models.RESTRICT, related_name="receipt_lines"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "allocation"], name="receipt_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.amount} for session {self.session_id} on receipt {self.receipt_id}"


class UploadedReceipt(models.Model):
    """A receipt from outside (another business, a card statement) uploaded as a
    PDF, JPEG or PNG, kept encrypted, and attached to the sessions it proves."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="uploaded_receipts"
    )
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.RESTRICT, related_name="uploaded_receipt"
    )
    description = models.CharField(max_length=200, blank=True)
    sessions = models.ManyToManyField(
        "training.TrainingSession",
        through="UploadedReceiptSession",
        related_name="uploaded_receipts",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.description or f"uploaded receipt {self.pk}"


class UploadedReceiptSession(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    receipt = models.ForeignKey(UploadedReceipt, on_delete=models.CASCADE, related_name="links")
    session = models.ForeignKey(
        "training.TrainingSession", on_delete=models.CASCADE, related_name="uploaded_receipt_links"
    )
    attached_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["receipt", "session"], name="uploaded_receipt_once")
        ]

    def __str__(self) -> str:
        return f"uploaded receipt {self.receipt_id} for session {self.session_id}"
