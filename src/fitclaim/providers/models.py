"""Providers: the clinicians who prescribe training."""

from __future__ import annotations

from django.db import models


class ProviderKind(models.TextChoices):
    """The kinds of clinician who can issue a letter of medical necessity. The
    values are the engine's issuer kinds (ENGINE.md) and what a funding source's
    `accepted_issuers` lists."""

    PHYSICIAN = "physician", "Physician"
    NURSE_PRACTITIONER = "nurse_practitioner", "Nurse practitioner"
    PHYSICIAN_ASSISTANT = "physician_assistant", "Physician assistant"
    CHIROPRACTOR = "chiropractor", "Chiropractor"
    PHYSICAL_THERAPIST = "physical_therapist", "Physical therapist"


class Provider(models.Model):
    """A licensed clinician (physician, nurse practitioner, ...) who examines a
    client and may write and sign their letter of medical necessity. Identified
    to payers by an NPI."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="providers"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ProviderKind.choices)
    credentials = models.CharField(
        max_length=40,
        blank=True,
        help_text="Degree or certification after the name: MD, DO, NP-C, PA-C, DC, DPT.",
    )
    npi = models.CharField("NPI", max_length=10, help_text="10 digits.")
    license_state = models.CharField(max_length=2, blank=True, help_text="Two-letter state code.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "npi"], name="provider_npi_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name
