"""Trainers: the people who deliver the prescribed training, and their credentials."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

# Payers stop accepting a trainer the day a required credential lapses; two
# months is the time a renewal usually takes, so that is when we start warning.
EXPIRY_WARNING_DAYS = 60


class LicensedProfession(models.TextChoices):
    """A state license that lets a trainer bill therapy codes (97xxx) itself."""

    NONE = "none", "None"
    PT = "pt", "Physical therapist (PT)"
    OT = "ot", "Occupational therapist (OT)"


class Trainer(models.Model):
    """A trainer (exercise physiologist, personal trainer, therapist) who
    delivers sessions. May be linked to the user account they sign in with;
    clients assigned to a trainer are the only clients that user sees."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="trainers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainer_profiles",
        help_text="The account this trainer signs in with, if any.",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    npi = models.CharField("NPI", max_length=10, blank=True, help_text="Optional; 10 digits.")
    licensed_profession = models.CharField(
        max_length=10, choices=LicensedProfession.choices, default=LicensedProfession.NONE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(user__isnull=False),
                name="one_trainer_per_user_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Credential(models.Model):
    """A certification that qualifies a trainer for clinical work (ACSM-CEP,
    NASM-CES, ACE-MES...). Valid from `issued` (when known) to `expires`,
    inclusive; payers may require one valid on the session date."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    trainer = models.ForeignKey(Trainer, on_delete=models.CASCADE, related_name="credentials")
    code = models.CharField(max_length=30, help_text="For example ACSM-CEP, NASM-CES, ACE-MES.")
    number = models.CharField("certificate number", max_length=60, blank=True)
    issuer = models.CharField(max_length=200, blank=True, help_text="The certifying body.")
    issued = models.DateField(null=True, blank=True)
    expires = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expires", "code", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued__isnull=True) | Q(issued__lte=F("expires")),
                name="credential_issued_not_after_expires",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} (expires {self.expires:%Y-%m-%d})"

    def is_expired(self, today: dt.date) -> bool:
        return self.expires < today

    def expires_soon(self, today: dt.date) -> bool:
        """Still valid today but lapsing within the warning window."""
        return today <= self.expires <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
