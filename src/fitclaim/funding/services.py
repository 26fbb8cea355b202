"""Changing funding sources and the client's funding preferences."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record, changed_fields, model_snapshot
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.models import Client, Strategy
from fitclaim.clients.problems import Problems
from fitclaim.funding.models import (
    ALL_KIND_FIELDS,
    KIND_SPECS,
    LIST_FIELDS,
    FundingKind,
    FundingSource,
    editable_fields,
)
from fitclaim.funding.rules import KIND_NAMES, Sibling, funding_source_problems, normalize_list
from fitclaim.funding.selectors import funding_values_from_engine_input

_NOT_AUDITED = ("id", "organization_id", "client_id", "created_at", "updated_at")


def _snapshot(source: FundingSource) -> dict[str, Any]:
    snapshot = model_snapshot(source)
    for key in _NOT_AUDITED:
        snapshot.pop(key, None)
    return snapshot


def _require_editor(by: Actor, client: Client) -> None:
    # The caller got `client` through access_client; this guards against a
    # service called with someone else's record all the same.
    if not may_edit_visible_clients(by) or client.organization_id != by.membership.organization_id:
        raise Http404("not found")


def _siblings(client: Client, *, exclude_pk: int | None) -> list[Sibling]:
    return [
        Sibling(pk=pk, kind=kind, order=order)
        for pk, kind, order in client.funding_sources.exclude(pk=exclude_pk).values_list(
            "pk", "kind", "order"
        )
    ]


def _merge_values(
    kind: str, current: Mapping[str, Any], data: Mapping[str, Any], problems: Problems
) -> dict[str, Any]:
    """The source's values after applying `data`: strings trimmed, lists
    normalized, an empty optional field back to the engine default, and every
    column of the other kinds cleared."""
    allowed = set(editable_fields(kind))
    values = {field: current.get(field) for field in allowed}
    for field, value in data.items():
        if field == "kind":
            continue
        if field not in allowed:
            if value not in (None, "", []):
                problems.add(field, f"not a field of {KIND_NAMES[kind]}")
            continue
        if field in LIST_FIELDS:
            value = normalize_list(field, value)
        elif isinstance(value, str):
            value = value.strip()
        values[field] = value
    for field, default in KIND_SPECS[kind].defaults.items():
        if values.get(field) in (None, "") and default is not None:
            values[field] = list(default) if isinstance(default, list) else default
    for field in ("payer_name", "member_id", "claim_address"):
        values[field] = values.get(field) or ""
    if values.get("accepts_esignature") is None:
        values["accepts_esignature"] = True
    for field in ALL_KIND_FIELDS - allowed:
        values[field] = None
    if kind != FundingKind.INSURANCE:
        values["order"] = None
    # Columns every kind shares are not nullable.
    values["accepted_issuers"] = values.get("accepted_issuers") or []
    values["covered_codes"] = values.get("covered_codes") or []
    return values


def _check(
    source: FundingSource, values: Mapping[str, Any], siblings: list[Sibling], problems: Problems
) -> None:
    problems.update_from(funding_source_problems(source.kind, values, siblings=siblings))
    problems.check_model(source, exclude=["organization", "client"])


@transaction.atomic
def funding_source_create(
    *, by: Actor, client: Client, kind: str, data: Mapping[str, Any]
) -> FundingSource:
    """Add a funding source to a client. Fields left out get the engine's
    defaults for the kind; an insurance plan without an `order` goes after the
    client's other plans."""
    _require_editor(by, client)
    problems = Problems()
    if kind not in KIND_SPECS:
        problems.add("kind", "choose insurance, fsa, hsa or wellness")
        problems.raise_if_any()
    # Lock the client: two requests adding an HSA, or a plan with the same
    # order, queue here instead of both passing the checks.
    client = Client.objects.select_for_update().get(pk=client.pk)
    siblings = _siblings(client, exclude_pk=None)
    values = _merge_values(kind, {}, data, problems)
    if kind == FundingKind.INSURANCE and values.get("order") in (None, ""):
        values["order"] = 1 + max((s.order or 0 for s in siblings if s.kind == kind), default=0)
    source = FundingSource(organization_id=client.organization_id, client=client, kind=kind)
    for field, value in values.items():
        setattr(source, field, value)
    _check(source, values, siblings, problems)
    problems.raise_if_any()
    source.save()
    if client.priority and kind != FundingKind.INSURANCE:
        # A chosen order stays complete: the new source goes last.
        client.priority = [*client.priority, source.pk]
        client.save(update_fields=["priority", "updated_at"])
    audit_record(
        actor=by,
        action="create",
        entity="funding_source",
        entity_id=source.pk,
        client_id=client.pk,
        changes={
            field: [None, value] for field, value in _snapshot(source).items() if value is not None
        },
        summary=f"added {KIND_NAMES[kind]} ({source.name}) for {client.name}",
    )
    return source


