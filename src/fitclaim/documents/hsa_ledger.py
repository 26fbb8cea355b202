"""The HSA deferred ledger as a PDF: every HSA-eligible amount not yet
reimbursed, one row a session, with the receipts that prove it; the packet is
this ledger followed by the receipts themselves (claim_packet.merge_pdfs).

An HSA reimburses a qualified expense at any time after it was incurred (the
account must have existed then), so a client can pay now, let the account
grow, and reimburse years later: the ledger is the record that makes that safe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.units import inch
from reportlab.platypus import Spacer

from fitclaim.documents.pdf import (
    Letterhead,
    grid,
    key_values,
    letterhead_flowables,
    markup,
    para,
    render,
)


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"


@dataclass(frozen=True)
class LedgerRow:
    date: dt.date
    code: str
    description: str
    charge: Decimal
    paid: Decimal
    reimbursed_by_others: Decimal
    hsa_reimbursed: Decimal
    not_reimbursed: Decimal
    on_claim: str
    receipts: str


@dataclass(frozen=True)
class HsaLedger:
    letterhead: Letterhead
    prepared_on: dt.date
    account_name: str
    account_id: str
    established: dt.date | None
    member_name: str
    member_birth_date: dt.date | None
    rows: tuple[LedgerRow, ...]

    @property
    def total(self) -> Decimal:
        return sum((row.not_reimbursed for row in self.rows), Decimal("0.00"))


def render_hsa_ledger(ledger: HsaLedger) -> bytes:
    story = letterhead_flowables(
        ledger.letterhead,
        document_title="HSA deferred ledger",
        reference=f"as of {ledger.prepared_on.isoformat()}",
    )
    story.append(markup("Health savings account: expenses not yet reimbursed", "title"))
    story.append(
        key_values(
            [
                ("Account holder", ledger.member_name),
                (
                    "Date of birth",
                    ledger.member_birth_date.isoformat() if ledger.member_birth_date else "—",
                ),
                ("Account", f"{ledger.account_name} {ledger.account_id}".strip()),
                (
                    "Established",
                    ledger.established.isoformat() if ledger.established else "—",
                ),
                ("Not yet reimbursed", _money(ledger.total)),
            ]
        )
    )
    story.append(markup("Qualified expenses", "h2"))
    rows: list[list[object]] = [
        [
            "Date",
            "Service",
            "Charge",
            "Paid",
            "Other plans",
            "HSA so far",
            "Not reimbursed",
            "Receipts",
        ]
    ]
    for row in ledger.rows:
        rows.append(
            [
                row.date.isoformat(),
                f"{row.code} {row.description}"
                + (f" (on claim {row.on_claim})" if row.on_claim else ""),
                _money(row.charge),
                _money(row.paid),
                _money(row.reimbursed_by_others),
                _money(row.hsa_reimbursed),
                _money(row.not_reimbursed),
                row.receipts or "—",
            ]
        )
    rows.append(["", "Total", "", "", "", "", _money(ledger.total), ""])
    story.append(
        grid(
            rows,
            [
                0.8 * inch,
                1.75 * inch,
                0.65 * inch,
                0.65 * inch,
                0.75 * inch,
                0.7 * inch,
                0.8 * inch,
                0.9 * inch,
            ],
        )
    )
    story.append(Spacer(1, 8))
    story.append(
        para(
            "Each expense was incurred after the account was established, was paid by the "
            "account holder, and has not been reimbursed by any other plan or account. Keep "
            "this ledger and the receipts that follow it with your tax records.",
            "small",
        )
    )
    return render(
        story,
        title=f"HSA deferred ledger {ledger.member_name}",
        author=ledger.letterhead.name,
        footer=f"{ledger.letterhead.name} · HSA deferred ledger · {ledger.member_name} · "
        f"{ledger.prepared_on.isoformat()}",
    )
