"""The letter of medical necessity as printed, unsigned or with its signature.

Drawn straight onto a ReportLab canvas rather than through platypus: a letter
is a fixed, simple layout (letterhead, labelled rows, one small table, a
signature block), and skipping the flowable machinery (nested tables of
Paragraphs, each parsed as markup and measured twice) makes a letter several
times faster to render, which batch runs (renewals, claim packets) need.
Measured by bench/lmn_pdf.py; the figure is in docs/benchmarks.md.

The same letter always renders to the same bytes, so a hash taken when it is
signed proves what was signed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from fitclaim.documents.pdf import FONT, FONT_BOLD, Letterhead, register_fonts

PROVIDER_KINDS = {
    "physician": "Physician",
    "nurse_practitioner": "Nurse practitioner",
    "physician_assistant": "Physician assistant",
    "chiropractor": "Chiropractor",
    "physical_therapist": "Physical therapist",
}

ATTESTATION = (
    "I certify that I have examined this patient, that the training described above is "
    "medically necessary to treat the diagnosed conditions, and that it would not be "
    "incurred but for them."
)


@dataclass(frozen=True)
class Signature:
    """How the letter was signed: typed name with attestation, or a wet-signed scan."""

    method: str  # "electronic" or "scan"
    signer_name: str
    signed_at: dt.datetime
    audit_reference: str = ""
    ip: str = ""
    # The SHA-256 of the unsigned letter the provider reviewed and signed.
    document_sha256: str = ""


@dataclass(frozen=True)
class LetterDocument:
    letterhead: Letterhead
    reference: str
    version: int
    patient_name: str
    patient_birth_date: dt.date | None
    member_ids: str
    diagnoses: tuple[tuple[str, str], ...]
    necessity_statement: str
    exercise_kind: str
    sessions_per_week: int | None
    minutes_per_session: int | None
    intensity: str
    precautions: str
    goals: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    sessions_authorized: int | None
    authorized_trainers: tuple[str, ...]
    authorized_facilities: tuple[str, ...]
    reexamination_date: dt.date | None
    provider_name: str
    provider_kind: str
    provider_credentials: str
    provider_npi: str
    provider_license: str = ""
    provider_contact: str = ""
    signature: Signature | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    progress_summary: str = ""


def format_date(value: dt.date | None) -> str:
    return value.strftime("%B %-d, %Y") if value else "—"


def frequency_text(letter: LetterDocument) -> str:
    if letter.sessions_per_week and letter.minutes_per_session:
        return (
            f"{letter.sessions_per_week} sessions per week, "
            f"{letter.minutes_per_session} minutes each"
        )
    return "—"


def plan_rows(letter: LetterDocument) -> list[tuple[str, str]]:
    """The prescribed plan as labelled rows: the PDF and the provider's page show these."""
    return [
        ("Kind of exercise", letter.exercise_kind or "—"),
        ("Frequency and duration", frequency_text(letter)),
        ("Intensity", letter.intensity or "—"),
        ("Precautions", letter.precautions or "—"),
        ("Goals", letter.goals or "—"),
        (
            "Sessions authorized",
            str(letter.sessions_authorized) if letter.sessions_authorized else "As prescribed",
        ),
        ("Authorized trainers", ", ".join(letter.authorized_trainers) or "Any qualified trainer"),
        ("Authorized facilities", ", ".join(letter.authorized_facilities) or "Any facility"),
        ("Re-examination", format_date(letter.reexamination_date)),
    ]


def patient_rows(letter: LetterDocument) -> list[tuple[str, str]]:
    return [
        ("Patient", letter.patient_name),
        ("Date of birth", format_date(letter.patient_birth_date)),
        ("Member / account ids", letter.member_ids or "—"),
        ("Valid", f"{format_date(letter.valid_from)} through {format_date(letter.valid_to)}"),
    ]


def provider_rows(letter: LetterDocument) -> list[tuple[str, str]]:
    kind = PROVIDER_KINDS.get(letter.provider_kind, letter.provider_kind)
    rows = [
        ("Provider", f"{letter.provider_name}, {letter.provider_credentials}".strip(", ")),
        ("Provider kind", kind or "—"),
        ("NPI", letter.provider_npi or "—"),
    ]
    if letter.provider_license:
        rows.append(("License", letter.provider_license))
    if letter.provider_contact:
        rows.append(("Contact", letter.provider_contact))
    return rows


