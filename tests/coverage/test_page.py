"""The client's Coverage page: a row per session, every source's answer in
plain words, totals, what is left, the checklist with the link that fixes each
item, claim-check warnings, the chart, and an error panel instead of a crash."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from fitclaim.audit.models import AuditEvent
from fitclaim.coverage import engine_ids
from fitclaim.funding.models import FundingKind, FundingSource
from fitclaim.training.models import SessionStatus
from fitclaim.training.services import session_log

from .conftest import World, attended, days_ago, letter, today


def page(world: World, persona: str = "trainer_assigned", query: str = "") -> Any:
    return world[persona].http().get(f"/clients/{world.dana.pk}/coverage/{query}")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def story(world: World, admin: Any) -> dict[str, Any]:
    """Dana: a signed letter, her FSA, a receipted session, one without a
    receipt, one whose attendance was not recorded and one ahead."""
    lmn = letter(world, valid_from=days_ago(90), valid_to=today() + dt.timedelta(days=90))
    paid = attended(world, admin, on=days_ago(20))
    no_receipt = attended(world, admin, on=days_ago(13), receipt=False)
    forgotten = attended(world, admin, on=days_ago(6), status=SessionStatus.SCHEDULED)
    ahead = session_log(
        by=admin,
        client=world.dana,
        trainer=world.sam,
        date=today() + dt.timedelta(days=7),
        code="S9451",
        charge="85.00",
    )
    return {
        "lmn": lmn,
        "paid": paid,
        "no_receipt": no_receipt,
        "forgotten": forgotten,
        "ahead": ahead,
    }


def test_a_row_per_session_with_each_sources_answer(world: World, story: dict[str, Any]) -> None:
    response = page(world)
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    paid = re.search(rf'<tr id="session-{story["paid"].pk}".*?</tr>', html, re.S)
    assert paid is not None
    assert "<strong>85.00</strong>" in paid.group(0)
    assert "claim by 2027-03-31" in paid.group(0)
    missing = re.search(rf'<tr id="session-{story["no_receipt"].pk}".*?</tr>', html, re.S)
    assert missing is not None
    # The reason in plain words, its code on hover and for screen readers.
    assert '<abbr title="RECEIPT_MISSING">No receipt for this session.</abbr>' in missing.group(0)
    assert "(reason code RECEIPT_MISSING)" in missing.group(0)
    ahead = re.search(rf'<tr id="session-{story["ahead"].pk}".*?</tr>', html, re.S)
    assert ahead is not None and "Upcoming" in ahead.group(0)
    # Totals, out of pocket and what is left.
    assert "Paid for sessions so far 170.00" in text
    assert "Reimbursable, not yet paid back 85.00" in text
    assert "Out of pocket 85.00" in text
    assert "Employer FSA 1915.00 left" in text
    assert re.search(r"LMN-\d+ v1 \(Dr\. Ana Lee.*?\) 2 sessions? left|no session limit", text)


def test_the_checklist_links_to_the_page_that_fixes_each_item(
    world: World, story: dict[str, Any]
) -> None:
    html = page(world).content.decode()
    item = re.search(r'<li class="card" id="todo-receipt_missing">.*?</li>\s*</ul>', html, re.S)
    assert item is not None
    upload = f"/clients/{world.dana.pk}/receipts/upload/?session={story['no_receipt'].pk}"
    assert f'href="{upload}"' in item.group(0)
    assert "Upload the receipt" in item.group(0)
    # The session whose attendance was not recorded is out of the case, and named.
    assert "Attendance not recorded" in html
    assert f'href="/sessions/{story["forgotten"].pk}/"' in html


def test_the_letter_and_pre_authorization_items_link_to_their_pages(
    world: World, admin: Any
) -> None:
    unsigned = letter(
        world, valid_from=days_ago(90), valid_to=today() + dt.timedelta(days=90), signed=False
    )
    expired = letter(world, valid_from=days_ago(400), valid_to=days_ago(100))
    FundingSource.objects.create(
        organization=world.riverbend,
        client=world.dana,
        kind=FundingKind.INSURANCE,
        name="Acme Health PPO",
        order=1,
        period_start=dt.date(today().year, 1, 1),
        period_end=dt.date(today().year, 12, 31),
        requires_preauthorization=True,
    )
    attended(world, admin, on=days_ago(10))
    html = page(world).content.decode()
    assert 'id="todo-lmn_not_signed"' in html
    assert f'href="/letters/{unsigned.pk}/"' in html
    assert 'id="todo-preauth_missing"' in html
    assert f'href="/clients/{world.dana.pk}/preauthorizations/new/"' in html
    assert expired.pk  # a lapsed letter: the expired one is not the fix here
    # Without a letter at all: draft one.
    unsigned.delete()
    expired.delete()
    html = page(world).content.decode()
    assert 'id="todo-lmn_missing"' in html
    assert f'href="/clients/{world.dana.pk}/letters/new/"' in html


def test_a_lapsed_letter_is_renewed(world: World, admin: Any) -> None:
    old = letter(world, valid_from=days_ago(400), valid_to=days_ago(30))
    attended(world, admin, on=days_ago(10))
    html = page(world).content.decode()
    assert 'id="todo-lmn_expired"' in html
    assert f'href="/letters/{old.pk}/renew/"' in html


def test_claim_checks_show_beside_the_answer(world: World, admin: Any) -> None:
    lmn = letter(world, valid_from=days_ago(90), valid_to=today() + dt.timedelta(days=9))
    lmn.signature_method = "electronic"
    lmn.save(update_fields=["signature_method"])
    FundingSource.objects.filter(pk=world.dana_fsa.pk).update(accepts_esignature=False)
    therapy = attended(world, admin, on=days_ago(10), code="97110", charge="95.00", paid="95.00")
    html = page(world).content.decode()
    row = re.search(rf'<tr id="session-{therapy.pk}".*?</tr>', html, re.S)
    assert row is not None and "CODE_NEEDS_LICENSE" in row.group(0)
    warnings = re.search(r'<section class="card warnings".*?</section>', html, re.S)
    assert warnings is not None
    assert "CODE_NEEDS_LICENSE" in warnings.group(0)
    assert "ESIGNATURE_REFUSED" in warnings.group(0)
    # Warnings never change the engine's amounts.
    assert "<strong>95.00</strong>" in row.group(0)


def test_the_chart_is_inline_svg_with_a_title_a_description_and_a_table(
    world: World, story: dict[str, Any]
) -> None:
    html = page(world).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert 'aria-labelledby="chart-title chart-desc"' in svg.group(0)
    assert '<title id="chart-title">' in svg.group(0)
    assert '<desc id="chart-desc">' in svg.group(0)
    assert svg.group(0).count('class="bar reimbursable"') >= 1
    assert "<script" not in html.split("<main", 1)[1]
    table = re.search(r'<table class="list chart-data">.*?</table>', html, re.S)
    assert table is not None
    month = days_ago(20).strftime("%b %Y")
    assert month in table.group(0)


def test_the_page_as_of_an_earlier_day(world: World, story: dict[str, Any]) -> None:
    html = page(world, query=f"?as_of={days_ago(15).isoformat()}").content.decode()
    # The session without a receipt was still ahead then.
    row = re.search(rf'<tr id="session-{story["no_receipt"].pk}".*?</tr>', html, re.S)
    assert row is not None and "Upcoming" in row.group(0)
    assert f'value="{days_ago(15).isoformat()}"' in html


def test_a_wrong_date_is_named_and_nothing_is_computed(world: World, story: Any) -> None:
    response = page(world, query="?as_of=2026-02-30")
    assert response.status_code == 400
    assert "As of: Enter a valid date." in response.content.decode()
    # ...and for a client one may not see, the answer is still 404.
    other = (
        world["trainer_not_assigned"]
        .http()
        .get(f"/clients/{world.dana.pk}/coverage/?as_of=2026-02-30")
    )
    assert other.status_code == 404


def test_every_view_is_in_the_audit_trail(world: World, story: Any) -> None:
    page(world, query=f"?as_of={days_ago(2).isoformat()}")
    event = AuditEvent.objects.filter(entity="coverage").get()
    assert (event.action, event.client_id, event.actor_id) == (
        "view",
        world.dana.pk,
        world["trainer_assigned"].user.pk,
    )
    assert days_ago(2).isoformat() in event.summary


def test_an_engine_failure_is_an_error_panel_not_a_crash(
    world: World, story: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fitclaim.coverage.selectors as selectors

    real = selectors.build_case

    def broken(**kwargs: Any) -> Any:
        build = real(**kwargs)
        build.case["sessions"][0]["trainer"] = "trn-999999"
        return build

    monkeypatch.setattr(selectors, "build_case", broken)
    response = page(world)
    assert response.status_code == 200
    html = response.content.decode()
    panel = re.search(r'<section class="card coverage-error" role="alert".*?</section>', html, re.S)
    assert panel is not None
    assert "sessions[0].trainer: unknown trainer" in panel.group(0)
    assert f"fitclaim case export {world.dana.pk}" in panel.group(0)


def test_the_client_sees_the_same_for_themself(world: World, story: dict[str, Any]) -> None:
    response = page(world, "client_self")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>85.00</strong>" in html
    upload = f"/clients/{world.dana.pk}/receipts/upload/?session={story['no_receipt'].pk}"
    assert f'href="{upload}"' in html  # clients upload their own receipts
    assert "/letters/new/" not in html
    assert "fitclaim case export" not in html


def test_a_client_with_nothing_yet(world: World) -> None:
    html = page(world, "admin").content.decode()
    assert "No attended or upcoming sessions" in html
    assert "Nothing to do" in html


def test_hsa_amounts_deferred_are_shown(world: World, admin: Any) -> None:
    from fitclaim.clients.models import Client

    letter(world, valid_from=days_ago(90), valid_to=today())
    FundingSource.objects.filter(pk=world.dana_fsa.pk).delete()
    hsa = FundingSource.objects.create(
        organization=world.riverbend,
        client=world.dana,
        kind=FundingKind.HSA,
        name="Health savings account",
        established=dt.date(2024, 1, 1),
        balance=Decimal("500.00"),
    )
    Client.objects.filter(pk=world.dana.pk).update(strategy="preserve_hsa")
    session = attended(world, admin, on=days_ago(10))
    html = page(world).content.decode()
    row = re.search(rf'<tr id="session-{session.pk}".*?</tr>', html, re.S)
    assert row is not None and "85.00 deferred" in row.group(0)
    assert "HSA deferred" in text_of(html) and hsa.engine_id == engine_ids.source_id(hsa.pk)
