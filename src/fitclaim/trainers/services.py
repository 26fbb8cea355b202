"""Changing trainers and their credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import Http404

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Membership, Role
from fitclaim.audit.services import audit_record, changed_fields, model_snapshot
from fitclaim.clients.access import may_edit_directory
from fitclaim.clients.problems import Problems
from fitclaim.trainers.models import Credential, Trainer

TRAINER_FIELDS = ("name", "email", "phone", "npi", "licensed_profession", "user_id")
CREDENTIAL_FIELDS = ("code", "number", "issuer", "issued", "expires")
_NOT_AUDITED = ("id", "organization_id", "created_at", "updated_at")


def npi_problem_or_none(npi: str) -> str | None:
    from fitclaim.domain.codes import npi_problem

    return npi_problem(npi)


def _snapshot(instance: Any) -> dict[str, Any]:
    snapshot = model_snapshot(instance)
    for key in _NOT_AUDITED:
        snapshot.pop(key, None)
    return snapshot


def _require_directory_editor(by: Actor, organization_id: int | None = None) -> None:
    if not may_edit_directory(by):
        raise Http404("not found")
    if organization_id is not None and organization_id != by.membership.organization_id:
        raise Http404("not found")


def _check_trainer(by: Actor, trainer: Trainer, problems: Problems) -> None:
    if not trainer.name.strip():
        problems.add("name", "required")
    if trainer.npi:
        message = npi_problem_or_none(trainer.npi)
        if message:
            problems.add("npi", message)
    if trainer.user_id is not None:
        # Only someone working in this organization can be linked: the link is
        # what lets them see the clients assigned to the trainer.
        member = Membership.objects.filter(
            user_id=trainer.user_id,
            organization_id=by.membership.organization_id,
            role__in=[Role.ADMIN, Role.BILLING, Role.TRAINER],
        ).exists()
        if not member:
            problems.add("user_id", "not a staff member of this organization")
        else:
            other = (
                Trainer.objects.filter(
                    organization_id=trainer.organization_id, user_id=trainer.user_id
                )
                .exclude(pk=trainer.pk)
                .first()
            )
            if other is not None:
                problems.add("user_id", f"already linked to trainer {other.name}")
    problems.check_model(trainer, exclude=["organization", "user"])


def _clean_trainer_value(field: str, value: Any) -> Any:
    if field == "user_id":
        return getattr(value, "pk", value) or None
    if field == "npi":
        return "".join((value or "").split())
    if field == "licensed_profession":
        return value or "none"
    return (value or "").strip()


@transaction.atomic
def trainer_create(
    *,
    by: Actor,
    name: str,
    email: str = "",
    phone: str = "",
    npi: str = "",
    licensed_profession: str = "none",
    user_id: Any = None,
) -> Trainer:
    _require_directory_editor(by)
    values = {
        "name": name,
        "email": email,
        "phone": phone,
        "npi": npi,
        "licensed_profession": licensed_profession,
        "user_id": user_id,
    }
    trainer = Trainer(
        organization_id=by.membership.organization_id,
        **{field: _clean_trainer_value(field, value) for field, value in values.items()},
    )
    problems = Problems()
    _check_trainer(by, trainer, problems)
    problems.raise_if_any()
    trainer.save()
    audit_record(
        actor=by,
        action="create",
        entity="trainer",
        entity_id=trainer.pk,
        changes={field: [None, value] for field, value in _snapshot(trainer).items()},
        summary=f"added trainer {trainer.name}",
    )
    return trainer


@transaction.atomic
def trainer_update(*, by: Actor, trainer: Trainer, data: Mapping[str, Any]) -> Trainer:
    unknown = set(data) - set(TRAINER_FIELDS)
    if unknown:
        raise TypeError(f"not trainer fields: {sorted(unknown)}")
    _require_directory_editor(by, trainer.organization_id)
    trainer = Trainer.objects.select_for_update().get(pk=trainer.pk)
    before = _snapshot(trainer)
    for field, value in data.items():
        setattr(trainer, field, _clean_trainer_value(field, value))
    problems = Problems()
    _check_trainer(by, trainer, problems)
    problems.raise_if_any()
    trainer.save()
    changes = changed_fields(before, _snapshot(trainer))
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="trainer",
            entity_id=trainer.pk,
            changes=changes,
            summary=f"changed {', '.join(changes)} of trainer {trainer.name}",
        )
    return trainer


def _check_credential(credential: Credential, problems: Problems) -> None:
    if not credential.code:
        problems.add("code", "required, for example ACSM-CEP")
    if credential.expires is None:
        problems.add("expires", "required")
    elif credential.issued is not None and credential.issued > credential.expires:
        problems.add(
            "expires", f"expires ({credential.expires}) before it was issued ({credential.issued})"
        )
    problems.check_model(credential, exclude=["organization", "trainer"])


def _clean_credential_value(field: str, value: Any) -> Any:
    if field == "code":
        return "".join((value or "").split()).upper()
    if field in ("issued", "expires"):
        return value or None
    return (value or "").strip()


@transaction.atomic
def credential_create(
    *,
    by: Actor,
    trainer: Trainer,
    code: str,
    expires: Any,
    issued: Any = None,
    number: str = "",
    issuer: str = "",
) -> Credential:
    """Record a trainer's certification. Payers check it against each session date."""
    _require_directory_editor(by, trainer.organization_id)
    values = {
        "code": code,
        "expires": expires,
        "issued": issued,
        "number": number,
        "issuer": issuer,
    }
    credential = Credential(
        organization_id=trainer.organization_id,
        trainer=trainer,
        **{field: _clean_credential_value(field, value) for field, value in values.items()},
    )
    problems = Problems()
    _check_credential(credential, problems)
    problems.raise_if_any()
    credential.save()
    audit_record(
        actor=by,
        action="create",
        entity="credential",
        entity_id=credential.pk,
        changes={field: [None, value] for field, value in _snapshot(credential).items()},
        summary=f"added {credential.code} to trainer {trainer.name}",
    )
    return credential


@transaction.atomic
def credential_update(*, by: Actor, credential: Credential, data: Mapping[str, Any]) -> Credential:
    unknown = set(data) - set(CREDENTIAL_FIELDS)
    if unknown:
        raise TypeError(f"not credential fields: {sorted(unknown)}")
    _require_directory_editor(by, credential.organization_id)
    credential = (
        Credential.objects.select_for_update().select_related("trainer").get(pk=credential.pk)
    )
    before = _snapshot(credential)
    for field, value in data.items():
        setattr(credential, field, _clean_credential_value(field, value))
    problems = Problems()
    _check_credential(credential, problems)
    problems.raise_if_any()
    credential.save()
    changes = changed_fields(before, _snapshot(credential))
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="credential",
            entity_id=credential.pk,
            changes=changes,
            summary=f"changed {credential.code} of trainer {credential.trainer.name}",
        )
    return credential


@transaction.atomic
def credential_delete(*, by: Actor, credential: Credential) -> None:
    _require_directory_editor(by, credential.organization_id)
    snapshot, pk = _snapshot(credential), credential.pk
    credential.delete()
    audit_record(
        actor=by,
        action="delete",
        entity="credential",
        entity_id=pk,
        changes={field: [value, None] for field, value in snapshot.items()},
        summary=f"removed {snapshot['code']}",
    )
