"""What the coverage app stores: a log of changes, so a cached result knows
when it is stale, and the tallies the log is compacted into."""

from __future__ import annotations

from django.db import models


class CoverageChange(models.Model):
    """One change to records a client's coverage depends on.

    A row is appended (never updated) in the same transaction as the change,
    so the number of rows a reader sees for a client moves forward exactly when
    a change commits; a cached coverage result is keyed by that number (plus
    the client's tallies, see CoverageChangeTally). A row without a client (a
    trainer's credential, a provider, an import) concerns every client of the
    organization.

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


# The tally of the rows without a client: client pks start at 1.
WHOLE_ORGANIZATION = 0


class CoverageChangeTally(models.Model):
    """How many change rows of one scope `coverage_changes_compact` has folded
    away (client_id WHOLE_ORGANIZATION: the rows without a client).

    A client's version is its rows plus its tally plus its organization's
    rows and tally. Compacting deletes rows and adds them to the tally in one
    transaction, so every reader sees the same version before and after: the
    cache stays valid, and the version costs the same for a client with ten
    years of history as for a new one.
    """

    organization_id = models.BigIntegerField()
    client_id = models.BigIntegerField()
    changes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id", "client_id"], name="coverage_tally_scope"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.changes} changes (organization {self.organization_id}, "
            f"client {self.client_id or 'all'})"
        )
