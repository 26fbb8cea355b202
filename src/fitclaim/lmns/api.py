"""/api/v1: letters of medical necessity, scoped like the pages.

A client's letters at /clients/{client_id}/letters; one letter at
/letters/{letter_id}, with its lifecycle as actions (send, cancel-signature,
scan, revoke, renew) and its PDF. Signing itself is the provider's, through
the emailed link only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.clients.selectors import access_client
from fitclaim.lmns.models import Lmn
from fitclaim.lmns.selectors import (
    access_lmn,
    lmn_completeness,
    lmn_engine_input,
    lmn_get_for_view,
    lmn_list,
    lmn_pdf,
    open_signature_request,
)
from fitclaim.lmns.services import (
    lmn_cancel_signature_request,
    lmn_create,
    lmn_renew,
    lmn_revoke,
    lmn_send_for_signature,
    lmn_update,
    lmn_upload_signed_scan,
)

router = Router(tags=["letters"])


class FindingOut(Schema):
    field: str = Field(examples=["provider_npi"])
    message: str


class CompletenessOut(Schema):
    complete: bool
    missing: list[FindingOut]
    warnings: list[FindingOut]


class SignatureOut(Schema):
    method: str = Field(description="electronic or scan")
    signer_name: str
    signed_on: dt.date
    signed_at: dt.datetime | None
    document_sha256: str = Field(
        description="electronic: SHA-256 of the unsigned letter reviewed and signed; "
        "scan: of the uploaded scan"
    )
    signed_pdf_sha256: str | None = Field(description="SHA-256 of the stored signed PDF")
    audit_reference: str


class LetterOut(Schema):
    id: int
    reference: str
    version: int
    client_id: int
    status: str = Field(
        description="draft, awaiting_signature, signed, expired, revoked or superseded"
    )
    display_status: str = Field(description="as shown: active, declined, lapsed, ...")
    provider_id: int | None
    diagnoses: list[str]
    necessity_statement: str
    exercise_kind: str
    sessions_per_week: int | None
    minutes_per_session: int | None
    intensity: str
    precautions: str
    goals: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    sessions_authorized: int | None
    reexamination_date: dt.date | None
    trainer_ids: list[int]
    facility_ids: list[int]
    supersedes_id: int | None
    progress_summary: str
    decline_comment: str
    signature: SignatureOut | None
    revoked_at: dt.datetime | None
    revoked_reason: str

    @staticmethod
    def resolve_display_status(lmn: Lmn) -> str:
        return lmn.display_status(timezone.localdate())

    @staticmethod
    def resolve_trainer_ids(lmn: Lmn) -> list[int]:
        return [t.pk for t in lmn.authorized_trainers.all()]

    @staticmethod
    def resolve_facility_ids(lmn: Lmn) -> list[int]:
        return [f.pk for f in lmn.authorized_facilities.all()]

    @staticmethod
    def resolve_signature(lmn: Lmn) -> dict[str, Any] | None:
        if lmn.signed_on is None:
            return None
        return {
            "method": lmn.signature_method,
            "signer_name": lmn.signer_name,
            "signed_on": lmn.signed_on,
            "signed_at": lmn.signed_at,
            "document_sha256": lmn.document_sha256,
            "signed_pdf_sha256": lmn.signed_pdf.sha256 if lmn.signed_pdf_id else None,
            "audit_reference": lmn.signature_audit_reference,
        }


class LetterDetailOut(LetterOut):
    completeness: CompletenessOut | None = Field(
        description="what is missing before it can be sent (drafts and letters awaiting signature)"
    )
    signing_link_expires_at: dt.datetime | None
    engine: dict[str, Any] | None = Field(
        description="the letter as the engine's `lmns` entry, or null when it has no place "
        "in a case"
    )


def _detail(lmn: Lmn) -> Lmn:
    """The letter with what LetterDetailOut adds to it."""
    completeness = None
    if lmn.status in ("draft", "awaiting_signature"):
        result = lmn_completeness(lmn, today=timezone.localdate())
        completeness = {
            "complete": result.complete,
            "missing": [vars(f) for f in result.missing],
            "warnings": [vars(f) for f in result.warnings],
        }
    request = open_signature_request(lmn)
    lmn.completeness = completeness  # type: ignore[attr-defined]
    lmn.signing_link_expires_at = request.expires_at if request else None  # type: ignore[attr-defined]
    lmn.engine = lmn_engine_input(lmn)  # type: ignore[attr-defined]
    return lmn


class LetterIn(Schema):
    model_config = STRICT

    provider_id: int | None = None
    diagnoses: list[str] | None = Field(
        None, description="billable ICD-10-CM codes; default: the client's conditions"
    )
    necessity_statement: str = ""
    exercise_kind: str = ""
    sessions_per_week: int | None = None
    minutes_per_session: int | None = None
    intensity: str = ""
    precautions: str = ""
    goals: str = ""
    valid_from: dt.date | None = Field(None, description="default: today")
    valid_to: dt.date | None = Field(None, description="default: twelve months")
    sessions_authorized: int | None = None
    reexamination_date: dt.date | None = None
    trainer_ids: list[int] = Field(default_factory=list, description="none: any trainer")
    facility_ids: list[int] = Field(default_factory=list, description="none: any facility")


class LetterPatch(Schema):
    model_config = STRICT

    provider_id: int | None = None
    diagnoses: list[str] | None = None
    necessity_statement: str | None = None
    exercise_kind: str | None = None
    sessions_per_week: int | None = None
    minutes_per_session: int | None = None
    intensity: str | None = None
    precautions: str | None = None
    goals: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    sessions_authorized: int | None = None
    reexamination_date: dt.date | None = None
    trainer_ids: list[int] | None = None
    facility_ids: list[int] | None = None


class SendIn(Schema):
    model_config = STRICT

    provider_email: str = Field("", description="default: the provider's email")


class SendOut(Schema):
    letter_id: int
    provider_email: str
    expires_at: dt.datetime


class RevokeIn(Schema):
    model_config = STRICT

    reason: str


class RenewIn(Schema):
    model_config = STRICT

    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def _queryset_prefetch(letters: Any) -> Any:
    return letters.select_related("signed_pdf").prefetch_related(
        "authorized_trainers", "authorized_facilities"
    )


@router.get(
    "/clients/{client_id}/letters",
    response=list[LetterOut],
    summary="A client's letters of medical necessity",
)
def letter_list_api(request: HttpRequest, client_id: int, status: str = "") -> Any:
    actor = api_actor(request)
    client = access_client(actor, client_id)
    return list(_queryset_prefetch(lmn_list(actor=actor, client_id=client.pk, status=status)))


@router.post(
    "/clients/{client_id}/letters",
    response={201: LetterDetailOut},
    summary="Draft a letter of medical necessity",
)
def letter_create_api(request: HttpRequest, client_id: int, payload: LetterIn) -> Status[Any]:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    data = payload.dict()
    if data["diagnoses"] is None:
        data.pop("diagnoses")
    with field_errors():
        lmn = lmn_create(by=actor, client=client, data=data)
    return Status(201, _detail(lmn))


@router.get(
    "/letters/{letter_id}",
    response=LetterDetailOut,
    summary="A letter, with its completeness (the view is audited)",
)
def letter_detail_api(request: HttpRequest, letter_id: int) -> Any:
    return _detail(lmn_get_for_view(by=api_actor(request), lmn_id=letter_id))


@router.patch("/letters/{letter_id}", response=LetterDetailOut, summary="Change a draft")
def letter_update_api(request: HttpRequest, letter_id: int, payload: LetterPatch) -> Any:
    actor = api_actor(request)
    lmn = access_lmn(actor, letter_id, write=True)
    with field_errors():
        lmn = lmn_update(by=actor, lmn=lmn, data=payload.dict(exclude_unset=True))
    return _detail(lmn)


@router.post(
    "/letters/{letter_id}/send",
    response={201: SendOut},
    summary="Email the provider a link to sign the letter",
)
def letter_send_api(request: HttpRequest, letter_id: int, payload: SendIn) -> Status[Any]:
    actor = api_actor(request)
    lmn = access_lmn(actor, letter_id, write=True)
    with field_errors():
        signature_request, _token = lmn_send_for_signature(
            by=actor, lmn=lmn, provider_email=payload.provider_email
        )
    return Status(
        201,
        {
            "letter_id": lmn.pk,
            "provider_email": signature_request.provider_email,
            "expires_at": signature_request.expires_at,
        },
    )


@router.post(
    "/letters/{letter_id}/cancel-signature",
    response=LetterDetailOut,
    summary="Withdraw the signing link; the letter is a draft again",
)
def letter_cancel_signature_api(request: HttpRequest, letter_id: int) -> Any:
    actor = api_actor(request)
    lmn = access_lmn(actor, letter_id, write=True)
    with field_errors():
        lmn = lmn_cancel_signature_request(by=actor, lmn=lmn)
    return _detail(lmn)


@router.post(
    "/letters/{letter_id}/scan",
    response=LetterDetailOut,
    summary="Upload the wet-signed scan (PDF, JPEG or PNG, at most 10 MB)",
)
def letter_scan_api(
    request: HttpRequest,
    letter_id: int,
    file: File[UploadedFile | None] = None,
    signer_name: Form[str] = "",
    signed_on: Form[dt.date | None] = None,
) -> Any:
    """multipart/form-data: `file`, `signer_name`, `signed_on` (YYYY-MM-DD)."""
    # Optional here so that access is checked before the input: a caller who may
    # not see the letter learns nothing from a 422 about the form.
    actor = api_actor(request)
    lmn = access_lmn(actor, letter_id, write=True)
    with field_errors():
        if file is None:
            raise ValidationError({"file": "Attach the signed letter (PDF, JPEG or PNG)."})
        lmn = lmn_upload_signed_scan(
            by=actor,
            lmn=lmn,
            content=file.read(),
            name=file.name or "",
            signer_name=signer_name,
            signed_on=signed_on,
        )
    return _detail(lmn)


@router.post("/letters/{letter_id}/revoke", response=LetterDetailOut, summary="Revoke a letter")
def letter_revoke_api(request: HttpRequest, letter_id: int, payload: RevokeIn) -> Any:
    actor = api_actor(request)
    lmn = access_lmn(actor, letter_id, write=True)
    with field_errors():
        lmn = lmn_revoke(by=actor, lmn=lmn, reason=payload.reason)
    return _detail(lmn)


@router.post(
    "/letters/{letter_id}/renew",
    response={201: LetterDetailOut},
    summary="Renew a signed or expired letter as a new draft version",
)
def letter_renew_api(request: HttpRequest, letter_id: int, payload: RenewIn) -> Status[Any]:
    actor = api_actor(request)
    lmn = access_lmn(actor, letter_id, write=True)
    with field_errors():
        renewal = lmn_renew(
            by=actor, lmn=lmn, valid_from=payload.valid_from, valid_to=payload.valid_to
        )
    return Status(201, _detail(renewal))


@router.get(
    "/letters/{letter_id}/pdf",
    summary="The letter as PDF (signed: exactly as stored; the download is audited)",
    response={200: None},
    openapi_extra={
        "responses": {"200": {"content": {"application/pdf": {"schema": {"type": "string"}}}}}
    },
)
def letter_pdf_api(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = api_actor(request)
    lmn = access_lmn(actor, letter_id)
    content, filename = lmn_pdf(by=actor, lmn=lmn)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
