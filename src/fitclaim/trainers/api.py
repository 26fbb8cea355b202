"""/api/v1/trainers: the organization's trainers and their credentials (staff only)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from fitclaim.clients.access import check_directory
from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.trainers.models import Credential, Trainer
from fitclaim.trainers.selectors import (
    access_credential,
    access_trainer,
    trainer_get_for_view,
    trainer_list,
)
from fitclaim.trainers.services import (
    credential_create,
    credential_delete,
    credential_update,
    trainer_create,
    trainer_update,
)

router = Router(tags=["trainers"])


class CredentialOut(Schema):
    id: int
    code: str = Field(examples=["ACSM-CEP"])
    number: str
    issuer: str
    issued: dt.date | None
    expires: dt.date


class TrainerOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    npi: str
    licensed_profession: str = Field(description="none, pt or ot")
    user_id: int | None
    credentials: list[CredentialOut]
    expiring_soon: bool = Field(description="a credential expires within 60 days")

    @staticmethod
    def resolve_credentials(trainer: Trainer) -> list[Credential]:
        return list(trainer.credentials.all())


class TrainerIn(Schema):
    model_config = STRICT

    name: str = Field(max_length=200)
    email: str = ""
    phone: str = ""
    npi: str = ""
    licensed_profession: str = "none"
    user_id: int | None = None


class TrainerPatch(Schema):
    model_config = STRICT

    name: str | None = Field(None, max_length=200)
    email: str | None = None
    phone: str | None = None
    npi: str | None = None
    licensed_profession: str | None = None
    user_id: int | None = None


class CredentialIn(Schema):
    model_config = STRICT

    code: str = Field(max_length=30)
    number: str = ""
    issuer: str = ""
    issued: dt.date | None = None
    expires: dt.date


class CredentialPatch(Schema):
    model_config = STRICT

    code: str | None = Field(None, max_length=30)
    number: str | None = None
    issuer: str | None = None
    issued: dt.date | None = None
    expires: dt.date | None = None


def _with_flag(request: HttpRequest, trainer_id: int) -> Trainer:
    return trainer_get_for_view(
        by=api_actor(request), trainer_id=trainer_id, today=timezone.localdate()
    )


@router.get("", response=list[TrainerOut], summary="List trainers")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def trainer_list_api(request: HttpRequest, q: str = "") -> QuerySet[Trainer]:
    return trainer_list(
        actor=check_directory(api_actor(request)), today=timezone.localdate(), search=q
    )


@router.post("", response={201: TrainerOut}, summary="Add a trainer (admin, billing)")
def trainer_create_api(request: HttpRequest, payload: TrainerIn) -> Status[Trainer]:
    with field_errors():
        trainer = trainer_create(by=api_actor(request), **payload.dict())
    return Status(201, _with_flag(request, trainer.pk))


@router.get("/{trainer_id}", response=TrainerOut, summary="A trainer")
def trainer_detail_api(request: HttpRequest, trainer_id: int) -> Trainer:
    return _with_flag(request, trainer_id)


@router.patch("/{trainer_id}", response=TrainerOut, summary="Change a trainer (admin, billing)")
def trainer_update_api(request: HttpRequest, trainer_id: int, payload: TrainerPatch) -> Trainer:
    actor = api_actor(request)
    trainer = access_trainer(actor, trainer_id, write=True)
    with field_errors():
        trainer_update(by=actor, trainer=trainer, data=payload.dict(exclude_unset=True))
    return _with_flag(request, trainer_id)


@router.post(
    "/{trainer_id}/credentials",
    response={201: CredentialOut},
    summary="Add a credential (admin, billing)",
)
def credential_create_api(
    request: HttpRequest, trainer_id: int, payload: CredentialIn
) -> Status[Credential]:
    actor = api_actor(request)
    trainer = access_trainer(actor, trainer_id, write=True)
    with field_errors():
        credential = credential_create(by=actor, trainer=trainer, **payload.dict())
    return Status(201, credential)


@router.patch(
    "/{trainer_id}/credentials/{credential_id}",
    response=CredentialOut,
    summary="Change a credential",
)
def credential_update_api(
    request: HttpRequest, trainer_id: int, credential_id: int, payload: CredentialPatch
) -> Credential:
    actor = api_actor(request)
    credential = access_credential(actor, trainer_id, credential_id, write=True)
    with field_errors():
        return credential_update(
            by=actor, credential=credential, data=payload.dict(exclude_unset=True)
        )


@router.delete(
    "/{trainer_id}/credentials/{credential_id}", response={204: None}, summary="Remove a credential"
)
def credential_delete_api(
    request: HttpRequest, trainer_id: int, credential_id: int
) -> Status[None]:
    actor = api_actor(request)
    credential = access_credential(actor, trainer_id, credential_id, write=True)
    credential_delete(by=actor, credential=credential)
    return Status(204, None)
