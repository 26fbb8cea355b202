"""837P benchmark: write an 837P (005010X222A1) of CLAIMS claims already loaded,
then validate the same file with pyx12; separately, load claims from the
database into the writer's dataclasses.

Generation workload (seeded, in memory): 10,000 claims for 2,000 subscribers,
1 to 4 service lines each (about 25,000 lines), 1 to 4 diagnoses, two claims in
three with a pre-authorization number, half with a rendering trainer, three
payers. Timed: `render_837p` only (what runs once the claims are loaded).

Validation: pyx12's `x12n_document` over the same text (its full map walk and
code-list checks), once; it must find no error.

Loading (`--load N`, default 1,000; 0 to skip): N ready insurance claims of 2
lines each in a fresh SQLite database in a temporary data directory, read by
`claims.x12.load_professional_claims` (what `fitclaim x12 837` calls before
writing).

    .venv/bin/python bench/x12.py
    .venv/bin/python bench/x12.py --claims 10000 --runs 5 --load 2000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal


def make_claims(count: int) -> tuple[object, object, list[object]]:
    from fitclaim.interop.x12.professional import (
        Address,
        BillingProvider,
        Envelope,
        Payer,
        ProfessionalClaim,
        Rendering,
        ServiceLine,
        Subscriber,
    )

    rng = random.Random(837)
    envelope = Envelope(
        sender_id="1558412340",
        receiver_id="CLEARINGHOUSE",
        receiver_name="Clearinghouse",
        submitter_name="Riverbend Medical Fitness",
        contact_name="Lee Carter",
        contact_phone="5035550140",
        control_number=1,
        created=dt.datetime(2026, 11, 28, 9, 30),
        usage="T",
    )
    billing = BillingProvider(
        name="Riverbend Medical Fitness",
        npi="1558412340",
        ein="931234567",
        address=Address(("415 River Road, Suite 200",), "Salem", "OR", "97301"),
    )
    subscribers = [
        Subscriber(
            last_name=rng.choice(["Reyes", "Bell", "Natarajan", "Haller", "Okafor", "Cho"]),
            first_name=rng.choice(["Dana", "Marcus", "Priya", "Tom", "Linda", "Henry"]),
            member_id=f"ACM{rng.randint(10**8, 10**9 - 1)}",
            birth_date=dt.date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            address=Address((f"{rng.randint(1, 9999)} Elm St",), "Salem", "OR", "97302"),
        )
        for _ in range(2000)
    ]
    payers = [
        Payer(name="Acme Health", payer_id="ACME1"),
        Payer(name="Summit Blue", payer_id="SBH01"),
        Payer(name="Evergreen Mutual", payer_id="60054", responsibility="S"),
    ]
    diagnoses = ["E66.01", "E11.9", "I25.10", "F32.A", "F41.1", "E66.812", "Z96.651"]
    claims = []
    line_number = 0
    for n in range(1, count + 1):
        lines = []
        for _ in range(rng.randint(1, 4)):
            line_number += 1
            lines.append(
                ServiceLine(
                    control=f"L{line_number}",
                    code=rng.choice(["S9451", "S9451", "97110"]),
                    charge=Decimal(rng.choice(["85.00", "90.00", "120.00"])),
                    units=1,
                    date=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 320)),
                    pointers=(1, 2),
                )
            )
        claims.append(
            ProfessionalClaim(
                claim_id=f"FC{n:06d}",
                subscriber=rng.choice(subscribers),
                payer=rng.choice(payers),
                diagnoses=tuple(rng.sample(diagnoses, rng.randint(1, 4))),
                lines=tuple(lines),
                prior_authorization=rng.choice(["ACM-PA-20481", "ACM-PA-20977", ""]),
                rendering=rng.choice([None, Rendering("Ortiz", "Sam", "1245319599")]),
            )
        )
    return envelope, billing, claims


def bench_loading(count: int) -> None:
    os.environ["FITCLAIM_DATA_DIR"] = tempfile.mkdtemp(prefix="fc-bench-x12-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fitclaim.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from fitclaim.accounts.models import Organization
    from fitclaim.claims.models import Claim, ClaimLine
    from fitclaim.claims.x12 import load_professional_claims
    from fitclaim.clients.models import Client
    from fitclaim.funding.models import FundingKind, FundingSource
    from fitclaim.trainers.models import Trainer
    from fitclaim.training.models import TrainingSession

    today = dt.date.today()
    org = Organization.objects.create(
        name="Riverbend Medical Fitness",
        address="415 River Road, Suite 200\nSalem, OR 97301",
        tax_id="93-1234567",
        group_npi="1558412340",
    )
    trainer = Trainer.objects.create(organization=org, name="Sam Ortiz", npi="1245319599")
    clients = Client.objects.bulk_create(
        [
            Client(
                organization=org,
                first_name="Dana",
                last_name=f"Reyes{n}",
                birth_date=dt.date(1971, 4, 9),
                address="27 Elm St\nSalem, OR 97302",
                conditions=["E66.812", "E11.9"],
            )
            for n in range(max(1, count // 5))
        ]
    )
    sources = FundingSource.objects.bulk_create(
        [
            FundingSource(
                organization=org,
                client=client,
                kind=FundingKind.INSURANCE,
                name="Acme Health PPO",
                payer_name="Acme Health",
                member_id=f"ACM{client.pk:09d}",
                order=1,
                period_start=dt.date(today.year, 1, 1),
                period_end=dt.date(today.year, 12, 31),
            )
            for client in clients
        ]
    )
    claims = Claim.objects.bulk_create(
        [
            Claim(
                organization=org,
                client=clients[n % len(clients)],
                source=sources[n % len(sources)],
                kind=FundingKind.INSURANCE,
                status="ready",
                as_of=today,
                total=Decimal("80.00"),
                charge_total=Decimal("170.00"),
                payer_id="ACME1",
            )
            for n in range(count)
        ]
    )
    sessions = TrainingSession.objects.bulk_create(
        [
            TrainingSession(
                organization=org,
                client=claim.client,
                trainer=trainer,
                date=today - dt.timedelta(days=1 + (n % 2) * 7 + (i % 50)),
                code="S9451",
                charge=Decimal("85.00"),
                paid_total=Decimal("85.00"),
                status="attended",
            )
            for i, claim in enumerate(claims)
            for n in range(2)
        ]
    )
    ClaimLine.objects.bulk_create(
        [
            ClaimLine(
                organization=org,
                claim=claims[i // 2],
                session=session,
                source=claims[i // 2].source,
                date=session.date,
                code=session.code,
                charge=session.charge,
                amount=Decimal("40.00"),
                predicted=Decimal("40.00"),
            )
            for i, session in enumerate(sessions)
        ]
    )
    start = time.perf_counter()
    loaded = list(
        Claim.objects.filter(organization=org).select_related("client", "source", "organization")
    )
    _billing, written, problems = load_professional_claims(loaded)
    seconds = time.perf_counter() - start
    assert not problems, problems[:3]
    print(
        f"loading {len(written):,} claims ({2 * len(written):,} lines) from SQLite: "
        f"{seconds:.3f} s ({len(written) / seconds:,.0f} claims/s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load", type=int, default=1_000)
    parser.add_argument("--no-validate", action="store_true")
    args = parser.parse_args()

    from fitclaim.interop.x12.professional import render_837p
    from fitclaim.interop.x12.validate import validate_x12

    envelope, billing, claims = make_claims(args.claims)
    lines = sum(len(c.lines) for c in claims)  # type: ignore[attr-defined]
    times = []
    text = ""
    for _ in range(args.runs):
        start = time.perf_counter()
        text = render_837p(envelope, billing, claims)  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
    segments = text.count("~")
    print(
        f"837P of {args.claims:,} claims ({lines:,} service lines): {segments:,} segments, "
        f"{len(text):,} bytes"
    )
    print("generation runs (s): " + ", ".join(f"{t:.3f}" for t in times))
    print(f"generation best {min(times):.3f} s, median {statistics.median(times):.3f} s")
    if not args.no_validate:
        start = time.perf_counter()
        problems = validate_x12(text)
        seconds = time.perf_counter() - start
        print(
            f"pyx12 validation of the same file: {seconds:.1f} s "
            f"({args.claims / seconds:,.0f} claims/s), {len(problems)} error(s)"
        )
    if args.load:
        bench_loading(args.load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
