"""The sections other pages include: the client page's "Sessions" and
"Payments and receipts" (training/_client_sessions.html,
payments/_client_payments.html), with a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from fitclaim.payments.services import package_purchase
from fitclaim.training.models import SessionStatus

from .conftest import World, days_ago, make_session, today


def test_the_client_page_sections_summarize_sessions_and_money(world: World, admin: object) -> None:
    make_session(world, on=days_ago(3))
    make_session(world, on=days_ago(2), status=SessionStatus.SCHEDULED)
    make_session(world, on=today() + dt.timedelta(days=2), status=SessionStatus.SCHEDULED)
    package_purchase(
        by=admin,
        client=world.dana,
        purchased_on=days_ago(5),
        sessions_count=10,
        price="800.00",
        method="card",
    )
    context = {"client": world.dana, "may_edit": True}
    with CaptureQueriesContext(connection) as captured:
        sessions = render_to_string("training/_client_sessions.html", context)
        money = render_to_string("payments/_client_payments.html", context)
    assert len(captured) <= 4
    assert "1 attended, 1 scheduled ahead" in sessions
    assert "1 with attendance not recorded" in sessions
    assert f'href="/clients/{world.dana.pk}/sessions/new/"' in sessions
    assert "1 payment totalling 800.00; 80.00 applied to sessions, 720.00 held" in money
    read_only = render_to_string("training/_client_sessions.html", {"client": world.dana})
    assert "Log a session" not in read_only
