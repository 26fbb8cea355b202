"""/api/v1/providers: the clinicians who prescribe training (staff only)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from fitclaim.clients.access import check_directory
from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.providers.models import Provider, ProviderKind
from fitclaim.providers.selectors import access_provider, provider_list
from fitclaim.providers.services import provider_create, provider_update

router = Router(tags=["providers"])


class ProviderOut(Schema):
    id: int
    name: str
    kind: str = Field(description="the engine's issuer kind")
    credentials: str
    npi: str
    license_state: str
    email: str
    phone: str
    address: str


class ProviderIn(Schema):
    model_config = STRICT

    name: str = Field(max_length=200)
    kind: ProviderKind
    npi: str
    credentials: str = ""
    license_state: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""


class ProviderPatch(Schema):
    model_config = STRICT

    name: str | None = Field(None, max_length=200)
    kind: ProviderKind | None = None
    npi: str | None = None
    credentials: str | None = None
    license_state: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@router.get("", response=list[ProviderOut], summary="List providers")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def provider_list_api(request: HttpRequest, q: str = "") -> QuerySet[Provider]:
    return provider_list(actor=check_directory(api_actor(request)), search=q)


@router.post("", response={201: ProviderOut}, summary="Add a provider (admin, billing)")
def provider_create_api(request: HttpRequest, payload: ProviderIn) -> Status[Provider]:
    with field_errors():
        provider = provider_create(by=api_actor(request), **payload.dict())
    return Status(201, provider)


@router.get("/{provider_id}", response=ProviderOut, summary="A provider")
def provider_detail_api(request: HttpRequest, provider_id: int) -> Provider:
    return access_provider(api_actor(request), provider_id)


@router.patch("/{provider_id}", response=ProviderOut, summary="Change a provider (admin, billing)")
def provider_update_api(request: HttpRequest, provider_id: int, payload: ProviderPatch) -> Provider:
    actor = api_actor(request)
    provider = access_provider(actor, provider_id, write=True)
    with field_errors():
        return provider_update(by=actor, provider=provider, data=payload.dict(exclude_unset=True))
