"""In a real browser: sign in, open Settings, create an API token and see it once."""

from __future__ import annotations

from typing import Any

import pytest

from fitclaim.accounts.models import ApiToken, Organization, Role
from fitclaim.accounts.services import membership_create, user_create
from tests.platform.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def person(role: str) -> str:
    organization = Organization.objects.create(name="Riverbend Clinical Fitness")
    user = user_create(email=f"{role}@riverbend.test", first_name="Sam", password=PASSWORD)
    membership_create(actor=None, organization=organization, user=user, role=role)
    return user.email


@pytest.fixture
def trainer_email() -> str:
    return person(Role.TRAINER)


@pytest.fixture
def admin_email() -> str:
    return person(Role.ADMIN)


def sign_in(page: Any, live_server: Any, email: str) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Riverbend Clinical Fitness").wait_for()


def test_a_new_token_is_shown_once_and_works(
    page: Any, live_server: Any, trainer_email: str
) -> None:
    sign_in(page, live_server, trainer_email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("heading", name="Personal API tokens").wait_for()

    page.get_by_label("Token name").fill("EHR sync")
    page.get_by_role("button", name="Create token").click()
    shown = page.get_by_test_id("new-token")
    shown.wait_for()
    raw = shown.inner_text().strip()
    assert raw.startswith("fc_")
    assert ApiToken.objects.get(name="EHR sync").token_hash != raw

    me = page.request.get(
        live_server.url + "/api/v1/me", headers={"Authorization": f"Bearer {raw}"}
    )
    assert me.ok
    assert me.json()["user"]["email"] == trainer_email

    page.reload()
    page.get_by_role("cell", name="EHR sync", exact=True).wait_for()
    assert page.get_by_test_id("new-token").count() == 0
    assert raw not in page.content()


def test_settings_fit_a_phone_screen(page: Any, live_server: Any, admin_email: str) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server, admin_email)
    page.goto(live_server.url + "/settings/")
    page.get_by_label("Token name").fill("phone")
    page.get_by_role("button", name="Create token").click()
    page.get_by_test_id("new-token").wait_for()
    # Wide tables scroll inside their frame; the page itself never scrolls sideways.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # The skip link is the first thing a keyboard reaches on a fresh page.
    page.goto(live_server.url + "/settings/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
