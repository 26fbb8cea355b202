"""In a real browser: staff draft a letter and send it for signature; the
provider opens the emailed link (no account), reviews and signs it; the letter
then shows as active, and its PDF is the one whose hash was stored."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.core import mail

from fitclaim.lmns.models import Lmn, LmnStatus
from tests.records.conftest import PASSWORD

from .conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def sign_in(page: Any, live_server: Any, email: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").wait_for()


def test_staff_send_a_letter_the_provider_signs_it_and_it_is_active_with_its_pdf(
    page: Any, browser: Any, live_server: Any, world_ready: World
) -> None:
    mail.outbox = []
    dana = world_ready.dana
    sign_in(page, live_server, world_ready["admin"].user.email)

    page.goto(f"{live_server.url}/clients/{dana.pk}/letters/")
    page.get_by_role("link", name="New letter").click()
    page.get_by_label("Provider", exact=True).select_option(label="Dr. Ana Lee, MD")
    assert page.get_by_label("Diagnoses (ICD-10-CM)").input_value() == "E66.812, E11.9"
    page.get_by_label("Kind of exercise").fill("Supervised resistance and aerobic training")
    page.get_by_label("Sessions per week").fill("2")
    page.get_by_label("Minutes per session").fill("")
    page.keyboard.press("Tab")
    # htmx checks the unsaved letter as it is typed: one element is still missing.
    live = page.locator("#completeness-live")
    live.get_by_text("The plan's duration (minutes per session) is missing.").wait_for()
    page.get_by_label("Minutes per session").fill("60")
    page.keyboard.press("Tab")
    live.get_by_text("Every element payers require is on the letter.").wait_for()
    page.get_by_role("button", name="Create draft").click()

    page.get_by_role("heading", name=re.compile(r"LMN-\d+")).wait_for()
    assert page.locator("#letter-status").inner_text() == "draft"
    assert "Complete" in page.locator("#completeness").inner_text()
    page.get_by_role("link", name="Send for signature").click()
    assert page.get_by_label("Provider's email").input_value() == "ana.lee@clinic.example"
    page.get_by_role("button", name="Send for signature").click()
    page.get_by_text("Awaiting the provider's signature").wait_for()
    assert page.locator("#letter-status").inner_text() == "awaiting signature"

    assert [message.to for message in mail.outbox] == [["ana.lee@clinic.example"]]
    link = re.search(r"https?://\S+/sign/\S+/", mail.outbox[0].body).group(0)
    path = link[link.index("/sign/") :]

    provider_context = browser.new_context()  # no account, no cookies
    try:
        provider = provider_context.new_page()
        provider.set_default_timeout(15_000)
        provider.goto(live_server.url + path)
        provider.get_by_role("heading", name="Review and sign a letter of medical necessity")
        letter = provider.locator("article.letter")
        assert "Dana Reyes" in letter.inner_text()
        assert "2 sessions per week, 60 minutes each" in letter.inner_text()
        provider.get_by_label("Your full name").fill("Ana Lee")
        provider.get_by_label(re.compile("I have examined this patient")).check()
        provider.get_by_role("button", name="Sign the letter").click()
        provider.get_by_role("heading", name="Thank you: the letter is signed").wait_for()
        # The link is single-use: opening it again changes nothing.
        again = provider.goto(live_server.url + path)
        assert again.status == 410
    finally:
        provider_context.close()

    page.reload()
    assert page.locator("#letter-status").inner_text() == "active"
    assert "Electronically signed by Ana Lee" in page.locator("article.letter").inner_text()
    lmn = Lmn.objects.get(client=dana)
    assert lmn.status == LmnStatus.SIGNED
    pdf_link = page.get_by_role("link", name="Signed PDF")
    response = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(response.body()).hexdigest() == lmn.signed_pdf.sha256
