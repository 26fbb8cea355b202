"""The claims API: build (with a preview first), read, the lifecycle with an
idempotent submit, answers, appeals, documents and X12 files; money as text,
problems named by field, other organizations' claims not found."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from fitclaim.audit.models import AuditEvent
from fitclaim.claims.models import Claim, IdempotencyKey

from .conftest import Money, days_ago, today
from .x12_helpers import ClpAnswer, SvcAnswer, write_835


def post(http: Any, url: str, body: Any, **headers: str) -> Any:
    return http.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def test_preview_then_build_by_range(two_paid: Money) -> None:
    http = two_paid.w["billing"].http()
    base = f"/api/v1/clients/{two_paid.dana.pk}/claims"
    preview = http.get(
        f"{base}/preview", {"source_id": two_paid.fsa.pk, "date_from": days_ago(15).isoformat()}
    ).json()
    assert preview["total"] == "85.00"
    assert preview["claim_by"] == (two_paid.fsa.period_end + dt.timedelta(days=90)).isoformat()
    assert [s["engine_amount"] for s in preview["sessions"]] == ["85.00", "85.00"]
    response = post(
        http, base, {"source_id": two_paid.fsa.pk, "date_from": days_ago(15).isoformat()}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == f"FC{data['id']:06d}" and data["status"] == "draft"
    assert data["total"] == "85.00" and data["lines"][0]["amount"] == "85.00"
    assert data["lines"][0]["status"] == "pending"
    assert [c["number"] for c in http.get(base).json()] == [data["number"]]


def test_problems_are_named_by_field(two_paid: Money) -> None:
    http = two_paid.w["admin"].http()
    base = f"/api/v1/clients/{two_paid.dana.pk}/claims"
    response = post(http, base, {"source_id": two_paid.fsa.pk, "session_ids": [999999]})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "session_ids" and "not payable" in error["msg"]
    response = post(http, base, {"source_id": two_paid.fsa.pk, "sesion_ids": []})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "sesion_ids"
    response = post(http, base, {"source_id": 987654})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "source"
    assert not Claim.objects.exists()


def test_submit_with_an_idempotency_key_submits_once(two_paid: Money) -> None:
    http = two_paid.w["admin"].http()
    claim = two_paid.build(two_paid.fsa)
    assert post(http, f"/api/v1/claims/{claim.pk}/ready", {}).json()["status"] == "ready"
    body = {"submitted_on": today().isoformat(), "channel": "portal", "reference": "WW-1"}
    first = post(http, f"/api/v1/claims/{claim.pk}/submit", body, **{"Idempotency-Key": "k-123"})
    again = post(http, f"/api/v1/claims/{claim.pk}/submit", body, **{"Idempotency-Key": "k-123"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["status"] == "submitted"
    submissions = AuditEvent.objects.filter(
        entity="claim", entity_id=str(claim.pk), summary__startswith="submitted"
    )
    assert submissions.count() == 1 and IdempotencyKey.objects.count() == 1
    # Without the key, a second submit is a new request, and the lifecycle refuses it.
    refused = post(http, f"/api/v1/claims/{claim.pk}/submit", body)
    assert refused.status_code == 422
    # The same key for a different request is refused, not replayed.
    other = dict(body, reference="WW-2")
    reused = post(http, f"/api/v1/claims/{claim.pk}/submit", other, **{"Idempotency-Key": "k-123"})
    assert reused.status_code == 422
    assert reused.json()["detail"][0]["field"] == "Idempotency-Key"


def test_a_failed_submit_stores_nothing_under_its_key(two_paid: Money) -> None:
    http = two_paid.w["admin"].http()
    claim = two_paid.build(two_paid.fsa)
    body = {"submitted_on": today().isoformat(), "channel": "portal"}
    failed = post(http, f"/api/v1/claims/{claim.pk}/submit", body, **{"Idempotency-Key": "k-9"})
    assert failed.status_code == 422 and not IdempotencyKey.objects.exists()
    post(http, f"/api/v1/claims/{claim.pk}/ready", {})
    retried = post(http, f"/api/v1/claims/{claim.pk}/submit", body, **{"Idempotency-Key": "k-9"})
    assert retried.status_code == 200 and retried.json()["status"] == "submitted"


def test_answers_checks_appeals_and_documents(two_paid: Money) -> None:
    http = two_paid.w["admin"].http()
    claim = two_paid.build(two_paid.fsa)
    assert http.get(f"/api/v1/claims/{claim.pk}/checks").json() == []
    post(http, f"/api/v1/claims/{claim.pk}/ready", {})
    post(
        http,
        f"/api/v1/claims/{claim.pk}/submit",
        {"submitted_on": today().isoformat(), "channel": "mail"},
    )
    lines = http.get(f"/api/v1/claims/{claim.pk}").json()["lines"]
    response = post(
        http,
        f"/api/v1/claims/{claim.pk}/answers",
        {
            "received_on": today().isoformat(),
            "reference": "CHK 4",
            "lines": [
                {"line_id": lines[0]["id"], "paid": "85.00"},
                {
                    "line_id": lines[1]["id"],
                    "paid": "0.00",
                    "adjustments": [{"group": "CO", "reason": "96", "amount": "85.00"}],
                    "remarks": ["N130"],
                },
            ],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "partially_paid" and data["paid"] == "85.00"
    denied = data["lines"][1]
    assert denied["adjustments"][0]["engine_reasons"] == [
        "SOURCE_EXCLUDES_TRAINING",
        "SERVICE_NOT_COVERED",
    ]
    assert denied["remarks"] == ["N130"]
    appeal = post(http, f"/api/v1/claims/{claim.pk}/appeals", {"line_id": denied["id"]})
    assert appeal.status_code == 201 and appeal.json()["reason"] == "96"
    appeal_id = appeal.json()["id"]
    pdf = http.get(f"/api/v1/claims/{claim.pk}/appeals/{appeal_id}/letter.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    sent = post(
        http,
        f"/api/v1/claims/{claim.pk}/appeals/{appeal_id}/send",
        {"sent_on": today().isoformat()},
    )
    assert sent.json()["sent_on"] == today().isoformat()
    assert http.get(f"/api/v1/claims/{claim.pk}").json()["status"] == "appealed"
    packet = http.get(f"/api/v1/claims/{claim.pk}/packet.pdf")
    assert packet.status_code == 200 and packet.content.startswith(b"%PDF")


def test_an_835_upload_posts_or_reports(two_paid: Money) -> None:
    plan = two_paid.insurance()
    first, _ = two_paid.sessions
    claim = two_paid.submitted(plan, session_ids=[first.pk])
    (line,) = claim.lines.all()
    text = write_835(
        [
            ClpAnswer(
                claim_id=claim.number,
                status="1",
                charge=line.charge,
                paid=line.amount,
                services=[SvcAnswer("S9451", line.charge, line.amount, line.date, line.control)],
            )
        ],
        paid_on=today(),
    )
    http = two_paid.w["billing"].http()
    check = http.post(
        "/api/v1/x12/835",
        {"file": SimpleUploadedFile("era.835", text.encode()), "dry_run": "true"},
    )
    assert check.status_code == 200 and check.json()["posted"] is False
    posted = http.post("/api/v1/x12/835", {"file": SimpleUploadedFile("era.835", text.encode())})
    assert posted.status_code == 200 and posted.json()["posted"] is True
    again = http.post("/api/v1/x12/835", {"file": SimpleUploadedFile("era.835", text.encode())})
    assert again.status_code == 422 and "already imported" in again.json()["problems"][0]


def test_an_837p_through_the_api(two_paid: Money) -> None:
    plan = two_paid.insurance()
    claim = two_paid.build(plan, payer_id="ACME1")
    http = two_paid.w["admin"].http()
    post(http, f"/api/v1/claims/{claim.pk}/ready", {})
    response = post(http, "/api/v1/x12/837", {"claim_ids": [claim.pk], "usage": "T"})
    assert response.status_code == 200
    assert f"CLM*{claim.number}*" in response.content.decode()
    assert post(http, "/api/v1/x12/837", {"claim_ids": []}).status_code == 422


def test_other_organizations_and_the_portal(two_paid: Money) -> None:
    claim = two_paid.build(two_paid.fsa)
    outsider = two_paid.w["other_org_admin"].http()
    assert outsider.get(f"/api/v1/claims/{claim.pk}").status_code == 404
    assert outsider.get("/api/v1/claims").json() == []
    portal = two_paid.w["client_self"].http()
    assert portal.get(f"/api/v1/claims/{claim.pk}").json()["number"] == claim.number
    assert post(portal, f"/api/v1/claims/{claim.pk}/withdraw", {}).status_code == 404
    assert post(portal, "/api/v1/x12/837", {"claim_ids": [claim.pk]}).status_code == 404


def test_reports_and_the_statement(two_paid: Money) -> None:
    claim = two_paid.submitted(two_paid.fsa)
    from fitclaim.claims.services import claim_record_answer

    claim_record_answer(by=two_paid.admin, claim=claim, received_on=today())
    http = two_paid.w["admin"].http()
    aging = http.get("/api/v1/reports/claims-aging").json()
    assert aging == [
        {"status": "paid", "claims": 1, "asked": "170.00", "by_days_since_submission": {}}
    ]
    reimbursed = http.get("/api/v1/reports/reimbursed").json()
    assert reimbursed[0]["paid"] == "170.00" and reimbursed[0]["kind"] == "fsa"
    statement = http.get(f"/api/v1/clients/{two_paid.dana.pk}/statements/{today().year}").json()
    assert statement["paid"] == "170.00" and statement["out_of_pocket"] == "0.00"
    assert statement["reimbursed"] == {"Employer FSA": "170.00"}
