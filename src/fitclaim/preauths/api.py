"""/api/v1: pre-authorizations, scoped like the pages.

A client's requests at /clients/{client_id}/preauthorizations; one at
/preauthorizations/{preauth_id}, its insurer's answer at .../answer and the
request letter (with the signed letter attached) at .../request.pdf.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.clients.selectors import access_client
from fitclaim.preauths.models import Preauthorization
from fitclaim.preauths.selectors import (
    access_preauthorization,
    preauth_alerts,
    preauth_engine_input,
    preauth_get_for_view,
    preauth_list,
    preauth_request_pdf,
)
from fitclaim.preauths.services import preauth_create, preauth_record_answer, preauth_update

router = Router(tags=["pre-authorizations"])


class AlertOut(Schema):
    code: str = Field(
        description="sessions_running_out, ends_soon or expired_with_sessions_scheduled"
    )
    message: str


class PreauthOut(Schema):
    id: int
    client_id: int
    source_id: int
    lmn_id: int | None
    requested_on: dt.date
    requested_sessions: int
    requested_from: dt.date
    requested_to: dt.date
    service_codes: list[str]
    status: str = Field(description="pending, approved or denied")
    reference: str
    approved_sessions: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    answered_on: dt.date | None
    notes: str
    alerts: list[AlertOut]
    engine: dict[str, Any] = Field(description="as the engine's `preauthorizations` entry")

    @staticmethod
    def resolve_alerts(preauth: Preauthorization) -> list[dict[str, str]]:
        return [
            {"code": alert.value, "message": message}
            for alert, message in preauth_alerts(preauth, today=timezone.localdate())
        ]

    @staticmethod
    def resolve_engine(preauth: Preauthorization) -> dict[str, Any]:
        return preauth_engine_input(preauth)


class PreauthIn(Schema):
    model_config = STRICT

    source_id: int = Field(description="one of the client's insurance funding sources")
    lmn_id: int | None = None
    requested_on: dt.date
    requested_sessions: int
    requested_from: dt.date
    requested_to: dt.date
    service_codes: list[str] = Field(default_factory=list, examples=[["S9451", "97110"]])
    notes: str = ""


class PreauthPatch(Schema):
    model_config = STRICT

    source_id: int | None = None
    lmn_id: int | None = None
    requested_on: dt.date | None = None
    requested_sessions: int | None = None
    requested_from: dt.date | None = None
    requested_to: dt.date | None = None
    service_codes: list[str] | None = None
    notes: str | None = None


class AnswerIn(Schema):
    model_config = STRICT

    status: str = Field(description="pending, approved or denied")
    reference: str = ""
    approved_sessions: int | None = Field(None, description="required when approved")
    valid_from: dt.date | None = Field(None, description="default: the requested first day")
    valid_to: dt.date | None = Field(None, description="default: the requested last day")
    answered_on: dt.date | None = None
    notes: str | None = None


@router.get(
    "/clients/{client_id}/preauthorizations",
    response=list[PreauthOut],
    summary="A client's pre-authorizations",
)
def preauth_list_api(request: HttpRequest, client_id: int, status: str = "") -> Any:
    actor = api_actor(request)
    client = access_client(actor, client_id)
    return list(preauth_list(actor=actor, client_id=client.pk, status=status))


@router.post(
    "/clients/{client_id}/preauthorizations",
    response={201: PreauthOut},
    summary="Record a request for pre-authorization",
)
def preauth_create_api(request: HttpRequest, client_id: int, payload: PreauthIn) -> Status[Any]:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    with field_errors():
        preauth = preauth_create(by=actor, client=client, data=payload.dict())
    return Status(201, preauth)


@router.get(
    "/preauthorizations/{preauth_id}",
    response=PreauthOut,
    summary="A pre-authorization (the view is audited)",
)
def preauth_detail_api(request: HttpRequest, preauth_id: int) -> Any:
    return preauth_get_for_view(by=api_actor(request), preauth_id=preauth_id)


@router.patch("/preauthorizations/{preauth_id}", response=PreauthOut, summary="Change the request")
def preauth_update_api(request: HttpRequest, preauth_id: int, payload: PreauthPatch) -> Any:
    actor = api_actor(request)
    preauth = access_preauthorization(actor, preauth_id, write=True)
    with field_errors():
        return preauth_update(by=actor, preauth=preauth, data=payload.dict(exclude_unset=True))


@router.post(
    "/preauthorizations/{preauth_id}/answer",
    response=PreauthOut,
    summary="Record the insurer's answer",
)
def preauth_answer_api(request: HttpRequest, preauth_id: int, payload: AnswerIn) -> Any:
    actor = api_actor(request)
    preauth = access_preauthorization(actor, preauth_id, write=True)
    with field_errors():
        return preauth_record_answer(by=actor, preauth=preauth, **payload.dict())


@router.get(
    "/preauthorizations/{preauth_id}/request.pdf",
    summary="The request letter to the insurer, with the signed letter attached",
    response={200: None},
    openapi_extra={
        "responses": {"200": {"content": {"application/pdf": {"schema": {"type": "string"}}}}}
    },
)
def preauth_request_pdf_api(request: HttpRequest, preauth_id: int) -> HttpResponse:
    actor = api_actor(request)
    preauth = access_preauthorization(actor, preauth_id)
    content, filename = preauth_request_pdf(by=actor, preauth=preauth)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
