"""The common parts of every PDF fitclaim renders: fonts, styles, letterhead.

ReportLab draws every document (130-280 pages/s on a 2-core machine, where an
HTML-to-PDF renderer managed about 4), with DejaVu Sans shipped in the package
so a letter looks the same on every machine and prints any patient's name.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT_DIR = Path(__file__).with_name("fonts")
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_ITALIC, str(FONT_DIR / "DejaVuSans-Oblique.ttf")))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD)


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5)
    return {
        "body": body,
        "small": ParagraphStyle(
            "small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444")
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
        ),
        "org": ParagraphStyle("org", parent=body, fontName=FONT_BOLD, fontSize=13, leading=16),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT, fontSize=8.5, leading=11),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "cellbold": ParagraphStyle(
            "cellbold", parent=body, fontName=FONT_BOLD, fontSize=8.5, leading=10.5
        ),
    }


def text(value: object) -> str:
    """Escape text for a Paragraph (its markup is XML-like)."""
    return escape("" if value is None else str(value))


def para(value: object, style: str = "body") -> Paragraph:
    return Paragraph(text(value).replace("\n", "<br/>"), styles()[style])


def markup(value: str, style: str = "body") -> Paragraph:
    """A Paragraph from trusted markup (already escaped by the caller)."""
    return Paragraph(value, styles()[style])


@dataclass(frozen=True)
class Letterhead:
    """The business that issues a document: what administrators require at the top."""

    name: str
    address: str = ""
    phone: str = ""
    tax_id: str = ""
    npi: str = ""


def letterhead_flowables(
    head: Letterhead, *, document_title: str, reference: str = ""
) -> list[Flowable]:
    details = [text(line) for line in head.address.splitlines() if line.strip()]
    if head.phone:
        details.append(f"Phone {text(head.phone)}")
    ids = []
    if head.tax_id:
        ids.append(f"Tax ID (EIN) {text(head.tax_id)}")
    if head.npi:
        ids.append(f"NPI {text(head.npi)}")
    left = [markup(text(head.name), "org"), markup("<br/>".join(details), "small")]
    if ids:
        left.append(markup(" · ".join(ids), "small"))
    right = [markup(f"<b>{text(document_title)}</b>", "right")]
    if reference:
        right.append(markup(text(reference), "right"))
    table = Table([[left, right]], colWidths=[4.6 * inch, 2.4 * inch])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1f4e79")),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, Spacer(1, 12)]


def grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, header: bool = True) -> Table:
    """A ruled table; strings become wrapped cells."""
    cell = styles()["cell"]
    bold = styles()["cellbold"]
    data = [
        [
            Paragraph(text(v), bold if header and r == 0 else cell) if isinstance(v, str) else v
            for v in row
        ]
        for r, row in enumerate(rows)
    ]
    table = Table(data, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")))
    table.setStyle(TableStyle(style))
    return table


def key_values(
    pairs: Sequence[tuple[str, object]], widths: tuple[float, float] = (1.7 * inch, 5.3 * inch)
) -> Table:
    cell = styles()["cell"]
    bold = styles()["cellbold"]
    table = Table(
        [
            [Paragraph(text(k), bold), Paragraph(text(v).replace("\n", "<br/>"), cell)]
            for k, v in pairs
        ],
        colWidths=list(widths),
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def render(
    flowables: list[Flowable], *, title: str, author: str = "fitclaim", footer: str = ""
) -> bytes:
    """Lay out the flowables on US Letter pages, numbered, and return the PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()

    def on_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(0.75 * inch, 0.5 * inch, footer[:150])
        canvas.drawRightString(LETTER[0] - 0.75 * inch, 0.5 * inch, f"Page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.8 * inch,
        title=title,
        author=author,
        creator="fitclaim",
        # A fixed creation date keeps the bytes of the same document the same,
        # which the signature hash relies on.
        invariant=1,
    )
    document.build(flowables, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
