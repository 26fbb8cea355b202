"""/me and /tokens: who the caller is, and their personal API tokens."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from fitclaim.accounts import selectors, services
from fitclaim.accounts.models import ApiToken
from fitclaim.api.auth import request_actor

router = Router(tags=["account"])


class UserOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str


class OrganizationOut(Schema):
    id: int
    name: str


class MeOut(Schema):
    user: UserOut
    organization: OrganizationOut
    role: str = Field(description="admin, billing, trainer or client")
    client_id: int | None = Field(None, description="for a client-portal user, their client")


class TokenOut(Schema):
    id: int
    name: str
    hint: str = Field(description="the first characters of the token, to recognize it")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="the token itself: shown in this response only")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, examples=["EHR sync"])


@router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest) -> dict[str, object]:
    actor = request_actor(request)
    return {
        "user": actor.user,
        "organization": actor.organization,
        "role": actor.role,
        "client_id": actor.membership.client_id,
    }


@router.get("/tokens", response=list[TokenOut], summary="List my API tokens")
def token_list(request: HttpRequest) -> list[ApiToken]:
    actor = request_actor(request)
    return list(selectors.api_tokens_for_user(user=actor.user))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token (shown once)")
def token_create(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, object]]:
    actor = request_actor(request)
    token, raw = services.api_token_create(actor=actor, name=payload.name)
    return 201, {**TokenOut.from_orm(token).dict(), "token": raw}


@router.post("/tokens/{token_id}/revoke", response=TokenOut, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    actor = request_actor(request)
    token = selectors.access_api_token(actor=actor, token_id=token_id)
    return services.api_token_revoke(actor=actor, token=token)
