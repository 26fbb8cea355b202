"""/api/v1: payments, prepaid packages, receipts and superbills, uploaded receipts.

Money goes in and comes out as a string with two decimals ("85.00").
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.clients.selectors import access_client
from fitclaim.payments.models import Package, Payment, UploadedReceipt
from fitclaim.payments.selectors import (
    access_payment,
    access_uploaded_receipt,
    client_packages,
    client_payments,
    client_uploaded_receipts,
    package_summary,
    receipt_pdf,
    superbill_pdf,
)
from fitclaim.payments.services import (
    may_upload_receipts,
    package_purchase,
    payment_apply,
    payment_record,
    receipt_issue_for_payment,
    receipt_issue_for_range,
    receipt_upload,
    uploaded_receipt_read,
)
from fitclaim.web.responses import document_response

router = Router(tags=["payments"])

MONEY_PATTERN = r"^(0|[1-9][0-9]{0,7})(\.[0-9]{1,2})?$"
Money = Annotated[str, Field(pattern=MONEY_PATTERN, examples=["80.00"])]


class ApplicationIn(Schema):
    model_config = STRICT

    session_id: int
    amount: Money


class ApplicationOut(Schema):
    session_id: int
    date: dt.date
    amount: str
    applied_on: dt.date


class PaymentIn(Schema):
    model_config = STRICT

    received_on: dt.date
    amount: Money
    method: str = Field(description="card, cash, check, bank_transfer, hsa_fsa_card or other")
    reference: str = ""
    notes: str = ""
    applications: list[ApplicationIn] = Field(
        default_factory=list, description="attended sessions this payment pays, and how much"
    )


class ApplicationsIn(Schema):
    model_config = STRICT

    applications: list[ApplicationIn]


class PaymentOut(Schema):
    id: int
    client_id: int
    received_on: dt.date
    amount: str
    applied: str
    method: str
    reference: str
    notes: str
    package_id: int | None
    applications: list[ApplicationOut]

    @staticmethod
    def resolve_amount(payment: Payment) -> str:
        return str(payment.amount)

    @staticmethod
    def resolve_applied(payment: Payment) -> str:
        return str(payment.applied_total)

    @staticmethod
    def resolve_package_id(payment: Payment) -> int | None:
        package = getattr(payment, "package", None)
        return package.pk if package else None

    @staticmethod
    def resolve_applications(payment: Payment) -> list[dict[str, Any]]:
        return [
            {
                "session_id": a.session_id,
                "date": a.session.date,
                "amount": str(a.amount),
                "applied_on": a.applied_on,
            }
            for a in payment.allocations.all()
        ]


class PackageIn(Schema):
    model_config = STRICT

    purchased_on: dt.date
    sessions_count: int = Field(ge=1, le=200, examples=[10])
    price: Money
    method: str
    reference: str = ""
    name: str = ""


class PackageOut(Schema):
    id: int
    payment_id: int
    name: str
    purchased_on: dt.date
    sessions_count: int
    price: str
    share: str = Field(description="each session's share; the last one takes the remainder")
    used: int = Field(description="attended sessions paid from it")
    held: str = Field(description="money not yet applied: not an expense until attended")


class UploadedReceiptOut(Schema):
    id: int
    file_name: str
    content_type: str
    size: int
    description: str
    session_ids: list[int]
    created_at: dt.datetime

    @staticmethod
    def resolve_file_name(receipt: UploadedReceipt) -> str:
        return receipt.file.original_name

    @staticmethod
    def resolve_content_type(receipt: UploadedReceipt) -> str:
        return receipt.file.content_type

    @staticmethod
    def resolve_size(receipt: UploadedReceipt) -> int:
        return receipt.file.size

    @staticmethod
    def resolve_session_ids(receipt: UploadedReceipt) -> list[int]:
        return [s.pk for s in receipt.sessions.all()]


def _package_out(package: Package) -> dict[str, Any]:
    summary = package_summary(package)
    return {
        "id": package.pk,
        "payment_id": package.payment_id,
        "name": package.name,
        "purchased_on": package.payment.received_on,
        "sessions_count": package.sessions_count,
        "price": str(package.price),
        "share": str(summary["share"]),
        "used": summary["used"],
        "held": str(summary["held"]),
    }


def _payment(payment_id: int) -> Payment:
    return (
        Payment.objects.select_related("package")
        .prefetch_related("allocations__session")
        .get(pk=payment_id)
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return document_response(content, filename, inline=True)


@router.get(
    "/clients/{int:client_id}/payments", response=list[PaymentOut], summary="A client's payments"
)
def client_payments_api(request: HttpRequest, client_id: int) -> list[Payment]:
    client = access_client(api_actor(request), client_id)
    return list(client_payments(client=client))


@router.post(
    "/clients/{int:client_id}/payments",
    response={201: PaymentOut},
    summary="Record a payment, applied to attended sessions (never above a session's charge)",
)
def payment_record_api(request: HttpRequest, client_id: int, payload: PaymentIn) -> Status[Payment]:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    with field_errors():
        payment = payment_record(
            by=actor,
            client=client,
            received_on=payload.received_on,
            amount=payload.amount,
            method=payload.method,
            reference=payload.reference,
            notes=payload.notes,
            applications=[(a.session_id, a.amount) for a in payload.applications],
        )
    return Status(201, _payment(payment.pk))


@router.get("/payments/{int:payment_id}", response=PaymentOut, summary="A payment")
def payment_detail_api(request: HttpRequest, payment_id: int) -> Payment:
    payment = access_payment(api_actor(request), payment_id)
    return _payment(payment.pk)


@router.post(
    "/payments/{int:payment_id}/applications",
    response=PaymentOut,
    summary="Apply what is left of a payment to attended sessions",
)
def payment_apply_api(request: HttpRequest, payment_id: int, payload: ApplicationsIn) -> Payment:
    actor = api_actor(request)
    payment = access_payment(actor, payment_id, write=True)
    with field_errors():
        payment_apply(
            by=actor,
            payment=payment,
            applications=[(a.session_id, a.amount) for a in payload.applications],
        )
    return _payment(payment.pk)


@router.get(
    "/clients/{int:client_id}/packages", response=list[PackageOut], summary="A client's packages"
)
def client_packages_api(request: HttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = access_client(api_actor(request), client_id)
    return [_package_out(p) for p in client_packages(client=client)]


@router.post(
    "/clients/{int:client_id}/packages",
    response={201: PackageOut},
    summary="Sell a prepaid package: held, and applied to sessions as each is attended",
)
def package_purchase_api(
    request: HttpRequest, client_id: int, payload: PackageIn
) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    with field_errors():
        package = package_purchase(by=actor, client=client, **payload.dict())
    package = client_packages(client=client).get(pk=package.pk)
    return Status(201, _package_out(package))


@router.get(
    "/payments/{int:payment_id}/receipt.pdf",
    response={200: None},
    summary="The itemized receipt of a payment (PDF)",
)
def payment_receipt_api(request: HttpRequest, payment_id: int) -> HttpResponse:
    actor = api_actor(request)
    payment = access_payment(actor, payment_id)
    receipt = receipt_issue_for_payment(by=actor, payment=payment)
    return _pdf(receipt_pdf(by=actor, receipt=receipt), f"receipt-{receipt.number}.pdf")


def _period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """Both ends of a period, or a 422 naming the missing one. Checked after
    access, so a record the caller may not see answers 404 whatever the query."""
    missing = [
        {"loc": ["query", name], "field": name, "msg": "required", "type": "missing"}
        for name, value in (("date_from", date_from), ("date_to", date_to))
        if value is None
    ]
    if missing:
        raise NinjaValidationError(missing)
    assert date_from is not None and date_to is not None
    return date_from, date_to


@router.get(
    "/clients/{int:client_id}/receipt.pdf",
    response={200: None},
    summary="The itemized receipt of a client's sessions in a period (PDF)",
)
def client_receipt_api(
    request: HttpRequest,
    client_id: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> HttpResponse:
    actor = api_actor(request)
    client = access_client(actor, client_id)
    start, end = _period(date_from, date_to)
    with field_errors():
        receipt = receipt_issue_for_range(by=actor, client=client, date_from=start, date_to=end)
    return _pdf(receipt_pdf(by=actor, receipt=receipt), f"receipt-{receipt.number}.pdf")


@router.get(
    "/clients/{int:client_id}/superbill.pdf",
    response={200: None},
    summary="A client's superbill for a period (PDF)",
)
def client_superbill_api(
    request: HttpRequest,
    client_id: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> HttpResponse:
    actor = api_actor(request)
    client = access_client(actor, client_id)
    start, end = _period(date_from, date_to)
    with field_errors():
        content = superbill_pdf(by=actor, client=client, date_from=start, date_to=end)
    return _pdf(content, f"superbill-{client.pk}.pdf")


@router.get(
    "/clients/{int:client_id}/uploaded-receipts",
    response=list[UploadedReceiptOut],
    summary="A client's uploaded receipts",
)
def uploaded_receipts_api(request: HttpRequest, client_id: int) -> list[UploadedReceipt]:
    client = access_client(api_actor(request), client_id)
    return list(client_uploaded_receipts(client=client))


@router.post(
    "/clients/{int:client_id}/uploaded-receipts",
    response={201: UploadedReceiptOut},
    summary="Upload an outside receipt (PDF, JPEG, PNG) and attach it to sessions",
)
def receipt_upload_api(
    request: HttpRequest,
    client_id: int,
    file: File[UploadedFile | None] = None,
    session_ids: Form[list[int] | None] = None,
    description: Form[str] = "",
) -> Status[UploadedReceipt]:
    actor = api_actor(request)
    client = access_client(actor, client_id)
    if not may_upload_receipts(actor, client):
        raise Http404("not found")
    if file is None:
        raise NinjaValidationError(
            [{"loc": ["body", "file"], "field": "file", "msg": "required", "type": "missing"}]
        )
    with field_errors():
        receipt = receipt_upload(
            by=actor,
            client=client,
            name=file.name or "receipt",
            content=file.read(),
            sessions=session_ids or [],
            description=description,
        )
    return Status(201, client_uploaded_receipts(client=client).get(pk=receipt.pk))


@router.get(
    "/uploaded-receipts/{int:upload_id}/file",
    response={200: None},
    summary="Download an uploaded receipt (audited)",
)
def uploaded_receipt_file_api(request: HttpRequest, upload_id: int) -> HttpResponse:
    from fitclaim.files.services import download_name

    actor = api_actor(request)
    receipt = access_uploaded_receipt(actor, upload_id)
    content = uploaded_receipt_read(by=actor, receipt=receipt)
    return document_response(content, download_name(receipt.file), receipt.file.content_type)
