"""Facilities: the places where training happens."""

from __future__ import annotations

from django.db import models


class Facility(models.Model):
    """A gym, studio or clinic where sessions take place. A letter of medical
    necessity may authorize training only at named facilities, so sessions and
    letters refer to these."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="facilities"
    )
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "facilities"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="facility_name_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name
