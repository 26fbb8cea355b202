"""The cached coverage result: served again while nothing changed, never after
a change to any record the client's case is built from (coverage/signals.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fitclaim.coverage.models import CoverageChange
from fitclaim.coverage.selectors import coverage_json, coverage_version
from fitclaim.coverage.signals import coverage_changed

from .conftest import World, attended, days_ago, letter, tiny_png, today


def result(world: World, as_of: dt.date | None = None) -> dict[str, Any]:
    return orjson.loads(coverage_json(client=world.dana, as_of=as_of or today()))


@pytest.fixture
def dana(world: World, admin: Any) -> dict[str, Any]:
    lmn = letter(world, valid_from=days_ago(90), valid_to=today(), trainers=[world.sam])
    return {
        "lmn": lmn,
        "paid": attended(world, admin, on=days_ago(20)),
        "no_receipt": attended(world, admin, on=days_ago(13), receipt=False),
    }


def test_a_second_read_comes_from_the_cache(world: World, dana: dict[str, Any]) -> None:
    first = coverage_json(client=world.dana, as_of=today())
    with CaptureQueriesContext(connection) as captured:
        again = coverage_json(client=world.dana, as_of=today())
    assert again == first
    # Only the version is read: no session, letter or source.
    assert len(captured) == 1
    assert "coverage_coveragechange" in captured[0]["sql"]


def test_results_are_kept_per_day(world: World, dana: dict[str, Any]) -> None:
    assert result(world)["as_of"] == today().isoformat()
    assert result(world, days_ago(15))["as_of"] == days_ago(15).isoformat()


def test_marking_attendance_changes_the_answer(world: World, dana: Any, admin: Any) -> None:
    # session_mark writes with QuerySet.update(): the audit event is the signal.
    from fitclaim.training.models import SessionStatus
    from fitclaim.training.services import session_mark

    scheduled = attended(world, admin, on=days_ago(6), status=SessionStatus.SCHEDULED)
    before = result(world)
    assert len(before["sessions"]) == 2
    session_mark(by=admin, session=scheduled, status=SessionStatus.ATTENDED)
    assert len(result(world)["sessions"]) == 3


def test_uploading_a_receipt_changes_the_answer(world: World, dana: Any, admin: Any) -> None:
    from fitclaim.payments.services import receipt_upload

    assert [a["code"] for a in result(world)["actions"]] == ["RECEIPT_MISSING"]
    receipt_upload(
        by=admin,
        client=world.dana,
        name="r.png",
        content=tiny_png(),
        sessions=[dana["no_receipt"]],
    )
    assert result(world)["actions"] == []


def test_recording_a_payment_changes_the_answer(world: World, dana: Any, admin: Any) -> None:
    from fitclaim.payments.services import payment_record

    unpaid = attended(world, admin, on=days_ago(8), paid=None)
    assert result(world)["totals"]["paid"] == "170.00"
    payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="85.00",
        method="cash",
        applications=[(unpaid, "85.00")],
    )
    assert result(world)["totals"]["paid"] == "255.00"


def test_a_source_a_letter_and_the_preferences_change_the_answer(world: World, dana: Any) -> None:
    from fitclaim.clients.models import Client

    before = result(world)
    source = world.dana_fsa
    source.used = Decimal("1950.00")
    source.save()
    assert result(world)["remaining"] != before["remaining"]

    version = coverage_version(world.dana)
    dana["lmn"].authorized_trainers.set(
        [world.jo], through_defaults={"organization": world.riverbend}
    )
    assert coverage_version(world.dana) > version
    assert result(world)["sessions"][0]["lmn"] is None

    client = Client.objects.get(pk=world.dana.pk)
    client.strategy = "preserve_hsa"
    version = coverage_version(world.dana)
    client.save()
    assert coverage_version(world.dana) > version


def test_a_trainers_credential_changes_every_client_of_the_organization(
    world: World, dana: Any
) -> None:
    dana_version = coverage_version(world.dana)
    marcus_version = coverage_version(world.marcus)
    riley_version = coverage_version(world.riley)
    credential = world.sam.credentials.get()
    credential.expires = today() + dt.timedelta(days=1)
    credential.save()
    assert coverage_version(world.dana) == dana_version + 1
    assert coverage_version(world.marcus) == marcus_version + 1
    # ...but not another organization's clients.
    assert coverage_version(world.riley) == riley_version


def test_another_clients_change_leaves_this_one_cached(world: World, dana: Any, admin: Any) -> None:
    version = coverage_version(world.dana)
    attended(world, admin, on=days_ago(3), client=world.marcus, trainer=world.jo)
    assert coverage_version(world.dana) == version


def test_reading_changes_nothing(world: World, dana: Any) -> None:
    version = coverage_version(world.dana)
    response = world["admin"].http().get(f"/clients/{world.dana.pk}/coverage/")
    assert response.status_code == 200
    assert coverage_version(world.dana) == version


def test_a_write_that_sends_no_signal_says_so_explicitly(world: World, dana: Any) -> None:
    from fitclaim.training.models import TrainingSession

    before = result(world)
    TrainingSession.objects.filter(pk=dana["no_receipt"].pk).update(charge=Decimal("90.00"))
    assert result(world) == before  # stale: nothing told the cache
    coverage_changed(organization_id=world.riverbend.pk, client_id=world.dana.pk)
    assert result(world) != before


def test_the_version_counts_the_clients_and_the_organizations_changes(
    world: World, dana: Any
) -> None:
    from fitclaim.coverage.selectors import coverage_versions

    versions = coverage_versions(
        organization_id=world.riverbend.pk, client_ids=[world.dana.pk, world.marcus.pk]
    )
    assert versions == {
        world.dana.pk: coverage_version(world.dana),
        world.marcus.pk: coverage_version(world.marcus),
    }


def test_changes_are_appended_never_updated(world: World, dana: Any) -> None:
    rows = CoverageChange.objects.filter(client_id=world.dana.pk).count()
    assert rows >= 3  # the letter, the sessions, the payments...
    assert (
        coverage_version(world.dana)
        == rows
        + CoverageChange.objects.filter(
            organization_id=world.riverbend.pk, client_id__isnull=True
        ).count()
    )


def test_the_api_serves_a_fresh_answer_after_a_change(world: World, dana: Any, admin: Any) -> None:
    from fitclaim.payments.services import receipt_upload

    http = world["billing"].http()
    url = f"/api/v1/clients/{world.dana.pk}/coverage"
    assert [a["code"] for a in http.get(url).json()["actions"]] == ["RECEIPT_MISSING"]
    receipt_upload(
        by=admin, client=world.dana, name="r.png", content=tiny_png(), sessions=[dana["no_receipt"]]
    )
    assert http.get(url).json()["actions"] == []
