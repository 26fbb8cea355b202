"""The claim packet for an FSA, HSA or wellness administrator: one PDF.

A cover sheet (member, account, claim total, one line per session, with what
insurance paid and the amount after insurance), then the superbill, the signed
letter(s) of medical necessity and every receipt, merged with pypdf. Uploaded
receipt images become PDF pages; PDFs go in as they are.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from pypdf import PdfReader, PdfWriter
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from fitclaim.documents.pdf import (
    FONT,
    FONT_BOLD,
    Letterhead,
    key_values,
    letterhead_flowables,
    markup,
    para,
    register_fonts,
    render,
    text,
)

PAGE_WIDTH, PAGE_HEIGHT = LETTER


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


@dataclass(frozen=True)
class CoverLine:
    date: dt.date
    code: str
    description: str
    rendered_by: str
    charge: Decimal
    paid_by_patient: Decimal
    insurance: str  # what insurance did: "Acme PPO paid $30.00", "not covered", "—"
    after_insurance: Decimal
    amount: Decimal


@dataclass(frozen=True)
class CoverSheet:
    letterhead: Letterhead
    claim_number: str
    prepared_on: dt.date
    source_name: str
    source_kind: str
    administrator: str
    administrator_address: str
    member_name: str
    member_birth_date: dt.date | None
    member_address: str
    member_id: str
    total: Decimal
    lines: tuple[CoverLine, ...]
    enclosures: tuple[str, ...]
    letters: tuple[str, ...] = ()

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0.00"))

    @property
    def total_paid(self) -> Decimal:
        return sum((line.paid_by_patient for line in self.lines), Decimal("0.00"))


KIND_WORDS = {
    "fsa": "Flexible spending account (FSA) claim",
    "hsa": "Health savings account (HSA) reimbursement",
    "wellness": "Wellness program reimbursement",
    "insurance": "Insurance claim",
}


WIDTHS = (0.8, 1.45, 0.95, 0.7, 0.75, 1.0, 0.7, 0.65)
# Characters that fit a column at 7.5 pt (DejaVu Sans averages about 4.2 pt a
# character); longer text is cut with an ellipsis rather than wrapped.
FITS = tuple(int(width * 72 / 4.2) for width in WIDTHS)


def _fit(value: str, column: int) -> str:
    limit = FITS[column]
    return value if len(value) <= limit else value[: limit - 1] + "…"


def lines_table(rows: list[list[object]]) -> Table:
    """The services table: plain one-line cells (a packet can hold hundreds of
    sessions; wrapped cells cost ten times as much to lay out), the insurance
    column wrapped, since what insurance did must be read in full."""
    register_fonts()
    small = ParagraphStyle("cover-cell", fontName=FONT, fontSize=7.5, leading=9)
    data: list[list[object]] = []
    for r, row in enumerate(rows):
        cells: list[object] = []
        for c, value in enumerate(row):
            text_value = str(value)
            if r > 0 and c == 5:
                cells.append(Paragraph(text(text_value), small))
            else:
                cells.append(text_value if r == 0 else _fit(text_value, c))
        data.append(cells)
    table = Table(data, colWidths=[w * inch for w in WIDTHS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 7.5, 9),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7.5, 9),
                ("FONT", (0, -1), (-1, -1), FONT_BOLD, 7.5, 9),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (3, 1), (4, -1), "RIGHT"),
                ("ALIGN", (6, 1), (7, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def render_cover_sheet(sheet: CoverSheet) -> bytes:
    title = KIND_WORDS.get(sheet.source_kind, "Claim")
    story = letterhead_flowables(
        sheet.letterhead, document_title="Claim packet", reference=sheet.claim_number
    )
    story.append(markup(text(f"{title}: request for reimbursement"), "title"))
    story.append(
        key_values(
            [
                ("Claim", f"{sheet.claim_number}, prepared {sheet.prepared_on.isoformat()}"),
                ("Account or plan", sheet.source_name),
                ("Administrator", sheet.administrator or "—"),
                ("Send to", sheet.administrator_address or "—"),
                ("Member (patient)", sheet.member_name),
                (
                    "Date of birth",
                    sheet.member_birth_date.isoformat() if sheet.member_birth_date else "—",
                ),
                ("Member address", sheet.member_address or "—"),
                ("Member or account id", sheet.member_id or "—"),
                ("Letter of medical necessity", "; ".join(sheet.letters) or "—"),
                ("Amount requested", _money(sheet.total)),
            ]
        )
    )
    story.append(markup("Services claimed", "h2"))
    rows: list[list[object]] = [
        [
            "Date",
            "Service",
            "Provider",
            "Charge",
            "Paid by patient",
            "Insurance",
            "After insurance",
            "Requested",
        ]
    ]
    for line in sheet.lines:
        rows.append(
            [
                line.date.isoformat(),
                f"{line.code} {line.description}",
                line.rendered_by,
                _money(line.charge),
                _money(line.paid_by_patient),
                line.insurance,
                _money(line.after_insurance),
                _money(line.amount),
            ]
        )
    rows.append(
        [
            "",
            "Totals",
            "",
            _money(sheet.total_charge),
            _money(sheet.total_paid),
            "",
            "",
            _money(sheet.total),
        ]
    )
    story.append(lines_table(rows))
    story.append(Spacer(1, 8))
    story.append(markup("Enclosed", "h2"))
    for enclosure in sheet.enclosures:
        story.append(para(f"• {enclosure}"))
    story.append(Spacer(1, 10))
    story.append(
        para(
            "The services listed were prescribed by the enclosed letter of medical necessity "
            "to treat the diagnosed conditions, were received on the dates shown, and were paid "
            "by the patient as the enclosed receipts show. No amount requested here has been "
            "reimbursed by any other plan or account.",
            "small",
        )
    )
    with binary_streams():
        return render(
            story,
            title=f"Claim packet {sheet.claim_number}",
            author=sheet.letterhead.name,
            footer=f"{sheet.letterhead.name} · Claim {sheet.claim_number} · {sheet.member_name}",
        )


class _JpegReader(ImageReader):
    """A JPEG for ReportLab to embed as it is (DCTDecode). ReportLab names an
    image by a digest of its decoded pixels; this names it by a digest of the
    file's bytes instead, so the photo is never decoded at all."""

    def __init__(self, content: bytes) -> None:
        super().__init__(io.BytesIO(content))
        self._content = content
        self._dataA = None  # no alpha channel: JPEG has none

    def getRGBData(self) -> bytes:
        return self._content


