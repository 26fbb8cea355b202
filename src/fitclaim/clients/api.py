"""/api/v1/clients: the clients the caller may see, scoped like the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.clients.models import Client
from fitclaim.clients.selectors import access_client, client_get_for_view, client_list
from fitclaim.clients.services import client_create, client_create_portal_login, client_update

router = Router(tags=["clients"])


class ConditionOut(Schema):
    code: str = Field(examples=["E66.811"])
    description: str | None = Field(None, examples=["Obesity, class 1"])


class ClientOut(Schema):
    id: int
    first_name: str
    last_name: str
    birth_date: dt.date | None
    email: str
    phone: str
    address: str
    conditions: list[ConditionOut]
    trainer_ids: list[int]
    strategy: str = Field(description="maximize_now or preserve_hsa")
    priority: list[int] = Field(
        description="non-insurance funding source ids in the order used; empty: default"
    )

    @staticmethod
    def resolve_conditions(client: Client) -> list[dict[str, Any]]:
        from fitclaim.domain.codes import icd10_description

        return [
            {"code": code, "description": icd10_description(code)} for code in client.conditions
        ]

    @staticmethod
    def resolve_trainer_ids(client: Client) -> list[int]:
        return [trainer.pk for trainer in client.trainers.all()]


class ClientIn(Schema):
    model_config = STRICT

    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: dt.date | None = None
    email: str = ""
    phone: str = ""
    address: str = ""
    conditions: list[str] = Field(
        default_factory=list,
        description="billable ICD-10-CM codes",
        examples=[["E66.811", "E11.9"]],
    )
    trainer_ids: list[int] = Field(default_factory=list, description="assigned trainers")


class ClientPatch(Schema):
    model_config = STRICT

    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    birth_date: dt.date | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    conditions: list[str] | None = None
    trainer_ids: list[int] | None = None


class PortalLoginIn(Schema):
    model_config = STRICT

    email: str = ""


class PortalLoginOut(Schema):
    user_id: int
    email: str


@router.get("", response=list[ClientOut], summary="List clients")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def client_list_api(request: HttpRequest, q: str = "") -> QuerySet[Client]:
    return client_list(actor=api_actor(request), search=q)


@router.post("", response={201: ClientOut}, summary="Add a client")
def client_create_api(request: HttpRequest, payload: ClientIn) -> Status[Client]:
    with field_errors():
        client = client_create(by=api_actor(request), **payload.dict())
    return Status(201, client)


@router.get("/{client_id}", response=ClientOut, summary="A client (the view is audited)")
def client_detail_api(request: HttpRequest, client_id: int) -> Client:
    return client_get_for_view(by=api_actor(request), client_id=client_id)


@router.patch("/{client_id}", response=ClientOut, summary="Change a client")
def client_update_api(request: HttpRequest, client_id: int, payload: ClientPatch) -> Client:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    with field_errors():
        return client_update(by=actor, client=client, data=payload.dict(exclude_unset=True))


@router.post(
    "/{client_id}/portal-login",
    response={201: PortalLoginOut},
    summary="Give a client a portal login (admins)",
)
def client_portal_login_api(
    request: HttpRequest, client_id: int, payload: PortalLoginIn
) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    with field_errors():
        membership = client_create_portal_login(by=actor, client=client, email=payload.email)
    return Status(201, {"user_id": membership.user_id, "email": membership.user.email})
