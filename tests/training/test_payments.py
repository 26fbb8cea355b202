"""Payments applied to sessions, and prepaid packages spent as sessions are attended."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fitclaim.audit.models import AuditEvent
from fitclaim.payments.models import Allocation, Package, Payment
from fitclaim.payments.services import (
    package_purchase,
    payment_apply,
    payment_record,
    receipt_issue_for_payment,
)
from fitclaim.training.models import SessionStatus, TrainingSession
from fitclaim.training.selectors import sessions_for_case
from fitclaim.training.services import session_mark

from .conftest import World, days_ago, make_session, today

D = Decimal


def paid(session: TrainingSession) -> Decimal:
    return TrainingSession.objects.get(pk=session.pk).paid_total


def test_a_payment_is_applied_to_several_sessions(world: World, admin: object) -> None:
    first, second = make_session(world, on=days_ago(8)), make_session(world, on=days_ago(6))
    payment = payment_record(
        by=admin,
        client=world.dana,
        received_on=days_ago(5),
        amount="200.00",
        method="card",
        reference="AUTH 5521",
        applications=[(first, "85.00"), (second.pk, "40.00")],
    )
    assert payment.applied_total == D("125.00") and payment.unapplied == D("75.00")
    assert paid(first) == D("85.00") and paid(second) == D("40.00")
    assert AuditEvent.objects.filter(entity="payment", action="create").count() == 1
    # The credit left pays the rest of the second session later.
    payment_apply(by=admin, payment=payment, applications=[(second, "45.00")])
    assert paid(second) == D("85.00")
    assert Payment.objects.get(pk=payment.pk).applied_total == D("170.00")


def test_a_session_is_never_paid_more_than_its_charge(world: World, admin: object) -> None:
    session = make_session(world)
    with pytest.raises(ValidationError) as caught:
        payment_record(
            by=admin,
            client=world.dana,
            received_on=today(),
            amount="100.00",
            method="cash",
            applications=[(session, "90.00")],
        )
    assert "more than what is left to pay" in caught.value.message_dict["applications"][0]
    assert not Payment.objects.exists() and paid(session) == D("0.00")
    payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="50.00",
        method="cash",
        applications=[(session, "50.00")],
    )
    with pytest.raises(ValidationError):
        payment_record(
            by=admin,
            client=world.dana,
            received_on=today(),
            amount="50.00",
            method="cash",
            applications=[(session, "35.01")],
        )
    assert paid(session) == D("50.00")


def test_the_database_refuses_a_total_above_the_charge(world: World) -> None:
    session = make_session(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSession.objects.filter(pk=session.pk).update(paid_total=D("85.01"))


def test_applications_cannot_exceed_the_payment(world: World, admin: object) -> None:
    a, b = make_session(world, on=days_ago(3)), make_session(world, on=days_ago(2))
    with pytest.raises(ValidationError) as caught:
        payment_record(
            by=admin,
            client=world.dana,
            received_on=today(),
            amount="100.00",
            method="check",
            applications=[(a, "85.00"), (b, "85.00")],
        )
    assert "more than the payment" in caught.value.message_dict["applications"][0]


def test_only_attended_sessions_of_this_client_can_be_paid(world: World, admin: object) -> None:
    scheduled = make_session(
        world, status=SessionStatus.SCHEDULED, on=today() + dt.timedelta(days=2)
    )
    marcus = make_session(world, client=world.marcus, trainer=world.jo)
    with pytest.raises(ValidationError) as caught:
        payment_record(
            by=admin,
            client=world.dana,
            received_on=today(),
            amount="170.00",
            method="card",
            applications=[(scheduled, "85.00"), (marcus, "85.00")],
        )
    messages = " ".join(caught.value.message_dict["applications"])
    assert "only attended sessions" in messages and "not a session of Dana Reyes" in messages


def test_a_package_is_held_and_applied_as_sessions_are_attended(world: World, sam: object) -> None:
    # 10 sessions for 800.00, bought today; 8 on the calendar, 3 of them attended.
    sessions = [
        make_session(world, status=SessionStatus.SCHEDULED, on=today() + dt.timedelta(days=n))
        for n in range(-2, 6)
    ]
    package = package_purchase(
        by=sam,
        client=world.dana,
        purchased_on=days_ago(2),
        sessions_count=10,
        price="800.00",
        method="card",
    )
    assert package.payment.applied_total == D("0.00")
    for session in sessions[:3]:
        session_mark(by=sam, session=session, status=SessionStatus.ATTENDED)
    assert [paid(s) for s in sessions] == [D("80.00")] * 3 + [D("0.00")] * 5
    assert [TrainingSession.objects.get(pk=s.pk).charge for s in sessions[:3]] == [D("80.00")] * 3
    assert Payment.objects.get(pk=package.payment_id).applied_total == D("240.00")

    # Sessions beyond those attended are never paid, receipted or reimbursable.
    receipt = receipt_issue_for_payment(by=sam, payment=package.payment)
    assert sorted(receipt.lines.values_list("session_id", flat=True)) == [
        s.pk for s in sessions[:3]
    ]
    facts = {f.id: f for f in sessions_for_case(world.dana, today() + dt.timedelta(days=10))}
    for session in sessions[:3]:
        assert facts[session.pk].paid == D("80.00") and facts[session.pk].receipted
    for session in sessions[3:]:
        assert facts[session.pk].paid == D("0.00") and not facts[session.pk].receipted
        assert facts[session.pk].status == SessionStatus.SCHEDULED


def test_the_last_attended_session_of_a_package_takes_the_rounding_remainder(
    world: World, sam: object
) -> None:
    sessions = [
        make_session(world, status=SessionStatus.SCHEDULED, on=days_ago(n)) for n in (3, 2, 1, 0)
    ]
    package_purchase(
        by=sam,
        client=world.dana,
        purchased_on=days_ago(5),
        sessions_count=3,
        price="100.00",
        method="cash",
    )
    for session in sessions:
        session_mark(by=sam, session=session, status=SessionStatus.ATTENDED)
    assert [paid(s) for s in sessions] == [D("33.33"), D("33.33"), D("33.34"), D("0.00")]
    # The fourth session was attended after the package ran out: nothing paid it.
    assert TrainingSession.objects.get(pk=sessions[3].pk).charge == D("85.00")


def test_a_package_pays_attended_unpaid_sessions_from_its_purchase_date(
    world: World, admin: object
) -> None:
    before = make_session(world, on=days_ago(10))
    after = make_session(world, on=days_ago(3))
    package_purchase(
        by=admin,
        client=world.dana,
        purchased_on=days_ago(5),
        sessions_count=5,
        price="400.00",
        method="card",
    )
    assert paid(before) == D("0.00") and paid(after) == D("80.00")
    allocation = Allocation.objects.get(session=after)
    assert allocation.applied_on == after.date


def test_a_share_goes_back_when_a_session_is_unmarked_unless_receipted(
    world: World, sam: object
) -> None:
    first, second = (
        make_session(world, status=SessionStatus.SCHEDULED, on=days_ago(n)) for n in (2, 1)
    )
    package = package_purchase(
        by=sam,
        client=world.dana,
        purchased_on=days_ago(3),
        sessions_count=2,
        price="150.00",
        method="card",
    )
    session_mark(by=sam, session=first, status=SessionStatus.ATTENDED)
    session_mark(by=sam, session=first, status=SessionStatus.NO_SHOW)
    assert paid(first) == D("0.00")
    assert Payment.objects.get(pk=package.payment_id).applied_total == D("0.00")
    session_mark(by=sam, session=second, status=SessionStatus.ATTENDED)
    session_mark(by=sam, session=first, status=SessionStatus.ATTENDED)
    assert paid(second) == D("75.00") and paid(first) == D("75.00")
    receipt_issue_for_payment(by=sam, payment=package.payment)
    with pytest.raises(ValidationError) as caught:
        session_mark(by=sam, session=first, status=SessionStatus.CANCELLED)
    assert "already lists this session" in caught.value.message_dict["status"][0]
    assert TrainingSession.objects.get(pk=first.pk).status == SessionStatus.ATTENDED


def test_a_package_needs_a_count_and_a_price(world: World, admin: object) -> None:
    with pytest.raises(ValidationError) as caught:
        package_purchase(
            by=admin,
            client=world.dana,
            purchased_on=today(),
            sessions_count=0,
            price="0",
            method="barter",
        )
    assert set(caught.value.message_dict) == {"sessions_count", "price", "method"}
    assert not Package.objects.exists() and not Payment.objects.exists()
