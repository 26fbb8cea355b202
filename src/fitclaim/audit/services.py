from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from fitclaim.audit.models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from fitclaim.accounts.actor import Actor


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def model_snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a record, as plain JSON values."""
    snapshot: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        snapshot[field.attname] = _plain(getattr(instance, field.attname))
    return snapshot


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_record(
    *,
    actor: Actor | None,
    action: str | AuditAction,
    entity: str,
    entity_id: object = "",
    client_id: int | None = None,
    changes: dict[str, Any] | None = None,
    summary: str = "",
    organization: Any = None,
    ip: str | None = None,
    user: Any = None,
    actor_label: str = "",
    via: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail.

    Without an actor (a sign-in, a failed sign-in, a password reset: moments when
    no membership is acting yet), pass the `user` if known, the `organization` it
    belongs to so its admins see the event, and an `actor_label` for what was typed.
    """
    if actor is not None:
        user = actor.user
        ip = actor.ip
        via = actor.via
        if organization is None:
            organization = actor.organization
    label = actor_label or (user.email if user is not None else "")
    return AuditEvent.objects.create(
        organization=organization,
        actor=user,
        actor_label=label[:254],
        action=str(action),
        entity=entity,
        entity_id=str(entity_id),
        client_id=client_id,
        changes=_plain_dict(changes or {}),
        summary=summary[:300],
        ip=ip,
        via=via or "system",
    )


def _plain_dict(changes: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) for key, value in changes.items()}
