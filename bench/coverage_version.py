"""Coverage version benchmark: what reading a client's coverage version costs
as the change log grows, and after `fitclaim compact_coverage_changes`.

Every coverage read (page, API, command line) reads the version first
(coverage.selectors). Workload, on a fresh database (a new PostgreSQL database
when --database-url / DATABASE_URL names a PostgreSQL server, else SQLite): for
each log size, that many change rows for one client plus a tenth as many for
its whole organization, and as many again for other clients; then READS reads
of the client's version (`coverage_version`, one process), the compaction
(timed), and the same reads again (on PostgreSQL, also after a VACUUM of the
log, as autovacuum would run). The version must be the same before and after;
the script stops if it is not.

    .venv/bin/python bench/coverage_version.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/coverage_version.py                     # SQLite
"""

from __future__ import annotations

import argparse
import os
import time

from _database import fresh_database

SIZES = (1_000, 10_000, 100_000)
READS = 2_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--reads", type=int, default=READS)
    args = parser.parse_args()
    database, drop = fresh_database(args.database_url, "bench-version")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fitclaim.clients.models import Client
    from fitclaim.coverage.models import CoverageChange
    from fitclaim.coverage.selectors import coverage_version
    from fitclaim.coverage.services import coverage_changes_compact

    def per_read(client: Client) -> float:
        for _ in range(100):
            coverage_version(client)
        started = time.perf_counter()
        for _ in range(args.reads):
            coverage_version(client)
        return (time.perf_counter() - started) / args.reads * 1000

    rows = []
    try:
        call_command("migrate", verbosity=0, interactive=False)
        # The version reads plain integers: no organization or client record is needed.
        client = Client(pk=1, organization_id=1)
        for size in SIZES:
            CoverageChange.objects.all().delete()
            log = (
                [CoverageChange(organization_id=1, client_id=1) for _ in range(size)]
                + [CoverageChange(organization_id=1, client_id=None) for _ in range(size // 10)]
                + [CoverageChange(organization_id=1, client_id=2 + i % 50) for i in range(size)]
            )
            CoverageChange.objects.bulk_create(log, batch_size=10_000)
            version = coverage_version(client)
            before = per_read(client)
            started = time.perf_counter()
            folded = coverage_changes_compact()
            compact_s = time.perf_counter() - started
            after = per_read(client)
            vacuumed = None
            if connection.vendor == "postgresql":
                # What autovacuum does soon after (this machine's server runs
                # without it): until then the deleted rows' index entries are
                # still walked.
                with connection.cursor() as cursor:
                    cursor.execute(f"VACUUM {CoverageChange._meta.db_table}")
                vacuumed = per_read(client)
            if coverage_version(client) != version:
                raise SystemExit(f"compacting moved the version of a {size}-row log")
            rows.append((size, len(log), before, folded, compact_s, after, vacuumed))
    finally:
        drop()

    print(f"database: {database}; {args.reads:,} reads of one client's version per figure")
    print(
        f"{'client rows':>11} {'log rows':>9} {'ms/read':>8} {'compacted':>10} "
        f"{'compact s':>9} {'ms/read after':>13} {'after VACUUM':>12}"
    )
    for size, total, before, folded, compact_s, after, vacuumed in rows:
        print(
            f"{size:>11,} {total:>9,} {before:>8.3f} {folded:>10,} {compact_s:>9.2f} "
            f"{after:>13.3f} {'' if vacuumed is None else f'{vacuumed:.3f}':>12}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
