"""LMN PDF benchmark: render a fixed batch of one-page letters of medical necessity.

Workload: LETTERS letters built in memory (no database), each with its own
patient, two to four diagnoses, a full plan, trainers and facilities; every
other one signed (the attestation block), as a renewal batch would be. One
warm-up letter first (fonts load once per process).

Prints letters per second (and pages per second) in one process, and with
--workers N in N processes (a batch job's throughput on this machine).

    .venv/bin/python bench/lmn_pdf.py                 # 500 letters, 1 process
    .venv/bin/python bench/lmn_pdf.py --workers 2     # and in 2 processes
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fitclaim.documents.lmn import LetterDocument, Signature, render_letter
from fitclaim.documents.pdf import Letterhead

DIAGNOSES = (
    ("E66.812", "Obesity, class 2"),
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("I25.10", "Atherosclerotic heart disease of native coronary artery without angina pectoris"),
    ("F32.A", "Depression, unspecified"),
    ("F41.1", "Generalized anxiety disorder"),
    ("Z96.651", "Presence of right artificial knee joint"),
)
FIRST = ("Dana", "Marcus", "Priya", "Tom", "Linda", "George", "Aisha", "Kevin", "Zoë", "Łukasz")
LAST = ("Reyes", "Bell", "Natarajan", "Haller", "Okafor", "Whitfield", "Rahman", "O'Brien")


def letter(index: int) -> LetterDocument:
    start = dt.date(2026, 1, 1) + dt.timedelta(days=index % 300)
    name = f"{FIRST[index % len(FIRST)]} {LAST[index % len(LAST)]}"
    diagnoses = tuple(DIAGNOSES[(index + k) % len(DIAGNOSES)] for k in range(2 + index % 3))
    signature = None
    if index % 2:
        signature = Signature(
            method="electronic",
            signer_name="Ana Lee",
            signed_at=dt.datetime(2026, 1, 1, 10, 30) + dt.timedelta(hours=index),
            audit_reference=f"AE-{1000 + index}",
            ip="203.0.113.24",
            document_sha256=f"{index:064x}",
        )
    return LetterDocument(
        letterhead=Letterhead(
            name="Riverbend Medical Fitness",
            address="415 River Road, Suite 200\nSalem, OR 97301",
            phone="(503) 555-0140",
            tax_id="93-1234567",
            npi="1558412346",
        ),
        reference=f"LMN-{index:05d}",
        version=1 + index % 3,
        patient_name=name,
        patient_birth_date=dt.date(1950 + index % 50, 1 + index % 12, 1 + index % 28),
        member_ids=f"Acme Health PPO: ACM{884120931 + index}",
        diagnoses=diagnoses,
        necessity_statement=(
            f"{name} is under my care for the conditions listed above. I prescribe supervised "
            f"exercise training as part of their treatment: it treats these conditions, and "
            f"{name} would not incur this expense but for them."
        ),
        exercise_kind="Supervised resistance and aerobic training",
        sessions_per_week=2 + index % 2,
        minutes_per_session=45 + 15 * (index % 2),
        intensity="Moderate (RPE 11-13), progressing as tolerated",
        precautions="Check blood glucose before and after sessions; stop on chest pain.",
        goals="Lose 7% of body weight; HbA1c below 7%; walk 30 minutes without rest.",
        valid_from=start,
        valid_to=start + dt.timedelta(days=364),
        sessions_authorized=96,
        authorized_trainers=("Sam Ortiz", "Jo Kim")[: 1 + index % 2],
        authorized_facilities=("Riverbend Main Studio",) if index % 3 else (),
        reexamination_date=start + dt.timedelta(days=180),
        provider_name="Dr. Ana Lee",
        provider_kind="physician",
        provider_credentials="MD",
        provider_npi="1245319599",
        provider_license="OR state license",
        provider_contact="(503) 555-0190 · ana.lee@salemfamilymed.example",
        signature=signature,
    )


def render_batch(indexes: range) -> tuple[int, int]:
    """Render the letters; (letters, pages)."""
    from pypdf import PdfReader

    pages = 0
    for index in indexes:
        pdf = render_letter(letter(index))
        if index == indexes.start:
            pages_each = len(PdfReader(io.BytesIO(pdf)).pages)
        pages += pages_each
    return len(indexes), pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    render_letter(letter(0))  # warm-up: font files are read once per process
    started = time.perf_counter()
    letters, pages = render_batch(range(args.letters))
    elapsed = time.perf_counter() - started
    print(
        f"1 process: {letters} letters ({pages} pages) in {elapsed:.2f} s = "
        f"{letters / elapsed:.0f} letters/s"
    )
    if args.workers > 1:
        chunk = -(-args.letters // args.workers)
        ranges = [
            range(start, min(start + chunk, args.letters))
            for start in range(0, args.letters, chunk)
        ]
        with ProcessPoolExecutor(args.workers) as pool:
            list(pool.map(render_batch, [range(0, 1)] * args.workers))  # warm each worker
            started = time.perf_counter()
            results = list(pool.map(render_batch, ranges))
            elapsed = time.perf_counter() - started
        letters = sum(n for n, _ in results)
        print(
            f"{args.workers} processes: {letters} letters in {elapsed:.2f} s = "
            f"{letters / elapsed:.0f} letters/s"
        )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
