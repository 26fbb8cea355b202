"""The lifecycle: draft -> ready -> submitted -> paid, partially paid or denied
-> appealed -> closed; withdrawn from draft or ready. Validated and audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fitclaim.audit.models import AuditEvent
from fitclaim.claims.models import Claim
from fitclaim.claims.services import (
    LineAnswerIn,
    appeal_draft,
    appeal_send,
    claim_back_to_draft,
    claim_close,
    claim_mark_ready,
    claim_record_answer,
    claim_submit,
    claim_withdraw,
)
from fitclaim.domain.claim_lifecycle import (
    ClaimStatus,
    IllegalTransition,
    LineAnswer,
    check_transition,
    held_amount,
    status_after_answer,
)

from .conftest import Money, days_ago, today

S = ClaimStatus
D = Decimal


# --------------------------------------------------------------------- the pure rules


def test_a_draft_cannot_be_submitted_before_it_is_ready() -> None:
    with pytest.raises(IllegalTransition, match="Mark the claim ready first"):
        check_transition(S.DRAFT, S.SUBMITTED)


def test_a_submitted_claim_cannot_be_withdrawn() -> None:
    with pytest.raises(IllegalTransition, match="no longer be withdrawn"):
        check_transition(S.SUBMITTED, S.WITHDRAWN)


def test_only_the_payers_answer_makes_a_claim_paid_or_denied() -> None:
    with pytest.raises(IllegalTransition):
        check_transition(S.SUBMITTED, S.PAID)
    check_transition(S.SUBMITTED, S.PAID, by_answer=True)
    check_transition(S.APPEALED, S.DENIED, by_answer=True)
    with pytest.raises(IllegalTransition):
        check_transition(S.READY, S.PAID, by_answer=True)


def test_a_claim_is_answered_when_every_line_is() -> None:
    pending = LineAnswer(amount=D("40.00"), answered=False)
    paid = LineAnswer(amount=D("40.00"), answered=True, paid=D("40.00"))
    denied = LineAnswer(amount=D("40.00"), answered=True, paid=D("0.00"))
    short = LineAnswer(amount=D("40.00"), answered=True, paid=D("30.00"))
    assert status_after_answer([paid, pending]) is None
    assert status_after_answer([paid, paid]) is S.PAID
    assert status_after_answer([denied, denied]) is S.DENIED
    assert status_after_answer([paid, denied]) is S.PARTIALLY_PAID
    assert status_after_answer([short]) is S.PARTIALLY_PAID


def test_what_a_line_holds_of_its_session() -> None:
    waiting = LineAnswer(amount=D("40.00"), answered=False)
    short = LineAnswer(amount=D("40.00"), answered=True, paid=D("30.00"))
    assert held_amount(claim_status=S.SUBMITTED, line=waiting) == D("40.00")
    assert held_amount(claim_status=S.PARTIALLY_PAID, line=short) == D("30.00")
    # Appealed: the line asks again for what it asked.
    assert held_amount(claim_status=S.APPEALED, line=short) == D("40.00")
    assert held_amount(claim_status=S.WITHDRAWN, line=waiting) == D("0.00")


# --------------------------------------------------------------------- through the services


def test_a_claim_goes_from_draft_to_closed_and_every_step_is_audited(two_paid: Money) -> None:
    admin = two_paid.admin
    claim = two_paid.build(two_paid.fsa)
    claim = claim_mark_ready(by=admin, claim=claim)
    claim = claim_back_to_draft(by=admin, claim=claim)
    claim = claim_mark_ready(by=admin, claim=claim)
    claim = claim_submit(
        by=admin, claim=claim, submitted_on=today(), channel="mail", reference="USPS 9400"
    )
    assert (claim.status, claim.channel, claim.submission_reference) == (
        "submitted",
        "mail",
        "USPS 9400",
    )
    claim_record_answer(by=admin, claim=claim, received_on=today(), reference="CHK 1001")
    claim.refresh_from_db()
    assert claim.status == "paid" and claim.paid_total == D("170.00")
    claim = claim_close(by=admin, claim=claim)
    assert claim.status == "closed" and not claim.lines.filter(open=True).exists()
    changes = [
        event.changes.get("status")
        for event in AuditEvent.objects.filter(entity="claim", entity_id=str(claim.pk)).order_by(
            "pk"
        )
    ]
    assert [c for c in changes if c] == [
        ["draft", "ready"],
        ["ready", "draft"],
        ["draft", "ready"],
        ["ready", "submitted"],
        ["submitted", "paid"],
        ["paid", "closed"],
    ]


def test_illegal_steps_are_refused_with_the_reason(two_paid: Money) -> None:
    admin = two_paid.admin
    claim = two_paid.build(two_paid.fsa)
    with pytest.raises(ValidationError, match="Mark the claim ready first"):
        claim_submit(by=admin, claim=claim, submitted_on=today(), channel="portal")
    with pytest.raises(ValidationError, match="only a submitted or appealed claim"):
        claim_record_answer(by=admin, claim=claim, received_on=today())
    claim = claim_mark_ready(by=admin, claim=claim)
    claim = claim_submit(by=admin, claim=claim, submitted_on=today(), channel="portal")
    with pytest.raises(ValidationError, match="no longer be withdrawn"):
        claim_withdraw(by=admin, claim=claim)
    assert Claim.objects.get().status == "submitted"


def test_submitting_needs_a_date_and_a_channel(two_paid: Money) -> None:
    claim = claim_mark_ready(by=two_paid.admin, claim=two_paid.build(two_paid.fsa))
    with pytest.raises(ValidationError) as caught:
        claim_submit(by=two_paid.admin, claim=claim, submitted_on=None, channel="pigeon")
    assert set(caught.value.message_dict) == {"submitted_on", "channel"}
    with pytest.raises(ValidationError, match="only insurance claims go electronically"):
        claim_submit(by=two_paid.admin, claim=claim, submitted_on=today(), channel="edi")


def test_an_electronic_submission_needs_the_billing_npi(money: Money) -> None:
    money.session(on=days_ago(5))
    plan = money.insurance()
    claim = money.build(plan)
    claim = claim_mark_ready(by=money.admin, claim=claim)
    money.w.riverbend.group_npi = ""
    money.w.riverbend.save()
    with pytest.raises(ValidationError, match="no group NPI"):
        claim_submit(by=money.admin, claim=claim, submitted_on=today(), channel="edi")
    claim = claim_submit(by=money.admin, claim=claim, submitted_on=today(), channel="mail")
    assert claim.status == "submitted"


def test_a_denied_line_is_appealed_then_paid(two_paid: Money) -> None:
    admin = two_paid.admin
    claim = two_paid.submitted(two_paid.fsa)
    first, second = claim.lines.order_by("date")
    claim_record_answer(
        by=admin,
        claim=claim,
        received_on=today(),
        lines=[
            LineAnswerIn(line_id=first.pk, paid="85.00"),
            LineAnswerIn(line_id=second.pk, paid="0.00", adjustments=[("CO", "16", "85.00")]),
        ],
    )
    claim.refresh_from_db()
    assert claim.status == "partially_paid"
    with pytest.raises(ValidationError, match="paid in full"):
        appeal_draft(by=admin, claim=claim, line=first.pk)
    appeal = appeal_draft(by=admin, claim=claim, line=second.pk)
    assert appeal.reason == "16" and "Claim/service lacks information" in appeal.body
    appeal_send(by=admin, appeal=appeal, sent_on=today())
    claim.refresh_from_db()
    assert claim.status == "appealed"
    # The appeal's answer: the second line is paid after all.
    claim_record_answer(
        by=admin, claim=claim, received_on=today(), lines=[LineAnswerIn(second.pk, "85.00")]
    )
    claim.refresh_from_db()
    assert claim.status == "paid" and claim.paid_total == D("170.00")
