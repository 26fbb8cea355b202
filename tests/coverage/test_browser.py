"""In a real browser: a trainer opens a client's Coverage page, sees what the
FSA will pay and the checklist item for the sessions without a receipt, and
uploading a receipt from the item's link (the payments app's upload page)
clears it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from fitclaim.payments.services import package_purchase
from fitclaim.training.services import session_log
from tests.records.test_browser import sign_in

from .conftest import World, days_ago, letter, tiny_png, today

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_a_trainer_sees_the_coverage_and_clears_a_missing_receipt(
    page: Any, live_server: Any, world: World
) -> None:
    admin = world["admin"].actor()
    letter(world, valid_from=days_ago(90), valid_to=today() + dt.timedelta(days=90))
    # A package of 10 for 800.00: each attended session takes 80.00 of it, and
    # no receipt covers that money yet.
    package_purchase(
        by=admin,
        client=world.dana,
        purchased_on=days_ago(30),
        sessions_count=10,
        price="800.00",
        method="card",
    )
    first, second = days_ago(14), days_ago(7)
    sessions = [
        session_log(
            by=admin,
            client=world.dana,
            trainer=world.sam,
            date=day,
            start_time=dt.time(7, 0),
            code="S9451",
            charge="85.00",
        )
        for day in (first, second)
    ]
    claim_by = dt.date(world.dana_fsa.period_end.year, 12, 31) + dt.timedelta(days=90)

    sign_in(page, live_server, world["trainer_assigned"].user.email)
    page.goto(f"{live_server.url}/clients/{world.dana.pk}/coverage/")
    page.get_by_role("heading", name="What to do next").wait_for()
    item = page.locator("#todo-receipt_missing")
    assert "Upload the receipt" in item.inner_text()
    assert "2 sessions" in item.inner_text()
    row = page.locator(f"#session-{sessions[0].pk}")
    assert "No receipt for this session." in row.inner_text()
    assert "80.00" in row.inner_text()

    # The item's link opens the upload page with the session already ticked.
    item.get_by_role("link", name=f"Upload the receipt for {first.isoformat()}").click()
    page.get_by_role("button", name="Upload receipt").wait_for()
    assert page.get_by_label(re.compile(first.isoformat())).is_checked()
    page.get_by_label("File").set_input_files(
        {"name": "studio-receipt.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.get_by_role("button", name="Upload receipt").click()
    page.get_by_text("Uploaded studio-receipt.png for 1 session(s).").wait_for()

    page.goto(f"{live_server.url}/clients/{world.dana.pk}/coverage/")
    row = page.locator(f"#session-{sessions[0].pk}")
    assert "80.00" in row.inner_text()
    assert f"claim by {claim_by.isoformat()}" in row.inner_text()
    item = page.locator("#todo-receipt_missing")
    assert "1 session" in item.inner_text()
    assert first.isoformat() not in item.inner_text()

    # The second one, and the checklist is empty.
    item.get_by_role("link", name=f"Upload the receipt for {second.isoformat()}").click()
    page.get_by_label("File").set_input_files(
        {"name": "second.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.get_by_role("button", name="Upload receipt").click()
    page.get_by_text("Uploaded second.png for 1 session(s).").wait_for()
    page.goto(f"{live_server.url}/clients/{world.dana.pk}/coverage/")
    page.get_by_text("Nothing to do: no paperwork is holding money back.").wait_for()
    assert page.locator("#todo-receipt_missing").count() == 0
    figures = page.locator("dl.figures").inner_text()
    assert "160.00" in figures
