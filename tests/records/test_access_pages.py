"""Who may open which record page. Another organization's record, or one the
role may not see, answers 404; a visitor who is not signed in goes to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fitclaim.audit.models import AuditEvent

from .conftest import PERSONAS, World

OK, NOT_FOUND, SIGN_IN = 200, 404, 302


def expect(**statuses: int) -> list[tuple[str, int]]:
    assert set(statuses) == set(PERSONAS), set(PERSONAS) ^ set(statuses)
    return list(statuses.items())


READ_CLIENT = expect(
    admin=OK,
    billing=OK,
    trainer_assigned=OK,
    trainer_not_assigned=NOT_FOUND,
    client_self=OK,
    another_client=NOT_FOUND,
    other_org_admin=NOT_FOUND,
    anonymous=SIGN_IN,
)
EDIT_CLIENT = expect(
    admin=OK,
    billing=OK,
    trainer_assigned=OK,
    trainer_not_assigned=NOT_FOUND,
    client_self=NOT_FOUND,
    another_client=NOT_FOUND,
    other_org_admin=NOT_FOUND,
    anonymous=SIGN_IN,
)
READ_DIRECTORY = expect(
    admin=OK,
    billing=OK,
    trainer_assigned=OK,
    trainer_not_assigned=OK,
    client_self=NOT_FOUND,
    another_client=NOT_FOUND,
    other_org_admin=NOT_FOUND,
    anonymous=SIGN_IN,
)
EDIT_DIRECTORY = expect(
    admin=OK,
    billing=OK,
    trainer_assigned=NOT_FOUND,
    trainer_not_assigned=NOT_FOUND,
    client_self=NOT_FOUND,
    another_client=NOT_FOUND,
    other_org_admin=NOT_FOUND,
    anonymous=SIGN_IN,
)


def get(world: World, persona: str, url: str) -> int:
    response = world[persona].http().get(url)
    if response.status_code == SIGN_IN:
        assert response["Location"].startswith(reverse("login"))
    return response.status_code


@pytest.mark.parametrize(("persona", "status"), READ_CLIENT)
def test_client_detail_page(world: World, persona: str, status: int) -> None:
    assert get(world, persona, reverse("clients:detail", args=[world.dana.pk])) == status


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_client_edit_page(world: World, persona: str, status: int) -> None:
    assert get(world, persona, reverse("clients:edit", args=[world.dana.pk])) == status


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_funding_source_pages(world: World, persona: str, status: int) -> None:
    dana, fsa = world.dana.pk, world.dana_fsa.pk
    assert get(world, persona, reverse("clients:funding:create", args=[dana])) == status
    assert get(world, persona, reverse("clients:funding:edit", args=[dana, fsa])) == status
    assert get(world, persona, reverse("clients:funding:preferences", args=[dana])) == status


def test_a_source_is_reached_only_through_its_own_client(world: World) -> None:
    url = reverse("clients:funding:edit", args=[world.marcus.pk, world.dana_fsa.pk])
    assert get(world, "admin", url) == NOT_FOUND


@pytest.mark.parametrize(
    ("persona", "status"),
    expect(
        admin=OK,
        billing=OK,
        trainer_assigned=OK,
        trainer_not_assigned=OK,
        client_self=NOT_FOUND,
        another_client=NOT_FOUND,
        other_org_admin=OK,
        anonymous=SIGN_IN,
    ),
)
def test_client_create_page(world: World, persona: str, status: int) -> None:
    assert get(world, persona, reverse("clients:create")) == status


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("admin", {"Dana", "Marcus"}),
        ("billing", {"Dana", "Marcus"}),
        ("trainer_assigned", {"Dana"}),
        ("trainer_not_assigned", {"Marcus"}),
        ("client_self", {"Dana"}),
        ("another_client", {"Marcus"}),
        ("other_org_admin", {"Riley"}),
    ],
)
def test_client_list_shows_only_the_clients_the_persona_may_see(
    world: World, persona: str, visible: set[str]
) -> None:
    response = world[persona].http().get(reverse("clients:list"))
    assert response.status_code == OK
    listed = {client.first_name for client in response.context["page"].object_list}
    assert listed == visible


def test_client_list_needs_sign_in(world: World) -> None:
    assert get(world, "anonymous", reverse("clients:list")) == SIGN_IN


@pytest.mark.parametrize(("persona", "status"), READ_DIRECTORY)
@pytest.mark.parametrize("app", ["trainers", "providers", "facilities"])
def test_directory_pages(world: World, app: str, persona: str, status: int) -> None:
    record = {"trainers": world.sam, "providers": world.provider, "facilities": world.facility}[app]
    assert get(world, persona, reverse(f"{app}:detail", args=[record.pk])) == status
    if persona != "other_org_admin":  # their own organization's list is theirs (and empty)
        assert get(world, persona, reverse(f"{app}:list")) == status


@pytest.mark.parametrize(("persona", "status"), EDIT_DIRECTORY)
@pytest.mark.parametrize("app", ["trainers", "providers", "facilities"])
def test_directory_edit_pages(world: World, app: str, persona: str, status: int) -> None:
    record = {"trainers": world.sam, "providers": world.provider, "facilities": world.facility}[app]
    assert get(world, persona, reverse(f"{app}:edit", args=[record.pk])) == status
    if persona != "other_org_admin":  # their own organization's create page is theirs
        assert get(world, persona, reverse(f"{app}:create")) == status


def test_portal_login_page_is_for_admins(world: World) -> None:
    url = reverse("clients:portal_login", args=[world.marcus.pk])
    assert get(world, "admin", url) == OK
    assert get(world, "billing", url) == NOT_FOUND
    assert get(world, "trainer_not_assigned", url) == NOT_FOUND
    assert get(world, "other_org_admin", url) == NOT_FOUND


def test_a_portal_client_sees_their_record_without_edit_links(world: World) -> None:
    response = world["client_self"].http().get(reverse("clients:detail", args=[world.dana.pk]))
    assert response.status_code == OK
    assert reverse("clients:edit", args=[world.dana.pk]) not in response.content.decode()
    assert "Employer FSA" in response.content.decode()


def test_viewing_a_client_record_is_audited(world: World) -> None:
    world["billing"].http().get(reverse("clients:detail", args=[world.dana.pk]))
    event = AuditEvent.objects.get(action="view", entity="client")
    assert event.client_id == world.dana.pk
    assert event.actor == world["billing"].user
    assert event.organization == world.riverbend


def test_a_refused_view_is_not_audited_as_a_view(world: World) -> None:
    world["other_org_admin"].http().get(reverse("clients:detail", args=[world.dana.pk]))
    assert not AuditEvent.objects.filter(action="view", client_id=world.dana.pk).exists()


def test_detail_shows_conditions_with_their_descriptions(world: World) -> None:
    response = world["admin"].http().get(reverse("clients:detail", args=[world.dana.pk]))
    page = response.content.decode()
    assert "E66.812" in page and "Obesity, class 2" in page
    assert "Type 2 diabetes mellitus without complications" in page
