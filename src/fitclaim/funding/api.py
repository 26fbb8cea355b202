"""/api/v1/clients/{client_id}/funding-sources: a client's funding sources.

Fields are the model's (flat `period_start`/`period_end`); each kind accepts
only its own fields (ENGINE.md), and fields left out get the engine's defaults.
`/engine-input` shows a source exactly as the engine receives it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from fitclaim.audit.services import audit_record
from fitclaim.clients.api_support import STRICT, api_actor, field_errors
from fitclaim.clients.models import Client
from fitclaim.clients.selectors import access_client
from fitclaim.funding.models import FundingKind, FundingSource
from fitclaim.funding.selectors import (
    access_funding_source,
    funding_source_engine_input,
    funding_sources_of,
)
from fitclaim.funding.services import (
    funding_preferences_update,
    funding_source_create,
    funding_source_delete,
    funding_source_update,
)

router = Router(tags=["funding sources"])


class FundingFields(Schema):
    """Every field a source may have; which apply depends on `kind`."""

    name: str | None = Field(None, max_length=200)
    payer_name: str | None = None
    member_id: str | None = None
    claim_address: str | None = None
    order: int | None = Field(None, description="insurance: 1 = primary")
    accepts_esignature: bool | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    covers_training: bool | None = None
    requires_lmn: bool | None = None
    requires_preauthorization: bool | None = None
    accepted_issuers: list[str] | None = None
    covered_conditions: list[str] | None = None
    covered_codes: list[str] | None = None
    required_credentials: list[str] | None = None
    allowed_per_session: Decimal | None = None
    deductible: Decimal | None = None
    deductible_met: Decimal | None = None
    copay: Decimal | None = None
    coinsurance: Decimal | None = None
    session_limit: int | None = None
    sessions_used: int | None = None
    timely_filing_days: int | None = None
    election: Decimal | None = None
    grace_period_days: int | None = None
    runout_days: int | None = None
    used: Decimal | None = None
    limited_purpose: bool | None = None
    established: dt.date | None = None
    balance: Decimal | None = None
    annual_cap: Decimal | None = None
    claim_deadline_days: int | None = None
    rate: Decimal | None = None


class FundingSourceIn(FundingFields):
    model_config = STRICT

    kind: FundingKind


class FundingSourcePatch(FundingFields):
    model_config = STRICT

    kind: FundingKind | None = Field(None, description="cannot change; accepted when equal")


class FundingSourceOut(FundingFields):
    id: int
    client_id: int
    kind: str
    engine_id: str = Field(description='the id in an engine case: "src-<id>"')


class EngineSourceOut(Schema):
    source: dict[str, Any]


class PreferencesIn(Schema):
    model_config = STRICT

    strategy: str = Field(description="maximize_now or preserve_hsa")
    priority: list[str] = Field(
        default_factory=list,
        description='every non-insurance source id ("12" or "src-12") in order; [] = default',
    )


class PreferencesOut(Schema):
    strategy: str
    priority: list[int]


def _audit_view(actor: Any, client: Client, what: str) -> None:
    audit_record(
        actor=actor,
        action="view",
        entity="funding_source",
        entity_id="",
        client_id=client.pk,
        summary=f"viewed {what} of {client.name}",
    )


@router.get(
    "/{client_id}/funding-sources",
    response=list[FundingSourceOut],
    summary="A client's funding sources, in allocation order",
)
def funding_source_list_api(request: HttpRequest, client_id: int) -> list[FundingSource]:
    actor = api_actor(request)
    client = access_client(actor, client_id)
    _audit_view(actor, client, "the funding sources")
    return funding_sources_of(client)


@router.post(
    "/{client_id}/funding-sources", response={201: FundingSourceOut}, summary="Add a funding source"
)
def funding_source_create_api(
    request: HttpRequest, client_id: int, payload: FundingSourceIn
) -> Status[FundingSource]:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    data = payload.dict(exclude_unset=True)
    kind = data.pop("kind")
    with field_errors():
        source = funding_source_create(by=actor, client=client, kind=kind, data=data)
    return Status(201, source)


@router.get(
    "/{client_id}/funding-sources/{source_id}",
    response=FundingSourceOut,
    summary="A funding source",
)
def funding_source_detail_api(
    request: HttpRequest, client_id: int, source_id: int
) -> FundingSource:
    actor = api_actor(request)
    source = access_funding_source(actor, source_id, client_id=client_id)
    _audit_view(actor, source.client, source.name)
    return source


@router.get(
    "/{client_id}/funding-sources/{source_id}/engine-input",
    response=EngineSourceOut,
    summary="A funding source as the engine receives it (ENGINE.md)",
)
def funding_source_engine_input_api(
    request: HttpRequest, client_id: int, source_id: int
) -> dict[str, Any]:
    actor = api_actor(request)
    source = access_funding_source(actor, source_id, client_id=client_id)
    _audit_view(actor, source.client, source.name)
    return {"source": funding_source_engine_input(source)}


@router.patch(
    "/{client_id}/funding-sources/{source_id}",
    response=FundingSourceOut,
    summary="Change a funding source",
)
def funding_source_update_api(
    request: HttpRequest, client_id: int, source_id: int, payload: FundingSourcePatch
) -> FundingSource:
    actor = api_actor(request)
    source = access_funding_source(actor, source_id, client_id=client_id, write=True)
    with field_errors():
        return funding_source_update(by=actor, source=source, data=payload.dict(exclude_unset=True))


@router.delete(
    "/{client_id}/funding-sources/{source_id}",
    response={204: None},
    summary="Remove a funding source",
)
def funding_source_delete_api(request: HttpRequest, client_id: int, source_id: int) -> Status[None]:
    actor = api_actor(request)
    source = access_funding_source(actor, source_id, client_id=client_id, write=True)
    funding_source_delete(by=actor, source=source)
    return Status(204, None)


@router.put(
    "/{client_id}/funding-preferences",
    response=PreferencesOut,
    summary="Set the strategy and the order of the non-insurance sources",
)
def funding_preferences_api(request: HttpRequest, client_id: int, payload: PreferencesIn) -> Client:
    actor = api_actor(request)
    client = access_client(actor, client_id, write=True)
    with field_errors():
        return funding_preferences_update(
            by=actor, client=client, strategy=payload.strategy, priority=payload.priority
        )
