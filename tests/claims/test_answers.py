"""The payer's answers: payments and denials per line, with CARC codes mapped
to the engine's reasons, and as the sessions' settlements in the engine case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fitclaim.claims.case import client_result, decision_for, decisions_by_session
from fitclaim.claims.selectors import claim_lines_view, settlements_for_case
from fitclaim.claims.services import LineAnswerIn, claim_record_answer
from fitclaim.funding.models import FundingKind

from .conftest import Money, days_ago, today

D = Decimal


@pytest.fixture
def insured(money: Money) -> Money:
    """Dana's plan pays (70 allowed - 20 copay) x 0.8 = 40.00 of an 85.00 session;
    her FSA comes next."""
    money.plan = money.insurance()  # type: ignore[attr-defined]
    money.session(on=days_ago(10))
    return money


def decisions(money: Money, as_of: dt.date | None = None) -> dict[str, dict]:
    result = client_result(client=money.dana, as_of=as_of or today())
    entry = decisions_by_session(result)[money.sessions[0].pk]
    return {d["source"]: d for d in entry["decisions"]}


def test_a_recorded_payment_settles_the_session_and_the_rest_moves_on(insured: Money) -> None:
    plan = insured.plan  # type: ignore[attr-defined]
    before = decisions(insured)
    assert before[plan.engine_id] == {
        "source": plan.engine_id,
        "status": "payable",
        "amount": "40.00",
        "claim_by": (insured.sessions[0].date + dt.timedelta(days=180)).isoformat(),
        "preauthorization": None,
    }
    assert before[insured.fsa.engine_id]["amount"] == "45.00"
    claim = insured.submitted(plan)
    (line,) = claim.lines.all()
    claim_record_answer(
        by=insured.admin,
        claim=claim,
        received_on=today(),
        reference="EFT 5521",
        lines=[
            LineAnswerIn(
                line_id=line.pk,
                paid="30.00",
                deductible="10.00",
                adjustments=[("PR", "1", "10.00"), ("PR", "3", "20.00"), ("CO", "45", "15.00")],
            )
        ],
    )
    session = insured.sessions[0]
    assert settlements_for_case(client=insured.dana, as_of=today()) == {
        session.pk: [{"source": plan.engine_id, "amount": "30.00", "deductible": "10.00"}]
    }
    # Answers after the as-of date are not facts yet.
    assert settlements_for_case(client=insured.dana, as_of=today() - dt.timedelta(days=1)) == {}
    after = decisions(insured)
    assert after[plan.engine_id] == {
        "source": plan.engine_id,
        "status": "settled",
        "amount": "30.00",
        "preauthorization": None,
    }
    assert after[insured.fsa.engine_id]["status"] == "payable"
    assert after[insured.fsa.engine_id]["amount"] == "55.00"
    claim.refresh_from_db()
    assert claim.status == "partially_paid" and claim.paid_total == D("30.00")
    (view,) = claim_lines_view(claim)
    assert view.status.value == "partially_paid"
    assert "less than the 40.00 predicted" in view.verdict
    assert "Deductible amount 10.00" in view.verdict


def test_a_denial_is_a_settlement_of_nothing_with_the_engine_reason(insured: Money) -> None:
    plan = insured.plan  # type: ignore[attr-defined]
    claim = insured.submitted(plan)
    (line,) = claim.lines.all()
    claim_record_answer(
        by=insured.admin,
        claim=claim,
        received_on=today(),
        lines=[
            LineAnswerIn(
                line_id=line.pk, paid="0.00", adjustments=[("CO", "197", "85.00")], remarks=["N54"]
            )
        ],
    )
    claim.refresh_from_db()
    assert claim.status == "denied"
    assert settlements_for_case(client=insured.dana, as_of=today()) == {
        insured.sessions[0].pk: [{"source": plan.engine_id, "amount": "0.00", "deductible": "0.00"}]
    }
    (view,) = claim_lines_view(claim)
    (adjustment,) = view.adjustments
    assert adjustment.words == "Precertification/authorization/notification/pre-treatment absent"
    assert adjustment.reasons == ("PREAUTH_MISSING",)
    assert view.remarks == [
        ("N54", "Claim information is inconsistent with pre-certified/authorized services")
    ]
    assert "matches the engine's PREAUTH_MISSING" in view.verdict
    # Denied by insurance: the FSA now pays the whole session.
    assert decisions(insured)[insured.fsa.engine_id]["amount"] == "85.00"


def test_an_account_settlement_has_no_deductible(two_paid: Money) -> None:
    claim = two_paid.submitted(two_paid.fsa)
    claim_record_answer(by=two_paid.admin, claim=claim, received_on=today())
    settled = settlements_for_case(client=two_paid.dana, as_of=today())
    assert sorted(settled) == sorted(s.pk for s in two_paid.sessions)
    assert all(
        entries == [{"source": two_paid.fsa.engine_id, "amount": "85.00"}]
        for entries in settled.values()
    )


def test_payers_together_never_pay_more_than_the_client_paid(insured: Money) -> None:
    plan = insured.plan  # type: ignore[attr-defined]
    insurance_claim = insured.submitted(plan)
    (line,) = insurance_claim.lines.all()
    claim_record_answer(
        by=insured.admin,
        claim=insurance_claim,
        received_on=today(),
        lines=[LineAnswerIn(line_id=line.pk, paid="40.00")],
    )
    fsa_claim = insured.submitted(insured.fsa)
    (fsa_line,) = fsa_claim.lines.all()
    assert fsa_line.amount == D("45.00")
    with pytest.raises(ValidationError, match=r"more than the 85\.00 the client paid"):
        claim_record_answer(
            by=insured.admin,
            claim=fsa_claim,
            received_on=today(),
            lines=[LineAnswerIn(line_id=fsa_line.pk, paid="50.00")],
        )
    claim_record_answer(by=insured.admin, claim=fsa_claim, received_on=today())
    result = client_result(client=insured.dana, as_of=today())
    (entry,) = result["sessions"]
    assert entry["out_of_pocket"] == "0.00"


def test_bad_answers_are_named_and_write_nothing(two_paid: Money) -> None:
    claim = two_paid.submitted(two_paid.fsa)
    first = claim.lines.order_by("pk").first()
    with pytest.raises(ValidationError) as caught:
        claim_record_answer(
            by=two_paid.admin,
            claim=claim,
            received_on=today() + dt.timedelta(days=3),
            lines=[
                LineAnswerIn(line_id=999999, paid="1.00"),
                LineAnswerIn(line_id=first.pk, paid=12.5),
                LineAnswerIn(line_id=first.pk, paid="1.00", adjustments=[("XX", "50", "1")]),
            ],
        )
    problems = caught.value.message_dict
    assert problems["received_on"] == ["an answer cannot be dated in the future"]
    claim.refresh_from_db()
    assert claim.status == "submitted" and not claim.answers.exists()


def test_a_wellness_program_answer_feeds_the_next_source(two_paid: Money) -> None:
    wellness = two_paid.source(FundingKind.WELLNESS, "Wellness")
    claim = two_paid.submitted(wellness)
    claim_record_answer(by=two_paid.admin, claim=claim, received_on=today())
    result = client_result(client=two_paid.dana, as_of=today())
    for entry in result["sessions"]:
        by_source = {d["source"]: d for d in entry["decisions"]}
        assert by_source[wellness.engine_id] == {
            "source": wellness.engine_id,
            "status": "settled",
            "amount": "42.50",
        }
        assert decision_for(entry, two_paid.fsa.engine_id)["amount"] == "42.50"
