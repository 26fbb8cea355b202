"""Claim packet benchmark: the packet of an FSA claim of SESSIONS sessions with
its signed letter of medical necessity and RECEIPTS receipt photos, through
`claim_packet_pdf` (what the page, the API and `fitclaim claim packet` call),
on a fresh SQLite database in a temporary data directory.

Workload (fixed): one client, 100 attended sessions paid in full, a letter
signed on paper (its scan, a 1275x1650 JPEG, stored encrypted), 20 uploaded
receipt photos (1200x1600 JPEG, about 170 KB each, stored encrypted), each
attached to 5 sessions; the claim has the 100 sessions as lines. The packet is
a cover sheet (100 lines), a superbill (100 lines), the letter and the 20
photos: 27 pages.

Prints the seconds for each of RUNS packets (the first includes fonts and
imports), the best and the median, pages and bytes.

    .venv/bin/python bench/packet.py
    .venv/bin/python bench/packet.py --sessions 100 --receipts 20 --runs 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time


def photo(width: int, height: int, label: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 40):
        draw.line((0, y, width, y + 20), fill=(205, 205, 215), width=3)
    for n in range(40):
        draw.text((90, 90 + 35 * n), f"{label}  line {n}  S9451  $85.00", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--receipts", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    os.environ["FITCLAIM_DATA_DIR"] = tempfile.mkdtemp(prefix="fc-bench-packet-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fitclaim.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from pypdf import PdfReader

    call_command("migrate", verbosity=0)

    from fitclaim.accounts.actor import Actor
    from fitclaim.accounts.models import Membership, Organization, Role, User
    from fitclaim.claims.models import Claim, ClaimLine
    from fitclaim.claims.packets import claim_packet_pdf
    from fitclaim.clients.models import Client
    from fitclaim.files.models import FilePurpose
    from fitclaim.files.services import file_store
    from fitclaim.funding.models import FundingKind, FundingSource
    from fitclaim.lmns.models import Lmn, LmnStatus
    from fitclaim.payments.models import UploadedReceipt, UploadedReceiptSession
    from fitclaim.providers.models import Provider
    from fitclaim.trainers.models import Trainer
    from fitclaim.training.models import TrainingSession

    today = dt.date.today()
    org = Organization.objects.create(
        name="Riverbend Medical Fitness",
        address="415 River Road, Suite 200\nSalem, OR 97301",
        tax_id="93-1234567",
        group_npi="1558412340",
    )
    user = User.objects.create(username="bench", email="bench@example.test")
    membership = Membership.objects.create(user=user, organization=org, role=Role.ADMIN)
    by = Actor(user=user, membership=membership, via="cli")
    client = Client.objects.create(
        organization=org,
        first_name="Dana",
        last_name="Reyes",
        birth_date=dt.date(1971, 4, 9),
        address="27 Elm St\nSalem, OR 97302",
        conditions=["E66.812", "E11.9"],
    )
    trainer = Trainer.objects.create(organization=org, name="Sam Ortiz")
    provider = Provider.objects.create(
        organization=org, name="Dr. Ana Lee", kind="physician", npi="1245319599", credentials="MD"
    )
    fsa = FundingSource.objects.create(
        organization=org,
        client=client,
        kind=FundingKind.FSA,
        name="Employer FSA",
        payer_name="WageWorks",
        member_id="FSA-REYES",
        period_start=today - dt.timedelta(days=300),
        period_end=today + dt.timedelta(days=60),
        election=Decimal("10000.00"),
    )
    scan = file_store(
        by=by,
        organization=org,
        purpose=FilePurpose.LMN_SCAN,
        name="signed-letter.jpg",
        content=photo(1275, 1650, "Letter of medical necessity"),
        client=client,
    )
    lmn = Lmn.objects.create(
        organization=org,
        client=client,
        provider=provider,
        status=LmnStatus.SIGNED,
        diagnoses=["E66.812", "E11.9"],
        exercise_kind="Supervised resistance and aerobic training",
        sessions_per_week=2,
        minutes_per_session=60,
        valid_from=today - dt.timedelta(days=300),
        valid_to=today + dt.timedelta(days=60),
        signature_method="scan",
        signer_name="Ana Lee",
        signed_on=today - dt.timedelta(days=300),
        signed_scan=scan,
    )
    sessions = TrainingSession.objects.bulk_create(
        [
            TrainingSession(
                organization=org,
                client=client,
                trainer=trainer,
                date=today - dt.timedelta(days=2 * n + 1),
                code="S9451",
                charge=Decimal("85.00"),
                paid_total=Decimal("85.00"),
                status="attended",
            )
            for n in range(args.sessions)
        ]
    )
    per_receipt = max(1, args.sessions // max(1, args.receipts))
    for r in range(args.receipts):
        stored = file_store(
            by=by,
            organization=org,
            purpose=FilePurpose.RECEIPT,
            name=f"receipt-{r}.jpg",
            content=photo(1200, 1600, f"Receipt {r}"),
            client=client,
        )
        upload = UploadedReceipt.objects.create(organization=org, client=client, file=stored)
        UploadedReceiptSession.objects.bulk_create(
            [
                UploadedReceiptSession(
                    organization=org, receipt=upload, session=session, attached_on=today
                )
                for session in sessions[r * per_receipt : (r + 1) * per_receipt]
            ]
        )
    claim = Claim.objects.create(
        organization=org,
        client=client,
        source=fsa,
        kind=fsa.kind,
        as_of=today,
        total=Decimal("85.00") * len(sessions),
        charge_total=Decimal("85.00") * len(sessions),
    )
    ClaimLine.objects.bulk_create(
        [
            ClaimLine(
                organization=org,
                claim=claim,
                session=session,
                source=fsa,
                date=session.date,
                code=session.code,
                charge=session.charge,
                amount=session.charge,
                predicted=session.charge,
                lmn=lmn,
            )
            for session in sessions
        ]
    )

    times = []
    content = b""
    for _ in range(args.runs):
        start = time.perf_counter()
        content, _name = claim_packet_pdf(by=by, claim=claim)
        times.append(time.perf_counter() - start)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    print(
        f"packet of {args.sessions} sessions, letter + {args.receipts} receipt photos: "
        f"{pages} pages, {len(content):,} bytes"
    )
    print("runs (s): " + ", ".join(f"{t:.3f}" for t in times))
    print(f"best {min(times):.3f} s, median {statistics.median(times):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
