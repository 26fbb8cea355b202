"""Reading an X12 5010 835 (005010X221A1): the payer's remittance advice.

pyx12's X12Reader tokenizes the file (delimiters from the ISA, segment
terminators, envelope checks); this module reads the 835's structure from its
segments: the payment (BPR, TRN), each claim payment (CLP, loop 2100) with its
adjustments (CAS) and service lines (SVC, loop 2110) with theirs.

Real remittances deviate from the implementation guide (a missing PER*BL,
control numbers that disagree, a component separator other than the one the
ISA declares): those are warnings. What is there is read, exactly; whether it
can be posted is the caller's decision (claims.remittances).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyx12.errors
import pyx12.x12file

CENT = Decimal("0.01")

CLAIM_STATUS_WORDS: dict[str, str] = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to additional payer(s)",
    "20": "processed as secondary, forwarded to additional payer(s)",
    "21": "processed as tertiary, forwarded to additional payer(s)",
    "22": "reversal of previous payment",
    "23": "not our claim, forwarded to additional payer(s)",
    "25": "predetermination pricing only, no payment",
}
DENIED = "4"
REVERSAL = "22"


class X12ReadError(Exception):
    """The file is not an X12 835 that can be read at all."""


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: a group (CO, PR, OA, PI, CR), a reason (CARC), an amount."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(slots=True)
class ServicePayment:
    """Loop 2110: one service line as the payer adjudicated it."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    units: Decimal | None
    line: int
    revenue_code: str = ""
    date: dt.date | None = None
    control: str = ""  # REF*6R: the line item control number we sent
    allowed: Decimal | None = None  # AMT*B6
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # LQ*HE: RARC


