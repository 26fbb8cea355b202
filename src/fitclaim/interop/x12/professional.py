"""The X12 5010 837P professional claim (005010X222A1) for a batch of claims.

Pure: the caller loads the claims into the dataclasses below (claims.x12), this
module only writes them. One interchange (ISA/GS/ST) per batch, one billing
provider (the organization: its group NPI and EIN), and one subscriber loop per
claim, the patient being the subscriber (member-submitted plans name the
client as the insured). Every file is checked with pyx12 (validate.py).

Layout, by loop (005010X222A1):

    ISA GS ST BHT
    1000A submitter (NM1*41, PER*IC)   1000B receiver (NM1*40)
    2000A HL*20 billing provider       2010AA NM1*85 N3 N4 REF*EI
    2000B HL*22 subscriber, SBR        2010BA NM1*IL N3 N4 DMG   2010BB NM1*PR
    2300  CLM (CLM01 = fitclaim's claim id), REF*G1 prior authorization, HI diagnoses
    2310B NM1*82 rendering provider (the trainer, when the trainer has an NPI)
    2400  LX SV1 DTP*472 REF*6R (line item control number: the 835 answers with it)
    SE GE IEA
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

SEGMENT = "~"
ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
VERSION = "005010X222A1"

# Characters with a meaning in X12 never reach a value: they would split it.
_DELIMITERS = re.compile(r"[*~:^\r\n\t]+")
_SPACES = re.compile(r" {2,}")
_NEEDS_CLEANING = re.compile(r"[*~:^]| {2}|^ | $")
_ADDRESS_END = re.compile(
    r"^(?P<city>[^,]+?),?\s+(?P<state>[A-Za-z]{2})\.?\s+(?P<zip>\d{5}(?:-?\d{4})?)$"
)


@dataclass(frozen=True, slots=True)
class Address:
    lines: tuple[str, ...]
    city: str
    state: str
    zip: str


def split_us_address(text: str) -> Address | None:
    """A US postal address as typed ("415 River Road, Suite 200\\nSalem, OR 97301",
    or on one line) split into street lines, city, state and ZIP; None when the
    last part is not "City, ST 12345"."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return None
    last = lines.pop()
    match = _ADDRESS_END.match(last)
    if match is None and not lines and last.count(",") >= 2:
        street, rest = last.split(",", 1)
        lines, last = [street.strip()], rest.strip()
        match = _ADDRESS_END.match(last)
    if match is None or not lines:
        return None
    return Address(
        lines=tuple(lines[:2]),
        city=match["city"].strip(),
        state=match["state"].upper(),
        zip=match["zip"].replace("-", ""),
    )


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends the interchange to whom, when, under which control number."""

    sender_id: str
    receiver_id: str
    receiver_name: str
    submitter_name: str
    contact_name: str
    contact_phone: str
    control_number: int
    created: dt.datetime
    usage: str = "P"  # P production, T test


@dataclass(frozen=True, slots=True)
class BillingProvider:
    name: str
    npi: str
    ein: str
    address: Address


@dataclass(frozen=True, slots=True)
class Subscriber:
    last_name: str
    first_name: str
    member_id: str
    birth_date: dt.date
    address: Address
    gender: str = "U"  # F, M or U (unknown: fitclaim does not record it)


@dataclass(frozen=True, slots=True)
class Payer:
    name: str
    payer_id: str
    responsibility: str = "P"  # P primary, S secondary, T tertiary
    filing_indicator: str = "CI"  # commercial insurance


@dataclass(frozen=True, slots=True)
class Rendering:
    last_name: str
    first_name: str
    npi: str


@dataclass(frozen=True, slots=True)
class ServiceLine:
    control: str  # REF*6R, echoed by the payer's 835 so the answer finds the line
    code: str
    charge: Decimal
    units: int
    date: dt.date
    pointers: tuple[int, ...] = (1,)


@dataclass(frozen=True, slots=True)
class ProfessionalClaim:
    claim_id: str
    subscriber: Subscriber
    payer: Payer
    diagnoses: tuple[str, ...]
    lines: tuple[ServiceLine, ...]
    prior_authorization: str = ""
    rendering: Rendering | None = None
    place_of_service: str = "11"

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0.00"))


def clean(value: object, limit: int) -> str:
    """A value as X12 carries it: printable ASCII (accents dropped: Zoë -> Zoe),
    no delimiters, single spaces, at most `limit` characters."""
    text = str(value)
    # Nearly every value is clean already; checking costs two C calls.
    if text.isascii() and text.isprintable() and _NEEDS_CLEANING.search(text) is None:
        return text[:limit].rstrip()
    return _clean_slowly(text, limit)


@lru_cache(maxsize=4096)
def _clean_slowly(text: str, limit: int) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch if " " <= ch <= "~" else " " for ch in text if not unicodedata.combining(ch))
    text = _SPACES.sub(" ", _DELIMITERS.sub(" ", text)).strip()
    return text[:limit].rstrip()


@lru_cache(maxsize=4096)
def amount(value: Decimal) -> str:
    """X12 decimal: no trailing zeros, no exponent (85.00 -> 85, 85.50 -> 85.5)."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def icd10(code: str) -> str:
    """ICD-10-CM codes go without the dot (E66.01 -> E6601)."""
    return code.replace(".", "").strip().upper()


def digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _pad(value: str, width: int) -> str:
    return clean(value, width).ljust(width)


