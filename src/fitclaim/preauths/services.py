"""Changing pre-authorizations: the request, and the insurer's answer.

Each function is one transaction, checks every field before writing anything
(problems by field name) and leaves an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record, changed_fields, model_snapshot
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.models import Client
from fitclaim.clients.problems import Problems
from fitclaim.preauths.models import Preauthorization, PreauthStatus

REQUEST_FIELDS = (
    "source_id",
    "lmn_id",
    "requested_on",
    "requested_sessions",
    "requested_from",
    "requested_to",
    "service_codes",
    "notes",
)
ANSWER_FIELDS = (
    "status",
    "reference",
    "approved_sessions",
    "valid_from",
    "valid_to",
    "answered_on",
    "notes",
)
_NOT_AUDITED = ("id", "organization_id", "created_at", "updated_at")


def _check_may_edit(by: Actor, client: Client) -> None:
    if not may_edit_visible_clients(by) or client.organization_id != by.membership.organization_id:
        raise Http404("not found")


def _snapshot(preauth: Preauthorization) -> dict[str, Any]:
    snapshot = model_snapshot(preauth)
    for key in _NOT_AUDITED:
        snapshot.pop(key, None)
    return snapshot


def _date(value: Any, name: str, problems: Problems) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.add(name, "not a date (YYYY-MM-DD)")
        return None


def _count(value: Any, name: str, problems: Problems, *, minimum: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        problems.add(name, "a whole number is required")
        return None
    if number < minimum or number > 10000:
        problems.add(name, f"must be between {minimum} and 10000")
    return number


def _service_codes(value: Any, problems: Problems) -> list[str]:
    from fitclaim.clients.services import normalize_codes

    codes = normalize_codes(value)
    for code in codes:
        if not (len(code) == 5 and code.isalnum()):
            problems.add(
                "service_codes", f"{code} is not a service code (5 characters: S9451, 97110)"
            )
    return codes


def _apply_request(
    preauth: Preauthorization, client: Client, data: Mapping[str, Any], problems: Problems
) -> None:
    from fitclaim.funding.models import FundingKind, FundingSource
    from fitclaim.lmns.models import Lmn, LmnStatus

    for name in sorted(set(data) - set(REQUEST_FIELDS)):
        problems.add(name, "unknown field")
    if "source_id" in data:
        source_id = getattr(data["source_id"], "pk", data["source_id"])
        source = FundingSource.objects.filter(client=client, pk=source_id or 0).first()
        if source is None:
            problems.add("source_id", "choose one of the client's insurance plans")
        elif source.kind != FundingKind.INSURANCE:
            problems.add("source_id", "only an insurance plan pre-authorizes sessions")
        else:
            preauth.source = source
    if "lmn_id" in data:
        lmn_id = getattr(data["lmn_id"], "pk", data["lmn_id"])
        if lmn_id in (None, ""):
            preauth.lmn = None
        else:
            lmn = Lmn.objects.filter(client=client, pk=lmn_id).first()
            if lmn is None:
                problems.add("lmn_id", "choose one of the client's letters")
            elif lmn.status == LmnStatus.REVOKED:
                problems.add("lmn_id", f"{lmn.reference} is revoked")
            else:
                preauth.lmn = lmn
    for name in ("requested_on", "requested_from", "requested_to"):
        if name in data:
            value = _date(data[name], name, problems)
            if value is None and name not in problems:
                problems.add(name, "required")
            setattr(preauth, name, value)
    if "requested_sessions" in data:
        number = _count(data["requested_sessions"], "requested_sessions", problems, minimum=1)
        if number is None and "requested_sessions" not in problems:
            problems.add("requested_sessions", "required")
        preauth.requested_sessions = number  # type: ignore[assignment]
    if "service_codes" in data:
        preauth.service_codes = _service_codes(data["service_codes"], problems)
    if "notes" in data:
        preauth.notes = (data["notes"] or "").strip()
    if (
        preauth.requested_from
        and preauth.requested_to
        and preauth.requested_to < preauth.requested_from
    ):
        problems.add("requested_to", "The period ends before it starts.")


@transaction.atomic
def preauth_create(*, by: Actor, client: Client, data: Mapping[str, Any]) -> Preauthorization:
    """Record a request for pre-authorization to one of the client's insurance
    plans; its answer is pending until recorded."""
    _check_may_edit(by, client)
    problems = Problems()
    preauth = Preauthorization(
        organization_id=client.organization_id,
        client=client,
        status=PreauthStatus.PENDING,
        created_by=by.user,
    )
    full = {name: data.get(name) for name in REQUEST_FIELDS} | dict(data)
    _apply_request(preauth, client, full, problems)
    problems.raise_if_any()
    preauth.save()
    audit_record(
        actor=by,
        action="create",
        entity="preauthorization",
        entity_id=preauth.pk,
        client_id=client.pk,
        changes={name: [None, value] for name, value in _snapshot(preauth).items()},
        summary=f"requested pre-authorization {preauth.display_reference} from "
        f"{preauth.source.name} for {client.name}",
    )
    return preauth


def _lock(preauth: Preauthorization) -> Preauthorization:
    return (
        Preauthorization.objects.select_for_update(of=("self",))
        .select_related("client", "source", "lmn")
        .get(pk=preauth.pk)
    )


@transaction.atomic
def preauth_update(
    *, by: Actor, preauth: Preauthorization, data: Mapping[str, Any]
) -> Preauthorization:
    """Change the request (plan, letter, sessions, dates, codes, notes)."""
    _check_may_edit(by, preauth.client)
    preauth = _lock(preauth)
    before = _snapshot(preauth)
    problems = Problems()
    _apply_request(preauth, preauth.client, data, problems)
    problems.raise_if_any()
    preauth.save()
    changes = changed_fields(before, _snapshot(preauth))
    if changes:
        audit_record(
            actor=by,
            action="update",
            entity="preauthorization",
            entity_id=preauth.pk,
            client_id=preauth.client_id,
            changes=changes,
            summary=f"changed the request {preauth.display_reference}",
        )
    return preauth


@transaction.atomic
def preauth_record_answer(
    *,
    by: Actor,
    preauth: Preauthorization,
    status: str,
    reference: str = "",
    approved_sessions: Any = None,
    valid_from: Any = None,
    valid_to: Any = None,
    answered_on: Any = None,
    notes: str | None = None,
) -> Preauthorization:
    """Record what the insurer answered. An approval needs the sessions approved
    (0 or more) and the dates they are valid (default: the requested ones); a
    denial or a pending answer may carry a reference and notes."""
    _check_may_edit(by, preauth.client)
    preauth = _lock(preauth)
    before = _snapshot(preauth)
    problems = Problems()
    if status not in PreauthStatus.values:
        problems.add("status", "choose pending, approved or denied")
    sessions = _count(approved_sessions, "approved_sessions", problems, minimum=0)
    start = _date(valid_from, "valid_from", problems)
    end = _date(valid_to, "valid_to", problems)
    answered = _date(answered_on, "answered_on", problems)
    if status == PreauthStatus.APPROVED:
        if sessions is None and "approved_sessions" not in problems:
            problems.add("approved_sessions", "How many sessions did the insurer approve?")
        start = start or preauth.requested_from
        end = end or preauth.requested_to
    if start and end and end < start:
        problems.add("valid_to", "The approved period ends before it starts.")
    problems.raise_if_any()
    preauth.status = status
    preauth.reference = (reference or "").strip()
    preauth.approved_sessions = sessions
    preauth.valid_from = start
    preauth.valid_to = end
    preauth.answered_on = answered or (
        None if status == PreauthStatus.PENDING else timezone.localdate()
    )
    if notes is not None:
        preauth.notes = notes.strip()
    preauth.save()
    audit_record(
        actor=by,
        action="update",
        entity="preauthorization",
        entity_id=preauth.pk,
        client_id=preauth.client_id,
        changes=changed_fields(before, _snapshot(preauth)),
        summary=f"recorded the insurer's answer to {preauth.display_reference}: {status}",
    )
    return preauth
