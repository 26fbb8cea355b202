"""Each dollar once, under load: 50 requests at the same moment building claims
over the same sessions, each on its own database connection, leave no session
on two open claims to one source, no session claimed above what was paid, and
answer no 500.

PostgreSQL only: there the sessions' row locks (claims.locks) are what
serializes the requests. SQLite lets one writer in at a time anyway (IMMEDIATE
transactions), so the race cannot even start there.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client as HttpClient

from fitclaim.accounts.services import api_token_create
from fitclaim.claims.models import Claim, ClaimLine
from fitclaim.funding.models import FundingKind

from .conftest import Money, days_ago

REQUESTS = 50

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://...): on SQLite writers are "
            "serialized by IMMEDIATE transactions, so there is no race to test"
        )


def _storm(money: Money, bodies: list[dict[str, Any]]) -> Counter[int]:
    """Fire every body at the build endpoint at once, one thread and one
    database connection each; the status codes."""
    _, token = api_token_create(actor=money.admin, name="storm")
    url = f"/api/v1/clients/{money.dana.pk}/claims"
    start = threading.Barrier(len(bodies))
    statuses: list[int] = []
    lock = threading.Lock()

    def fire(body: dict[str, Any]) -> None:
        try:
            http = HttpClient(raise_request_exception=False)
            start.wait()
            response = http.post(
                url,
                data=json.dumps(body),
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(statuses)


def _each_dollar_once(money: Money) -> None:
    for session in money.sessions:
        open_lines = ClaimLine.objects.filter(session=session, open=True)
        per_source = Counter(open_lines.values_list("source_id", flat=True))
        assert all(n == 1 for n in per_source.values()), per_source
        held = sum((line.amount for line in open_lines), Decimal("0.00"))
        assert held <= session.paid_total, (session.pk, held)


@pytest.fixture
def four_paid(money: Money) -> Money:
    for n in (40, 30, 20, 10):
        money.session(on=days_ago(n))
    money.wellness = money.source(FundingKind.WELLNESS, "Wellness")  # type: ignore[attr-defined]
    return money


def test_fifty_concurrent_builds_over_the_same_sessions(four_paid: Money) -> None:
    money = four_paid
    sessions = [s.pk for s in money.sessions]
    sources = [money.fsa.pk, money.wellness.pk]  # type: ignore[attr-defined]
    bodies = [{"source_id": sources[i % 2], "session_ids": sessions} for i in range(REQUESTS)]
    statuses = _storm(money, bodies)
    assert set(statuses) <= {201, 422}, statuses
    assert statuses[201] == 2  # one claim per source; every other request refused by name
    assert Claim.objects.count() == 2
    _each_dollar_once(money)
    # The engine shares each session between the two: 42.50 each, 85.00 together.
    for session in money.sessions:
        total = sum(ClaimLine.objects.filter(session=session).values_list("amount", flat=True))
        assert total == Decimal("85.00")


def test_the_database_holds_even_when_the_amounts_upstream_are_wrong(
    four_paid: Money, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every source told it may claim the whole session (as a stale engine
    answer could): under the locks the first claim takes it, the other source
    finds nothing left, and no session is claimed twice over."""
    from fitclaim.claims import services

    real = services.claim_candidates

    def greedy(**kwargs: Any) -> Any:
        preview = real(**kwargs)
        for candidate in preview.candidates:
            candidate.engine_amount = candidate.session.paid_total
        return preview

    monkeypatch.setattr(services, "claim_candidates", greedy)
    money = four_paid
    sources = [money.fsa.pk, money.wellness.pk]  # type: ignore[attr-defined]
    bodies = [{"source_id": sources[i % 2]} for i in range(REQUESTS)]
    statuses = _storm(money, bodies)
    assert set(statuses) <= {201, 422}, statuses
    assert statuses[201] >= 1
    _each_dollar_once(money)
    for session in money.sessions:
        total = sum(ClaimLine.objects.filter(session=session).values_list("amount", flat=True))
        assert total == session.paid_total == Decimal("85.00")
