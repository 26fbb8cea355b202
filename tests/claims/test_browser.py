"""In a real browser: billing builds an FSA claim from the client's claims page
(the total shows before saving), the packet check passes, the packet
downloads, the claim is marked submitted and the FSA's payment recorded; the
coverage view then shows the session settled by the FSA and what the FSA did
not pay moved on to the HSA."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fitclaim.claims.case import client_result, decision_for, decisions_by_session
from fitclaim.claims.models import Claim
from fitclaim.funding.models import FundingKind
from tests.records.test_browser import sign_in

from .conftest import Money, days_ago, today

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_an_fsa_claim_from_build_to_payment(page: Any, live_server: Any, money: Money) -> None:
    hsa = money.source(FundingKind.HSA, "Health savings account")
    session = money.session(on=days_ago(9))
    dana = money.dana
    sign_in(page, live_server, money.w["billing"].user.email)

    page.goto(f"{live_server.url}/clients/{dana.pk}/claims/")
    page.get_by_role("link", name="Build a claim").click()
    page.get_by_label("Claim from").select_option(str(money.fsa.pk))
    page.locator("#claim-total").filter(has_text="85.00").wait_for()
    assert not Claim.objects.exists()  # nothing saved before "Build claim"
    page.get_by_role("button", name="Build claim").click()
    page.get_by_text(re.compile(r"Built claim FC\d{6} to Employer FSA for 85.00")).wait_for()
    claim = Claim.objects.get()

    page.locator("#check-passes").wait_for()  # the packet check
    page.get_by_role("button", name="Mark ready").click()
    page.get_by_text(f"Claim {claim.number} is ready to submit.").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Claim packet (PDF)").click()
    path = download.value.path()
    assert path is not None and Path(path).read_bytes()[:5] == b"%PDF-"

    page.get_by_label("Date submitted").fill(today().isoformat())
    page.get_by_label("Sent by").select_option("portal")
    page.get_by_role("button", name="Mark submitted").click()
    page.get_by_text(f"Claim {claim.number} is submitted.").wait_for()

    page.get_by_role("link", name="Record the payer's answer").click()
    page.get_by_label(re.compile(r"^Paid for")).fill("60.00")
    page.get_by_role("button", name="Record answer").click()
    page.get_by_text(f"claim {claim.number} is partially paid").wait_for()

    # The coverage view: the FSA's 60.00 is a settlement; the HSA takes the rest.
    page.goto(f"{live_server.url}/clients/{dana.pk}/coverage/")
    row = page.locator(f"#session-{session.pk}")
    row.locator("td.cell.settled").filter(has_text="60.00").wait_for()
    row.locator("td.cell.payable").filter(has_text="25.00").wait_for()
    entry = decisions_by_session(client_result(client=dana, as_of=today()))[session.pk]
    assert decision_for(entry, money.fsa.engine_id) == {
        "source": money.fsa.engine_id,
        "status": "settled",
        "amount": "60.00",
    }
    assert decision_for(entry, hsa.engine_id)["amount"] == "25.00"
    assert Claim.objects.get().paid_total == Decimal("60.00")