@dataclass(slots=True)
class ClaimPayment:
    """Loop 2100: the payer's answer to one claim (CLP01 is the id we sent in CLM01)."""

    claim_id: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    filing_indicator: str
    payer_claim_number: str
    line: int
    patient_name: str = ""
    member_id: str = ""
    adjustments: list[Adjustment] = field(default_factory=list)
    services: list[ServicePayment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # MOA / MIA remark codes
    statement_from: dt.date | None = None
    statement_to: dt.date | None = None

    @property
    def status_words(self) -> str:
        return CLAIM_STATUS_WORDS.get(self.status, f"status {self.status}")

    @property
    def all_adjustments(self) -> list[Adjustment]:
        return self.adjustments + [a for s in self.services for a in s.adjustments]


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """PLB: an adjustment to the whole payment, not to a claim."""

    reason: str
    reference: str
    amount: Decimal


@dataclass(slots=True)
class Remittance:
    payer_name: str = ""
    payee_name: str = ""
    payee_id: str = ""
    total_paid: Decimal = Decimal("0.00")
    credit_debit: str = ""
    method: str = ""
    payment_date: dt.date | None = None
    trace_number: str = ""
    production_date: dt.date | None = None
    interchange_control: str = ""
    claims: list[ClaimPayment] = field(default_factory=list)
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    transactions: int = 0


def _money(value: str | None, *, what: str, line: int, warnings: list[str]) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        return Decimal(value).quantize(CENT)
    except InvalidOperation:
        warnings.append(f"line {line}: {what} is not an amount: {value!r}; read as 0.00")
        return Decimal("0.00")


def _optional_money(
    value: str | None, *, what: str, line: int, warnings: list[str]
) -> Decimal | None:
    if value is None or value == "":
        return None
    return _money(value, what=what, line=line, warnings=warnings)


def _number(value: str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _date(value: str | None) -> dt.date | None:
    if not value or len(value) != 8 or not value.isdigit():
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _value(segment: pyx12.segment.Segment, position: int, component: int | None = None) -> str:
    ref = f"{position:02d}" if component is None else f"{position:02d}-{component}"
    return (segment.get_value(ref) or "").strip()


def _adjustments(
    segment: pyx12.segment.Segment, *, line: int, warnings: list[str]
) -> list[Adjustment]:
    """A CAS segment: its group, then up to six (reason, amount, quantity) triplets."""
    group = _value(segment, 1)
    found: list[Adjustment] = []
    for start in range(2, 20, 3):
        reason = _value(segment, start)
        if not reason:
            continue
        found.append(
            Adjustment(
                group=group,
                reason=reason,
                amount=_money(
                    _value(segment, start + 1),
                    what=f"CAS{start + 1:02d}",
                    line=line,
                    warnings=warnings,
                ),
                quantity=_number(_value(segment, start + 2)),
            )
        )
    return found


def _procedure(
    segment: pyx12.segment.Segment, *, component: str, line: int, warnings: list[str]
) -> tuple[str, str, tuple[str, ...]]:
    """SVC01: qualifier, code and modifiers. Some payers separate the parts with
    another character than the ISA declares ("HC>99213"): read them anyway."""
    parts = [_value(segment, 1, index) for index in range(1, 8) if segment.get_value(f"01-{index}")]
    if len(parts) == 1:
        for other in (">", ":", "^", "<"):
            if other != component and other in parts[0]:
                warnings.append(
                    f"line {line}: SVC01 {parts[0]!r} separates its parts with {other!r}, not "
                    f"the declared {component!r}; read as {parts[0].split(other)}"
                )
                parts = parts[0].split(other)
                break
    qualifier = parts[0] if parts else ""
    code = parts[1] if len(parts) > 1 else ""
    if not code:
        warnings.append(f"line {line}: SVC01 names no procedure code ({qualifier!r})")
    return qualifier, code, tuple(p for p in parts[2:] if p)


def parse_835(text: str) -> Remittance:
    """Read every payment, claim, service line and adjustment of an 835.

    Raises X12ReadError when the text is not X12 or holds no 835. Deviations
    that leave the data readable are listed in `warnings`."""
    if not text.lstrip().startswith("ISA"):
        raise X12ReadError("not an X12 file: it does not start with an ISA segment")
    try:
        reader = pyx12.x12file.X12Reader(io.StringIO(text.lstrip()))
    except pyx12.errors.X12Error as exc:
        raise X12ReadError(f"not a readable X12 file: {exc}") from None
    component = reader.get_term()[2] or ":"
    result = Remittance()
    warnings = result.warnings
    claim: ClaimPayment | None = None
    service: ServicePayment | None = None
    entity = ""
    kinds: set[str] = set()
    try:
        for segment in reader:
            seg_id = segment.get_seg_id()
            line = reader.get_cur_line()
            if seg_id == "ISA":
                result.interchange_control = _value(segment, 13)
            elif seg_id == "ST":
                kinds.add(_value(segment, 1))
                result.transactions += 1
            elif seg_id == "BPR":
                result.credit_debit = _value(segment, 3)
                result.total_paid = _money(
                    _value(segment, 2), what="BPR02", line=line, warnings=warnings
                )
                result.method = _value(segment, 4)
                result.payment_date = _date(_value(segment, 16))
                if _value(segment, 16) and result.payment_date is None:
                    warnings.append(f"line {line}: BPR16 is not a date: {_value(segment, 16)!r}")
            elif seg_id == "TRN":
                result.trace_number = _value(segment, 2)
            elif seg_id == "DTM" and claim is None and _value(segment, 1) == "405":
                result.production_date = _date(_value(segment, 2))
            elif seg_id == "N1" and claim is None:
                entity = _value(segment, 1)
                if entity == "PR":
                    result.payer_name = _value(segment, 2)
                elif entity == "PE":
                    result.payee_name = _value(segment, 2)
                    result.payee_id = _value(segment, 4)
            elif seg_id == "LX":
                service = None
            elif seg_id == "CLP":
                service = None
                claim = ClaimPayment(
                    claim_id=_value(segment, 1),
                    status=_value(segment, 2),
                    charge=_money(_value(segment, 3), what="CLP03", line=line, warnings=warnings),
                    paid=_money(_value(segment, 4), what="CLP04", line=line, warnings=warnings),
                    patient_responsibility=_optional_money(
                        _value(segment, 5), what="CLP05", line=line, warnings=warnings
                    ),
                    filing_indicator=_value(segment, 6),
                    payer_claim_number=_value(segment, 7),
                    line=line,
                )
                result.claims.append(claim)
            elif claim is None:
                if seg_id == "PLB":
                    result.provider_adjustments += _provider_adjustments(
                        segment, line=line, warnings=warnings
                    )
                continue
            elif seg_id == "CAS":
                target = service.adjustments if service is not None else claim.adjustments
                target += _adjustments(segment, line=line, warnings=warnings)
            elif seg_id == "NM1" and service is None and _value(segment, 1) == "QC":
                claim.patient_name = " ".join(
                    part for part in (_value(segment, 4), _value(segment, 3)) if part
                )
                claim.member_id = _value(segment, 9)
            elif seg_id in ("MOA", "MIA"):
                claim.remarks += [
                    _value(segment, i)
                    for i in range(1, 25)
                    if _value(segment, i) and _value(segment, i)[:1].isalpha()
                ]
            elif seg_id == "DTM" and service is None:
                qualifier = _value(segment, 1)
                if qualifier == "232":
                    claim.statement_from = _date(_value(segment, 2))
                elif qualifier == "233":
                    claim.statement_to = _date(_value(segment, 2))
            elif seg_id == "SVC":
                qualifier, code, modifiers = _procedure(
                    segment, component=component, line=line, warnings=warnings
                )
                service = ServicePayment(
                    qualifier=qualifier,
                    code=code,
                    modifiers=modifiers,
                    charge=_money(_value(segment, 2), what="SVC02", line=line, warnings=warnings),
                    paid=_money(_value(segment, 3), what="SVC03", line=line, warnings=warnings),
                    revenue_code=_value(segment, 4),
                    units=_number(_value(segment, 5)),
                    line=line,
                )
                claim.services.append(service)
            elif service is not None and seg_id == "DTM":
                if _value(segment, 1) in ("472", "150"):
                    service.date = _date(_value(segment, 2))
            elif service is not None and seg_id == "REF" and _value(segment, 1) == "6R":
                service.control = _value(segment, 2)
            elif service is not None and seg_id == "AMT" and _value(segment, 1) == "B6":
                service.allowed = _optional_money(
                    _value(segment, 2), what="AMT02", line=line, warnings=warnings
                )
            elif service is not None and seg_id == "LQ" and _value(segment, 1) == "HE":
                service.remarks.append(_value(segment, 2))
            elif seg_id == "PLB":
                claim = None
                service = None
                result.provider_adjustments += _provider_adjustments(
                    segment, line=line, warnings=warnings
                )
            elif seg_id in ("SE", "GE", "IEA"):
                claim = None
                service = None
    except pyx12.errors.X12Error as exc:
        raise X12ReadError(
            f"the file cannot be read past line {reader.get_cur_line()}: {exc}"
        ) from None
    finally:
        for error in reader.pop_errors():
            warnings.append(f"{error[0]} {error[1]}: {error[2]}")
        reader.close()
    if "835" not in kinds:
        found = ", ".join(sorted(k for k in kinds if k)) or "no transaction"
        raise X12ReadError(f"not an 835 remittance: the file holds {found}")
    return result


def _provider_adjustments(
    segment: pyx12.segment.Segment, *, line: int, warnings: list[str]
) -> list[ProviderAdjustment]:
    found: list[ProviderAdjustment] = []
    for start in range(3, 15, 2):
        reason = _value(segment, start, 1) or _value(segment, start)
        if not reason:
            continue
        found.append(
            ProviderAdjustment(
                reason=reason,
                reference=_value(segment, start, 2),
                amount=_money(
                    _value(segment, start + 1),
                    what=f"PLB{start + 1:02d}",
                    line=line,
                    warnings=warnings,
                ),
            )
        )
    return found


def remittance_warnings(text: str) -> list[str]:
    """pyx12's findings against the 835 implementation guide, as warnings."""
    from fitclaim.interop.x12.validate import validate_x12

    return [str(problem) for problem in validate_x12(text)]
