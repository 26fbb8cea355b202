"""Pre-authorizations: what a client asked their insurer to cover, and the answer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class PreauthStatus(models.TextChoices):
    """The insurer's answer (ENGINE.md `preauthorizations[].status`)."""

    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


class Preauthorization(models.Model):
    """A request to an insurance plan to cover a number of training sessions
    over a period, relying on a letter of medical necessity, and the insurer's
    answer: status, reference number, approved sessions and valid dates.

    Maps onto a `preauthorizations` entry of the engine's case: the answered
    dates when there are some, else the requested ones.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="preauthorizations"
    )
    source = models.ForeignKey(
        "funding.FundingSource",
        on_delete=models.PROTECT,
        related_name="preauthorizations",
        help_text="The insurance plan asked.",
    )
    lmn = models.ForeignKey(
        "lmns.Lmn",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="preauthorizations",
        verbose_name="letter of medical necessity",
    )

    # The request.
    requested_on = models.DateField()
    requested_sessions = models.PositiveIntegerField()
    requested_from = models.DateField()
    requested_to = models.DateField()
    service_codes = models.JSONField(
        default=list, blank=True, help_text="Service codes requested, for example S9451, 97110."
    )

    # The insurer's answer.
    status = models.CharField(
        max_length=20, choices=PreauthStatus.choices, default=PreauthStatus.PENDING
    )
    reference = models.CharField("reference number", max_length=60, blank=True)
    approved_sessions = models.PositiveIntegerField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["client", "-requested_on", "-pk"]
        verbose_name = "pre-authorization"
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_from__lte=F("requested_to")),
                name="preauth_requested_from_not_after_to",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=F("valid_to")),
                name="preauth_valid_from_not_after_to",
            ),
            # The engine requires an approved answer's sessions and dates.
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(
                    approved_sessions__isnull=False,
                    valid_from__isnull=False,
                    valid_to__isnull=False,
                ),
                name="preauth_approved_has_sessions_and_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_reference} ({self.get_status_display()})"

    @property
    def display_reference(self) -> str:
        return self.reference or f"PA-{self.pk:05d}"

    @property
    def effective_from(self) -> dt.date:
        return self.valid_from or self.requested_from

    @property
    def effective_to(self) -> dt.date:
        return self.valid_to or self.requested_to
