"""The sessions and payments API: money as strings, problems named by field,
claim-check warnings, schedules, attendance, packages and CSV import."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from fitclaim.training.models import SessionStatus, TrainingSession

from .conftest import World, days_ago, make_session, pdf_text, tiny_png, today


def post(http: Any, url: str, body: Any) -> Any:
    return http.post(url, data=json.dumps(body), content_type="application/json")


def test_log_a_session_returns_money_as_text_and_the_license_warning(world: World) -> None:
    http = world["trainer_assigned"].http()
    body = {
        "trainer_id": world.sam.pk,
        "date": str(days_ago(1)),
        "start_time": "07:00",
        "minutes": 45,
        "code": "97110",
        "charge": "120.00",
    }
    response = post(http, f"/api/v1/clients/{world.dana.pk}/sessions", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["charge"] == "120.00" and data["paid"] == "0.00" and data["units"] == 3
    assert data["status"] == "attended" and data["receipted"] is False
    assert [w["code"] for w in data["warnings"]] == ["CODE_NEEDS_LICENSE"]


def test_a_float_charge_and_an_unknown_code_are_named(world: World) -> None:
    http = world["admin"].http()
    body = {"trainer_id": world.sam.pk, "date": str(days_ago(1)), "code": "S9451", "charge": 85.5}
    response = post(http, f"/api/v1/clients/{world.dana.pk}/sessions", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["charge"]
    body = {"trainer_id": world.sam.pk, "date": str(days_ago(1)), "code": "X1", "charge": "85"}
    response = post(http, f"/api/v1/clients/{world.dana.pk}/sessions", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["code"]
    assert not TrainingSession.objects.exists()


def test_schedule_then_mark_then_pay_with_a_package(world: World) -> None:
    http = world["trainer_assigned"].http()
    starts = days_ago(14)
    response = post(
        http,
        f"/api/v1/clients/{world.dana.pk}/schedules",
        {
            "trainer_id": world.sam.pk,
            "starts_on": str(starts),
            "weekdays": [starts.isoweekday()],
            "start_time": "07:00",
            "weeks": 4,
            "charge": "85.00",
        },
    )
    assert response.status_code == 201, response.content
    ids = response.json()["sessions"]
    assert len(ids) == 4 and response.json()["first"] == str(starts)
    package = post(
        http,
        f"/api/v1/clients/{world.dana.pk}/packages",
        {"purchased_on": str(starts), "sessions_count": 10, "price": "800.00", "method": "card"},
    )
    assert package.status_code == 201, package.content
    assert package.json()["share"] == "80.00" and package.json()["used"] == 0
    marked = post(http, f"/api/v1/sessions/{ids[0]}/status", {"status": "attended"})
    assert marked.status_code == 200
    assert marked.json()["paid"] == "80.00" and marked.json()["charge"] == "80.00"
    refused = post(http, f"/api/v1/sessions/{ids[-1]}/status", {"status": "attended"})
    if dt.date.fromisoformat(response.json()["last"]) > today():
        assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "status"
    packages = http.get(f"/api/v1/clients/{world.dana.pk}/packages").json()
    assert packages[0]["used"] == 1 and packages[0]["held"] == "720.00"


def test_payments_over_a_charge_are_refused_by_field(world: World) -> None:
    session = make_session(world)
    http = world["billing"].http()
    response = post(
        http,
        f"/api/v1/clients/{world.dana.pk}/payments",
        {
            "received_on": str(today()),
            "amount": "100.00",
            "method": "card",
            "applications": [{"session_id": session.pk, "amount": "90.00"}],
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "applications"
    ok = post(
        http,
        f"/api/v1/clients/{world.dana.pk}/payments",
        {
            "received_on": str(today()),
            "amount": "100.00",
            "method": "card",
            "applications": [{"session_id": session.pk, "amount": "85.00"}],
        },
    )
    assert ok.status_code == 201
    assert ok.json()["applied"] == "85.00" and ok.json()["applications"][0]["amount"] == "85.00"
    receipt = http.get(f"/api/v1/payments/{ok.json()['id']}/receipt.pdf")
    assert receipt.status_code == 200 and "Dana Reyes" in pdf_text(receipt.content)
    sessions = http.get(f"/api/v1/clients/{world.dana.pk}/sessions").json()["items"]
    assert sessions[0]["paid"] == "85.00" and sessions[0]["receipted"] is True


def test_upload_a_receipt_through_the_api(world: World) -> None:
    session = make_session(world)
    http = world["client_self"].http()
    response = http.post(
        f"/api/v1/clients/{world.dana.pk}/uploaded-receipts",
        {"file": SimpleUploadedFile("r.png", tiny_png(), "image/png"), "session_ids": [session.pk]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["session_ids"] == [session.pk]
    assert response.json()["content_type"] == "image/png"
    bad = http.post(
        f"/api/v1/clients/{world.dana.pk}/uploaded-receipts",
        {
            "file": SimpleUploadedFile("r.pdf", b"hello", "application/pdf"),
            "session_ids": [session.pk],
        },
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "file"


def test_import_through_the_api(world: World) -> None:
    http = world["admin"].http()
    content = (
        f"date,client,trainer,code,charge\n{days_ago(1)},{world.dana.pk},Sam Ortiz,S9451,abc\n"
    )
    response = http.post(
        "/api/v1/sessions/import",
        {"file": SimpleUploadedFile("s.csv", content.encode(), "text/csv"), "dry_run": "true"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["errors"] == [
        {"line": 2, "column": "charge", "message": "not an amount: 'abc'"}
    ]
    good = content.replace("abc", "85.00")
    response = http.post(
        "/api/v1/sessions/import", {"file": SimpleUploadedFile("s.csv", good.encode(), "text/csv")}
    )
    assert response.json()["committed"] is True and response.json()["created"] == 1
    assert TrainingSession.objects.get().status == SessionStatus.ATTENDED


def test_the_service_code_catalog(world: World) -> None:
    codes = world["trainer_assigned"].http().get("/api/v1/service-codes").json()
    by_code = {c["code"]: c for c in codes}
    assert by_code["97110"]["needs_license"] is True and by_code["S9451"]["needs_license"] is False


def test_the_openapi_schema_documents_every_operation(world: World) -> None:
    schema = world["admin"].http().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/service-codes",
        "/api/v1/clients/{client_id}/sessions",
        "/api/v1/clients/{client_id}/schedules",
        "/api/v1/sessions/day",
        "/api/v1/sessions/import",
        "/api/v1/sessions/{session_id}",
        "/api/v1/sessions/{session_id}/status",
        "/api/v1/clients/{client_id}/payments",
        "/api/v1/payments/{payment_id}",
        "/api/v1/payments/{payment_id}/applications",
        "/api/v1/payments/{payment_id}/receipt.pdf",
        "/api/v1/clients/{client_id}/packages",
        "/api/v1/clients/{client_id}/receipt.pdf",
        "/api/v1/clients/{client_id}/superbill.pdf",
        "/api/v1/clients/{client_id}/uploaded-receipts",
        "/api/v1/uploaded-receipts/{upload_id}/file",
    ):
        assert path in paths, path
