"""GET /api/v1/clients/{id}/coverage?as_of=: the engine's result, exactly."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from fitclaim.accounts.services import api_token_create
from fitclaim.audit.models import AuditEvent
from fitclaim.coverage.case import client_case
from fitclaim.domain.engine import adjudicate

from .conftest import World, attended, days_ago, letter, today


@pytest.fixture
def sessions(world: World, admin: Any) -> None:
    letter(world, valid_from=days_ago(90), valid_to=today())
    attended(world, admin, on=days_ago(20))
    attended(world, admin, on=days_ago(13), receipt=False)


def bearer(world: World, persona: str) -> dict[str, str]:
    _, token = api_token_create(actor=world[persona].actor(), name="test")
    return {"Authorization": f"Bearer {token}"}


def get(world: World, persona: str, query: str = "") -> Any:
    client = world["anonymous"].http()
    return client.get(
        f"/api/v1/clients/{world.dana.pk}/coverage{query}", headers=bearer(world, persona)
    )


def test_the_result_is_the_engines_exactly(world: World, sessions: None) -> None:
    response = get(world, "billing")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    expected = adjudicate(client_case(client=world.dana, as_of=today()))
    assert response.json() == expected
    # Key order too: the bytes are the engine's JSON.
    assert list(response.json()) == list(expected)


def test_as_of_picks_the_day(world: World, sessions: None) -> None:
    day = days_ago(15)
    response = get(world, "billing", f"?as_of={day.isoformat()}")
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == day.isoformat()
    assert body == adjudicate(client_case(client=world.dana, as_of=day))
    assert body["sessions"][1]["excluded"] == "FUTURE_SESSION"


def test_a_wrong_date_is_a_422_naming_the_field(world: World, sessions: None) -> None:
    response = get(world, "billing", "?as_of=31/07/2026")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "as_of"


def test_every_call_is_audited(world: World, sessions: None) -> None:
    get(world, "client_self")
    event = AuditEvent.objects.get(entity="coverage")
    assert (event.client_id, event.via, event.actor_id) == (
        world.dana.pk,
        "api",
        world["client_self"].user.pk,
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("billing", 200),
        ("trainer_assigned", 200),
        ("client_self", 200),
        ("trainer_not_assigned", 404),
        ("another_client", 404),
        ("other_org_admin", 404),
    ],
)
def test_who_may_read_it(world: World, sessions: None, persona: str, status: int) -> None:
    assert get(world, persona).status_code == status


def test_anonymous_callers_are_refused(world: World) -> None:
    response = world["anonymous"].http().get(f"/api/v1/clients/{world.dana.pk}/coverage")
    assert response.status_code == 401


def test_an_unknown_client_is_404(world: World) -> None:
    client = world["anonymous"].http()
    response = client.get("/api/v1/clients/999999/coverage", headers=bearer(world, "admin"))
    assert response.status_code == 404


def test_an_engine_failure_names_its_problems(
    world: World, sessions: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fitclaim.coverage.selectors as selectors

    real = selectors.build_case

    def broken(**kwargs: Any) -> Any:
        build = real(**kwargs)
        build.case["sessions"][0]["paid"] = "999.00"
        return build

    monkeypatch.setattr(selectors, "build_case", broken)
    response = get(world, "admin")
    assert response.status_code == 500
    body = response.json()
    assert body["problems"] == ["sessions[0].paid: is above the charge"]
    assert "fault in fitclaim" in body["detail"]


def test_the_operation_is_in_the_openapi_schema(world: World) -> None:
    schema = world["anonymous"].http().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/clients/{client_id}/coverage"]["get"]
    names = [p["name"] for p in operation["parameters"]]
    assert names == ["client_id", "as_of"]
    assert "engine's result" in json.dumps(operation)
    assert dt.date.fromisoformat("2026-07-31")  # the documented format
