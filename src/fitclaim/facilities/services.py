"""Changing facilities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record, changed_fields, model_snapshot
from fitclaim.clients.access import may_edit_directory
from fitclaim.clients.problems import Problems
from fitclaim.facilities.models import Facility

FACILITY_FIELDS = ("name", "address", "phone")
_NOT_AUDITED = ("id", "organization_id", "created_at", "updated_at")


def _snapshot(facility: Facility) -> dict[str, Any]:
    snapshot = model_snapshot(facility)
    for key in _NOT_AUDITED:
        snapshot.pop(key, None)
    return snapshot


def _check_facility(facility: Facility, problems: Problems) -> None:
    if not facility.name:
        problems.add("name", "required")
    elif (
        Facility.objects.filter(
            organization_id=facility.organization_id, name__iexact=facility.name
        )
        .exclude(pk=facility.pk)
        .exists()
    ):
        # Letters authorize facilities by name, so two with one name would be ambiguous.
        problems.add("name", "another facility has this name")
    problems.check_model(facility, exclude=["organization"])


def _require_editor(by: Actor, organization_id: int | None = None) -> None:
    if not may_edit_directory(by) or organization_id not in (None, by.membership.organization_id):
        raise Http404("not found")


@transaction.atomic
def facility_create(*, by: Actor, name: str, address: str = "", phone: str = "") -> Facility:
    _require_editor(by)
    facility = Facility(
        organization_id=by.membership.organization_id,
        name=(name or "").strip(),
        address=(address or "").strip(),
        phone=(phone or "").strip(),
    )
    problems = Problems()
    _check_facility(facility, problems)
    problems.raise_if_any()
    facility.save()
    audit_record(
        actor=by,
        action="create",
        entity="facility",
        entity_id=facility.pk,
        changes={field: [None, value] for field, value in _snapshot(facility).items()},
        summary=f"added facility {facility.name}",
    )
    return facility


@transaction.atomic
def facility_update(*, by: Actor, facility: Facility, data: Mapping[str, Any]) -> Facility:
    unknown = set(data) - set(FACILITY_FIELDS)
    if unknown:
        raise TypeError(f"not facility fields: {sorted(unknown)}")
    _require_editor(by, facility.organization_id)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    before = _snapshot(facility)
    for field, value in data.items():
        setattr(facility, field, (value or "").strip())
    problems = Problems()
    _check_facility(facility, problems)
    problems.raise_if_any()
    facility.save()
    changes = changed_fields(before, _snapshot(facility))
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="facility",
            entity_id=facility.pk,
            changes=changes,
            summary=f"changed {', '.join(changes)} of facility {facility.name}",
        )
    return facility
