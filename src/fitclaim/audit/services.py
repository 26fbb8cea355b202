from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections, models

from fitclaim.audit.models import AuditAction, AuditEvent
from fitclaim.compiled_queries import CompiledQuery, fetch_all

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


def audit_event(
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
    """The event `audit_record` appends, not saved yet.

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
    return AuditEvent(
        organization=organization,
        actor=user,
        actor_label=label[:254],
        action=str(action),
        entity=entity,
        entity_id=str(entity_id),
        client_id=client_id,
        changes=_plain_dict(changes or {}),
        summary=summary[:SUMMARY_LENGTH],
        ip=ip,
        via=via or "system",
    )


def audit_record(**event: Any) -> AuditEvent:
    """Append one event to the audit trail: `audit_event(**event)`, saved."""
    recorded = audit_event(**event)
    recorded.save()
    return recorded


SUMMARY_LENGTH = AuditEvent._meta.get_field("summary").max_length or 300
# Only reads may be appended by SQL of their own: a change must be saved as a
# model, because its post_save is how cached coverage learns of it
# (coverage/signals.py).
READ_ACTIONS = frozenset({AuditAction.VIEW, AuditAction.DOWNLOAD})


@dataclass(frozen=True)
class ReadSummary:
    """A read's summary, `before` + the row's `column` + `after`: the row
    names what was read (a client's name), which only the query knows."""

    before: str
    column: str
    after: str

    def text(self, value: object) -> str:
        return f"{self.before}{value}{self.after}"[:SUMMARY_LENGTH]


def audited_rows(
    query: CompiledQuery, values: Sequence[Any], event: AuditEvent, summary: ReadSummary
) -> list[list[Any]]:
    """`query.rows(values)`, and `event` appended to the audit trail for each
    row found, its summary filled from the row.

    The read of every API call is audited, so on PostgreSQL the INSERT rides in
    the same statement as the read (a data-modifying WITH): one round trip, and
    the same text each time, so it is prepared like the read alone. Elsewhere
    the event is saved after the read. Either way the stored event is the one
    `event.save()` would write."""
    if event.action not in READ_ACTIONS:
        raise ValueError(f"{event.action!r} is a change: save its event as a model")
    connection = connections[query.alias]
    if connection.vendor != "postgresql" or query.matches_nothing:
        rows = query.rows(values)
        for row in rows:
            event.pk = None
            event.summary = summary.text(row[query.columns.index(summary.column)])
            event.save()
        return rows
    sql, params = query.bind(values)
    insert, insert_params = _insert_for_each_row(event, "visible", summary, connection)
    fetched = fetch_all(
        query.alias,
        # Both parts are compiled SQL; the values are parameters.
        f"WITH visible AS ({sql}), appended AS ({insert}) SELECT * FROM visible",  # noqa: S608
        [*params, *insert_params],
    )
    return query.converted(fetched)


def _insert_for_each_row(
    event: AuditEvent, rows: str, summary: ReadSummary, connection: Any
) -> tuple[str, list[Any]]:
    """INSERT ... SELECT appending `event` once per row of `rows`, with the
    columns and values the ORM's own insert would write (pre_save, then the
    field's database value)."""
    quote = connection.ops.quote_name
    columns: list[str] = []
    selected: list[str] = []
    params: list[Any] = []
    for field in AuditEvent._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.name == "summary":
            selected.append(f"LEFT(%s || {rows}.{quote(summary.column)} || %s, {SUMMARY_LENGTH})")
            params += [summary.before, summary.after]
        else:
            selected.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(event, add=True), connection))
    sql = (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM {rows}"
    )
    return sql, params


def _plain_dict(changes: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) for key, value in changes.items()}
