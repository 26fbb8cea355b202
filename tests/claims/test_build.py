"""Building a claim from the engine's payable decisions: all of them, a date
range, or by hand; each dollar once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fitclaim.audit.models import AuditEvent
from fitclaim.claims.models import Claim, ClaimLine
from fitclaim.claims.selectors import claim_candidates, claimed_session_sources
from fitclaim.claims.services import claim_withdraw
from fitclaim.funding.models import FundingKind

from .conftest import Money, days_ago, today


def test_an_fsa_claim_asks_for_every_payable_session(two_paid: Money) -> None:
    claim = two_paid.build(two_paid.fsa)
    assert claim.status == "draft" and claim.number == f"FC{claim.pk:06d}"
    assert claim.total == Decimal("170.00") and claim.charge_total == Decimal("170.00")
    lines = list(claim.lines.order_by("date"))
    assert [line.amount for line in lines] == [Decimal("85.00"), Decimal("85.00")]
    assert [line.predicted for line in lines] == [Decimal("85.00"), Decimal("85.00")]
    # FSAs take claims until the run-out after the plan year.
    assert claim.claim_by == two_paid.fsa.period_end + dt.timedelta(days=90)
    assert {line.lmn_id for line in lines} == {two_paid.lmn.pk}
    event = AuditEvent.objects.get(entity="claim", action="create")
    assert event.entity_id == str(claim.pk) and "170.00" in event.summary


def test_the_preview_shows_total_and_earliest_claim_by_before_saving(two_paid: Money) -> None:
    wellness = two_paid.source(FundingKind.WELLNESS, "Wellness")
    preview = claim_candidates(client=two_paid.dana, source=wellness, as_of=today())
    chosen = preview.choose(date_from=days_ago(15))
    assert [c.session.date for c in chosen] == [days_ago(10)]
    assert [c.amount for c in chosen] == [Decimal("42.50")]
    assert not Claim.objects.exists()


def test_a_date_range_and_a_choice_by_hand(two_paid: Money) -> None:
    first, second = two_paid.sessions
    ranged = two_paid.build(two_paid.fsa, date_from=days_ago(12), date_to=today())
    assert [line.session_id for line in ranged.lines.all()] == [second.pk]
    claim_withdraw(by=two_paid.admin, claim=ranged)
    by_hand = two_paid.build(two_paid.fsa, session_ids=[first.pk])
    assert [line.session_id for line in by_hand.lines.all()] == [first.pk]


def test_a_session_is_on_one_open_claim_per_source(two_paid: Money) -> None:
    first, _second = two_paid.sessions
    claim = two_paid.build(two_paid.fsa)
    with pytest.raises(ValidationError) as caught:
        two_paid.build(two_paid.fsa, session_ids=[first.pk])
    assert f"already on claim {claim.number}" in str(caught.value)
    with pytest.raises(ValidationError, match="nothing to claim"):
        two_paid.build(two_paid.fsa)
    assert claimed_session_sources([two_paid.dana.pk]) == {
        (s.pk, two_paid.fsa.engine_id) for s in two_paid.sessions
    }
    # Withdrawn, the sessions are free again.
    claim_withdraw(by=two_paid.admin, claim=claim)
    assert claimed_session_sources([two_paid.dana.pk]) == set()
    assert two_paid.build(two_paid.fsa).total == Decimal("170.00")


def test_the_database_refuses_a_second_open_line_for_a_source(two_paid: Money) -> None:
    claim = two_paid.build(two_paid.fsa)
    line = claim.lines.first()
    assert line is not None
    other = Claim.objects.create(
        organization=claim.organization,
        client=claim.client,
        source=claim.source,
        kind=claim.kind,
        as_of=today(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.create(
            organization=claim.organization,
            claim=other,
            session=line.session,
            source=line.source,
            date=line.date,
            code=line.code,
            charge=line.charge,
            amount=Decimal("1.00"),
            predicted=Decimal("1.00"),
        )


def test_across_sources_a_session_is_never_claimed_above_what_was_paid(two_paid: Money) -> None:
    """Wellness (first by default) pays half; while its claim is open the FSA
    may claim only the other half, whatever the engine (which knows only
    settlements, not open claims) says once the wellness cap is used up."""
    wellness = two_paid.source(FundingKind.WELLNESS, "Wellness", annual_cap=Decimal("300.00"))
    first, _ = two_paid.sessions
    held = two_paid.build(wellness, session_ids=[first.pk])
    assert held.total == Decimal("42.50")
    wellness.annual_cap = Decimal("0.00")
    wellness.save()
    preview = claim_candidates(client=two_paid.dana, source=two_paid.fsa, as_of=today())
    by_session = {c.session.pk: c for c in preview.candidates}
    assert by_session[first.pk].engine_amount == Decimal("85.00")
    assert by_session[first.pk].amount == Decimal("42.50")
    fsa = two_paid.build(two_paid.fsa)
    amounts = {line.session_id: line.amount for line in fsa.lines.all()}
    assert amounts[first.pk] == Decimal("42.50")
    total = sum(line.amount for line in ClaimLine.objects.filter(session=first))
    assert total == first.paid_total == Decimal("85.00")


def test_sessions_the_engine_does_not_pay_cannot_be_chosen(money: Money) -> None:
    unpaid = money.session(on=days_ago(5), paid="40.00")
    no_receipt = money.session(on=days_ago(4), receipt=False)
    with pytest.raises(ValidationError) as caught:
        money.build(money.fsa, session_ids=[unpaid.pk, no_receipt.pk])
    message = str(caught.value)
    assert f"session {unpaid.pk}: not payable" in message
    assert f"session {no_receipt.pk}: not payable" in message
    assert not Claim.objects.exists()


def test_a_97110_by_an_unlicensed_trainer_is_refused_for_insurance(money: Money) -> None:
    plan = money.insurance()
    therapy = money.session(on=days_ago(6), code="97110", charge="120.00")
    preview = claim_candidates(client=money.dana, source=plan, as_of=today())
    (candidate,) = preview.candidates
    assert candidate.session == therapy and not candidate.claimable
    assert "must be billed by" in candidate.problem
    with pytest.raises(ValidationError, match="nothing to claim"):
        money.build(plan)


def test_an_e_signed_letter_is_refused_where_the_source_wants_ink(two_paid: Money) -> None:
    two_paid.lmn.signature_method = "electronic"
    two_paid.lmn.save()
    two_paid.fsa.accepts_esignature = False
    two_paid.fsa.save()
    preview = claim_candidates(client=two_paid.dana, source=two_paid.fsa, as_of=today())
    assert all("does not accept electronically signed" in c.problem for c in preview.candidates)
    with pytest.raises(ValidationError):
        two_paid.build(two_paid.fsa)


def test_someone_who_may_not_edit_the_client_cannot_build(two_paid: Money) -> None:
    from django.http import Http404

    from fitclaim.claims.services import claim_build

    for persona in ("client_self", "trainer_not_assigned", "other_org_admin"):
        with pytest.raises(Http404):
            claim_build(by=two_paid.w[persona].actor(), client=two_paid.dana, source=two_paid.fsa)
    assert not Claim.objects.exists()
