"""The appeal letter for a denied claim line, as a PDF.

The body is drafted by claims.packets.appeal_body (denial reason, the letter
of medical necessity, the pre-authorization, the plan's terms) and may be
edited before it is sent; this module lays it out under the letterhead, with
the claim's identifiers in a box and a signature line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.platypus import KeepTogether, Spacer

from fitclaim.documents.pdf import (
    Letterhead,
    key_values,
    letterhead_flowables,
    markup,
    para,
    render,
)


@dataclass(frozen=True)
class AppealLetter:
    letterhead: Letterhead
    reference: str
    date: dt.date
    payer_name: str
    payer_address: str
    member_name: str
    member_birth_date: dt.date | None
    member_id: str
    claim_number: str
    payer_claim_number: str
    service_date: dt.date
    service: str
    denial: str
    body: str
    signer: str
    enclosures: tuple[str, ...] = ()


def render_appeal(letter: AppealLetter) -> bytes:
    story = letterhead_flowables(
        letter.letterhead, document_title="Appeal of a claim denial", reference=letter.reference
    )
    story.append(para(letter.date.strftime("%B %d, %Y").replace(" 0", " ")))
    story.append(Spacer(1, 8))
    story.append(para("\n".join(filter(None, [letter.payer_name, letter.payer_address]))))
    story.append(Spacer(1, 10))
    story.append(markup("Request for reconsideration (first-level appeal)", "h2"))
    story.append(
        key_values(
            [
                ("Member", letter.member_name),
                (
                    "Date of birth",
                    letter.member_birth_date.isoformat() if letter.member_birth_date else "—",
                ),
                ("Member id", letter.member_id or "—"),
                ("Our claim number", letter.claim_number),
                ("Your claim number", letter.payer_claim_number or "—"),
                ("Date of service", letter.service_date.isoformat()),
                ("Service", letter.service),
                ("Denial", letter.denial),
            ]
        )
    )
    story.append(Spacer(1, 10))
    for paragraph in letter.body.split("\n\n"):
        if paragraph.strip():
            story.append(para(paragraph.strip()))
            story.append(Spacer(1, 6))
    if letter.enclosures:
        story.append(markup("Enclosed", "h2"))
        for enclosure in letter.enclosures:
            story.append(para(f"• {enclosure}"))
    story.append(Spacer(1, 14))
    story.append(
        KeepTogether(
            [
                para("Sincerely,"),
                Spacer(1, 24),
                para("______________________________"),
                para(letter.signer),
                para(letter.letterhead.name, "small"),
            ]
        )
    )
    return render(
        story,
        title=f"Appeal {letter.reference} of claim {letter.claim_number}",
        author=letter.letterhead.name,
        footer=f"{letter.letterhead.name} · Appeal {letter.reference} · Claim "
        f"{letter.claim_number} · {letter.member_name}",
    )
