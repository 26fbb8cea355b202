"""In a real browser: a trainer creates a recurring schedule, marks sessions
attended (one click, from the day view and from the list), sells a prepaid
package, uploads one receipt, and sees it all listed."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from fitclaim.payments.models import Package, UploadedReceipt
from fitclaim.training.models import SessionStatus, TrainingSession
from tests.records.test_browser import sign_in

from .conftest import World, tiny_png, today

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def test_a_trainer_schedules_marks_sells_a_package_and_uploads_a_receipt(
    page: Any, live_server: Any, world: World
) -> None:
    starts = today() - dt.timedelta(days=14)
    second_day = starts + dt.timedelta(days=2)
    sign_in(page, live_server, world["trainer_assigned"].user.email)

    page.goto(f"{live_server.url}/clients/{world.dana.pk}/sessions/")
    page.get_by_role("link", name="Recurring schedule").click()
    page.get_by_label("First day").fill(starts.isoformat())
    page.get_by_label(WEEKDAYS[starts.weekday()]).check()
    page.get_by_label(WEEKDAYS[second_day.weekday()]).check()
    page.get_by_label("Start time").fill("07:00")
    page.get_by_label("For how many weeks").fill("4")
    page.get_by_label("Charge").fill("85.00")
    page.get_by_role("button", name="Create sessions").click()
    page.get_by_text("Scheduled 8 sessions.").wait_for()
    assert TrainingSession.objects.filter(client=world.dana).count() == 8

    # The day view: one click marks the first session attended (htmx swaps the row).
    page.goto(f"{live_server.url}/sessions/day/?date={starts.isoformat()}")
    row = page.get_by_role("row").filter(has_text="Dana Reyes")
    row.get_by_role("button", name=re.compile(r"^Attended")).click()
    row.locator(".badge.ok", has_text="Attended").wait_for()
    # ...and the second from the client's list.
    page.goto(f"{live_server.url}/clients/{world.dana.pk}/sessions/")
    second = page.get_by_role("row").filter(has_text=second_day.isoformat())
    second.get_by_role("button", name=re.compile(r"^Attended")).click()
    second.locator(".badge.ok", has_text="Attended").wait_for()
    attended = TrainingSession.objects.filter(status=SessionStatus.ATTENDED).order_by("date")
    assert [s.date for s in attended] == [starts, second_day]

    # A package of 10 for 800.00: the two attended sessions take 80.00 each.
    page.get_by_role("link", name="Payments and receipts").click()
    page.get_by_role("link", name="Sell a package").click()
    page.get_by_label("Date bought").fill(starts.isoformat())
    page.get_by_label("Number of sessions").fill("10")
    page.get_by_label("Price").fill("800.00")
    page.get_by_label("Paid by").select_option("card")
    page.get_by_role("button", name="Record package").click()
    page.get_by_role("heading", name="Prepaid packages").wait_for()
    packages = page.locator("#main table.list").first.inner_text()
    assert "2 of 10" in packages and "640.00" in packages
    assert Package.objects.get().payment.applied_total == Decimal("160.00")

    # One outside receipt, attached to the second session.
    page.get_by_role("link", name="Upload a receipt").click()
    page.get_by_label("File").set_input_files(
        {"name": "studio-receipt.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.get_by_label(re.compile(second_day.isoformat())).check()
    page.get_by_role("button", name="Upload receipt").click()
    page.get_by_text("Uploaded studio-receipt.png for 1 session(s).").wait_for()
    assert "studio-receipt.png" in page.locator("#uploaded + .table-wrap").inner_text()
    assert UploadedReceipt.objects.get().sessions.get().date == second_day

    page.goto(f"{live_server.url}/clients/{world.dana.pk}/sessions/")
    first_row = page.get_by_role("row").filter(has_text=starts.isoformat()).inner_text()
    second_row = page.get_by_role("row").filter(has_text=second_day.isoformat()).inner_text()
    assert "80.00" in first_row and "No receipt" in first_row
    assert "80.00" in second_row and "Receipted" in second_row
