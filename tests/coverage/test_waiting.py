"""Money waiting: what sources can pay and nobody has claimed yet, by client and
source, nearest claim deadline first, with totals; staff only, each trainer
their own clients."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from fitclaim.audit.models import AuditEvent
from fitclaim.coverage.selectors import money_waiting
from fitclaim.funding.models import FundingKind, FundingSource

from .conftest import World, attended, days_ago, letter, today


@pytest.fixture
def waiting_world(world: World, admin: Any) -> dict[str, Any]:
    year = today().year
    letter(world, valid_from=days_ago(90), valid_to=today())
    dana_paid = attended(world, admin, on=days_ago(20))
    dana_second = attended(world, admin, on=days_ago(10))
    attended(world, admin, on=days_ago(5), receipt=False)  # not payable: no receipt
    wellness = FundingSource.objects.create(
        organization=world.riverbend,
        client=world.marcus,
        kind=FundingKind.WELLNESS,
        name="Wellness benefit",
        payer_name="Employer wellness program",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        annual_cap=Decimal("300.00"),
        rate=Decimal("0.50"),
        claim_deadline_days=30,
        requires_lmn=False,
    )
    marcus_paid = attended(world, admin, on=days_ago(15), client=world.marcus, trainer=world.jo)
    return {
        "dana_paid": dana_paid,
        "dana_second": dana_second,
        "marcus_paid": marcus_paid,
        "wellness": wellness,
    }


def test_grouped_by_client_and_source_nearest_deadline_first(
    world: World, waiting_world: dict[str, Any]
) -> None:
    waiting = money_waiting(by=world["admin"].actor(), as_of=today())
    rows = [
        (g.client.name, g.source_name, len(g.sessions), g.amount, g.nearest_deadline)
        for g in waiting.groups
    ]
    year = today().year
    assert rows == [
        ("Marcus Bell", "Wellness benefit", 1, Decimal("42.50"), dt.date(year + 1, 1, 30)),
        ("Dana Reyes", "Employer FSA", 2, Decimal("170.00"), dt.date(year + 1, 3, 31)),
    ]
    assert waiting.total == Decimal("212.50")
    assert waiting.by_payer == [
        ("Employer FSA", 1, Decimal("170.00")),
        ("Employer wellness program", 1, Decimal("42.50")),
    ]


def test_each_trainer_sees_their_own_clients(world: World, waiting_world: dict[str, Any]) -> None:
    sam = money_waiting(by=world["trainer_assigned"].actor(), as_of=today())
    jo = money_waiting(by=world["trainer_not_assigned"].actor(), as_of=today())
    assert {g.client.name for g in sam.groups} == {"Dana Reyes"}
    assert {g.client.name for g in jo.groups} == {"Marcus Bell"}
    other = money_waiting(by=world["other_org_admin"].actor(), as_of=today())
    assert other.groups == []


def test_sessions_already_on_an_open_claim_are_not_waiting(
    world: World, waiting_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import fitclaim.claims.selectors as claims

    asked: list[list[int]] = []

    def claimed_session_sources(client_ids: Any) -> set[tuple[int, str]]:
        asked.append(sorted(client_ids))
        return {(waiting_world["dana_paid"].pk, world.dana_fsa.engine_id)}

    monkeypatch.setattr(claims, "claimed_session_sources", claimed_session_sources)
    waiting = money_waiting(by=world["admin"].actor(), as_of=today())
    dana = next(g for g in waiting.groups if g.client.name == "Dana Reyes")
    assert len(dana.sessions) == 1 and dana.amount == Decimal("85.00")
    assert asked == [sorted([world.dana.pk, world.marcus.pk])]


def test_the_page_shows_the_groups_and_totals(world: World, waiting_world: dict[str, Any]) -> None:
    response = world["billing"].http().get("/coverage/waiting/")
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert text.index("Marcus Bell") < text.index("Dana Reyes")
    assert "212.50" in text
    assert f'href="/clients/{world.dana.pk}/coverage/?as_of={today().isoformat()}"' in html
    # Every client shown is in the audit trail.
    shown = AuditEvent.objects.filter(entity="coverage", actor=world["billing"].user)
    assert sorted(shown.values_list("client_id", flat=True)) == sorted(
        [world.dana.pk, world.marcus.pk]
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("billing", 200),
        ("trainer_assigned", 200),
        ("trainer_not_assigned", 200),
        ("other_org_admin", 200),
        ("client_self", 404),
        ("another_client", 404),
    ],
)
def test_staff_only(world: World, persona: str, status: int) -> None:
    assert world[persona].http().get("/coverage/waiting/").status_code == status


def test_anonymous_visitors_sign_in_first(world: World) -> None:
    response = world["anonymous"].http().get("/coverage/waiting/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_client_the_engine_refuses_is_named_not_hidden(
    world: World, waiting_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import fitclaim.coverage.selectors as selectors

    real = selectors.build_case

    def broken(*, client: Any, as_of: dt.date) -> Any:
        build = real(client=client, as_of=as_of)
        if client.pk == world.dana.pk:
            build.case["sessions"][0]["trainer"] = "trn-999999"
        return build

    monkeypatch.setattr(selectors, "build_case", broken)
    response = world["admin"].http().get("/coverage/waiting/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Coverage could not be computed for 1 client" in html
    assert "sessions[0].trainer: unknown trainer" in html
    assert "Marcus Bell" in html


def test_a_wrong_date_is_named(world: World) -> None:
    response = world["admin"].http().get("/coverage/waiting/?as_of=yesterday")
    assert response.status_code == 400
    assert "As of: Enter a valid date." in response.content.decode()
