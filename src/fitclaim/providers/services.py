"""Changing providers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record, changed_fields, model_snapshot
from fitclaim.clients.access import may_edit_directory
from fitclaim.clients.problems import Problems
from fitclaim.providers.models import Provider

PROVIDER_FIELDS = (
    "name",
    "kind",
    "credentials",
    "npi",
    "license_state",
    "email",
    "phone",
    "address",
)
_NOT_AUDITED = ("id", "organization_id", "created_at", "updated_at")


def _snapshot(provider: Provider) -> dict[str, Any]:
    snapshot = model_snapshot(provider)
    for key in _NOT_AUDITED:
        snapshot.pop(key, None)
    return snapshot


def _clean(field: str, value: Any) -> Any:
    value = (value or "").strip()
    if field == "npi":
        return "".join(value.split())
    if field == "license_state":
        return value.upper()
    return value


def _check_provider(provider: Provider, problems: Problems) -> None:
    from fitclaim.domain.codes import npi_problem

    if not provider.name:
        problems.add("name", "required")
    if not provider.npi:
        problems.add("npi", "required: the provider's 10-digit NPI")
    else:
        message = npi_problem(provider.npi)
        if message:
            problems.add("npi", message)
        else:
            other = (
                Provider.objects.filter(organization_id=provider.organization_id, npi=provider.npi)
                .exclude(pk=provider.pk)
                .first()
            )
            if other is not None:
                problems.add("npi", f"already the NPI of {other.name}")
    if provider.license_state and not re.fullmatch(r"[A-Z]{2}", provider.license_state):
        problems.add("license_state", "a two-letter state code, for example OR")
    problems.check_model(provider, exclude=["organization"])


def _require_editor(by: Actor, organization_id: int | None = None) -> None:
    if not may_edit_directory(by) or organization_id not in (None, by.membership.organization_id):
        raise Http404("not found")


@transaction.atomic
def provider_create(
    *,
    by: Actor,
    name: str,
    kind: str,
    npi: str,
    credentials: str = "",
    license_state: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
) -> Provider:
    """Add a clinician who can write letters of medical necessity. The NPI must
    pass its check digit: payers reject a claim or letter with a mistyped one."""
    _require_editor(by)
    values = {
        "name": name,
        "kind": kind,
        "npi": npi,
        "credentials": credentials,
        "license_state": license_state,
        "email": email,
        "phone": phone,
        "address": address,
    }
    provider = Provider(
        organization_id=by.membership.organization_id,
        **{field: _clean(field, value) for field, value in values.items()},
    )
    problems = Problems()
    _check_provider(provider, problems)
    problems.raise_if_any()
    provider.save()
    audit_record(
        actor=by,
        action="create",
        entity="provider",
        entity_id=provider.pk,
        changes={field: [None, value] for field, value in _snapshot(provider).items()},
        summary=f"added provider {provider.name}",
    )
    return provider


@transaction.atomic
def provider_update(*, by: Actor, provider: Provider, data: Mapping[str, Any]) -> Provider:
    unknown = set(data) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"not provider fields: {sorted(unknown)}")
    _require_editor(by, provider.organization_id)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    before = _snapshot(provider)
    for field, value in data.items():
        setattr(provider, field, _clean(field, value))
    problems = Problems()
    _check_provider(provider, problems)
    problems.raise_if_any()
    provider.save()
    changes = changed_fields(before, _snapshot(provider))
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="provider",
            entity_id=provider.pk,
            changes=changes,
            summary=f"changed {', '.join(changes)} of provider {provider.name}",
        )
    return provider
