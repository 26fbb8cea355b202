"""Who may open which session, payment and receipt, on the pages and through the
API. Another organization's record, a client the trainer is not assigned to, or
another portal client's record answers 404; without signing in, the pages send
to sign in and the API answers 401."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from fitclaim.payments.models import Payment
from fitclaim.payments.services import payment_record, receipt_upload
from fitclaim.training.models import SessionStatus, TrainingSession
from tests.records.test_access_pages import EDIT_CLIENT, NOT_FOUND, OK, READ_CLIENT, SIGN_IN, expect

from .conftest import World, days_ago, make_session, tiny_png, today

UPLOAD = expect(
    admin=OK,
    billing=OK,
    trainer_assigned=OK,
    trainer_not_assigned=NOT_FOUND,
    client_self=OK,
    another_client=NOT_FOUND,
    other_org_admin=NOT_FOUND,
    anonymous=SIGN_IN,
)
STAFF_ONLY = expect(
    admin=OK,
    billing=OK,
    trainer_assigned=OK,
    trainer_not_assigned=OK,
    client_self=NOT_FOUND,
    another_client=NOT_FOUND,
    other_org_admin=OK,
    anonymous=SIGN_IN,
)


@pytest.fixture
def records(world: World) -> dict[str, Any]:
    admin = world["admin"].actor()
    session = make_session(world, on=days_ago(3))
    payment = payment_record(
        by=admin,
        client=world.dana,
        received_on=today(),
        amount="85.00",
        method="card",
        applications=[(session, "85.00")],
    )
    upload = receipt_upload(
        by=admin, client=world.dana, name="r.png", content=tiny_png(), sessions=[session]
    )
    return {"session": session, "payment": payment, "upload": upload, "client": world.dana}


def get(world: World, persona: str, url: str) -> int:
    response = world[persona].http().get(url)
    if response.status_code == SIGN_IN:
        assert response["Location"].startswith(reverse("login"))
    return response.status_code


READ_PAGES = [
    "/clients/{client}/sessions/",
    "/sessions/{session}/",
    "/clients/{client}/payments/",
    "/payments/{payment}/",
    "/payments/{payment}/receipt.pdf",
    "/clients/{client}/receipt.pdf?from=2020-01-01&to=2030-12-31",
    "/clients/{client}/superbill.pdf?from=2020-01-01&to=2030-12-31",
    "/receipts/uploaded/{upload}/",
]
EDIT_PAGES = [
    "/clients/{client}/sessions/new/",
    "/clients/{client}/sessions/schedule/",
    "/sessions/{session}/edit/",
    "/clients/{client}/payments/new/",
    "/clients/{client}/packages/new/",
]


def url_for(template: str, records: dict[str, Any]) -> str:
    return template.format(**{key: value.pk for key, value in records.items()})


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize(("persona", "status"), READ_CLIENT)
def test_read_pages(
    world: World, records: dict[str, Any], page: str, persona: str, status: int
) -> None:
    assert get(world, persona, url_for(page, records)) == status


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_edit_pages(
    world: World, records: dict[str, Any], page: str, persona: str, status: int
) -> None:
    assert get(world, persona, url_for(page, records)) == status


@pytest.mark.parametrize(("persona", "status"), UPLOAD)
def test_upload_page(world: World, records: dict[str, Any], persona: str, status: int) -> None:
    assert get(world, persona, f"/clients/{world.dana.pk}/receipts/upload/") == status


@pytest.mark.parametrize(("persona", "status"), STAFF_ONLY)
def test_the_day_view_shows_only_visible_sessions(
    world: World, records: dict[str, Any], persona: str, status: int
) -> None:
    session = records["session"]
    response = world[persona].http().get(f"/sessions/day/?date={session.date}")
    assert response.status_code == status
    if status == OK:
        sees_dana = persona in ("admin", "billing", "trainer_assigned")
        assert ("Dana Reyes" in response.content.decode()) is sees_dana


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_marking_attendance(
    world: World, records: dict[str, Any], persona: str, status: int
) -> None:
    session = records["session"]
    response = world[persona].http().post(f"/sessions/{session.pk}/mark/", {"status": "no_show"})
    expected = 302 if status == OK else status
    assert response.status_code == expected
    marked = TrainingSession.objects.get(pk=session.pk).status
    assert (marked == SessionStatus.NO_SHOW) is (status == OK)


# --------------------------------------------------------------------- the API


def api(status: int) -> int:
    return 401 if status == SIGN_IN else status


def call(world: World, persona: str, method: str, url: str, body: Any = None) -> Any:
    http = world[persona].http()
    kwargs = (
        {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    )
    return getattr(http, method)(url, **kwargs)


API_READS = [
    "/api/v1/clients/{client}/sessions",
    "/api/v1/sessions/{session}",
    "/api/v1/clients/{client}/payments",
    "/api/v1/payments/{payment}",
    "/api/v1/payments/{payment}/receipt.pdf",
    "/api/v1/clients/{client}/superbill.pdf?date_from=2020-01-01&date_to=2030-12-31",
    "/api/v1/clients/{client}/uploaded-receipts",
    "/api/v1/uploaded-receipts/{upload}/file",
]


@pytest.mark.parametrize("path", API_READS)
@pytest.mark.parametrize(("persona", "status"), READ_CLIENT)
def test_api_reads(
    world: World, records: dict[str, Any], path: str, persona: str, status: int
) -> None:
    response = call(world, persona, "get", url_for(path, records))
    assert response.status_code == api(status)
    if status == NOT_FOUND:
        assert response.json() == {"detail": "Not found"}


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_api_log_a_session(
    world: World, records: dict[str, Any], persona: str, status: int
) -> None:
    body = {
        "trainer_id": world.sam.pk,
        "date": str(days_ago(1)),
        "code": "S9451",
        "charge": "85.00",
    }
    response = call(world, persona, "post", f"/api/v1/clients/{world.dana.pk}/sessions", body)
    assert response.status_code == (201 if status == OK else api(status))
    assert TrainingSession.objects.count() == (2 if status == OK else 1)


@pytest.mark.parametrize(("persona", "status"), EDIT_CLIENT)
def test_api_record_a_payment(
    world: World, records: dict[str, Any], persona: str, status: int
) -> None:
    body = {"received_on": str(today()), "amount": "20.00", "method": "cash"}
    response = call(world, persona, "post", f"/api/v1/clients/{world.dana.pk}/payments", body)
    assert response.status_code == (201 if status == OK else api(status))
    assert Payment.objects.count() == (2 if status == OK else 1)
