"""Clients: the people whose training is prescribed and reimbursed."""

from __future__ import annotations

from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat


class Strategy(models.TextChoices):
    """How the engine spends a client's HSA (ENGINE.md `strategy`)."""

    MAXIMIZE_NOW = "maximize_now", "Reimburse from every source now"
    PRESERVE_HSA = "preserve_hsa", "Preserve the HSA (reimburse from it later)"


class Client(models.Model):
    """A person receiving medically necessary training, and the patient on every
    letter, receipt and claim.

    `conditions` are the client's diagnoses as billable ICD-10-CM codes, in the
    order they were entered. `priority` and `strategy` are the client's
    preferences for how the engine spends the non-insurance funding sources;
    an empty `priority` means the engine's default order.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="clients"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    conditions = models.JSONField(
        default=list,
        blank=True,
        help_text="Billable ICD-10-CM codes, for example E66.811, E11.9.",
    )
    trainers = models.ManyToManyField(
        "trainers.Trainer", blank=True, related_name="clients", verbose_name="assigned trainers"
    )
    # Ids of this client's non-insurance funding sources in the order the engine
    # should use them. Kept here, not on the sources, because it is one
    # preference about all of them.
    priority = models.JSONField(default=list, blank=True)
    strategy = models.CharField(
        max_length=20, choices=Strategy.choices, default=Strategy.MAXIMIZE_NOW
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    updated_at = models.DateTimeField(auto_now=True, null=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["organization", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @staticmethod
    def name_in_query() -> Concat:
        """`name` as a database expression, for a query that reads only the name."""
        return Concat("first_name", Value(" "), "last_name")