@transaction.atomic
def funding_source_update(
    *, by: Actor, source: FundingSource, data: Mapping[str, Any]
) -> FundingSource:
    """Change the given fields of a source. Its kind cannot change: a different
    kind is a different source with different rules."""
    client = Client.objects.select_for_update().get(pk=source.client_id)
    _require_editor(by, client)
    source = FundingSource.objects.select_for_update().get(pk=source.pk)
    problems = Problems()
    if "kind" in data and data["kind"] not in (None, source.kind):
        problems.add("kind", "the kind of a source cannot change: add a new source instead")
    before = _snapshot(source)
    current = {field: getattr(source, field) for field in editable_fields(source.kind)}
    values = _merge_values(source.kind, current, data, problems)
    for field, value in values.items():
        setattr(source, field, value)
    _check(source, values, _siblings(client, exclude_pk=source.pk), problems)
    problems.raise_if_any()
    source.save()
    changes = changed_fields(before, _snapshot(source))
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="funding_source",
            entity_id=source.pk,
            client_id=client.pk,
            changes=changes,
            summary=f"changed {', '.join(changes)} of {source.name} for {client.name}",
        )
    return source


@transaction.atomic
def funding_source_delete(*, by: Actor, source: FundingSource) -> None:
    client = Client.objects.select_for_update().get(pk=source.client_id)
    _require_editor(by, client)
    snapshot, pk, name = _snapshot(source), source.pk, source.name
    source.delete()
    if pk in client.priority:
        client.priority = [p for p in client.priority if p != pk]
        client.save(update_fields=["priority", "updated_at"])
    audit_record(
        actor=by,
        action="delete",
        entity="funding_source",
        entity_id=pk,
        client_id=client.pk,
        changes={field: [value, None] for field, value in snapshot.items() if value is not None},
        summary=f"removed {name} for {client.name}",
    )


def funding_source_create_from_engine_input(
    *, by: Actor, client: Client, data: Mapping[str, Any], extra: Mapping[str, Any] | None = None
) -> FundingSource:
    """Add a source given as an engine source object (a case being imported).
    `extra` carries the fields the engine does not know (payer, member id)."""
    kind, values = funding_values_from_engine_input(dict(data))
    values.update(extra or {})
    return funding_source_create(by=by, client=client, kind=kind, data=values)


@transaction.atomic
def funding_preferences_update(
    *, by: Actor, client: Client, strategy: str, priority: Iterable[Any] | None
) -> Client:
    """Set how the engine spends the client's non-insurance sources. `priority`
    is empty for the engine's default order (wellness, then FSA, then HSA) or
    lists every non-insurance source of the client exactly once."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    _require_editor(by, client)
    problems = Problems()
    if strategy not in Strategy.values:
        problems.add("strategy", f"choose {' or '.join(Strategy.values)}")
    others = set(
        client.funding_sources.exclude(kind=FundingKind.INSURANCE).values_list("pk", flat=True)
    )
    chosen: list[int] = []
    for raw in priority or ():
        try:
            pk = int(str(raw).removeprefix("src-"))
        except ValueError:
            problems.add("priority", f"not a funding source id: {raw}")
            continue
        if pk not in others:
            problems.add("priority", f"not a non-insurance source of this client: {raw}")
        elif pk in chosen:
            problems.add("priority", f"listed twice: {raw}")
        else:
            chosen.append(pk)
    if chosen and set(chosen) != others and "priority" not in problems:
        problems.add(
            "priority",
            "list every non-insurance source of the client, or none for the default order",
        )
    problems.raise_if_any()
    before = {"strategy": client.strategy, "priority": list(client.priority)}
    client.strategy, client.priority = strategy, chosen
    client.save(update_fields=["strategy", "priority", "updated_at"])
    changes = changed_fields(before, {"strategy": client.strategy, "priority": client.priority})
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="client",
            entity_id=client.pk,
            client_id=client.pk,
            changes=changes,
            summary=f"changed the funding preferences of {client.name}",
        )
    return client