def signature_lines(signature: Signature) -> list[tuple[str, str]]:
    """(style, text) lines of a signature's attestation, as printed."""
    if signature.method == "electronic":
        stamp = signature.signed_at.strftime("%Y-%m-%d %H:%M %Z").strip()
        details = f"Audit reference {signature.audit_reference}"
        if signature.ip:
            details += f" · from {signature.ip}"
        lines = [
            ("bold", f"Electronically signed by {signature.signer_name} on {stamp}."),
            ("body", "The signer typed their full name and attested to the statement above."),
            ("small", details),
        ]
        if signature.document_sha256:
            lines.append(("small", f"Signed document SHA-256 {signature.document_sha256}"))
        return lines
    return [
        (
            "bold",
            f"Signed by {signature.signer_name} on {signature.signed_at.strftime('%Y-%m-%d')} "
            "(wet-signed original on file).",
        ),
        ("small", f"Audit reference {signature.audit_reference}"),
    ]


# --- drawing ------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = LETTER
LEFT = 0.75 * inch
RIGHT = PAGE_WIDTH - 0.75 * inch
WIDTH = RIGHT - LEFT
TOP = PAGE_HEIGHT - 0.7 * inch
BOTTOM = 0.8 * inch
LABEL_WIDTH = 1.7 * inch
INK = colors.HexColor("#000000")
SOFT = colors.HexColor("#444444")
RULE = colors.HexColor("#1f4e79")
GRID = colors.HexColor("#999999")
HEADER_FILL = colors.HexColor("#e8eef5")


@dataclass(frozen=True)
class Style:
    font: str
    size: float
    leading: float
    color: colors.Color = INK


BODY = Style(FONT, 10, 13.5)
BOLD = Style(FONT_BOLD, 10, 13.5)
SMALL = Style(FONT, 8, 10, SOFT)
CELL = Style(FONT, 8.5, 10.5)
CELL_BOLD = Style(FONT_BOLD, 8.5, 10.5)
TITLE = Style(FONT_BOLD, 15, 19)
H2 = Style(FONT_BOLD, 11, 14)
ORG = Style(FONT_BOLD, 13, 16)
RIGHT_TITLE = Style(FONT_BOLD, 8.5, 11)
RIGHT_LINE = Style(FONT, 8.5, 11)
FOOTER = Style(FONT, 7.5, 9, colors.HexColor("#555555"))
STYLES = {"body": BODY, "bold": BOLD, "small": SMALL}


def wrap(value: str, style: Style, width: float) -> list[str]:
    """Lines of `value` that fit `width`: at spaces, then inside a word too long
    for a line on its own (a long email address or hash)."""
    lines: list[str] = []
    for paragraph in value.split("\n"):
        pieces = simpleSplit(paragraph, style.font, style.size, width) or [""]
        for piece in pieces:
            # simpleSplit breaks only at spaces: just a line of one word can overflow.
            while (
                " " not in piece
                and len(piece) > 1
                and stringWidth(piece, style.font, style.size) > width
            ):
                cut = len(piece) - 1
                while cut > 1 and stringWidth(piece[:cut], style.font, style.size) > width:
                    cut -= 1
                lines.append(piece[:cut])
                piece = piece[cut:]
            lines.append(piece)
    return lines


Draw = Callable[["Page", float], None]


@dataclass
class Block:
    """Something drawn at a height: `draw(page, top)` paints it from `top` down."""

    height: float
    draw: Draw
    keep_with_next: bool = False


