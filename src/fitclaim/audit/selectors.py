"""Reads of the audit trail. Only an organization's admins read it, and only
their own organization's events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from fitclaim.audit.models import AuditEvent

if TYPE_CHECKING:
    from fitclaim.accounts.actor import Actor


@dataclass(frozen=True)
class AuditFilter:
    """What the admin narrows the trail to; every part is optional."""

    actor_id: int | None = None
    action: str = ""
    entity: str = ""
    client_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _require_admin(actor: Actor) -> None:
    if not actor.membership.is_admin:
        raise Http404("the audit trail is for organization admins")


def _start_of_day(day: dt.date) -> dt.datetime:
    # Dates are the organization's local dates (settings.TIME_ZONE), not UTC ones.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(*, actor: Actor, where: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """The organization's events, newest first, narrowed by `where`."""
    _require_admin(actor)
    events = AuditEvent.objects.filter(organization=actor.organization).select_related("actor")
    if where is None:
        return events
    if where.actor_id is not None:
        events = events.filter(actor_id=where.actor_id)
    if where.action:
        events = events.filter(action=where.action)
    if where.entity:
        events = events.filter(entity=where.entity)
    if where.client_id is not None:
        events = events.filter(client_id=where.client_id)
    if where.date_from is not None:
        events = events.filter(at__gte=_start_of_day(where.date_from))
    if where.date_to is not None:
        # Inclusive: everything before the start of the next day.
        events = events.filter(at__lt=_start_of_day(where.date_to + dt.timedelta(days=1)))
    return events


def access_audit_event(*, actor: Actor, event_id: int) -> AuditEvent:
    event = audit_events(actor=actor).filter(pk=event_id).first()
    if event is None:
        raise Http404("no such event")
    return event


def audit_entities(*, actor: Actor) -> list[str]:
    """The kinds of record that appear in the organization's trail, for the filter."""
    return list(
        audit_events(actor=actor).order_by("entity").values_list("entity", flat=True).distinct()
    )


def change_rows(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(field, before, after) rows for showing an event's changes.

    An update stores {field: [before, after]}; a creation or deletion stores
    {field: value}, shown as the after or the before value respectively."""
    rows: list[tuple[str, Any, Any]] = []
    for field, value in sorted((event.changes or {}).items()):
        if event.action == "update" and isinstance(value, list) and len(value) == 2:
            rows.append((field, value[0], value[1]))
        elif event.action == "delete":
            rows.append((field, value, None))
        else:
            rows.append((field, None, value))
    return rows


def audit_people(*, actor: Actor) -> list[tuple[int, str]]:
    """(user id, email) of everyone who acted in the organization's trail,
    including people who have since left it."""
    rows = (
        audit_events(actor=actor)
        .exclude(actor=None)
        .order_by("actor__email")
        .values_list("actor_id", "actor__email")
        .distinct()
    )
    return list(rows)
