"""The sessions list (page and API), the day view and the payments page cost
the same number of queries for 10 sessions as for 50: an N+1 fails here."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fitclaim.payments.services import payment_record, receipt_upload
from fitclaim.training.models import SessionStatus

from .conftest import World, make_session, tiny_png, today


def add_sessions(world: World, n: int) -> None:
    admin = world["admin"].actor()
    for i in range(n):
        session = make_session(world, on=today(), code="97110" if i % 2 else "S9451")
        if i % 3 == 0:
            payment = payment_record(
                by=admin,
                client=world.dana,
                received_on=today(),
                amount="85.00",
                method="card",
                applications=[(session, "85.00")],
            )
            assert payment.pk
        if i % 5 == 0:
            receipt_upload(
                by=admin, client=world.dana, name="r.png", content=tiny_png(), sessions=[session]
            )
        if i % 7 == 0:
            session.status = SessionStatus.SCHEDULED
            session.save()


def queries(world: World, url: str) -> int:
    http = world["trainer_assigned"].http()
    http.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url)
    assert response.status_code == 200
    return len(captured)


CASES: dict[str, Callable[[World], str]] = {
    "sessions page": lambda w: f"/clients/{w.dana.pk}/sessions/",
    "sessions api": lambda w: f"/api/v1/clients/{w.dana.pk}/sessions",
    "day view": lambda w: f"/sessions/day/?date={today()}",
    "day api": lambda w: f"/api/v1/sessions/day?date={today()}",
    "payments page": lambda w: f"/clients/{w.dana.pk}/payments/",
}


@pytest.mark.parametrize("case", list(CASES))
def test_queries_do_not_grow_with_sessions(world: World, case: str) -> None:
    url = CASES[case](world)
    add_sessions(world, 10)
    with_10 = queries(world, url)
    add_sessions(world, 40)
    with_50 = queries(world, url)
    assert with_50 == with_10
