"""`sessions_for_case(client, as_of)`: what the case builder reads for each
session: charge, paid (payments applied on or before as_of) and receipted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fitclaim.payments.models import Receipt, UploadedReceiptSession
from fitclaim.payments.services import payment_record, receipt_issue_for_payment, receipt_upload
from fitclaim.training.models import SessionStatus
from fitclaim.training.selectors import SessionFacts, sessions_for_case

from .conftest import World, days_ago, make_session, tiny_png, today


def test_every_session_comes_with_its_facts_in_date_order(world: World, admin: object) -> None:
    later = make_session(world, on=days_ago(2), charge="90.00", code="97110")
    earlier = make_session(world, on=days_ago(9), status=SessionStatus.NO_SHOW)
    make_session(world, client=world.marcus, trainer=world.jo)
    facts = sessions_for_case(world.dana, today())
    assert facts == [
        SessionFacts(
            id=earlier.pk,
            date=days_ago(9),
            trainer_id=world.sam.pk,
            facility_id=None,
            code="S9451",
            units=1,
            charge=Decimal("85.00"),
            paid=Decimal("0.00"),
            receipted=False,
            status="no_show",
        ),
        SessionFacts(
            id=later.pk,
            date=days_ago(2),
            trainer_id=world.sam.pk,
            facility_id=None,
            code="97110",
            units=1,
            charge=Decimal("90.00"),
            paid=Decimal("0.00"),
            receipted=False,
            status="attended",
        ),
    ]


def test_paid_counts_only_payments_dated_on_or_before_as_of(world: World, admin: object) -> None:
    session = make_session(world, on=days_ago(20))
    payment_record(
        by=admin,
        client=world.dana,
        received_on=days_ago(15),
        amount="50.00",
        method="cash",
        applications=[(session, "50.00")],
    )
    payment_record(
        by=admin,
        client=world.dana,
        received_on=days_ago(5),
        amount="35.00",
        method="cash",
        applications=[(session, "35.00")],
    )
    [before_any] = sessions_for_case(world.dana, days_ago(16))
    [after_first] = sessions_for_case(world.dana, days_ago(15))
    [after_both] = sessions_for_case(world.dana, today())
    assert (before_any.paid, after_first.paid, after_both.paid) == (
        Decimal("0.00"),
        Decimal("50.00"),
        Decimal("85.00"),
    )


def test_a_generated_receipt_covering_the_payment_makes_it_receipted(
    world: World, admin: object
) -> None:
    session = make_session(world, on=days_ago(10))
    payment = payment_record(
        by=admin,
        client=world.dana,
        received_on=days_ago(9),
        amount="85.00",
        method="card",
        applications=[(session, "85.00")],
    )
    assert not sessions_for_case(world.dana, today())[0].receipted
    receipt_issue_for_payment(by=admin, payment=payment)
    assert sessions_for_case(world.dana, today())[0].receipted
    # As of a day before the receipt was issued, there was none yet.
    Receipt.objects.update(issued_on=today())
    assert not sessions_for_case(world.dana, days_ago(1))[0].receipted


def test_a_later_payment_not_on_the_receipt_makes_it_unreceipted_again(
    world: World, admin: object
) -> None:
    session = make_session(world, on=days_ago(10))
    first = payment_record(
        by=admin,
        client=world.dana,
        received_on=days_ago(9),
        amount="40.00",
        method="card",
        applications=[(session, "40.00")],
    )
    receipt_issue_for_payment(by=admin, payment=first)
    Receipt.objects.update(issued_on=days_ago(9))
    assert sessions_for_case(world.dana, today())[0].receipted
    payment_record(
        by=admin,
        client=world.dana,
        received_on=days_ago(1),
        amount="45.00",
        method="card",
        applications=[(session, "45.00")],
    )
    assert not sessions_for_case(world.dana, today())[0].receipted
    # ...but as of before that payment, the receipt covered everything paid.
    assert sessions_for_case(world.dana, days_ago(2))[0].receipted


def test_an_uploaded_receipt_attached_to_the_session_makes_it_receipted(
    world: World, admin: object
) -> None:
    session = make_session(world, on=days_ago(3))
    receipt_upload(
        by=admin, client=world.dana, name="gym.png", content=tiny_png(), sessions=[session]
    )
    [fact] = sessions_for_case(world.dana, today())
    assert fact.receipted and fact.paid == Decimal("0.00")
    UploadedReceiptSession.objects.update(attached_on=today())
    assert not sessions_for_case(world.dana, days_ago(1))[0].receipted


def test_one_query_however_many_sessions(world: World) -> None:
    for n in range(30):
        make_session(world, on=today() - dt.timedelta(days=n))
    with CaptureQueriesContext(connection) as captured:
        facts = sessions_for_case(world.dana, today())
    assert len(facts) == 30 and len(captured) == 1
