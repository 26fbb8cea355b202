"""`Idempotency-Key`: a request retried with the same key changes nothing and
gets the first answer.

The key is claimed (a row, unique per user and key) in the same transaction
as the work, before the work: a retry arriving while the first request is
still running waits on that row (PostgreSQL) or on the writer lock (SQLite),
then finds the stored answer. A request that fails stores nothing, so a retry
after a refusal runs again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from ninja.errors import ValidationError as NinjaValidationError

from fitclaim.accounts.actor import Actor
from fitclaim.claims.models import IdempotencyKey

HEADER = "Idempotency-Key"


def _key_error(message: str) -> NinjaValidationError:
    return NinjaValidationError(
        [{"loc": ["header", HEADER], "field": HEADER, "msg": message, "type": "invalid"}]
    )


def _replay(record: IdempotencyKey, operation: str) -> tuple[int, dict[str, Any]]:
    if record.operation != operation:
        raise _key_error("this key was already used for a different request")
    return record.status_code, record.response


def idempotent(
    *,
    key: str | None,
    actor: Actor,
    operation: str,
    run: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    """Run `run` once per (user, Idempotency-Key); without a key, just run it."""
    key = (key or "").strip()
    if not key:
        return run()
    if len(key) > 255:
        raise _key_error("at most 255 characters")
    operation = operation[:100]
    existing = IdempotencyKey.objects.filter(user=actor.user, key=key).first()
    if existing is not None:
        return _replay(existing, operation)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                organization_id=actor.membership.organization_id,
                user=actor.user,
                key=key,
                operation=operation,
                status_code=0,
                response={},
            )
            status, body = run()
            record.status_code = status
            record.response = body
            record.save(update_fields=["status_code", "response"])
            return status, body
    except IntegrityError:
        # The same key, committed by a concurrent request while we waited.
        existing = IdempotencyKey.objects.filter(user=actor.user, key=key).first()
        if existing is None:
            raise
        return _replay(existing, operation)
