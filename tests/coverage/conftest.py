"""Fixtures for the coverage tests: the records tests' personas (`world`) and
helpers to give Dana sessions, payments and receipts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.clients.models import Client
from fitclaim.training.models import SessionStatus, TrainingSession
from tests.records.conftest import World, fast_password_hashing, world  # noqa: F401


@pytest.fixture(autouse=True)
def empty_cache() -> Any:
    """Each test starts with an empty cache (the coverage results are cached)."""
    cache.clear()
    yield
    cache.clear()


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


@pytest.fixture
def admin(world: World) -> Actor:  # noqa: F811
    return world["admin"].actor()


def attended(
    world: World,  # noqa: F811
    by: Actor,
    *,
    on: dt.date,
    client: Client | None = None,
    charge: str = "85.00",
    paid: str | None = "85.00",
    receipt: bool = True,
    code: str = "S9451",
    status: str = SessionStatus.ATTENDED,
    trainer: Any = None,
    facility: Any = None,
) -> TrainingSession:
    """A session logged through the service, paid (by `paid`, same day) and
    receipted (a generated receipt) as asked."""
    from fitclaim.payments.services import payment_record, receipt_issue_for_payment
    from fitclaim.training.services import session_log

    client = client or world.dana
    session = session_log(
        by=by,
        client=client,
        trainer=trainer or world.sam,
        facility=facility,
        date=on,
        start_time=dt.time(7, 0),
        code=code,
        charge=charge,
        status=status,
    )
    if paid and status == SessionStatus.ATTENDED:
        payment = payment_record(
            by=by,
            client=client,
            received_on=min(on, today()),
            amount=paid,
            method="card",
            applications=[(session, paid)],
        )
        if receipt:
            receipt_issue_for_payment(by=by, payment=payment)
    session.refresh_from_db()
    return session


def letter(
    world: World,  # noqa: F811
    *,
    client: Client | None = None,
    valid_from: dt.date,
    valid_to: dt.date,
    signed: bool = True,
    sessions: int | None = None,
    trainers: list[Any] | None = None,
) -> Any:
    """A letter of medical necessity written directly (set-up, not under test)."""
    from fitclaim.lmns.models import Lmn, LmnStatus

    client = client or world.dana
    lmn = Lmn.objects.create(
        organization=client.organization,
        client=client,
        provider=world.provider,
        status=LmnStatus.SIGNED if signed else LmnStatus.DRAFT,
        diagnoses=list(client.conditions),
        valid_from=valid_from,
        valid_to=valid_to,
        sessions_authorized=sessions,
        signed_on=valid_from if signed else None,
        signature_method="scan" if signed else "",
    )
    if trainers:
        through = {"organization": client.organization}
        lmn.authorized_trainers.set(trainers, through_defaults=through)
    return lmn


def many_sessions(world: World, count: int, *, offset: int = 0) -> None:  # noqa: F811
    """`count` attended sessions, paid and receipted, written in bulk (set-up)."""
    from fitclaim.payments.models import Allocation, Payment, Receipt, ReceiptLine

    start = days_ago(count + 5 + offset)
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(
            organization=world.riverbend,
            client=world.dana,
            trainer=world.sam,
            date=start + dt.timedelta(days=i),
            code="S9451",
            charge=Decimal("85.00"),
            paid_total=Decimal("85.00"),
            status=SessionStatus.ATTENDED,
        )
        for i in range(count)
    )
    payment = Payment.objects.create(
        organization=world.riverbend,
        client=world.dana,
        received_on=start,
        amount=Decimal("85.00") * count,
        applied_total=Decimal("85.00") * count,
        method="card",
    )
    allocations = Allocation.objects.bulk_create(
        Allocation(
            organization=world.riverbend,
            payment=payment,
            session=s,
            amount=Decimal("85.00"),
            applied_on=s.date,
        )
        for s in sessions
    )
    receipt = Receipt.objects.create(
        organization=world.riverbend,
        client=world.dana,
        kind="payment",
        payment=payment,
        issued_on=start,
        total=payment.amount,
        coverage_key=f"bulk-{count}-{offset}",
    )
    ReceiptLine.objects.bulk_create(
        ReceiptLine(
            organization=world.riverbend,
            receipt=receipt,
            allocation=a,
            session_id=a.session_id,
            amount=a.amount,
        )
        for a in allocations
    )


ZERO = Decimal("0.00")


def tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()
