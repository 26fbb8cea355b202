"""Clients: the people whose training is prescribed and reimbursed."""

from __future__ import annotations

from django.db import models


class Client(models.Model):
    """A person receiving medically necessary training, and the patient on every
    letter, receipt and claim."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="clients"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
