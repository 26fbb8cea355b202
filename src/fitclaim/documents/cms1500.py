"""A CMS-1500-style claim form (the paper professional claim, 02/12 layout):
every data point placed in a labelled box under its box number, six service
lines a page, for a member or provider who submits on paper.

It is not the red-ink OCR form itself (payers that scan require that one): it
carries the same boxes in the same order, for mailing or faxing as a claim and
for filling the official form by hand.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from fitclaim.documents.pdf import FONT, FONT_BOLD, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = LETTER
LEFT = 0.4 * inch
WIDTH = PAGE_WIDTH - 0.8 * inch
LINES_PER_PAGE = 6
RED = colors.HexColor("#b22222")


@dataclass(frozen=True)
class Cms1500Line:
    """Box 24, one service line: A dates, B place, D code and modifier, E
    pointer, F charges, G units, J rendering NPI."""

    date: dt.date
    place: str
    code: str
    modifier: str
    pointer: str
    charge: Decimal
    units: int
    rendering_npi: str


@dataclass(frozen=True)
class Cms1500:
    payer_name: str
    payer_address: str
    insurance_type: str  # box 1
    insured_id: str  # 1a
    patient_name: str  # 2, "LAST, FIRST"
    patient_birth_date: dt.date | None  # 3
    insured_name: str  # 4
    patient_address: str  # 5
    patient_phone: str
    relationship: str  # 6
    insured_address: str  # 7
    group_number: str  # 11
    plan_name: str  # 11c
    other_coverage: str  # 11d
    referring_provider: str  # 17
    referring_npi: str  # 17b
    diagnoses: tuple[str, ...]  # 21 A-L
    prior_authorization: str  # 23
    lines: tuple[Cms1500Line, ...]  # 24
    tax_id: str  # 25 (EIN)
    account_number: str  # 26
    accept_assignment: bool  # 27
    amount_paid: Decimal  # 29
    signer: str  # 31
    signed_on: dt.date
    facility: str  # 32
    billing_provider: str  # 33
    billing_phone: str
    billing_npi: str  # 33a
    claim_number: str

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0.00"))


def _fmt_date(value: dt.date | None) -> str:
    return value.strftime("%m %d %Y") if value else ""


class _Form:
    """Boxes drawn top to bottom: a row is a list of (box number, label, value, width share)."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.top = PAGE_HEIGHT - 0.45 * inch

    def row(
        self, boxes: Sequence[tuple[str, str, str, float]], height: float = 0.46 * inch
    ) -> None:
        canvas = self.canvas
        total = sum(share for *_, share in boxes)
        x = LEFT
        for number, label, value, share in boxes:
            width = WIDTH * share / total
            canvas.setStrokeColor(RED)
            canvas.setLineWidth(0.5)
            canvas.rect(x, self.top - height, width, height)
            canvas.setFillColor(RED)
            canvas.setFont(FONT_BOLD, 5.6)
            canvas.drawString(x + 2, self.top - 7, f"{number}. {label}" if number else label)
            canvas.setFillColor(colors.black)
            canvas.setFont(FONT, 8)
            lines = simpleSplit(value or "", FONT, 8, width - 6)
            max_lines = max(1, int((height - 10) // 9))
            for index, line in enumerate(lines[:max_lines]):
                canvas.drawString(x + 3, self.top - 17 - 9 * index, line)
            x += width
        self.top -= height


def _page(
    canvas: Canvas, form: Cms1500, lines: Sequence[Cms1500Line], page: int, pages: int
) -> None:
    draw = _Form(canvas)
    canvas.setFont(FONT_BOLD, 11)
    canvas.setFillColor(RED)
    canvas.drawString(LEFT, PAGE_HEIGHT - 0.35 * inch, "HEALTH INSURANCE CLAIM FORM")
    canvas.setFont(FONT, 7)
    canvas.drawRightString(
        LEFT + WIDTH,
        PAGE_HEIGHT - 0.35 * inch,
        f"CMS-1500 (02/12) layout · {form.claim_number} · page {page} of {pages}",
    )
    canvas.setFillColor(colors.black)
    draw.row(
        [
            ("", "CARRIER", f"{form.payer_name}\n{form.payer_address}".replace("\n", ", "), 1),
        ],
        0.42 * inch,
    )
    draw.row(
        [
            ("1", "INSURANCE TYPE", form.insurance_type, 1.2),
            ("1a", "INSURED'S I.D. NUMBER", form.insured_id, 1),
        ]
    )
    draw.row(
        [
            ("2", "PATIENT'S NAME (Last, First)", form.patient_name, 1),
            (
                "3",
                "PATIENT'S BIRTH DATE (MM DD YYYY) / SEX",
                _fmt_date(form.patient_birth_date),
                0.7,
            ),
            ("4", "INSURED'S NAME (Last, First)", form.insured_name, 1),
        ]
    )
    draw.row(
        [
            (
                "5",
                "PATIENT'S ADDRESS / TELEPHONE",
                f"{form.patient_address} {form.patient_phone}",
                1,
            ),
            ("6", "PATIENT RELATIONSHIP TO INSURED", form.relationship, 0.7),
            ("7", "INSURED'S ADDRESS", form.insured_address, 1),
        ],
        0.56 * inch,
    )
    draw.row(
        [
            (
                "10",
                "IS PATIENT'S CONDITION RELATED TO: EMPLOYMENT / AUTO / OTHER ACCIDENT",
                "NO / NO / NO",
                1.2,
            ),
            ("11", "INSURED'S POLICY GROUP", form.group_number, 0.6),
            ("11c", "INSURANCE PLAN NAME", form.plan_name, 0.8),
            ("11d", "ANOTHER HEALTH BENEFIT PLAN?", form.other_coverage, 0.6),
        ]
    )
    draw.row(
        [
            ("12", "PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE", "SIGNATURE ON FILE", 1),
            (
                "13",
                "INSURED'S OR AUTHORIZED PERSON'S SIGNATURE",
                "SIGNATURE ON FILE" if form.accept_assignment else "",
                1,
            ),
        ]
    )
    draw.row(
        [
            ("17", "NAME OF REFERRING PROVIDER (DK ordering)", form.referring_provider, 1.3),
            ("17b", "NPI", form.referring_npi, 0.6),
            ("23", "PRIOR AUTHORIZATION NUMBER", form.prior_authorization, 1),
        ]
    )
    letters = "ABCDEFGHIJKL"
    diagnoses = "   ".join(
        f"{letters[i]}. {code}" for i, code in enumerate(form.diagnoses[: len(letters)])
    )
    draw.row(
        [("21", "DIAGNOSIS OR NATURE OF ILLNESS OR INJURY (ICD Ind. 0)", diagnoses, 1)], 0.5 * inch
    )
    headers = [
        ("24A", "DATE(S) OF SERVICE", 0.9),
        ("B", "PLACE", 0.4),
        ("D", "CPT/HCPCS  MODIFIER", 1.0),
        ("E", "DIAG. POINTER", 0.6),
        ("F", "$ CHARGES", 0.7),
        ("G", "UNITS", 0.4),
        ("J", "RENDERING PROVIDER ID (NPI)", 1.0),
    ]
    draw.row([(n, label, "", share) for n, label, share in headers], 0.22 * inch)
    for number in range(LINES_PER_PAGE):
        line = lines[number] if number < len(lines) else None
        values = (
            [
                _fmt_date(line.date),
                line.place,
                f"{line.code} {line.modifier}".strip(),
                line.pointer,
                f"{line.charge:,.2f}",
                str(line.units),
                line.rendering_npi,
            ]
            if line
            else [""] * len(headers)
        )
        draw.row(
            [
                ("" if i else str(number + 1), "", value, share)
                for i, (value, (_n, _l, share)) in enumerate(zip(values, headers, strict=True))
            ],
            0.3 * inch,
        )
    page_total = sum((line.charge for line in lines), Decimal("0.00"))
    signed = _fmt_date(form.signed_on)
    billing = f"{form.billing_provider} {form.billing_phone}"
    draw.row(
        [
            ("25", "FEDERAL TAX I.D. NUMBER (EIN)", form.tax_id, 0.9),
            ("26", "PATIENT'S ACCOUNT NO.", form.account_number, 0.8),
            ("27", "ACCEPT ASSIGNMENT?", "YES" if form.accept_assignment else "NO", 0.6),
            ("28", "TOTAL CHARGE", f"$ {page_total:,.2f}", 0.6),
            ("29", "AMOUNT PAID", f"$ {form.amount_paid:,.2f}" if page == 1 else "", 0.6),
        ]
    )
    draw.row(
        [
            ("31", "SIGNATURE OF PHYSICIAN OR SUPPLIER", f"{form.signer} {signed}", 1),
            ("32", "SERVICE FACILITY LOCATION INFORMATION", form.facility, 1),
            ("33", "BILLING PROVIDER INFO & PH #", billing, 1),
        ],
        0.7 * inch,
    )
    draw.row(
        [
            ("", "", "", 2),
            ("33a", "NPI", form.billing_npi, 1),
        ],
        0.34 * inch,
    )
    canvas.setFont(FONT, 6.5)
    canvas.drawString(
        LEFT,
        draw.top - 12,
        "Box numbers follow the NUCC 1500 claim form (02/12). Prepared by fitclaim.",
    )
    canvas.showPage()


def render_cms1500(form: Cms1500) -> bytes:
    """The form as a PDF: one page per six service lines."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, invariant=1, pageCompression=1)
    canvas.setTitle(f"CMS-1500 {form.claim_number}")
    canvas.setCreator("fitclaim")
    chunks = [
        form.lines[i : i + LINES_PER_PAGE] for i in range(0, len(form.lines), LINES_PER_PAGE)
    ] or [()]
    for page, chunk in enumerate(chunks, start=1):
        _page(canvas, form, chunk, page, len(chunks))
    canvas.save()
    return buffer.getvalue()