class Page:
    """The canvas of the page being drawn, with one text object for all its text:
    far fewer PDF operators (and numbers to format) than a text object a line."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.begin()

    def begin(self) -> None:
        self.text_object = self.canvas.beginText()
        self.style: Style | None = None

    def text(self, style: Style, x: float, top: float, lines: Sequence[str]) -> None:
        t = self.text_object
        if style is not self.style:
            t.setFont(style.font, style.size, style.leading)
            t.setFillColor(style.color)
            self.style = style
        t.setTextOrigin(x, top - style.size)
        for line in lines:
            t.textLine(line)

    def right(self, style: Style, x: float, top: float, line: str) -> None:
        width = stringWidth(line, style.font, style.size)
        self.text(style, x - width, top, [line])

    def finish(self) -> None:
        self.canvas.drawText(self.text_object)
        self.canvas.showPage()
        self.begin()


def _text(page: Page, style: Style, x: float, top: float, lines: Sequence[str]) -> None:
    page.text(style, x, top, lines)


def space(height: float) -> Block:
    return Block(height, lambda page, top: None)


def text_blocks(value: str, style: Style = BODY, width: float = WIDTH) -> list[Block]:
    """A paragraph, one block a line so it can break across pages."""

    def line_block(line: str) -> Block:
        return Block(style.leading, lambda page, top: _text(page, style, LEFT, top, [line]))

    return [line_block(line) for line in wrap(value, style, width)]


def heading(value: str, style: Style = H2, before: float = 8, after: float = 3) -> Block:
    def draw(page: Page, top: float) -> None:
        _text(page, style, LEFT, top - before, [value])

    return Block(before + style.leading + after, draw, keep_with_next=True)


def rows_block(rows: Sequence[tuple[str, str]], label_width: float = LABEL_WIDTH) -> list[Block]:
    """Label/value rows, the label bold in its own column; one block a row."""
    blocks = []
    for label, value in rows:
        labels = wrap(label, CELL_BOLD, label_width - 6)
        values = wrap(value, CELL, WIDTH - label_width)
        height = max(len(labels), len(values)) * CELL.leading + 2

        def draw(
            page: Page, top: float, labels: list[str] = labels, values: list[str] = values
        ) -> None:
            _text(page, CELL_BOLD, LEFT, top - 1, labels)
            _text(page, CELL, LEFT + label_width, top - 1, values)

        blocks.append(Block(height, draw))
    return blocks


def grid_blocks(rows: Sequence[Sequence[str]], widths: Sequence[float]) -> list[Block]:
    """A ruled table whose first row is the header; one block a row."""
    blocks = []
    for index, row in enumerate(rows):
        style = CELL_BOLD if index == 0 else CELL
        cells = [wrap(value, style, width - 8) for value, width in zip(row, widths, strict=True)]
        height = max(len(lines) for lines in cells) * style.leading + 5

        def draw(
            page: Page,
            top: float,
            cells: list[list[str]] = cells,
            style: Style = style,
            header: bool = index == 0,
            height: float = height,
        ) -> None:
            canvas = page.canvas
            canvas.setLineWidth(0.4)
            canvas.setStrokeColor(GRID)
            canvas.setFillColor(HEADER_FILL)
            x = LEFT
            for lines, width in zip(cells, widths, strict=True):
                canvas.rect(x, top - height, width, height, stroke=1, fill=1 if header else 0)
                _text(page, style, x + 4, top - 2.5, lines)
                x += width

        blocks.append(Block(height, draw))
    return blocks


def letterhead_block(head: Letterhead, *, title: str, reference: str) -> Block:
    details = [line.strip() for line in head.address.splitlines() if line.strip()]
    if head.phone:
        details.append(f"Phone {head.phone}")
    ids = []
    if head.tax_id:
        ids.append(f"Tax ID (EIN) {head.tax_id}")
    if head.npi:
        ids.append(f"NPI {head.npi}")
    if ids:
        details.append(" · ".join(ids))
    names = wrap(head.name, ORG, 4.5 * inch)
    details = [line for detail in details for line in wrap(detail, SMALL, 4.5 * inch)]
    left_height = len(names) * ORG.leading + len(details) * SMALL.leading
    right = [title, reference] if reference else [title]
    height = max(left_height, 2 * 11) + 8

    def draw(page: Page, top: float) -> None:
        _text(page, ORG, LEFT, top, names)
        _text(page, SMALL, LEFT, top - len(names) * ORG.leading, details)
        page.right(RIGHT_TITLE, RIGHT, top, right[0])
        for index, line in enumerate(right[1:], start=1):
            page.right(RIGHT_LINE, RIGHT, top - index * RIGHT_LINE.leading, line)
        canvas = page.canvas
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.8)
        canvas.line(LEFT, top - height, RIGHT, top - height)

    return Block(height + 12, draw)


def signature_block(letter: LetterDocument) -> Block:
    """The provider attestation, provider details and signature, kept on one page."""
    parts: list[Block] = [heading("Provider attestation")]
    parts += text_blocks(ATTESTATION)
    parts.append(space(6))
    parts += rows_block(provider_rows(letter))
    parts.append(space(8))
    if letter.signature is None:
        parts += text_blocks("Signature: ______________________________    Date: ______________")
    else:
        for style, line in signature_lines(letter.signature):
            parts += text_blocks(line, STYLES[style])
    height = sum(part.height for part in parts)

    def draw(page: Page, top: float) -> None:
        for part in parts:
            part.draw(page, top)
            top -= part.height

    return Block(height, draw)


def letter_blocks(letter: LetterDocument) -> list[Block]:
    register_fonts()  # wrapping measures text in the shipped fonts
    title = "Letter of Medical Necessity"
    blocks = [
        letterhead_block(
            letter.letterhead,
            title=title,
            reference=f"Ref. {letter.reference} · version {letter.version}",
        ),
        heading(title, TITLE, before=0, after=6),
    ]
    blocks += rows_block(patient_rows(letter))
    blocks.append(heading("Diagnoses (ICD-10-CM)"))
    blocks += grid_blocks(
        [("Code", "Description"), *letter.diagnoses], (1.1 * inch, WIDTH - 1.1 * inch)
    )
    blocks.append(heading("Statement of medical necessity"))
    blocks += text_blocks(letter.necessity_statement or "—")
    blocks.append(heading("Prescribed treatment plan"))
    blocks += rows_block(plan_rows(letter))
    if letter.progress_summary:
        blocks.append(heading("Progress under the previous letter"))
        blocks += text_blocks(letter.progress_summary)
    for note in letter.notes:
        blocks.append(space(4))
        blocks += text_blocks(note, SMALL)
    blocks.append(space(14))
    blocks.append(signature_block(letter))
    return blocks


def draw_pages(canvas: Canvas, blocks: Sequence[Block], *, footer: str) -> None:
    """Place the blocks top to bottom, starting a page when the next one (with
    what it must stay with) does not fit, and number the pages."""
    page = Page(canvas)
    number = 1

    def finish_page() -> None:
        page.text(FOOTER, LEFT, 0.5 * inch + FOOTER.size, [footer[:150]])
        page.right(FOOTER, RIGHT, 0.5 * inch + FOOTER.size, f"Page {number}")
        page.finish()

    top = TOP
    for index, block in enumerate(blocks):
        needed = block.height
        if block.keep_with_next and index + 1 < len(blocks):
            needed += blocks[index + 1].height
        if top - needed < BOTTOM and top < TOP:
            finish_page()
            number += 1
            top = TOP
        block.draw(page, top)
        top -= block.height
    finish_page()


def render_blocks(blocks: Sequence[Block], *, title: str, author: str, footer: str) -> bytes:
    """Lay the blocks out on numbered US Letter pages; the PDF bytes. Equal input,
    equal bytes (a fixed creation date and document id)."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("fitclaim")
    draw_pages(canvas, blocks, footer=footer)
    # Binary streams, not ASCII85: a fifth smaller and quicker to write. Read at
    # save time, so set for this save only.
    use_a85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        canvas.save()
    finally:
        rl_config.useA85 = use_a85
    return buffer.getvalue()


def render_letter(letter: LetterDocument) -> bytes:
    """The letter as a PDF. The same letter always renders to the same bytes, so
    the hash taken when it is signed proves what was signed."""
    return render_blocks(
        letter_blocks(letter),
        title=f"Letter of Medical Necessity {letter.reference}",
        author=letter.letterhead.name,
        footer=f"{letter.letterhead.name} · Letter of Medical Necessity {letter.reference} "
        f"v{letter.version} · {letter.patient_name}",
    )


def scan_as_pdf(content: bytes, content_type: str) -> bytes:
    """A signed scan as PDF pages: a PDF as it is, an image on one Letter page
    (scaled to fit inside half-inch margins, never enlarged)."""
    if content_type == "application/pdf":
        return content
    from reportlab.lib.utils import ImageReader

    image = ImageReader(io.BytesIO(content))
    width, height = image.getSize()
    box_width, box_height = PAGE_WIDTH - inch, PAGE_HEIGHT - inch
    scale = min(box_width / width, box_height / height, 1.0)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, invariant=1)
    canvas.drawImage(
        image,
        (PAGE_WIDTH - width * scale) / 2,
        (PAGE_HEIGHT - height * scale) / 2,
        width * scale,
        height * scale,
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
