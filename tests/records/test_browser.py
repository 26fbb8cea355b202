"""In a real browser: a trainer adds a client with two conditions and an FSA,
and sees them listed; an admin of another organization opening that client's
address gets a 404."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fitclaim.clients.models import Client

from .conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def sign_in(page: Any, live_server: Any, email: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").wait_for()


def test_a_trainer_adds_a_client_with_conditions_and_an_fsa(
    page: Any, browser: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server, world["trainer_assigned"].user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="New client").click()

    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Park")
    page.get_by_label("Conditions (ICD-10-CM)").fill("E66.811, F41.1")
    page.get_by_role("button", name="Add client").click()

    page.get_by_role("heading", name="Ana Park").wait_for()
    conditions = page.locator("ul.conditions")
    assert "Obesity, class 1" in conditions.inner_text()
    assert "Generalized anxiety disorder" in conditions.inner_text()

    page.get_by_role("link", name="Add funding source").click()
    # Choosing the kind swaps in that kind's fields (htmx), without a page load.
    page.get_by_label("Kind of source").select_option("fsa")
    page.get_by_label("Annual election").wait_for()
    assert page.get_by_label("Deductible already met").count() == 0
    page.get_by_label(re.compile(r"^Name\b")).fill("Employer health FSA")
    page.get_by_label("Period starts").fill("2026-01-01")
    page.get_by_label("Period ends").fill("2026-12-31")
    page.get_by_label("Annual election").fill("1800.00")
    page.get_by_role("button", name="Add source").click()

    page.get_by_role("heading", name="Funding sources").wait_for()
    assert "Employer health FSA" in page.locator("#main table.list").inner_text()
    assert "election 1800.00" in page.locator("#main table.list").inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    row = page.get_by_role("row").filter(has_text="Park, Ana")
    assert "E66.811" in row.inner_text() and "F41.1" in row.inner_text()
    assert "FSA" in row.inner_text()

    client = Client.objects.get(first_name="Ana", last_name="Park")
    assert list(client.trainers.all()) == [world.sam]

    other = browser.new_context()
    try:
        other_page = other.new_page()
        sign_in(other_page, live_server, world["other_org_admin"].user.email)
        response = other_page.goto(f"{live_server.url}/clients/{client.pk}/")
        assert response.status == 404
        assert "Ana" not in other_page.content()
    finally:
        other.close()
