"""Letters of medical necessity, the links providers sign them with, and the
reminders sent about them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from fitclaim.domain.letters import LetterStatus


class LmnStatus(models.TextChoices):
    """The stored form of `fitclaim.domain.letters.LetterStatus` (same values).
    A letter the provider declined is a draft again, with their comment."""

    DRAFT = LetterStatus.DRAFT.value, "Draft"
    AWAITING_SIGNATURE = LetterStatus.AWAITING_SIGNATURE.value, "Awaiting signature"
    SIGNED = LetterStatus.SIGNED.value, "Signed"
    EXPIRED = LetterStatus.EXPIRED.value, "Expired"
    REVOKED = LetterStatus.REVOKED.value, "Revoked"
    SUPERSEDED = LetterStatus.SUPERSEDED.value, "Superseded"


class SignatureMethod(models.TextChoices):
    ELECTRONIC = "electronic", "Electronic signature (secure link)"
    SCAN = "scan", "Wet-signed scan"


class Lmn(models.Model):
    """A letter of medical necessity (LMN): a provider's statement that training
    treats a client's diagnosed conditions, with the prescribed plan, the
    trainers and facilities it authorizes and the period it is valid for.

    Its fields map one to one onto an `lmns` entry of the engine's case
    (ENGINE.md). Only a draft can be changed; once signed the letter is
    immutable and a change is a renewal: a new version that `supersedes` it.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="lmns")
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lmns",
        help_text="The clinician who issues and signs the letter.",
    )
    status = models.CharField(max_length=20, choices=LmnStatus.choices, default=LmnStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        help_text="The letter this one renews.",
    )

    diagnoses = models.JSONField(
        default=list, blank=True, help_text="Billable ICD-10-CM codes, for example E66.01."
    )
    necessity_statement = models.TextField(blank=True)
    exercise_kind = models.CharField("kind of exercise", max_length=300, blank=True)
    sessions_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes_per_session = models.PositiveSmallIntegerField(null=True, blank=True)
    intensity = models.CharField(max_length=300, blank=True)
    precautions = models.TextField(blank=True)
    goals = models.TextField(blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    sessions_authorized = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: as many as the plan prescribes."
    )
    authorized_trainers = models.ManyToManyField(
        "trainers.Trainer", through="LmnTrainer", blank=True, related_name="+"
    )
    authorized_facilities = models.ManyToManyField(
        "facilities.Facility", through="LmnFacility", blank=True, related_name="+"
    )
    reexamination_date = models.DateField(null=True, blank=True)
    progress_summary = models.TextField(
        blank=True, help_text="For a renewal: how the client did under the previous letter."
    )

    # The provider's answer when they declined to sign (the letter is a draft again).
    decline_comment = models.TextField(blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    # The signature. `document_sha256` is the SHA-256 of the unsigned PDF the
    # provider reviewed and signed; `signed_pdf` is that letter rendered with
    # the signature attestation, whose own hash is kept on the stored file.
    signature_method = models.CharField(max_length=20, choices=SignatureMethod.choices, blank=True)
    signer_name = models.CharField(max_length=200, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signer_ip = models.GenericIPAddressField(null=True, blank=True)
    signer_user_agent = models.TextField(blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    signed_pdf = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_scan = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signature_audit_reference = models.CharField(max_length=40, blank=True)

    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["client", "-version", "-pk"]
        verbose_name = "letter of medical necessity"
        verbose_name_plural = "letters of medical necessity"
        indexes = [
            models.Index(fields=["organization", "status", "valid_to"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=F("valid_to")),
                name="lmn_valid_from_not_after_valid_to",
            ),
            # Every status from signed on was signed: the engine needs the date.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "awaiting_signature"])
                | Q(signed_on__isnull=False, signature_method__in=["electronic", "scan"]),
                name="lmn_signed_has_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} v{self.version} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        return f"LMN-{self.pk:05d}" if self.pk else "LMN-new"

    @property
    def letter_status(self) -> LetterStatus:
        return LetterStatus(self.status)

    @property
    def is_declined(self) -> bool:
        return self.status == LmnStatus.DRAFT and bool(self.decline_comment)

    @property
    def revoked_on(self) -> dt.date | None:
        from django.utils import timezone

        return timezone.localdate(self.revoked_at) if self.revoked_at else None

    def display_status(self, today: dt.date) -> str:
        """The status as people say it: a signed letter is "active" while in force."""
        if self.is_declined:
            return "declined"
        if self.status == LmnStatus.SIGNED:
            if self.valid_from and today < self.valid_from:
                return "signed, not yet in force"
            if self.valid_to and today > self.valid_to:
                return "lapsed"
            return "active"
        return self.get_status_display().lower()


class LmnTrainer(models.Model):
    """A trainer a letter authorizes (none listed: any trainer)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    lmn = models.ForeignKey(Lmn, on_delete=models.CASCADE)
    trainer = models.ForeignKey("trainers.Trainer", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lmn", "trainer"], name="lmn_trainer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.trainer} on {self.lmn}"


class LmnFacility(models.Model):
    """A facility a letter authorizes (none listed: any facility)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    lmn = models.ForeignKey(Lmn, on_delete=models.CASCADE)
    facility = models.ForeignKey("facilities.Facility", on_delete=models.PROTECT)

    class Meta:
        verbose_name_plural = "lmn facilities"
        constraints = [
            models.UniqueConstraint(fields=["lmn", "facility"], name="lmn_facility_once"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} on {self.lmn}"


class LmnSignatureRequest(models.Model):
    """A link emailed to a provider to review and sign (or decline) one letter,
    without an account.

    The link carries a signed, timestamped token; only its SHA-256 is stored.
    The row makes the link single-use (`used_at`) and revocable (`revoked_at`):
    a token with a valid signature is still refused once its row says so.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    lmn = models.ForeignKey(Lmn, on_delete=models.CASCADE, related_name="signature_requests")
    provider_email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True, help_text="signed or declined")
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"signing link for {self.lmn.reference} to {self.provider_email}"

    def state(self, now: dt.datetime) -> str:
        """open, used, revoked or expired."""
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        return "open"


class ReminderKind(models.TextChoices):
    EXPIRES_IN_60 = "expires_in_60", "Expires in 60 days"
    EXPIRES_IN_30 = "expires_in_30", "Expires in 30 days"
    EXPIRES_IN_7 = "expires_in_7", "Expires in 7 days"
    REEXAMINATION = "reexamination", "Re-examination due"


class ReminderSent(models.Model):
    """One reminder email about one letter to one person. The unique constraint
    is what makes a reminder go out once however often, and however many
    workers at once, the reminder task runs: a send starts by claiming its row."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    lmn = models.ForeignKey(Lmn, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["lmn", "kind", "recipient"], name="reminder_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.lmn.reference} to {self.recipient}"
