"""Entries for the access matrix (tests/test_access_matrix.py) covering the
sessions, payments and receipts pages and API operations.

That module is not ours to edit; it wires these in with:

    from tests.training.access_matrix import matrix_entries

    _pages, _api, _arguments = matrix_entries(
        rule, client_read=CLIENT_READ, client_write=CLIENT_WRITE,
        org_lists=ORG_LISTS, signed_in=SIGNED_IN,
    )
    PAGE_RULES.update(_pages)
    API_RULES.update(_api)
    ARGUMENTS.update(_arguments)

(after ARGUMENTS is defined). The record under test is Dana's (see the world
fixture): a session, a payment applied to it and an uploaded receipt, made on
first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tests.records.conftest import World


def matrix_entries(
    rule: Callable[..., Any],
    *,
    client_read: set[str],
    client_write: set[str],
    org_lists: set[str],
    signed_in: set[str],
) -> tuple[dict[str, Any], dict[tuple[str, str], Any], dict[str, Callable[[World, str], Any]]]:
    pages = {
        "training:client_sessions": rule(client_read),
        "training:create": rule(client_write),
        "training:schedule": rule(client_write),
        "training:day": rule(org_lists),
        "training:import": rule(org_lists),
        "training:detail": rule(client_read),
        "training:edit": rule(client_write),
        "training:mark": rule(client_write, "post"),
        "payments:client_payments": rule(client_read),
        "payments:create": rule(client_write),
        "payments:package_create": rule(client_write),
        "payments:client_receipt": rule(client_read),
        "payments:superbill": rule(client_read),
        "payments:receipt_upload": rule(client_write | {"client_self"}),
        "payments:detail": rule(client_read),
        "payments:receipt": rule(client_read),
        "payments:uploaded_receipt": rule(client_read),
    }
    api = {
        ("get", "/api/v1/service-codes"): rule(signed_in),
        ("get", "/api/v1/clients/{client_id}/sessions"): rule(client_read),
        ("post", "/api/v1/clients/{client_id}/sessions"): rule(
            client_write,
            body={"trainer_id": 1, "date": "2026-01-06", "code": "S9451", "charge": "85.00"},
        ),
        ("post", "/api/v1/clients/{client_id}/schedules"): rule(
            client_write,
            body={
                "trainer_id": 1,
                "starts_on": "2026-01-05",
                "weekdays": [2, 4],
                "start_time": "07:00",
                "weeks": 2,
                "charge": "85.00",
            },
        ),
        ("get", "/api/v1/sessions/day"): rule(org_lists),
        ("post", "/api/v1/sessions/import"): rule(org_lists),
        ("get", "/api/v1/sessions/{session_id}"): rule(client_read),
        ("patch", "/api/v1/sessions/{session_id}"): rule(client_write, body={"notes": "ok"}),
        ("post", "/api/v1/sessions/{session_id}/status"): rule(
            client_write, body={"status": "no_show"}
        ),
        ("get", "/api/v1/clients/{client_id}/payments"): rule(client_read),
        ("post", "/api/v1/clients/{client_id}/payments"): rule(
            client_write, body={"received_on": "2026-01-06", "amount": "20.00", "method": "cash"}
        ),
        ("get", "/api/v1/payments/{payment_id}"): rule(client_read),
        ("post", "/api/v1/payments/{payment_id}/applications"): rule(
            client_write, body={"applications": []}
        ),
        ("get", "/api/v1/payments/{payment_id}/receipt.pdf"): rule(client_read),
        ("get", "/api/v1/clients/{client_id}/packages"): rule(client_read),
        ("post", "/api/v1/clients/{client_id}/packages"): rule(
            client_write,
            body={
                "purchased_on": "2026-01-06",
                "sessions_count": 10,
                "price": "800.00",
                "method": "card",
            },
        ),
        ("get", "/api/v1/clients/{client_id}/receipt.pdf"): rule(client_read),
        ("get", "/api/v1/clients/{client_id}/superbill.pdf"): rule(client_read),
        ("get", "/api/v1/clients/{client_id}/uploaded-receipts"): rule(client_read),
        ("post", "/api/v1/clients/{client_id}/uploaded-receipts"): rule(
            client_write | {"client_self"}
        ),
        ("get", "/api/v1/uploaded-receipts/{upload_id}/file"): rule(client_read),
    }
    arguments = {
        "session_id": _dana_session,
        "payment_id": _dana_payment,
        "upload_id": _dana_upload,
    }
    return pages, api, arguments


def _dana_session(w: World, persona: str) -> int:
    from decimal import Decimal

    from fitclaim.training.models import TrainingSession

    session = TrainingSession.objects.filter(client=w.dana).order_by("pk").first()
    if session is None:
        session = TrainingSession.objects.create(
            organization=w.riverbend,
            client=w.dana,
            trainer=w.sam,
            date=dt.date(2026, 1, 6),
            code="S9451",
            charge=Decimal("85.00"),
            status="attended",
        )
    return session.pk


def _dana_payment(w: World, persona: str) -> int:
    from fitclaim.payments.models import Payment
    from fitclaim.payments.services import payment_record

    payment = Payment.objects.filter(client=w.dana).order_by("pk").first()
    if payment is None:
        payment = payment_record(
            by=w["admin"].actor(),
            client=w.dana,
            received_on=dt.date(2026, 1, 6),
            amount="85.00",
            method="card",
            applications=[(_dana_session(w, persona), "85.00")],
        )
    return payment.pk


def _dana_upload(w: World, persona: str) -> int:
    import io

    from PIL import Image

    from fitclaim.payments.models import UploadedReceipt
    from fitclaim.payments.services import receipt_upload

    upload = UploadedReceipt.objects.filter(client=w.dana).order_by("pk").first()
    if upload is None:
        png = io.BytesIO()
        Image.new("RGB", (8, 8), "white").save(png, format="PNG")
        upload = receipt_upload(
            by=w["admin"].actor(),
            client=w.dana,
            name="r.png",
            content=png.getvalue(),
            sessions=[_dana_session(w, persona)],
        )
    return upload.pk
