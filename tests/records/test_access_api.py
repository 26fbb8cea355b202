"""Who may read and change records through the API: the same rules as the
pages. Another organization's record answers 404; no credentials, 401."""

from __future__ import annotations

import json

import pytest

from fitclaim.audit.models import AuditEvent
from fitclaim.providers.models import Provider

from .conftest import VALID_NPI, World
from .test_access_pages import EDIT_CLIENT, EDIT_DIRECTORY, OK, READ_CLIENT, READ_DIRECTORY, expect

UNAUTHORIZED = 401


def api(status: int) -> int:
    # Where the pages send a visitor to sign in, the API answers 401.
    return UNAUTHORIZED if status == 302 else status


def call(world: World, persona: str, method: str, url: str, body: dict | None = None) -> object:
    http = world[persona].http()
    kwargs = (
        {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    )
    return getattr(http, method)(url, **kwargs)


@pytest.mark.parametrize(("persona", "status"), READ_CLIENT)
def test_client_detail(world: World, persona: str, status: int) -> None:
    response = call(world, persona, "get", f"/api/v1/clients/{world.dana.pk}")
    assert response.status_code == api(status)
    if status == 404:
        assert response.json() == {"detail": "Not found"}


@pytest.mark.parametrize(("persona", "status"), READ_CLIENT)
def test_client_funding_sources(world: World, persona: str, status: int) -> None:
    response = call(world, persona, "get", f"/api/v1/clients/{world.dana.pk}/funding-sources")
    assert response.status_code == api(status)
    if status == OK:
        assert [s["name"] for s in response.json()] == ["Employer FSA"]


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_client_update(world: World, persona: str, status: int) -> None:
    response = call(
        world, persona, "patch", f"/api/v1/clients/{world.dana.pk}", {"phone": "555-0199"}
    )
    assert response.status_code == api(status)
    world.dana.refresh_from_db()
    assert (world.dana.phone == "555-0199") == (status == OK)


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_funding_source_update(world: World, persona: str, status: int) -> None:
    url = f"/api/v1/clients/{world.dana.pk}/funding-sources/{world.dana_fsa.pk}"
    response = call(world, persona, "patch", url, {"used": "100.00"})
    assert response.status_code == api(status)


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("admin", {"Dana", "Marcus"}),
        ("trainer_assigned", {"Dana"}),
        ("client_self", {"Dana"}),
        ("other_org_admin", {"Riley"}),
    ],
)
def test_client_list_is_scoped(world: World, persona: str, visible: set[str]) -> None:
    response = call(world, persona, "get", "/api/v1/clients")
    assert response.status_code == OK
    assert {c["first_name"] for c in response.json()["items"]} == visible


@pytest.mark.parametrize(("persona", "status"), READ_DIRECTORY)
def test_trainer_detail(world: World, persona: str, status: int) -> None:
    response = call(world, persona, "get", f"/api/v1/trainers/{world.sam.pk}")
    assert response.status_code == api(status)


@pytest.mark.parametrize(("persona", "status"), READ_DIRECTORY)
def test_provider_and_facility_detail(world: World, persona: str, status: int) -> None:
    assert call(world, persona, "get", f"/api/v1/providers/{world.provider.pk}").status_code == api(
        status
    )
    assert call(
        world, persona, "get", f"/api/v1/facilities/{world.facility.pk}"
    ).status_code == api(status)


@pytest.mark.parametrize(
    ("persona", "status"),
    expect(
        admin=201,
        billing=201,
        trainer_assigned=404,
        trainer_not_assigned=404,
        client_self=404,
        another_client=404,
        other_org_admin=201,
        anonymous=401,
    ),
)
def test_provider_create(world: World, persona: str, status: int) -> None:
    body = {"name": "Dr. New", "kind": "physician", "npi": "1234567893"}
    response = call(world, persona, "post", "/api/v1/providers", body)
    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), EDIT_DIRECTORY)
def test_credential_create(world: World, persona: str, status: int) -> None:
    body = {"code": "NASM-CES", "expires": "2027-06-30"}
    response = call(world, persona, "post", f"/api/v1/trainers/{world.sam.pk}/credentials", body)
    assert response.status_code == {OK: 201}.get(status, api(status))


def test_a_trainer_who_adds_a_client_is_assigned_to_it(world: World) -> None:
    body = {"first_name": "Ana", "last_name": "Park", "conditions": ["F41.1"]}
    response = call(world, "trainer_not_assigned", "post", "/api/v1/clients", body)
    assert response.status_code == 201
    assert response.json()["trainer_ids"] == [world.jo.pk]
    # ...so Jo sees Ana, and Sam does not.
    assert (
        call(
            world, "trainer_not_assigned", "get", f"/api/v1/clients/{response.json()['id']}"
        ).status_code
        == OK
    )
    assert (
        call(
            world, "trainer_assigned", "get", f"/api/v1/clients/{response.json()['id']}"
        ).status_code
        == 404
    )


def test_api_detail_view_is_audited(world: World) -> None:
    call(world, "admin", "get", f"/api/v1/clients/{world.dana.pk}")
    event = AuditEvent.objects.get(action="view", entity="client")
    assert (event.client_id, event.via) == (world.dana.pk, "api")


def test_a_provider_npi_is_unique_within_an_organization_only(world: World) -> None:
    body = {"name": "Dr. Ana Lee", "kind": "physician", "npi": VALID_NPI}
    assert call(world, "admin", "post", "/api/v1/providers", body).status_code == 422
    assert call(world, "other_org_admin", "post", "/api/v1/providers", body).status_code == 201
    assert Provider.objects.filter(npi=VALID_NPI).count() == 2
