"""The packet check before "ready", the packet itself, the CMS-1500 form,
the appeal letter and the HSA deferred ledger."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from fitclaim.claims.packets import (
    claim_packet_pdf,
    cms1500_pdf,
    hsa_ledger,
    hsa_ledger_csv,
    hsa_ledger_pdf,
    readiness_checks,
)
from fitclaim.claims.services import (
    LineAnswerIn,
    appeal_draft,
    claim_mark_ready,
    claim_record_answer,
)
from fitclaim.domain.claim_checks import CheckCode
from fitclaim.funding.models import FundingKind
from fitclaim.payments.services import receipt_upload

from .conftest import Money, days_ago, png, today


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def codes(claim) -> list[str]:
    return [str(check.code) for check in readiness_checks(claim)]


def test_a_complete_fsa_claim_passes_the_packet_check(two_paid: Money) -> None:
    claim = two_paid.build(two_paid.fsa)
    assert readiness_checks(claim) == []
    assert claim_mark_ready(by=two_paid.admin, claim=claim).status == "ready"


def test_missing_data_points_are_named(two_paid: Money) -> None:
    claim = two_paid.build(two_paid.fsa)
    two_paid.dana.birth_date = None
    two_paid.dana.save()
    two_paid.fsa.member_id = ""
    two_paid.fsa.save()
    two_paid.w.riverbend.address = ""
    two_paid.w.riverbend.save()
    claim.refresh_from_db()
    messages = [check.message for check in readiness_checks(claim)]
    assert "The patient's date of birth is missing (client record)." in messages
    assert "The provider's address is missing (organization settings)." in messages
    assert any("member or account id" in m for m in messages)
    with pytest.raises(ValidationError) as caught:
        claim_mark_ready(by=two_paid.admin, claim=claim)
    assert len(caught.value.message_dict["checks"]) == 3


def test_a_letter_not_valid_on_a_line_date_or_of_the_wrong_kind(two_paid: Money) -> None:
    claim = two_paid.build(two_paid.fsa)
    lmn = two_paid.lmn
    lmn.valid_from = days_ago(15)  # after the first session
    lmn.save()
    two_paid.fsa.accepted_issuers = ["nurse_practitioner"]
    two_paid.fsa.save()
    claim.refresh_from_db()
    checks = readiness_checks(claim)
    assert [str(c.code) for c in checks] == [
        CheckCode.LMN_NOT_VALID,
        CheckCode.ISSUER_NOT_ACCEPTED,
        CheckCode.ISSUER_NOT_ACCEPTED,
    ]
    assert f"not on {days_ago(20)}" in checks[0].message
    assert "accepts letters from nurse practitioner only" in checks[1].message


def test_an_e_signed_letter_where_the_source_refuses_e_signatures(two_paid: Money) -> None:
    claim = two_paid.build(two_paid.fsa)
    two_paid.lmn.signature_method = "electronic"
    two_paid.lmn.save()
    two_paid.fsa.accepts_esignature = False
    two_paid.fsa.save()
    claim.refresh_from_db()
    assert codes(claim) == [CheckCode.ESIGNATURE_REFUSED] * 2


def test_the_amount_after_insurance_must_be_known(two_paid: Money) -> None:
    plan = two_paid.insurance()
    claim = two_paid.build(two_paid.fsa)  # the FSA pays what is left after the plan's 40.00
    assert [line.amount for line in claim.lines.all()] == [Decimal("45.00")] * 2
    checks = readiness_checks(claim)
    assert [str(c.code) for c in checks] == [CheckCode.AMOUNT_AFTER_INSURANCE_MISSING] * 2
    assert "claim this session from Acme Health PPO first" in checks[0].message
    insurance = two_paid.submitted(plan)
    assert "has not answered" in readiness_checks(claim)[0].message
    claim_record_answer(by=two_paid.admin, claim=insurance, received_on=today())
    assert readiness_checks(claim) == []


def test_the_packet_holds_cover_superbill_letter_and_every_receipt(two_paid: Money) -> None:
    first = two_paid.sessions[0]
    receipt_upload(
        by=two_paid.admin,
        client=two_paid.dana,
        name="studio-receipt.png",
        content=png(600, 800),
        sessions=[first.pk],
    )
    claim = two_paid.build(two_paid.fsa)
    content, name = claim_packet_pdf(by=two_paid.admin, claim=claim)
    assert name == f"{claim.number}-packet.pdf"
    text = pdf_text(content)
    assert "Flexible spending account (FSA) claim" in text
    assert f"Claim {claim.number}" in text and "$170.00" in text
    assert "Superbill" in text
    assert "Itemized Receipt" in text
    assert "Receipt studio-receipt.png" in text  # listed as enclosed
    # cover, superbill, the letter's scan (one image page), two receipts, the uploaded image
    assert pages(content) == 6


def test_the_cms1500_form_places_data_by_box(money: Money) -> None:
    plan = money.insurance()
    money.session(on=days_ago(9))
    claim = money.build(plan)
    content, _name = cms1500_pdf(by=money.admin, claim=claim)
    text = pdf_text(content)
    for expected in (
        "1a. INSURED'S I.D. NUMBER",
        "ACM884120931",
        "REYES, DANA",
        "21. DIAGNOSIS",
        "E66812",
        "24A. DATE(S) OF SERVICE",
        "S9451",
        "25. FEDERAL TAX I.D. NUMBER",
        "93-1234567",
        "33a. NPI",
        "1558412340",
        "17b. NPI",
        "1245319599",
    ):
        assert expected in text, expected


def test_a_denied_line_gets_an_appeal_citing_letter_and_plan(money: Money) -> None:
    plan = money.insurance(covered_codes=["S9451"], session_limit=30)
    money.session(on=days_ago(9))
    claim = money.submitted(plan)
    (line,) = claim.lines.all()
    claim_record_answer(
        by=money.admin,
        claim=claim,
        received_on=today(),
        lines=[LineAnswerIn(line_id=line.pk, paid="0.00", adjustments=[("CO", "50", "85.00")])],
    )
    appeal = appeal_draft(by=money.admin, claim=claim, line=line.pk)
    body = appeal.body
    assert "reason code 50" in body and "medical necessity" in body
    assert "E66.812" in body and "Supervised resistance and aerobic training" in body
    assert f"valid from {money.lmn.valid_from} to {money.lmn.valid_to}" in body
    assert "covers service codes S9451" in body and "up to 30 sessions" in body
    from fitclaim.claims.packets import appeal_pdf

    content, _ = appeal_pdf(by=money.admin, appeal=appeal)
    text = pdf_text(content)
    assert "Request for reconsideration" in text and claim.number in text
    assert pages(content) >= 2  # the letter, then the signed letter of medical necessity


def test_the_hsa_ledger_lists_what_the_hsa_has_not_reimbursed(money: Money) -> None:
    money.fsa.delete()
    money.source(FundingKind.HSA, "Health savings account")
    money.dana.strategy = "preserve_hsa"
    money.dana.save()
    money.session(on=days_ago(30))
    money.session(on=days_ago(15), charge="95.00")
    source, entries = hsa_ledger(client=money.dana, as_of=today())
    assert source is not None
    assert [(e.date, e.not_reimbursed) for e in entries] == [
        (days_ago(30), Decimal("85.00")),
        (days_ago(15), Decimal("95.00")),
    ]
    assert all(e.receipts and e.receipts[0].startswith("R-") for e in entries)
    csv_text = hsa_ledger_csv(entries)
    assert csv_text.splitlines()[0].startswith("date,code,description,charge,paid")
    assert f"{days_ago(15).isoformat()},S9451," in csv_text and ",95.00," in csv_text
    content = hsa_ledger_pdf(by=money.admin, client=money.dana, as_of=today())
    text = pdf_text(content)
    assert "HSA deferred ledger" in text and "$180.00" in text
    assert pages(content) == 3  # the ledger and both receipts


def test_hsa_settled_in_part_keeps_the_rest_on_the_ledger(money: Money) -> None:
    money.fsa.delete()
    hsa = money.source(FundingKind.HSA, "Health savings account", balance=Decimal("50.00"))
    money.session(on=days_ago(12))
    claim = money.submitted(hsa)
    assert claim.total == Decimal("50.00")
    claim_record_answer(by=money.admin, claim=claim, received_on=today())
    _source, entries = hsa_ledger(client=money.dana, as_of=today())
    (entry,) = entries
    assert (entry.hsa_reimbursed, entry.not_reimbursed) == (Decimal("50.00"), Decimal("35.00"))
