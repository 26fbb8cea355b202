"""The 837P fitclaim writes: pyx12 finds no error in it, for claims of every
shape, and a fixed batch matches its golden file byte for byte."""

from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal
from pathlib import Path

import pytest

from fitclaim.interop.x12.professional import (
    Address,
    BillingProvider,
    Envelope,
    Payer,
    ProfessionalClaim,
    Rendering,
    ServiceLine,
    Subscriber,
    amount,
    clean,
    icd10,
    render_837p,
    split_us_address,
)
from fitclaim.interop.x12.validate import validate_x12

GOLDEN = Path(__file__).with_name("golden") / "837p_batch.x12"

ENVELOPE = Envelope(
    sender_id="1558412340",
    receiver_id="CLEARINGHOUSE",
    receiver_name="Clearinghouse",
    submitter_name="Riverbend Medical Fitness",
    contact_name="Lee Carter",
    contact_phone="(503) 555-0140",
    control_number=42,
    created=dt.datetime(2026, 8, 1, 9, 30),
    usage="T",
)
BILLING = BillingProvider(
    name="Riverbend Medical Fitness",
    npi="1558412340",
    ein="93-1234567",
    address=Address(("415 River Road, Suite 200",), "Salem", "OR", "97301"),
)
DANA = Subscriber(
    last_name="Reyes",
    first_name="Dana",
    member_id="ACM884120931",
    birth_date=dt.date(1971, 4, 9),
    address=Address(("27 Elm St",), "Salem", "OR", "97302"),
)
ACME = Payer(name="Acme Health", payer_id="ACME1")


def line(n: int, code: str = "S9451", charge: str = "85.00", units: int = 1) -> ServiceLine:
    return ServiceLine(
        control=f"L{n}",
        code=code,
        charge=Decimal(charge),
        units=units,
        date=dt.date(2026, 2, 1) + dt.timedelta(days=2 * n),
        pointers=(1, 2),
    )


def batch() -> list[ProfessionalClaim]:
    return [
        ProfessionalClaim(
            claim_id="FC000001",
            subscriber=DANA,
            payer=ACME,
            diagnoses=("E66.812", "E11.9"),
            lines=(line(1), line(2)),
            prior_authorization="PA-2026-0042",
            rendering=Rendering("Ortiz", "Sam", "1245319599"),
        ),
        ProfessionalClaim(
            claim_id="FC000002",
            subscriber=Subscriber(
                last_name="O'Brien",
                first_name="Kevin",
                member_id="SBH2045*8812",  # a delimiter in the data never reaches the file
                birth_date=dt.date(1962, 12, 1),
                address=Address(("9 Cedar Ave", "Apt 3"), "Keizer", "OR", "973031234"),
            ),
            payer=Payer(name="Summit Blue HMO", payer_id="SBH01", responsibility="S"),
            diagnoses=("I25.10",),
            lines=(line(3, "97110", "120.00", 3),),
        ),
    ]


def test_the_batch_matches_its_golden_file() -> None:
    text = render_837p(ENVELOPE, BILLING, batch())
    if os.environ.get("FITCLAIM_REGENERATE_GOLDEN") == "1":  # then review the diff
        GOLDEN.write_text(text, encoding="ascii")
    assert text == GOLDEN.read_text(encoding="ascii")


def test_the_golden_file_passes_pyx12() -> None:
    assert validate_x12(GOLDEN.read_text(encoding="ascii")) == []


def test_what_the_batch_says() -> None:
    segments = render_837p(ENVELOPE, BILLING, batch()).split("~\n")[:-1]
    assert "CLM*FC000001*170***11:B:1*Y*A*Y*Y" in segments
    assert "REF*G1*PA-2026-0042" in segments
    assert "HI*ABK:E66812*ABF:E119" in segments
    assert "NM1*82*1*Ortiz*Sam****XX*1245319599" in segments
    assert "SV1*HC:97110*120*UN*3***1" in segments  # one diagnosis: pointer 1 only
    assert "REF*6R*L3" in segments
    assert "NM1*IL*1*O'Brien*Kevin****MI*SBH2045 8812" in segments
    assert "SBR*S*18*******CI" in segments
    assert "N4*Keizer*OR*973031234" in segments
    assert segments[-3].startswith("SE*")
    assert int(segments[-3].split("*")[1]) == len(segments[2:-2])  # ST..SE


