"""CSV import benchmark: ROWS session rows through `sessions_import`, on a fresh
database (SQLite in a temporary data directory, or a fresh PostgreSQL database
when --database-url / DATABASE_URL names a PostgreSQL server).

Workload: 500 clients, 5 trainers, 2 facilities; every row names its client by
id, its trainer by name and its facility by name (so every lookup is exercised),
has a time, a length, a status, an external id, and mixes S9451 and 97110 (so
the license warning runs too). Seeded, so the file is the same on every run.

Prints the seconds for a dry run (read + check every row) and for the real
import (check + write in one transaction), rows per second, and the rows
found afterwards.

    .venv/bin/python bench/import.py                                   # SQLite, 100,000 rows
    .venv/bin/python bench/import.py --database-url postgres://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/import.py --rows 10000                      # a quicker run
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

from _database import fresh_database

CLIENTS = 500
TRAINERS = ("Sam Ortiz", "Jo Kim", "Ana Lee", "Ben Cruz", "Kai Park")
FACILITIES = ("Main Studio", "Riverside Gym")


def make_csv(rows: int, client_ids: list[int], today: dt.date) -> bytes:
    rng = random.Random(20260201)
    out = ["date,time,client,trainer,facility,code,minutes,charge,status,notes,external_id"]
    start = today - dt.timedelta(days=720)
    for i in range(rows):
        day = start + dt.timedelta(days=rng.randint(0, 719))
        code = "97110" if rng.random() < 0.1 else "S9451"
        out.append(
            f"{day.isoformat()},{rng.choice(('07:00', '08:30', '17:15'))},"
            f"{rng.choice(client_ids)},{rng.choice(TRAINERS)},{rng.choice(FACILITIES)},"
            f"{code},{rng.choice((45, 60))},{rng.choice(('85.00', '90.00', '120.00'))},"
            f"{rng.choice(('attended', 'attended', 'attended', 'no_show', 'cancelled'))},"
            f",bench-{i}"
        )
    return ("\n".join(out) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    database, drop = fresh_database(args.database_url, "bench-import")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    try:
        call_command("migrate", verbosity=0, interactive=False)
        from fitclaim.accounts.actor import actor_for_email
        from fitclaim.accounts.models import Membership, Organization, Role, User
        from fitclaim.clients.models import Client
        from fitclaim.facilities.models import Facility
        from fitclaim.trainers.models import Trainer
        from fitclaim.training.imports import sessions_import
        from fitclaim.training.models import TrainingSession

        org = Organization.objects.create(name="Bench Studio")
        user = User.objects.create_user(username="bench", email="bench@studio.test", password=None)
        Membership.objects.create(user=user, organization=org, role=Role.ADMIN)
        for name in TRAINERS:
            Trainer.objects.create(organization=org, name=name)
        for name in FACILITIES:
            Facility.objects.create(organization=org, name=name)
        clients = Client.objects.bulk_create(
            Client(organization=org, first_name=f"C{i}", last_name="Bench") for i in range(CLIENTS)
        )
        actor = actor_for_email("bench@studio.test")
        content = make_csv(args.rows, [c.pk for c in clients], timezone.localdate())

        started = time.perf_counter()
        dry = sessions_import(by=actor, content=content, file_name="bench.csv", dry_run=True)
        dry_seconds = time.perf_counter() - started
        assert dry.ok, dry.errors[:5]

        started = time.perf_counter()
        report = sessions_import(by=actor, content=content, file_name="bench.csv")
        seconds = time.perf_counter() - started
        assert report.committed, report.errors[:5]
        found = TrainingSession.objects.count()
        vendor = connection.vendor
    finally:
        drop()

    print(
        f"database: {database} ({vendor}); rows: {args.rows:,}; file: {len(content) / 1e6:.1f} MB"
    )
    print(f"dry run (read + check): {dry_seconds:.2f} s ({args.rows / dry_seconds:,.0f} rows/s)")
    rate = args.rows / seconds
    print(f"import (check + write, one transaction): {seconds:.2f} s ({rate:,.0f} rows/s)")
    print(f"sessions in the database afterwards: {found:,}; warnings: {len(report.warnings):,}")
    return 0 if found == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
