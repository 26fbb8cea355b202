"""The itemized receipt and the superbill, as PDF.

An FSA or HSA administrator accepts a receipt that shows five things: the
provider and business (with its tax id), the patient, the service (description
and code), the date of service and the amount paid. A receipt here shows all
five on every line, plus the diagnoses and the letter of medical necessity it
rests on. A superbill is what an insurer needs to reimburse the member: the
ICD-10-CM diagnoses, each service's code, units and charge, what was paid, and
who rendered it with their credentials and NPI.

Both are built from plain dataclasses (filled by payments.selectors), so the
layout can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Spacer

from fitclaim.documents.pdf import (
    Letterhead,
    grid,
    key_values,
    letterhead_flowables,
    markup,
    para,
    render,
    text,
)


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


@dataclass(frozen=True)
class ReceiptItem:
    """One service paid: date, code, description, who rendered it, and money."""

    date: dt.date
    code: str
    description: str
    rendered_by: str
    units: int
    charge: Decimal
    paid: Decimal
    paid_on: dt.date | None = None


@dataclass(frozen=True)
class ReceiptDocument:
    letterhead: Letterhead
    number: str
    issued_on: dt.date
    patient_name: str
    patient_birth_date: dt.date | None
    patient_address: str
    diagnoses: tuple[tuple[str, str], ...]
    lmn_reference: str
    scope: str
    items: tuple[ReceiptItem, ...]
    total: Decimal
    payments: tuple[tuple[dt.date, str, str, Decimal], ...] = ()
    held: Decimal = Decimal("0.00")
    held_sessions: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def _patient_and_diagnoses(
    *,
    patient_name: str,
    birth_date: dt.date | None,
    address: str,
    diagnoses: tuple[tuple[str, str], ...],
    lmn_reference: str,
    extra: list[tuple[str, object]],
) -> list[Flowable]:
    pairs: list[tuple[str, object]] = [
        ("Patient", patient_name),
        ("Date of birth", _date(birth_date)),
    ]
    if address:
        pairs.append(("Patient address", address))
    pairs.extend(extra)
    pairs.append(
        (
            "Diagnoses (ICD-10-CM)",
            "; ".join(f"{code} {desc}".strip() for code, desc in diagnoses) or "—",
        )
    )
    if lmn_reference:
        pairs.append(("Letter of medical necessity", lmn_reference))
    return [key_values(pairs), Spacer(1, 8)]


def receipt_flowables(doc: ReceiptDocument) -> list[Flowable]:
    title = "Itemized Receipt"
    story = letterhead_flowables(
        doc.letterhead,
        document_title=title,
        reference=f"No. {doc.number} · issued {doc.issued_on.isoformat()}",
    )
    story.append(markup(text(title), "title"))
    story += _patient_and_diagnoses(
        patient_name=doc.patient_name,
        birth_date=doc.patient_birth_date,
        address=doc.patient_address,
        diagnoses=doc.diagnoses,
        lmn_reference=doc.lmn_reference,
        extra=[("Covers", doc.scope)],
    )
    story.append(markup("Services paid", "h2"))
    if doc.items:
        rows: list[list[object]] = [
            [
                "Date of service",
                "Code",
                "Service description",
                "Provider (rendered by)",
                "Units",
                "Charge",
                "Amount paid",
            ]
        ]
        for item in doc.items:
            rows.append(
                [
                    item.date.isoformat(),
                    item.code,
                    item.description,
                    f"{item.rendered_by}, {doc.letterhead.name}",
                    str(item.units),
                    _money(item.charge),
                    _money(item.paid),
                ]
            )
        rows.append(["", "", "", "", "", "Total paid", _money(doc.total)])
        story.append(
            grid(
                rows,
                [
                    1.0 * inch,
                    0.6 * inch,
                    1.75 * inch,
                    1.35 * inch,
                    0.55 * inch,
                    0.8 * inch,
                    0.95 * inch,
                ],
            )
        )
    else:
        story.append(para("No services have been paid by this payment yet."))
    if doc.payments:
        story.append(markup("Payments", "h2"))
        story.append(
            grid(
                [
                    ["Date received", "Method", "Reference", "Amount"],
                    *[
                        [d.isoformat(), method, ref or "—", _money(amount)]
                        for d, method, ref, amount in doc.payments
                    ],
                ],
                [1.3 * inch, 2.2 * inch, 2.2 * inch, 1.3 * inch],
            )
        )
    if doc.held > 0:
        story.append(Spacer(1, 6))
        story.append(
            para(
                f"Prepaid and held: {_money(doc.held)} for {doc.held_sessions} session(s) not "
                "yet received. Held money is not an expense until the service is received, so "
                "it is not listed above and cannot be claimed yet.",
                "small",
            )
        )
    for note in doc.notes:
        story.append(Spacer(1, 4))
        story.append(para(note, "small"))
    story.append(Spacer(1, 10))
    story.append(
        para(
            f"{doc.letterhead.name} received the amounts shown above for the services listed, "
            "on the dates of service shown.",
            "small",
        )
    )
    return story


def render_receipt(doc: ReceiptDocument) -> bytes:
    return render(
        receipt_flowables(doc),
        title=f"Itemized Receipt {doc.number}",
        author=doc.letterhead.name,
        footer=f"{doc.letterhead.name} · Receipt {doc.number} · {doc.patient_name}",
    )


# --------------------------------------------------------------------- superbill


@dataclass(frozen=True)
class SuperbillLine:
    date: dt.date
    code: str
    description: str
    units: int
    charge: Decimal
    paid: Decimal
    trainer_name: str
    trainer_credentials: str
    trainer_npi: str
    place: str


@dataclass(frozen=True)
class SuperbillDocument:
    letterhead: Letterhead
    issued_on: dt.date
    date_from: dt.date
    date_to: dt.date
    patient_name: str
    patient_birth_date: dt.date | None
    patient_address: str
    member_ids: str
    diagnoses: tuple[tuple[str, str], ...]
    lmn_reference: str
    lines: tuple[SuperbillLine, ...]

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0.00"))

    @property
    def total_paid(self) -> Decimal:
        return sum((line.paid for line in self.lines), Decimal("0.00"))


POINTERS = "ABCDEFGHIJKL"


def superbill_flowables(doc: SuperbillDocument) -> list[Flowable]:
    title = "Superbill"
    period = f"{doc.date_from.isoformat()} to {doc.date_to.isoformat()}"
    story = letterhead_flowables(
        doc.letterhead, document_title=title, reference=f"Services {period}"
    )
    story.append(markup(text(title), "title"))
    story.append(
        key_values(
            [
                ("Patient", doc.patient_name),
                ("Date of birth", _date(doc.patient_birth_date)),
                ("Patient address", doc.patient_address or "—"),
                ("Insurance / account ids", doc.member_ids or "—"),
                ("Billing provider", doc.letterhead.name),
                ("Tax ID (EIN)", doc.letterhead.tax_id or "—"),
                ("Billing NPI", doc.letterhead.npi or "—"),
                ("Period", period),
                ("Letter of medical necessity", doc.lmn_reference or "—"),
            ]
        )
    )
    diagnoses = doc.diagnoses[: len(POINTERS)]
    story.append(markup("Diagnoses (ICD-10-CM)", "h2"))
    story.append(
        grid(
            [
                ["Pointer", "Code", "Description"],
                *[[POINTERS[i], code, desc] for i, (code, desc) in enumerate(diagnoses)],
            ]
            if diagnoses
            else [["Pointer", "Code", "Description"], ["—", "—", "No diagnosis recorded"]],
            [0.7 * inch, 1.0 * inch, 5.3 * inch],
        )
    )
    pointer = ",".join(POINTERS[i] for i in range(min(len(diagnoses), 4))) or "—"
    story.append(markup("Services", "h2"))
    rows: list[list[object]] = [
        [
            "Date",
            "Code",
            "Description",
            "Dx",
            "Units",
            "Charge",
            "Paid",
            "Rendering provider",
        ]
    ]
    for line in doc.lines:
        rendering = line.trainer_name
        if line.trainer_credentials:
            rendering += f", {line.trainer_credentials}"
        if line.trainer_npi:
            rendering += f" · NPI {line.trainer_npi}"
        description = line.description + (f" (at {line.place})" if line.place else "")
        rows.append(
            [
                line.date.isoformat(),
                line.code,
                description,
                pointer,
                str(line.units),
                _money(line.charge),
                _money(line.paid),
                rendering,
            ]
        )
    rows.append(
        [
            "",
            "",
            "Totals",
            "",
            str(sum(line.units for line in doc.lines)),
            _money(doc.total_charge),
            _money(doc.total_paid),
            "",
        ]
    )
    story.append(
        grid(
            rows,
            [
                0.95 * inch,
                0.6 * inch,
                1.35 * inch,
                0.45 * inch,
                0.55 * inch,
                0.8 * inch,
                0.8 * inch,
                1.5 * inch,
            ],
        )
    )
    balance = doc.total_charge - doc.total_paid
    story.append(Spacer(1, 6))
    story.append(
        para(
            f"Total charges {_money(doc.total_charge)}; paid by the patient "
            f"{_money(doc.total_paid)}; balance {_money(balance)}.",
        )
    )
    story.append(Spacer(1, 14))
    story.append(
        KeepTogether(
            [
                para(
                    "I certify that the services listed above were rendered as shown and that the "
                    "patient paid the amounts shown. The patient may submit this statement to "
                    "their insurer or account administrator for reimbursement.",
                    "small",
                ),
                Spacer(1, 14),
                para("Provider signature: ______________________________    Date: ____________"),
            ]
        )
    )
    return story


def render_superbill(doc: SuperbillDocument) -> bytes:
    return render(
        superbill_flowables(doc),
        title=f"Superbill {doc.patient_name} {doc.date_from} to {doc.date_to}",
        author=doc.letterhead.name,
        footer=f"{doc.letterhead.name} · Superbill · {doc.patient_name} · "
        f"{doc.date_from.isoformat()} to {doc.date_to.isoformat()}",
    )
