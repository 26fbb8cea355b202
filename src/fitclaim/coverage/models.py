"""What the coverage app stores: a log of changes, so a cached result knows
when it is stale."""

from __future__ import annotations

from django.db import models


class CoverageChange(models.Model):
    """One change to records a client's coverage depends on.

    A row is appended (never updated) in the same transaction as the change,
    so the number of rows a reader sees for a client moves forward exactly when
    a change commits; a cached coverage result is keyed by that number. A row
    without a client (a trainer's credential, a provider, an import) concerns
    every client of the organization.

    Plain integers, not foreign keys: a row about a client being deleted must
    not stop the deletion, and nothing here is shown to anyone.
    """

    organization_id = models.BigIntegerField()
    client_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization_id", "client_id"], name="coverage_change_scope")
        ]

    def __str__(self) -> str:
        return f"change {self.pk} (organization {self.organization_id}, client {self.client_id})"