class _Writer:
    __slots__ = ("segments",)

    def __init__(self) -> None:
        self.segments: list[str] = []

    def add(self, *elements: str) -> None:
        # Trailing empty elements are dropped, as the standard requires.
        parts = list(elements)
        while parts and parts[-1] == "":
            parts.pop()
        self.segments.append(ELEMENT.join(parts))


def _name(
    writer: _Writer, code: str, entity: str, last: str, first: str, qual: str, ident: str
) -> None:
    writer.add("NM1", code, entity, clean(last, 60), clean(first, 35), "", "", "", qual, ident)


def _address(writer: _Writer, address: Address) -> None:
    writer.add("N3", *(clean(line, 55) for line in address.lines[:2]))
    writer.add("N4", clean(address.city, 30), address.state, digits(address.zip))


def _claim(writer: _Writer, claim: ProfessionalClaim, hl: int) -> None:
    subscriber = claim.subscriber
    payer = claim.payer
    writer.add("HL", str(hl), "1", "22", "0")
    writer.add("SBR", payer.responsibility, "18", "", "", "", "", "", "", payer.filing_indicator)
    _name(
        writer,
        "IL",
        "1",
        subscriber.last_name,
        subscriber.first_name,
        "MI",
        clean(subscriber.member_id, 80),
    )
    _address(writer, subscriber.address)
    writer.add("DMG", "D8", f"{subscriber.birth_date:%Y%m%d}", subscriber.gender)
    writer.add(
        "NM1", "PR", "2", clean(payer.name, 60), "", "", "", "", "PI", clean(payer.payer_id, 80)
    )
    writer.add(
        "CLM",
        clean(claim.claim_id, 38),
        amount(claim.total_charge),
        "",
        "",
        f"{claim.place_of_service}{COMPONENT}B{COMPONENT}1",
        "Y",
        "A",
        "Y",
        "Y",
    )
    if claim.prior_authorization:
        writer.add("REF", "G1", clean(claim.prior_authorization, 50))
    codes = [icd10(code) for code in claim.diagnoses[:12]]
    writer.add(
        "HI",
        *(f"{'ABK' if index == 0 else 'ABF'}{COMPONENT}{code}" for index, code in enumerate(codes)),
    )
    if claim.rendering is not None:
        rendering = claim.rendering
        _name(writer, "82", "1", rendering.last_name, rendering.first_name, "XX", rendering.npi)
    for number, line in enumerate(claim.lines, start=1):
        writer.add("LX", str(number))
        pointers = COMPONENT.join(str(p) for p in line.pointers[:4] if 1 <= p <= len(codes))
        writer.add(
            "SV1",
            f"HC{COMPONENT}{clean(line.code, 48)}",
            amount(line.charge),
            "UN",
            str(line.units),
            "",
            "",
            pointers or "1",
        )
        writer.add("DTP", "472", "D8", f"{line.date:%Y%m%d}")
        writer.add("REF", "6R", clean(line.control, 50))


def render_837p(
    envelope: Envelope, billing: BillingProvider, claims: Sequence[ProfessionalClaim]
) -> str:
    """The 837P file for these claims, `~` terminated, one segment a line."""
    created = envelope.created
    control = f"{envelope.control_number:09d}"
    group = str(envelope.control_number)
    writer = _Writer()
    segments = writer.segments
    isa = ELEMENT.join(
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            _pad(envelope.sender_id, 15),
            "ZZ",
            _pad(envelope.receiver_id, 15),
            f"{created:%y%m%d}",
            f"{created:%H%M}",
            REPETITION,
            "00501",
            control,
            "0",
            envelope.usage,
            COMPONENT,
        ]
    )
    segments.append(isa)
    writer.add(
        "GS",
        "HC",
        clean(envelope.sender_id, 15),
        clean(envelope.receiver_id, 15),
        f"{created:%Y%m%d}",
        f"{created:%H%M}",
        group,
        "X",
        VERSION,
    )
    first = len(segments)
    writer.add("ST", "837", "0001", VERSION)
    writer.add("BHT", "0019", "00", control, f"{created:%Y%m%d}", f"{created:%H%M}", "CH")
    writer.add(
        "NM1",
        "41",
        "2",
        clean(envelope.submitter_name, 60),
        "",
        "",
        "",
        "",
        "46",
        clean(envelope.sender_id, 80),
    )
    writer.add(
        "PER", "IC", clean(envelope.contact_name, 60), "TE", digits(envelope.contact_phone)[:10]
    )
    writer.add(
        "NM1",
        "40",
        "2",
        clean(envelope.receiver_name, 60),
        "",
        "",
        "",
        "",
        "46",
        clean(envelope.receiver_id, 80),
    )
    writer.add("HL", "1", "", "20", "1")
    writer.add("NM1", "85", "2", clean(billing.name, 60), "", "", "", "", "XX", billing.npi)
    _address(writer, billing.address)
    writer.add("REF", "EI", digits(billing.ein))
    hl = 1
    for claim in claims:
        hl += 1
        _claim(writer, claim, hl)
    writer.add("SE", str(len(segments) - first + 1), "0001")
    writer.add("GE", "1", group)
    writer.add("IEA", "1", control)
    # One segment a line: readers accept the line break after the terminator,
    # and people (and golden files) can read the result.
    return (SEGMENT + "\n").join(segments) + SEGMENT + "\n"
