"""Keeping the coverage change log short: compacting folds its rows into
per-scope tallies, so reading a client's version costs the same however long
the client's history (see CoverageChangeTally)."""

from __future__ import annotations

from collections import Counter

from django.db import connections, router, transaction
from django.db.models import F

from fitclaim.coverage.models import WHOLE_ORGANIZATION, CoverageChange, CoverageChangeTally

BATCH = 50_000


def coverage_changes_compact(*, batch: int = BATCH) -> int:
    """Fold every committed change row into its scope's tally, oldest first,
    `batch` rows per transaction; return how many rows were folded.

    No version moves: each transaction deletes rows and adds as many to the
    tallies, and a reader's one statement sees it all or none of it. A change
    still being written when this runs is not visible to it, stays in the log
    and counts when it commits."""
    alias = router.db_for_write(CoverageChange)
    folded = 0
    while True:
        if connections[alias].vendor == "postgresql":
            done = _compact_batch_postgresql(alias, batch)
        else:
            done = _compact_batch(alias, batch)
        folded += done
        if done < batch:
            return folded


def _compact_batch_postgresql(alias: str, batch: int) -> int:
    # One statement: the rows deleted are exactly the rows tallied, whatever
    # commits meanwhile (a SELECT, then a DELETE, could see two different sets).
    changes = CoverageChange._meta.db_table
    tallies = CoverageChangeTally._meta.db_table
    sql = f"""
        WITH folded AS (
            DELETE FROM {changes} WHERE id IN (SELECT id FROM {changes} ORDER BY id LIMIT %s)
            RETURNING organization_id, COALESCE(client_id, {WHOLE_ORGANIZATION}) AS client_id
        ), counted AS (
            SELECT organization_id, client_id, COUNT(*) AS n FROM folded
            GROUP BY organization_id, client_id
        ), tallied AS (
            INSERT INTO {tallies} (organization_id, client_id, changes)
            SELECT organization_id, client_id, n FROM counted
            ON CONFLICT (organization_id, client_id)
            DO UPDATE SET changes = {tallies}.changes + EXCLUDED.changes
        )
        SELECT COALESCE(SUM(n), 0) FROM counted
    """  # noqa: S608 (table names from the models; the batch size is a parameter)
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(sql, [batch])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _compact_batch(alias: str, batch: int) -> int:
    # SQLite takes its write lock when the transaction begins (IMMEDIATE), so
    # nothing commits between reading these rows and deleting them.
    with transaction.atomic(using=alias):
        rows = list(
            CoverageChange.objects.using(alias)
            .order_by("id")
            .values_list("id", "organization_id", "client_id")[:batch]
        )
        if not rows:
            return 0
        CoverageChange.objects.using(alias).filter(id__lte=rows[-1][0]).delete()
        counts = Counter(
            (organization_id, client_id or WHOLE_ORGANIZATION)
            for _, organization_id, client_id in rows
        )
        for (organization_id, client_id), n in counts.items():
            tally, _ = CoverageChangeTally.objects.using(alias).get_or_create(
                organization_id=organization_id, client_id=client_id
            )
            CoverageChangeTally.objects.using(alias).filter(pk=tally.pk).update(
                changes=F("changes") + n
            )
    return len(rows)
