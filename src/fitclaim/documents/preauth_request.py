"""The pre-authorization request sent to an insurer: a cover letter with the
member and plan details and the requested services and codes, followed by the
signed letter of medical necessity as pages of the same PDF."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import inch

from fitclaim.documents.lmn import (
    WIDTH,
    Block,
    format_date,
    grid_blocks,
    heading,
    letterhead_block,
    render_blocks,
    rows_block,
    space,
    text_blocks,
)
from fitclaim.documents.pdf import Letterhead, register_fonts

# Short descriptions of the service codes training is billed under (HCPCS
# S9451; CPT 97xxx, paraphrased): an insurer's reviewer reads the code, the
# member reads the words.
SERVICE_DESCRIPTIONS = {
    "S9451": "Exercise class, non-physician provider, per session",
    "97110": "Therapeutic exercise to develop strength, endurance and flexibility, each 15 min",
    "97112": "Neuromuscular re-education, each 15 minutes",
    "97530": "Therapeutic activities, dynamic, each 15 minutes",
    "97750": "Physical performance test or measurement, each 15 minutes",
}


def service_rows(codes: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return tuple((code, SERVICE_DESCRIPTIONS.get(code, "")) for code in codes)


@dataclass(frozen=True)
class PreauthRequestDocument:
    letterhead: Letterhead
    reference: str
    date: dt.date
    insurer_name: str
    insurer_address: str
    plan_name: str
    member_name: str
    member_birth_date: dt.date | None
    member_id: str
    member_address: str
    diagnoses: tuple[tuple[str, str], ...]
    services: tuple[tuple[str, str], ...]
    requested_sessions: int
    requested_from: dt.date
    requested_to: dt.date
    exercise_kind: str = ""
    sessions_per_week: int | None = None
    minutes_per_session: int | None = None
    trainers: tuple[str, ...] = ()
    provider_name: str = ""
    provider_npi: str = ""
    lmn_reference: str = ""
    lmn_signed_on: dt.date | None = None
    lmn_valid_from: dt.date | None = None
    lmn_valid_to: dt.date | None = None
    lmn_attached: bool = False
    notes: str = ""


def request_blocks(doc: PreauthRequestDocument) -> list[Block]:
    register_fonts()
    title = "Request for Pre-authorization"
    blocks: list[Block] = [
        letterhead_block(doc.letterhead, title=title, reference=f"Ref. {doc.reference}"),
    ]
    blocks += text_blocks(format_date(doc.date))
    blocks.append(space(8))
    blocks += text_blocks("\n".join(filter(None, [doc.insurer_name, doc.insurer_address])))
    blocks.append(space(6))
    blocks.append(heading(title, before=6))
    blocks += rows_block(
        [
            ("Member", doc.member_name),
            ("Date of birth", format_date(doc.member_birth_date)),
            ("Member id", doc.member_id or "—"),
            ("Plan", doc.plan_name),
            ("Address", doc.member_address or "—"),
        ]
    )
    blocks.append(heading("Requested services"))
    frequency = ""
    if doc.sessions_per_week and doc.minutes_per_session:
        frequency = (
            f", {doc.sessions_per_week} sessions per week of {doc.minutes_per_session} minutes"
        )
    blocks += text_blocks(
        f"We ask you to authorize {doc.requested_sessions} sessions of medically necessary "
        f"supervised exercise training from {format_date(doc.requested_from)} through "
        f"{format_date(doc.requested_to)}{frequency}"
        + (f": {doc.exercise_kind}." if doc.exercise_kind else ".")
    )
    blocks.append(space(4))
    if doc.services:
        blocks += grid_blocks(
            [("Code", "Service"), *doc.services], (1.1 * inch, WIDTH - 1.1 * inch)
        )
    blocks.append(heading("Diagnoses (ICD-10-CM)"))
    blocks += grid_blocks(
        [("Code", "Description"), *doc.diagnoses], (1.1 * inch, WIDTH - 1.1 * inch)
    )
    blocks.append(heading("Medical necessity"))
    if doc.lmn_reference:
        signed = (
            f", signed {format_date(doc.lmn_signed_on)}" if doc.lmn_signed_on else " (unsigned)"
        )
        attached = " and attached" if doc.lmn_attached else ""
        blocks += text_blocks(
            f"The training is prescribed by {doc.provider_name or 'the treating provider'}"
            + (f" (NPI {doc.provider_npi})" if doc.provider_npi else "")
            + f" in letter of medical necessity {doc.lmn_reference}{signed}{attached}, "
            f"valid {format_date(doc.lmn_valid_from)} through {format_date(doc.lmn_valid_to)}."
        )
    else:
        blocks += text_blocks("The letter of medical necessity will follow.")
    if doc.trainers:
        blocks.append(space(4))
        blocks += rows_block([("Delivered by", ", ".join(doc.trainers))])
    if doc.notes:
        blocks.append(heading("Notes"))
        blocks += text_blocks(doc.notes)
    blocks.append(space(12))
    blocks += text_blocks(
        "Please send your answer (approved sessions, dates and reference number) to us at "
        "the address above"
        + (f" or by phone at {doc.letterhead.phone}" if doc.letterhead.phone else "")
        + f", quoting {doc.reference}."
    )
    blocks.append(space(10))
    blocks += text_blocks(f"{doc.letterhead.name}")
    return blocks


def render_preauth_request(
    doc: PreauthRequestDocument, *, attachments: Sequence[bytes] = ()
) -> bytes:
    """The cover letter, then each attachment's pages (the signed letter)."""
    cover = render_blocks(
        request_blocks(doc),
        title=f"Request for Pre-authorization {doc.reference}",
        author=doc.letterhead.name,
        footer=f"{doc.letterhead.name} · Pre-authorization request {doc.reference} · "
        f"{doc.member_name}",
    )
    if not attachments:
        return cover
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    for attachment in attachments:
        writer.append(PdfReader(io.BytesIO(attachment)))
    writer.add_metadata({"/Title": f"Request for Pre-authorization {doc.reference}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
