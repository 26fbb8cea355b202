"""Claim checks: rules the engine does not see, with stable codes.

The engine decides payability from the case alone. A few rules need facts the
case does not carry (who holds which license, how a letter was signed, whether
the organization has a billing NPI). They live here, as small pure functions.
The coverage page shows them as warnings beside the engine's answer; building a
claim for a source whose kind a check `blocks` is refused. They never change the
engine's amounts and are never part of its `actions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from fitclaim.domain.service_codes import LICENSED, Profession, service_code


class CheckCode(StrEnum):
    CODE_NEEDS_LICENSE = "CODE_NEEDS_LICENSE"
    ESIGNATURE_REFUSED = "ESIGNATURE_REFUSED"
    BILLING_NPI_MISSING = "BILLING_NPI_MISSING"
    # The packet check (FSA, HSA and wellness packets) and the 837P's data.
    DATA_MISSING = "DATA_MISSING"
    LMN_NOT_VALID = "LMN_NOT_VALID"
    ISSUER_NOT_ACCEPTED = "ISSUER_NOT_ACCEPTED"
    AMOUNT_AFTER_INSURANCE_MISSING = "AMOUNT_AFTER_INSURANCE_MISSING"


INSURANCE = "insurance"
ACCOUNTS = frozenset({"fsa", "hsa", "wellness"})
ALL_KINDS = frozenset({INSURANCE}) | ACCOUNTS

# The source kinds a claim is blocked for while the check holds. FSA, HSA and
# wellness administrators reimburse the member for an incurred, documented
# expense; they do not care which CPT code a trainer used, insurers do.
BLOCKS: dict[CheckCode, frozenset[str]] = {
    CheckCode.CODE_NEEDS_LICENSE: frozenset({INSURANCE}),
    CheckCode.ESIGNATURE_REFUSED: frozenset({INSURANCE, "fsa", "hsa", "wellness"}),
    CheckCode.BILLING_NPI_MISSING: frozenset({INSURANCE}),
    CheckCode.DATA_MISSING: ALL_KINDS,
    CheckCode.LMN_NOT_VALID: ALL_KINDS,
    CheckCode.ISSUER_NOT_ACCEPTED: ALL_KINDS,
    # Insurance is asked first; what an account reimburses is what is left after it.
    CheckCode.AMOUNT_AFTER_INSURANCE_MISSING: ACCOUNTS,
}


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """One problem: its code, a message in plain words, and what it is about
    (a session id, a source id, or neither for the whole claim)."""

    code: CheckCode
    message: str
    session: str | None = None
    source: str | None = None

    @property
    def blocks(self) -> frozenset[str]:
        return BLOCKS[self.code]

    def blocks_kind(self, kind: str) -> bool:
        return kind in BLOCKS[self.code]


@dataclass(frozen=True, slots=True)
class SessionLine:
    """What the checks need to know about one session."""

    id: str
    code: str
    trainer_name: str
    profession: str  # a Profession value: the rendering trainer's license


def check_code_license(line: SessionLine) -> ClaimCheck | None:
    """A therapy code (97xxx) is billable only by a licensed physical or
    occupational therapist or a physician; under anyone else an insurer denies
    it, so a claim to insurance with it is blocked."""
    entry = service_code(line.code)
    if entry is None or not entry.needs_license:
        return None
    if line.profession in {p.value for p in LICENSED}:
        return None
    return ClaimCheck(
        code=CheckCode.CODE_NEEDS_LICENSE,
        message=(
            f"{entry.code} ({entry.description}) must be billed by {entry.who_may_bill}; "
            f"{line.trainer_name} holds no PT or OT license, so insurance will not pay it. "
            "Use S9451 for training by a non-physician provider."
        ),
        session=line.id,
    )


def check_esignature(
    *, source: str, source_name: str, refuses_esignature: bool, letter_signed_electronically: bool
) -> ClaimCheck | None:
    """Some payers accept only a letter signed by hand: an e-signed letter sent to
    them is rejected, so the claim waits for a wet-signed scan."""
    if not (refuses_esignature and letter_signed_electronically):
        return None
    return ClaimCheck(
        code=CheckCode.ESIGNATURE_REFUSED,
        message=(
            f"{source_name} does not accept electronically signed letters: "
            "upload a scan of a hand-signed letter."
        ),
        source=source,
    )


def check_billing_npi(*, provider_submitted: bool, billing_npi: str) -> ClaimCheck | None:
    """An 837P sent by the organization needs its billing NPI; without one only
    the member-submitted (paper) route remains."""
    if not provider_submitted or billing_npi.strip():
        return None
    return ClaimCheck(
        code=CheckCode.BILLING_NPI_MISSING,
        message=(
            "The organization has no group NPI, so it cannot submit an electronic claim "
            "(837P): add the NPI in the organization's settings, or let the member submit."
        ),
    )


def session_checks(lines: Iterable[SessionLine]) -> list[ClaimCheck]:
    """Every session-level check, in session order."""
    return [check for line in lines if (check := check_code_license(line)) is not None]


def blocking(checks: Iterable[ClaimCheck], kind: str) -> list[ClaimCheck]:
    """The checks that block a claim to a source of this kind."""
    return [check for check in checks if check.blocks_kind(kind)]


# --------------------------------------------------------------------- the packet check
#
# What an FSA, HSA or wellness administrator rejects a claim packet for. The
# packet check runs before a claim may be marked ready; each problem names the
# line (session) it is about.


@dataclass(frozen=True, slots=True)
class PacketLetter:
    """The letter of medical necessity a line relies on."""

    reference: str
    signed: bool
    valid_from: dt.date
    valid_to: dt.date
    issuer_kind: str
    electronic: bool


@dataclass(frozen=True, slots=True)
class InsuranceOutcome:
    """What an insurance plan did about a session, as the packet can state it:
    `settled` (paid or denied: the amount is known), `ineligible` or
    `not_needed` (it does not pay), `payable` (it could pay and has not been
    asked), `pending` (asked, no answer yet)."""

    name: str
    status: str


@dataclass(frozen=True, slots=True)
class PacketLine:
    id: str
    date: dt.date | None
    description: str
    rendered_by: str
    amount: Decimal
    letter: PacketLetter | None
    insurance: tuple[InsuranceOutcome, ...] = ()


@dataclass(frozen=True, slots=True)
class PacketFacts:
    source: str
    source_name: str
    kind: str
    requires_lmn: bool
    accepted_issuers: tuple[str, ...]
    accepts_esignature: bool
    provider_name: str
    provider_address: str
    patient_name: str
    patient_birth_date: dt.date | None
    member_id: str
    lines: tuple[PacketLine, ...]


def _missing(message: str, session: str | None = None) -> ClaimCheck:
    return ClaimCheck(code=CheckCode.DATA_MISSING, message=message, session=session)


def check_packet_data(facts: PacketFacts) -> list[ClaimCheck]:
    """Every data point an administrator needs: who provided the service and
    where, who received it, what it was, when, and what it cost."""
    checks: list[ClaimCheck] = []
    if not facts.provider_name.strip():
        checks.append(_missing("The provider's name is missing (organization settings)."))
    if not facts.provider_address.strip():
        checks.append(_missing("The provider's address is missing (organization settings)."))
    if not facts.patient_name.strip():
        checks.append(_missing("The patient's name is missing."))
    if facts.patient_birth_date is None:
        checks.append(_missing("The patient's date of birth is missing (client record)."))
    # FSA and HSA administrators file a claim under the account; a wellness
    # program pays the employee it knows by name.
    if facts.kind in ("fsa", "hsa") and not facts.member_id.strip():
        checks.append(
            _missing(f"The member or account id for {facts.source_name} is missing (funding tab).")
        )
    if not facts.lines:
        checks.append(_missing("The claim has no lines."))
    for line in facts.lines:
        if line.date is None:
            checks.append(_missing("A line has no service date.", line.id))
        if not line.description.strip():
            checks.append(_missing("A line has no service description.", line.id))
        if not line.rendered_by.strip():
            checks.append(_missing("A line does not name who rendered the service.", line.id))
        if line.amount <= 0:
            checks.append(_missing("A line has no amount to reimburse.", line.id))
    return checks


def check_packet_letter(facts: PacketFacts, line: PacketLine) -> list[ClaimCheck]:
    """The line's letter must be signed and valid on the line's date, from a
    provider kind the source accepts, and signed by hand where the source
    refuses e-signatures."""
    if not facts.requires_lmn:
        return []
    day = line.date.isoformat() if line.date else "the service date"
    letter = line.letter
    if letter is None:
        return [
            ClaimCheck(
                code=CheckCode.LMN_NOT_VALID,
                message=f"No letter of medical necessity is valid on {day}.",
                session=line.id,
            )
        ]
    checks: list[ClaimCheck] = []
    if not letter.signed:
        checks.append(
            ClaimCheck(
                code=CheckCode.LMN_NOT_VALID,
                message=f"{letter.reference} is not signed: an administrator needs the signed "
                "letter.",
                session=line.id,
            )
        )
    elif line.date is not None and not letter.valid_from <= line.date <= letter.valid_to:
        checks.append(
            ClaimCheck(
                code=CheckCode.LMN_NOT_VALID,
                message=f"{letter.reference} is valid {letter.valid_from} to {letter.valid_to}, "
                f"not on {day}.",
                session=line.id,
            )
        )
    if facts.accepted_issuers and letter.issuer_kind not in facts.accepted_issuers:
        checks.append(
            ClaimCheck(
                code=CheckCode.ISSUER_NOT_ACCEPTED,
                message=f"{facts.source_name} accepts letters from "
                f"{', '.join(k.replace('_', ' ') for k in facts.accepted_issuers)} only; "
                f"{letter.reference} is from a {letter.issuer_kind.replace('_', ' ')}.",
                session=line.id,
            )
        )
    refused = check_esignature(
        source=facts.source,
        source_name=facts.source_name,
        refuses_esignature=not facts.accepts_esignature,
        letter_signed_electronically=letter.signed and letter.electronic,
    )
    if refused is not None:
        checks.append(
            ClaimCheck(
                code=refused.code, message=refused.message, session=line.id, source=facts.source
            )
        )
    return checks


def check_after_insurance(facts: PacketFacts, line: PacketLine) -> ClaimCheck | None:
    """An account reimburses what is left after insurance, so its packet must
    show what insurance paid. While a plan could still pay (not yet asked) or
    has not answered, that amount cannot be shown."""
    if facts.kind == INSURANCE:
        return None
    waiting = [o for o in line.insurance if o.status in ("payable", "pending")]
    if not waiting:
        return None
    names = ", ".join(o.name for o in waiting)
    asked = all(o.status == "pending" for o in waiting)
    return ClaimCheck(
        code=CheckCode.AMOUNT_AFTER_INSURANCE_MISSING,
        message=(
            f"The amount after insurance is not known yet: {names} has not answered the claim "
            "for this session (wait for the explanation of benefits)."
            if asked
            else f"The amount after insurance is not known yet: claim this session from {names} "
            "first, then from this account with the explanation of benefits."
        ),
        session=line.id,
    )


def packet_checks(facts: PacketFacts) -> list[ClaimCheck]:
    """Everything an administrator would reject the packet for, claim-wide
    problems first, then line by line in line order."""
    checks = check_packet_data(facts)
    for line in facts.lines:
        checks.extend(check_packet_letter(facts, line))
        after = check_after_insurance(facts, line)
        if after is not None:
            checks.append(after)
    return checks


__all__ = [
    "BLOCKS",
    "CheckCode",
    "ClaimCheck",
    "InsuranceOutcome",
    "PacketFacts",
    "PacketLetter",
    "PacketLine",
    "Profession",
    "SessionLine",
    "blocking",
    "check_after_insurance",
    "check_billing_npi",
    "check_code_license",
    "check_esignature",
    "check_packet_data",
    "check_packet_letter",
    "packet_checks",
    "session_checks",
]
