"""What the records routers share: the caller's Actor, and service problems as
422 errors in the same shape as ninja's own schema errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict

from fitclaim.accounts.actor import Actor

# Every request body is a schema named `payload`, so a field's path is
# ["body", "payload", field], exactly where ninja reports its own errors.
BODY = ("body", "payload")

# Input schemas refuse unknown keys: a misspelt field is an error, not ignored.
STRICT = ConfigDict(extra="forbid")


def api_actor(request: Any) -> Actor:
    from fitclaim.api.auth import request_actor

    return request_actor(request)


def problems_as_api_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for field, messages in exc.message_dict.items():
        named = None if field == NON_FIELD_ERRORS else field
        for message in messages:
            errors.append(
                {
                    "loc": [*BODY, named] if named else list(BODY),
                    "field": named,
                    "msg": message,
                    "type": "invalid",
                }
            )
    return errors


@contextmanager
def field_errors() -> Iterator[None]:
    """Run a service call; its field problems become a 422 naming each field."""
    try:
        yield
    except DjangoValidationError as exc:
        raise NinjaValidationError(problems_as_api_errors(exc)) from None