def _random_claim(rng: random.Random, n: int) -> ProfessionalClaim:
    codes = ["S9451", "97110", "97112", "97530", "98960", "G0422"]
    diagnoses = ["E66.01", "E11.9", "I25.10", "F32.A", "F41.1", "M54.50", "Z96.651", "E66.812"]
    lines = tuple(
        ServiceLine(
            control=f"L{n * 100 + i}",
            code=rng.choice(codes),
            charge=Decimal(rng.randint(4000, 25000)) / 100,
            units=rng.randint(1, 4),
            date=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300)),
            pointers=tuple(range(1, rng.randint(1, 4) + 1)),
        )
        for i in range(rng.randint(1, 50))
    )
    return ProfessionalClaim(
        claim_id=f"FC{n:06d}",
        subscriber=Subscriber(
            last_name=rng.choice(["Reyes", "Bell", "Natarajan-Iyer", "Haller", "Ó Súilleabháin"]),
            first_name=rng.choice(["Dana", "Marcus", "Priya", "Tom", "Zoë"]),
            member_id=f"M{rng.randint(10**8, 10**9)}",
            birth_date=dt.date(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)),
            address=Address(
                (f"{rng.randint(1, 9999)} Main St",),
                "Salem",
                "OR",
                rng.choice(["97301", "973012345"]),
            ),
        ),
        payer=Payer(
            name=rng.choice(["Acme Health", "Summit Blue HMO"]),
            payer_id=rng.choice(["ACME1", "SBH01", "60054"]),
            responsibility=rng.choice(["P", "S", "T"]),
        ),
        diagnoses=tuple(rng.sample(diagnoses, rng.randint(1, 8))),
        lines=lines,
        prior_authorization=rng.choice(["", "PA-2026-0042", "A1B2C3"]),
        rendering=rng.choice([None, Rendering("Ortiz", "Sam", "1245319599")]),
        place_of_service=rng.choice(["11", "22", "99"]),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_varied_batches_pass_pyx12_with_no_error(seed: int) -> None:
    rng = random.Random(seed)
    claims = [_random_claim(rng, n) for n in range(1, rng.randint(2, 12))]
    text = render_837p(ENVELOPE, BILLING, claims)
    assert validate_x12(text) == []


def test_pyx12_catches_a_broken_file() -> None:
    text = render_837p(ENVELOPE, BILLING, batch()).replace("SBR*P*18", "SBR*Q*18")
    problems = validate_x12(text)
    assert problems and any(p.segment == "SBR" for p in problems)


def test_values_never_carry_delimiters_and_amounts_drop_trailing_zeros() -> None:
    assert clean("A*B~C:D^E\nF", 60) == "A B C D E F"
    assert clean("Ó Súilleabháin, Zoë", 60) == "O Suilleabhain, Zoe"
    assert clean("x" * 80, 60) == "x" * 60
    assert amount(Decimal("85.00")) == "85" and amount(Decimal("85.50")) == "85.5"
    assert amount(Decimal("0.00")) == "0" and amount(Decimal("120.05")) == "120.05"
    assert icd10("E66.812") == "E66812"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "415 River Road, Suite 200\nSalem, OR 97301",
            (("415 River Road, Suite 200",), "Salem", "OR", "97301"),
        ),
        ("27 Elm St, Salem, OR 97302-1234", (("27 Elm St",), "Salem", "OR", "973021234")),
        (
            "9 Cedar Ave\nApt 3\nKeizer OR 97303",
            (("9 Cedar Ave", "Apt 3"), "Keizer", "OR", "97303"),
        ),
        ("Salem, OR", None),
        ("", None),
    ],
)
def test_a_typed_address_is_split_for_n3_and_n4(text: str, expected: tuple | None) -> None:
    found = split_us_address(text)
    assert (
        None if found is None else (found.lines, found.city, found.state, found.zip)
    ) == expected
