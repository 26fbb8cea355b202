"""Who sees a client's Coverage page: staff by role (admins and billing every
client of the organization, trainers their assigned clients), the client
portal only themself; anyone else finds nothing (404)."""

from __future__ import annotations

import pytest

from .conftest import World

ALLOWED = {"admin", "billing", "trainer_assigned", "client_self"}
REFUSED = {"trainer_not_assigned", "another_client", "other_org_admin"}


@pytest.mark.parametrize("persona", sorted(ALLOWED | REFUSED))
def test_the_coverage_page_by_persona(world: World, persona: str) -> None:
    response = world[persona].http().get(f"/clients/{world.dana.pk}/coverage/")
    assert response.status_code == (200 if persona in ALLOWED else 404)
    if persona in REFUSED:
        assert "Dana" not in response.content.decode()


def test_anonymous_visitors_sign_in_first(world: World) -> None:
    response = world["anonymous"].http().get(f"/clients/{world.dana.pk}/coverage/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_organizations_client_is_not_found_even_for_its_admin_elsewhere(
    world: World,
) -> None:
    assert world["admin"].http().get(f"/clients/{world.riley.pk}/coverage/").status_code == 404
    assert (
        world["other_org_admin"].http().get(f"/clients/{world.riley.pk}/coverage/").status_code
        == 200
    )


def test_a_client_that_does_not_exist_is_not_found(world: World) -> None:
    assert world["admin"].http().get("/clients/999999/coverage/").status_code == 404