@contextmanager
def binary_streams() -> Iterator[None]:
    """Write PDF streams binary, not ASCII85, while inside: a fifth smaller and
    much quicker, above all for receipt photos, whose JPEG bytes ReportLab
    would otherwise encode in pure Python (fitclaim.documents.lmn does the same
    for letters). ReportLab reads the flag while drawing and saving."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def image_as_pdf(content: bytes) -> bytes:
    """An uploaded image as one Letter page, scaled to fit within half-inch
    margins (never enlarged). JPEG goes in as it is; anything else is
    re-encoded as JPEG first, which ReportLab embeds without decoding it again."""
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        width, height = image.size
        if image.format != "JPEG":
            converted = io.BytesIO()
            image.convert("RGB").save(converted, format="JPEG", quality=85)
            content = converted.getvalue()
    scale = min((PAGE_WIDTH - inch) / width, (PAGE_HEIGHT - inch) / height, 1.0)
    buffer = io.BytesIO()
    with binary_streams():
        canvas = Canvas(buffer, pagesize=LETTER, invariant=1)
        # A JPEG is embedded as it is (DCTDecode), never decoded.
        canvas.drawImage(
            _JpegReader(content),
            (PAGE_WIDTH - width * scale) / 2,
            (PAGE_HEIGHT - height * scale) / 2,
            width * scale,
            height * scale,
        )
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def attachment_as_pdf(content: bytes, content_type: str) -> bytes:
    """A stored receipt or letter as PDF pages."""
    if content_type == "application/pdf":
        return content
    return image_as_pdf(content)


def merge_pdfs(parts: Sequence[bytes], *, title: str = "") -> bytes:
    """The parts' pages, in order, as one PDF."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    if title:
        writer.add_metadata({"/Title": title, "/Creator": "fitclaim"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
