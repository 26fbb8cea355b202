"""837P for fitclaim's insurance claims: loaded from the records, checked,
written, validated by pyx12; then an 835 answering it is posted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fitclaim.claims.models import X12Batch
from fitclaim.claims.remittances import era_import
from fitclaim.claims.services import claim_mark_ready
from fitclaim.claims.x12 import x12_837_generate
from fitclaim.interop.x12.validate import validate_x12
from fitclaim.preauths.models import Preauthorization

from .conftest import TRAINER_NPI, Money, days_ago, today
from .x12_helpers import ClpAnswer, SvcAnswer, write_835


@pytest.fixture
def ready(two_paid: Money):
    """A ready insurance claim for Dana's two sessions, pre-authorized, by Sam (with an NPI)."""
    plan = two_paid.insurance(requires_preauthorization=True)
    Preauthorization.objects.create(
        organization=two_paid.w.riverbend,
        client=two_paid.dana,
        source=plan,
        lmn=two_paid.lmn,
        requested_on=days_ago(60),
        requested_sessions=24,
        requested_from=days_ago(60),
        requested_to=today() + dt.timedelta(days=100),
        status="approved",
        reference="PA-2026-0042",
        approved_sessions=24,
        valid_from=days_ago(60),
        valid_to=today() + dt.timedelta(days=100),
    )
    two_paid.w.sam.npi = TRAINER_NPI
    two_paid.w.sam.save()
    claim = two_paid.build(plan, payer_id="ACME1")
    claim = claim_mark_ready(by=two_paid.admin, claim=claim)
    return two_paid, claim


def test_the_837p_of_a_ready_claim_carries_what_the_insurer_needs(ready) -> None:
    money, claim = ready
    text, batch = x12_837_generate(by=money.admin, claims=[claim], usage="T")
    assert validate_x12(text) == []
    segments = text.split("~\n")
    assert segments[0].endswith(f"*00501*{batch.pk:09d}*0*T*:")
    assert "NM1*85*2*Riverbend Medical Fitness*****XX*1558412340" in segments
    assert "REF*EI*931234567" in segments
    assert "NM1*IL*1*Reyes*Dana****MI*ACM884120931" in segments
    assert "DMG*D8*19710409*U" in segments
    assert "NM1*PR*2*Acme Health*****PI*ACME1" in segments
    assert f"CLM*{claim.number}*170***11:B:1*Y*A*Y*Y" in segments
    assert "REF*G1*PA-2026-0042" in segments
    assert "HI*ABK:E66812*ABF:E119" in segments
    assert f"NM1*82*1*Ortiz*Sam****XX*{TRAINER_NPI}" in segments
    lines = list(claim.lines.order_by("date", "pk"))
    assert [s for s in segments if s.startswith("REF*6R")] == [f"REF*6R*{x.control}" for x in lines]
    assert [s for s in segments if s.startswith("SV1")] == ["SV1*HC:S9451*85*UN*1***1:2"] * 2
    assert list(batch.claims.all()) == [claim] and len(batch.sha256) == 64


def test_without_the_billing_npi_the_837p_is_refused(ready) -> None:
    money, claim = ready
    money.w.riverbend.group_npi = ""
    money.w.riverbend.save()
    claim.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        x12_837_generate(by=money.admin, claims=[claim])
    assert any("BILLING_NPI_MISSING" in m for m in caught.value.message_dict["claims"])
    assert not X12Batch.objects.exists()


def test_every_missing_piece_is_named_by_claim(ready) -> None:
    money, claim = ready
    claim.payer_id = ""
    claim.save()
    money.dana.address = "somewhere"
    money.dana.save()
    money.w.riverbend.tax_id = ""
    money.w.riverbend.save()
    claim.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        x12_837_generate(by=money.admin, claims=[claim])
    problems = caught.value.message_dict["claims"]
    assert "The organization's tax id (EIN, 9 digits) is missing (settings)." in problems
    assert f"{claim.number}: the payer id (the insurer's electronic id) is missing" in problems
    assert f'{claim.number}: the patient\'s address must end with "City, ST 12345"' in problems


def test_a_draft_or_an_fsa_claim_is_not_in_an_837p(two_paid: Money) -> None:
    fsa = two_paid.build(two_paid.fsa)
    with pytest.raises(ValidationError) as caught:
        x12_837_generate(by=two_paid.admin, claims=[fsa])
    problems = caught.value.message_dict["claims"]
    assert f"{fsa.number}: only insurance claims go as an 837P" in problems
    assert f"{fsa.number}: is draft: mark it ready first" in problems


def test_837p_out_835_in(ready) -> None:
    from fitclaim.claims.services import claim_submit

    money, claim = ready
    _text, batch = x12_837_generate(by=money.admin, claims=[claim])
    claim = claim_submit(
        by=money.admin, claim=claim, submitted_on=today(), channel="edi", reference=str(batch.pk)
    )
    lines = list(claim.lines.order_by("pk"))
    remittance = write_835(
        [
            ClpAnswer(
                claim_id=claim.number,
                status="1",
                charge=Decimal("170.00"),
                paid=Decimal("80.00"),
                services=[
                    SvcAnswer(
                        code="S9451",
                        charge=line.charge,
                        paid=Decimal("40.00"),
                        date=line.date,
                        control=line.control,
                        adjustments=[("PR", "3", Decimal("20.00")), ("CO", "45", Decimal("25.00"))],
                    )
                    for line in lines
                ],
            )
        ],
        paid_on=today(),
    )
    report = era_import(by=money.admin, text=remittance, file_name="acme-era.835")
    assert report.posted, report.all_problems
    claim.refresh_from_db()
    assert (claim.status, claim.paid_total) == ("paid", Decimal("80.00"))
