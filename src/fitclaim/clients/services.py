"""Changing clients: create, update, and the client-portal login."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Membership, Role, User
from fitclaim.audit.services import audit_record, changed_fields, model_snapshot
from fitclaim.clients.access import (
    may_create_clients,
    may_create_portal_logins,
    may_edit_visible_clients,
)
from fitclaim.clients.models import Client
from fitclaim.clients.problems import Problems

CLIENT_FIELDS = ("first_name", "last_name", "birth_date", "email", "phone", "address", "conditions")
# Bookkeeping columns that say nothing about the client.
_NOT_AUDITED = ("id", "organization_id", "created_at", "updated_at")


def normalize_codes(value: str | Iterable[str] | None) -> list[str]:
    """Codes from a list or a comma/space separated text: trimmed, uppercased,
    duplicates dropped, order kept."""
    if value is None:
        return []
    items = re.split(r"[\s,;]+", value) if isinstance(value, str) else value
    codes: list[str] = []
    for item in items:
        code = str(item).strip().upper()
        if code and code not in codes:
            codes.append(code)
    return codes


def condition_problems(codes: Iterable[str]) -> list[str]:
    """Why each code cannot be a diagnosis: it must be a billable FY2026
    ICD-10-CM code, because it goes on letters and claims as it is."""
    from fitclaim.domain.codes import icd10_problem

    return [message for code in codes if (message := icd10_problem(code))]


def _snapshot(client: Client) -> dict[str, Any]:
    snapshot = model_snapshot(client)
    for key in _NOT_AUDITED:
        snapshot.pop(key, None)
    return snapshot


def _trainer_ids(client: Client) -> list[int]:
    return sorted(client.trainers.values_list("pk", flat=True))


def _resolve_trainers(by: Actor, trainer_ids: Iterable[Any], problems: Problems) -> list[Any]:
    from fitclaim.trainers.models import Trainer

    wanted: list[int] = []
    for raw in trainer_ids:
        try:
            wanted.append(int(getattr(raw, "pk", raw)))
        except (TypeError, ValueError):
            problems.add("trainer_ids", f"not a trainer id: {raw}")
    trainers = list(
        Trainer.objects.filter(organization_id=by.membership.organization_id, pk__in=wanted)
    )
    missing = sorted(set(wanted) - {t.pk for t in trainers})
    if missing:
        problems.add(
            "trainer_ids", f"no such trainer in this organization: {', '.join(map(str, missing))}"
        )
    return trainers


def _check_client(client: Client, problems: Problems) -> None:
    for field in ("first_name", "last_name"):
        if not (getattr(client, field) or "").strip():
            problems.add(field, "required")
    for message in condition_problems(client.conditions):
        problems.add("conditions", message)
    problems.check_model(client, exclude=["organization", "trainers"])


@transaction.atomic
def client_create(
    *,
    by: Actor,
    first_name: str,
    last_name: str,
    birth_date: Any = None,
    email: str = "",
    phone: str = "",
    address: str = "",
    conditions: Iterable[str] | str = (),
    trainer_ids: Iterable[Any] = (),
) -> Client:
    """Add a client to the actor's organization. A trainer who adds a client is
    assigned to it, or they could not see what they just created."""
    if not may_create_clients(by):
        raise Http404("not found")
    problems = Problems()
    client = Client(
        organization_id=by.membership.organization_id,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        birth_date=birth_date,
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        address=(address or "").strip(),
        conditions=normalize_codes(conditions),
    )
    trainers = _resolve_trainers(by, trainer_ids, problems)
    if by.role == Role.TRAINER:
        from fitclaim.trainers.selectors import trainer_for_actor

        own = trainer_for_actor(by)
        if own is None:
            problems.add(
                "trainer_ids",
                "your account is not linked to a trainer record: ask an admin to link it",
            )
        elif own not in trainers:
            trainers.append(own)
    _check_client(client, problems)
    problems.raise_if_any()
    client.save()
    client.trainers.set(trainers)
    changes = {field: [None, value] for field, value in _snapshot(client).items()}
    changes["trainers"] = [None, _trainer_ids(client)]
    audit_record(
        actor=by,
        action="create",
        entity="client",
        entity_id=client.pk,
        client_id=client.pk,
        changes=changes,
        summary=f"added client {client.name}",
    )
    return client


@transaction.atomic
def client_update(*, by: Actor, client: Client, data: Mapping[str, Any]) -> Client:
    """Change the given fields of a client (`trainer_ids` replaces the assigned
    trainers). A trainer cannot unassign themselves: they would lose the client
    mid-edit and nobody would notice."""
    unknown = set(data) - set(CLIENT_FIELDS) - {"trainer_ids"}
    if unknown:
        raise TypeError(f"not client fields: {sorted(unknown)}")
    if not may_edit_visible_clients(by) or client.organization_id != by.membership.organization_id:
        raise Http404("not found")
    # Lock the row: two people editing the same client apply one after the other.
    client = Client.objects.select_for_update().get(pk=client.pk)
    before, before_trainers = _snapshot(client), _trainer_ids(client)
    problems = Problems()
    for field in CLIENT_FIELDS:
        if field in data:
            value = data[field]
            if field == "conditions":
                value = normalize_codes(value)
            elif isinstance(value, str):
                value = value.strip()
            elif value is None and field != "birth_date":
                value = ""
            setattr(client, field, value)
    trainers = None
    if "trainer_ids" in data:
        trainers = _resolve_trainers(by, data["trainer_ids"] or (), problems)
        if by.role == Role.TRAINER:
            from fitclaim.trainers.selectors import trainer_for_actor

            own = trainer_for_actor(by)
            if own is not None and own not in trainers:
                problems.add(
                    "trainer_ids", "you cannot unassign yourself: ask an organization admin"
                )
    _check_client(client, problems)
    problems.raise_if_any()
    client.save()
    if trainers is not None:
        client.trainers.set(trainers)
    changes = changed_fields(before, _snapshot(client))
    after_trainers = _trainer_ids(client)
    if after_trainers != before_trainers:
        changes["trainers"] = [before_trainers, after_trainers]
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="client",
            entity_id=client.pk,
            client_id=client.pk,
            changes=changes,
            summary=f"changed {', '.join(sorted(changes))} of {client.name}",
        )
    return client


@transaction.atomic
def client_create_portal_login(*, by: Actor, client: Client, email: str = "") -> Membership:
    """Give a client their own sign-in to the portal, where they see only their
    own record (read-only). Admins only. A new account gets no password: the
    client is emailed a link to choose one, so no password passes through staff.
    """
    from fitclaim.accounts import services as accounts

    if not may_create_portal_logins(by) or client.organization_id != by.membership.organization_id:
        raise Http404("not found")
    if Membership.objects.filter(client=client).exists():
        raise ValidationError({"email": "this client already has a portal login"})
    email = (email or client.email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "enter the client's email address"}) from None
    user = User.objects.filter(email__iexact=email).first()
    is_new = user is None
    if user is None:
        user = accounts.user_create(
            email=email, first_name=client.first_name, last_name=client.last_name, actor=by
        )
    membership = accounts.membership_create(actor=by, user=user, role=Role.CLIENT, client=client)
    # The invitation carries the set-password link (or, for an existing
    # account, the sign-in link); sent after commit so a rollback sends nothing.
    transaction.on_commit(
        lambda: accounts.invitation_send(membership=membership, invited_by=by.user, is_new=is_new)
    )
    return membership
