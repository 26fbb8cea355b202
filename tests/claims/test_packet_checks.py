"""The packet check as pure rules (fitclaim.domain.claim_checks): no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from fitclaim.domain.claim_checks import (
    CheckCode,
    InsuranceOutcome,
    PacketFacts,
    PacketLetter,
    PacketLine,
    check_billing_npi,
    packet_checks,
)

DAY = dt.date(2026, 3, 3)
LETTER = PacketLetter(
    reference="LMN-00001 v1",
    signed=True,
    valid_from=dt.date(2026, 1, 15),
    valid_to=dt.date(2027, 1, 14),
    issuer_kind="physician",
    electronic=False,
)


def facts(*, line: PacketLine | None = None, **changes: object) -> PacketFacts:
    base = {
        "source": "src-1",
        "source_name": "Employer FSA",
        "kind": "fsa",
        "requires_lmn": True,
        "accepted_issuers": (),
        "accepts_esignature": True,
        "provider_name": "Riverbend Medical Fitness",
        "provider_address": "415 River Road\nSalem, OR 97301",
        "patient_name": "Dana Reyes",
        "patient_birth_date": dt.date(1971, 4, 9),
        "member_id": "FSA-REYES",
        "lines": (
            line
            or PacketLine(
                id="7",
                date=DAY,
                description="Exercise class",
                rendered_by="Sam Ortiz",
                amount=Decimal("85.00"),
                letter=LETTER,
            ),
        ),
    }
    return PacketFacts(**(base | changes))  # type: ignore[arg-type]


def line(**changes: object) -> PacketLine:
    base = {
        "id": "7",
        "date": DAY,
        "description": "Exercise class",
        "rendered_by": "Sam Ortiz",
        "amount": Decimal("85.00"),
        "letter": LETTER,
    }
    return PacketLine(**(base | changes))  # type: ignore[arg-type]


def codes(packet: PacketFacts) -> list[str]:
    return [str(check.code) for check in packet_checks(packet)]


def test_a_complete_packet_has_no_problem() -> None:
    assert packet_checks(facts()) == []


def test_every_missing_data_point_is_named() -> None:
    packet = facts(
        provider_address="",
        patient_birth_date=None,
        line=line(description="", rendered_by="", amount=Decimal("0.00")),
    )
    messages = [c.message for c in packet_checks(packet)]
    assert messages == [
        "The provider's address is missing (organization settings).",
        "The patient's date of birth is missing (client record).",
        "A line has no service description.",
        "A line does not name who rendered the service.",
        "A line has no amount to reimburse.",
    ]


def test_a_wellness_program_needs_no_account_id_but_an_fsa_does() -> None:
    assert codes(facts(member_id="", kind="wellness")) == []
    assert codes(facts(member_id="")) == [CheckCode.DATA_MISSING]


def test_an_unsigned_or_lapsed_letter() -> None:
    unsigned = line(letter=dataclasses.replace(LETTER, signed=False))
    assert [c.message for c in packet_checks(facts(line=unsigned))] == [
        "LMN-00001 v1 is not signed: an administrator needs the signed letter."
    ]
    late = line(date=dt.date(2027, 2, 1))
    assert "not on 2027-02-01" in packet_checks(facts(line=late))[0].message
    assert codes(facts(line=line(letter=None))) == [CheckCode.LMN_NOT_VALID]
    # A source that needs no letter does not look for one.
    assert codes(facts(requires_lmn=False, line=line(letter=None))) == []


def test_the_issuer_kind_and_the_e_signature() -> None:
    assert codes(facts(accepted_issuers=("nurse_practitioner",))) == [CheckCode.ISSUER_NOT_ACCEPTED]
    esigned = line(letter=dataclasses.replace(LETTER, electronic=True))
    assert codes(facts(line=esigned)) == []
    assert codes(facts(line=esigned, accepts_esignature=False)) == [CheckCode.ESIGNATURE_REFUSED]


def test_the_amount_after_insurance_must_be_known() -> None:
    for status, expected in (
        ("payable", [CheckCode.AMOUNT_AFTER_INSURANCE_MISSING]),
        ("pending", [CheckCode.AMOUNT_AFTER_INSURANCE_MISSING]),
        ("settled", []),
        ("ineligible", []),
        ("not_needed", []),
    ):
        outcome = (InsuranceOutcome(name="Acme Health PPO", status=status),)
        assert codes(facts(line=line(insurance=outcome))) == expected, status
    # An insurance claim is not asked what insurance paid.
    payable = (InsuranceOutcome(name="Summit Blue", status="payable"),)
    assert codes(facts(kind="insurance", line=line(insurance=payable))) == []


def test_the_837p_needs_the_billing_npi() -> None:
    check = check_billing_npi(provider_submitted=True, billing_npi="")
    assert check is not None and check.code is CheckCode.BILLING_NPI_MISSING
    assert check.blocks_kind("insurance") and not check.blocks_kind("fsa")
    assert check_billing_npi(provider_submitted=True, billing_npi="1558412340") is None
    assert check_billing_npi(provider_submitted=False, billing_npi="") is None
