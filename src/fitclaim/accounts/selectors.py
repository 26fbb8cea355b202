"""Reads for accounts: memberships, members of an organization, API tokens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import connections, models, router
from django.db.models import QuerySet
from django.http import Http404

from fitclaim.accounts.models import ApiToken, Membership, Organization, Role, User, hash_token
from fitclaim.compiled_queries import fetch_all

if TYPE_CHECKING:
    from fitclaim.accounts.actor import Actor


def membership_for_user(user: Any, *, preferred_org_id: int | None = None) -> Membership | None:
    """The membership a user acts under: the organization chosen in the session,
    else the oldest one. A user with no membership sees no records."""
    memberships = Membership.objects.select_related("organization", "client").filter(user=user)
    if preferred_org_id is not None:
        chosen = memberships.filter(organization_id=preferred_org_id).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("created_at", "pk").first()


@dataclass(frozen=True)
class ApiCaller:
    """Who an API token speaks for: the live token (its id and when it was last
    used), its owner and the membership they act under (None for a user in no
    organization: they see nothing)."""

    token: ApiToken
    user: User
    membership: Membership | None


Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Columns:
    """One model's columns in a hand-built query, and how to read them back."""

    model: type[models.Model]
    fields: tuple[models.Field[Any, Any], ...]
    converters: tuple[tuple[Converter, ...], ...]

    def instance(self, alias: str, values: Sequence[Any]) -> Any:
        connection = connections[alias]
        converted = []
        for value, field, converters in zip(values, self.fields, self.converters, strict=True):
            for converter in converters:
                value = converter(value, field, connection)
            converted.append(value)
        return self.model.from_db(alias, [field.attname for field in self.fields], converted)


@cache
def _caller_query(alias: str) -> tuple[str, tuple[_Columns, ...]]:
    """The one query that authenticates an API call, and how to read its row.

    Every API call starts here, so the token, its owner, the membership
    `membership_for_user` picks without a session (the oldest) and its
    organization come back in one round trip. The SQL is written out once from
    the models' metadata, so a field added to a model is read too, and values go
    through the ORM's own database converters; the ORM would spend longer
    building this query on every call than the database spends answering it."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    token_fields = tuple(ApiToken._meta.get_field(name) for name in ("id", "last_used_at"))
    parts = [
        (ApiToken, "t", token_fields),
        (User, "u", tuple(User._meta.concrete_fields)),
        (Membership, "m", tuple(Membership._meta.concrete_fields)),
        (Organization, "o", tuple(Organization._meta.concrete_fields)),
    ]
    columns: list[str] = []
    readers: list[_Columns] = []
    for model, table_alias, fields in parts:
        columns += [f"{table_alias}.{quote(field.column)}" for field in fields]
        converters = []
        for field in fields:
            column = field.get_col(table_alias)
            converters.append(
                tuple(
                    connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                )
            )
        readers.append(_Columns(model, fields, tuple(converters)))  # type: ignore[arg-type]
    membership = quote(Membership._meta.db_table)
    # Table and column names come from the models; the token is a parameter.
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(ApiToken._meta.db_table)} t "  # noqa: S608
        f"JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
        f"LEFT JOIN {membership} m ON m.id = (SELECT oldest.id FROM {membership} oldest "
        "WHERE oldest.user_id = u.id ORDER BY oldest.created_at, oldest.id LIMIT 1) "
        f"LEFT JOIN {quote(Organization._meta.db_table)} o ON o.id = m.organization_id "
        "WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s"
    )
    return sql, tuple(readers)


def api_caller(raw: str) -> ApiCaller | None:
    """The caller behind a raw API token; None for an unknown, revoked or
    malformed token or a deactivated user."""
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    alias = router.db_for_read(ApiToken)
    sql, readers = _caller_query(alias)
    rows = fetch_all(alias, sql, [hash_token(raw), True])
    if not rows:
        return None
    row = rows[0]
    instances = []
    offset = 0
    for reader in readers:
        values = row[offset : offset + len(reader.fields)]
        offset += len(reader.fields)
        # The first column is the primary key: None when the LEFT JOIN found no membership.
        instances.append(None if values[0] is None else reader.instance(alias, values))
    token, user, membership, organization = instances
    token.user = user
    if membership is not None:
        membership.user = user
        membership.organization = organization
    return ApiCaller(token=token, user=user, membership=membership)


def organization_members(*, actor: Actor) -> QuerySet[Membership]:
    """Everyone in the actor's organization, staff first, then client-portal users.
    Only admins manage members; anyone else gets a 404."""
    if not actor.membership.is_admin:
        raise Http404("not an organization admin")
    return (
        Membership.objects.filter(organization=actor.organization)
        .select_related("user", "client")
        .order_by("user__last_name", "user__first_name", "user__email", "pk")
    )


def staff_members(*, actor: Actor) -> QuerySet[Membership]:
    return organization_members(actor=actor).exclude(role=Role.CLIENT)


def portal_members(*, actor: Actor) -> QuerySet[Membership]:
    return organization_members(actor=actor).filter(role=Role.CLIENT)


def access_membership(*, actor: Actor, membership_id: int) -> Membership:
    """A membership of the actor's organization, for an admin to change; else 404."""
    membership = organization_members(actor=actor).filter(pk=membership_id).first()
    if membership is None:
        raise Http404("no such member")
    return membership


def api_tokens_for_user(*, user: Any) -> QuerySet[ApiToken]:
    """A person's tokens, newest first, revoked ones included (they show when and
    that they were revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def access_api_token(*, actor: Actor, token_id: int) -> ApiToken:
    """One of the actor's own tokens; a token of anyone else answers 404, even for
    an admin: tokens are personal."""
    token = api_tokens_for_user(user=actor.user).filter(pk=token_id).first()
    if token is None:
        raise Http404("no such token")
    return token
