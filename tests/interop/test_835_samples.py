"""Reading real 835s nobody on this project wrote (../shared/samples/x12,
README there): every claim payment (CLP), adjustment (CAS) and amount read
exactly, and the deviations from the implementation guide reported as
warnings rather than refused.

The samples carry other systems' claim ids, so posting is tested elsewhere
(tests/claims/test_remittance.py) with 835s that answer fitclaim's own claims.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from fitclaim.interop.x12.remittance import X12ReadError, parse_835, remittance_warnings

SAMPLES = Path(os.environ.get("FITCLAIM_X12_SAMPLES", "/work/shared/samples/x12"))
D = Decimal

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"no samples at {SAMPLES}")


def read(name: str):
    return parse_835((SAMPLES / name).read_text(encoding="ascii"))


def adjustments(items) -> list[tuple[str, str, Decimal]]:
    return [(a.group, a.reason, a.amount) for a in items]


def test_managed_care_two_claims_with_deductibles() -> None:
    # linuxforhealth__835_005010X221A1__managed-care.835
    r = read("linuxforhealth__835_005010X221A1__managed-care.835")
    assert (r.payer_name, r.payee_name, r.payee_id) == (
        "RUSHMORE LIFE",
        "ACME MEDICAL CENTER",
        "5544667733",
    )
    assert (r.total_paid, r.method, r.trace_number) == (D("945.00"), "ACH", "7170066655")
    assert r.payment_date is None  # BPR16 is 20002316, not a date
    assert r.production_date == dt.date(2002, 3, 14)
    assert [
        (c.claim_id, c.status, c.charge, c.paid, c.patient_responsibility) for c in r.claims
    ] == [
        ("5554555444", "1", D("800.00"), D("450.00"), D("300.00")),
        ("8765432112", "1", D("1200.00"), D("495.00"), D("600.00")),
    ]
    first, second = r.claims
    assert (first.patient_name, first.member_id, first.payer_claim_number) == (
        "WILLIAM BUDD",
        "33344555510",
        "94060555410000",
    )
    assert adjustments(first.adjustments) == [("CO", "A2", D("50.00"))]
    (service,) = first.services
    assert (service.qualifier, service.code, service.charge, service.paid, service.date) == (
        "HC",
        "99211",
        D("800.00"),
        D("500.00"),
        dt.date(2002, 3, 1),
    )
    assert adjustments(service.adjustments) == [("PR", "1", D("300.00"))]
    assert adjustments(second.adjustments) == [("CO", "A2", D("55.00"))]
    (service,) = second.services
    assert (service.code, service.charge, service.paid) == ("93555", D("1200.00"), D("550.00"))
    assert adjustments(service.adjustments) == [("PR", "1", D("600.00")), ("CO", "45", D("50.00"))]
    assert any("BPR16 is not a date" in w for w in r.warnings)


def test_cob_contractual_adjustment_with_a_negative_cas() -> None:
    r = read("linuxforhealth__835_005010X221A1__cob-contractural-adjustment.835")
    assert (r.payer_name, r.total_paid, r.payment_date, r.trace_number) == (
        "YOUR TAX DOLLARS AT WORK",
        D("34.00"),
        None,
        "0063158ABC",
    )
    (claim,) = r.claims
    assert (
        claim.claim_id,
        claim.status,
        claim.charge,
        claim.paid,
        claim.patient_responsibility,
    ) == (
        "0001000055",
        "2",
        D("541.00"),
        D("34.00"),
        None,
    )
    assert claim.adjustments == []
    (service,) = claim.services
    assert (service.qualifier, service.code, service.charge, service.paid, service.units) == (
        "HC",
        "55669",
        D("541.00"),
        D("34.00"),
        D("1.00"),
    )
    assert (service.date, service.allowed) == (dt.date(2005, 2, 2), D("550.00"))
    assert adjustments(service.adjustments) == [("OA", "23", D("516.00")), ("OA", "94", D("-9.00"))]
    # The file separates SVC01's parts with ">" where its ISA declares ":".
    assert any("separates its parts with '>'" in w for w in r.warnings)


def test_secondary_payment_with_a_multi_reason_cas() -> None:
    r = read("linuxforhealth__835_005010X221A1__secondary-payment.835")
    assert r.total_paid == D("1222.00")
    assert [
        (c.claim_id, c.status, c.charge, c.paid, c.patient_responsibility) for c in r.claims
    ] == [
        ("L0004828311", "2", D("10323.64"), D("912.00"), None),
        ("0001000053", "2", D("751.50"), D("310.00"), D("220.00")),
    ]
    first, second = r.claims
    assert adjustments(first.adjustments) == [("OA", "23", D("9411.64"))]
    assert first.services == []
    assert [(s.code, s.modifiers, s.charge, s.paid, s.allowed) for s in second.services] == [
        ("12345", ("26",), D("166.50"), D("30.00"), D("150.00")),
        ("66543", ("26",), D("585.00"), D("280.00"), D("500.00")),
    ]
    assert adjustments(second.services[0].adjustments) == [("OA", "23", D("136.50"))]
    # CAS*PR*1*150.00**2*70.00: two triplets in one segment.
    assert adjustments(second.services[1].adjustments) == [
        ("PR", "1", D("150.00")),
        ("PR", "2", D("70.00")),
        ("CO", "42", D("85.00")),
    ]


def test_tertiary_payment_read_as_written() -> None:
    r = read("linuxforhealth__835_005010X221A1__tertiary-payment.835")
    (claim,) = r.claims
    assert (claim.claim_id, claim.status, claim.charge, claim.paid) == (
        "0001000054",
        "3",
        D("1766.50"),
        D("187.50"),
    )
    (service,) = claim.services
    # SVC*HC*24599.00*1766.50*187.50**1: no procedure code; the amounts where they stand.
    assert (service.qualifier, service.code, service.charge, service.paid) == (
        "HC",
        "",
        D("24599.00"),
        D("1766.50"),
    )
    assert adjustments(service.adjustments) == [("OA", "23", D("1579.00"))]
    assert any("names no procedure code" in w for w in r.warnings)


@pytest.mark.parametrize(
    "name",
    [
        "linuxforhealth__835_005010X221A1__medicare-part-a.835",
        "linuxforhealth__demo-file__demo.835",
    ],
)
def test_medicare_part_a_claims_and_the_provider_adjustment(name: str) -> None:
    r = read(name)
    assert (r.payer_name, r.total_paid, r.payment_date, r.trace_number) == (
        "INSURANCE COMPANY OF TIMBUCKTU",
        D("150000.00"),
        dt.date(2002, 9, 13),
        "12345",
    )
    assert [(c.claim_id, c.status, c.charge, c.paid, c.filing_indicator) for c in r.claims] == [
        ("666123", "1", D("211366.97"), D("138018.40"), "MA"),
        ("777777", "1", D("15000.00"), D("11980.33"), "MB"),
    ]
    assert [adjustments(c.adjustments) for c in r.claims] == [
        [("CO", "45", D("73348.57"))],
        [("CO", "45", D("3019.67"))],
    ]
    assert [c.remarks for c in r.claims] == [[], ["MA02"]]
    assert [(p.reason, p.reference, p.amount) for p in r.provider_adjustments] == [
        ("CV", "CP", D("-1.27"))
    ]


def test_the_pyx12_sample_with_three_denied_lines() -> None:
    r = read("pyx12__835_mult_loops.835")
    assert (r.total_paid, r.payment_date) == (D("0.00"), dt.date(2004, 10, 28))
    (claim,) = r.claims
    assert (claim.claim_id, claim.status, claim.status_words, claim.charge, claim.paid) == (
        "2005555A",
        "4",
        "denied",
        D("915.39"),
        D("0.00"),
    )
    assert [(s.code, s.charge, s.paid, s.units, s.date) for s in claim.services] == [
        ("T1005", D("500.04"), D("0.00"), D("68"), dt.date(2003, 11, 29)),
        ("T1005", D("127.80"), D("0.00"), D("16"), dt.date(2003, 10, 30)),
        ("T1005", D("287.55"), D("0.00"), D("36"), dt.date(2003, 10, 31)),
    ]
    assert [adjustments(s.adjustments) for s in claim.services] == [
        [("CO", "16", D("500.04"))],
        [("OA", "A7", D("127.80"))],
        [("OA", "A7", D("287.55"))],
    ]
    assert [s.remarks for s in claim.services] == [["N14"], ["N14"], ["N14"]]
    # pyx12 itself says this one is clean.
    assert remittance_warnings((SAMPLES / "pyx12__835_mult_loops.835").read_text()) == []


def test_a_linuxforhealth_sample_carries_implementation_guide_errors_as_warnings() -> None:
    text = (SAMPLES / "linuxforhealth__835_005010X221A1__managed-care.835").read_text()
    warnings = remittance_warnings(text)
    assert warnings and any("PER" in w or "BPR" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "does not start with an ISA"),
        (
            (SAMPLES / "linuxforhealth__837_005010X222A2__demo.example1.837").read_text()
            if SAMPLES.is_dir()
            else "ISA",
            "not an 835",
        ),
    ],
)
def test_what_is_not_an_835_is_refused(text: str, message: str) -> None:
    with pytest.raises(X12ReadError, match=message):
        parse_835(text)
