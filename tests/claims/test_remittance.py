"""Posting 835s that answer fitclaim's own claims: matched by CLP01 = the
claim id sent in CLM01 and by REF*6R = the line item control number; every
payment and adjustment posted exactly, or nothing (and the report says why)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fitclaim.audit.models import AuditEvent
from fitclaim.claims.models import Answer, Claim, EraImport
from fitclaim.claims.remittances import era_import
from fitclaim.claims.selectors import settlements_for_case
from fitclaim.interop.x12.validate import validate_x12

from .conftest import Money, today
from .x12_helpers import ClpAnswer, SvcAnswer, write_835

D = Decimal


@pytest.fixture
def two_claims(two_paid: Money) -> tuple[Money, Claim, Claim]:
    """Two submitted insurance claims of Dana: one session each."""
    plan = two_paid.insurance()
    first, second = two_paid.sessions
    a = two_paid.submitted(plan, session_ids=[first.pk])
    b = two_paid.submitted(plan, session_ids=[second.pk])
    return two_paid, a, b


def answer(
    claim: Claim, *, paid: str, adjustments=(), status: str = "1", with_control: bool = True
):
    (line,) = claim.lines.all()
    return ClpAnswer(
        claim_id=claim.number,
        status=status,
        charge=claim.charge_total,
        paid=D(paid),
        services=[
            SvcAnswer(
                code=line.code,
                charge=line.charge,
                paid=D(paid),
                date=line.date,
                control=line.control if with_control else "",
                adjustments=list(adjustments),
            )
        ],
    )


def test_a_generated_835_is_valid_x12(two_claims) -> None:
    _money, a, b = two_claims
    text = write_835([answer(a, paid="40.00"), answer(b, paid="0.00")], paid_on=today())
    assert validate_x12(text) == []


def test_an_835_posts_every_payment_and_adjustment_exactly(two_claims) -> None:
    money, a, b = two_claims
    text = write_835(
        [
            answer(
                a,
                paid="30.00",
                adjustments=[
                    ("PR", "1", D("10.00")),
                    ("PR", "3", D("20.00")),
                    ("CO", "45", D("25.00")),
                ],
            ),
            answer(
                b,
                paid="0.00",
                status="4",
                adjustments=[("CO", "197", D("85.00"))],
                with_control=False,
            ),
        ],
        paid_on=today(),
        trace="EFT-7788",
    )
    ticks: list[tuple[int, int]] = []
    report = era_import(
        by=money.admin, text=text, file_name="acme.835", progress=lambda i, n: ticks.append((i, n))
    )
    assert report.posted and report.ok, report.all_problems
    assert ticks == [(1, 2), (2, 2)]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.paid_total, a.payer_claim_number) == (
        "partially_paid",
        D("30.00"),
        "PCN0001",
    )
    assert (b.status, b.paid_total) == ("denied", D("0.00"))
    (line_a,) = a.lines.all()
    assert (line_a.paid, line_a.deductible) == (D("30.00"), D("10.00"))
    assert sorted(line_a.adjustments.values_list("group", "reason", "amount")) == [
        ("CO", "45", D("25.00")),
        ("PR", "1", D("10.00")),
        ("PR", "3", D("20.00")),
    ]
    (line_b,) = b.lines.all()
    assert list(line_b.adjustments.values_list("group", "reason", "amount")) == [
        ("CO", "197", D("85.00"))
    ]
    era = EraImport.objects.get()
    assert (era.trace_number, era.total_paid, era.claims_count) == ("EFT-7788", D("30.00"), 2)
    assert set(Answer.objects.values_list("origin", "reference")) == {("835", "EFT-7788")}
    first, second = money.sessions
    plan_id = a.source.engine_id
    assert settlements_for_case(client=money.dana, as_of=today()) == {
        first.pk: [{"source": plan_id, "amount": "30.00", "deductible": "10.00"}],
        second.pk: [{"source": plan_id, "amount": "0.00", "deductible": "0.00"}],
    }
    assert AuditEvent.objects.filter(entity="era_import", action="create").exists()


def test_the_same_file_twice_posts_once(two_claims) -> None:
    money, a, _b = two_claims
    text = write_835([answer(a, paid="40.00")], paid_on=today())
    assert era_import(by=money.admin, text=text).posted
    again = era_import(by=money.admin, text=text)
    assert not again.posted
    assert any("already imported" in p for p in again.all_problems)
    assert Answer.objects.count() == 1


def test_an_unmatched_claim_posts_nothing_and_says_why(two_claims) -> None:
    money, a, b = two_claims
    stranger = ClpAnswer(claim_id="0001000055", status="1", charge=D("541.00"), paid=D("34.00"))
    text = write_835([answer(a, paid="40.00"), answer(b, paid="40.00"), stranger], paid_on=today())
    report = era_import(by=money.admin, text=text)
    assert not report.posted
    assert report.all_problems == [
        "CLP '0001000055' (line 23): no fitclaim claim has this id (CLM01 we sent looks like "
        "FC000123)"
    ]
    assert not Answer.objects.exists() and not EraImport.objects.exists()
    a.refresh_from_db()
    assert a.status == "submitted"


def test_inconsistent_payments_post_nothing(two_claims) -> None:
    money, a, b = two_claims
    wrong_charge = answer(a, paid="40.00")
    wrong_charge.charge = D("90.00")
    too_much = answer(b, paid="99.00")
    report = era_import(by=money.admin, text=write_835([wrong_charge, too_much], paid_on=today()))
    problems = report.all_problems
    assert any(f"charge 90.00, but {a.number} billed 85.00" in p for p in problems)
    assert any("more than the 85.00 the client paid" in p for p in problems)
    assert not Answer.objects.exists()


def test_a_claim_not_with_the_payer_and_a_claim_of_another_organization(two_claims) -> None:
    money, a, b = two_claims
    first, _second = money.sessions
    draft = money.build(money.fsa, session_ids=[first.pk])
    text = write_835([answer(a, paid="40.00"), answer(draft, paid="1.00")], paid_on=today())
    report = era_import(by=money.admin, text=text)
    assert any("is draft: only a submitted or appealed claim" in p for p in report.all_problems)
    outsider = money.w["other_org_admin"].actor()
    report = era_import(by=outsider, text=write_835([answer(b, paid="40.00")], paid_on=today()))
    assert any("no fitclaim claim has this id" in p for p in report.all_problems)
    assert not Answer.objects.exists()


def test_malformed_files_post_nothing(two_claims) -> None:
    money, a, _b = two_claims
    assert era_import(by=money.admin, text="not x12").all_problems == [
        "not an X12 file: it does not start with an ISA segment"
    ]
    truncated = write_835([answer(a, paid="40.00")], paid_on=today()).split("CLP")[0]
    report = era_import(by=money.admin, text=truncated)
    assert not report.posted and "the file holds no claim payment (CLP)" in report.all_problems
    assert not Answer.objects.exists()


def test_a_dry_run_reports_and_posts_nothing(two_claims) -> None:
    money, a, _b = two_claims
    report = era_import(
        by=money.admin, text=write_835([answer(a, paid="40.00")], paid_on=today()), dry_run=True
    )
    assert report.ok and not report.posted
    assert report.as_dict()["claims"][0]["claim_number"] == a.number
    assert not Answer.objects.exists()


def test_a_payment_dated_after_today_posts_as_of_today(two_claims) -> None:
    money, a, _b = two_claims
    later = today() + dt.timedelta(days=2)
    report = era_import(by=money.admin, text=write_835([answer(a, paid="40.00")], paid_on=later))
    assert report.posted
    assert Answer.objects.get().received_on == today()
